package abi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// tracer records the stub calls of one trampoline run.
type tracer struct {
	events []string
	fail   []string
	tcc    []string // tail call counter findings
}

func (tr *tracer) errorf(format string, args ...any) {
	tr.fail = append(tr.fail, fmt.Sprintf(format, args...))
}

// runTrampoline generates c with refimpl/tramp (mutate may change the
// program), runs it in an Env as the traced function's entry would (the
// caller's registers and stack, %r0 the address after the hotpatch nop for
// ORIG_STACK), with stubs at every address it calls, and checks the parts
// of the contract that need no model of the kernel beyond the ABI and
// BPF's documented semantics:
//
//   - the run ends at the caller without a fault; %r6-%r13 and %r15 are
//     preserved;
//   - programs run in the order fentry, fmod_ret, original (CALL_ORIG),
//     fexit, each between its enter and exit function, which get the
//     program, the start time enter returned and the run context, whose
//     cookie is the program's; a program whose enter returns 0 does not
//     run; a non-zero fmod_ret result stops the fmod_ret programs and skips
//     the original;
//   - programs see the arguments in the BPF context (see checkCtx), the
//     argument count at ctx-8 and, with IP_ARG, the function's address at
//     ctx-16; fexit programs of CALL_ORIG see the return value after them;
//   - the original function gets exactly the caller's arguments (registers
//     and stack slots, the caller's copies for by-reference ones); reached
//     by the final jump (no SKIP_FRAME) it also gets the caller's %r15 and
//     return address;
//   - the caller gets the traced function's return value in %r2 (or the
//     fmod_ret result that skipped it).
func runTrampoline(t *testing.T, c tramp.Config, rnd *rand.Rand, mutate func(p *tramp.Program)) (*tracer, error) {
	t.Helper()
	p, err := tramp.Generate(c)
	var rej *tramp.RejectError
	if errors.As(err, &rej) {
		return nil, err
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	if mutate != nil {
		mutate(p)
	}
	rc := p.Config
	callOrig := p.Flags&tramp.FlagCallOrig != 0
	skipFrame := p.Flags&tramp.FlagSkipFrame != 0
	e, err := NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	e.BackchainOff = PackedBackchain
	e.RecordStores = true
	entry, err := e.Load(0, p.Code)
	if err != nil {
		t.Fatal(err)
	}
	tr := &tracer{}

	// The traced function's arguments and return value.
	args := make([]Value, len(rc.Args))
	nrBPF := 0
	for i, a := range rc.Args {
		b := make([]byte, a.Size)
		for j := range b {
			b[j] = byte(rnd.Uint32())
		}
		args[i] = Value{Arg{Size: a.Size, Signed: a.Signed, Struct: a.Struct}, b}
		nrBPF++
		if a.Size > 8 {
			nrBPF++
		}
	}
	// The return value as the ABI returns it: extended to 64 bits (void
	// and 16-byte results are not compared).
	retv := rnd.Uint64() | 1
	retChecked := false
	switch rc.RetSize {
	case 1, 2, 4, 8:
		b := make([]byte, rc.RetSize)
		for j := range b {
			b[j] = byte(rnd.Uint32())
		}
		retv = Extend(Arg{Size: rc.RetSize, Signed: rc.RetSigned}, b)
		retChecked = true
	}
	// The BPF core makes two kinds of trampolines (kernel/bpf/trampoline.c):
	// with fexit or fmod_ret programs CALL_ORIG|SKIP_FRAME, else
	// RESTORE_REGS, which returns into the traced function; INDIRECT
	// (struct_ops) ones return to the caller. The matrix holds every flag
	// combination: the checks that concern the traced function's return
	// value and its arguments after the trampoline apply to those two.
	const shape = tramp.FlagCallOrig | tramp.FlagSkipFrame | tramp.FlagRestoreRegs | tramp.FlagRetFentryRet | tramp.FlagIndirect
	coreKind := c.Flags&shape == tramp.FlagCallOrig|tramp.FlagSkipFrame ||
		c.Flags&shape == tramp.FlagRestoreRegs && p.Flags&tramp.FlagSkipFrame == 0
	body := rc.FuncAddr + tramp.PatchSize
	var opts []CallOption
	if p.Flags&tramp.FlagOrigStack != 0 {
		if rc.FuncAddr == 0 {
			body = 0x0500_0000 + tramp.PatchSize
		}
		opts = append(opts, WithReg(0, body))
	}

	// The programs: what each returns, whether its enter lets it run, and
	// the calls expected in order.
	type progInfo struct {
		tramp.Prog
		name  string
		start uint64 // what enter returns: 0 skips the program
		ret   uint64
	}
	progs := map[uint64]*progInfo{} // by struct bpf_prog address
	funcs := map[uint64]*progInfo{} // by bpf_func
	var want []string
	stopped, wantRet := false, retv
	for _, k := range []struct {
		name  string
		ps    []tramp.Prog
		fexit bool
	}{{"fentry", rc.FEntry, false}, {"fmod_ret", rc.FModRet, false}, {"fexit", rc.FExit, true}} {
		if k.fexit {
			if callOrig && !stopped {
				want = append(want, "body")
			}
		}
		for i, pr := range k.ps {
			pi := &progInfo{Prog: pr, name: fmt.Sprintf("%s%d", k.name, i), start: 1}
			if rnd.IntN(3) == 0 {
				pi.start = 0
			}
			if k.name == "fmod_ret" && callOrig && rnd.IntN(3) == 0 {
				pi.ret = rnd.Uint64() | 1 // non-zero in every width
			}
			progs[pr.Addr], funcs[pr.BpfFunc] = pi, pi
			if stopped && k.name == "fmod_ret" {
				continue
			}
			if pi.start != 0 {
				want = append(want, pi.name)
				if pi.ret != 0 {
					// Returned as the function's type: extended like
					// its return value.
					stopped, wantRet = true, pi.ret
					if retChecked {
						wantRet = Extend(Arg{Size: rc.RetSize, Signed: rc.RetSigned}, be64(pi.ret)[8-rc.RetSize:])
					}
				}
			}
		}
	}
	fexitRet := wantRet // what fexit programs see
	if !skipFrame {
		want = append(want, "body")
		wantRet = retv
	}

	checkArgs := func(who string, sc *StubCall) {
		for i := range args {
			got, ok := sc.Arg(i)
			if !ok {
				tr.errorf("%s: argument %d unreadable", who, i)
			} else if got != e.ArgImages[i] {
				tr.errorf("%s: argument %d (%v): got %#x, want %#x as the caller passed it", who, i, args[i].Arg, got, e.ArgImages[i])
			}
		}
	}
	// The tail call counter: the caller's (a BPF program's caller's) frame
	// holds tc0; the original function, a BPF program, finds it in its
	// caller's frame and leaves tc1 there; the caller must see tc1.
	tc0 := 1 + rnd.Uint32N(30)
	tc1, tcWant := tc0+1+rnd.Uint32N(30), tc0
	opts = append(opts, WithFrameBytes(PackedTailCallCnt, be64(uint64(tc0))[4:]))
	var callerSP uint64
	e.AddStubAt("body", body, func(e *Env, sc *StubCall) uint64 {
		tr.events = append(tr.events, "body")
		if sc.Regs[14] != ReturnAddr {
			a := sc.Regs[15] + PackedTailCallCnt
			if b, err := e.Mem.Read(a, 4); err != nil || binary.BigEndian.Uint32(b) != tc0 {
				tr.tcc = append(tr.tcc, fmt.Sprintf("original function: tail call counter at %#x: % x (%v), want %d", a, b, err, tc0))
			}
			_ = e.Mem.Write(a, be64(uint64(tc1))[4:])
			tcWant = tc1
		}
		if sc.Regs[14] == ReturnAddr {
			if coreKind {
				checkArgs("traced function (returning to the caller)", sc)
			}
			if sc.Regs[15] != callerSP {
				tr.errorf("traced function: %%r15 %#x, want the caller's %#x", sc.Regs[15], callerSP)
			}
		} else {
			checkArgs("original function", sc)
		}
		return retv
	})
	e.AddStubAt("tramp_enter", rc.TrampEnter, func(e *Env, sc *StubCall) uint64 {
		tr.events = append(tr.events, "tramp_enter")
		if sc.Regs[2] != rc.Im {
			tr.errorf("__bpf_tramp_enter got %#x, want im %#x", sc.Regs[2], rc.Im)
		}
		return 0
	})
	e.AddStubAt("tramp_exit", rc.TrampExit, func(e *Env, sc *StubCall) uint64 {
		tr.events = append(tr.events, "tramp_exit")
		if sc.Regs[2] != rc.Im {
			tr.errorf("__bpf_tramp_exit got %#x, want im %#x", sc.Regs[2], rc.Im)
		}
		return 0
	})
	var cur *progInfo
	var runCtx uint64
	for _, pi := range progs {
		e.AddStubAt("enter", pi.Enter, func(e *Env, sc *StubCall) uint64 {
			q, ok := progs[sc.Regs[2]]
			if !ok {
				tr.errorf("enter: %%r2 %#x is no program", sc.Regs[2])
				return 0
			}
			tr.events = append(tr.events, "enter")
			cur, runCtx = q, sc.Regs[3]
			if b, err := e.Mem.Read(runCtx, 8); err != nil || binary.BigEndian.Uint64(b) != q.Cookie {
				tr.errorf("enter of %s: run context %#x: cookie % x (%v), want %#x", q.name, runCtx, b, err, q.Cookie)
			}
			return q.start
		})
		e.AddStubAt("exit", pi.Exit, func(e *Env, sc *StubCall) uint64 {
			tr.events = append(tr.events, "exit")
			switch {
			case cur == nil:
				tr.errorf("exit without enter")
			case sc.Regs[2] != cur.Addr || sc.Regs[3] != cur.start || sc.Regs[4] != runCtx:
				tr.errorf("exit of %s: got (%#x, %#x, %#x), want (%#x, %#x, %#x): the program, enter's start time, the run context",
					cur.name, sc.Regs[2], sc.Regs[3], sc.Regs[4], cur.Addr, cur.start, runCtx)
			}
			cur = nil
			return 0
		})
		e.AddStubAt("prog", pi.BpfFunc, func(e *Env, sc *StubCall) uint64 {
			q := funcs[sc.Stub.Addr]
			tr.events = append(tr.events, q.name)
			if !q.Jited && sc.Regs[3] != q.Insnsi {
				tr.errorf("%s: interpreted program got %%r3 %#x, want insnsi %#x", q.name, sc.Regs[3], q.Insnsi)
			}
			ctx := sc.Regs[2]
			checkCtx(tr, e, q.name, ctx, args)
			if b, err := e.Mem.Read(ctx-16, 16); err != nil {
				tr.errorf("%s: ctx-16: %v", q.name, err)
			} else {
				if n := binary.BigEndian.Uint64(b[8:]); n != uint64(nrBPF) {
					tr.errorf("%s: argument count at ctx-8 %d, want %d", q.name, n, nrBPF)
				}
				if ip := binary.BigEndian.Uint64(b); p.Flags&tramp.FlagIPArg != 0 && ip != rc.FuncAddr {
					tr.errorf("%s: function address at ctx-16 %#x, want %#x", q.name, ip, rc.FuncAddr)
				}
			}
			// An unwinder from the program: the trampoline's backchain
			// leads to the caller's frame, whose saved %r14 slot holds
			// where the trampoline returns.
			tsp := sc.Regs[15] // the trampoline's %r15: it called us
			if b, err := e.Mem.Read(tsp+PackedBackchain, 8); err != nil || binary.BigEndian.Uint64(b) != callerSP {
				tr.errorf("%s: backchain at %#x: % x (%v), want the caller's %%r15 %#x", q.name, tsp+PackedBackchain, b, err, callerSP)
			} else if b, err := e.Mem.Read(callerSP+PackedR14, 8); err != nil || binary.BigEndian.Uint64(b) != ReturnAddr && skipFrame {
				tr.errorf("%s: return address slot at %#x: % x (%v), want %#x", q.name, callerSP+PackedR14, b, err, uint64(ReturnAddr))
			}
			if strings.HasPrefix(q.name, "fexit") && callOrig && retChecked {
				if b, err := e.Mem.Read(ctx+8*uint64(nrBPF), 8); err != nil || binary.BigEndian.Uint64(b) != fexitRet {
					tr.errorf("%s: return value after the arguments % x (%v), want %#x", q.name, b, err, fexitRet)
				}
			}
			return q.ret
		})
	}

	callerSP = OuterFrame - uint64(SaveArea+StackArgBytes(argsOf(args))) // as Call lays it out, before copies
	for _, a := range args {
		if a.ByRef() {
			callerSP -= uint64((a.Size + 7) &^ 7)
		}
	}
	callerSP &^= 7
	res, err := e.Call(entry, args, 100000, opts...)
	if err != nil {
		return tr, fmt.Errorf("run: %w", err)
	}
	if res.SP != callerSP {
		t.Fatalf("caller's %%r15 %#x, computed %#x", res.SP, callerSP)
	}
	if len(res.Clobbered) != 0 {
		tr.errorf("callee-saved registers changed: %v", res.Clobbered)
	}
	insnAt := func(pc uint64) string {
		for _, in := range p.Insns {
			if entry+uint64(in.Off) == pc {
				return fmt.Sprintf("+%d %s", in.Off, in.Text)
			}
		}
		return fmt.Sprintf("%#x", pc)
	}
	if b, err := e.Mem.Read(res.SP+PackedTailCallCnt, 4); err != nil || binary.BigEndian.Uint32(b) != tcWant {
		w, _ := e.LastWriter(res.SP + PackedTailCallCnt)
		tr.tcc = append(tr.tcc, fmt.Sprintf("caller's tail call counter % x (%v), want %d; last written by %s", b, err, tcWant, insnAt(w.PC)))
	}
	// Nothing above the caller's register save area and stack argument
	// slots is the trampoline's to write (the caller's locals, its copies
	// of by-reference arguments, the frames above).
	limit := res.SP + uint64(SaveArea+StackArgBytes(argsOf(args)))
	for _, st := range e.Stores {
		if st.Addr+st.N > limit || st.Addr < StackBase {
			tr.errorf("%s stores %d bytes at %#x, beyond the caller's save area and argument slots (up to %#x)", insnAt(st.PC), st.N, st.Addr, limit)
		}
	}
	if coreKind && retChecked && res.Ret != wantRet {
		tr.errorf("caller got %%r2 %#x, want %#x", res.Ret, wantRet)
	}
	// Order: programs and the traced function; tramp_enter and tramp_exit
	// once each with CALL_ORIG.
	var order []string
	nTramp := 0
	for i, ev := range tr.events {
		switch ev {
		case "enter", "exit":
		case "tramp_enter", "tramp_exit":
			nTramp++
		case "body":
			order = append(order, ev)
		default:
			if i == 0 || tr.events[i-1] != "enter" || i+1 >= len(tr.events) || tr.events[i+1] != "exit" {
				tr.errorf("%s is not between enter and exit: %v", ev, tr.events)
			}
			order = append(order, ev)
		}
	}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		tr.errorf("calls in the order %v, want %v", order, want)
	}
	if callOrig && nTramp != 2 || !callOrig && nTramp != 0 {
		tr.errorf("%d calls of __bpf_tramp_enter/exit, want 2 with CALL_ORIG, else 0", nTramp)
	}
	return tr, nil
}

// checkCtx compares the BPF context of a program with the arguments: one
// 8-byte slot per argument of up to 8 bytes holding its value as the
// register had it, two slots holding the bytes of a 9-16-byte argument.
// A structure of 3, 5, 6 or 7 bytes (passed by reference) is not checked:
// what its slot holds is the open question of issue 13.
func checkCtx(tr *tracer, e *Env, who string, ctx uint64, args []Value) {
	off := uint64(0)
	for i, a := range args {
		n := uint64(8)
		if a.Size > 8 {
			n = 16
		}
		got, err := e.Mem.Read(ctx+off, int(n))
		if err != nil {
			tr.errorf("%s: context at %#x: %v", who, ctx, err)
			return
		}
		switch {
		case a.Size > 8:
			if string(got[:a.Size]) != string(a.Bytes) {
				tr.errorf("%s: argument %d (%v): context bytes % x, want % x", who, i, a.Arg, got[:a.Size], a.Bytes)
			}
		case !a.ByRef():
			if v := binary.BigEndian.Uint64(got); v != Extend(a.Arg, a.Bytes) {
				tr.errorf("%s: argument %d (%v): context slot %#x, want %#x", who, i, a.Arg, v, Extend(a.Arg, a.Bytes))
			}
		}
		off += n
	}
}

// TestTrampolinesRun runs refimpl/tramp's covering set (and random matrix
// points) in the emulator.
func TestTrampolinesRun(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 2))
	cfgs := tramp.Covering()
	m := tramp.Matrix()
	n := 2000
	if testing.Short() {
		n = 200
	}
	for range n {
		cfgs = append(cfgs, m.Config(m.Point(rnd.IntN(m.Len()))))
	}
	ran, rejected, bad, zeroArgs := 0, 0, 0, 0
	for i, c := range cfgs {
		tr, err := runTrampoline(t, c, rnd, nil)
		var rej *tramp.RejectError
		if errors.As(err, &rej) {
			rejected++
			continue
		}
		ran++
		// Finding: with no arguments the trampoline's frame is 88 bytes,
		// so its backchain slot (152 of its frame) is the caller's tail
		// call counter (64 of the caller's frame), which it stores before
		// saving the counter: the caller and the original function get
		// the high word of the backchain as their counter. The test
		// requires that finding for every configuration with no argument,
		// and no other.
		fails := tr.fail
		if len(c.Args) == 0 {
			zeroArgs++
			if zeroArgs == 1 && len(tr.tcc) > 0 {
				t.Logf("the finding, configuration %d (flags %s): %s", i, tramp.FlagString(c.Flags), strings.Join(tr.tcc, "; "))
			}
			if len(tr.tcc) == 0 {
				fails = append(fails, "the known tail call counter finding for 0 arguments is gone: update the test and README")
			}
		} else {
			fails = append(fails, tr.tcc...)
		}
		if err != nil || len(fails) > 0 {
			bad++
			if bad <= 10 {
				t.Errorf("configuration %d (flags %s, %d args, fentry/fmod_ret/fexit %d/%d/%d): %v %s\n  events %v", i, tramp.FlagString(c.Flags), len(c.Args),
					len(c.FEntry), len(c.FModRet), len(c.FExit), err, strings.Join(fails, "; "), tr.events)
			}
		}
	}
	t.Logf("%d configurations ran, %d rejected by the generator, %d with findings; %d with no argument have the tail call counter finding", ran, rejected, bad, zeroArgs)
}

// TestTrampolineDeletions deletes each instruction of a few trampolines in
// turn (replacing it by nopr) and counts the deletions the checks above
// see; the survivors are listed.
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
				tr, err := runTrampoline(t, c, rand.New(rand.NewPCG(seed, 1)), func(q *tramp.Program) {
					for k := range in.Bytes {
						q.Code[in.Off+k] = []byte{0x07, 0x00}[k%2]
					}
				})
				if err != nil || len(tr.fail)+len(tr.tcc) > 0 {
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
// BPF_TRAMP_F_CALL_ORIG": the caller then sees its old counter.
func TestTailCallWriteBack(t *testing.T) {
	c := tramp.Config{
		Args: []tramp.Arg{{Size: 8}, {Size: 4}}, RetSize: 8, Flags: tramp.FlagCallOrig | tramp.FlagSkipFrame,
		FuncAddr: tramp.MatrixFuncAddr, FExit: []tramp.Prog{{Jited: true}},
	}
	for _, del := range []bool{false, true} {
		tr, err := runTrampoline(t, c, rand.New(rand.NewPCG(5, 5)), func(p *tramp.Program) {
			if !del {
				return
			}
			// The write-back is the mvc after the call whose source is
			// the tail call counter of the trampoline's own frame.
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
		got := strings.Join(tr.tcc, "; ")
		if del != strings.Contains(got, "caller's tail call counter") || len(tr.fail) > 0 {
			t.Errorf("write-back deleted %v: got findings %q %v", del, got, tr.fail)
		}
	}
}
