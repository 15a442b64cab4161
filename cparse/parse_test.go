package cparse_test

import (
	"errors"
	"flag"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
)

// oneLine matches the error form FILE:LINE:COL: MSG on one line.
var oneLine = regexp.MustCompile(`^bad\.c:(\d+):\d+: [^\n]+$`)

func TestParseErrors(t *testing.T) {
	deep := "int x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + ";\n"
	deepBraces := "void f(void) " + strings.Repeat("{", 5000) + strings.Repeat("}", 5000) + "\n"
	for _, tc := range []struct {
		name, src string
		line      int // 0: the error has no position
	}{
		{"missing semicolon", "int a;\nint f(void) { return 0 }\n", 2},
		{"unclosed brace", "int f(void) {\n\treturn 0;\n", 2},
		{"stray token", "int a;\n\n)\n", 3},
		{"deep parentheses", "int a;\n" + deep, 2},
		{"deep braces", deepBraces, 1},
		{"garbage", "int a;\n\x00\x01\x02 @@@ ###\n", 2},
		{"bad directive", "#if\nint a;\n#endif\n", 1},
		{"unterminated #if", "#if 1\nint a;\n", 0},
		{"wrong typedef guess", "void f(int x);\nvoid g(void)\n{\n\tint EMIT4 = 1;\n\tf(EMIT4);\n\tEMIT4(0x`1, 2);\n}\n", 6},
		{"macro nesting bomb", "#define B(x) ((((((((((x))))))))))\n" +
			"#define C(x) B(B(B(B(B(B(B(B(B(B(x))))))))))\n" +
			"#define D(x) C(C(C(C(C(C(C(C(C(C(x))))))))))\n" +
			"#define E(x) D(D(D(D(D(D(D(D(D(D(x))))))))))\n" +
			"int a;\nint v = E(E(E(E(1))));\n", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := cparse.Parse("bad.c", []byte(tc.src), cparse.Options{})
			if err == nil {
				t.Fatalf("got a parse (%d funcs), want an error", len(f.Funcs))
			}
			var pe *cparse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %T %v, want *cparse.Error", err, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "bad.c:") {
				t.Errorf("got %q, want one line starting with bad.c:", msg)
			}
			if tc.line > 0 {
				m := oneLine.FindStringSubmatch(msg)
				if m == nil || m[1] != strconv.Itoa(tc.line) {
					t.Errorf("got %q, want bad.c:%d:COL: MSG", msg, tc.line)
				}
			}
		})
	}
}

func TestMacroNestingAllowed(t *testing.T) {
	src := "#define B(x) ((((((((((x))))))))))\n#define C(x) B(B(B(x)))\nint v = C(C(1));\nint f(void);\n"
	f, err := cparse.Parse("ok.c", []byte(src), cparse.Options{})
	if err != nil || len(f.Funcs) != 1 {
		t.Fatalf("got %v, want a parse with one function", err)
	}
}

func TestParseSizeLimit(t *testing.T) {
	src := make([]byte, cparse.MaxFileSize+1)
	for i := range src {
		src[i] = '\n'
	}
	_, err := cparse.Parse("big.c", src, cparse.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "big.c: file too large") {
		t.Errorf("got %v, want big.c: file too large ...", err)
	}
}

func TestUnknownTypedefFallback(t *testing.T) {
	src := "struct s { my_u32_t a; };\nstatic my_u32_t g(__my_u64 x, other_t *y) { return (my_u32_t)x; }\n" +
		"static void *k(void *p) { return (ptr_t *)p + sizeof(sz_t); }\nint h(void);\n"
	f, err := cparse.Parse("t.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fn := range f.Funcs {
		got = append(got, fn.Name)
	}
	if want := []string{"g", "k", "h"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestFuncs(t *testing.T) {
	src := `typedef int fn_t(int);
int decl(void);
static int sdecl();
extern int edecl(int, ...);
inline int idef(void) { return 0; }
static inline int sidef(void) { return 1; }
int kr(a) int a; { return a; }
fn_t viatypedef;
int (*notfunc)(void);
int *ptrret(void);
int (*(retfp)(int))(void);
int a, b(void), c;
void body(void)
{
	int blockdecl(int);
	{
		extern long deeper(void);
	}
}
#define MAKE(n) int n(void) { return 2; }
MAKE(made)
`
	f, err := cparse.Parse("funcs.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name                                          string
		def, static, extern, inline, proto, block, mc bool
	}
	wants := []want{
		{name: "decl", proto: true},
		{name: "sdecl", static: true},
		{name: "edecl", extern: true, proto: true},
		{name: "idef", def: true, inline: true, proto: true},
		{name: "sidef", def: true, static: true, inline: true, proto: true},
		{name: "kr", def: true},
		{name: "viatypedef", proto: true},
		{name: "ptrret", proto: true},
		{name: "retfp", proto: true},
		{name: "b", proto: true},
		{name: "body", def: true, proto: true},
		{name: "blockdecl", proto: true, block: true},
		{name: "deeper", extern: true, proto: true, block: true},
		{name: "made", def: true, proto: true, mc: true},
	}
	if len(f.Funcs) != len(wants) {
		var names []string
		for _, fn := range f.Funcs {
			names = append(names, fn.Name)
		}
		t.Fatalf("got %d funcs %v, want %d", len(f.Funcs), names, len(wants))
	}
	lines := strings.Split(src, "\n")
	for i, w := range wants {
		fn := f.Funcs[i]
		got := want{fn.Name, fn.Def, fn.Static, fn.Extern, fn.Inline, fn.Prototype, fn.BlockScope, fn.FromMacro}
		if got != w {
			t.Errorf("func %d: got %+v, want %+v", i, got, w)
		}
		// The position is the name's: the text there is the name.
		if s := src[fn.Pos.Offset:fn.End]; s != fn.Name {
			t.Errorf("%s: got %q at its position, want the name", fn.Name, s)
		}
		if l := lines[fn.Pos.Line-1]; fn.Pos.Col < 1 || !strings.HasPrefix(l[fn.Pos.Col-1:], fn.Name) {
			t.Errorf("%s: got %d:%d, line %q", fn.Name, fn.Pos.Line, fn.Pos.Col, l)
		}
	}
	for _, fn := range f.Funcs {
		if fn.Name == "body" && (fn.BodyStart != 14 || fn.BodyEnd != 19) {
			t.Errorf("body: got braces at %d-%d, want 14-19", fn.BodyStart, fn.BodyEnd)
		}
		if fn.Name == "made" && fn.Pos.Line != 21 {
			t.Errorf("made: got line %d, want 21 (the argument's spelling)", fn.Pos.Line)
		}
	}
}

func TestEmits(t *testing.T) {
	src := `#define _EMIT2(op) do { } while (0)
#define EMIT4(op, b1, b2) do { } while (0)
#define EMIT6_DISP_LH(op1, op2, b1, b2, b3, disp) \
	do { } while (0)
#define REG_SET_SEEN(b) do { } while (0)
struct bpf_jit { int prg; };
static void gen(struct bpf_jit *jit, int n)
{
	/* lgr %r2,%r3 */
	EMIT4(0xb9040000, 2, 3);
	_EMIT2(0x07fe); /* br %r14 */
	// stg %r2,8(%r15)
	EMIT6_DISP_LH(0xe3000000, 0x0024, 2, 0,
		      15, f(1, 2));

	/* above a blank line */

	REG_SET_SEEN(n);
	if (n)
		EMIT4(0xb9040000, n, (n + 1));
	/* no code between */ _EMIT2(0);
}
`
	f, err := cparse.Parse("emit.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name    string
		line    int
		args    []string
		comment string
		same    bool
	}
	wants := []want{
		{"EMIT4", 10, []string{"0xb9040000", "2", "3"}, "lgr %r2,%r3", false},
		{"_EMIT2", 11, []string{"0x07fe"}, "br %r14", true},
		{"EMIT6_DISP_LH", 13, []string{"0xe3000000", "0x0024", "2", "0", "15", "f(1, 2)"}, "stg %r2,8(%r15)", false},
		{"REG_SET_SEEN", 18, []string{"n"}, "above a blank line", false},
		{"EMIT4", 20, []string{"0xb9040000", "n", "(n + 1)"}, "", false},
		{"_EMIT2", 21, []string{"0"}, "no code between", false},
	}
	if len(f.Emits) != len(wants) {
		t.Fatalf("got %d emits, want %d", len(f.Emits), len(wants))
	}
	for i, w := range wants {
		e := f.Emits[i]
		var args []string
		for _, a := range e.Args {
			args = append(args, a.Text)
			if a.Expr == nil {
				t.Errorf("%s at %d: argument %q has no AST", e.Name, e.Pos.Line, a.Text)
			}
			if !strings.HasPrefix(src[a.Pos.Offset:], a.Text) {
				t.Errorf("%s at %d: argument %q not at its position", e.Name, e.Pos.Line, a.Text)
			}
		}
		comment, same := "", false
		if e.Comment != nil {
			comment, same = e.Comment.Text, e.Comment.SameLine
		}
		if e.Name != w.name || e.Pos.Line != w.line || !slices.Equal(args, w.args) || comment != w.comment || same != w.same {
			t.Errorf("emit %d: got %s@%d %q comment %q same=%v, want %s@%d %q comment %q same=%v",
				i, e.Name, e.Pos.Line, args, comment, same, w.name, w.line, w.args, w.comment, w.same)
		}
		if e.Func != "gen" || e.Call == nil || src[e.End-1] != ')' {
			t.Errorf("emit %d: got func %q call %v end %d", i, e.Func, e.Call != nil, e.End)
		}
	}
	// The EMIT macros are recorded as macros of the file.
	var m *cparse.Macro
	for i := range f.Macros {
		if f.Macros[i].Name == "EMIT6_DISP_LH" {
			m = &f.Macros[i]
		}
	}
	if m == nil || !m.FnLike || len(m.Params) != 6 || m.Pos.Line != 3 || m.EndLine != 4 || !strings.Contains(m.Body, "while (0)") {
		t.Errorf("EMIT6_DISP_LH macro: got %+v", m)
	}
}

func TestDisplayCol(t *testing.T) {
	// Expected values counted by hand: tab stops at columns 1, 9, 17, ...
	src := "\tint x;\n  \tint y;\nint\t\tz;\n/* \u00e9 */ int w;\n"
	f, err := cparse.Parse("cols.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		line, col int // byte column of name
		want      int
	}{
		{"x", 1, 6, 13},
		{"y", 2, 8, 13},
		{"z", 3, 6, 17},
		{"w", 4, 14, 13},
	} {
		if l := strings.Split(src, "\n")[tc.line-1]; l[tc.col-1:tc.col] != tc.name {
			t.Fatalf("%s: byte column %d of %q is not the name", tc.name, tc.col, l)
		}
		if got := f.DisplayCol(cparse.Pos{Line: tc.line, Col: tc.col}); got != tc.want {
			t.Errorf("%s: got display column %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestScanPrototypes(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"int f(void);", []string{"f"}},
		{"int f();", nil},
		{"extern long *g(int a, char **b);", []string{"g"}},
		{"int (h)(int);", []string{"h"}},
		{"int (*fp)(int);", nil},
		{"typedef int t(int);", nil},
		{"struct s { int (*m)(void); int n(void); };", nil},
		{"EXPORT_SYMBOL(k);", nil},
		{"__printf(1, 2) int pr(const char *fmt, ...);", []string{"pr"}},
		{"int a(void), b(int), c;", []string{"a", "b"}},
		{"int v = f(1), w(void);", []string{"w"}},
		{"static inline int si(int x) { return x; }", []string{"si"}},
		{"#define m(x) int notme(int)\nint yes(int) __attribute__((pure));", []string{"yes"}},
		{"/* int c1(void); */ // int c2(void);\nint real(void);", []string{"real"}},
		{"#ifdef X\nint cond(void);\n#endif", []string{"cond"}},
		{"#ifdef X\nstatic inline int two(void) {\n#else\nstatic inline int two(int a) {\n#endif\n\treturn 0;\n}\nint after(void);", []string{"two", "two", "after"}},
		{"#if A\nint g(void) {\n#endif\n\treturn 0;\n}\nint after(void);", []string{"g", "after"}},
	} {
		got := cparse.ScanPrototypes([]byte(tc.src))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestAnalyzer(t *testing.T) {
	a := cparse.Analyzer
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Fatal(err)
	}
	// Options belong to a run (the driver passes them to ParseFiles), not
	// to process-wide flags: the analyzer declares none.
	n := 0
	a.Flags.VisitAll(func(*flag.Flag) { n++ })
	if n != 0 {
		t.Errorf("Analyzer declares %d flags, want none (options are per run)", n)
	}
	if a.ResultType != reflect.TypeOf((*cparse.Result)(nil)) {
		t.Errorf("ResultType: got %v", a.ResultType)
	}
	// A tree whose header exists only in the reader (a patch created it).
	tree := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tree, "drivers"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfile := filepath.Join(tree, "drivers", "x.c")
	files := map[string]string{
		cfile: "#include <linux/new.h>\nint from_new(void) { return 0; }\n",
		filepath.Join(tree, "include", "linux", "new.h"): "int from_new(void);\n",
	}
	fset := token.NewFileSet()
	res, err := cparse.ParseFiles(fset, []string{cfile, filepath.Join(tree, "README")}, func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}, cparse.Options{Tree: tree})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 {
		t.Fatalf("got %d files, want 1 (README is not C)", len(res.Files))
	}
	f := res.Files[0]
	if f.Name != "drivers/x.c" || f.HeaderProtos["from_new"] != "include/linux/new.h" {
		t.Errorf("got name %q, HeaderProtos[from_new] %q, want drivers/x.c and include/linux/new.h", f.Name, f.HeaderProtos["from_new"])
	}
	p := fset.Position(f.TokPos(f.Funcs[0].Pos.Offset))
	if p.Filename != "drivers/x.c" || p.Line != 2 || p.Column != 5 {
		t.Errorf("TokPos: got %v, want drivers/x.c:2:5", p)
	}
	// A parse error fails the analyzer: the file is never reported clean.
	files[cfile] = "int broken(void) {\n"
	if _, err := cparse.ParseFiles(token.NewFileSet(), []string{cfile}, func(p string) ([]byte, error) {
		return []byte(files[p]), nil
	}, cparse.Options{Tree: tree}); err == nil || !strings.HasPrefix(err.Error(), "drivers/x.c:") {
		t.Errorf("got %v, want an error naming drivers/x.c", err)
	}
}

// BenchmarkMacroDefinitions parses a file of 2000 definitions each made by
// its own macro: locating their names must not be quadratic.
func BenchmarkMacroDefinitions(b *testing.B) {
	var sb strings.Builder
	for k := range 2000 {
		fmt.Fprintf(&sb, "#define D%d(n) int n(void) { return %d; }\n", k, k)
	}
	for k := range 2000 {
		fmt.Fprintf(&sb, "D%d(f%d)\n", k, k)
	}
	src := []byte(sb.String())
	for b.Loop() {
		f, err := cparse.Parse("m.c", src, cparse.Options{})
		if err != nil || len(f.Funcs) != 2000 || !f.Funcs[1999].FromMacro || f.Funcs[1999].Pos.Line != 4000 {
			b.Fatalf("got %v", err)
		}
	}
}

// TestHermeticReader checks that without a tree the headers the reader
// serves (the files a patch series touched) are followed from the file's
// includes, over the embedded index.
func TestHermeticReader(t *testing.T) {
	files := map[string]string{
		"arch/s390/net/bpf_jit_comp.c": "#include <linux/bpf.h>\n#include \"local.h\"\nint added(void) { return 0; }\n",
		"include/linux/bpf.h":          "#include <linux/more.h>\nint added(void);\n",
		"include/linux/more.h":         "int deeper(int);\n",
		"arch/s390/net/local.h":        "int local_one(void);\n",
		"include/linux/unrelated.h":    "int not_included(void);\n",
	}
	res, err := cparse.ParseFiles(token.NewFileSet(), []string{"arch/s390/net/bpf_jit_comp.c"}, func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hp := res.Files[0].HeaderProtos
	for n, want := range map[string]string{
		"added":               "include/linux/bpf.h",
		"deeper":              "include/linux/more.h",
		"local_one":           "arch/s390/net/local.h",
		"not_included":        "",
		"bpf_int_jit_compile": cparse.IndexSource,
	} {
		if got := hp[n]; got != want {
			t.Errorf("HeaderProtos[%s]: got %q, want %q", n, got, want)
		}
	}
}

// TestGuesses checks the declarations the parse guesses for names that
// headers would supply, and that typos are still reported.
func TestGuesses(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // the guesses, in order; nil: a parse error
		errLine   int
	}{
		{"type name", "static foo_t x;\n", []string{"typedef int foo_t;\n"}, 0},
		{"module macro", "#include <linux/module.h>\nMODULE_LICENSE(\"GPL\");\n", []string{"#define MODULE_LICENSE(...) void __trampcheck_fn(void)\n"}, 0},
		{
			"static definer", "static DEFINE_MUTEX(lock);\nstatic DEFINE_SEMAPHORE(sem, 1);\n",
			[]string{"#define DEFINE_SEMAPHORE(...) void __trampcheck_fn(void)\n"},
			0,
		},
		{"attribute", "static int __kprobes setup(void) { return 0; }\n", []string{"#define __kprobes\n"}, 0},
		{"kernel type", "static pte_t pte;\nstatic __vector128 v;\n", []string{"typedef int pte_t;\n", "typedef int __vector128;\n"}, 0},
		{
			"iterator", "struct node { struct node *next; };\nint count(struct node *h)\n{\n\tint n = 0;\n\tstruct node *p;\n\n\tlist_for_each(p, h) {\n\t\tn++;\n\t}\n\treturn n;\n}\n",
			[]string{"#define list_for_each(...) for (;;)\n"},
			0,
		},
		{"type argument", "void f(int *p, void *ap)\n{\n\t*p = va_arg(ap, unsigned int);\n}\n", []string{"#define va_arg(...) 0\n"}, 0},
		{"no semicolon at file scope", "static int init(void) { return 0; }\ndevice_initcall(init)\n", []string{"#define device_initcall(...) \n"}, 0},
		{"section before initializer", "static int x __section(\".data\") = 1;\n", []string{"#define __section(...) \n"}, 0},
		{"string macro in asm", "void f(void)\n{\n\tasm volatile(\"0: nop\\n\"\n\t\t     EX_TABLE(0b, 0b)\n\t\t     : : : \"memory\");\n}\n", []string{"#define EX_TABLE(...) \"\"\n"}, 0},
		{"typo in a call", "void f(int a, int b)\n{\n\tmemcpy(a b, 4);\n}\n", nil, 3},
		{"typo between names", "int f(int a)\n{\n\tint ret;\n\tret foo(a);\n\treturn ret;\n}\n", nil, 4},
		{"missing semicolon after a call", "void f(int a)\n{\n\tmemset(&a, 0, 4)\n\ta = 1;\n}\n", nil, 4},
		{"typo in a call of the file's function", "static void g(int a, int b) { }\nvoid f(int a)\n{\n\tg(a a);\n}\n", nil, 4},
		{"EMIT names are never guessed", "void f(int a)\n{\n\tEMIT4(a a);\n}\n", nil, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := cparse.Parse("g.c", []byte(tc.src), cparse.Options{})
			if tc.want == nil {
				var pe *cparse.Error
				if err == nil || !errors.As(err, &pe) || pe.Line != tc.errLine {
					t.Fatalf("got %v, want an error on line %d", err, tc.errLine)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want a parse", err)
			}
			if !slices.Equal(f.Guessed, tc.want) {
				t.Errorf("got guesses %q, want %q", f.Guessed, tc.want)
			}
		})
	}
}

// TestPredefinedMacros checks that the hermetic parse and the file-mode
// translation unit see the macros s390x-linux-gnu-gcc predefines under the
// kernel's flags (one predefined-macro file): an optimizing, big-endian
// s390x compiler with 8-byte biggest alignment and unsigned char.
func TestPredefinedMacros(t *testing.T) {
	const src = "#include \"h.h\"\n" +
		"#if defined(__s390x__) && __BIGGEST_ALIGNMENT__ == 8 && defined(__OPTIMIZE__) && !defined(__NO_INLINE__) && \\\n" +
		"    __CHAR_UNSIGNED__ && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__\n" +
		"int kernel_flags(void) { return 0; }\n" +
		"#else\n" +
		"int other_flags(void) { return 0; }\n" +
		"#endif\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "h.h"), []byte("int h(void);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []cparse.Options{{}, {IncludeDirs: []string{dir}}} {
		f, err := cparse.Parse(filepath.Join(dir, "p.c"), []byte(src), opts)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, fn := range f.Funcs {
			names = append(names, fn.Name)
		}
		if !slices.Equal(names, []string{"kernel_flags"}) {
			t.Errorf("-I %v: functions %v, want [kernel_flags]", opts.IncludeDirs, names)
		}
		if len(opts.IncludeDirs) > 0 {
			if f.TU == nil {
				t.Fatalf("-I given: no translation unit (%v)", f.TUErr)
			}
			var decls []string
			for _, d := range f.TU.Decls {
				decls = append(decls, d.Name)
			}
			if !slices.Equal(decls, []string{"kernel_flags"}) {
				t.Errorf("translation unit declarations %v, want [kernel_flags]", decls)
			}
		}
	}
}
