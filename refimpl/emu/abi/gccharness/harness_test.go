package gccharness

import (
	"math/rand/v2"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// TestTrampolinesGCC is the ground truth for the trampoline ABI with
// refimpl/tramp's trampolines (the 6.12 code, which trampxcheck keeps
// equal to the kernel file's generator; checks/trampexec's
// TestTrampolinesGCC runs the file's own generator output, and needs the
// kernel tree): the 79 cases of Cases (0-12 arguments and every structure
// size 1-16 in a register and on the stack, each as CALL_ORIG,
// RESTORE_REGS and struct_ops), compared by Compare: GCC and qemu against
// the emulator, GCC against the values, and with one trampoline broken.
// Skipped without the cross tools unless TRAMPCHECK_REQUIRE_QEMU=1;
// about 2-3 s.
func TestTrampolinesGCC(t *testing.T) {
	tools := Require(t)
	h, err := Build(tools, t.TempDir(), Cases(rand.New(rand.NewPCG(13, 5))))
	if err != nil {
		t.Fatal(err)
	}
	codes := make([][]byte, len(h.Cases))
	for k := range h.Cases {
		p, err := tramp.Generate(h.Config(k))
		if err != nil {
			t.Fatalf("case %d (%s): %v", k, h.Cases[k].Describe(), err)
		}
		codes[k] = p.Code
	}
	t.Logf("%d trampolines compared", Compare(t, h, codes))
}

// TestCases checks the signatures Cases promises: 0 to 12 arguments,
// every structure size 1-16 as the second and the seventh argument, and
// the three kinds (struct_ops only with a return value).
func TestCases(t *testing.T) {
	cs := Cases(rand.New(rand.NewPCG(13, 5)))
	nargs := map[int]bool{}
	inReg, onStack := map[int]bool{}, map[int]bool{}
	kinds := map[Kind]int{}
	for _, c := range cs {
		nargs[len(c.Args)] = true
		kinds[c.Kind]++
		if c.Kind == StructOps && c.Ret.Size == 0 {
			t.Errorf("%s: struct_ops without a return value", c.Describe())
		}
		if len(c.Args) == 7 && c.Args[1].Struct && c.Args[6].Struct && c.Args[1].Size == c.Args[6].Size {
			inReg[c.Args[1].Size], onStack[c.Args[6].Size] = true, true
		}
	}
	for n := 0; n <= 12; n++ {
		if !nargs[n] {
			t.Errorf("no case with %d arguments", n)
		}
	}
	for s := 1; s <= 16; s++ {
		if !inReg[s] || !onStack[s] {
			t.Errorf("structure of %d bytes: in a register %v, on the stack %v; want both", s, inReg[s], onStack[s])
		}
	}
	if len(cs) != 79 || kinds[CallOrig] != 29 || kinds[RestoreRegs] != 29 || kinds[StructOps] == 0 {
		t.Errorf("got %d cases, kinds %v; want 79, 29 of CALL_ORIG and RESTORE_REGS, some struct_ops", len(cs), kinds)
	}
}
