package macroexp

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// macroDefs are #defines written for these tests (not kernel source):
// nesting, a statement expression, GNU named variadics with comma elision,
// stringizing, pasting, a multi-line definition with a comment,
// self-reference and a directive with blanks around '#'.
const macroDefs = `#define W 4
#define ADD(a, b) ((a) + (b))
#define TWICE(x) ADD(x, x)
#define STORE(p, v) ({ if (p) *(p) = (v); W; })
#define CALL(f, args...) f(0, ## args)
#define NAME(x) #x
#define GLUE(a, b) a ## b
#define LONG(x)	/* a comment */	\
	(ADD((x), W) *	\
	 TWICE(x))
#define SELF SELF + 1
#define F(x) F(x) + G(x)
#define G(x) F(x)
  #  define SPACED(x) ((x) - 1)
`

// TestExpandMatchesGCC expands invocations with the file's own macros
// through cparse/cpp and compares the tokens with gcc -E on the same
// definitions and invocation.
func TestExpandMatchesGCC(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	calls := []string{
		"TWICE(1)",
		"STORE(jit->prg_buf, TWICE(W))",
		"CALL(f)",
		"CALL(f, 1, 2)",
		"CALL(f, )",
		"NAME(a  +  \"b\")",
		"GLUE(EMIT, 4)(1)",
		"LONG(3)",
		"ADD(SELF, 1)",
		"F(1)",
		"G(2)",
		"SPACED(W)",
		"ADD((1, 2), /* comment */ 3)",
		"ADD(1,\n\t2)",
	}
	f := parseMacros(t, macroDefs)
	mt := NewTable(FileDefs(f))
	dir := t.TempDir()
	for _, call := range calls {
		t.Run(call, func(t *testing.T) {
			got, err := mt.Expand("t.c", call, 100, 5)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "t.c")
			if err := os.WriteFile(path, []byte(macroDefs+call+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(gcc, "-E", "-P", "-undef", "-nostdinc", path).CombinedOutput()
			if err != nil {
				t.Fatalf("gcc: %v\n%s", err, out)
			}
			want, err := spell(string(out))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("got %q, want %q (gcc)", got, want)
			}
		})
	}
}

// TestExpandLastDefinition checks that a name defined twice expands by its
// last definition in the file, as the hermetic parse's macro table has it.
func TestExpandLastDefinition(t *testing.T) {
	f := parseMacros(t, "#define K 1\n#define USE(x) ((x) + K)\n#define K 2\n")
	got, err := NewTable(FileDefs(f)).Expand("t.c", "USE(0)", 9, 1)
	if want := "( ( 0 ) + 2 )"; err != nil || got != want {
		t.Errorf("got %q, %v, want %q", got, err, want)
	}
}

// TestExpandUnreached checks that only the definitions an invocation can
// reach are preprocessed: a bad #define elsewhere in the file does not
// stop it.
func TestExpandUnreached(t *testing.T) {
	f := parseMacros(t, "#define EMIT_BAD(a, a) #b\n#define ONE 1\n#define USE(x) ((x) + ONE)\n")
	got, err := NewTable(FileDefs(f)).Expand("t.c", "USE(2)", 9, 1)
	if want := "( ( 2 ) + 1 )"; err != nil || got != want {
		t.Errorf("got %q, %v, want %q", got, err, want)
	}
	if _, err := NewTable(FileDefs(f)).Expand("t.c", "EMIT_BAD(1, 2)", 9, 1); err == nil {
		t.Errorf("got no error for EMIT_BAD, want one")
	}
}

// TestExpandErrors checks that a bad invocation gives one line naming the
// file and the place in it, gcc's first error on the same unit.
func TestExpandErrors(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	f := parseMacros(t, macroDefs)
	mt := NewTable(FileDefs(f))
	dir := t.TempDir()
	for _, call := range []string{"ADD(1)", "ADD()", "ADD(1, 2, 3)", "ADD(1, (2)"} {
		_, err := mt.Expand("t.c", call, 40, 7)
		var ce *cpp.Error
		if !errors.As(err, &ce) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "t.c:40:") {
			t.Errorf("%s: got %v, want one line at t.c:40", call, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "t.c"), []byte(mt.Unit(call, 40, 7)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(gcc, "-E", "-undef", "-nostdinc", "t.c")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		want := ""
		for l := range strings.SplitSeq(string(out), "\n") {
			if strings.Contains(l, "error:") {
				want = l
				break
			}
		}
		if err.Error() != want {
			t.Errorf("%s: got %q, want %q (gcc)", call, err, want)
		}
	}
}

// TestDirectiveText checks that each #define is read as written, and
// rebuilt from its fields when the directive is not on the name's line.
func TestDirectiveText(t *testing.T) {
	f := parseMacros(t, macroDefs)
	for _, m := range f.Macros {
		got := directiveText(f, &m)
		if !strings.Contains(macroDefs, got+"\n") || !strings.Contains(got, "define") {
			t.Errorf("%s: got %q, want a line of the definitions", m.Name, got)
		}
	}
	m := cparse.Macro{Name: "R", Params: []string{"a", "b..."}, FnLike: true, Body: "(a)\n+ b", Pos: cparse.Pos{Line: 1, Offset: 99}, EndLine: 1}
	if got, want := directiveText(f, &m), "#define R(a, b...) (a)\\\n+ b"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func parseMacros(t *testing.T, src string) *cparse.File {
	t.Helper()
	f, err := cparse.Parse("t.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// spell returns the tokens of C text (no directives, no macros) spelled
// with single spaces, as expand returns them.
func spell(text string) (string, error) {
	u, err := cpp.Preprocess(&cpp.Config{Read: func(string) ([]byte, error) { return []byte(text), nil }}, "gcc.i")
	if err != nil {
		return "", err
	}
	var s []string
	for _, tok := range u.Tokens {
		s = append(s, tok.Text)
	}
	return strings.Join(s, " "), nil
}

// BenchmarkExpandCold expands the function-like macros of the real JIT
// file applied to placeholder arguments one at a time, with the cache
// emptied first: the preprocessor's cost per expansion (ns/op is per
// macro).
func BenchmarkExpandCold(b *testing.B) {
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(b), cparse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	t := NewTable(FileDefs(f))
	calls := jitCalls(f)
	i := 0
	for b.Loop() {
		if i%len(calls) == 0 {
			clearCache()
		}
		if _, err := t.Expand(ktree.JITFile, calls[i%len(calls)].Text, 1, 1); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestPrefetch checks that expanding sites together gives what expanding
// each alone gives, on the fixture's macros and on every function-like
// macro of the real JIT file, and that a bad site among them leaves each
// site to report its own error.
func TestPrefetch(t *testing.T) {
	var sites []Site
	for i, call := range []string{"TWICE(1)", "CALL(f)", "NAME(a + \"b\")", "GLUE(EMIT, 4)(1)", "LONG(3)", "F(1)", "SELF"} {
		sites = append(sites, Site{Text: call, Line: 30 + i, Col: 2})
	}
	comparePrefetch(t, "t.c", NewTable(FileDefs(parseMacros(t, macroDefs))), sites)
	t.Run("bad site", func(t *testing.T) {
		mt := NewTable(FileDefs(parseMacros(t, macroDefs)))
		clearCache()
		mt.Prefetch("t.c", append(sites[:2:2], Site{Text: "ADD(1)", Line: 40, Col: 1}))
		if _, err := mt.Expand("t.c", "ADD(1)", 40, 1); err == nil || !strings.HasPrefix(err.Error(), "t.c:40:") {
			t.Errorf("got %v, want an error at t.c:40", err)
		}
	})
	t.Run(ktree.JITFile, func(t *testing.T) {
		f, err := cparse.Parse(ktree.JITFile, ktree.JIT(t), cparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		comparePrefetch(t, ktree.JITFile, NewTable(FileDefs(f)), jitCalls(f))
	})
}

func comparePrefetch(t *testing.T, file string, mt *Table, sites []Site) {
	t.Helper()
	clearCache()
	want := make([]string, len(sites))
	for i, s := range sites {
		var err error
		if want[i], err = mt.Expand(file, s.Text, s.Line, s.Col); err != nil {
			t.Fatal(err)
		}
	}
	clearCache()
	mt.Prefetch(file, sites)
	if got := len(cache.m); got < len(sites) {
		t.Errorf("got %d expansions cached, want %d", got, len(sites))
	}
	for i, s := range sites {
		if got, err := mt.Expand(file, s.Text, s.Line, s.Col); err != nil || got != want[i] {
			t.Errorf("%s: got %q, %v, want %q", s.Text, got, err, want[i])
		}
	}
}

func clearCache() {
	cache.Lock()
	clear(cache.m)
	cache.Unlock()
}

// jitCalls applies every function-like macro of f to placeholder
// arguments.
func jitCalls(f *cparse.File) []Site {
	var sites []Site
	for _, m := range f.Macros {
		if m.FnLike {
			args := make([]string, len(m.Params))
			for i := range args {
				args[i] = fmt.Sprintf("a%d", i)
			}
			sites = append(sites, Site{Text: m.Name + "(" + strings.Join(args, ", ") + ")", Line: 1, Col: 1})
		}
	}
	return sites
}

// BenchmarkPrefetchCold expands every function-like macro of the real JIT
// file in one run (Prefetch) with the cache emptied first: ns/op is for
// all of them.
func BenchmarkPrefetchCold(b *testing.B) {
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(b), cparse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	t := NewTable(FileDefs(f))
	calls := jitCalls(f)
	for b.Loop() {
		clearCache()
		t.Prefetch(ktree.JITFile, calls)
	}
}
