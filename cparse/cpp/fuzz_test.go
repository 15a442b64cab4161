package cpp

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzPreprocess preprocesses arbitrary text as the main file and as an
// includable header "h.h" (so it can include itself): no panic, no hang
// (the work bound turns runaway expansion into an *Error).
func FuzzPreprocess(f *testing.F) {
	files, _ := filepath.Glob("testdata/gcc/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			f.Add(string(af.Data))
		}
	}
	f.Add("#include \"h.h\"\n#include \"h.h\"\n")
	f.Add("#define a a a a a a a a\n#define b a b a b\nb b b\n")
	f.Add("#define f(x) f(x x) x\nf(f(f(f(1))))\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg := &Config{
			Read: func(p string) ([]byte, error) {
				if p == "main.c" || strings.HasSuffix(p, "h.h") {
					return []byte(src), nil
				}
				return nil, fs.ErrNotExist
			},
			IncludeDirs: []string{"inc"},
			MaxWork:     1 << 16,
		}
		u, err := Preprocess(cfg, "main.c")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Msg == "" {
				t.Fatalf("empty error message")
			}
			return
		}
		for _, tok := range u.Tokens {
			if tok.Text == "" || tok.Kind == EOF || tok.Kind > Other {
				t.Fatalf("bad token %+v", tok)
			}
		}
	})
}
