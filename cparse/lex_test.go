package cparse

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// scanModes are the three ways the front end runs the scanner: a whole
// file with comments (the hermetic parse, the call-site collector), the
// directives only (the include scan) and file scope (the prototype scan
// of headers).
var scanModes = []struct {
	name                    string
	keepComments, fileScope bool
}{{"file", true, false}, {"directives", false, false}, {"fileScope", false, true}}

// firstElemDiff returns the index of the first element where got and want
// differ, with the two elements (zero past an end), or -1.
func firstElemDiff[T comparable](got, want []T) (int, T, T) {
	var g, w T
	for i := range max(len(got), len(want)) {
		if i >= len(got) || i >= len(want) || got[i] != want[i] {
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			return i, g, w
		}
	}
	return -1, g, w
}

// scanDiff returns how the scan of src by the preprocessor's lexer
// differs from the old byte loop's, or "".
func scanDiff(src []byte, keepComments, fileScope bool) string {
	got := &scan{src: src, fileScope: fileScope}
	got.run(keepComments)
	want := &scan{src: src, fileScope: fileScope}
	want.oldRun(keepComments)
	show := func(t tok) string {
		return fmt.Sprintf("%d:%q(kind %d)", t.off, src[t.off:t.end], t.kind)
	}
	if i, g, w := firstElemDiff(got.toks, want.toks); i >= 0 {
		return fmt.Sprintf("token %d: got %s, want %s", i, show(g), show(w))
	}
	if i, g, w := firstElemDiff(got.directives, want.directives); i >= 0 {
		return fmt.Sprintf("directive %d: got %+v, want %+v", i, g, w)
	}
	if i, g, w := firstElemDiff(got.comments, want.comments); i >= 0 {
		return fmt.Sprintf("comment %d: got %+v %q, want %+v", i, g, src[g.off:g.end], w)
	}
	if !fileScope && !reflect.DeepEqual(got.depthErr, want.depthErr) {
		return fmt.Sprintf("depth error: got %+v, want %+v", got.depthErr, want.depthErr)
	}
	return ""
}

// TestFrontScanDifferential compares the front end's scan, now read from
// the preprocessor's lexer, with the byte loop it replaced on every C
// fixture of the repository and, in full mode, on the real JIT file and
// every header of its include closure: tokens, directives, comments and
// the depth error are the same in all three modes.
func TestFrontScanDifferential(t *testing.T) {
	files := map[string][]byte{}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".cache" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[p] = b
		}
		return nil
	})
	if err != nil || len(files) < 40 {
		t.Fatalf("fixtures: %d files, %v", len(files), err)
	}
	fixtures := len(files)
	if !testing.Short() {
		tree := ktree.Dir(t)
		src := ktree.JIT(t)
		files[ktree.JITFile] = src
		hs, err := IncludeClosure(tree, ktree.JITFile, src, Options{Tree: tree}, nil)
		if err != nil || len(hs) < 100 {
			t.Fatalf("include closure: %d headers, %v", len(hs), err)
		}
		for _, h := range hs {
			b, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(h.Path)))
			if err != nil {
				t.Fatal(err)
			}
			files[h.Path] = b
		}
	}
	toks := 0
	for name, src := range files {
		for _, m := range scanModes {
			if d := scanDiff(src, m.keepComments, m.fileScope); d != "" {
				t.Errorf("%s (%s): %s", name, m.name, d)
			}
		}
		toks += len(scanFile(src).toks)
	}
	t.Logf("%d files (%d fixtures), %d tokens", len(files), fixtures, toks)
}

// TestFrontScanReadings pins the readings of the scan where the
// preprocessor's lexer and the old byte loop could part: the same where
// the old reading was right (a comment left open runs to the end of the
// file, in a directive too; literal prefixes; exponents; an unclosed
// quote runs to the end of its line; digraphs and a splice inside a
// punctuator are single characters), GCC's where it was not (an
// identifier with a line splice inside is one token, '$' and non-ASCII
// letters are identifier characters, a raw string is one literal).
func TestFrontScanReadings(t *testing.T) {
	same := []string{
		"int x; /* open\n int y;",
		"#define A 1 /* open\n int y;",
		"x = u8\"s\" + L'c' + u8'c' + U\"x\" + u\"y\";",
		"x = 1e+5 + 0x1p-3 + 1.e5 + .5E-1;",
		"# 12 \"f.c\"\nint x;\n#\nint y;",
		"/* c */ #define X 1\n",
		"#define X 1 // c\\\n more\nint y;",
		"#define X 1 /* a\n b */ int z;\nint y;",
		"x = 'don't;\n y = \"open;\n",
		"a = b \\ c; `@",
		"#if 0\ndon't ( stop\n#endif\nint f(void);",
		"x <% y %> <: :> %:",
		"a ->\\\n b; c +\\\n= d;",
		"#ifdef X\nint f(void) {\n#else\nint f(int a) {\n#endif\n\treturn 0;\n}\nint g(void);",
	}
	for _, s := range same {
		for _, m := range scanModes {
			if d := scanDiff([]byte(s), m.keepComments, m.fileScope); d != "" {
				t.Errorf("%q (%s): %s", s, m.name, d)
			}
		}
	}
	if s := scanFile([]byte("int x; /* open\n int y;")); len(s.comments) != 1 || s.comments[0] != (comment{7, 22}) || len(s.toks) != 3 {
		t.Errorf("comment left open: got comments %+v, %d tokens; want {7 22} and 3 tokens", s.comments, len(s.toks))
	}
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"int a\\\nb;", []string{"int", "a\\\nb", ";"}},
		{"int $x = a$b;", []string{"int", "$x", "=", "a$b", ";"}},
		{"int 漢字 = 1;", []string{"int", "漢字", "=", "1", ";"}},
		{"s = LR\"(a \" b)\";", []string{"s", "=", "LR\"(a \" b)\"", ";"}},
	} {
		var got []string
		for _, tk := range scanFile([]byte(c.src)).toks {
			got = append(got, c.src[tk.off:tk.end])
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.src, got, c.want)
		}
		if scanDiff([]byte(c.src), true, false) == "" {
			t.Errorf("%q: the old byte loop reads it the same; drop it from the differences", c.src)
		}
	}
}

// BenchmarkFrontScan compares the scan with the byte loop it replaced
// (the oracle), per mode, over the JIT file's include closure.
func BenchmarkFrontScan(b *testing.B) {
	tree := ktree.Dir(b)
	src := ktree.JIT(b)
	hs, err := IncludeClosure(tree, ktree.JITFile, src, Options{Tree: tree}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var files [][]byte
	size := 0
	for _, h := range hs {
		f, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(h.Path)))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
		size += len(f)
	}
	for _, m := range scanModes {
		for _, old := range []bool{false, true} {
			name := m.name + "/lexer"
			if old {
				name = m.name + "/oracle"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(size))
				for b.Loop() {
					for _, f := range files {
						s := &scan{src: f, fileScope: m.fileScope}
						if old {
							s.oldRun(m.keepComments)
						} else {
							s.run(m.keepComments)
						}
					}
				}
			})
		}
	}
}
