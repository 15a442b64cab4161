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
package tramp
