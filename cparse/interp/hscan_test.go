package interp

import (
	"slices"
	"strings"
	"testing"
)

// TestHeaderScanner checks what the header scanner finds in a small
// header: each name's definitions with their lines, wrappers and what
// they need.
func TestHeaderScanner(t *testing.T) {
	src := `#ifndef GUARD_H
#define GUARD_H
/* a comment with struct fake { int x; }; */
#define ONE 1 /* one */
#define ADD(a, b) \
	((a) + (b) + ONE)
#ifdef CONFIG_A
#define TWO 2
#elif defined(CONFIG_B)
#define TWO 3
#else
#define TWO 4
#endif
typedef struct node node_t;
typedef void (*cb_t)(struct node *n, int k);
typedef unsigned long arr_t[TWO];
struct node {
	node_t *next;
	struct pair p;
	struct other *o;
	const struct qual __rcu *q;
	enum color c;
	cb_t cb;
} __attribute__((aligned(sizeof(long))));
enum color { RED, GREEN = ADD(1, 2), BLUE };
enum { ANON_A, ANON_B };
static inline int f(struct node *n)
{
	struct inner { int x; } y;
	return n->p.x;
}
struct var { int v; } var_instance = { 1 };
#endif
`
	ix := newHindex()
	if err := ix.scanHeader("h.h", []byte(src)); err != nil {
		t.Fatal(err)
	}
	lineOf := func(text string) int {
		for i, l := range strings.Split(src, "\n") {
			if strings.Contains(l, text) {
				return i + 1
			}
		}
		t.Fatalf("no line %q", text)
		return 0
	}
	tests := []struct {
		m       map[string][]*cdef
		name    string
		lines   []int
		wraps   []int // groups around each definition
		deps    []string
		tagDeps []string
	}{
		{ix.macros, "ONE", []int{lineOf("#define ONE")}, []int{1}, nil, nil},
		{ix.macros, "ADD", []int{lineOf("#define ADD")}, []int{1}, []string{"ONE"}, nil},
		{ix.macros, "TWO", []int{lineOf("#define TWO 2"), lineOf("#define TWO 3"), lineOf("#define TWO 4")}, []int{2, 2, 2}, nil, nil},
		{ix.typedefs, "node_t", []int{lineOf("typedef struct node node_t")}, []int{1}, []string{"node_t"}, nil},
		{ix.typedefs, "cb_t", []int{lineOf("typedef void (*cb_t)")}, []int{1}, []string{"void", "cb_t", "n", "int", "k"}, nil},
		{ix.typedefs, "arr_t", []int{lineOf("arr_t[TWO]")}, []int{1}, []string{"unsigned", "long", "arr_t", "TWO"}, nil},
		{
			ix.tags, "struct node",
			[]int{lineOf("struct node {")},
			[]int{1},
			[]string{"node_t", "next", "p", "const", "__rcu", "q", "c", "cb_t", "cb", "__attribute__", "aligned", "sizeof", "long", "o"},
			[]string{"struct pair", "enum color"},
		},
		{ix.tags, "enum color", []int{lineOf("enum color {")}, []int{1}, []string{"RED", "GREEN", "ADD", "BLUE"}, nil},
		{ix.enumerators, "GREEN", []int{lineOf("enum color {")}, []int{1}, nil, nil},
		{ix.enumerators, "ANON_B", []int{lineOf("enum { ANON_A")}, []int{1}, nil, nil},
		{ix.tags, "struct var", []int{lineOf("struct var {")}, []int{1}, []string{"int", "v"}, nil},
		{ix.tags, "struct fake", nil, nil, nil, nil},
		{ix.tags, "struct inner", nil, nil, nil, nil},
	}
	for _, tt := range tests {
		ds := tt.m[tt.name]
		if len(ds) != len(tt.lines) {
			t.Errorf("%s: got %d definitions, want %d", tt.name, len(ds), len(tt.lines))
			continue
		}
		for i, d := range ds {
			if d.line != tt.lines[i] || len(d.wrap) != tt.wraps[i] {
				t.Errorf("%s #%d: got line %d in %d groups, want line %d in %d", tt.name, i, d.line, len(d.wrap), tt.lines[i], tt.wraps[i])
			}
		}
		if tt.deps != nil {
			got := slices.Clone(ds[0].deps)
			slices.Sort(got)
			want := slices.Clone(tt.deps)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: got deps %v, want %v", tt.name, got, want)
			}
		}
		if len(ds) > 0 && !slices.Equal(ds[0].tagDeps, tt.tagDeps) && (len(ds[0].tagDeps) > 0 || len(tt.tagDeps) > 0) {
			t.Errorf("%s: got tag deps %v, want %v", tt.name, ds[0].tagDeps, tt.tagDeps)
		}
	}
	// The struct keeps its attribute, the variable loses its declarator.
	if d := ix.tags["struct node"][0]; !strings.HasSuffix(d.text, "__attribute__((aligned(sizeof(long))));") {
		t.Errorf("struct node ends %q", d.text[len(d.text)-30:])
	}
	if d := ix.tags["struct var"][0]; d.text != "struct var { int v; };" {
		t.Errorf("struct var is %q", d.text)
	}
	// The #elif group is emitted with its earlier branch.
	if w := ix.macros["TWO"][1].wrap; len(w) != 2 || !slices.Equal(w[1], []string{"#ifdef CONFIG_A", "#elif defined(CONFIG_B)"}) {
		t.Errorf("TWO #2: got wrap %q", w)
	}
}

// TestHeaderScannerOpenComment: a header that leaves a comment open is an
// error naming the header, line and column of the comment.
func TestHeaderScannerOpenComment(t *testing.T) {
	err := newHindex().scanHeader("h.h", []byte("#define A 1\nint x; /* open\n"))
	if want := "h.h:2:8: error: unterminated comment"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
