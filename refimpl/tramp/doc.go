// Package tramp is a reference implementation of the BPF trampoline that
// Linux 6.12's s390x JIT generates (arch_prepare_bpf_trampoline in
// arch/s390/net/bpf_jit_comp.c). Generate returns, for a Config describing
// the traced function, the flags and the attached programs, exactly the
// bytes the kernel writes, with a listing and the stack frame.
//
// It is written from the contract the trampoline implements, not from the
// C code: the s390x ELF ABI (arguments in %r2-%r6 and on the caller's
// stack, 160-byte register save area, backchain, %r14 return address), the
// BPF trampoline contract (the BPF context is an array of 8-byte argument
// slots followed by the return value, with the function's address at
// ctx-16 and the argument count at ctx-8; fentry, fmod_ret and fexit
// programs are bracketed by their enter and exit functions and get a
// struct bpf_tramp_run_ctx with their cookie; a non-zero fmod_ret result
// skips the original function), and the kernel's spectre mitigations
// (execute-type expolines and a %r1 thunk local to the trampoline).
//
// # Generation
//
// Like the kernel, Generate runs the emitter twice: a sizing pass that
// writes nothing, and a writing pass. The emitter's state survives the
// first pass, so branches to code that lies ahead of them (the %r1 thunk
// at the very end, do_fexit, the epilogue) use the offsets the sizing pass
// found; each program's "skip" branch is patched once its target is known.
// Every instruction has a fixed length, so the offsets of both passes
// agree.
//
// The kernel rejects some configurations; Generate then returns a
// *RejectError with the errno arch_prepare_bpf_trampoline returns:
//
//   - ENOTSUPP: an argument larger than 16 bytes, or more than 32 stack
//     arguments (unreachable with at most 12 arguments);
//   - EINVAL: a program whose return value must be kept (every fmod_ret
//     program, and fentry programs with FlagRetFentryRet) while the traced
//     function returns void or a size other than 1, 2, 4 or 8 bytes;
//   - E2BIG: the code does not fit Config.ImageSize.
//
// Configurations that the kernel's structures cannot hold at all (more
// than 12 arguments, more than 27 programs of one kind, sizes above 255)
// are errors of the Config.
//
// # Inputs that are opaque addresses
//
// The generator only loads addresses into registers (llihf/oilf, 12 bytes
// whatever the value). A Config names them all; zero fields get the
// defaults of defaults.go (DefaultIm, DefaultTrampEnter, DefaultProg, ...),
// except FuncAddr, where 0 is NULL, and cookies, which are used as given.
// The code is position independent: Config.Image does not change it.
//
// # Frame
//
// Frame names every slot (Frame.Slots, Frame.CallerSlots, Frame.Fprint).
// Offsets are from %r15 after the trampoline's aghi:
//
//	0..151          register save area for our callees
//	152             backchain (the caller's %r15)
//	160             outgoing stack arguments (arguments 6..12), 8 bytes each
//	                saved %r2..%r6
//	ctx-16          traced function's address (bpf_get_func_ip)
//	ctx-8           number of BPF argument slots (bpf_get_func_arg_cnt)
//	ctx             BPF argument slots (two per 9..16-byte argument)
//	                return value, %r7/%r8, struct bpf_tramp_run_ctx,
//	                saved tail call counter, %r14 (16 bytes, last)
//
// The frame reuses the 152 bytes of the caller's register save area below
// the caller's backchain; so the saved %r14 is exactly the caller's %r14
// save slot, and the caller's tail call counter (at caller+64) lies inside
// our slots, which is why it is copied to our own slot first and back last.
//
// # Matrix and covering set
//
// Matrix describes the documented matrix of configurations, 16 dimensions
// and 21,565,440 points, small enough to run whole (trampcheck xcheck, a few
// minutes on two cores):
//
//	nargs      0..12 arguments (5 in %r2-%r6, the rest on the stack)
//	argsizes   all 1, 2, 4, 8 or 16 bytes, without argument flags; or
//	           "mixed": 16,1,12,2,4,3,8,5,16,9,2,17 with the flags BTF
//	           gives them (signed integers, structs), ENOTSUPP at 12
//	RESTORE_REGS, CALL_ORIG, SKIP_FRAME, IP_ARG, RET_FENTRY_RET,
//	ORIG_STACK, INDIRECT   each off or on (seven dimensions: the matrix
//	           holds all 128 combinations)
//	fentry, fmod_ret, fexit   0..2 programs each
//	progs      "jited": all jited, zero cookies; "mixed": interpreted then
//	           jited, distinct cookies with the top bit set
//	expolines  off, on
//	ret        void, u8, s8, u16, s16, u32, s32, u64, s64, 16 bytes
//	funcaddr   NULL, MatrixFuncAddr
//
// Dimensions that do not change what the 6.12 generator reads are folded
// into others rather than multiplied: argument flags into the argument
// pattern, cookies into the program kind, signedness into the return type.
//
// Covering returns a covering subset: every combination of the seven flags
// with the NULL and non-NULL function address (256), and for any two
// dimensions every pair of their values, in 256 configurations (the other
// dimensions of the seeded rows are chosen greedily to cover pairs, then
// in turn), and one struct_ops trampoline with a value to return
// (RET_FENTRY_RET|SKIP_FRAME, an fentry program, an s32 return), a shape
// pairs do not force in, whose return value trampexec checks: 257 in
// all. The flags and the address are seeded whole because the
// generator decides from them together which parts of the frame and code
// exist: a slip there can need three or four of them to show, and a
// mutant sweep of the generator (TestCoveringStrength in
// checks/trampxcheck) found one such bug that a plain pairwise set of 130
// configurations missed. Of the 257 the kernel rejects 3 with ENOTSUPP
// (the 17-byte argument) and 32 with EINVAL (kept return values of void or
// 16-byte functions); the rules are those listed under Generation.
//
// # Evidence
//
// The tests compare the listings with GNU as (text assembles to the listed
// bytes) and objdump (bytes disassemble to the listed text), with refimpl's
// disassembler over 21,000 configurations, with three listings derived by
// hand from the contract, and, when a kernel tree and an s390x cross
// compiler are installed, with the kernel's own generator: its functions
// are read from arch/s390/net/bpf_jit_comp.c at test time, compiled with
// s390x-linux-gnu-gcc against a small stub header and run under qemu-s390x
// on the covering set plus 3,000 random matrix points; bytes, sizes and
// errors agree for all of them.
//
// Generate takes 4-7 microseconds per configuration on the covering set
// (go test -bench Generate -cpu 1 ./refimpl/tramp), well above 50,000
// configurations per second on one core.
package tramp
