package refimpl

import (
	"fmt"
)

// OperandError reports an operand that the instruction cannot encode. The
// value is never masked into range.
type OperandError struct {
	Mnemonic string
	What     string // "register", "mask", "immediate", "displacement", "length", "relative offset"
	Value    int64
	Min, Max int64
	Reason   string // set instead of the range for other problems (odd register pair, odd offset)
}

// Error gives the operand, its value and the accepted range
// ("displacement 600000 out of range -524288..524287").
func (e *OperandError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s %d %s", e.What, e.Value, e.Reason)
	}
	return fmt.Sprintf("%s %d out of range %d..%d", e.What, e.Value, e.Min, e.Max)
}

func rangeErr(in *Insn, what string, v, lo, hi int64) error {
	return &OperandError{Mnemonic: in.Mnemonic, What: what, Value: v, Min: lo, Max: hi}
}

// The z* functions pack already validated field values into the format's
// bit layout, with parameters named after the Principles of Operation fields
// in field order. They append to dst.

func zRR(dst []byte, op Opcode, r1, r2 uint32) []byte {
	return append(dst, byte(op), byte(r1<<4|r2))
}

func zRRE(dst []byte, op Opcode, r1, r2 uint32) []byte {
	return append(dst, byte(op>>8), byte(op), 0, byte(r1<<4|r2))
}

func zRRF(dst []byte, op Opcode, r3, m4, r1, r2 uint32) []byte {
	return append(dst, byte(op>>8), byte(op), byte(r3<<4|m4), byte(r1<<4|r2))
}

func zRI(dst []byte, op Opcode, r1, i2 uint32) []byte {
	return append(dst, byte(op>>4), byte(r1<<4|uint32(op)&0xf), byte(i2>>8), byte(i2))
}

func zRIL(dst []byte, op Opcode, r1, i2 uint32) []byte {
	return append(dst, byte(op>>4), byte(r1<<4|uint32(op)&0xf), byte(i2>>24), byte(i2>>16), byte(i2>>8), byte(i2))
}

func zRS(dst []byte, op Opcode, r1, r3, b2, d2 uint32) []byte {
	return append(dst, byte(op), byte(r1<<4|r3), byte(b2<<4|d2>>8), byte(d2))
}

func zRSY(dst []byte, op Opcode, r1, r3, b2, dl2, dh2 uint32) []byte {
	return append(dst, byte(op>>8), byte(r1<<4|r3), byte(b2<<4|dl2>>8), byte(dl2), byte(dh2), byte(op))
}

func zRX(dst []byte, op Opcode, r1, x2, b2, d2 uint32) []byte {
	return append(dst, byte(op), byte(r1<<4|x2), byte(b2<<4|d2>>8), byte(d2))
}

func zRXY(dst []byte, op Opcode, r1, x2, b2, dl2, dh2 uint32) []byte {
	return append(dst, byte(op>>8), byte(r1<<4|x2), byte(b2<<4|dl2>>8), byte(dl2), byte(dh2), byte(op))
}

func zSS(dst []byte, op Opcode, l, b1, d1, b2, d2 uint32) []byte {
	return append(dst, byte(op), byte(l), byte(b1<<4|d1>>8), byte(d1), byte(b2<<4|d2>>8), byte(d2))
}

func zRIEb(dst []byte, op Opcode, r1, r2, ri4, m3 uint32) []byte {
	return append(dst, byte(op>>8), byte(r1<<4|r2), byte(ri4>>8), byte(ri4), byte(m3<<4), byte(op))
}

func zRIEc(dst []byte, op Opcode, r1, m3, ri4, i2 uint32) []byte {
	return append(dst, byte(op>>8), byte(r1<<4|m3), byte(ri4>>8), byte(ri4), byte(i2), byte(op))
}

// checkReg validates a register number.
func checkReg(in *Insn, v int64) (uint32, error) {
	if v < 0 || v > 15 {
		return 0, rangeErr(in, "register", v, 0, 15)
	}
	return uint32(v), nil
}

// checkDisp validates a displacement of bits 12 (unsigned) or 20 (signed)
// and returns it as a 20-bit two's complement value.
func checkDisp(in *Insn, bits uint8, v int64) (uint32, error) {
	if bits == 12 {
		if v < 0 || v > 4095 {
			return 0, rangeErr(in, "displacement", v, 0, 4095)
		}
		return uint32(v), nil
	}
	if v < -524288 || v > 524287 {
		return 0, rangeErr(in, "displacement", v, -524288, 524287)
	}
	return uint32(v) & 0xfffff, nil
}

// Encode encodes instruction in with arguments in GNU operand order, with
// each storage operand flattened as written: D(X,B) gives D, X, B; D(B)
// gives D, B; D(L,B) gives D, L, B (L the length in bytes, 1..256). Relative
// operands are byte offsets from the instruction's own address.
func (in *Insn) Encode(args ...int64) ([]byte, error) {
	return in.AppendEncode(make([]byte, 0, 6), args...)
}

// AppendEncode is Encode appending to dst. On error dst is returned
// unchanged.
func (in *Insn) AppendEncode(dst []byte, args ...int64) ([]byte, error) {
	if len(args) != in.nargs {
		return dst, fmt.Errorf("%s takes %d operand values, got %d", in.Mnemonic, in.nargs, len(args))
	}
	var v [6]uint32
	i := 0
	for k, o := range in.operands {
		a := args[i]
		var err error
		switch o.Kind {
		case OperandGPR:
			v[i], err = checkReg(in, a)
			if err == nil && k == 0 && in.EvenR1 && a%2 != 0 {
				err = &OperandError{Mnemonic: in.Mnemonic, What: "register", Value: a, Reason: "is odd but names a register pair"}
			}
		case OperandMask:
			if a < 0 || a > 15 {
				err = rangeErr(in, "mask", a, 0, 15)
			}
			v[i] = uint32(a)
		case OperandImm:
			if lo, hi := o.Min(), o.Max(); a < lo || a > hi {
				err = rangeErr(in, "immediate", a, lo, hi)
			}
			v[i] = uint32(a) & uint32(uint64(1)<<o.Bits-1)
		case OperandRel:
			if lo, hi := o.Min(), o.Max(); a < lo || a > hi {
				err = rangeErr(in, "relative offset", a, lo, hi)
			} else if a%2 != 0 {
				err = &OperandError{Mnemonic: in.Mnemonic, What: "relative offset", Value: a, Reason: "is odd (targets are halfword aligned)"}
			}
			v[i] = uint32(a/2) & uint32(uint64(1)<<o.Bits-1)
		case OperandAddrB:
			v[i], err = checkDisp(in, o.Bits, a)
			if err == nil {
				v[i+1], err = checkReg(in, args[i+1])
			}
		case OperandAddrXB:
			v[i], err = checkDisp(in, o.Bits, a)
			if err == nil {
				v[i+1], err = checkReg(in, args[i+1])
			}
			if err == nil {
				v[i+2], err = checkReg(in, args[i+2])
			}
		case OperandAddrLB:
			v[i], err = checkDisp(in, o.Bits, a)
			if err == nil {
				if l := args[i+1]; l < 1 || l > 256 {
					err = rangeErr(in, "length", l, 1, 256)
				} else {
					v[i+1] = uint32(l - 1)
				}
			}
			if err == nil {
				v[i+2], err = checkReg(in, args[i+2])
			}
		}
		if err != nil {
			return dst, err
		}
		i += o.Kind.NArgs()
	}
	op := in.Opcode
	switch in.Format {
	case FormatRR:
		return zRR(dst, op, v[0], v[1]), nil
	case FormatRRE:
		return zRRE(dst, op, v[0], v[1]), nil
	case FormatRRFa:
		return zRRF(dst, op, v[2], 0, v[0], v[1]), nil
	case FormatRIa, FormatRIc:
		return zRI(dst, op, v[0], v[1]), nil
	case FormatRILa, FormatRILb, FormatRILc:
		return zRIL(dst, op, v[0], v[1]), nil
	case FormatRSa:
		return zRS(dst, op, v[0], 0, v[2], v[1]), nil
	case FormatRSYa:
		return zRSY(dst, op, v[0], v[1], v[3], v[2]&0xfff, v[2]>>12), nil
	case FormatRXa, FormatRXb:
		return zRX(dst, op, v[0], v[2], v[3], v[1]), nil
	case FormatRXYa:
		return zRXY(dst, op, v[0], v[2], v[3], v[1]&0xfff, v[1]>>12), nil
	case FormatSSa:
		return zSS(dst, op, v[1], v[2], v[0], v[4], v[3]), nil
	case FormatRIEb:
		return zRIEb(dst, op, v[0], v[1], v[3], v[2]), nil
	case FormatRIEc:
		return zRIEc(dst, op, v[0], v[2], v[3], v[1]), nil
	}
	return dst, fmt.Errorf("%s: cannot encode format %s", in.Mnemonic, in.Format)
}

// Encode encodes the instruction named by a base or extended mnemonic with
// arguments in GNU operand order (see Insn.Encode). An extended mnemonic
// takes the arguments it writes: Encode("jg", 36) is Encode("brcl", 15, 36).
func Encode(mnemonic string, args ...int64) ([]byte, error) {
	if in, ok := byMnemonic[mnemonic]; ok {
		return in.Encode(args...)
	}
	a, ok := aliases[mnemonic]
	if !ok {
		return nil, fmt.Errorf("unknown mnemonic %q", mnemonic)
	}
	full, err := a.expand(args)
	if err != nil {
		return nil, err
	}
	return a.Insn.Encode(full...)
}

func insnFor(op Opcode, f Format) (*Insn, error) {
	in := byOpcode[op]
	if in == nil {
		return nil, fmt.Errorf("unknown opcode %#x", uint16(op))
	}
	if in.Format != f {
		return nil, fmt.Errorf("%s is %s, not %s", in.Mnemonic, in.Format, f)
	}
	return in, nil
}

func encodeOp(op Opcode, f Format, args ...int64) ([]byte, error) {
	in, err := insnFor(op, f)
	if err != nil {
		return nil, err
	}
	return in.Encode(args...)
}

// EncodeRR encodes an RR instruction (for bcr, r1 is the mask M1).
func EncodeRR(op Opcode, r1, r2 uint8) ([]byte, error) {
	return encodeOp(op, FormatRR, int64(r1), int64(r2))
}

// EncodeRRE encodes an RRE instruction.
func EncodeRRE(op Opcode, r1, r2 uint8) ([]byte, error) {
	return encodeOp(op, FormatRRE, int64(r1), int64(r2))
}

// EncodeRRFa encodes an RRF-a instruction written "op r1,r2,r3" (M4 = 0).
func EncodeRRFa(op Opcode, r1, r2, r3 uint8) ([]byte, error) {
	return encodeOp(op, FormatRRFa, int64(r1), int64(r2), int64(r3))
}

// EncodeRIa encodes an RI-a instruction; i2 is checked against the
// instruction's signed or unsigned 16-bit range.
func EncodeRIa(op Opcode, r1 uint8, i2 int64) ([]byte, error) {
	return encodeOp(op, FormatRIa, int64(r1), i2)
}

// EncodeRIc encodes an RI-c branch; ri2 is the byte offset of the target
// from the instruction (even, -65536..65534).
func EncodeRIc(op Opcode, m1 uint8, ri2 int64) ([]byte, error) {
	return encodeOp(op, FormatRIc, int64(m1), ri2)
}

// EncodeRILa encodes an RIL-a instruction; i2 is checked against the
// instruction's signed or unsigned 32-bit range.
func EncodeRILa(op Opcode, r1 uint8, i2 int64) ([]byte, error) {
	return encodeOp(op, FormatRILa, int64(r1), i2)
}

// EncodeRILb encodes an RIL-b instruction; ri2 is a byte offset from the
// instruction (even, -2^32..2^32-2).
func EncodeRILb(op Opcode, r1 uint8, ri2 int64) ([]byte, error) {
	return encodeOp(op, FormatRILb, int64(r1), ri2)
}

// EncodeRILc encodes an RIL-c branch; ri2 as for EncodeRILb.
func EncodeRILc(op Opcode, m1 uint8, ri2 int64) ([]byte, error) {
	return encodeOp(op, FormatRILc, int64(m1), ri2)
}

// EncodeRSa encodes an RS-a shift written "op r1,d2(b2)" (R3 = 0).
func EncodeRSa(op Opcode, r1, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatRSa, int64(r1), d2, int64(b2))
}

// EncodeRSYa encodes an RSY-a instruction with a signed 20-bit displacement.
func EncodeRSYa(op Opcode, r1, r3, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatRSYa, int64(r1), int64(r3), d2, int64(b2))
}

// EncodeRXa encodes an RX-a instruction with a 12-bit displacement.
func EncodeRXa(op Opcode, r1, x2, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatRXa, int64(r1), d2, int64(x2), int64(b2))
}

// EncodeRXb encodes an RX-b instruction (bc).
func EncodeRXb(op Opcode, m1, x2, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatRXb, int64(m1), d2, int64(x2), int64(b2))
}

// EncodeRXYa encodes an RXY-a instruction with a signed 20-bit displacement.
func EncodeRXYa(op Opcode, r1, x2, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatRXYa, int64(r1), d2, int64(x2), int64(b2))
}

// EncodeSSa encodes an SS-a instruction; length is the operand length in
// bytes, 1..256 (the L field holds length-1).
func EncodeSSa(op Opcode, length int64, b1 uint8, d1 int64, b2 uint8, d2 int64) ([]byte, error) {
	return encodeOp(op, FormatSSa, d1, length, int64(b1), d2, int64(b2))
}

// EncodeRIEb encodes a compare-and-branch RIE-b instruction; ri4 is a byte
// offset from the instruction.
func EncodeRIEb(op Opcode, r1, r2, m3 uint8, ri4 int64) ([]byte, error) {
	return encodeOp(op, FormatRIEb, int64(r1), int64(r2), int64(m3), ri4)
}

// EncodeRIEc encodes a compare-immediate-and-branch RIE-c instruction.
func EncodeRIEc(op Opcode, r1 uint8, i2 int64, m3 uint8, ri4 int64) ([]byte, error) {
	return encodeOp(op, FormatRIEc, int64(r1), i2, int64(m3), ri4)
}
