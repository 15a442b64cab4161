package refimpl

import (
	"fmt"
	"math/bits"
	"strconv"
)

// invalidForObjdump reports whether objdump rejects the encoding although
// the opcode is known: it prints such words as ".long". GNU binutils 2.40
// requires zero in bits 16-23 of RRE and in R3 of the RS-a shifts; it
// ignores M4 of RRF-a and bits 36-39 of RIE-b.
func invalidForObjdump(d *Inst) bool {
	switch d.Insn.Format {
	case FormatRRE, FormatRSa:
		return d.Reserved != 0
	}
	return false
}

func appendReg(dst []byte, r int64) []byte {
	dst = append(dst, "%r"...)
	return strconv.AppendInt(dst, r, 10)
}

// AppendText appends the objdump text of d ("stg\t%r2,160(%r15)") for an
// instruction at address pc. Relative targets print as absolute addresses
// in objdump's hex form.
func AppendText(dst []byte, d *Inst, pc int64) []byte {
	in := d.Insn
	a := d.Args[:d.NArgs]
	skip := -1 // operand index not printed (the mask of an extended mnemonic)
	switch in.Opcode {
	case OpBRC, OpBRCL, OpBC, OpBCR:
		m := a[0]
		skip = 0
		switch {
		case in.Opcode == OpBRC:
			dst = append(dst, 'j')
			dst = append(dst, condPrint[m]...)
		case in.Opcode == OpBRCL:
			dst = append(dst, "jg"...)
			dst = append(dst, condPrint[m]...)
		case m == 0 && in.Opcode == OpBC:
			dst = append(dst, "nop"...)
		case m == 0:
			dst = append(dst, "nopr"...)
			if a[1] == 0 {
				return dst
			}
		case in.Opcode == OpBC:
			dst = append(dst, 'b')
			if m != 15 {
				dst = append(dst, condPrint[m]...)
			}
		default:
			dst = append(dst, 'b')
			if m != 15 {
				dst = append(dst, condPrint[m]...)
			}
			dst = append(dst, 'r')
		}
	case OpCRJ, OpCGRJ, OpCLRJ, OpCLGRJ, OpCIJ, OpCGIJ, OpCLIJ, OpCLGIJ:
		dst = append(dst, in.Mnemonic...)
		if m := a[2]; crbHas[m] {
			dst = append(dst, crbPrint[m]...)
			skip = 2
		}
	default:
		dst = append(dst, in.Mnemonic...)
	}
	if len(in.operands) == 0 {
		return dst
	}
	dst = append(dst, '\t')
	i := 0
	first := true
	for k, o := range in.operands {
		n := o.Kind.NArgs()
		if k == skip {
			i += n
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		switch o.Kind {
		case OperandGPR:
			dst = appendReg(dst, a[i])
		case OperandMask, OperandImm:
			dst = strconv.AppendInt(dst, a[i], 10)
		case OperandRel:
			dst = append(dst, "0x"...)
			dst = strconv.AppendUint(dst, uint64(pc+a[i]), 16)
		case OperandAddrB:
			dst = strconv.AppendInt(dst, a[i], 10)
			if a[i+1] != 0 {
				dst = append(dst, '(')
				dst = appendReg(dst, a[i+1])
				dst = append(dst, ')')
			}
		case OperandAddrXB:
			dst = strconv.AppendInt(dst, a[i], 10)
			if a[i+1] != 0 && a[i+2] == 0 && in.Opcode == OpBC && a[0] == 0 {
				// objdump 2.40 prints nop's index without the base
				// and without the closing parenthesis: "nop\t16(%r2".
				dst = append(dst, '(')
				dst = appendReg(dst, a[i+1])
			} else if a[i+1] != 0 {
				dst = append(dst, '(')
				dst = appendReg(dst, a[i+1])
				dst = append(dst, ',')
				dst = appendReg(dst, a[i+2])
				dst = append(dst, ')')
			} else if a[i+2] != 0 {
				dst = append(dst, '(')
				dst = appendReg(dst, a[i+2])
				dst = append(dst, ')')
			}
		case OperandAddrLB:
			dst = strconv.AppendInt(dst, a[i], 10)
			dst = append(dst, '(')
			dst = strconv.AppendInt(dst, a[i+1], 10)
			dst = append(dst, ',')
			dst = appendReg(dst, a[i+2])
			dst = append(dst, ')')
		}
		i += n
	}
	return dst
}

// Text returns objdump's text of d at address pc (see AppendText).
func (d *Inst) Text(pc int64) string {
	var buf [64]byte
	return string(AppendText(buf[:0], d, pc))
}

// appendInsnText decodes one instruction at code[0:] and appends its text;
// it returns the number of bytes used. Encodings objdump rejects print as
// objdump prints them (".long\t0x...").
func appendInsnText(dst []byte, code []byte, pc int64) ([]byte, int, error) {
	d, err := Decode(code)
	if err != nil {
		return dst, 0, err
	}
	if invalidForObjdump(&d) {
		dst = append(dst, ".long\t0x"...)
		w := uint64(code[0])<<24 | uint64(code[1])<<16 | uint64(code[2])<<8 | uint64(code[3])
		dst = appendHexPad(dst, w, 8)
		return dst, 4, nil
	}
	return AppendText(dst, &d, pc), d.Len, nil
}

func appendHexPad(dst []byte, v uint64, width int) []byte {
	var buf [16]byte
	s := strconv.AppendUint(buf[:0], v, 16)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// Disassemble decodes the instruction at the start of code, located at
// address pc, and returns objdump's text for it ("brcl\t8,0x24" prints as
// "jge\t0x24"), the number of bytes used, or an error for unknown or
// truncated bytes.
func Disassemble(code []byte, pc int64) (text string, n int, err error) {
	var buf [64]byte
	b, n, err := appendInsnText(buf[:0], code, pc)
	if err != nil {
		return "", 0, err
	}
	return string(b), n, nil
}

// ListingError reports where a listing stopped.
type ListingError struct {
	Offset int64 // offset from the start of the code
	Err    error
}

// Error names the offset and the reason.
func (e *ListingError) Error() string {
	return fmt.Sprintf("offset %#x: %v", e.Offset, e.Err)
}

// Unwrap returns the decoding error.
func (e *ListingError) Unwrap() error { return e.Err }

// AddrWidth returns the width objdump -d gives the address column for a
// section at vma holding size bytes: it drops the leading zero digits of
// the end address that all addresses share, in groups of four, so the column
// is 4, 8, 12 or 16 characters wide.
func AddrWidth(vma int64, size int) int {
	end := uint64(vma) + uint64(size)
	zeros := bits.LeadingZeros64(end) / 4
	if zeros == 0 {
		return 16
	}
	return 16 - (zeros-1)&^3
}

// AppendListing appends the objdump -d lines for code placed at address pc:
// "   0:\tc0 f4 00 00 00 03 \tjg\t0x6\n", with objdump's address column
// (right-aligned, AddrWidth wide), the bytes as "xx " padded to six bytes,
// and a tab before the text. On error it returns the lines before the bad
// instruction and a *ListingError.
func AppendListing(dst []byte, code []byte, pc int64) ([]byte, error) {
	return AppendListingWidth(dst, code, pc, AddrWidth(pc, len(code)))
}

// AppendListingWidth is AppendListing with the address column width given
// (see AddrWidth): objdump takes it from the end of the whole section, which
// may be longer than code (GNU as pads .text to a multiple of 4).
func AppendListingWidth(dst []byte, code []byte, pc int64, width int) ([]byte, error) {
	for off := 0; off < len(code); {
		line := len(dst)
		addr := uint64(pc) + uint64(off)
		var abuf [16]byte
		as := strconv.AppendUint(abuf[:0], addr, 16)
		for i := len(as); i < width; i++ {
			dst = append(dst, ' ')
		}
		dst = append(dst, as...)
		dst = append(dst, ":\t"...)
		// Reserve the byte column; fill it once the length is known.
		col := len(dst)
		dst = append(dst, "                  \t"...)
		var err error
		var n int
		dst, n, err = appendInsnText(dst, code[off:], int64(addr))
		if err != nil {
			return dst[:line], &ListingError{Offset: int64(off), Err: err}
		}
		const hexdigits = "0123456789abcdef"
		for i := range n {
			c := code[off+i]
			dst[col+3*i] = hexdigits[c>>4]
			dst[col+3*i+1] = hexdigits[c&0xf]
		}
		dst = append(dst, '\n')
		off += n
	}
	return dst, nil
}

// Listing returns the objdump -d lines for code placed at address pc (see
// AppendListing).
func Listing(code []byte, pc int64) (string, error) {
	b, err := AppendListing(make([]byte, 0, len(code)*12), code, pc)
	return string(b), err
}
