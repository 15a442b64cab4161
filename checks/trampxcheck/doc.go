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
// definitions in the file), over the pairwise covering subset of the
// documented configuration matrix (refimpl/tramp.Covering), and compares
// every byte with refimpl/tramp.Generate. A divergence is reported at the
// C line of the first diverging EMIT, with both instructions disassembled
// and the configuration; divergences with the same first diverging EMIT
// are one finding. On every configuration it also checks the frame
// invariants of struct bpf_tramp_jit: ip at ctx-16, the argument count at
// ctx-8, %r14 at the bottom, the backchain at the end of the callee area,
// no overlapping slots, 8-byte alignment and displacements that fit.
//
// Bad: the return value is stored one slot too high.
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
//		      tjit->retval_off + 8);
//
// reported as
//
//	emits stg %r2,232(%r15), reference stg %r2,224(%r15) [args=8 flags=CALL_ORIG] [trampcheck:trampxcheck]
//
// Fixed:
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
//		      tjit->retval_off);
//
// The command "trampcheck xcheck" runs the same comparison over the whole
// matrix or a patch's base and patched file.
package trampxcheck
