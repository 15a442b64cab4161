package abi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// fromTramp describes a refimpl/tramp program for RunTrampoline; mutate
// may change its code first.
func fromTramp(t testing.TB, c tramp.Config, mutate func(p *tramp.Program)) (*Trampoline, *tramp.Program, error) {
	t.Helper()
	p, err := tramp.Generate(c)
	if err != nil {
		return nil, nil, err
	}
	if mutate != nil {
		mutate(p)
	}
	tp := NewTrampoline(p.Code, p.Config)
	tp.Flags = c.Flags // as the BPF core passed them, before the generator forced any
	return tp, p, nil
}

func describe(c tramp.Config) string {
	return fmt.Sprintf("flags %s, %d args, fentry/fmod_ret/fexit %d/%d/%d", tramp.FlagString(c.Flags), len(c.Args), len(c.FEntry), len(c.FModRet), len(c.FExit))
}

// TestTrampolinesRun runs refimpl/tramp's covering set and random matrix
// points (10000, 1000 with -short) through a TrampRunner, every 16th also
// through a fresh Env.
//
// Finding: with no arguments the 6.12 trampoline's frame is 88 bytes, so
// its backchain slot (152 of its frame) is the caller's tail call counter
// (64 of the caller's frame), which it stores before saving the counter:
// the caller and the original function get the high word of the backchain
// as their counter. The test requires that finding for every configuration
// with no argument.
//
// Finding: a structure of 3, 5, 6 or 7 bytes is passed by reference (the
// caller's register or stack slot holds the address of a copy); the 6.12
// trampoline stores that slot as is, so a program's context slot holds the
// address, not the structure's value. The test requires that finding for
// every such argument when a program ran, and no other finding anywhere.
func TestTrampolinesRun(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 2))
	cfgs := tramp.Covering()
	m := tramp.Matrix()
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for range n {
		cfgs = append(cfgs, m.Config(m.Point(rnd.IntN(m.Len()))))
	}
	runner, err := NewTrampRunner()
	if err != nil {
		t.Fatal(err)
	}
	ran, rejected, bad, zeroArgs, byRefRuns := 0, 0, 0, 0, 0
	for i, c := range cfgs {
		tp, _, err := fromTramp(t, c, nil)
		var rej *tramp.RejectError
		if errors.As(err, &rej) {
			rejected++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		run, err := runner.Run(tp, uint64(i))
		if err != nil {
			t.Fatalf("configuration %d (%s): %v", i, describe(c), err)
		}
		if i%16 == 0 {
			// A reused Env gives what a fresh one gives.
			fresh, err := RunTrampoline(tp, uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(fresh) != fmt.Sprint(run) {
				t.Errorf("configuration %d: the runner got %v, a fresh Env %v", i, run, fresh)
			}
		}
		ran++
		var fails []string
		byRef := map[int]bool{} // structures of 3, 5, 6, 7 bytes: reported when a program ran
		for k, a := range tp.Args {
			if a.Struct && a.Size < 8 && a.ByRef() {
				byRef[k] = false
			}
		}
		for _, f := range run.Findings {
			if len(c.Args) == 0 && f.Rule == RuleTailCall {
				continue
			}
			var who string
			var k int
			if f.Rule == RuleCtx && strings.Contains(f.Text, "is the address of the caller's copy") {
				if _, err := fmt.Sscanf(f.Text, "%s argument %d", &who, &k); err == nil {
					if _, ok := byRef[k]; ok {
						byRef[k] = true
						continue
					}
				}
			}
			fails = append(fails, f.String())
		}
		if programRan(run.Events) {
			for k, seen := range byRef {
				if !seen {
					fails = append(fails, fmt.Sprintf("argument %d (%v, by reference): the known context finding is gone: update the test and README", k, tp.Args[k]))
				}
			}
			if len(byRef) > 0 {
				byRefRuns++
			}
		}
		if len(c.Args) == 0 {
			zeroArgs++
			if !run.Failed(RuleTailCall) {
				fails = append(fails, "the known tail call counter finding for 0 arguments is gone: update the test and README")
			} else if zeroArgs == 1 {
				t.Logf("the finding, configuration %d (%s): %v", i, describe(c), run.Findings)
			}
		}
		if len(fails) > 0 {
			bad++
			if bad <= 10 {
				t.Errorf("configuration %d (%s): %s\n  events %v", i, describe(c), strings.Join(fails, "; "), run.Events)
			}
		}
	}
	t.Logf("%d configurations ran, %d rejected by the generator, %d with unexpected findings; %d with no argument have the tail call counter finding; %d pass a 3/5/6/7-byte structure to a program that ran and have the context finding", ran, rejected, bad, zeroArgs, byRefRuns)
}

// programRan reports whether a BPF program was called (an event other
// than the trampoline's helpers and the traced function).
func programRan(events []string) bool {
	for _, ev := range events {
		switch ev {
		case "tramp_enter", "tramp_exit", "enter", "exit", "body":
		default:
			return true
		}
	}
	return false
}

// TestTrampolineDeletions deletes each instruction of a few trampolines in
// turn (replacing it by nopr) and requires RunTrampoline to see every
// deletion (with one of 8 seeds) except the equivalent ones.
func TestTrampolineDeletions(t *testing.T) {
	cfgs := []tramp.Config{
		{
			Args:    []tramp.Arg{{Size: 8}, {Size: 4, Signed: true}, {Size: 16, Struct: true}, {Size: 1}, {Size: 2}, {Size: 8}, {Size: 4}},
			RetSize: 8, Flags: tramp.FlagCallOrig | tramp.FlagSkipFrame, FuncAddr: tramp.MatrixFuncAddr,
			FEntry: []tramp.Prog{{Jited: true, Cookie: 0x1234}}, FModRet: []tramp.Prog{{Jited: false, Cookie: 7}}, FExit: []tramp.Prog{{Jited: true}},
		},
		{
			Args: []tramp.Arg{{Size: 8}, {Size: 8}}, RetSize: 4, Flags: tramp.FlagRestoreRegs | tramp.FlagIPArg, FuncAddr: tramp.MatrixFuncAddr,
			FEntry: []tramp.Prog{{Jited: true}, {Jited: true, Cookie: 3}},
		},
	}
	for ci, c := range cfgs {
		p, err := tramp.Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		killed := 0
		var survivors []string
		for i, in := range p.Insns {
			seen := false
			for seed := range uint64(8) {
				tp, _, err := fromTramp(t, c, func(q *tramp.Program) {
					for k := range in.Bytes {
						q.Code[in.Off+k] = []byte{0x07, 0x00}[k%2]
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				run, err := RunTrampoline(tp, seed)
				if err != nil {
					t.Fatal(err)
				}
				if len(run.Findings) > 0 {
					seen = true
					break
				}
			}
			if seen {
				killed++
			} else {
				survivors = append(survivors, fmt.Sprintf("%d: %s", i, in.Text))
			}
		}
		t.Logf("configuration %d: %d of %d deletions seen; not seen:\n  %s", ci, killed, len(p.Insns), strings.Join(survivors, "\n  "))
		// The survivors are equivalent: the patchable nop after the call
		// (jgnop) and the oilf of a zero cookie (llihf already cleared
		// the register).
		for _, sv := range survivors {
			if !strings.Contains(sv, "jgnop") && !strings.Contains(sv, "oilf\t%r0,0") {
				t.Errorf("configuration %d: deleting %s is not seen", ci, sv)
			}
		}
	}
}

// TestTailCallWriteBack deletes the copy of the tail call counter from the
// trampoline's frame (where the original function left it) back to the
// trampoline's slot, the fix "s390/bpf: Write back tail call counter for
// BPF_TRAMP_F_CALL_ORIG": RunTrampoline then reports the caller's old
// counter, at the final copy to the caller's frame.
func TestTailCallWriteBack(t *testing.T) {
	c := tramp.Config{
		Args: []tramp.Arg{{Size: 8}, {Size: 4}}, RetSize: 8, Flags: tramp.FlagCallOrig | tramp.FlagSkipFrame,
		FuncAddr: tramp.MatrixFuncAddr, FExit: []tramp.Prog{{Jited: true}},
	}
	for _, del := range []bool{false, true} {
		tp, p, err := fromTramp(t, c, func(p *tramp.Program) {
			if !del {
				return
			}
			// The write-back is the mvc after the call whose source is the
			// tail call counter of the trampoline's own frame.
			src := fmt.Sprintf(",%d(%%r15)", PackedTailCallCnt)
			for _, in := range p.Insns {
				if strings.HasPrefix(in.Text, "mvc") && strings.HasSuffix(in.Text, src) {
					copy(p.Code[in.Off:], []byte{7, 0, 7, 0, 7, 0})
					return
				}
			}
			t.Fatal("no write-back mvc found")
		})
		if err != nil {
			t.Fatal(err)
		}
		run, err := RunTrampoline(tp, 5)
		if err != nil {
			t.Fatal(err)
		}
		if del != run.Failed(RuleTailCall) || len(run.Findings) > 0 && !del {
			t.Errorf("write-back deleted %v: got findings %v", del, run.Findings)
		}
		if del {
			for _, f := range run.Findings {
				if f.Rule == RuleTailCall && !strings.HasPrefix(textAt(p, f.Off), "mvc") {
					t.Errorf("finding %v: want it at the final mvc to the caller's frame", f)
				}
			}
		}
	}
}

func textAt(p *tramp.Program, off int) string {
	for _, in := range p.Insns {
		if in.Off == off {
			return in.Text
		}
	}
	return ""
}

// TestTrampolineFaultTrace: a fault is reported at the faulting
// instruction, with the trace ending there.
func TestTrampolineFaultTrace(t *testing.T) {
	c := tramp.Config{Args: []tramp.Arg{{Size: 8}}, Flags: tramp.FlagRestoreRegs, FuncAddr: tramp.MatrixFuncAddr, FEntry: []tramp.Prog{{Jited: true}}}
	var at int
	tp, _, err := fromTramp(t, c, func(p *tramp.Program) {
		// The third instruction becomes a load from address 0.
		at = p.Insns[2].Off
		b, _ := refimpl.Assemble("lg %r1,0(%r0)")
		copy(p.Code[at:], b)
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := RunTrampoline(tp, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Failed(RuleFault) || run.Findings[0].Off != at {
		t.Fatalf("got findings %v, want a fault at +%d", run.Findings, at)
	}
	if len(run.Trace) == 0 || run.Trace[len(run.Trace)-1] != at || run.Trace[0] != 0 {
		t.Errorf("got trace %v, want 0 ... %d", run.Trace, at)
	}
}

// TestStructOpsReturn: a struct_ops trampoline (RET_FENTRY_RET|INDIRECT,
// no CALL_ORIG) returns its fentry program's result, extended as the
// function's return type. Deleting the store of the program's result or
// the load of %r2 before the return is reported as the caller's %r2, and
// the unmodified trampoline is clean, for every seed where the program
// runs.
func TestStructOpsReturn(t *testing.T) {
	c := tramp.Config{
		Args: []tramp.Arg{{Size: 8}, {Size: 4, Signed: true}}, RetSize: 4, RetSigned: true,
		Flags: tramp.FlagRetFentryRet | tramp.FlagIndirect, FuncAddr: tramp.MatrixFuncAddr,
		FEntry: []tramp.Prog{{Jited: true}},
	}
	for _, del := range []string{"", "stg\t%r2,", "lg\t%r2,"} {
		found := 0
		for seed := range uint64(6) {
			tp, _, err := fromTramp(t, c, func(p *tramp.Program) {
				if del == "" {
					return
				}
				var last *tramp.Insn
				for i := range p.Insns {
					if strings.HasPrefix(p.Insns[i].Text, del) {
						last = &p.Insns[i]
					}
				}
				if last == nil {
					t.Fatalf("no %q in the trampoline", del)
				}
				for k := range last.Bytes {
					p.Code[last.Off+k] = []byte{0x07, 0x00}[k%2]
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			run, err := RunTrampoline(tp, seed)
			if err != nil {
				t.Fatal(err)
			}
			if del == "" && len(run.Findings) > 0 {
				t.Errorf("seed %d: unmodified struct_ops trampoline: got %v, want none", seed, run.Findings)
			}
			for _, f := range run.Findings {
				if f.Rule == RuleRet && strings.Contains(f.Text, "fentry program's result") {
					found++
				}
			}
		}
		if del != "" && found == 0 {
			t.Errorf("last %q deleted: got no finding of the caller's %%r2 over 6 seeds, want one", del)
		}
	}
}
