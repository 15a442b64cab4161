package interp

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// oldScanner is the header scanner's lexing as it was before it used the
// preprocessor's lexer (cpp.Scan): its own loops over the bytes of the
// header, of each directive and of each macro body. It is kept as the
// oracle of TestHeaderScannerDifferential; the declaration reading
// (token, finish, tagRefs, ...) is the scanner's own.
type oldScanner struct {
	*hscanner
	line int
}

// oldScanHeader adds the definitions of header file to ix as the old
// scanner found them.
func oldScanHeader(ix *hindex, file string, src []byte) {
	s := &oldScanner{hscanner: &hscanner{ix: ix, file: file, src: src}, line: 1}
	s.run()
}

func (s *oldScanner) run() {
	src := s.src
	bol := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			s.line++
			bol = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			s.line++
			i += 2
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i = s.skipComment(i)
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '#' && bol:
			i = s.directive(i + 1)
			continue
		}
		bol = false
		start, line := i, s.line
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line, ident: true})
		case c >= '0' && c <= '9':
			for i < len(src) && (isIdentChar(src[i]) || src[i] == '.') {
				i++
			}
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		case c == '"' || c == '\'':
			i = s.skipLiteral(i)
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		default:
			i++
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		}
	}
}

// skipComment skips the block comment at i, counting lines.
func (s *oldScanner) skipComment(i int) int {
	src := s.src
	i += 2
	for i < len(src) {
		if src[i] == '*' && i+1 < len(src) && src[i+1] == '/' {
			return i + 2
		}
		if src[i] == '\n' {
			s.line++
		}
		i++
	}
	return i
}

// skipLiteral skips the string or character literal at i.
func (s *oldScanner) skipLiteral(i int) int {
	src := s.src
	q := src[i]
	i++
	for i < len(src) && src[i] != q && src[i] != '\n' {
		if src[i] == '\\' && i+1 < len(src) {
			if src[i+1] == '\n' {
				s.line++
			}
			i++
		}
		i++
	}
	if i < len(src) && src[i] == q {
		i++
	}
	return i
}

// directive reads the preprocessor directive after the '#' at i-1 and
// returns the offset of the newline that ends it.
func (s *oldScanner) directive(i int) int {
	src := s.src
	line := s.line
	var b strings.Builder
	for i < len(src) && src[i] != '\n' {
		switch {
		case src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n':
			s.line++
			b.WriteByte(' ')
			i += 2
		case src[i] == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			s.line++
			b.WriteByte(' ')
			i += 3
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '*':
			i = s.skipComment(i)
			b.WriteByte(' ')
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case src[i] == '"' || src[i] == '\'':
			j := s.skipLiteral(i)
			b.Write(src[i:j])
			i = j
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	s.directiveText(strings.TrimSpace(b.String()), func(def string) { s.define(def, line) })
	return i
}

// define records the macro definition "NAME[(PARAMS)] BODY".
func (s *oldScanner) define(def string, line int) {
	name, body, params, ok := defineHead(def)
	if !ok {
		return
	}
	d := &cdef{file: s.file, line: line, endLine: s.line, text: "#define " + def, wrap: s.snapshot(), name: name, macro: true}
	seen := map[string]bool{}
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isIdentStart(c):
			j := i
			for j < len(body) && isIdentChar(body[j]) {
				j++
			}
			id := body[i:j]
			if !params[id] && !seen[id] {
				seen[id] = true
				d.deps = append(d.deps, id)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(body) && (isIdentChar(body[i]) || body[i] == '.') {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < len(body) && body[i] != c {
				if body[i] == '\\' {
					i++
				}
				i++
			}
			i++
		default:
			i++
		}
	}
	// struct tags used by value in the body (sizeof(struct X), a member
	// type passed to another macro).
	d.tagDeps = tagRefs(oldTokenizeIdents(body))
	s.ix.add(s.ix.macros, name, d)
}

// oldTokenizeIdents splits a macro body into identifier and punctuator tokens
// for tagRefs.
func oldTokenizeIdents(body string) []htok {
	var out []htok
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isIdentStart(c):
			j := i
			for j < len(body) && isIdentChar(body[j]) {
				j++
			}
			out = append(out, htok{text: body[i:j], ident: true})
			i = j
		case c == ' ' || c == '\t':
			i++
		default:
			out = append(out, htok{text: body[i : i+1]})
			i++
		}
	}
	return out
}

// TestHeaderScannerDifferential: the scanner on the preprocessor's lexer
// finds the same definitions (text, lines, enclosing conditionals, what
// they need and define, in the same order) as the old scanner in every
// header of the fixture tree, the headers EnvFromTree reads and the
// headers of include/linux, include/uapi/linux and arch/s390/include/asm
// of the installed tree.
func TestHeaderScannerDifferential(t *testing.T) {
	files := map[string][]byte{}
	for name, src := range fixtureTree(t) {
		files["fixture/"+name] = []byte(src)
	}
	if !testing.Short() {
		dir := ktree.Dir(t)
		var names []string
		for _, h := range envHeaders {
			names = append(names, h.path)
		}
		for _, g := range []string{"include/linux/*.h", "include/uapi/linux/*.h", "arch/s390/include/asm/*.h"} {
			m, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(g)))
			if err != nil || len(m) == 0 {
				t.Fatalf("%s: no headers (%v)", g, err)
			}
			for _, p := range m {
				rel, _ := filepath.Rel(dir, p)
				names = append(names, filepath.ToSlash(rel))
			}
		}
		for _, name := range names {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				continue // an optional header the tree lacks
			}
			files[name] = b
		}
	}
	defs := 0
	for name, src := range files {
		got, want := newHindex(), newHindex()
		if err := got.scanHeader(name, src); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		oldScanHeader(want, name, src)
		for _, m := range []struct {
			kind      string
			got, want map[string][]*cdef
		}{
			{"macro", got.macros, want.macros},
			{"tag", got.tags, want.tags},
			{"typedef", got.typedefs, want.typedefs},
			{"enumerator", got.enumerators, want.enumerators},
		} {
			for n, w := range m.want {
				defs += len(w)
				if g := m.got[n]; !reflect.DeepEqual(g, w) {
					t.Errorf("%s: %s %s:\n got %s\nwant %s", name, m.kind, n, describeDefs(g), describeDefs(w))
				}
			}
			for n, g := range m.got {
				if _, ok := m.want[n]; !ok {
					t.Errorf("%s: %s %s: got %s, want none", name, m.kind, n, describeDefs(g))
				}
			}
		}
	}
	t.Logf("%d headers, %d definitions compared", len(files), defs)
}

// describeDefs formats definitions for a message.
func describeDefs(ds []*cdef) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "{%d-%d %q wrap=%q deps=%q tags=%q name=%q seq=%d} ", d.line, d.endLine, d.text, d.wrap, d.deps, d.tagDeps, d.name, d.seq)
	}
	return b.String()
}
