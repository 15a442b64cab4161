package tu_test

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
	"github.com/trampcheck/trampcheck/cparse/tu"
)

// scan preprocesses the files (the first is the main file) and scans
// them.
func scan(t *testing.T, files map[string]string, main string) *tu.Unit {
	t.Helper()
	cfg := &cpp.Config{
		Read: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
		},
		IncludeDirs: []string{"inc"},
	}
	u, err := cpp.Preprocess(cfg, main)
	if err != nil {
		t.Fatalf("preprocess: %v", err)
	}
	su, err := tu.Scan(u.Tokens)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	// The compact stream that the front end scans gives the same unit.
	st, err := cpp.PreprocessStream(cfg, main)
	if err != nil {
		t.Fatalf("preprocess stream: %v", err)
	}
	ss, err := tu.ScanTokens(st)
	if err != nil {
		t.Fatalf("scan stream: %v", err)
	}
	if !reflect.DeepEqual(su, ss) {
		t.Errorf("scan of the stream differs from the scan of the tokens:\n%+v\n%+v", ss, su)
	}
	return su
}

// describe writes a declaration as "name@line:col flags".
func describe(d tu.Decl) string {
	var fl []string
	for _, f := range []struct {
		on   bool
		name string
	}{{d.Def, "def"}, {d.Static, "static"}, {d.Extern, "extern"}, {d.Inline, "inline"}, {d.Prototype, "proto"}} {
		if f.on {
			fl = append(fl, f.name)
		}
	}
	return fmt.Sprintf("%s@%s:%d:%d %s", d.Name, d.Pos.File, d.Pos.Line, d.Pos.Col, strings.Join(fl, ","))
}

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{
			"plain", "int f(void);\nint f(void) { return 0; }\n",
			[]string{"f@m.c:1:5 proto", "f@m.c:2:5 def,proto"},
		},
		{
			"not a prototype", "int g();\nint g() { return 1; }\n",
			[]string{"g@m.c:1:5 ", "g@m.c:2:5 def"},
		},
		{
			"identifier list", "int h(a, b) int a; int b; { return a + b; }\n",
			[]string{"h@m.c:1:5 def"},
		},
		{
			"storage and inline", "static int s(int);\nextern int e(int);\nstatic inline int i(int x) { return x; }\n__inline__ int j(void) { return 0; }\n",
			[]string{"s@m.c:1:12 static,proto", "e@m.c:2:12 extern,proto", "i@m.c:3:19 def,static,inline,proto", "j@m.c:4:16 def,inline,proto"},
		},
		{
			"pointers to functions are objects", "int (*fp)(void);\nint *(*fpp[3])(int);\nstruct ops { int (*m)(void); };\n",
			nil,
		},
		{
			"function returning a function pointer", "int (*getter(int k))(void) { return 0; }\n",
			[]string{"getter@m.c:1:7 def,proto"},
		},
		{
			"parenthesised name", "int (paren)(void) { return 0; }\n",
			[]string{"paren@m.c:1:6 def,proto"},
		},
		{
			"typedef of a function type", "typedef int handler_fn(void *);\nhandler_fn api_handler;\ntypedef int old_fn();\nold_fn legacy;\n",
			[]string{"api_handler@m.c:2:12 proto", "legacy@m.c:4:8 "},
		},
		{
			"typedef of a typedef", "typedef int a_fn(int);\ntypedef a_fn b_fn;\nextern b_fn bee;\n",
			[]string{"bee@m.c:3:13 extern,proto"},
		},
		{
			"typeof a function", "int base(int);\n__typeof__(base) copy;\n",
			[]string{"base@m.c:1:5 proto", "copy@m.c:2:18 proto"},
		},
		{
			"attributes and asm labels", "__attribute__((cold)) int __attribute__((noinline)) at(void) __asm__(\"x\") __attribute__((used));\nint at(void) { return 0; }\n",
			[]string{"at@m.c:1:53 proto", "at@m.c:2:5 def,proto"},
		},
		{
			"several declarators", "int a, b(void), *c(int), d[2];\n",
			[]string{"b@m.c:1:8 proto", "c@m.c:1:18 proto"},
		},
		{
			"struct and enum bodies", "struct s { int (*f)(void); int g; };\nenum e { E1, E2 = sizeof(struct s) };\nstruct s make(void);\n",
			[]string{"make@m.c:3:10 proto"},
		},
		{
			"initializers", "int k(void);\nint (*tab[])(void) = { k, 0 };\nint after(void) { return k(); }\n",
			[]string{"k@m.c:1:5 proto", "after@m.c:3:5 def,proto"},
		},
		{
			"macro from a header", "#include <d.h>\nDECLARE_HOOK(api_hook);\nDEFINE_HOOK(api_hook)\n",
			[]string{"api_hook@m.c:2:14 proto", "api_hook@m.c:3:13 def,proto"},
		},
		{
			"pasted name", "#define DEF(n) int pre_##n(void) { return 0; }\nDEF(x)\n",
			[]string{"pre_x@m.c:1:20 def,proto"},
		},
		{
			"static assert and asm at file scope", "_Static_assert(1, \"x\");\nasm(\".globl foo\");\nint z(void);\n",
			[]string{"z@m.c:3:5 proto"},
		},
		{
			"block scope does not count", "void outer(void) { int inner(int); (void)inner; }\n",
			[]string{"outer@m.c:1:6 def,proto"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{
				"m.c":     tc.src,
				"inc/d.h": "#define DECLARE_HOOK(name) int name(int)\n#define DEFINE_HOOK(name) int name(int v) { return v; }\n",
			}
			u := scan(t, files, "m.c")
			var got []string
			for _, d := range u.Decls {
				got = append(got, describe(d))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("%s:\ngot\n\t%s\nwant\n\t%s", tc.src, strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func TestScanUses(t *testing.T) {
	u := scan(t, map[string]string{"m.c": "int f();\nstruct s { int f; };\nint user(struct s *p) { return p->f + f(); }\nint f() { return 0; }\n"}, "m.c")
	var got []string
	for _, x := range u.Uses {
		got = append(got, fmt.Sprintf("%s@%d:%d", x.Name, x.Pos.Line, x.Pos.Col))
	}
	// p->f is a member, not a use of f.
	if want := "f@3:39"; strings.Join(got, " ") != want {
		t.Errorf("uses: got %q, want %q", got, want)
	}
}

func TestScanErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"int f(void) { return 0;\n", "m.c:1:13: '{' is not closed before the end of the translation unit"},
		{"int x = 1);\n", "m.c:1:10: unbalanced ')'"},
	} {
		cfg := &cpp.Config{Read: func(p string) ([]byte, error) {
			if p == "m.c" {
				return []byte(tc.src), nil
			}
			return nil, fs.ErrNotExist
		}}
		u, err := cpp.Preprocess(cfg, "m.c")
		if err != nil {
			t.Fatalf("%q: preprocess: %v", tc.src, err)
		}
		_, err = tu.Scan(u.Tokens)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got error %v, want %q", tc.src, err, tc.want)
		}
	}
}

// TestScanBodyErrorsOnDemand: the errors of function bodies (a call with
// too many arguments, an implicit declaration, an unknown member) are in
// Diags only when the scan is asked for them; the declarations' own
// errors (a redefinition) are there either way.
func TestScanBodyErrorsOnDemand(t *testing.T) {
	const src = "struct s { int a; };\nint two(int a, int b);\n" +
		"int g(struct s *p) { return two(1, 2, 3) + implicit_f() + p->b; }\n" +
		"int h(void) { return 0; }\nint h(void) { return 1; }\n"
	cfg := &cpp.Config{Read: func(p string) ([]byte, error) {
		if p == "m.c" {
			return []byte(src), nil
		}
		return nil, fs.ErrNotExist
	}}
	u, err := cpp.Preprocess(cfg, "m.c")
	if err != nil {
		t.Fatal(err)
	}
	msgs := func(types bool) string {
		sc, err := tu.ScanTokensTypes(ctype.Slice(u.Tokens), types)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range sc.Diags {
			got = append(got, d.Msg)
		}
		return strings.Join(got, "\n")
	}
	redef := "redefinition of 'h'"
	for _, want := range []string{"too many arguments to function 'two'", "implicit declaration of function 'implicit_f'", "'struct s' has no member named 'b'", redef} {
		if got := msgs(true); !strings.Contains(got, want) {
			t.Errorf("with body errors: diags\n%s\nlack %q", got, want)
		}
	}
	if got := msgs(false); got != redef {
		t.Errorf("without body errors: diags %q, want only %q", got, redef)
	}
}
