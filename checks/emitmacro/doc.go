// Package emitmacro defines an Analyzer that evaluates the EMIT macro
// definitions of the file under check and compares what they encode with
// the reference s390x encoder.
//
// # Analyzer emitmacro
//
// emitmacro: EMIT macro places an operand in the wrong field
//
// The s390x BPF JIT builds every instruction through a family of macros
// (EMIT2 for RR, EMIT4 for RRE, EMIT4_DISP for RX/RS, EMIT6_DISP_LH for
// RXY/RSY, EMIT6_PCREL_RILB for RIL-b, ...). The check takes the
// definitions from the file itself, so a patch that changes a macro is
// checked too, and evaluates each one with a small C interpreter (integer
// types, shifts, masks, casts, statement expressions, nested macro calls
// and the file's own reg(), reg_high() and reg_set_seen() helpers; the
// stores through jit->prg_buf and the advance of jit->prg are captured).
// The operands are swept: registers that set each bit of a register field,
// boundary and random displacements, immediates, masks, and branch targets
// at several program offsets. The bytes are compared with refimpl's encoder
// for the format the macro produces; a macro that encodes any in-range
// operand wrongly is reported at its definition, with the call that shows
// it (a macro that is only wrong through another wrong macro is not
// reported again). When the file defines reg_set_seen(), each macro must
// also mark every register of %r6-%r15 it uses in jit->seen_regs, or the
// prologue does not save it. The literal pool macros (_EMIT_CONST_U32,
// EMIT_CONST_U64, ...) must store their value at jit->lit32 or jit->lit64,
// advance it by the entry's size and yield the entry's offset. EMIT_ATOMIC,
// which the JIT defines inside bpf_jit_insn, must emit the 32- or 64-bit
// interlocked-access instruction ({%w0|%src},%src,off(%arena)), then for a
// fetch bcr 14,0 and, for 32 bits, llgfr %src,%src.
//
// Bad:
//
//	#define EMIT4_DISP(op, b1, b2, disp)			\
//	({							\
//		_EMIT4_DISP((op) | reg_high(b1) << 16 |		\
//			    reg_high(b2) << 4, (disp));		\
//	})
//
// reports "EMIT4_DISP places X2,B2 wrongly: EMIT4_DISP(0x41000000, ...) emits ...".
//
// Fixed:
//
//	#define EMIT4_DISP(op, b1, b2, disp)			\
//	({							\
//		_EMIT4_DISP((op) | reg_high(b1) << 16 |		\
//			    reg_high(b2) << 8, (disp));		\
//	})
package emitmacro

// doc is the Analyzer's documentation: a one-line title, then details.
const doc = `EMIT macro places an operand in the wrong field

emitmacro evaluates the file's EMIT macro definitions over sweeps of
registers, displacements, immediates, masks and branch targets and
compares the bytes with the reference encoder of the format each macro
produces.`
