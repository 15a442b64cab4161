package checktest

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
)

// recorder collects what check reports.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

// everyDef reports "def NAME" at every function definition.
var everyDef = &analysis.Analyzer{
	Name:     "everydef",
	Doc:      "report every function definition",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.ResultOf[cparse.Analyzer].(*cparse.Result).Files {
			for _, fn := range f.Funcs {
				if fn.Def {
					pass.Reportf(f.TokPos(fn.Pos.Offset), "def %s", fn.Name)
				}
			}
		}
		return nil, nil
	},
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		errs      []string // substrings of the expected failures, in order
	}{
		{"all matched", "int a(void) { return 0; } // want \"def a\"\nint b(void) { return 1; } // want `def b`\n", nil},
		{"regexp", "int abc(void) { return 0; } // want \"def a.c\"\n", nil},
		{"two on a line", "int a(void) { return 0; } int b(void) { return 1; } // want \"def a\" \"def b\"\n", nil},
		{"unexpected", "int a(void) { return 0; }\n", []string{"x.c:1:5: got unexpected diagnostic \"def a\", want none there"}},
		{"missing", "int a; // want \"def a\"\n", []string{"x.c:1: got no diagnostic, want one matching \"def a\""}},
		{"wrong message", "int a(void) { return 0; } // want \"def b\"\n", []string{"got unexpected diagnostic \"def a\"", "got no diagnostic, want one matching \"def b\""}},
		{"wrong line", "int a(void) { return 0; }\n// want \"def a\"\n", []string{"x.c:1:5: got unexpected", "x.c:2: got no diagnostic"}},
		{"bad pattern", "int a(void) { return 0; } // want \"(\"\n", []string{"x.c:1: error parsing regexp"}},
		{"unquoted", "int a(void) { return 0; } // want def a\n", []string{"want expects quoted patterns"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := RunSource("x.c", []byte(tc.src), cparse.Options{}, everyDef)
			if err != nil {
				t.Fatal(err)
			}
			r := &recorder{}
			check(r, out, []checked{{"x.c", []byte(tc.src)}})
			if len(r.errs) != len(tc.errs) {
				t.Fatalf("got %d failures %q, want %d %q", len(r.errs), r.errs, len(tc.errs), tc.errs)
			}
			for i, e := range tc.errs {
				if !strings.Contains(r.errs[i], e) {
					t.Errorf("failure %d: got %q, want it to contain %q", i, r.errs[i], e)
				}
			}
		})
	}
}

func TestTxtar(t *testing.T) {
	dir := t.TempDir()
	ar := `check: src/a.c
-D FROM_D=1
-- src/a.c --
#include <x.h>
#include "local.h"
int in_x(void) { return FROM_D; } // want "def in_x"
int in_local(void) { return 0; } // want "def in_local"
-- include/x.h --
int in_x(void);
-- src/local.h --
int in_local(void);
-- src/unchecked.c --
int not_checked(void) { return 0; }
`
	p := filepath.Join(dir, "t.txtar")
	if err := os.WriteFile(p, []byte(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	out := Run(t, p, everyDef)
	if len(out.Parsed.Files) != 1 {
		t.Fatalf("got %d files checked, want 1 (the check: line)", len(out.Parsed.Files))
	}
	f := out.Parsed.Files[0]
	if f.Name != "src/a.c" || f.HeaderProtos["in_x"] != "include/x.h" || f.HeaderProtos["in_local"] != "src/local.h" {
		t.Errorf("got %s with header prototypes %v, want src/a.c with in_x and in_local", f.Name, f.HeaderProtos)
	}
	if p := out.Fset.Position(f.TokPos(0)); p.Filename != "src/a.c" || p.Line != 1 {
		t.Errorf("registered position: got %v, want src/a.c:1", p)
	}
	if _, ok := any(out.Fset).(*token.FileSet); !ok {
		t.Errorf("no FileSet")
	}
}

func TestParseWants(t *testing.T) {
	src := "a // want \"x\\\"y\" `z`\n/* b */ c; /* want \"w\" */\n"
	got, err := ParseWants("f.c", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, e := range got {
		s = append(s, fmt.Sprintf("%d:%s", e.Line, e.Re))
	}
	want := []string{`1:x"y`, "1:z"}
	if strings.Join(s, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q (only // want comments count)", s, want)
	}
}

func TestTxtarPatch(t *testing.T) {
	dir := t.TempDir()
	ar := "A series making a function global and declaring another in a header.\n" +
		"-- drivers/a.c --\n" +
		"#include <x.h>\n" +
		"static int one(void) { return 1; }\n" +
		"int two(void) { return 2; } // want \"def two\"\n" +
		"-- include/x.h --\n" +
		"int unrelated(void);\n" +
		"-- 1.patch --\n" +
		"--- a/drivers/a.c\n" +
		"+++ b/drivers/a.c\n" +
		"@@ -1,3 +1,3 @@\n" +
		" #include <x.h>\n" +
		"-static int one(void) { return 1; }\n" +
		"+int one(void) { return 1; } // want \"def one\"\n" +
		" int two(void) { return 2; } // want \"def two\"\n" +
		"-- 2.patch --\n" +
		"--- a/include/x.h\n" +
		"+++ b/include/x.h\n" +
		"@@ -1 +1,2 @@\n" +
		" int unrelated(void);\n" +
		"+int one(void);\n"
	p := filepath.Join(dir, "p.txtar")
	if err := os.WriteFile(p, []byte(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	out := Run(t, p, everyDef)
	f := out.Parsed.Files[0]
	if f.Name != "drivers/a.c" || f.HeaderProtos["one"] != "include/x.h" {
		t.Errorf("got %s with header prototypes %v, want drivers/a.c seeing one in include/x.h (patched)", f.Name, f.HeaderProtos)
	}
	if len(f.Funcs) != 2 || f.Funcs[0].Static {
		t.Errorf("got funcs %+v, want the patched, non-static one", f.Funcs)
	}
}
