// Package trampexec runs the s390x BPF trampoline that the file's own
// generator emits on an emulator and checks it against the calling
// contract.
//
// # Analyzer trampexec
//
// trampexec: the generated trampoline keeps the ABI and BPF contract when run
//
// For every C file that defines __arch_prepare_bpf_trampoline, the check
// executes the generator with the C interpreter (package cparse/interp,
// driven as arch_bpf_trampoline_size and arch_prepare_bpf_trampoline drive
// it, as trampxcheck does) for each configuration of the covering set
// (refimpl/tramp.Covering: only the description of the configurations;
// refimpl/tramp's generated code is never read), and runs the bytes it
// emits with refimpl/emu/abi.RunTrampoline: a caller per the s390x ELF ABI
// with the kernel's frame layout (backchain at 152, the BPF tail call
// counter at 64 of the caller's frame), native stubs for the enter and exit
// functions, the programs and the original function, and the contract
// written from the ABI and BPF's documented semantics (see RunTrampoline:
// faults, callee-saved registers, call order and arguments, the BPF
// context, the original function's arguments, return values, the tail
// call counter, the unwinder's backchain and return address slot, stores
// outside the frame). It does not compare with any reference code, so it
// also sees what a reference transcribed from the same code gets wrong.
//
// Each violation is reported at the C line of the EMIT that produced the
// instruction responsible: the store or faulting instruction; for what a
// called stub saw (its arguments, the context, the unwinder's slots), the
// call instruction; for the caller's tail call counter, a store into it
// before any mvc read it (found by a second run that watches the slot),
// else the last instruction that wrote it; for what is only seen once the trampoline
// returned (registers, the caller's return value, the call order), the
// last trampoline instruction that ran. The message gives the rule, the
// observed and expected values, the instruction, the configuration, the
// calls the run made (and for a fault the last instructions run with their
// lines). Violations of one rule at one line are one finding, with the
// first configuration as the example and the number of the others.
//
// Bad: the tail call counter that the original function (a BPF program
// called with BPF_TRAMP_F_CALL_ORIG) leaves in the trampoline's frame is
// not copied back into the trampoline's own slot after the call, so the
// caller gets its old counter back ("s390/bpf: Write back tail call
// counter for BPF_TRAMP_F_CALL_ORIG", 2025):
//
//	call_r1(jit);
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
//		      tjit->retval_off);
//
// reported at the final copy to the caller's frame (the last writer of the
// caller's counter), for the configurations that call the original
// function and let it run, as
//
//	tail_call: caller's tail call counter 00 00 00 16, want 29 (last
//	written here); at +918 mvc 184(4,%r15),248(%r15) [args=4,4 ret=1s
//	flags=CALL_ORIG fentry=2 fmod_ret=2 fexit=2 func_addr=NULL]; calls:
//	tramp_enter fentry0 fentry1 fmod_ret0 body fexit0 fexit1 tramp_exit
//	and 80 more configurations
//
// (22 is what the caller passed, 29 what the original function left).
// Configurations without arguments that call the original function join
// the finding at the backchain store (below): their caller now gets the
// value that store left.
//
// Fixed: after the call, copy the counter the callee left at
// tail_call_cnt(%r15) back to tccnt_off:
//
//	/* mvc tccnt_off(4,%r15),tail_call_cnt(%r15) */
//	_EMIT6(0xd203f000 | tjit->tccnt_off,
//	       0xf000 | offsetof(struct prog_frame, tail_call_cnt));
//
// # The finding on Linux 6.12 (6.12.118): no argument
//
// On the unmodified file the check reports one violation, for every
// configuration whose traced function takes no argument: the tail call
// counter. It is reported at the backchain store (the caller's counter
// afterwards), and, with CALL_ORIG, at the call of the original function
// (in call_r1: the counter it gets), as
//
//	tail_call: caller's tail call counter 00 00 03 ff, want 2 (last
//	written here); at the store over the caller's counter before it was
//	saved +8 stg %r1,152(%r15), the last +66 mvc 152(4,%r15),216(%r15)
//	(line 2893) [args=none flags=0 func_addr=NULL]; calls: none and 9 more
//	configurations
//
// The evidence, for args=none flags=CALL_ORIG,SKIP_FRAME with one fexit
// program (offsets in the trampoline):
//
//	+0  lgr  %r1,%r15              the caller's %r15
//	+4  aghi %r15,-88              the frame is 88 bytes
//	+8  stg  %r1,152(%r15)         backchain: caller's %r15 - 88 + 152 = caller + 64
//	+14 mvc  216(4,%r15),152(%r15) "save" the caller's counter at caller + 64
//	...
//	+80 mvc  64(4,%r15),216(%r15)  the original function gets it
//	...
//	+264 mvc 152(4,%r15),216(%r15) and the caller gets it back at the end
//
// The frame reuses all but the last 8 bytes of the 160-byte save area the
// caller provides (stack_size -= STACK_FRAME_OVERHEAD - 8), so the
// trampoline's backchain slot, 152 of its frame, is 152 - stack_size bytes
// above the caller's %r15. The frame is at least 88 bytes (ip, argument
// count, return value, %r7/%r8, run context, saved counter, %r14) plus 16
// per argument (the saved register or stack slot and the BPF context
// slot), so with no argument, and only then, the backchain store at +8
// writes the caller's %r15 over the caller's tail call counter (4 bytes at
// 64 of the caller's frame, struct prog_frame) before the mvc at +14 copies
// the counter to the trampoline's own slot. What the trampoline then hands
// to the original function and back to the caller is the high word of a
// stack address (0x3ff with the emulator's stack above 4 GiB, as kernel
// stacks are), not the counter.
//
// Why it matters for BPF callers: the counter lives in the frame of the BPF
// program that made the call (the JIT keeps it at 64 of the frame its
// callees get). When a JITed BPF program calls a traced function that
// takes no argument (for example a helper or kfunc without arguments with
// an fentry or fexit program attached), it gets back a counter of about a
// thousand in place of its own; the JIT's tail call sequence compares the
// counter with MAX_TAIL_CALL_CNT (33), so a tail call the program makes
// afterwards is refused. (This consequence is reasoned from the JIT's
// documented frame layout, not run on hardware.) A caller that is C code
// does not read the slot: for it, bytes 64-67 of its frame are part of the
// save area its callee may use. The original function of a CALL_ORIG
// trampoline without arguments is a kernel function, not a BPF program
// (those take a context), so the wrong counter it gets is harmless. A fix
// is to save the counter before storing the backchain (the mvc at +14
// before the stg at +8), or to keep the backchain slot away from 64.
//
// # The finding on Linux 6.12 (6.12.118): a structure of 3, 5, 6 or 7 bytes
//
// The s390x ELF ABI passes a structure whose size is not 1, 2, 4 or 8
// bytes by reference: the caller makes a copy and passes its address in
// the argument's register or stack slot. The 6.12 trampoline's comment
// says "arguments that are 8 bytes or smaller are packed into a register",
// and the generator copies such an argument's register (stg, reported at
// the EMIT after "if (m->arg_size[i] <= 8) {") or stack slot (mvc, the
// EMIT after it) into the BPF context as it is. A program therefore reads
// the address of the caller's copy where BPF gives a structure of up to 8
// bytes one u64 slot holding its value (btf_func_model's arg_size, as
// the trampoline's own nr_bpf_args counts it), as
//
//	ctx: fexit0: argument 5 (struct3): context slot 0x3ff0400efd0 is the
//	address of the caller's copy (the s390x ABI passes a 3-byte structure
//	by reference), want the structure's bytes 3b b7 b2; at +56 mvc
//	312(8,%r15),440(%r15) [args=16,1s,12,2s,4s,3,8s,5,16,9 ...]
//
// The covering set and the matrix have such structures only in stack
// positions (the mvc line); the GCC harness's cases also pass them in
// registers (the stg line, TestTrampolinesGCC).
// Evidence: in the GCC harness (refimpl/emu/abi/gccharness, run under
// qemu-s390x in CI) the gcc-compiled caller passes 3, 5, 6 and 7-byte
// structures by reference and the programs find the structure's bytes
// only by dereferencing their context slot, on qemu and on the emulator
// alike. Whether a kernel lets a program attach to such a function
// depends on the BTF it has for it (the 2025 proposal to refuse struct
// arguments the trampoline cannot place was not merged; the check moved
// into pahole): trampcheck does not model BTF generation, so the finding
// says what a program gets if it attaches. A fix, which TestByRefFixed
// writes into the file and runs (the finding goes, nothing else changes):
//
//	if ((m->arg_flags[i] & BTF_FMODEL_STRUCT_ARG) &&
//	    (m->arg_size[i] == 3 || m->arg_size[i] == 5 ||
//	     m->arg_size[i] == 6 || m->arg_size[i] == 7)) {
//		/* lgr %r1,%arg or lg %r1,arg(%r15) */
//		/* xc bpf_arg_off(8,%r15),bpf_arg_off(%r15) */
//		/* mvc bpf_arg_off+8-size(size,%r15),0(%r1) */
//		j += 1;
//	} else if (m->arg_size[i] <= 8) {
//
// These are the only findings on the unmodified file; the tests require
// them (and only them) on the real file, and tell when they are gone.
//
// # Cost
//
// The check runs by default in "trampcheck check". It does not run the
// generator itself: the runs over the covering set come from trampgen,
// which trampxcheck shares, so what it adds is the emulator (one run per
// configuration) and, per finding, a second run that locates the store
// that lost the tail call counter: about 15 ms of CPU over the covering
// set, 7-10 ms on two idle cores (BenchmarkCheckRuns; BenchmarkAnalyzer
// measures a whole check of the file with and without it). "trampcheck
// xcheck --exec" does not run the generator either: a Stream checks the
// runs of trampxcheck's comparison (trampxcheck.CheckDiffNSink), so each
// configuration of the matrix runs the generator once for both checks.
// CheckN runs the generator itself.
//
// A file whose generator cannot be executed gets one diagnostic at that
// line, "cannot execute the trampoline generator: ...", as in trampxcheck.
package trampexec
