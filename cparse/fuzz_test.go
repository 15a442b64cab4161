package cparse_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// FuzzParse checks that any input gives a File or an *Error with a one-line
// message, never a panic or another kind of error.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/missingproto/*.c")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "#define EMIT4(a, b, c) x\nvoid f(void) { EMIT4(1, 2, 3); /* c */ }\n",
		"#define M(n) int n(void) { return 0; }\nM(a)\n", "int f(a) int a; { return a; }",
		"/* unterminated", "\"unterminated", "#include <x.h>\nint", "#define A(x) A(x)\nA(A(1))",
		"int x = ((((1));", "typedef int t(int); t f;", "\\\n#\\\ndefine X \\\n 1\nint y = X;",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := cparse.Parse("fuzz.c", src, cparse.Options{})
		if err != nil {
			var pe *cparse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %T %v, want *cparse.Error", err, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "fuzz.c:") {
				t.Fatalf("got %q, want one line starting with fuzz.c:", msg)
			}
			return
		}
		for _, fn := range file.Funcs {
			if fn.Pos.Offset < 0 || fn.End > len(src) || fn.Pos.Offset > fn.End {
				t.Fatalf("%s: bad range %d-%d in %d bytes", fn.Name, fn.Pos.Offset, fn.End, len(src))
			}
		}
		for _, e := range append(file.Emits, file.MacroEmits...) {
			if e.Pos.Offset < 0 || e.End > len(src) {
				t.Fatalf("%s: bad range %d-%d", e.Name, e.Pos.Offset, e.End)
			}
		}
	})
}
