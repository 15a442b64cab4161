package tramp

import (
	"fmt"
	"strconv"
)

// encode appends the machine code of in to dst. It fails when an operand
// does not fit its field (the kernel's EMIT macros would silently truncate
// or corrupt neighbouring fields instead).
func encode(dst []byte, in inst) ([]byte, error) {
	info := &ops[in.op]
	switch info.format {
	case fmtRR: // OP[0-7] R1[8-11] R2[12-15]
		return append(dst, info.op1, byte(in.r1)<<4|byte(in.r2)), nil
	case fmtRRE: // OP[0-15] ////[16-23] R1[24-27] R2[28-31]
		return append(dst, info.op1, info.op2, 0, byte(in.r1)<<4|byte(in.r2)), nil
	case fmtRIa, fmtRIc: // OP1[0-7] R1/M1[8-11] OP2[12-15] I2/RI2[16-31]
		v := in.imm
		if info.format == fmtRIc {
			if v&1 != 0 {
				return dst, fmt.Errorf("%s: odd branch offset %d", info.name, v)
			}
			v >>= 1
		}
		if v < -1<<15 || v >= 1<<15 {
			return dst, fmt.Errorf("%s: immediate %d does not fit 16 bits", info.name, v)
		}
		return append(dst, info.op1, byte(in.r1)<<4|info.op2, byte(v>>8), byte(v)), nil
	case fmtRILa, fmtRILb, fmtRILc: // OP1[0-7] R1/M1[8-11] OP2[12-15] I2/RI2[16-47]
		v := in.imm
		if info.format == fmtRILa {
			if v < -1<<31 || v >= 1<<32 {
				return dst, fmt.Errorf("%s: immediate %d does not fit 32 bits", info.name, v)
			}
		} else {
			if v&1 != 0 {
				return dst, fmt.Errorf("%s: odd branch offset %d", info.name, v)
			}
			v >>= 1
			if v < -1<<31 || v >= 1<<31 {
				return dst, fmt.Errorf("%s: branch offset %d does not fit 32 bits", info.name, in.imm)
			}
		}
		return append(dst, info.op1, byte(in.r1)<<4|info.op2, byte(v>>24), byte(v>>16), byte(v>>8), byte(v)), nil
	case fmtRXa: // OP[0-7] R1[8-11] X2[12-15] B2[16-19] D2[20-31]
		if in.d1 < 0 || in.d1 > 0xfff {
			return dst, fmt.Errorf("%s: displacement %d does not fit 12 bits", info.name, in.d1)
		}
		return append(dst, info.op1, byte(in.r1)<<4|byte(in.r2), byte(in.b1)<<4|byte(in.d1>>8), byte(in.d1)), nil
	case fmtRXYa, fmtRSYa: // OP1[0-7] R1[8-11] X2/R3[12-15] B2[16-19] DL2[20-31] DH2[32-39] OP2[40-47]
		if in.d1 < -1<<19 || in.d1 >= 1<<19 {
			return dst, fmt.Errorf("%s: displacement %d does not fit 20 bits", info.name, in.d1)
		}
		dl, dh := in.d1&0xfff, in.d1>>12
		return append(dst, info.op1, byte(in.r1)<<4|byte(in.r2), byte(in.b1)<<4|byte(dl>>8), byte(dl), byte(dh), info.op2), nil
	case fmtSSa: // OP[0-7] L[8-15] B1[16-19] D1[20-31] B2[32-35] D2[36-47]
		if in.l < 1 || in.l > 256 {
			return dst, fmt.Errorf("%s: length %d is not 1..256", info.name, in.l)
		}
		for _, d := range [2]int32{in.d1, in.d2} {
			if d < 0 || d > 0xfff {
				return dst, fmt.Errorf("%s: displacement %d does not fit 12 bits", info.name, d)
			}
		}
		return append(dst, info.op1, byte(in.l-1), byte(in.b1)<<4|byte(in.d1>>8), byte(in.d1),
			byte(in.b2)<<4|byte(in.d2>>8), byte(in.d2)), nil
	}
	return dst, fmt.Errorf("unknown instruction %d", in.op)
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
	case fmtRR, fmtRRE:
		dst = appendReg(dst, in.r1)
		return appendReg(append(dst, ','), in.r2)
	case fmtRIa:
		dst = appendReg(dst, in.r1)
		return strconv.AppendInt(append(dst, ','), in.imm, 10)
	case fmtRILa:
		dst = appendReg(dst, in.r1)
		return strconv.AppendUint(append(dst, ','), uint64(uint32(in.imm)), 10)
	case fmtRIc, fmtRILc:
		dst = strconv.AppendInt(dst, int64(in.r1), 10)
		return appendTarget(append(dst, ','), in.imm)
	case fmtRILb:
		dst = appendReg(dst, in.r1)
		return appendTarget(append(dst, ','), in.imm)
	case fmtRXa, fmtRXYa:
		dst = appendReg(dst, in.r1)
		return appendAddr(append(dst, ','), in.d1, in.r2, in.b1)
	case fmtRSYa:
		dst = appendReg(dst, in.r1)
		dst = appendReg(append(dst, ','), in.r2)
		return appendAddr(append(dst, ','), in.d1, 0, in.b1)
	case fmtSSa:
		dst = strconv.AppendInt(dst, int64(in.d1), 10)
		dst = strconv.AppendInt(append(dst, '('), int64(in.l), 10)
		dst = appendReg(append(dst, ','), in.b1)
		dst = append(dst, "),"...)
		return appendAddr(dst, in.d2, 0, in.b2)
	}
	return dst
}
