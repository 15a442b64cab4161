package refimpl

import (
	"errors"
	"fmt"
)

// MaxArgs is the largest number of arguments an instruction has (mvc, xc).
const MaxArgs = 6

// Inst is one decoded instruction.
type Inst struct {
	Insn  *Insn
	Len   int
	NArgs int
	// Args holds the operand values in GNU order, flattened as for
	// Insn.Encode: registers and masks as numbers, immediates sign- or
	// zero-extended, displacements signed for 20-bit forms, D(L,B) lengths in
	// bytes (1..256), relative targets as byte offsets from the instruction.
	Args [MaxArgs]int64
	// Reserved holds the value of the format's unused fields (bits 16-23 of
	// RRE, M4 of RRF-a, R3 of the RS-a shifts, bits 36-39 of RIE-b); GNU as
	// writes zero there.
	Reserved uint32
}

// ArgSlice returns the used part of Args.
func (i *Inst) ArgSlice() []int64 { return i.Args[:i.NArgs] }

// Errors returned by Identify and Decode (wrapped in *DecodeError).
var (
	ErrTruncated     = errors.New("truncated instruction")
	ErrUnknownOpcode = errors.New("unknown opcode")
)

// DecodeError reports bytes that do not decode.
type DecodeError struct {
	Bytes []byte // the bytes looked at (at most 6)
	Err   error  // ErrTruncated or ErrUnknownOpcode
}

// Error returns the reason and the bytes.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%v % x", e.Err, e.Bytes)
}

// Unwrap returns ErrTruncated or ErrUnknownOpcode.
func (e *DecodeError) Unwrap() error { return e.Err }

// opcode classes by first byte: where the rest of the opcode lives.
const (
	clsNone  = iota
	cls8     // whole opcode in byte 0
	cls12    // OP1 byte 0, OP2 bits 12-15
	cls16    // OP bytes 0-1
	cls8plus // OP1 byte 0, OP2 byte 5
)

var firstClass [256]uint8

func init() {
	for i := range table {
		in := &table[i]
		switch in.Format {
		case FormatRR, FormatRSa, FormatRXa, FormatRXb, FormatSSa:
			firstClass[in.Opcode] = cls8
		case FormatRIa, FormatRIc, FormatRILa, FormatRILb, FormatRILc:
			firstClass[in.Opcode>>4] = cls12
		case FormatRRE, FormatRRFa:
			firstClass[in.Opcode>>8] = cls16
		default:
			firstClass[in.Opcode>>8] = cls8plus
		}
	}
}

func trunc(b []byte) error {
	return &DecodeError{Bytes: append([]byte(nil), b[:min(len(b), 6)]...), Err: ErrTruncated}
}

// Identify returns the instruction whose opcode starts b. It needs the whole
// instruction (2, 4 or 6 bytes, from the first two bits).
func Identify(b []byte) (*Insn, error) {
	if len(b) == 0 {
		return nil, trunc(b)
	}
	n := LengthOf(b[0])
	if len(b) < n {
		return nil, trunc(b)
	}
	var op Opcode
	switch firstClass[b[0]] {
	case cls8:
		op = Opcode(b[0])
	case cls12:
		op = Opcode(b[0])<<4 | Opcode(b[1]&0xf)
	case cls16:
		op = Opcode(b[0])<<8 | Opcode(b[1])
	case cls8plus:
		op = Opcode(b[0])<<8 | Opcode(b[5])
	}
	in := byOpcode[op]
	if in == nil || firstClass[b[0]] == clsNone {
		return nil, &DecodeError{Bytes: append([]byte(nil), b[:n]...), Err: ErrUnknownOpcode}
	}
	return in, nil
}

func sext(v uint32, bits uint) int64 {
	s := 32 - bits
	return int64(int32(v<<s) >> s)
}

// Decode decodes the instruction at the start of b.
func Decode(b []byte) (Inst, error) {
	in, err := Identify(b)
	if err != nil {
		return Inst{}, err
	}
	var d Inst
	d.Insn = in
	d.Len = in.Format.Len()
	d.NArgs = in.nargs
	a := &d.Args
	hi4 := func(x byte) int64 { return int64(x >> 4) }
	lo4 := func(x byte) int64 { return int64(x & 0xf) }
	d12 := func(x, y byte) int64 { return int64(x&0xf)<<8 | int64(y) }
	imm := func(v uint32, bits uint) int64 {
		if in.Signed {
			return sext(v, bits)
		}
		return int64(v)
	}
	switch in.Format {
	case FormatRR:
		a[0], a[1] = hi4(b[1]), lo4(b[1])
	case FormatRRE:
		a[0], a[1] = hi4(b[3]), lo4(b[3])
		d.Reserved = uint32(b[2])
	case FormatRRFa:
		a[0], a[1], a[2] = hi4(b[3]), lo4(b[3]), hi4(b[2])
		d.Reserved = uint32(b[2] & 0xf)
	case FormatRIa:
		a[0], a[1] = hi4(b[1]), imm(uint32(b[2])<<8|uint32(b[3]), 16)
	case FormatRIc:
		a[0], a[1] = hi4(b[1]), 2*sext(uint32(b[2])<<8|uint32(b[3]), 16)
	case FormatRILa:
		a[0], a[1] = hi4(b[1]), imm(uint32(b[2])<<24|uint32(b[3])<<16|uint32(b[4])<<8|uint32(b[5]), 32)
	case FormatRILb, FormatRILc:
		a[0], a[1] = hi4(b[1]), 2*sext(uint32(b[2])<<24|uint32(b[3])<<16|uint32(b[4])<<8|uint32(b[5]), 32)
	case FormatRSa:
		a[0], a[1], a[2] = hi4(b[1]), d12(b[2], b[3]), hi4(b[2])
		d.Reserved = uint32(b[1] & 0xf)
	case FormatRSYa:
		a[0], a[1], a[3] = hi4(b[1]), lo4(b[1]), hi4(b[2])
		a[2] = sext(uint32(b[4])<<12|uint32(d12(b[2], b[3])), 20)
	case FormatRXa, FormatRXb:
		a[0], a[1], a[2], a[3] = hi4(b[1]), d12(b[2], b[3]), lo4(b[1]), hi4(b[2])
	case FormatRXYa:
		a[0], a[2], a[3] = hi4(b[1]), lo4(b[1]), hi4(b[2])
		a[1] = sext(uint32(b[4])<<12|uint32(d12(b[2], b[3])), 20)
	case FormatSSa:
		a[0], a[1], a[2] = d12(b[2], b[3]), int64(b[1])+1, hi4(b[2])
		a[3], a[4] = d12(b[4], b[5]), hi4(b[4])
	case FormatRIEb:
		a[0], a[1], a[2] = hi4(b[1]), lo4(b[1]), hi4(b[4])
		a[3] = 2 * sext(uint32(b[2])<<8|uint32(b[3]), 16)
		d.Reserved = uint32(b[4] & 0xf)
	case FormatRIEc:
		a[0], a[1], a[2] = hi4(b[1]), imm(uint32(b[4]), 8), lo4(b[1])
		a[3] = 2 * sext(uint32(b[2])<<8|uint32(b[3]), 16)
	}
	return d, nil
}
