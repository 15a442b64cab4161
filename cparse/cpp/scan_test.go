package cpp

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestScan: kinds, spellings, byte ranges, positions and flags of the
// tokens, splices inside a token and between tokens, a header name, and
// the comments with their positions.
func TestScan(t *testing.T) {
	src := "#include <linux/bpf.h>\n" + // 1
		"/* block\n   comment */ int x = 0x1f; // line\n" + // 2-3
		"a\\\nb = L'c' + \"s\\\"t\";\t/**/ y\n" + // 4-5
		"@ 1e+5 ... <: %:\n" // 6
	toks, cs, err := Scan("t.c", src, true)
	if err != nil {
		t.Fatal(err)
	}
	type tk struct {
		Kind       Kind
		Text       string
		Line, Col  int
		Space, BOL bool
	}
	want := []tk{
		{Punct, "#", 1, 1, false, true},
		{Ident, "include", 1, 2, false, false},
		{HeaderName, "<linux/bpf.h>", 1, 10, true, false},
		{Ident, "int", 3, 15, true, true},
		{Ident, "x", 3, 19, true, false},
		{Punct, "=", 3, 21, true, false},
		{Number, "0x1f", 3, 23, true, false},
		{Punct, ";", 3, 27, false, false},
		{Ident, "ab", 4, 1, true, true},
		{Punct, "=", 5, 3, true, false},
		{Char, "L'c'", 5, 5, true, false},
		{Punct, "+", 5, 10, true, false},
		{String, `"s\"t"`, 5, 12, true, false},
		{Punct, ";", 5, 18, false, false},
		{Ident, "y", 5, 25, true, false},
		{Other, "@", 6, 1, true, true},
		{Number, "1e+5", 6, 3, true, false},
		{Punct, "...", 6, 8, true, false},
		{Punct, "<:", 6, 12, true, false},
		{Punct, "%:", 6, 15, true, false},
	}
	var got []tk
	for _, x := range toks {
		got = append(got, tk{x.Kind, x.Text, x.Line, x.Col, x.Space, x.BOL})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens:\n got %+v\nwant %+v", got, want)
	}
	for _, x := range toks {
		if raw := src[x.Off:x.End]; strings.ReplaceAll(raw, "\\\n", "") != x.Text {
			t.Errorf("%s at %d:%d: src[%d:%d] is %q", x.Text, x.Line, x.Col, x.Off, x.End, raw)
		}
	}
	if ab := toks[8]; src[ab.Off:ab.End] != "a\\\nb" {
		t.Errorf("spliced identifier: got src[%d:%d] = %q, want %q", ab.Off, ab.End, src[ab.Off:ab.End], "a\\\nb")
	}
	wantC := []Comment{
		{Off: strings.Index(src, "/* block"), End: strings.Index(src, " int x"), Line: 2, Col: 1},
		{Off: strings.Index(src, "// line"), End: strings.Index(src, "\na\\"), Line: 3, Col: 29},
		{Off: strings.Index(src, "/**/"), End: strings.Index(src, "/**/") + 4, Line: 5, Col: 20},
	}
	if !reflect.DeepEqual(cs, wantC) {
		t.Errorf("comments: got %+v, want %+v", cs, wantC)
	}
	if _, none, _ := Scan("t.c", src, false); none != nil {
		t.Errorf("comments not asked for: got %v", none)
	}
	if _, _, err := Scan("t.c", "int x; /* open\n", false); err == nil || err.Error() != "t.c:1:8: error: unterminated comment" {
		t.Errorf("unterminated comment: got %v", err)
	}
}

// TestScanCovers: on the real JIT file and every C fixture, the tokens and
// comments Scan gives cover the text exactly: each token's range spells
// its text (splices removed), each comment's range is a comment, and what
// lies between is white space and line splices only.
func TestScanCovers(t *testing.T) {
	files := map[string]string{}
	if !testing.Short() {
		files[ktree.JITFile] = string(ktree.JIT(t))
	}
	fixtures, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*.c"))
	if len(fixtures) == 0 {
		t.Fatal("no C fixtures under testdata")
	}
	for _, name := range fixtures {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	for name, src := range files {
		toks, cs, err := Scan(name, src, true)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		covered := make([]bool, len(src))
		for _, x := range toks {
			raw := src[x.Off:x.End]
			if strings.ReplaceAll(raw, "\\\n", "") != x.Text {
				t.Errorf("%s:%d:%d: src[%d:%d] = %q, text %q", name, x.Line, x.Col, x.Off, x.End, raw, x.Text)
			}
			for i := x.Off; i < x.End; i++ {
				covered[i] = true
			}
		}
		for _, c := range cs {
			text := src[c.Off:c.End]
			if !strings.HasPrefix(text, "/*") && !strings.HasPrefix(text, "//") || strings.HasPrefix(text, "/*") && !strings.HasSuffix(text, "*/") {
				t.Errorf("%s:%d:%d: comment %q", name, c.Line, c.Col, text)
			}
			for i := c.Off; i < c.End; i++ {
				covered[i] = true
			}
		}
		for i, ok := range covered {
			if !ok && !strings.ContainsRune(" \t\n\r\f\v\\", rune(src[i])) {
				t.Errorf("%s: byte %d (%q) is in no token or comment", name, i, src[i])
				break
			}
		}
	}
}

// TestScannerSkip: SkipLine goes to the newline that ends the logical
// line, across a string holding "/*", a block comment over two lines and
// a splice, and the next token keeps its position; a comment left open
// stops it with Scan's error. SkipBody stops at a brace, a quote, a '/'
// or a newline, and lexing goes on from there.
func TestScannerSkip(t *testing.T) {
	src := "#define A \"/*\" /* x\n y */ 1 \\\n 2\n" + // 1-3
		"int f(void) { return 'a' + g(\"}\") /* } */; }\n" + // 4
		"next\n"
	sc := NewScanner("t.c", src)
	var got []string
	for {
		x, ok := sc.Next()
		if !ok {
			break
		}
		got = append(got, fmt.Sprintf("%s@%d:%d", x.Text, x.Line, x.Col))
		switch x.Text {
		case "define":
			end, ok := sc.SkipLine()
			if !ok || end != strings.Index(src, "\nint") {
				t.Errorf("SkipLine: got %d %v, want %d true", end, ok, strings.Index(src, "\nint"))
			}
		case "{", "'a'", "\"}\"", ";":
			sc.SkipBody()
		}
	}
	// The ')' after "}" is skipped.
	want := []string{
		"#@1:1", "define@1:2", "int@4:1", "f@4:5", "(@4:6", "void@4:7", ")@4:11", "{@4:13",
		"'a'@4:22", "\"}\"@4:30", ";@4:42", "}@4:44", "next@5:1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens:\n got %q\nwant %q", got, want)
	}
	if err := sc.Err(); err != nil {
		t.Errorf("Err: %v", err)
	}
	sc = NewScanner("t.c", "#define B 1 /* open\nint x;")
	sc.Next()
	sc.Next()
	if _, ok := sc.SkipLine(); ok || sc.Err() == nil || sc.Err().Error() != "t.c:1:13: error: unterminated comment" {
		t.Errorf("open comment: got ok %v, err %v", ok, sc.Err())
	}
	if x, ok := sc.Next(); ok {
		t.Errorf("Next after the error: got %+v", x)
	}
}
