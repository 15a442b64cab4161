package gccharness

import (
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/emu/internal/qemutest"
)

// Require returns the cross tools, or skips tb when one is missing
// (fails it instead when TRAMPCHECK_REQUIRE_QEMU=1, as in CI).
func Require(tb testing.TB) Tools {
	tb.Helper()
	const against = "GCC"
	return Tools{
		GCC:  qemutest.Tool(tb, "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu", against),
		QEMU: qemutest.Tool(tb, "qemu-s390x", "qemu-user", against),
		NM:   qemutest.Tool(tb, "s390x-linux-gnu-nm", "binutils-s390x-linux-gnu", against),
	}
}

// Compare is the test of a set of trampolines: codes[k] is case k's
// trampoline, generated for h.Config(k) (every case must have bytes).
// Run under qemu-s390x in the gcc-compiled harness and on the emulator,
// every case must print the same lines on both machines and keep
// Contract on GCC's. Then, so that the comparison is seen to fail, the
// argument save (BreakArgSave) of the first CALL_ORIG case with two or
// more arguments is broken: the two machines must differ on that case.
// It returns the number of cases compared.
func Compare(t *testing.T, h *Harness, codes [][]byte) int {
	t.Helper()
	broken := -1
	var bad []byte
	for k, c := range h.Cases {
		if len(codes[k]) == 0 {
			t.Fatalf("case %d (%s): no code", k, c.Describe())
		}
		if broken < 0 && c.Kind == CallOrig && len(c.Args) >= 2 {
			if b, ok := BreakArgSave(codes[k], h.Config(k).Image); ok {
				broken, bad = k, b
			}
		}
	}
	if broken < 0 {
		t.Fatal("no trampoline has an argument save to break")
	}
	for _, run := range []string{"as generated", "one broken"} {
		in := codes
		if run == "one broken" {
			in = append([][]byte(nil), codes...)
			in[broken] = bad
		}
		gcc, emu, err := h.Observe(in)
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range h.Cases {
			same := strings.Join(gcc[k], "\n") == strings.Join(emu[k], "\n")
			if run == "one broken" {
				if k == broken && same {
					t.Errorf("%s: case %d: both machines observe the same with a broken trampoline:\n  %s", run, k, strings.Join(emu[k], "\n  "))
				}
				continue
			}
			if !same {
				t.Errorf("%s: case %d %s: GCC and qemu observe\n  %s\nthe emulator\n  %s", run, k, c.Describe(),
					strings.Join(gcc[k], "\n  "), strings.Join(emu[k], "\n  "))
			}
			if msg := h.Contract(k, gcc[k]); msg != "" {
				t.Errorf("%s: case %d %s: GCC observes\n  %s\n%s", run, k, c.Describe(), strings.Join(gcc[k], "\n  "), msg)
			}
		}
	}
	return len(h.Cases)
}
