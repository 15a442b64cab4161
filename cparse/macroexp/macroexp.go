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
// list, so every expansion preprocesses its unit from the text, and one
// run costs about the same for a few tokens as for thousands (its output
// buffer is sized for whole kernel units). Prefetch therefore expands all
// of a file's sites in one run, and the cache makes a site cost one map
// lookup after that.
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
	var b strings.Builder
	t.writeDefs(&b, t.reach([]string{text}))
	writeSite(&b, text, line, col)
	return b.String()
}

// reach returns the definitions the texts can reach, in source order.
func (t *Table) reach(texts []string) []*def {
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
	for _, text := range texts {
		walk(idents(text))
	}
	defs := make([]*def, 0, len(reach))
	for _, d := range reach {
		defs = append(defs, d)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].seq < defs[j].seq })
	return defs
}

func (t *Table) writeDefs(b *strings.Builder, defs []*def) {
	for _, d := range defs {
		if d.Line > 0 {
			fmt.Fprintf(b, "#line %d\n", d.Line)
		}
		b.WriteString(d.Text)
		b.WriteByte('\n')
	}
}

func writeSite(b *strings.Builder, text string, line, col int) {
	if line > 0 {
		fmt.Fprintf(b, "#line %d\n", line)
	}
	fmt.Fprintf(b, "%*s%s\n", max(col-1, 0), "", text)
}

// Cached reports whether Expand has the expansion of text at line and col
// in its cache.
func (t *Table) Cached(file, text string, line, col int) bool {
	if file == "" {
		file = "<macro>"
	}
	key := file + "\x00" + t.Unit(text, line, col)
	cache.Lock()
	_, ok := cache.m[key]
	cache.Unlock()
	return ok
}

// Site is one invocation for Prefetch: its text as the file writes it and
// where (0 for unknown).
type Site struct {
	Text      string
	Line, Col int
}

// siteEnd ends each invocation in Prefetch's unit: an identifier that no
// file writes and that stops a function-like macro name at the end of an
// expansion from taking the next invocation as its arguments.
const siteEnd = "__macroexp_site_end"

// Prefetch expands the sites that are not cached yet in one preprocessor
// run and caches what Expand would return for each, so that a file's
// sites cost one run of the preprocessor rather than one each. When that
// run fails (a bad invocation or definition among them), it caches
// nothing: Expand then runs each site alone and reports its own error.
func (t *Table) Prefetch(file string, sites []Site) {
	if file == "" {
		file = "<macro>"
	}
	var todo []Site
	var keys []string
	seen := map[string]bool{}
	cache.Lock()
	for _, s := range sites {
		k := file + "\x00" + t.Unit(s.Text, s.Line, s.Col)
		if _, ok := cache.m[k]; !ok && !seen[k] {
			seen[k] = true
			todo = append(todo, s)
			keys = append(keys, k)
		}
	}
	cache.Unlock()
	if len(todo) < 2 {
		return
	}
	texts := make([]string, len(todo))
	for i, s := range todo {
		texts[i] = s.Text
	}
	var b strings.Builder
	t.writeDefs(&b, t.reach(texts))
	for _, s := range todo {
		writeSite(&b, s.Text, s.Line, s.Col)
		b.WriteString(siteEnd + "\n")
	}
	u, err := preprocess(file, b.String(), MaxWork*len(todo))
	if err != nil {
		return
	}
	var out []string
	var cur strings.Builder
	for _, tok := range u.Tokens {
		if tok.Text == siteEnd && tok.Macro == "" {
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(tok.Text)
	}
	if len(out) != len(todo) || cur.Len() > 0 {
		return
	}
	cache.Lock()
	if len(cache.m)+len(out) >= cacheMax {
		clear(cache.m)
	}
	for i, k := range keys {
		cache.m[k] = expansion{text: out[i]}
	}
	cache.Unlock()
}

// preprocess runs cparse/cpp over src as the file named file.
func preprocess(file, src string, work int) (*cpp.Unit, error) {
	cfg := &cpp.Config{
		Read: func(p string) ([]byte, error) {
			if p != file {
				return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
			}
			return []byte(src), nil
		},
		MaxWork: work,
	}
	return cpp.Preprocess(cfg, file)
}

// cache holds expansions by file name and unit, shared by all tables; it
// is dropped when it grows large.
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
	key := file + "\x00" + src
	cache.Lock()
	x, ok := cache.m[key]
	cache.Unlock()
	if ok {
		return x.text, x.err
	}
	u, err := preprocess(file, src, MaxWork)
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
	cache.m[key] = x
	cache.Unlock()
	return x.text, x.err
}
