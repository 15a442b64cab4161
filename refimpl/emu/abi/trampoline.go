package abi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/trampcheck/trampcheck/refimpl/emu"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Trampoline flags (BPF_TRAMP_F_* of include/linux/bpf.h) that change
// what a trampoline must do: the reference generator's (tramp.Flag*).
const (
	FlagRestoreRegs  = tramp.FlagRestoreRegs
	FlagCallOrig     = tramp.FlagCallOrig
	FlagSkipFrame    = tramp.FlagSkipFrame
	FlagIPArg        = tramp.FlagIPArg
	FlagRetFentryRet = tramp.FlagRetFentryRet
	FlagOrigStack    = tramp.FlagOrigStack
	FlagIndirect     = tramp.FlagIndirect
)

// PatchSize is the size of the hotpatch nop at a traced function's entry
// (-mfentry on s390x): the function's body starts PatchSize bytes after
// its address.
const PatchSize = tramp.PatchSize

// TrampProg is an attached BPF program as a trampoline's code refers to
// it: the reference generator's description (tramp.Prog).
type TrampProg = tramp.Prog

// Trampoline is generated trampoline code with what it was generated for.
// Every address must be distinct from the others except Enter and Exit,
// which programs may share.
type Trampoline struct {
	Code      []byte
	Args      []Arg
	RetSize   int // 0 for void
	RetSigned bool
	Flags     uint32 // as the BPF core passed them
	FuncAddr  uint64 // the traced function; 0 for none
	Im        uint64 // struct bpf_tramp_image *
	// TrampEnter and TrampExit are __bpf_tramp_enter and __bpf_tramp_exit.
	TrampEnter, TrampExit  uint64
	FEntry, FModRet, FExit []TrampProg
}

// NewTrampoline describes code generated for the configuration c (as
// refimpl/tramp or the JIT's own generator resolved it): the traced
// function's model, the flags, the addresses the code calls and the
// attached programs.
func NewTrampoline(code []byte, c tramp.Config) *Trampoline {
	t := &Trampoline{
		Code: code, RetSize: c.RetSize, RetSigned: c.RetSigned, Flags: c.Flags,
		FuncAddr: c.FuncAddr, Im: c.Im, TrampEnter: c.TrampEnter, TrampExit: c.TrampExit,
		FEntry: slices.Clone(c.FEntry), FModRet: slices.Clone(c.FModRet), FExit: slices.Clone(c.FExit),
	}
	for _, a := range c.Args {
		t.Args = append(t.Args, Arg{Size: a.Size, Signed: a.Signed, Struct: a.Struct})
	}
	return t
}

// Contract rules, the Rule of a Finding.
const (
	RuleFault    = "fault"     // the run faulted or did not return
	RuleRegs     = "regs"      // a callee-saved register changed
	RuleOrder    = "order"     // programs, enter/exit functions or the original function called out of order
	RuleCall     = "call"      // an enter/exit function or program got wrong arguments
	RuleCtx      = "ctx"       // the BPF context differs from the arguments
	RuleArgs     = "args"      // the original function got other arguments than the caller passed
	RuleRet      = "ret"       // the caller or fexit got another return value
	RuleTailCall = "tail_call" // the tail call counter did not travel
	RuleUnwind   = "unwind"    // the backchain or return address slot does not lead to the caller
	RuleStore    = "store"     // a store outside the trampoline's frame and the caller's save area and argument slots
)

// Finding is one violation of the contract.
type Finding struct {
	Rule string
	// Off is the offset in Code of the instruction responsible when known:
	// the store, or the return address of the call during which the
	// violation was seen (the call instruction ends there); -1 when not.
	Off  int
	Text string
	// Store says that Off is the instruction that stored the wrong value
	// (a context slot), not a return address.
	Store bool
}

// String returns "rule at +off: text".
func (f Finding) String() string {
	if f.Off < 0 {
		return f.Rule + ": " + f.Text
	}
	return fmt.Sprintf("%s at +%d: %s", f.Rule, f.Off, f.Text)
}

// TrampRun is what a run of a trampoline showed.
type TrampRun struct {
	Findings []Finding
	// Events are the calls in order: "tramp_enter", "enter", "fentry0",
	// "exit", ..., "body" (the traced function), "tramp_exit".
	Events []string
	// Trace holds the offsets in Code of the last TraceLen instructions
	// executed in it, oldest first (the faulting one last after a fault).
	Trace []int
}

// TraceLen is how many instructions a TrampRun's Trace keeps.
const TraceLen = 32

// Failed reports whether a finding of rule exists.
func (r *TrampRun) Failed(rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// ErrTrampoline reports a Trampoline that cannot be run.
var ErrTrampoline = errors.New("bad trampoline description")

// RunTrampoline runs t once in a fresh Env as the traced function's entry
// would reach it: with the caller's registers and stack per the ABI (the
// kernel's frame layout: backchain at 152, tail call counter at 64), %r14
// the return address into the caller and, with FlagOrigStack, %r0 the
// address after the hotpatch nop. Stubs stand at every address the code
// calls. The seed chooses the argument values, return values, which
// programs their enter function skips (returning 0) and which fmod_ret
// programs return non-zero. It checks, from the ABI and BPF's documented
// semantics:
//
//   - the run returns without a fault; %r6-%r13 and %r15 are preserved
//     (RuleFault, RuleRegs);
//   - programs run in the order fentry, fmod_ret, original function
//     (FlagCallOrig), fexit, each between its enter and exit function,
//     which get the program, the start time enter returned and the run
//     context holding the program's cookie; a program whose enter returns
//     0 does not run; a non-zero fmod_ret result stops the fmod_ret
//     programs and skips the original; __bpf_tramp_enter and
//     __bpf_tramp_exit get im, once each, with FlagCallOrig (RuleOrder,
//     RuleCall);
//   - programs see one 8-byte slot per argument of up to 8 bytes with its
//     register image and two with the bytes of a 9-16-byte argument, the
//     argument count at ctx-8, the function's address at ctx-16 with
//     FlagIPArg, and fexit programs of FlagCallOrig the return value after
//     the arguments (RuleCtx, RuleRet);
//   - the original function gets exactly the caller's arguments; the
//     traced function reached by the trampoline's return (no SKIP_FRAME)
//     gets them too after FlagRestoreRegs, and the caller's %r15 and
//     return address (RuleArgs);
//   - the caller gets the traced function's return value in %r2, or the
//     fmod_ret result that skipped it, extended as the ABI returns it;
//     from a struct_ops trampoline (RET_FENTRY_RET without CALL_ORIG,
//     returning to the caller, no fmod_ret program) it gets what the last
//     fentry program that ran returned, as BPF_TRAMP_F_RET_FENTRY_RET is
//     documented ("return the return value of fentry prog"), extended as
//     the function's return type (RuleRet);
//   - the tail call counter in the caller's frame reaches the original
//     function, and what the original leaves is what the caller sees
//     (RuleTailCall);
//   - from a program, the trampoline's backchain leads to the caller's
//     frame, whose %r14 slot holds the return address (RuleUnwind);
//   - no instruction stores above the caller's register save area and
//     argument slots (RuleStore).
//
// The checks of the traced function's arguments after the trampoline and
// of the caller's return value apply to the two kinds of trampoline the
// BPF core makes for traced functions (CALL_ORIG|SKIP_FRAME, and
// RESTORE_REGS alone), and the struct_ops rule above; 16-byte and void
// return values are not compared, nor the struct_ops return value when
// every fentry program was skipped (no documented value: the 6.12
// trampoline then returns whatever its return value slot held).
// A structure of 3, 5, 6 or 7 bytes, which the caller passes by
// reference, must still reach a program as its value: BPF gives every
// argument of up to 8 bytes one u64 context slot holding it (RuleCtx;
// the structure's bytes are compared with the slot's low-order bytes).
func RunTrampoline(t *Trampoline, seed uint64) (*TrampRun, error) {
	r, err := NewTrampRunner()
	if err != nil {
		return nil, err
	}
	return r.Run(t, seed)
}

// TrampRunner runs trampolines one after the other in one Env (Reset
// between runs), which saves the allocations of a fresh one per run.
type TrampRunner struct {
	e     *Env
	trace []uint64 // scratch for the machine's trace
}

// NewTrampRunner returns a runner with its Env.
func NewTrampRunner() (*TrampRunner, error) {
	e, err := NewEnv()
	if err != nil {
		return nil, err
	}
	return &TrampRunner{e: e}, nil
}

// Run is RunTrampoline in the runner's Env.
func (r *TrampRunner) Run(t *Trampoline, seed uint64) (*TrampRun, error) {
	if len(t.Code) == 0 || len(t.Code) > CodeSize {
		return nil, fmt.Errorf("%w: %d bytes of code", ErrTrampoline, len(t.Code))
	}
	rnd := rand.New(rand.NewPCG(seed, 0x7472616d70))
	e := r.e
	if err := e.Reset(); err != nil {
		return nil, err
	}
	e.BackchainOff = PackedBackchain
	e.RecordStores = true
	entry, err := e.Load(0, t.Code)
	if err != nil {
		return nil, err
	}
	run := &TrampRun{}
	off := func(pc uint64) int {
		if pc-entry < uint64(len(t.Code)) {
			return int(pc - entry)
		}
		return -1
	}
	report := func(rule string, at uint64, format string, args ...any) {
		run.Findings = append(run.Findings, Finding{Rule: rule, Off: off(at), Text: fmt.Sprintf(format, args...)})
	}

	callOrig := t.Flags&FlagCallOrig != 0
	skipFrame := t.Flags&(FlagSkipFrame|FlagIndirect) != 0 || t.FuncAddr == 0 && t.Flags&FlagOrigStack == 0
	const shape = FlagCallOrig | FlagSkipFrame | FlagRestoreRegs | FlagRetFentryRet | FlagIndirect
	coreKind := t.Flags&shape == FlagCallOrig|FlagSkipFrame || t.Flags&shape == FlagRestoreRegs && !skipFrame

	// The traced function's arguments and return value.
	args := make([]Value, len(t.Args))
	nrBPF := 0
	for i, a := range t.Args {
		if a.Size <= 0 || a.Size > 16 {
			return nil, fmt.Errorf("%w: argument %d of %d bytes", ErrTrampoline, i, a.Size)
		}
		b := make([]byte, a.Size)
		for j := range b {
			b[j] = byte(rnd.Uint32())
		}
		args[i] = Value{a, b}
		nrBPF++
		if a.Size > 8 {
			nrBPF++
		}
	}
	retv := rnd.Uint64() | 1
	retChecked := false
	switch t.RetSize {
	case 1, 2, 4, 8:
		b := make([]byte, t.RetSize)
		for j := range b {
			b[j] = byte(rnd.Uint32())
		}
		retv = Extend(Arg{Size: t.RetSize, Signed: t.RetSigned}, b)
		retChecked = true
	}
	body := t.FuncAddr + PatchSize
	var opts []CallOption
	if t.Flags&FlagOrigStack != 0 {
		if t.FuncAddr == 0 {
			body = 0x0500_0000 + PatchSize
		}
		opts = append(opts, WithReg(0, body))
	}

	// The programs: what enter returns for each (0 skips it), what each
	// returns, and the calls expected in order.
	type progInfo struct {
		TrampProg
		name  string
		start uint64
		ret   uint64
	}
	progs := map[uint64]*progInfo{}
	funcs := map[uint64]*progInfo{}
	var want []string
	stopped, wantRet := false, retv
	// A struct_ops trampoline (RET_FENTRY_RET without CALL_ORIG, returning
	// to the caller): the caller gets the fentry program's result.
	structOps := t.Flags&FlagRetFentryRet != 0 && !callOrig && skipFrame && len(t.FModRet) == 0 && retChecked
	var fentryRet uint64
	fentryRan := false
	for _, k := range []struct {
		name string
		ps   []TrampProg
	}{{"fentry", t.FEntry}, {"fmod_ret", t.FModRet}, {"fexit", t.FExit}} {
		if k.name == "fexit" && callOrig && !stopped {
			want = append(want, "body")
		}
		for i, pr := range k.ps {
			pi := &progInfo{TrampProg: pr, name: k.name + strconv.Itoa(i), start: 1}
			if rnd.IntN(3) == 0 {
				pi.start = 0
			}
			if k.name == "fmod_ret" && callOrig && rnd.IntN(3) == 0 {
				pi.ret = rnd.Uint64() | 1 // non-zero in every width
			}
			if k.name == "fentry" && structOps {
				pi.ret = rnd.Uint64() | 1
			}
			progs[pr.Addr], funcs[pr.BpfFunc] = pi, pi
			if stopped && k.name == "fmod_ret" || pi.start == 0 {
				continue
			}
			want = append(want, pi.name)
			if k.name == "fentry" && structOps {
				// Its result is what the trampoline returns (the last
				// fentry program that ran wins), as the function's type:
				// extended like its return value.
				fentryRet, fentryRan = Extend(Arg{Size: t.RetSize, Signed: t.RetSigned}, be64(pi.ret)[8-t.RetSize:]), true
				continue
			}
			if pi.ret != 0 {
				// Returned as the function's type: extended like its
				// return value.
				stopped, wantRet = true, pi.ret
				if retChecked {
					wantRet = Extend(Arg{Size: t.RetSize, Signed: t.RetSigned}, be64(pi.ret)[8-t.RetSize:])
				}
			}
		}
	}
	fexitRet := wantRet
	if !skipFrame {
		want = append(want, "body")
		wantRet = retv
	}

	// The caller's frame, as Call lays it out.
	callerSP := OuterFrame - uint64(SaveArea+StackArgBytes(argsOf(args)))
	for _, a := range args {
		if a.ByRef() {
			callerSP -= uint64((a.Size + 7) &^ 7)
		}
	}
	callerSP &^= 7

	// The tail call counter: the caller's frame holds tc0; the original
	// function, a BPF program, finds it in its caller's frame and leaves
	// tc1 there; the caller must see tc1.
	tc0 := 1 + rnd.Uint32N(30)
	tc1, tcWant := tc0+1+rnd.Uint32N(30), tc0
	opts = append(opts, WithFrameBytes(PackedTailCallCnt, be64(uint64(tc0))[4:]))

	checkArgs := func(who string, sc *StubCall) {
		for i := range args {
			got, ok := sc.Arg(i)
			if !ok {
				report(RuleArgs, sc.Regs[14], "%s: argument %d unreadable", who, i)
			} else if got != e.ArgImages[i] {
				report(RuleArgs, sc.Regs[14], "%s: argument %d (%v): got %#x, want %#x as the caller passed it", who, i, args[i].Arg, got, e.ArgImages[i])
			}
		}
	}
	e.AddStubAt("body", body, func(e *Env, sc *StubCall) uint64 {
		run.Events = append(run.Events, "body")
		if sc.Regs[14] == ReturnAddr {
			if coreKind {
				checkArgs("traced function", sc)
			}
			if sc.Regs[15] != callerSP {
				report(RuleArgs, sc.Regs[14], "traced function: %%r15 %#x, want the caller's %#x", sc.Regs[15], callerSP)
			}
			return retv
		}
		checkArgs("original function", sc)
		a := sc.Regs[15] + PackedTailCallCnt
		if b, err := e.Mem.Read(a, 4); err != nil || binary.BigEndian.Uint32(b) != tc0 {
			report(RuleTailCall, sc.Regs[14], "original function: tail call counter at %#x: % x (%v), want %d", a, b, err, tc0)
		}
		_ = e.Mem.Write(a, be64(uint64(tc1))[4:])
		tcWant = tc1
		return retv
	})
	for _, s := range []struct {
		name string
		addr uint64
	}{{"tramp_enter", t.TrampEnter}, {"tramp_exit", t.TrampExit}} {
		e.AddStubAt(s.name, s.addr, func(e *Env, sc *StubCall) uint64 {
			run.Events = append(run.Events, s.name)
			if sc.Regs[2] != t.Im {
				report(RuleCall, sc.Regs[14], "%s got %#x, want im %#x", s.name, sc.Regs[2], t.Im)
			}
			return 0
		})
	}
	var cur *progInfo
	var runCtx uint64
	for _, pi := range progs {
		e.AddStubAt("enter", pi.Enter, func(e *Env, sc *StubCall) uint64 {
			run.Events = append(run.Events, "enter")
			q, ok := progs[sc.Regs[2]]
			if !ok {
				report(RuleCall, sc.Regs[14], "enter: %%r2 %#x is no program", sc.Regs[2])
				return 0
			}
			cur, runCtx = q, sc.Regs[3]
			if b, err := e.Mem.Read(runCtx, 8); err != nil || binary.BigEndian.Uint64(b) != q.Cookie {
				report(RuleCall, sc.Regs[14], "enter of %s: run context %#x: cookie % x (%v), want %#x", q.name, runCtx, b, err, q.Cookie)
			}
			return q.start
		})
		e.AddStubAt("exit", pi.Exit, func(e *Env, sc *StubCall) uint64 {
			run.Events = append(run.Events, "exit")
			switch {
			case cur == nil:
				report(RuleOrder, sc.Regs[14], "exit without enter")
			case sc.Regs[2] != cur.Addr || sc.Regs[3] != cur.start || sc.Regs[4] != runCtx:
				report(RuleCall, sc.Regs[14], "exit of %s: got (%#x, %#x, %#x), want (%#x, %#x, %#x): the program, enter's start time, the run context",
					cur.name, sc.Regs[2], sc.Regs[3], sc.Regs[4], cur.Addr, cur.start, runCtx)
			}
			cur = nil
			return 0
		})
		e.AddStubAt("prog", pi.BpfFunc, func(e *Env, sc *StubCall) uint64 {
			q := funcs[sc.Stub.Addr]
			run.Events = append(run.Events, q.name)
			at := sc.Regs[14]
			if !q.Jited && sc.Regs[3] != q.Insnsi {
				report(RuleCall, at, "%s: interpreted program got %%r3 %#x, want insnsi %#x", q.name, sc.Regs[3], q.Insnsi)
			}
			ctx := sc.Regs[2]
			checkCtx(func(pc uint64, store bool, format string, a ...any) {
				report(RuleCtx, pc, format, a...)
				run.Findings[len(run.Findings)-1].Store = store
			}, e, at, q.name, ctx, args)
			if b, err := e.Mem.Read(ctx-16, 16); err != nil {
				report(RuleCtx, at, "%s: ctx-16: %v", q.name, err)
			} else {
				if n := binary.BigEndian.Uint64(b[8:]); n != uint64(nrBPF) {
					report(RuleCtx, at, "%s: argument count at ctx-8 %d, want %d", q.name, n, nrBPF)
				}
				if ip := binary.BigEndian.Uint64(b); t.Flags&FlagIPArg != 0 && ip != t.FuncAddr {
					report(RuleCtx, at, "%s: function address at ctx-16 %#x, want %#x", q.name, ip, t.FuncAddr)
				}
			}
			// An unwinder from the program: the trampoline's backchain
			// leads to the caller's frame, whose %r14 slot holds where
			// the trampoline returns.
			tsp := sc.Regs[15]
			if b, err := e.Mem.Read(tsp+PackedBackchain, 8); err != nil || binary.BigEndian.Uint64(b) != callerSP {
				report(RuleUnwind, at, "%s: backchain at %#x: % x (%v), want the caller's %%r15 %#x", q.name, tsp+PackedBackchain, b, err, callerSP)
			} else if b, err := e.Mem.Read(callerSP+PackedR14, 8); skipFrame && (err != nil || binary.BigEndian.Uint64(b) != ReturnAddr) {
				report(RuleUnwind, at, "%s: return address slot at %#x: % x (%v), want %#x", q.name, callerSP+PackedR14, b, err, uint64(ReturnAddr))
			}
			if strings.HasPrefix(q.name, "fexit") && callOrig && retChecked {
				if b, err := e.Mem.Read(ctx+8*uint64(nrBPF), 8); err != nil || binary.BigEndian.Uint64(b) != fexitRet {
					report(RuleRet, at, "%s: return value after the arguments % x (%v), want %#x", q.name, b, err, fexitRet)
				}
			}
			return q.ret
		})
	}

	e.M.SetTrace(4 * TraceLen) // stubs' hook steps are in it too
	res, err := e.Call(entry, args, 1_000_000, opts...)
	// The last TraceLen addresses in the trampoline, in one allocation.
	r.trace = e.M.AppendTrace(r.trace[:0])
	tr := r.trace
	keep, first := 0, len(tr)
	for i := len(tr) - 1; i >= 0 && keep < TraceLen; i-- {
		if off(tr[i]) >= 0 {
			keep, first = keep+1, i
		}
	}
	if keep > 0 {
		run.Trace = make([]int, 0, keep)
		for _, pc := range tr[first:] {
			if o := off(pc); o >= 0 {
				run.Trace = append(run.Trace, o)
			}
		}
	}
	if err != nil {
		var f *emu.Fault
		if errors.As(err, &f) {
			report(RuleFault, f.PC, "%v", f)
			return run, nil
		}
		return nil, err
	}
	if res.SP != callerSP {
		return nil, fmt.Errorf("caller's %%r15 %#x, computed %#x", res.SP, callerSP)
	}
	if len(res.Clobbered) != 0 {
		report(RuleRegs, 0, "callee-saved registers changed: %v", res.Clobbered) // 0: no instruction
	}
	if coreKind && retChecked && res.Ret != wantRet {
		report(RuleRet, 0, "caller got %%r2 %#x, want %#x", res.Ret, wantRet)
	}
	if structOps && fentryRan && res.Ret != fentryRet {
		report(RuleRet, 0, "caller got %%r2 %#x, want %#x, the last fentry program's result (RET_FENTRY_RET)", res.Ret, fentryRet)
	}
	if b, err := e.Mem.Read(res.SP+PackedTailCallCnt, 4); err != nil || binary.BigEndian.Uint32(b) != tcWant {
		w, _ := e.LastWriter(res.SP + PackedTailCallCnt)
		report(RuleTailCall, w.PC, "caller's tail call counter % x (%v), want %d (last written here)", b, err, tcWant)
	}
	limit := res.SP + uint64(SaveArea+StackArgBytes(argsOf(args)))
	for _, st := range e.Stores {
		if st.Addr+st.N > limit || st.Addr < StackBase {
			report(RuleStore, st.PC, "stores %d bytes at %#x, beyond the caller's save area and argument slots (up to %#x)", st.N, st.Addr, limit)
		}
	}

	// Order: programs and the traced function; tramp_enter and tramp_exit
	// once each with CALL_ORIG.
	var order []string
	nTramp := 0
	for i, ev := range run.Events {
		switch ev {
		case "enter", "exit":
		case "tramp_enter", "tramp_exit":
			nTramp++
		case "body":
			order = append(order, ev)
		default:
			if i == 0 || run.Events[i-1] != "enter" || i+1 >= len(run.Events) || run.Events[i+1] != "exit" {
				run.Findings = append(run.Findings, Finding{Rule: RuleOrder, Off: -1, Text: fmt.Sprintf("%s is not between enter and exit", ev)})
			}
			order = append(order, ev)
		}
	}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		run.Findings = append(run.Findings, Finding{Rule: RuleOrder, Off: -1, Text: fmt.Sprintf("calls in the order %v, want %v", order, want)})
	}
	if callOrig && nTramp != 2 || !callOrig && nTramp != 0 {
		run.Findings = append(run.Findings, Finding{Rule: RuleOrder, Off: -1, Text: fmt.Sprintf("%d calls of __bpf_tramp_enter/exit, want 2 with CALL_ORIG, else 0", nTramp)})
	}
	return run, nil
}

// checkCtx compares the BPF context of a program with the arguments. A
// difference is reported at at (where the program was called), or, for a
// structure passed by reference, at the instruction that last wrote its
// slot.
func checkCtx(report func(pc uint64, store bool, format string, a ...any), e *Env, at uint64, who string, ctx uint64, args []Value) {
	off := uint64(0)
	for i, a := range args {
		n := uint64(8)
		if a.Size > 8 {
			n = 16
		}
		got, err := e.Mem.Read(ctx+off, int(n))
		if err != nil {
			report(at, false, "%s: context at %#x: %v", who, ctx, err)
			return
		}
		switch {
		case a.Size > 8:
			if string(got[:a.Size]) != string(a.Bytes) {
				report(at, false, "%s: argument %d (%v): context bytes % x, want % x", who, i, a.Arg, got[:a.Size], a.Bytes)
			}
		case !a.ByRef():
			if v := binary.BigEndian.Uint64(got); v != Extend(a.Arg, a.Bytes) {
				report(at, false, "%s: argument %d (%v): context slot %#x, want %#x", who, i, a.Arg, v, Extend(a.Arg, a.Bytes))
			}
		default:
			// A structure of 3, 5, 6 or 7 bytes: the caller passed the
			// address of a copy, BPF gives the structure one u64 slot
			// with its value (its bytes in the slot's low-order bytes,
			// as a 4-byte structure's register image leaves them). The
			// high-order bytes are not compared.
			if string(got[8-a.Size:]) == string(a.Bytes) {
				break
			}
			pc, store := at, false
			if w, ok := e.LastWriter(ctx + off); ok {
				pc, store = w.PC, true
			}
			v := binary.BigEndian.Uint64(got)
			what := fmt.Sprintf("context slot %#x", v)
			if i < len(e.ArgImages) && v == e.ArgImages[i] {
				what = fmt.Sprintf("context slot %#x is the address of the caller's copy (the s390x ABI passes a %d-byte structure by reference)", v, a.Size)
			}
			report(pc, store, "%s: argument %d (%v): %s, want the structure's bytes % x", who, i, a.Arg, what, a.Bytes)
		}
		off += n
	}
}

func argsOf(vs []Value) []Arg {
	as := make([]Arg, len(vs))
	for i, v := range vs {
		as[i] = v.Arg
	}
	return as
}

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}
