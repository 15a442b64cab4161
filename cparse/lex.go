package cparse

import (
	"bytes"
	"fmt"
	"strings"
)

// Token kinds of the lightweight lexer.
const (
	tIdent byte = iota + 1
	tNum
	tStr
	tChar
	tPunct
)

// tok is one token of the lightweight lexer, which sees the text before
// preprocessing: used to find directives, comments, call sites and, in
// headers, prototypes without running a preprocessor.
type tok struct {
	kind     byte
	ch       byte // the first byte of a punctuator
	off, end int
}

// directive is one preprocessing directive.
type directive struct {
	off, end int    // from '#' to the end of the last line (before '\n')
	name     string // "include", "define", ...
	line     int    // 1-based line of the '#'
	argOff   int    // offset of the text after the directive name
}

// comment is one comment with its delimiters.
type comment struct {
	off, end int
}

// depthError is an input nested too deeply.
type depthError struct {
	off int
	msg string
}

// scan is the result of the lightweight lexer over one file.
type scan struct {
	src        []byte
	toks       []tok // outside directives
	directives []directive
	comments   []comment
	depthErr   *depthError
	// fileScope keeps only the tokens outside braces (and the braces
	// themselves): enough for the prototype scan of headers.
	fileScope bool
	// depths holds the brace depth after each token, see braceDepth.
	depths []int
}

// scanFile lexes src. keepComments records comments.
func scanFile(src []byte) *scan {
	s := &scan{src: src}
	s.run(true)
	return s
}

func (s *scan) run(keepComments bool) {
	src := s.src
	n := len(src)
	lineStart := true // only white space since the last newline
	line := 1
	depth := 0
	braces := 0
	// conds tracks #if groups in fileScope mode: the brace depth at the
	// #if and at the end of its first branch. Each branch is assumed to
	// leave the braces as the first does ("#ifdef X / int f(void) { /
	// #else / int f(int a) { / #endif" opens one body, not two).
	type cond struct{ start, firstEnd int }
	var conds []cond
	synth := func(ch byte, off int) { s.toks = append(s.toks, tok{kind: tPunct, ch: ch, off: off, end: off}) }
	i := 0
	for i < n {
		if s.fileScope && braces > 0 && !lineStart {
			// Inside a body only braces, literals, comments and
			// line starts matter.
			for i < n && !bodyStop[src[i]] {
				i++
			}
			if i >= n {
				break
			}
		}
		c := src[i]
		switch {
		case c == '\n':
			line++
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < n && src[i+1] == '\n':
			line++
			i += 2
			continue
		case c == '\\' && i+2 < n && src[i+1] == '\r' && src[i+2] == '\n':
			line++
			i += 3
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			e := bytes.Index(src[i+2:], []byte("*/"))
			end := n
			if e >= 0 {
				end = i + 2 + e + 2
			}
			line += bytes.Count(src[i:end], []byte{'\n'})
			if keepComments {
				s.comments = append(s.comments, comment{i, end})
			}
			i = end
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			end := lineEnd(src, i)
			line += bytes.Count(src[i:end], []byte{'\n'})
			if keepComments {
				s.comments = append(s.comments, comment{i, end})
			}
			i = end
			continue
		case c == '#' && lineStart:
			end := i
			for {
				end = lineEnd(src, end)
				// A block comment that starts in the directive and
				// continues on later lines belongs to it.
				if k := openComment(src[i:end]); k >= 0 {
					e := bytes.Index(src[i+k+2:], []byte("*/"))
					if e < 0 {
						end = n
						break
					}
					end = i + k + 2 + e + 2
					continue
				}
				break
			}
			d := directive{off: i, end: end, line: line}
			j := skipSpace(src, i+1, end)
			k := j
			for k < end && isIdentByte(src[k]) {
				k++
			}
			d.name = directiveName(src[j:k])
			d.argOff = k
			s.directives = append(s.directives, d)
			if s.fileScope {
				switch d.name {
				case "if", "ifdef", "ifndef":
					conds = append(conds, cond{braces, -1})
				case "elif", "else":
					if k := len(conds); k > 0 {
						top := &conds[k-1]
						if top.firstEnd < 0 {
							top.firstEnd = braces
						}
						switch {
						case braces > top.start && top.start == 0:
							synth('}', i)
						case braces < top.start && braces == 0:
							synth('{', i)
						}
						braces = top.start
					}
				case "endif":
					if k := len(conds); k > 0 {
						top := conds[k-1]
						conds = conds[:k-1]
						if top.firstEnd >= 0 && braces != top.firstEnd {
							switch {
							case braces == 0:
								synth('{', i)
							case top.firstEnd == 0:
								synth('}', i)
							}
							braces = top.firstEnd
						}
					}
				}
			}
			if keepComments {
				s.directiveComments(k, end)
			}
			line += bytes.Count(src[i:end], []byte{'\n'})
			i = end
			continue
		}
		lineStart = false
		t := tok{off: i}
		switch {
		case isIdentByte(c) && (c < '0' || c > '9'):
			j := i + 1
			for j < n && isIdentByte(src[j]) {
				j++
			}
			// String and character literal prefixes.
			if j < n && (src[j] == '"' || src[j] == '\'') && isLitPrefix(src[i:j]) {
				t.kind, t.end = tStr, quoted(src, j, src[j])
				if src[j] == '\'' {
					t.kind = tChar
				}
			} else {
				t.kind, t.end = tIdent, j
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < n && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < n && (isIdentByte(src[j]) || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && (src[j-1]|0x20 == 'e' || src[j-1]|0x20 == 'p')) {
				j++
			}
			t.kind, t.end = tNum, j
		case c == '"':
			t.kind, t.end = tStr, quoted(src, i, '"')
		case c == '\'':
			t.kind, t.end = tChar, quoted(src, i, '\'')
		default:
			t.kind, t.ch, t.end = tPunct, c, i+1
			switch c {
			case '(', '[', '{':
				depth++
				if depth > MaxNesting && s.depthErr == nil {
					s.depthErr = &depthError{i, fmt.Sprintf("nesting deeper than %d levels", MaxNesting)}
				}
				if c == '{' {
					braces++
					if s.fileScope && braces > 1 {
						i = t.end
						continue
					}
				}
			case ')', ']', '}':
				depth = max(depth-1, 0)
				if c == '}' {
					braces = max(braces-1, 0)
					if s.fileScope && braces > 0 {
						i = t.end
						continue
					}
				}
			}
		}
		if s.fileScope && braces > 0 && t.kind != tPunct {
			i = t.end
			continue
		}
		if s.fileScope && braces > 0 && t.ch != '{' && t.ch != '}' {
			i = t.end
			continue
		}
		s.toks = append(s.toks, t) // a token never spans a newline
		i = t.end
	}
}

// bodyStop marks the bytes that end the fast skip through a body.
var bodyStop = func() (t [256]bool) {
	for _, c := range []byte("{}\"'/\n\\") {
		t[c] = true
	}
	return t
}()

// directiveNames interns the common directive names.
var directiveNames = map[string]string{}

func init() {
	for _, n := range []string{"define", "undef", "include", "include_next", "import", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "warning", "pragma", "line"} {
		directiveNames[n] = n
	}
}

// directiveName returns b as a string, without allocating for the usual
// names.
func directiveName(b []byte) string {
	if n, ok := directiveNames[string(b)]; ok {
		return n
	}
	return string(b)
}

// directiveComments records the comments inside a directive's text.
func (s *scan) directiveComments(i, end int) {
	src := s.src
	for i < end {
		switch {
		case src[i] == '"' || src[i] == '\'':
			i = min(quoted(src, i, src[i]), end)
		case src[i] == '/' && i+1 < end && src[i+1] == '*':
			e := bytes.Index(src[i+2:end], []byte("*/"))
			ce := end
			if e >= 0 {
				ce = i + 2 + e + 2
			}
			s.comments = append(s.comments, comment{i, ce})
			i = ce
		case src[i] == '/' && i+1 < end && src[i+1] == '/':
			s.comments = append(s.comments, comment{i, end})
			i = end
		default:
			i++
		}
	}
}

func isLitPrefix(b []byte) bool {
	switch string(b) {
	case "L", "u", "U", "u8":
		return true
	}
	return false
}

// lineEnd returns the offset of the newline ending the logical line that
// contains i (backslash-newline continues it), or len(src).
func lineEnd(src []byte, i int) int {
	for {
		k := bytes.IndexByte(src[i:], '\n')
		if k < 0 {
			return len(src)
		}
		e := i + k
		b := e
		if b > 0 && src[b-1] == '\r' {
			b--
		}
		if b > 0 && src[b-1] == '\\' {
			i = e + 1
			continue
		}
		return e
	}
}

// openComment returns the offset in b of a block comment that is not
// closed within b, or -1. Strings are skipped.
func openComment(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"' || b[i] == '\'':
			i = quoted(b, i, b[i]) - 1
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			return -1
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			e := bytes.Index(b[i+2:], []byte("*/"))
			if e < 0 {
				return i
			}
			i += 2 + e + 1
		}
	}
	return -1
}

// quoted returns the end of the literal starting at i with quote q; an
// unterminated literal ends at the end of the line.
func quoted(src []byte, i int, q byte) int {
	j := i + 1
	for j < len(src) {
		switch src[j] {
		case '\\':
			j += 2
			continue
		case q:
			return j + 1
		case '\n':
			return j
		}
		j++
	}
	return len(src)
}

func skipSpace(src []byte, i, end int) int {
	for i < end {
		switch {
		case src[i] == ' ' || src[i] == '\t':
			i++
		case src[i] == '\\' && i+1 < end && src[i+1] == '\n':
			i += 2
		case src[i] == '/' && i+1 < end && src[i+1] == '*':
			e := bytes.Index(src[i+2:end], []byte("*/"))
			if e < 0 {
				return end
			}
			i += 2 + e + 2
		default:
			return i
		}
	}
	return i
}

// defineName returns the macro name of a #define directive and the offset
// just past it.
func (s *scan) defineName(d directive) (name string, off, end int) {
	j := skipSpace(s.src, d.argOff, d.end)
	k := j
	for k < d.end && isIdentByte(s.src[k]) {
		k++
	}
	return string(s.src[j:k]), j, k
}

// blank returns a copy of src with the #include lines and the definitions
// of the EMIT-family macros replaced by spaces (newlines are kept, so line
// and column numbers do not change).
func blank(src []byte, s *scan) []byte {
	out := bytes.Clone(src)
	for _, d := range s.directives {
		switch d.name {
		case "include", "include_next", "import":
		case "define":
			if name, _, _ := s.defineName(d); !IsEmitMacro(name) {
				continue
			}
		default:
			continue
		}
		for i := d.off; i < d.end; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return out
}

// macros returns the #define directives of the file.
func (s *scan) macros(f *File) []Macro {
	var ms []Macro
	for _, d := range s.directives {
		if d.name != "define" {
			continue
		}
		name, off, k := s.defineName(d)
		if name == "" {
			continue
		}
		m := Macro{Name: name, Pos: f.PosAt(off)}
		m.EndLine, _ = f.lineCol(max(d.end-1, d.off))
		if k < d.end && s.src[k] == '(' {
			m.FnLike = true
			m.Params = []string{}
			e := bytes.IndexByte(s.src[k:d.end], ')')
			if e < 0 {
				e = d.end - k
			}
			for p := range strings.SplitSeq(joinLines(s.src[k+1:k+e]), ",") {
				if p = strings.TrimSpace(p); p != "" {
					m.Params = append(m.Params, p)
				}
			}
			k += e + 1
		}
		m.Body = strings.TrimSpace(joinLines(s.src[min(k, d.end):d.end]))
		ms = append(ms, m)
	}
	return ms
}

// joinLines removes backslash-newline continuations.
func joinLines(b []byte) string {
	s := strings.ReplaceAll(string(b), "\\\r\n", "\n")
	return strings.ReplaceAll(s, "\\\n", "\n")
}
