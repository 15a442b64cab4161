package cexpr

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestLexDifferential: Lex (the preprocessor's lexer) gives the tokens,
// or the error, of the lexer cexpr had before (oldLex) on every text the
// encoding checks hand to cexpr in the real JIT file and every C fixture:
// each macro's replacement list, each EMIT call's argument, each
// function's text from its name to its closing brace; and on fragments
// that exercise the edges (comments, splices, stray characters, open
// quotes).
func TestLexDifferential(t *testing.T) {
	texts := map[string]bool{
		"a /* c */ + b // d\n": true, "x\\\n+y": true, "a \\ b": true, "'\\'' + \"s\\\"\"": true,
		"a /* open": true, "a @ b": true, "\"open": true, "1.5e3 + .5 + 0x1fULL": true,
		"p->q[1] <<= 2; r >>= 3; ...": true, "#x ## y": true, "": true,
	}
	files := map[string][]byte{}
	if !testing.Short() {
		files[ktree.JITFile] = ktree.JIT(t)
	}
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*.c"))
	if len(paths) == 0 {
		t.Fatal("no C fixtures under testdata")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	for name, src := range files {
		f, err := cparse.Parse(name, src, cparse.Options{})
		if err != nil {
			continue // a fixture of a parse error
		}
		for _, m := range f.Macros {
			texts[m.Body] = true
		}
		for _, c := range f.Emits {
			for _, a := range c.Args {
				texts[a.Text] = true
			}
		}
		for _, fn := range f.Funcs {
			if !fn.Def || fn.BodyEnd < 1 || fn.BodyEnd > len(f.Lines) || fn.Pos.Offset < 0 {
				continue
			}
			end := len(f.Src)
			if fn.BodyEnd < len(f.Lines) {
				end = f.Lines[fn.BodyEnd]
			}
			texts[string(f.Src[fn.Pos.Offset:end])] = true
		}
	}
	tokens := 0
	for text := range texts {
		got, gerr := Lex(text)
		want, werr := oldLex(text)
		tokens += len(want)
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Errorf("Lex(%q): got error %v, want %v", short(text), gerr, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Lex(%q):\n got %v\nwant %v", short(text), got, want)
		}
	}
	t.Logf("%d texts, %d tokens compared", len(texts), tokens)
	if len(texts) < 100 {
		t.Errorf("got %d texts, want the texts of the files", len(texts))
	}
}

// short abbreviates a text for a message.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return strings.ReplaceAll(s, "\n", "\\n")
}

// oldPuncts lists the C punctuators, longest first.
var oldPuncts = []string{
	"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##",
	"(", ")", "[", "]", "{", "}", ",", ";", "?", ":", "+", "-", "*", "/", "%",
	"&", "|", "^", "~", "!", "<", ">", "=", ".", "#",
}

// oldLex is the lexer cexpr had before it used the preprocessor's
// (cpp.Scan), kept as the oracle of TestLexDifferential: it split a C
// fragment into tokens, dropping comments and whitespace
// (backslash-newline continuations included).
func oldLex(src string) ([]Token, error) {
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
		case oldIdentStart(c):
			j := i + 1
			for j < len(src) && oldIdentChar(src[j]) {
				j++
			}
			out = append(out, Token{tIdent, src[i:j], i})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (oldIdentChar(src[j]) || src[j] == '.') {
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
			for _, p := range oldPuncts {
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

func oldIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func oldIdentChar(c byte) bool { return oldIdentStart(c) || c >= '0' && c <= '9' }
