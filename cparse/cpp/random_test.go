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

// genExpr writes a random #if expression of the given depth.
func genExpr(r *rand.Rand, depth int) string {
	atoms := []string{
		"0", "1", "2", "7", "-1", "0x7fffffffffffffff", "0xffffffffffffffff", "18446744073709551615u",
		"3u", "0u", "'a'", "'\\377'", "'\\n'", "L'x'", "010", "0b101", "100000", "A", "B", "UNDEF", "defined A",
		"defined(UNDEF)", "__LINE__", "F(3)", "-9223372036854775807", "(-9223372036854775807 - 1)",
	}
	if depth == 0 {
		return atoms[r.IntN(len(atoms))]
	}
	a, b := genExpr(r, depth-1), genExpr(r, depth-1)
	switch r.IntN(12) {
	case 0:
		return "(" + a + ")"
	case 1:
		return []string{"-", "~", "!", "+"}[r.IntN(4)] + "(" + a + ")"
	case 2:
		return "(" + a + " ? " + b + " : " + genExpr(r, depth-1) + ")"
	case 3:
		return "(" + a + ") / " + []string{"3", "-2", "7u", "1"}[r.IntN(4)]
	case 4:
		return "(" + a + ") % " + []string{"3", "-2", "7u", "5"}[r.IntN(4)]
	case 5:
		return "(" + a + ") " + []string{"<<", ">>"}[r.IntN(2)] + " " + []string{"1", "3", "63", "0"}[r.IntN(4)]
	default:
		ops := []string{"+", "-", "*", "<", ">", "<=", ">=", "==", "!=", "&", "^", "|", "&&", "||"}
		return a + " " + ops[r.IntN(len(ops))] + " " + b
	}
}

// TestRandomIfAgainstGCC compares random #if expressions with host gcc.
func TestRandomIfAgainstGCC(t *testing.T) {
	gcc := hostGCC(t)
	n, seed := 40, uint64(3)
	if v := os.Getenv("CPP_RANDOM"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &n, &seed); err != nil {
			t.Fatalf("CPP_RANDOM=%q: want N,SEED", v)
		}
	}
	r := rand.New(rand.NewPCG(seed, 5))
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		var b strings.Builder
		b.WriteString("#define A 5\n#define B (A * 2u)\n#define F(x) (x + 1)\n")
		for k := 0; k < 25; k++ {
			fmt.Fprintf(&b, "#if %s\nt%d\n#else\nf%d\n#endif\n", genExpr(r, 1+r.IntN(3)), k, k)
		}
		file := filepath.Join(dir, fmt.Sprint(i)+".txtar")
		if err := os.WriteFile(file, []byte("random #if\n-- main.c --\n"+b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			compareFixture(t, gcc, file)
			if t.Failed() {
				t.Logf("program:\n%s", b.String())
			}
		})
	}
}
