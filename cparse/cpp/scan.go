package cpp

import (
	"sort"
	"strings"
)

// This file exposes the preprocessor's lexer as a raw token scanner for
// the readers of C text that do not preprocess (the front end's light
// reader of directives, comments and call sites, the header readers, the
// fragment parser of the encoding checks): one lexer for all of them.

// HeaderName is the kind of a <header-name> token, which Scan gives for
// the operand of #include, #include_next and #import when it is closed
// on its line.
const HeaderName = kindHeader

// Lexeme is one preprocessing token of source text as written (not
// preprocessed).
type Lexeme struct {
	Kind Kind
	// Text is the spelling with line splices removed.
	Text string
	// Off and End delimit the spelling in the source, splices included.
	Off, End int
	// Line and Col are those of the first byte (1-based; Col in bytes
	// from the start of the physical line).
	Line, Col int
	// Space says white space, a comment or a line break precedes the
	// token (not for the first token of the text); BOL says it is the
	// first token of a line.
	Space, BOL bool
}

// Comment is one comment of source text: src[Off:End], delimiters
// included (a line comment ends before its newline).
type Comment struct {
	Off, End  int
	Line, Col int
}

// Scan splits src into preprocessing tokens with the preprocessor's lexer
// (the same kinds, spellings and positions the preprocessor sees) and,
// when comments is set, also returns its comments in source order. file
// names src in an error: an unterminated comment, the one lexical error
// (a stray character or an unclosed quote is an Other token, as in GCC).
func Scan(file string, src string, comments bool) ([]Lexeme, []Comment, error) {
	toks, spliced, lerr := lexFile(file, src)
	if lerr != nil {
		return nil, nil, lerr
	}
	out := make([]Lexeme, len(toks))
	// Physical line starts, for the offsets of tokens that contain a
	// splice (their ftok.off indexes the spliced texts).
	var starts []int
	for i, t := range toks {
		x := Lexeme{Kind: t.kind, Line: int(t.line), Col: int(t.col), Space: t.f&flagSpace != 0, BOL: t.f&flagBOL != 0}
		if t.f&flagSpliced == 0 {
			x.Text = src[t.off : t.off+t.n]
			x.Off, x.End = int(t.off), int(t.off+t.n)
		} else {
			if starts == nil {
				starts = lineStarts(src)
			}
			x.Text = spliced[t.off]
			x.Off = starts[x.Line-1] + x.Col - 1
			// Lex the token again from its start to find its end.
			l := &lexer{src: src, file: file, i: x.Off, line: x.Line, lineStart: starts[x.Line-1]}
			if t.kind == kindHeader {
				l.header()
			} else {
				l.token()
			}
			x.End = l.i
		}
		out[i] = x
	}
	if !comments {
		return out, nil, nil
	}
	if starts == nil {
		starts = lineStarts(src)
	}
	var cs []Comment
	prev := 0
	for i := 0; i <= len(out); i++ {
		end := len(src)
		if i < len(out) {
			end = out[i].Off
		}
		cs = gapComments(src, starts, prev, end, cs)
		if i < len(out) {
			prev = out[i].End
		}
	}
	return out, cs, nil
}

// Scanner reads source text token by token with the lexer of Scan,
// keeping neither the tokens nor the comments: the cheap form for a
// reader that looks at each token once (the front end's scan of the
// headers of an include closure).
type Scanner struct {
	fl  *fileLexer
	err error
}

// NewScanner returns a Scanner of src; file names src in an error.
func NewScanner(file, src string) *Scanner {
	return &Scanner{fl: newFileLexer(file, src)}
}

// Next returns the next token as Scan gives it; false at the end of the
// text or at an unterminated comment (see Err).
func (s *Scanner) Next() (Lexeme, bool) {
	if s.err != nil {
		return Lexeme{}, false
	}
	t, start, ok, err := s.fl.next()
	if !ok {
		if err != nil {
			s.err = err
		}
		return Lexeme{}, false
	}
	x := Lexeme{
		Kind: t.kind, Off: start, End: s.fl.l.i, Line: int(t.line), Col: int(t.col),
		Space: t.f&flagSpace != 0, BOL: t.f&flagBOL != 0,
	}
	if t.f&flagSpliced == 0 {
		x.Text = s.fl.l.src[start:x.End]
	} else {
		x.Text = s.fl.spliced[t.off]
	}
	return x, true
}

// Err returns the unterminated comment that stopped the scan (FILE:LINE:COL:
// error: unterminated comment), or nil.
func (s *Scanner) Err() error { return s.err }

// gapComments appends the comments of src[from:to], text between two
// tokens that the lexer found to hold only white space, line splices and
// comments: there every '/' starts a comment. starts are the offsets of
// the physical lines.
func gapComments(src string, starts []int, from, to int, cs []Comment) []Comment {
	for k := from; k < to; k++ {
		j := strings.IndexByte(src[k:to], '/')
		if j < 0 {
			break
		}
		k += j
		line := sort.SearchInts(starts, k+1) // the lines that start at or before k
		ls := starts[line-1]
		l := &lexer{src: src[:to], i: k, line: line, lineStart: ls}
		l.advance()
		block := l.peek() == '*'
		l.advance()
		for l.i < to {
			c := l.peek()
			if !block && c == '\n' || l.i >= to {
				break
			}
			l.advance()
			if block && c == '*' && l.peek() == '/' {
				l.advance()
				break
			}
		}
		cs = append(cs, Comment{Off: k, End: l.i, Line: line, Col: k - ls + 1})
		k = l.i - 1
	}
	return cs
}

// lineStarts returns the offset of each physical line of src.
func lineStarts(src string) []int {
	starts := make([]int, 1, len(src)/32+1)
	for i := 0; ; {
		j := strings.IndexByte(src[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}
