// Package cexpr parses and evaluates the small C fragments the encoding
// checks need: integer expressions of EMIT call arguments and the bodies of
// the EMIT macros (statement expressions with local declarations, stores
// through casted pointers and nested macro calls). It is not a C front end:
// the file itself is parsed by cparse; cexpr only reads the texts cparse
// hands out (argument texts and macro replacement lists).
//
// Macros are expanded by the project's preprocessor (cparse/cpp, through
// cparse/macroexp), the one macro machine of the front end and the
// interpreter: a use of an object-like macro evaluates its expansion, a
// call of a function-like macro evaluates its arguments in the caller's
// scope and then the macro's expansion applied to placeholders bound to
// their values. Nested macros in an expansion are the preprocessor's: what
// it leaves unexpanded is not a macro any more. TestMacrosDifferential
// compares every evaluation of the encoding checks with the expander cexpr
// had before (kept in export_test.go as the oracle).
//
// It sits in cparse/ beside the front end, not under one check, because
// every encoding check (asmcomment, emitmacro, fieldoverflow) evaluates with
// it; it was checks/emitmacro/cexpr.
package cexpr

import (
	"fmt"
	"strings"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tStr
	tPunct
)

// Token is one C token of a fragment.
type Token struct {
	Kind tokKind
	Text string
	Off  int // byte offset in the fragment
}

// puncts lists the C punctuators, longest first.
var puncts = []string{
	"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##",
	"(", ")", "[", "]", "{", "}", ",", ";", "?", ":", "+", "-", "*", "/", "%",
	"&", "|", "^", "~", "!", "<", ">", "=", ".", "#",
}

// Lex splits a C fragment into tokens, dropping comments and whitespace
// (backslash-newline continuations included).
func Lex(src string) ([]Token, error) {
	var out []Token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\\':
			i++
		case strings.HasPrefix(src[i:], "/*"):
			e := strings.Index(src[i+2:], "*/")
			if e < 0 {
				return nil, fmt.Errorf("unterminated comment at offset %d", i)
			}
			i += e + 4
		case strings.HasPrefix(src[i:], "//"):
			e := strings.IndexByte(src[i:], '\n')
			if e < 0 {
				e = len(src) - i
			}
			i += e
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			out = append(out, Token{tIdent, src[i:j], i})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			out = append(out, Token{tNum, src[i:j], i})
			i = j
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated literal at offset %d", i)
			}
			out = append(out, Token{tStr, src[i : j+1], i})
			i = j + 1
		default:
			found := false
			for _, p := range puncts {
				if strings.HasPrefix(src[i:], p) {
					out = append(out, Token{tPunct, p, i})
					i += len(p)
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
			}
		}
	}
	out = append(out, Token{Kind: tEOF, Off: len(src)})
	return out, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// IsIdent reports whether t is an identifier.
func IsIdent(t Token) bool { return t.Kind == tIdent }
