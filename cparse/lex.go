package cparse

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
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

// run fills the scan from the tokens of the preprocessor's lexer: with
// its comments when keepComments is set, else streaming (cpp.Scanner).
// The lexer reports a comment left open; the reading here runs it to the
// end of the file.
func (s *scan) run(keepComments bool) {
	text := string(s.src)
	if !keepComments {
		sc := cpp.NewScanner("", text)
		s.fill(sc.Next, sc)
		return
	}
	toks, cs, err := cpp.Scan("", text, true)
	open := -1
	if err != nil {
		var ce *cpp.Error
		if !errors.As(err, &ce) {
			panic(err) // Scan's only error is an unterminated comment
		}
		// Lex the text before it, then add it.
		open = offsetAt(s.src, ce.Pos.Line, ce.Pos.Col)
		toks, cs, _ = cpp.Scan("", text[:open], true)
	}
	s.comments = make([]comment, 0, len(cs)+1)
	for _, c := range cs {
		s.comments = append(s.comments, comment{c.Off, c.End})
	}
	if open >= 0 {
		s.comments = append(s.comments, comment{open, len(s.src)})
	}
	k := 0
	s.fill(func() (cpp.Lexeme, bool) {
		if k == len(toks) {
			return cpp.Lexeme{}, false
		}
		k++
		return toks[k-1], true
	}, nil)
}

// fill sets the directives and tokens of the scan from the tokens that
// next returns. With sc (the Scanner of next), it reads only what it
// keeps: the name of a directive, not the rest of its line, and in
// fileScope mode only the braces of a body.
func (s *scan) fill(next func() (cpp.Lexeme, bool), sc *cpp.Scanner) {
	src := s.src
	depth := 0
	braces := 0
	var conds braceConds
	// add appends a token, in fileScope mode only at file scope (and the
	// braces that open and close a body).
	add := func(t tok) {
		if t.kind == tPunct {
			switch t.ch {
			case '(', '[', '{':
				depth++
				if depth > MaxNesting && s.depthErr == nil && !s.fileScope {
					s.depthErr = &depthError{t.off, fmt.Sprintf("nesting deeper than %d levels", MaxNesting)}
				}
				if t.ch == '{' {
					braces++
					if s.fileScope && braces > 1 {
						return
					}
				}
			case ')', ']', '}':
				depth = max(depth-1, 0)
				if t.ch == '}' {
					braces = max(braces-1, 0)
					if s.fileScope && braces > 0 {
						return
					}
				}
			}
			if s.fileScope && braces > 0 && t.ch != '{' && t.ch != '}' {
				return
			}
		} else if s.fileScope && braces > 0 {
			return
		}
		s.toks = append(s.toks, t)
	}
	// The directive being read: its '#' and the end of its last token.
	var d *directive
	last, ntok := 0, 0
	// endDirective records d, which ends at end.
	endDirective := func(end int) {
		d.end = end
		s.directives = append(s.directives, *d)
		name, off := d.name, d.off
		d = nil
		if s.fileScope {
			conds.directive(name, &braces, func(ch byte) {
				s.toks = append(s.toks, tok{kind: tPunct, ch: ch, off: off, end: off})
			})
		}
	}
	var dir directive
	var pending cpp.Lexeme // a token read ahead, when havePending
	havePending := false
	for {
		var t cpp.Lexeme
		if havePending {
			t, havePending = pending, false
		} else if x, ok := next(); ok {
			t = x
		} else {
			break
		}
		if d != nil {
			if !t.BOL {
				if ntok == 0 && (t.Kind == cpp.Ident || t.Kind == cpp.Number) {
					d.name = directiveName(t.Text)
					d.argOff = t.End
				}
				last = t.End
				ntok++
				continue
			}
			endDirective(directiveEnd(src, last))
		}
		if t.BOL && t.Kind == cpp.Punct && t.Text == "#" {
			dir = directive{off: t.Off, line: t.Line, argOff: t.End}
			d = &dir
			last, ntok = t.End, 0
			if sc == nil {
				continue
			}
			// The name, then a skip to the end of the line.
			n, ok := next()
			if !ok || n.BOL {
				endDirective(directiveEnd(src, t.End))
				pending, havePending = n, ok
				continue
			}
			if n.Kind == cpp.Ident || n.Kind == cpp.Number {
				d.name = directiveName(n.Text)
				d.argOff = n.End
			}
			end, ok := sc.SkipLine()
			if !ok {
				// A comment left open runs to the end of the file.
				endDirective(len(src))
				break
			}
			endDirective(end)
			continue
		}
		switch t.Kind {
		case cpp.Ident:
			add(tok{kind: tIdent, off: t.Off, end: t.End})
		case cpp.Number:
			add(tok{kind: tNum, off: t.Off, end: t.End})
		case cpp.String:
			add(tok{kind: tStr, off: t.Off, end: t.End})
		case cpp.Char:
			add(tok{kind: tChar, off: t.Off, end: t.End})
		default:
			// A literal without its closing quote (an Other token to
			// the end of the line) is a literal still.
			switch src[t.Off] {
			case '"':
				add(tok{kind: tStr, off: t.Off, end: t.End})
				continue
			case '\'':
				add(tok{kind: tChar, off: t.Off, end: t.End})
				continue
			}
			// Punctuators one character at a time, as the readers
			// match them; a line splice inside one is skipped.
			for i := t.Off; i < t.End; i++ {
				if src[i] == '\\' && isSpliceAt(src, i) {
					i = skipSplice(src, i) - 1
					continue
				}
				add(tok{kind: tPunct, ch: src[i], off: i, end: i + 1})
			}
		}
		if sc != nil && s.fileScope && braces > 0 {
			sc.SkipBody()
		}
	}
	if d != nil {
		endDirective(directiveEnd(src, last))
	}
}

// braceConds balances the braces of fileScope mode across #if groups: it
// keeps the brace depth at each #if and at the end of its first branch.
// Each branch is assumed to leave the braces as the first does ("#ifdef X
// / int f(void) { / #else / int f(int a) { / #endif" opens one body, not
// two).
type braceConds []struct{ start, firstEnd int }

// directive reads the directive name at brace depth *braces: at #elif,
// #else and #endif it resets the depth, calling synth with the brace that
// the reset closes or opens at file scope.
func (c *braceConds) directive(name string, braces *int, synth func(ch byte)) {
	switch name {
	case "if", "ifdef", "ifndef":
		*c = append(*c, struct{ start, firstEnd int }{*braces, -1})
	case "elif", "else":
		if n := len(*c); n > 0 {
			top := &(*c)[n-1]
			if top.firstEnd < 0 {
				top.firstEnd = *braces
			}
			switch {
			case *braces > top.start && top.start == 0:
				synth('}')
			case *braces < top.start && *braces == 0:
				synth('{')
			}
			*braces = top.start
		}
	case "endif":
		if n := len(*c); n > 0 {
			top := (*c)[n-1]
			*c = (*c)[:n-1]
			if top.firstEnd >= 0 && *braces != top.firstEnd {
				switch {
				case *braces == 0:
					synth('{')
				case top.firstEnd == 0:
					synth('}')
				}
				*braces = top.firstEnd
			}
		}
	}
}

// directiveEnd returns the end of a directive whose last token ends at
// i: the newline that ends its logical line, not one inside a comment or
// after a line splice (or the end of src).
func directiveEnd(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == '\n':
			return i
		case c == '\\' && isSpliceAt(src, i):
			i = skipSplice(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			e := bytes.Index(src[i+2:], []byte("*/"))
			if e < 0 {
				return len(src)
			}
			i += 2 + e + 2
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			return lineEnd(src, i)
		default:
			i++
		}
	}
	return len(src)
}

// isSpliceAt reports whether a line splice starts at the backslash at i
// (the preprocessor's lexer, as GCC, allows white space between the
// backslash and the newline).
func isSpliceAt(src []byte, i int) bool {
	return skipSplice(src, i) > i
}

// skipSplice returns the offset after the line splice at i, or i.
func skipSplice(src []byte, i int) int {
	j := i + 1
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
		j++
	}
	if j < len(src) && src[j] == '\n' {
		return j + 1
	}
	return i
}

// offsetAt returns the offset of a 1-based line and byte column of src.
func offsetAt(src []byte, line, col int) int {
	off := 0
	for range line - 1 {
		k := bytes.IndexByte(src[off:], '\n')
		if k < 0 {
			return len(src)
		}
		off += k + 1
	}
	return min(off+col-1, len(src))
}

// directiveNames interns the common directive names.
var directiveNames = map[string]string{}

func init() {
	for _, n := range []string{"define", "undef", "include", "include_next", "import", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "warning", "pragma", "line"} {
		directiveNames[n] = n
	}
}

// directiveName returns the interned name for the usual directives.
func directiveName(b string) string {
	if n, ok := directiveNames[b]; ok {
		return n
	}
	return b
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

// macroHead is the head of a #define directive: the macro's name at
// nameOff and, for a function-like macro, the offsets of the '(' and ')'
// of its parameter list (close is the end of the directive when the list
// is not closed); body is where the replacement list starts.
type macroHead struct {
	name        string
	nameOff     int
	fnLike      bool
	open, close int
	body        int
}

// macroHead reads the head of the #define directive d; false when it
// names no macro.
func (s *scan) macroHead(d directive) (macroHead, bool) {
	name, off, k := s.defineName(d)
	if name == "" {
		return macroHead{}, false
	}
	h := macroHead{name: name, nameOff: off, body: k}
	if k < d.end && s.src[k] == '(' {
		h.fnLike, h.open, h.close = true, k, d.end
		if e := bytes.IndexByte(s.src[k:d.end], ')'); e >= 0 {
			h.close = k + e
		}
		h.body = min(h.close+1, d.end)
	}
	return h, true
}

// defines yields the #define directives that name a macro, with their
// heads.
func (s *scan) defines() iter.Seq2[directive, macroHead] {
	return func(yield func(directive, macroHead) bool) {
		for _, d := range s.directives {
			if d.name != "define" {
				continue
			}
			if h, ok := s.macroHead(d); ok && !yield(d, h) {
				return
			}
		}
	}
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
	for d, h := range s.defines() {
		m := Macro{Name: h.name, Pos: f.PosAt(h.nameOff)}
		m.EndLine, _ = f.lineCol(max(d.end-1, d.off))
		if h.fnLike {
			m.FnLike = true
			m.Params = []string{}
			for p := range strings.SplitSeq(joinLines(s.src[h.open+1:h.close]), ",") {
				if p = strings.TrimSpace(p); p != "" {
					m.Params = append(m.Params, p)
				}
			}
		}
		m.Body = strings.TrimSpace(joinLines(s.src[h.body:d.end]))
		ms = append(ms, m)
	}
	return ms
}

// joinLines removes backslash-newline continuations.
func joinLines(b []byte) string {
	s := strings.ReplaceAll(string(b), "\\\r\n", "\n")
	return strings.ReplaceAll(s, "\\\n", "\n")
}
