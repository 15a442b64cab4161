package cpp

import "strings"

// tokFlags are the internal flags of a lexed or expanded token.
type tokFlags uint8

const (
	flagSpace    tokFlags = 1 << iota // white space or a comment before it
	flagBOL                           // first token of a physical line
	flagNoExpand                      // painted blue: never expanded again
	flagHeader                        // a <header-name> lexed after #include
	flagSpliced                       // ftok: the text is in the file's spliced list
)

// ftok is a token of a file as lexed: no pointers, so that the tokens of
// every file read stay out of the garbage collector's way. Its text is
// src[off:off+n], or spliced[off] when the token contains a line splice.
type ftok struct {
	off, n    uint32
	line, col int32
	kind      Kind
	f         tokFlags
}

// kindHeader is the internal kind of a <header-name> token.
const kindHeader Kind = Other + 1

// lexer turns one file's text into tokens. Positions are those of the
// original text: a line splice (backslash-newline) does not renumber.
type lexer struct {
	src       string
	file      string
	i         int
	line      int
	lineStart int
	spliced   bool
}

// lexFile tokenizes a whole file.
func lexFile(file, src string) ([]ftok, []string, *Error) {
	fl := newFileLexer(file, src)
	toks := make([]ftok, 0, len(src)/6+16)
	for {
		t, _, ok, err := fl.next()
		if !ok {
			return toks, fl.spliced, err
		}
		toks = append(toks, t)
	}
}

// fileLexer reads a file token by token: lexFile's loop, and the
// streaming form of Scan (Scanner).
type fileLexer struct {
	l       lexer
	spliced []string // the texts of the tokens that contain a splice
	bol     bool
	space   bool
	// dir is the state of the directive recogniser that decides when a
	// '<' starts a header name: 1 after a '#' at the start of a line, 2
	// after "# include".
	dir   int
	count int // tokens returned so far
}

func newFileLexer(file, src string) *fileLexer {
	return &fileLexer{l: lexer{src: src, file: file, line: 1}, bol: true}
}

// next returns the next token and the offset of its first byte; false at
// the end of the text or at an unterminated comment (the error).
func (fl *fileLexer) next() (ftok, int, bool, *Error) {
	l := &fl.l
	// White space, comments and newlines.
	for {
		c := l.peek()
		if c == 0 && l.i >= len(l.src) {
			break
		}
		if c == '\n' {
			l.advance()
			fl.bol = true
			fl.space = false
			fl.dir = 0
			continue
		}
		if c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' {
			l.i++
			for l.i < len(l.src) && (l.src[l.i] == ' ' || l.src[l.i] == '\t') {
				l.i++
			}
			fl.space = true
			continue
		}
		if c == '/' {
			comment, err := l.comment()
			if err != nil {
				return ftok{}, 0, false, err
			}
			if comment {
				fl.space = true
				continue
			}
		}
		break
	}
	if l.i >= len(l.src) {
		return ftok{}, len(l.src), false, nil
	}
	var f tokFlags
	if fl.bol {
		f |= flagBOL
	}
	if fl.space || fl.bol && fl.count > 0 {
		f |= flagSpace
	}
	line, col := int32(l.line), int32(l.i-l.lineStart+1)
	start := l.i
	l.spliced = false
	var kind Kind
	if fl.dir == 2 && l.peek() == '<' {
		kind = l.header()
	} else {
		kind = l.token()
	}
	text := l.src[start:l.i]
	off, n := uint32(start), uint32(len(text))
	if l.spliced {
		text = unsplice(text)
		off, n = uint32(len(fl.spliced)), uint32(len(text))
		fl.spliced = append(fl.spliced, text)
		f |= flagSpliced
	}
	switch {
	case fl.bol && kind == Punct && (text == "#" || text == "%:"):
		fl.dir = 1
	case fl.dir == 1 && kind == Ident && (text == "include" || text == "include_next" || text == "import"):
		fl.dir = 2
	default:
		fl.dir = 0
	}
	fl.bol = false
	fl.space = false
	fl.count++
	return ftok{off: off, n: n, line: line, col: col, kind: kind, f: f}, start, true, nil
}

// comment reads the comment that starts at the next character (a '/'),
// reporting whether there is one; a block comment left open is an error.
func (l *lexer) comment() (bool, *Error) {
	save := l.save()
	l.advance()
	switch l.peek() {
	case '*':
		start := Pos{File: l.file, Line: save.line, Col: save.i - save.lineStart + 1}
		l.advance()
		for l.i < len(l.src) {
			// Fast path: on to the next '*', counting the lines.
			k := strings.IndexByte(l.src[l.i:], '*')
			if k < 0 {
				break
			}
			l.skip(k)
			l.advance()
			if l.peek() == '/' {
				l.advance()
				return true, nil
			}
		}
		return false, &Error{Pos: start, Msg: "unterminated comment"}
	case '/':
		for {
			// Fast path: on to the next newline; a splice before it
			// continues the comment.
			k := strings.IndexByte(l.src[l.i:], '\n')
			if k < 0 {
				l.i = len(l.src)
				break
			}
			l.skip(k)
			if !l.splicedNewline() {
				break
			}
			l.advance()
		}
		return true, nil
	}
	l.restore(save)
	return false, nil
}

// skip moves n bytes on, counting the newlines among them.
func (l *lexer) skip(n int) {
	b := l.src[l.i : l.i+n]
	if k := strings.LastIndexByte(b, '\n'); k >= 0 {
		l.line += strings.Count(b, "\n")
		l.lineStart = l.i + k + 1
	}
	l.i += n
}

// splicedNewline reports whether the newline at l.i ends a line splice
// (a backslash, then only blanks, before it on its line).
func (l *lexer) splicedNewline() bool {
	j := l.i - 1
	for j >= l.lineStart && (l.src[j] == ' ' || l.src[j] == '\t' || l.src[j] == '\r') {
		j--
	}
	return j >= l.lineStart && l.src[j] == '\\'
}

type lexState struct{ i, line, lineStart int }

func (l *lexer) save() lexState { return lexState{l.i, l.line, l.lineStart} }

func (l *lexer) restore(s lexState) { l.i, l.line, l.lineStart = s.i, s.line, s.lineStart }

// skipSplices steps over backslash-newline pairs (GCC also accepts white
// space between the backslash and the newline).
func (l *lexer) skipSplices() {
	for l.i < len(l.src) && l.src[l.i] == '\\' {
		j := l.i + 1
		for j < len(l.src) && (l.src[j] == ' ' || l.src[j] == '\t' || l.src[j] == '\r') {
			j++
		}
		if j < len(l.src) && l.src[j] == '\n' {
			l.i = j + 1
			l.line++
			l.lineStart = l.i
			l.spliced = true
			continue
		}
		return
	}
}

// peek returns the next character after any splice, 0 at the end.
func (l *lexer) peek() byte {
	if l.i < len(l.src) && l.src[l.i] == '\\' {
		l.skipSplices()
	}
	if l.i >= len(l.src) {
		return 0
	}
	return l.src[l.i]
}

// advance moves past the character peek returned.
func (l *lexer) advance() {
	if l.i < len(l.src) {
		if l.src[l.i] == '\n' {
			l.line++
			l.lineStart = l.i + 1
		}
		l.i++
	}
}

// peek2 returns the character after the next one, across splices.
func (l *lexer) peek2() byte {
	s := l.save()
	sp := l.spliced
	l.peek()
	l.advance()
	c := l.peek()
	l.restore(s)
	l.spliced = sp
	return c
}

// charClass classifies bytes for the lexer's fast paths.
var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '$' || b >= 0x80 {
			t[c] = classIdentStart | classIdent
		}
		if b >= '0' && b <= '9' {
			t[c] = classIdent
		}
	}
	return t
}()

const (
	classIdentStart = 1 << iota
	classIdent
)

func isIdentStart(c byte) bool { return charClass[c]&classIdentStart != 0 }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentChar(c byte) bool { return charClass[c]&classIdent != 0 }

// header lexes a <header-name>; without a closing '>' on the line it is
// the punctuator '<'.
func (l *lexer) header() Kind {
	s := l.save()
	l.advance()
	for {
		c := l.peek()
		if l.i >= len(l.src) || c == '\n' {
			l.restore(s)
			l.advance()
			return Punct
		}
		l.advance()
		if c == '>' {
			return kindHeader
		}
	}
}

// token lexes one token starting at a non-white-space character.
func (l *lexer) token() Kind {
	c := l.peek()
	switch {
	case isIdentStart(c):
		if (c == 'R' || c == 'L' || c == 'u' || c == 'U') && l.rawString() {
			return String
		}
		// Encoding prefixes of character constants and string literals.
		switch c {
		case 'L', 'U':
			if n := l.peek2(); n == '\'' || n == '"' {
				l.advance()
				return l.quoted()
			}
		case 'u':
			n := l.peek2()
			if n == '\'' || n == '"' {
				l.advance()
				return l.quoted()
			}
			if n == '8' {
				s := l.save()
				l.advance()
				l.advance()
				if q := l.peek(); q == '"' || q == '\'' {
					return l.quoted()
				}
				l.restore(s)
			}
		}
		for {
			// Fast path: plain identifier characters; then any splice.
			for l.i < len(l.src) && charClass[l.src[l.i]]&classIdent != 0 {
				l.i++
			}
			if !isIdentChar(l.peek()) {
				return Ident
			}
		}
	case isDigit(c) || c == '.' && isDigit(l.peek2()):
		l.advance()
		for {
			c := l.peek()
			switch {
			case c == 'e' || c == 'E' || c == 'p' || c == 'P':
				l.advance()
				if n := l.peek(); n == '+' || n == '-' {
					l.advance()
				}
			case isIdentChar(c) || c == '.':
				l.advance()
			default:
				return Number
			}
		}
	case c == '\'' || c == '"':
		return l.quoted()
	}
	return l.punct()
}

// rawString lexes a raw string literal (R, LR, uR, UR, u8R; a GNU
// extension in gnu11) starting here, reporting whether there was one.
// Line splices inside stay as written, as in GCC.
func (l *lexer) rawString() bool {
	rest := l.src[l.i:]
	if len(rest) < 3 || rest[1] != '"' && rest[1] != 'R' && rest[1] != '8' {
		return false
	}
	p := 0
	for _, pre := range [...]string{"u8R", "LR", "uR", "UR", "R"} {
		if strings.HasPrefix(rest, pre+`"`) {
			p = len(pre) + 1
			break
		}
	}
	if p == 0 {
		return false
	}
	open := strings.IndexByte(rest[p:], '(')
	if open < 0 || open > 16 || strings.ContainsAny(rest[p:p+open], " ()\\\t\v\f\n") {
		return false
	}
	delim := rest[p : p+open]
	end := strings.Index(rest[p+open+1:], ")"+delim+`"`)
	if end < 0 {
		return false
	}
	n := p + open + 1 + end + len(delim) + 2
	body := rest[:n]
	if k := strings.Count(body, "\n"); k > 0 {
		l.line += k
		l.lineStart = l.i + strings.LastIndexByte(body, '\n') + 1
	}
	l.i += n
	return true
}

// quoted lexes a character constant or string literal whose opening
// quote is next. Without its closing quote on the line it is, as in
// GCC, an Other token running to the end of the line.
func (l *lexer) quoted() Kind {
	q := l.peek()
	l.advance()
	for {
		c := l.peek()
		if l.i >= len(l.src) || c == '\n' {
			return Other
		}
		l.advance()
		if c == q {
			if q == '"' {
				return String
			}
			return Char
		}
		if c == '\\' {
			if n := l.peek(); l.i < len(l.src) && n != '\n' {
				l.advance()
			}
		}
	}
}

// puncts3 and puncts2 are the punctuators longer than one character.
var (
	puncts3 = [...]string{"...", "<<=", ">>=", "%:%:"}
	puncts2 = [...]string{
		"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
		"*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
		"<:", ":>", "<%", "%>", "%:",
	}
)

const punct1 = "[](){}.&*+-~!/%<>^|?:;=,#"

func (l *lexer) punct() Kind {
	c := l.peek()
	// Fast path: no splice in the next few characters.
	if rest := l.src[l.i:]; len(rest) >= 1 {
		end := len(rest)
		if end > 4 {
			end = 4
		}
		if !containsByte(rest[:end], '\\') {
			if n := punctLen(rest); n > 0 {
				l.i += n
				return Punct
			}
			l.i++
			return Other
		}
	}
	// Slow path across splices: match character by character.
	for _, set := range [][]string{puncts3[:], puncts2[:]} {
		for _, p := range set {
			s := l.save()
			ok := true
			for k := 0; k < len(p); k++ {
				if l.peek() != p[k] || l.i >= len(l.src) {
					ok = false
					break
				}
				l.advance()
			}
			if ok {
				return Punct
			}
			l.restore(s)
		}
	}
	l.advance()
	if containsByte(punct1, c) {
		return Punct
	}
	return Other
}

// punctLen returns the length of the longest punctuator s starts with, 0
// if none.
func punctLen(s string) int {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	c1 := at(1)
	switch s[0] {
	case '[', ']', '(', ')', '{', '}', '~', '?', ';', ',':
		return 1
	case '.':
		if c1 == '.' && at(2) == '.' {
			return 3
		}
		return 1
	case '-':
		if c1 == '>' || c1 == '-' || c1 == '=' {
			return 2
		}
		return 1
	case '+', '&', '|':
		if c1 == s[0] || c1 == '=' {
			return 2
		}
		return 1
	case '*', '/', '!', '=', '^':
		if c1 == '=' {
			return 2
		}
		return 1
	case '<', '>':
		if c1 == s[0] {
			if at(2) == '=' {
				return 3
			}
			return 2
		}
		if c1 == '=' || s[0] == '<' && (c1 == ':' || c1 == '%') {
			return 2
		}
		return 1
	case '%':
		if c1 == ':' {
			if at(2) == '%' && at(3) == ':' {
				return 4
			}
			return 2
		}
		if c1 == '=' || c1 == '>' {
			return 2
		}
		return 1
	case ':':
		if c1 == '>' {
			return 2
		}
		return 1
	case '#':
		if c1 == '#' {
			return 2
		}
		return 1
	}
	return 0
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// unsplice removes backslash-newline pairs from a token's text.
func unsplice(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
				j++
			}
			if j < len(s) && s[j] == '\n' {
				i = j
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// lexOne lexes s as exactly one token (for ## results), reporting
// whether it is one valid token.
func lexOne(s string) (Kind, bool) {
	if s == "" {
		return EOF, false
	}
	l := &lexer{src: s, line: 1}
	c := s[0]
	if c == ' ' || c == '\t' || c == '\n' || c == '/' && len(s) > 1 && (s[1] == '/' || s[1] == '*') {
		return EOF, false
	}
	k := l.token()
	if l.i != len(s) {
		return k, false
	}
	if k == Other && (c == '"' || c == '\'' || s[len(s)-1] == '"' && len(s) > 1) {
		return k, false
	}
	return k, true
}
