// Package asmcomment defines an Analyzer that checks every EMIT call of the
// s390x BPF JIT against the assembler comment that documents it.
//
// # Analyzer asmcomment
//
// asmcomment: EMIT call disagrees with its assembler comment
//
// Nearly every EMIT call in arch/s390/net/bpf_jit_comp.c carries a comment
// in GNU s390x assembler syntax, with symbolic operands:
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15, tjit->retval_off);
//
// The check parses the comment (the one directly above the call, or on the
// same line, or above an if header or a simple assignment that precedes
// the call) and compares it with the instruction the call emits: the
// mnemonic against the opcode bits (through the reference instruction
// table), concrete registers against the register arguments (REG_* macros
// resolved through the file's own definitions and reg2hex array), symbolic
// displacements, immediates, lengths, masks and location-counter targets
// against the argument expressions, and the comment's own syntax against
// the operands its mnemonic takes. Comments that are not assembly (prose,
// pseudo-code such as "%r1()" or "%r8 = func_addr + S390X_PATCH_SIZE") are
// ignored. A symbolic register (%dst, %src, %arg) is compared by name with
// the argument (dst_reg, src_reg, arg); one that names a variable of the
// code is reported when the call emits another variable or a fixed register.
// A symbolic displacement (retval_off) must be covered by the names of the
// argument (tjit->retval_off); a name the argument lacks is reported when it
// is a name of the function's code (tjit->r14_off for retval_off). Kernel
// conventions are understood: %w0/%w1/%l/%b0..%b9/%bfp name fixed
// registers through reg2hex, val_hi/val_lo are val >> 32 and val, D(B) and
// D(X,B) compare index and base as a set (the hardware adds them), "{a|b}"
// and "a or b" pair with "cond ? op_a : op_b". A finding about the comment
// itself (unknown mnemonic, malformed operands) lists the fields the call
// emits, so that a later change of the call is a new finding.
//
// Bad:
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0004, REG_2, REG_0, REG_15, tjit->retval_off);
//
// reports "comment says stg (e3..24) but EMIT6_DISP_LH emits lg (e3..04)".
//
// Fixed:
//
//	/* stg %r2,retval_off(%r15) */
//	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15, tjit->retval_off);
package asmcomment

// doc is the Analyzer's documentation: a one-line title, then details.
const doc = `EMIT call disagrees with its assembler comment

asmcomment parses the GNU assembler comment of every EMIT call and checks
the mnemonic, registers, displacements, immediates, lengths and masks it
names against what the call emits.`
