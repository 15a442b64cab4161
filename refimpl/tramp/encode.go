package tramp

import (
	"strconv"

	"github.com/trampcheck/trampcheck/refimpl"
)

// encode appends the machine code of in to dst, encoded by refimpl from
// the operands in GNU order. Operands that do not fit their fields are
// errors (the kernel's EMIT macros would silently truncate them or corrupt
// neighbouring fields instead).
func encode(dst []byte, in inst) ([]byte, error) {
	info := &ops[in.op]
	var a [6]int64
	var n int
	switch info.format {
	case refimpl.FormatRR, refimpl.FormatRRE: // r1,r2 (bcr: m1,r2)
		a[0], a[1], n = int64(in.r1), int64(in.r2), 2
	case refimpl.FormatRIa, refimpl.FormatRILa, refimpl.FormatRIc, refimpl.FormatRILb, refimpl.FormatRILc: // r1,i2 or m1/r1,target
		a[0], a[1], n = int64(in.r1), in.imm, 2
	case refimpl.FormatRXa, refimpl.FormatRXYa: // r1,d2(x2,b2)
		a[0], a[1], a[2], a[3], n = int64(in.r1), int64(in.d1), int64(in.r2), int64(in.b1), 4
	case refimpl.FormatRSYa: // r1,r3,d2(b2)
		a[0], a[1], a[2], a[3], n = int64(in.r1), int64(in.r2), int64(in.d1), int64(in.b1), 4
	case refimpl.FormatSSa: // d1(l,b1),d2(b2)
		a[0], a[1], a[2], a[3], a[4], n = int64(in.d1), int64(in.l), int64(in.b1), int64(in.d2), int64(in.b2), 5
	}
	return info.insn.AppendEncode(dst, a[:n]...)
}

// appendReg appends "%rN".
func appendReg(dst []byte, r Reg) []byte {
	return strconv.AppendInt(append(dst, '%', 'r'), int64(r), 10)
}

// appendTarget appends a branch target relative to the instruction as GNU
// as reads it: ".", ".+N" or ".-N".
func appendTarget(dst []byte, rel int64) []byte {
	dst = append(dst, '.')
	if rel > 0 {
		dst = append(dst, '+')
	}
	if rel != 0 {
		dst = strconv.AppendInt(dst, rel, 10)
	}
	return dst
}

// appendAddr appends a D(X,B) or D(B) operand as objdump prints it.
func appendAddr(dst []byte, d int32, x, b Reg) []byte {
	dst = strconv.AppendInt(dst, int64(d), 10)
	switch {
	case x != 0:
		dst = appendReg(append(dst, '('), x)
		dst = appendReg(append(dst, ','), b)
		dst = append(dst, ')')
	case b != 0:
		dst = appendReg(append(dst, '('), b)
		dst = append(dst, ')')
	}
	return dst
}

// brclNames are objdump's extended mnemonics of brcl by mask.
var brclNames = map[Reg]string{0: "jgnop", 7: "jgne", 8: "jge", 15: "jg"}

// appendText appends in in GNU assembler syntax, spelled as objdump -d
// prints it (extended mnemonics for branches), except that branch targets
// are written relative to the instruction (".+N") so that GNU as can
// assemble the text back.
func appendText(dst []byte, in inst) []byte {
	info := &ops[in.op]
	switch in.op {
	case opBCR:
		if in.r1 == MaskAlways {
			return appendReg(append(dst, "br\t"...), in.r2)
		}
	case opBRC:
		if in.r1 == MaskAlways {
			return appendTarget(append(dst, "j\t"...), in.imm)
		}
	case opBRCL:
		if n, ok := brclNames[in.r1]; ok {
			return appendTarget(append(append(dst, n...), '\t'), in.imm)
		}
	}
	dst = append(append(dst, info.name...), '\t')
	switch info.format {
	case refimpl.FormatRR, refimpl.FormatRRE:
		dst = appendReg(dst, in.r1)
		return appendReg(append(dst, ','), in.r2)
	case refimpl.FormatRIa:
		dst = appendReg(dst, in.r1)
		return strconv.AppendInt(append(dst, ','), in.imm, 10)
	case refimpl.FormatRILa:
		dst = appendReg(dst, in.r1)
		return strconv.AppendUint(append(dst, ','), uint64(uint32(in.imm)), 10)
	case refimpl.FormatRIc, refimpl.FormatRILc:
		dst = strconv.AppendInt(dst, int64(in.r1), 10)
		return appendTarget(append(dst, ','), in.imm)
	case refimpl.FormatRILb:
		dst = appendReg(dst, in.r1)
		return appendTarget(append(dst, ','), in.imm)
	case refimpl.FormatRXa, refimpl.FormatRXYa:
		dst = appendReg(dst, in.r1)
		return appendAddr(append(dst, ','), in.d1, in.r2, in.b1)
	case refimpl.FormatRSYa:
		dst = appendReg(dst, in.r1)
		dst = appendReg(append(dst, ','), in.r2)
		return appendAddr(append(dst, ','), in.d1, 0, in.b1)
	case refimpl.FormatSSa:
		dst = strconv.AppendInt(dst, int64(in.d1), 10)
		dst = strconv.AppendInt(append(dst, '('), int64(in.l), 10)
		dst = appendReg(append(dst, ','), in.b1)
		dst = append(dst, "),"...)
		return appendAddr(dst, in.d2, 0, in.b2)
	}
	return dst
}
