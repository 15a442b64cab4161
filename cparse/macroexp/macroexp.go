// Package macroexp expands macro invocations with a C file's own #define
// directives through the project's preprocessor, cparse/cpp, so that the
// interpreter and the encoding checks use the one macro machine the front
// end uses.
//
// A Table holds the last definition of each name (as the hermetic parse's
// macro table has it), as written in the file and at its line. Expand
// preprocesses a small unit: the definitions the invocation can reach (the
// transitive closure of the identifiers of the invocation and of the
// reached definitions, in source order, each placed at its line with
// #line), then the invocation at its line and column. Errors are cpp's,
// GCC's text at the file's place ("jit.c:12:7: error: macro ..."). A bad
// #define that the invocation cannot reach does not stop it. Results are
// cached by unit, shared by all tables.
//
// cparse/cpp has no entry point that takes a macro table and a token
// list, so every expansion preprocesses its unit from the text; the cache
// makes a site cost one map lookup after the first time.
package macroexp

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// Def is one #define directive.
type Def struct {
	Name string
	Line int    // line of the directive in the file (0: unknown)
	Text string // the directive as written, "#define ...", continuation lines included
}

// Table is the macro table an invocation is expanded against.
type Table struct {
	defs map[string]*def
}

type def struct {
	seq int
	Def
	names []string // identifiers of the directive
}

// NewTable makes a table of defs, in source order; a later definition of a
// name replaces an earlier one.
func NewTable(defs []Def) *Table {
	t := &Table{defs: map[string]*def{}}
	for i, d := range defs {
		t.defs[d.Name] = &def{seq: i, Def: d, names: idents(d.Text)}
	}
	return t
}

// FileDefs returns the #defines of f as written, in source order.
func FileDefs(f *cparse.File) []Def {
	defs := make([]Def, len(f.Macros))
	for i := range f.Macros {
		m := &f.Macros[i]
		defs[i] = Def{Name: m.Name, Line: m.Pos.Line, Text: directiveText(f, m)}
	}
	return defs
}

// directiveText returns the #define of m as written in f (from its '#' to
// the end of its last line), or one rebuilt from m's fields when the
// directive cannot be cut out of the source (a '#' on another line than
// the name).
func directiveText(f *cparse.File, m *cparse.Macro) string {
	if l, e := m.Pos.Line, m.EndLine; l >= 1 && e >= l && e <= len(f.Lines) && m.Pos.Offset <= len(f.Src) {
		start, end := f.Lines[l-1], len(f.Src)
		if e < len(f.Lines) {
			end = f.Lines[e]
		}
		if h := strings.LastIndexByte(string(f.Src[start:max(start, m.Pos.Offset)]), '#'); h >= 0 {
			pre := strings.TrimSpace(string(f.Src[start+h+1 : m.Pos.Offset]))
			if pre == "define" {
				return strings.TrimRight(string(f.Src[start+h:end]), "\r\n")
			}
		}
	}
	return Define(m.Name, m.Params, m.FnLike, m.Body)
}

// Define spells a #define from its parts (body lines joined by newlines,
// as cparse.Macro.Body has them).
func Define(name string, params []string, fnLike bool, body string) string {
	var b strings.Builder
	b.WriteString("#define ")
	b.WriteString(name)
	if fnLike {
		b.WriteString("(" + strings.Join(params, ", ") + ")")
	}
	b.WriteString(" ")
	b.WriteString(strings.ReplaceAll(body, "\n", "\\\n"))
	return b.String()
}

// idents returns the identifier-like words of C text (also those in
// comments and literals: more than the expansion can use, never fewer).
func idents(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		case ch >= '0' && ch <= '9':
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
		default:
			i++
		}
	}
	return out
}

func isIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// Unit returns the translation unit that Expand preprocesses for the
// invocation text written at line and col.
func (t *Table) Unit(text string, line, col int) string {
	reach := map[string]*def{}
	var walk func(names []string)
	walk = func(names []string) {
		for _, n := range names {
			d, ok := t.defs[n]
			if !ok || reach[n] != nil {
				continue
			}
			reach[n] = d
			walk(d.names)
		}
	}
	walk(idents(text))
	defs := make([]*def, 0, len(reach))
	for _, d := range reach {
		defs = append(defs, d)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].seq < defs[j].seq })
	var b strings.Builder
	for _, d := range defs {
		if d.Line > 0 {
			fmt.Fprintf(&b, "#line %d\n", d.Line)
		}
		b.WriteString(d.Text)
		b.WriteByte('\n')
	}
	if line > 0 {
		fmt.Fprintf(&b, "#line %d\n", line)
	}
	fmt.Fprintf(&b, "%*s%s\n", max(col-1, 0), "", text)
	return b.String()
}

// cache holds expansions by their unit, shared by all tables; it is
// dropped when it grows large.
var cache = struct {
	sync.Mutex
	m map[string]expansion
}{m: map[string]expansion{}}

const cacheMax = 1 << 14

type expansion struct {
	text string
	err  error
}

// MaxWork bounds the preprocessor's work for one expansion.
const MaxWork = 1 << 20

// Expand expands the macros in text (an invocation as the file writes it,
// at line and col of the file named file; 0 for unknown) and returns the
// tokens of the expansion spelled with single spaces between them. An
// error is a *cpp.Error.
func (t *Table) Expand(file, text string, line, col int) (string, error) {
	if file == "" {
		file = "<macro>"
	}
	src := t.Unit(text, line, col)
	cache.Lock()
	x, ok := cache.m[src]
	cache.Unlock()
	if ok {
		return x.text, x.err
	}
	cfg := &cpp.Config{
		Read: func(p string) ([]byte, error) {
			if p != file {
				return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
			}
			return []byte(src), nil
		},
		MaxWork: MaxWork,
	}
	u, err := cpp.Preprocess(cfg, file)
	if err != nil {
		x.err = err
	} else {
		var b strings.Builder
		for i, tok := range u.Tokens {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(tok.Text)
		}
		x.text = b.String()
	}
	cache.Lock()
	if len(cache.m) >= cacheMax {
		clear(cache.m)
	}
	cache.m[src] = x
	cache.Unlock()
	return x.text, x.err
}
