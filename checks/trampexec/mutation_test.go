package trampexec

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	mut "github.com/trampcheck/trampcheck/checks/mutation"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// mutation is a one-line edit of the real file (checks/mutation.Edit,
// shared by the mutation suites).
type mutation = mut.Edit

// epilogue is a line of the generator's epilogue (after the programs).
const epilogue = "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)"

// mutations are semantic one-line mutants of the trampoline code: the
// ones trampxcheck's suite also runs (mut.Trampoline) and these, on frame
// offsets, saved registers, argument copies, return paths, program calls.
// Each changes the generated code of some covering configuration.
var mutations = append(slices.Clone(mut.Trampoline), []mutation{
	// Frame offsets.
	mut.At("orig stack args", gen, "tjit->orig_stack_args_off = tjit->stack_size + STACK_FRAME_OVERHEAD;", "+ STACK_FRAME_OVERHEAD", "+ STACK_FRAME_OVERHEAD - 8"),
	mut.At("tail call copy-in", gen, "0xf000 | (tjit->stack_size +", "0xf000 | (tjit->stack_size +", "0xf000 | (tjit->stack_size + 4 +"),
	mut.At("tail call copy-out", epilogue, "_EMIT6(0xd203f000 | (tjit->stack_size +", "(tjit->stack_size +", "(tjit->stack_size + 8 +"),
	mut.At("tail call mvc length", gen, "_EMIT6(0xd203f000 | offsetof(struct prog_frame, tail_call_cnt),", "0xd203f000", "0xd201f000"),
	// Saved registers.
	mut.At("lmg r7-r8", epilogue, "EMIT6_DISP_LH(0xeb000000, 0x0004, REG_7, REG_8, REG_15,", "REG_8", "REG_7"),
	mut.At("lg r14 slot", epilogue, "EMIT6_DISP_LH(0xe3000000, 0x0004, REG_14, REG_0, REG_15, tjit->r14_off);", "tjit->r14_off)", "tjit->r14_off + 8)"),
	mut.At("backchain register", gen, "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_1, REG_0, REG_15,", "REG_1, REG_0", "REG_15, REG_0"),
	mut.At("lgr r1,r15", gen, "EMIT4(0xb9040000, REG_1, REG_15);", "REG_1, REG_15", "REG_1, REG_14"),
	// Argument copies.
	mut.At("16-byte arg slots", gen, "j += 2;", "+= 2", "+= 1"),
	mut.At("arg size bound", gen, "if (m->arg_size[i] <= 8) {", "<= 8", "< 8"),
	mut.At("bpf arg slot", gen, "bpf_arg_off = tjit->bpf_args_off + j * sizeof(u64);", "j * sizeof(u64)", "i * sizeof(u64)"),
	mut.At("lmg before the call", "retval = func_addr(args);", "EMIT6_DISP_LH(0xeb000000, 0x0004, REG_2,", "0x0004", "0x0024"),
	mut.At("orig stack arg copy", gen, "(nr_stack_args * sizeof(u64) - 1) << 16 |", "- 1) << 16", "- 9) << 16"),
	mut.At("restore without args", gen, "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)", "(flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args", "(flags & BPF_TRAMP_F_SKIP_FRAME) && nr_reg_args"),
	// Return paths.
	mut.At("orig stack r0", gen, "EMIT4(0xb9040000, REG_8, REG_0);", "REG_8, REG_0", "REG_8, REG_14"),
	mut.At("retval store", gen, "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,", "REG_2, REG_0", "REG_3, REG_0"),
	// Program calls.
}...)

// equivalent are the mutants trampexec does not kill over the covering
// set, with why.
var equivalent = map[string]string{
	// stmg %r2,%r(2+n) instead of %r(1+n) also stores the next register
	// into the slot after the saved arguments, ip_off: with IP_ARG the
	// function's address is stored there later, without it nothing reads
	// the slot. Equivalent.
	"stmg end register": "equivalent: the extra register lands in ip_off, written later or never read",
	// "retval reload" and "fentry save_ret" change the return value of a
	// struct_ops trampoline (RET_FENTRY_RET without CALL_ORIG): the
	// covering set has such a point (tramp.CoveringPoints) and kills them.
}

// baseline returns the findings of base over cfgs by rule, line and
// configuration.
func baseline(t *testing.T, base *interp.Program, cfgs []tramp.Config, opt Options) map[string]bool {
	t.Helper()
	before, _, err := Check(base, cfgs, opt)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]bool{}
	for _, fd := range before {
		for _, i := range fd.Indices {
			old[fmt.Sprint(fd.Rule, fd.Line, i)] = true
		}
	}
	return old
}

// newFindings returns the findings of prog over cfgs that are not in old
// (baseline's), as text.
func newFindings(t *testing.T, old map[string]bool, prog *interp.Program, cfgs []tramp.Config, opt Options) ([]string, Summary) {
	t.Helper()
	fds, sum, err := Check(prog, cfgs, opt)
	if err != nil {
		t.Fatal(err)
	}
	var killers []string
	for _, fd := range fds {
		if fd.Rule == RuleGenerator {
			continue // not an execution's finding
		}
		for _, i := range fd.Indices {
			if !old[fmt.Sprint(fd.Rule, fd.Line, i)] {
				killers = append(killers, fmt.Sprintf("%d: %s", fd.Line, fd.Message))
				break
			}
		}
	}
	return killers, sum
}

// TestMutations applies every mutation to the real file and requires
// trampexec alone to report something the unmodified file does not (a
// new rule and line, or the same at more configurations), over the
// covering set with two seeds per configuration; the equivalent ones are
// listed with why.
func TestMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	src := ktree.JIT(t)
	if len(mutations)-len(equivalent) < 30 || len(equivalent) > len(mutations) {
		t.Fatalf("got %d mutations (%d equivalent), want at least 30 that are killed", len(mutations), len(equivalent))
	}
	cov := tramp.Covering()
	opt := Options{Seeds: 2}
	_, base := compile(t, src)
	old := baseline(t, base, cov, opt)
	seen := map[string]bool{}
	for _, mu := range mutations {
		if seen[mu.Name] {
			t.Fatalf("mutation %q twice", mu.Name)
		}
		seen[mu.Name] = true
		t.Run(mu.Name, func(t *testing.T) {
			msrc, line, err := mu.Apply(src)
			if err != nil {
				if !ktree.JITAsWritten(t) {
					t.Skipf("mutation not applicable to this release: %v", err)
				}
				t.Fatal(err)
			}
			_, prog := compile(t, msrc)
			killers, sum := newFindings(t, old, prog, cov, opt)
			why, eq := equivalent[mu.Name]
			switch {
			case len(killers) > 0 && eq:
				t.Errorf("line %d %q -> %q: killed, but listed as equivalent (%s):\n%s", line, mu.Old, mu.New, why, strings.Join(killers, "\n"))
			case len(killers) == 0 && !eq:
				t.Errorf("line %d %q -> %q: survived (%+v), want a new finding", line, mu.Old, mu.New, sum)
			case len(killers) > 0:
				t.Logf("line %d: killed by %s", line, killers[0])
			}
		})
	}
}
