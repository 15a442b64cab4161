package cexpr_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestMacrosDifferential runs the three checks that evaluate with cexpr
// (emitmacro, asmcomment, fieldoverflow) over the real JIT file and the
// fixtures of each, once with macros expanded by the preprocessor
// (cparse/cpp through cparse/macroexp) and once by the expander cexpr had
// before, and compares every evaluation (the expression, its value and
// type, or that it failed and whether for an unknown value) and every
// finding.
func TestMacrosDifferential(t *testing.T) {
	total := differential(t, "old expander", func(t *testing.T, name string, src []byte) (old, cur []string) {
		return evaluations(t, name, src, true), evaluations(t, name, src, false)
	})
	t.Logf("%d evaluations compared", total)
}

// TestValuesDifferential runs the three checks that evaluate with cexpr
// over the real JIT file and the fixtures of each, once with the integer
// rules cexpr had before the value model (kept in oldvalue_test.go) and
// once with the model (cparse/cvalue), and compares every evaluation (the
// expression, its value and type, or that it failed) and every finding; in
// the first run every conversion and operator is also done by the model and
// must give the same value, type and error.
func TestValuesDifferential(t *testing.T) {
	ops := 0
	evals := differential(t, "old rules", func(t *testing.T, name string, src []byte) (old, cur []string) {
		var diffs []string
		cexpr.UseOldValues(true, func(op, old, cur string) {
			ops++
			if old != cur && len(diffs) < 10 {
				diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s (old rules)", op, cur, old))
			}
		})
		old = evaluations(t, name, src, false)
		cexpr.UseOldValues(false, nil)
		for _, d := range diffs {
			t.Error(d)
		}
		return old, evaluations(t, name, src, false)
	})
	t.Logf("%d operations and %d evaluations compared", ops, evals)
	if ops == 0 {
		t.Fatal("got no operations, want some")
	}
}

// differential runs each fixture and the real JIT file, and
// compares the lines of the oracle's run (old) with the current run's one
// by one; it returns how many it compared.
func differential(t *testing.T, oracle string, runs func(t *testing.T, name string, src []byte) (old, cur []string)) int {
	total := 0
	compare := func(t *testing.T, name string, src []byte) {
		old, cur := runs(t, name, src)
		total += len(cur)
		if len(old) == 0 {
			t.Fatalf("got no evaluations, want some")
		}
		for i := range max(len(old), len(cur)) {
			var o, c string
			if i < len(old) {
				o = old[i]
			}
			if i < len(cur) {
				c = cur[i]
			}
			if o != c {
				t.Fatalf("evaluation %d of %d: got %s, want %s (%s)", i, len(old), c, o, oracle)
			}
		}
	}
	for name, src := range fixtures(t) {
		t.Run(name, func(t *testing.T) { compare(t, name, src) })
	}
	t.Run(ktree.JITFile, func(t *testing.T) { compare(t, ktree.JITFile, ktree.JIT(t)) })
	return total
}

// fixtures returns the C fixtures of the three checks that evaluate with
// cexpr, by name.
func fixtures(t *testing.T) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{}
	for _, dir := range []string{"emitmacro", "asmcomment", "fieldoverflow"} {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", dir, "*.c"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no fixtures in testdata/%s (err %v)", dir, err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs[filepath.Join(dir, filepath.Base(p))] = src
		}
	}
	return inputs
}

// evaluations runs the checks over the file and returns what each
// evaluation gave, then each finding, one line each.
func evaluations(t *testing.T, name string, src []byte, oldMacros bool) []string {
	t.Helper()
	f, err := cparse.Parse(name, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	cexpr.SetTrace(func(n cexpr.Node, v cexpr.Value, err error) {
		if err != nil {
			out = append(out, fmt.Sprintf("%s fails (unknown %v)", cexpr.Format(n), errors.Is(err, cexpr.ErrUnknown)))
			return
		}
		out = append(out, fmt.Sprintf("%s = %#x %d-bit signed %v", cexpr.Format(n), v.Bits, v.T.Bits, v.T.Signed))
	})
	cexpr.UseOldMacros(oldMacros)
	defer func() {
		cexpr.SetTrace(nil)
		cexpr.UseOldMacros(false)
	}()
	for _, fd := range emitmacro.Check(f) {
		out = append(out, fmt.Sprintf("emitmacro finding %+v", fd))
	}
	for _, fd := range asmcomment.Check(f) {
		out = append(out, fmt.Sprintf("asmcomment finding %+v", fd))
	}
	for _, fd := range fieldoverflow.Check(f) {
		out = append(out, fmt.Sprintf("fieldoverflow finding %+v", fd))
	}
	return out
}
