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
	"errors"
	"fmt"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
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

// Lex splits a C fragment into tokens with the preprocessor's lexer
// (cpp.Scan), dropping comments and white space (line splices included).
// A stray backslash counts as white space; another character that is no
// C token, or a quote without its closing one on the line, is an error.
func Lex(src string) ([]Token, error) {
	lx, _, err := cpp.Scan("", src, false)
	if err != nil {
		var ce *cpp.Error
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("unterminated comment at offset %d", offsetOf(src, ce.Pos.Line, ce.Pos.Col))
		}
		return nil, err
	}
	out := make([]Token, 0, len(lx)+1)
	for _, x := range lx {
		var k tokKind
		switch x.Kind {
		case cpp.Ident:
			k = tIdent
		case cpp.Number:
			k = tNum
		case cpp.Char, cpp.String:
			k = tStr
		case cpp.Punct:
			k = tPunct
		default:
			switch c := src[x.Off]; {
			case x.Text == "\\":
				continue
			case c == '"' || c == '\'':
				return nil, fmt.Errorf("unterminated literal at offset %d", x.Off)
			default:
				return nil, fmt.Errorf("unexpected character %q at offset %d", c, x.Off)
			}
		}
		out = append(out, Token{k, x.Text, x.Off})
	}
	out = append(out, Token{Kind: tEOF, Off: len(src)})
	return out, nil
}

// offsetOf returns the byte offset of line and column (1-based) in src.
func offsetOf(src string, line, col int) int {
	off := 0
	for ; line > 1; line-- {
		off += strings.IndexByte(src[off:], '\n') + 1
	}
	return off + col - 1
}

// IsIdent reports whether t is an identifier.
func IsIdent(t Token) bool { return t.Kind == tIdent }
