package cpp

import (
	"strings"
	"testing"
)

// tablePunctLen is the longest-match definition punctLen must agree with.
func tablePunctLen(s string) int {
	for _, p := range puncts3 {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	for _, p := range puncts2 {
		if strings.HasPrefix(s, p) {
			return 2
		}
	}
	if len(s) > 0 && strings.IndexByte(punct1, s[0]) >= 0 {
		return 1
	}
	return 0
}

// TestPunctLen compares punctLen with the punctuator table on every
// string of up to four characters drawn from the punctuator characters.
func TestPunctLen(t *testing.T) {
	chars := punct1 + "a0"
	var rec func(prefix string)
	rec = func(prefix string) {
		if prefix != "" {
			if got, want := punctLen(prefix), tablePunctLen(prefix); got != want {
				t.Errorf("punctLen(%q): got %d, want %d", prefix, got, want)
			}
		}
		if len(prefix) == 4 {
			return
		}
		for i := 0; i < len(chars); i++ {
			rec(prefix + chars[i:i+1])
		}
	}
	rec("")
}

// TestLexSplices checks that splices inside tokens are removed from the
// text while positions stay in the original lines and columns.
func TestLexSplices(t *testing.T) {
	src := "ab\\\ncd +\\\n= \"x\\\ny\"\n  q"
	ftoks, spliced, err := lexFile("t.c", src)
	if err != nil {
		t.Fatal(err)
	}
	cf := &cachedFile{src: src, spliced: spliced, toks: ftoks}
	want := []struct {
		text      string
		line, col int32
	}{{"abcd", 1, 1}, {"+=", 2, 4}, {`"xy"`, 3, 3}, {"q", 5, 3}}
	if len(ftoks) != len(want) {
		t.Fatalf("got %d tokens, want %d", len(ftoks), len(want))
	}
	for i, w := range want {
		tok := cf.tok(i)
		if tok.Text != w.text || tok.Pos.line != w.line || tok.Pos.col != w.col {
			t.Errorf("token %d: got %q at %d:%d, want %q at %d:%d", i, tok.Text, tok.Pos.line, tok.Pos.col, w.text, w.line, w.col)
		}
	}
}
