package cpp

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genMacros writes a random program of macro definitions and invocations
// (object-like, function-like, variadic, #, ##, __VA_OPT__, comma elision).
func genMacros(r *rand.Rand) string {
	var b strings.Builder
	objs := []string{"o0", "o1", "o2"}
	fns := []string{"f0", "f1", "f2", "f3"}
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	ids := []string{"x", "y", "1", "+", "-", "o0", "o1", "o2", "f0", "f1", "f2", "f3", "(", ")", ",", "(", ")"}
	for _, o := range objs {
		fmt.Fprintf(&b, "#define %s", o)
		for n := r.IntN(4); n > 0; n-- {
			b.WriteString(" " + pick(ids))
		}
		b.WriteString("\n")
	}
	for _, f := range fns {
		params := []string{"a", "b", "c"}[:r.IntN(3)]
		variadic := r.IntN(3)
		var plist []string
		plist = append(plist, params...)
		va := ""
		switch variadic {
		case 1:
			plist = append(plist, "...")
			va = "__VA_ARGS__"
		case 2:
			plist = append(plist, "rest...")
			va = "rest"
		}
		fmt.Fprintf(&b, "#define %s(%s)", f, strings.Join(plist, ", "))
		operands := append([]string{"x", "y", "1"}, params...)
		if va != "" {
			operands = append(operands, va)
		}
		for n := r.IntN(6); n > 0; n-- {
			switch k := r.IntN(10); {
			case k < 3:
				b.WriteString(" " + pick(operands))
			case k == 3 && len(params) > 0:
				b.WriteString(" #" + pick(params))
			case k == 4:
				b.WriteString(" " + pick(operands) + " ## " + pick(operands))
			case k == 5 && va != "":
				b.WriteString(" , ## " + va)
			case k == 6 && va == "__VA_ARGS__":
				b.WriteString(" __VA_OPT__(" + pick(operands) + " ,)")
			default:
				b.WriteString(" " + pick(ids))
			}
		}
		b.WriteString("\n")
	}
	calls := append([]string{"x", "y", "(", ")", ",", "( )", "(x)", "(x, y)", "(,)", "(1, 2, 3)"}, append(objs, fns...)...)
	for line := 0; line < 4; line++ {
		for n := 1 + r.IntN(8); n > 0; n-- {
			b.WriteString(pick(calls) + " ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRandomMacrosAgainstGCC compares random macro programs (a fixed seed,
// so the run is reproducible) with host gcc -E: equal tokens, or equal
// first errors.
func TestRandomMacrosAgainstGCC(t *testing.T) {
	gcc := hostGCC(t)
	n := 150
	if testing.Short() {
		n = 20
	}
	seed := uint64(1)
	// CPP_RANDOM=N,SEED runs N programs from another seed, for sweeps by hand.
	if v := os.Getenv("CPP_RANDOM"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &n, &seed); err != nil {
			t.Fatalf("CPP_RANDOM=%q: want N,SEED", v)
		}
	}
	r := rand.New(rand.NewPCG(seed, 2))
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		src := genMacros(r)
		sub := filepath.Join(dir, fmt.Sprint(i))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		ar := "random program\n-- main.c --\n" + src
		file := filepath.Join(sub, "p.txtar")
		if err := os.WriteFile(file, []byte(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			compareFixture(t, gcc, file)
			if t.Failed() {
				t.Logf("program:\n%s", src)
			}
		})
	}
}
