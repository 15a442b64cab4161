package ctype_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
)

// check preprocesses src and runs Check over its function bodies, found
// here as "IDENT ( ... ) {" at file scope; it returns "LINE:COL: MSG".
func check(t *testing.T, src string) []string {
	t.Helper()
	unit, err := cpp.Preprocess(&cpp.Config{Read: func(string) ([]byte, error) { return []byte(src), nil }}, "a.c")
	if err != nil {
		t.Fatal(err)
	}
	toks := unit.Tokens
	var bodies []ctype.Body
	depth := 0
	for i := 0; i < len(toks); i++ {
		switch toks[i].Text {
		case "{":
			if depth == 0 && i > 0 && toks[i-1].Text == ")" {
				params, d := i-1, 0
				for ; params >= 0; params-- {
					if toks[params].Text == ")" {
						d++
					} else if toks[params].Text == "(" {
						d--
						if d == 0 {
							break
						}
					}
				}
				close, d := i, 0
				for ; close < len(toks); close++ {
					if toks[close].Text == "{" {
						d++
					} else if toks[close].Text == "}" {
						d--
						if d == 0 {
							break
						}
					}
				}
				bodies = append(bodies, ctype.Body{Params: params, Open: i, Close: close})
				i = close
				continue
			}
			depth++
		case "}":
			depth--
		}
	}
	var out []string
	for _, d := range ctype.Check(ctype.Slice(toks), bodies, func(name string) bool { return name == "node_t" }) {
		p := toks[d.Index].Pos
		out = append(out, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, d.Msg))
	}
	return out
}

// TestSilent: forms the resolver cannot decide give nothing, though some
// of them are errors for GCC.
func TestSilent(t *testing.T) {
	for _, src := range []string{
		// x declared with typeof: unknown.
		"struct s { int a; };\nint f(struct s *p) { typeof(p) x = p; return x->zz; }\n",
		// x declared twice with different types.
		"struct s { int a; };\nstruct t { int b; };\nint f(struct s *x) { { struct t *x = 0; return x->b; } return x->zz; }\n",
		// A typedef'd type: GCC prints an aka text.
		"typedef struct s { int a; } node_t;\nint f(node_t *x) { return x->zz; }\n",
		// A file-scope variable.
		"struct s { int a; } *g;\nint f(void) { return g->zz; }\n",
		// A tag defined inside a function.
		"struct s { int a; };\nint f(void) { struct s { int zz; } v = { 1 }; struct s *p = &v; return p->zz; }\n",
		// A function call's result and a cast of another form.
		"struct s { int a; };\nstruct s *get(void);\nint f(void *v) { return get()->zz + ((struct s *)v + 1)->zz; }\n",
		// A member close to the wanted one: GCC adds a suggestion.
		"struct s { int frame_off; };\nint f(struct s *p) { return p->frame_of; }\n",
		// A comma list in a for statement's parentheses.
		"struct s { int a; };\nint f(void) { int n = 0; for (struct s *p = 0, *q = p; q; ) n += q->zz; return n; }\n",
		// Undeclared candidates: labels, members, designators, asm
		// operands, local enumerators, attributes, declarations.
		"struct s { int a; };\nint f(void) { enum { E1 } e = E1; struct s v = { .a = 1 }; int nv = v.a;\n" +
			"asm volatile(\"\" : [op] \"+d\" (nv)); goto out; out: return nv + e + __func__[0]; }\n",
		// Names declared at file scope through a parenthesised declarator,
		// an enumerator list inside a member list, a function-pointer
		// declarator after a parameter list's names.
		"void (*hook)(int off);\nstruct s { enum { EA, EB } k; int (*cb)(int r1); };\nint (r1);\nint f(void) { return EB + r1 + (hook != 0); }\n",
		// A name that a cast or multiplication may declare.
		"struct s { int a; };\ntypedef int T;\nint f(struct s *p) { { T(*p); } return p->zz; }\n",
		"struct s { int a; };\nint f(struct s *p) { { typeof(0) *p; } return p->zz; }\n",
		// An array of an incomplete struct: GCC's error is at the declaration.
		"struct s;\nint f(void) { struct s a[2]; return a[0].zz; }\n",
	} {
		if got := check(t, src); len(got) > 0 {
			t.Errorf("%s: got %q, want nothing", src, got)
		}
	}
}

// TestReports: the forms it decides (the messages are GCC 12's, see the
// host gcc fixtures testdata/builderrors/bad_member.c).
func TestReports(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"struct s { int a; };\nint f(struct s *p) { return p->zz; }\n", "2:30: 'struct s' has no member named 'zz'"},
		{"struct s { int a; };\nint f(struct s *p) { struct s v = *p; return v.zz; }\n", "2:47: 'struct s' has no member named 'zz'"},
		{"struct s;\nint f(struct s *p) { return p->a; }\n", "2:30: invalid use of undefined type 'struct s'"},
		{
			"union u { int a; };\nint f(void) { return sizeof(union v) + __builtin_offsetof(union u, zz); }\n",
			"2:29: invalid application of 'sizeof' to incomplete type 'union v'|2:40: 'union u' has no member named 'zz'",
		},
		{"int f(int n) { return n + b1; }\nint g(void) { return b1; }\n", "1:27: 'b1' undeclared (first use in this function)|2:22: 'b1' undeclared (first use in this function)"},
		// A tag first declared in the parameter list is another type, as
		// incomplete as the one defined after the function.
		{"int f(struct s *p) { return p->zz; }\nstruct s { int a; };\n", "1:30: invalid use of undefined type 'struct s'"},
		{"int f(const struct t *q) { return sizeof(*q) + q->a; }\n", "1:41: invalid application of 'sizeof' to incomplete type 'const struct t'|1:49: invalid use of undefined type 'const struct t'"},
		// Uses that declare nothing: a dereference, sizeof, a cast.
		{"struct s { int a; };\nint f(struct s *p) { int v = sizeof(*p); struct s w = *p; v += (long)p; return v + p->zz + w.a; }\n", "2:85: 'struct s' has no member named 'zz'"},
		// Comma lists of declarators.
		{"struct s { int a; };\nint f(struct s *p) { const struct s *q = p, *r, v = *p; r = q; return r->zz + v.zz; }\n", "2:72: 'const struct s' has no member named 'zz'|2:80: 'const struct s' has no member named 'zz'"},
		{"struct s { int a; };\nint f(void) { struct s *p = 0, q; return q.zz + p->a; }\n", "2:43: 'struct s' has no member named 'zz'"},
		// Elements of arrays and pointers.
		{"struct s { int a; };\nint f(struct s *p) { struct s a[2][3]; return p[1].zz + a[0][1].zz; }\n", "2:51: 'struct s' has no member named 'zz'|2:64: 'struct s' has no member named 'zz'"},
		// Names spelled before only in parameter lists, member lists,
		// initializers and attribute operands.
		{"struct s { int off; };\nint g(int off, int (*cb)(int r1));\nstruct s v = { .off = 1 };\nint f(int x) { return x + off + r1; }\n", "4:27: 'off' undeclared (first use in this function)|4:33: 'r1' undeclared (first use in this function)"},
		// At file scope, in initializers: the first use only, and no use
		// in a function after it.
		{
			"struct ops { int (*f)(void); int n; int m[2]; };\nstatic int g(void) { return 0; }\nconst struct ops a = { .f = gz, .n = NN, .m = { NN, 1 } };\n" +
				"const struct ops b = { .f = gz };\nint *p = &qq, q2 = sizeof(p);\nint f2(void) { return NN + q2 + g(); }\n",
			"3:29: 'gz' undeclared here (not in a function)|3:38: 'NN' undeclared here (not in a function)|5:11: 'qq' undeclared here (not in a function)",
		},
		{"#define M(p) (p)->zz\nstruct s { int a; };\nint f(struct s *p) { return M(p); }\n", "1:17: 'struct s' has no member named 'zz'"},
	} {
		if got := strings.Join(check(t, tc.src), "|"); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestDistance: the edit distances and cutoffs of GCC's spellcheck
// self-tests (pairs of names from its documentation, distances in
// single-cost edits).
func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"saturday", "sunday", 3},
		{"foo", "m_foo", 2},
		{"ab", "ba", 1},
		{"ba", "abc", 2},
		{"coorzd1", "coordz1", 1},
		{"signed", "singed", 1},
		{"assert", "sqrt", 3},
		{"", "abc", 3},
	} {
		if got := ctype.Distance(tc.a, tc.b); got != tc.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
	for _, tc := range []struct{ g, c, want int }{{1, 1, 0}, {3, 5, 2}, {8, 8, 2}, {4, 3, 1}, {2, 2, 1}} {
		if got := ctype.Cutoff(tc.g, tc.c); got != tc.want {
			t.Errorf("Cutoff(%d, %d) = %d, want %d", tc.g, tc.c, got, tc.want)
		}
	}
}

// TestFuncType: the spellings GCC 12 prints in "previous definition of
// 'f' with type '...'" (from gcc's own output on these definitions, also
// compared with gcc by testdata/builderrors/bad_redef_types.c), and no
// spelling for the forms the reader does not follow.
func TestFuncType(t *testing.T) {
	src := `typedef unsigned int __u32;
typedef __u32 u32;
typedef struct { int a; } anon_t;
typedef int (*fn_t)(int);
struct S;
int a1(int x, int y) { return 0; }
int *a2(int *x, int y, char z) { return 0; }
u32 a3(const u32 *p, unsigned long n, ...) { return 0; }
int b1(int (*fp)(int)) { return 0; }
int b2(anon_t *p) { return 0; }
int b3(fn_t f) { return 0; }
int b4(char *const p) { return 0; }
int b5(char *restrict p) { return 0; }
int b6(typeof(int) x) { return 0; }
int b7(a, b) int a, b; { return 0; }
int b8(int x) __attribute__((unused));
`
	unit, err := cpp.Preprocess(&cpp.Config{Read: func(string) ([]byte, error) { return []byte(src), nil }}, "a.c")
	if err != nil {
		t.Fatal(err)
	}
	toks := unit.Tokens
	for _, tc := range []struct{ name, typ, aka string }{
		{"a1", "int(int,  int)", "int(int,  int)"},
		{"a2", "int *(int *, int,  char)", "int *(int *, int,  char)"},
		{"a3", "u32(const u32 *, long unsigned int, ...)", "unsigned int(const unsigned int *, long unsigned int, ...)"},
		{"b1", "", ""},
		{"b2", "", ""},
		{"b3", "", ""},
		{"b4", "", ""},
		{"b5", "", ""},
		{"b6", "", ""},
		{"b7", "", ""},
		{"b8", "", ""},
	} {
		i := -1
		for k := range toks {
			if toks[k].Text == tc.name {
				i = k
				break
			}
		}
		if i < 0 {
			t.Fatalf("no %s", tc.name)
		}
		typ, aka, ok := ctype.FuncType(ctype.Slice(toks), i)
		if tc.typ == "" {
			if ok {
				t.Errorf("%s: got %q {aka %q}, want no spelling", tc.name, typ, aka)
			}
			continue
		}
		if !ok || typ != tc.typ || aka != tc.aka {
			t.Errorf("%s: got %q {aka %q} (ok %v), want %q {aka %q}", tc.name, typ, aka, ok, tc.typ, tc.aka)
		}
	}
}
