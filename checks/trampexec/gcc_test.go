package trampexec

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi/gccharness"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// TestTrampolinesGCC is the GCC ground truth for the trampolines trampexec
// runs: the kernel file's own generator, compiled by the C interpreter and
// run by trampgen with the tree's environment model (as `check --tree`
// runs it), emits the trampolines of gccharness's 79 cases (0-12
// arguments of every scalar size and sign, every structure size 1-16 in
// a register and on the stack; CALL_ORIG|SKIP_FRAME|IP_ARG with fentry
// and fexit, RESTORE_REGS with fentry, struct_ops RET_FENTRY_RET|INDIRECT)
// at the harness's fixed addresses; gccharness.Compare runs them in the
// gcc-compiled harness under qemu-s390x and on the emulator: the two
// machines must observe the same, GCC's observations must keep the
// contract, and one trampoline broken must make them differ. A
// disagreement is a finding about the 6.12 trampoline or the emulator's
// model, not something to bend the test to. Skipped without the cross
// tools unless TRAMPCHECK_REQUIRE_QEMU=1 and without the kernel tree
// unless TRAMPCHECK_REQUIRE_KERNEL=1; about 3 s.
func TestTrampolinesGCC(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short")
	}
	tools := gccharness.Require(t)
	dir := ktree.Dir(t)
	f := jittest.Parse(t)
	env, err := trampgen.TreeEnv(func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) })
	if err != nil {
		t.Fatal(err)
	}
	h, err := gccharness.Build(tools, t.TempDir(), gccharness.Cases(rand.New(rand.NewPCG(13, 5))))
	if err != nil {
		t.Fatal(err)
	}
	cfgs := make([]tramp.Config, len(h.Cases))
	for k := range h.Cases {
		cfgs[k] = h.Config(k)
	}
	rs, err := trampgen.Generate(f, env, cfgs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rs.CompileErr != nil {
		t.Fatalf("the generator does not compile: %v", rs.CompileErr)
	}
	codes := make([][]byte, len(cfgs))
	sameAsRef := 0
	for k, r := range rs.Runs {
		if r.Err != nil || r.Res.Ret <= 0 {
			t.Fatalf("case %d (%s): the file's generator gives no trampoline: %v (returns %v)", k, h.Cases[k].Describe(), r.Err, r.Res)
		}
		codes[k] = r.Res.Code
		// Only counted: whether the bytes are refimpl/tramp's, which
		// gccharness's own test runs.
		if p, err := tramp.Generate(r.Config); err == nil && bytes.Equal(p.Code, codes[k]) {
			sameAsRef++
		}
	}
	n := gccharness.Compare(t, h, codes)
	t.Logf("%d trampolines of the file's generator compared (%d byte for byte refimpl/tramp's)", n, sameAsRef)
	// trampexec itself on the same runs: on the real file only the two
	// findings of TestRealFile: the tail call counter of the cases without
	// arguments, which GCC's callers cannot show (a C caller keeps no
	// counter at 64 of its frame), and the context slot of a 3, 5, 6 or
	// 7-byte structure, which GCC's caller passes by reference: the
	// harness's programs find its bytes only through the slot, as an
	// address, on both machines (Compare above).
	fds, sum, err := CheckRuns(rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trampexec on the harness's configurations: %+v", sum)
	byRef := 0
	for _, fd := range fds {
		t.Logf("%d: %s", fd.Line, fd.Message)
		for _, i := range fd.Indices {
			c := h.Cases[i]
			switch {
			case fd.Rule == abi.RuleTailCall && len(c.Args) == 0:
			case fd.Rule == abi.RuleCtx && byRefStruct(argsOf(cfgs[i])) && strings.Contains(fd.Message, "is the address of the caller's copy"):
				byRef++
			default:
				t.Errorf("case %d (%s): trampexec reports %s at line %d, want only the tail call counter without arguments or the context of a structure by reference: %s", i, c.Describe(), fd.Rule, fd.Line, fd.Message)
			}
		}
	}
	if byRef == 0 {
		t.Error("no case reported with the context of a structure passed by reference; the harness has such cases")
	}
}
