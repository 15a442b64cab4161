package cpp

// The fast forms of Scanner for readers that need only part of a file's
// tokens (the front end's scan of the headers of an include closure: the
// directive names and the declarations at file scope). Both move the
// lexer itself, so comments, literals and line splices are read as the
// lexer reads them.

// lineStop marks the bytes that SkipLine must look at: the end of a line
// and what may start a comment, a literal or a line splice.
var lineStop = func() (t [256]bool) {
	for _, c := range []byte("\n/\"'\\") {
		t[c] = true
	}
	return t
}()

// bodyStop marks the bytes that end SkipBody: lineStop's and the braces.
var bodyStop = func() (t [256]bool) {
	t = lineStop
	t['{'], t['}'] = true, true
	return t
}()

// SkipLine moves the scan to the end of the current logical line without
// returning its tokens: to the newline that ends it (not one inside a
// comment or after a line splice), which it returns with true, or to the
// end of the text. A comment left open stops the scan: false (see Err).
func (s *Scanner) SkipLine() (int, bool) {
	l := &s.fl.l
	for {
		for l.i < len(l.src) && !lineStop[l.src[l.i]] {
			l.i++
		}
		if l.i >= len(l.src) {
			return l.i, true
		}
		switch l.src[l.i] {
		case '\n':
			return l.i, true
		case '\\':
			if l.peek(); l.i < len(l.src) && l.src[l.i] == '\\' {
				l.i++ // a backslash, not a splice
			}
		case '/':
			comment, err := l.comment()
			if err != nil {
				s.err = err
				return l.i, false
			}
			if !comment {
				l.i++
			}
		default:
			l.quoted()
		}
		s.fl.space = true
	}
}

// SkipBody moves the scan, within the current line, to the next byte
// that may start a brace, a comment, a literal or a line splice, without
// lexing the bytes before it: the skip through a function body of a
// reader that counts braces. Identifiers and numbers on the way are not
// lexed, so a literal prefix ("L'{'") is stepped over as a letter before
// its literal.
func (s *Scanner) SkipBody() {
	l := &s.fl.l
	i := l.i
	for i < len(l.src) && !bodyStop[l.src[i]] {
		i++
	}
	if i > l.i {
		l.i = i
		s.fl.space = true
	}
}
