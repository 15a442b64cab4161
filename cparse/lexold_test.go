package cparse

import (
	"bytes"
	"fmt"
)

// The front end's light scanner as it was before it moved onto the
// preprocessor's lexer (cpp.Scan), kept as the oracle of
// TestFrontScanDifferential: a byte loop that finds directives,
// comments and tokens, with a fast skip through bodies in fileScope mode.

func oldDirectiveName(b []byte) string { return string(b) }

func (s *scan) oldRun(keepComments bool) {
	src := s.src
	n := len(src)
	lineStart := true // only white space since the last newline
	line := 1
	depth := 0
	braces := 0
	// The balancing of braces across #if groups is shared with the
	// scanner under test: the differential compares the lexing.
	var conds braceConds
	i := 0
	for i < n {
		if s.fileScope && braces > 0 && !lineStart {
			// Inside a body only braces, literals, comments and
			// line starts matter.
			for i < n && !oldBodyStop[src[i]] {
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
				if k := oldOpenComment(src[i:end]); k >= 0 {
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
			d.name = oldDirectiveName(src[j:k])
			d.argOff = k
			s.directives = append(s.directives, d)
			if s.fileScope {
				conds.directive(d.name, &braces, func(ch byte) {
					s.toks = append(s.toks, tok{kind: tPunct, ch: ch, off: d.off, end: d.off})
				})
			}
			if keepComments {
				s.oldDirectiveComments(k, end)
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
			if j < n && (src[j] == '"' || src[j] == '\'') && oldIsLitPrefix(src[i:j]) {
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

// oldBodyStop marks the bytes that end the fast skip through a body.
var oldBodyStop = func() (t [256]bool) {
	for _, c := range []byte("{}\"'/\n\\") {
		t[c] = true
	}
	return t
}()

// oldDirectiveComments records the comments inside a directive's text.
func (s *scan) oldDirectiveComments(i, end int) {
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

// oldOpenComment returns the offset in b of a block comment that is not
// closed within b, or -1. Strings are skipped.
func oldOpenComment(b []byte) int {
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

func oldIsLitPrefix(b []byte) bool {
	switch string(b) {
	case "L", "u", "U", "u8":
		return true
	}
	return false
}
