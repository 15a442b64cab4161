// Package trampxcheck cross-checks the s390x BPF trampoline generator of
// arch/s390/net/bpf_jit_comp.c against trampcheck's Go reference.
//
// # Analyzer trampxcheck
//
// trampxcheck: the trampoline generator emits what the reference emits
//
// The check executes the file's own __arch_prepare_bpf_trampoline, driven
// as arch_bpf_trampoline_size and arch_prepare_bpf_trampoline drive it
// (package cparse/interp, with the EMIT macros evaluated from their
// definitions in the file), over the 257-configuration covering subset of
// the documented configuration matrix (refimpl/tramp.Covering; the runs
// come from the result-only analyzer trampgen, which trampexec shares),
// and compares every byte with refimpl/tramp.Generate. A divergence is reported at the
// C line of the first diverging EMIT, with both instructions disassembled
// and the configuration; divergences with the same first diverging EMIT
// are one finding. On every configuration it also checks the frame
// invariants of struct bpf_tramp_jit: ip at ctx-16, the argument count at
// ctx-8, %r14 at the bottom, the backchain at the end of the callee area,
// no overlapping slots, 8-byte alignment and displacements that fit.
//
// Bad: after the call of the traced function, the return value is stored
// one slot too high.
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
//		      tjit->retval_off + 8);
//
// reported at the EMIT line (6.12.117: 2838) as
//
//	emits stg %r2,184(%r15), reference stg %r2,176(%r15) [args=none ret=2s
//	flags=CALL_ORIG fentry=2 fmod_ret=2 fexit=2 func_addr=NULL]
//	(EMIT6_DISP_LH defined at lines 231-238; statement at lines 2838-2839;
//	inputs: tjit->retval_off from line 2669; depends on lines 2631-2633,
//	line 2669, line 2814) and 760 more configurations
//
// Fixed:
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
//		      tjit->retval_off);
//
// The note in parentheses comes from a traced re-run of the first
// configuration: the statements that last wrote what the diverging EMIT
// read, the conditions decided since the previous instruction, and the
// statements those depend on, so that a bug in a computation (a slot size,
// a condition, a call argument) is named even though it shows at a later
// EMIT. Divergences that only move the target of a relative branch are
// skipped in favour of the instruction that moved it.
//
// A file whose generator cannot be executed (an identifier defined neither
// in the file nor in the environment model, a construct the interpreter
// does not support) gets one diagnostic at that line, "cannot execute the
// trampoline generator: ...".
//
// The command "trampcheck xcheck" runs the same comparison over the whole
// matrix or a patch's base and patched file.
package trampxcheck
