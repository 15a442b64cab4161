package emu

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

var be = binary.BigEndian

// Condition codes of the arithmetic and comparison instructions.
func ccSigned[T int32 | int64](v T) uint8 {
	switch {
	case v == 0:
		return 0
	case v < 0:
		return 1
	}
	return 2
}

func ccCompare[T int32 | int64 | uint32 | uint64](a, b T) uint8 {
	switch {
	case a == b:
		return 0
	case a < b:
		return 1
	}
	return 2
}

func ccNonzero[T uint32 | uint64](v T) uint8 {
	if v != 0 {
		return 1
	}
	return 0
}

func ccAdd32(a, b int32) (int32, uint8) {
	s := a + b
	if (a^s)&(b^s) < 0 {
		return s, 3
	}
	return s, ccSigned(s)
}

func ccAdd64(a, b int64) (int64, uint8) {
	s := a + b
	if (a^s)&(b^s) < 0 {
		return s, 3
	}
	return s, ccSigned(s)
}

func ccSub32(a, b int32) (int32, uint8) {
	s := a - b
	if (a^b)&(a^s) < 0 {
		return s, 3
	}
	return s, ccSigned(s)
}

func ccSub64(a, b int64) (int64, uint8) {
	s := a - b
	if (a^b)&(a^s) < 0 {
		return s, 3
	}
	return s, ccSigned(s)
}

// ccLogical is the condition code of ADD LOGICAL: bit 1 the carry, bit 0
// a nonzero sum.
func ccLogical(sum, carry uint64) uint8 {
	return uint8(carry<<1) | ccNonzero(sum)
}

// set32 replaces bits 32-63 of register r.
func (m *Machine) set32(r uint8, v uint32) {
	m.R[r] = m.R[r]&^0xffffffff | uint64(v)
}

// addr returns the address D(X,B): index and base register 0 mean none.
func (m *Machine) addr(x, b uint8, d int32) uint64 {
	a := uint64(int64(d))
	if x != 0 {
		a += m.R[x]
	}
	if b != 0 {
		a += m.R[b]
	}
	return a
}

func mnemonic(d *dinst) string {
	if d.ins == nil {
		return ""
	}
	return d.ins.Mnemonic
}

func (m *Machine) fault(k FaultKind, d *dinst, ia, a uint64, text string) *Fault {
	return &Fault{Kind: k, PC: ia, Addr: a, Insn: mnemonic(d), Text: text}
}

// load returns the n bytes at a (a view that is valid until the next
// access).
func (m *Machine) load(d *dinst, ia, a, n uint64) ([]byte, *Fault) {
	if b := m.Mem.span(a, n, PermRead); b != nil {
		return b, nil
	}
	if bad, k, ok := m.Mem.check(a, n, PermRead); !ok {
		return nil, m.fault(k, d, ia, bad, "")
	}
	buf := m.scratch[:n]
	m.Mem.copyOut(buf, a)
	return buf, nil
}

func (m *Machine) load64(d *dinst, ia, a uint64) (uint64, *Fault) {
	b, f := m.load(d, ia, a, 8)
	if f != nil {
		return 0, f
	}
	return be.Uint64(b), nil
}

func (m *Machine) load32(d *dinst, ia, a uint64) (uint32, *Fault) {
	b, f := m.load(d, ia, a, 4)
	if f != nil {
		return 0, f
	}
	return be.Uint32(b), nil
}

func (m *Machine) load16(d *dinst, ia, a uint64) (uint16, *Fault) {
	b, f := m.load(d, ia, a, 2)
	if f != nil {
		return 0, f
	}
	return be.Uint16(b), nil
}

// store writes src at a, all or nothing.
func (m *Machine) store(d *dinst, ia, a uint64, src []byte) *Fault {
	n := uint64(len(src))
	if b := m.Mem.span(a, n, PermWrite); b != nil {
		copy(b, src)
		if r := m.Mem.last; r.code != nil {
			r.wrote(a-r.base, n)
		}
	} else {
		if bad, k, ok := m.Mem.check(a, n, PermWrite); !ok {
			return m.fault(k, d, ia, bad, "")
		}
		m.Mem.copyIn(a, src)
	}
	if m.OnStore != nil {
		m.OnStore(ia, a, n)
	}
	return nil
}

func (m *Machine) store64(d *dinst, ia, a, v uint64) *Fault {
	var b [8]byte
	be.PutUint64(b[:], v)
	return m.store(d, ia, a, b[:])
}

// rmw returns the n bytes at an n-aligned a for an interlocked update
// (fetch and store access); the caller stores into the view and calls
// m.wrote. Misalignment is a specification exception.
func (m *Machine) rmw(d *dinst, ia, a, n uint64) ([]byte, *Fault) {
	if a&(n-1) != 0 {
		return nil, m.fault(FaultSpecification, d, ia, a, "operand not aligned")
	}
	if bad, k, ok := m.Mem.check(a, n, PermRead|PermWrite); !ok {
		return nil, m.fault(k, d, ia, bad, "")
	}
	return m.Mem.span(a, n, PermRead|PermWrite), nil // aligned: within one region
}

// wroteAt forgets decoded instructions after a store through a view, and
// tells OnStore.
func (m *Machine) wroteAt(ia, a, n uint64) {
	if r := m.Mem.last; r.code != nil {
		r.wrote(a-r.base, n)
	}
	if m.OnStore != nil {
		m.OnStore(ia, a, n)
	}
}

// aligned is the alignment check of the relative-long loads.
func (m *Machine) aligned(d *dinst, ia, a, n uint64) *Fault {
	if a&(n-1) != 0 {
		return m.fault(FaultSpecification, d, ia, a, "operand not aligned")
	}
	return nil
}

func (m *Machine) oddPair(d *dinst, ia uint64) *Fault {
	if d.r1&1 != 0 {
		return m.fault(FaultSpecification, d, ia, 0, "odd register of a pair")
	}
	return nil
}

func (m *Machine) divide(d *dinst, ia uint64) *Fault {
	return m.fault(FaultDivide, d, ia, 0, "")
}

// divs64 is DIVIDE SINGLE: the pair's odd register by v.
func (m *Machine) divs64(d *dinst, ia uint64, v int64) *Fault {
	n := int64(m.R[d.r1+1])
	if v == 0 || n == math.MinInt64 && v == -1 {
		return m.divide(d, ia)
	}
	m.R[d.r1], m.R[d.r1+1] = uint64(n%v), uint64(n/v)
	return nil
}

// divu128 is DIVIDE LOGICAL (64<-128).
func (m *Machine) divu128(d *dinst, ia, v uint64) *Fault {
	hi, lo := m.R[d.r1], m.R[d.r1+1]
	if v == 0 || hi >= v {
		return m.divide(d, ia)
	}
	q, r := bits.Div64(hi, lo, v)
	m.R[d.r1], m.R[d.r1+1] = r, q
	return nil
}

// divu64 is DIVIDE LOGICAL (32<-64).
func (m *Machine) divu64(d *dinst, ia uint64, v uint32) *Fault {
	hi, lo := uint32(m.R[d.r1]), uint32(m.R[d.r1+1])
	if v == 0 || hi >= v {
		return m.divide(d, ia)
	}
	n := uint64(hi)<<32 | uint64(lo)
	m.set32(d.r1, uint32(n%uint64(v)))
	m.set32(d.r1+1, uint32(n/uint64(v)))
	return nil
}

// tm is TEST UNDER MASK for a 16-bit field.
func tm(v, mask uint16) uint8 {
	switch sel := v & mask; sel {
	case 0:
		return 0
	case mask:
		return 3
	}
	if v&(0x8000>>bits.LeadingZeros16(mask)) != 0 {
		return 2
	}
	return 1
}

// errNoSemantics marks an operation number without a case in exec.
var errNoSemantics = errors.New("no semantics")

// exec executes d, fetched at ia; next is the address of the next
// sequential instruction (after the EX/EXRL for an executed target).
func (m *Machine) exec(d *dinst, ia, next uint64) error {
	r := &m.R
	switch d.op {
	// RR and RRE register arithmetic.
	case opAR:
		s, cc := ccAdd32(int32(r[d.r1]), int32(r[d.r2]))
		m.set32(d.r1, uint32(s))
		m.CC = cc
	case opSR:
		s, cc := ccSub32(int32(r[d.r1]), int32(r[d.r2]))
		m.set32(d.r1, uint32(s))
		m.CC = cc
	case opNR:
		v := uint32(r[d.r1]) & uint32(r[d.r2])
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opOR:
		v := uint32(r[d.r1]) | uint32(r[d.r2])
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opXR:
		v := uint32(r[d.r1]) ^ uint32(r[d.r2])
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opLR:
		m.set32(d.r1, uint32(r[d.r2]))
	case opCR:
		m.CC = ccCompare(int32(r[d.r1]), int32(r[d.r2]))
	case opCLR:
		m.CC = ccCompare(uint32(r[d.r1]), uint32(r[d.r2]))
	case opLCR:
		v := int32(r[d.r2])
		if v == math.MinInt32 {
			m.set32(d.r1, uint32(v))
			m.CC = 3
		} else {
			m.set32(d.r1, uint32(-v))
			m.CC = ccSigned(-v)
		}
	case opLTR:
		v := int32(r[d.r2])
		m.set32(d.r1, uint32(v))
		m.CC = ccSigned(v)
	case opBASR:
		t := r[d.r2]
		r[d.r1] = next
		if d.r2 != 0 {
			m.PC = t
			return nil
		}
	case opBCR:
		if d.r2 != 0 && d.r1&(8>>m.CC) != 0 {
			m.PC = r[d.r2]
			return nil
		}
	case opLGR:
		r[d.r1] = r[d.r2]
	case opLTGR:
		r[d.r1] = r[d.r2]
		m.CC = ccSigned(int64(r[d.r1]))
	case opLCGR:
		v := int64(r[d.r2])
		if v == math.MinInt64 {
			r[d.r1] = uint64(v)
			m.CC = 3
		} else {
			r[d.r1] = uint64(-v)
			m.CC = ccSigned(-v)
		}
	case opLGBR:
		r[d.r1] = uint64(int64(int8(r[d.r2])))
	case opLGHR:
		r[d.r1] = uint64(int64(int16(r[d.r2])))
	case opAGR:
		s, cc := ccAdd64(int64(r[d.r1]), int64(r[d.r2]))
		r[d.r1], m.CC = uint64(s), cc
	case opSGR:
		s, cc := ccSub64(int64(r[d.r1]), int64(r[d.r2]))
		r[d.r1], m.CC = uint64(s), cc
	case opMSGR:
		r[d.r1] *= r[d.r2]
	case opDSGR:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		if f := m.divs64(d, ia, int64(r[d.r2])); f != nil {
			return f
		}
	case opLRVGR:
		r[d.r1] = bits.ReverseBytes64(r[d.r2])
	case opLGFR:
		r[d.r1] = uint64(int64(int32(r[d.r2])))
	case opLLGFR:
		r[d.r1] = uint64(uint32(r[d.r2]))
	case opDSGFR:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		if f := m.divs64(d, ia, int64(int32(r[d.r2]))); f != nil {
			return f
		}
	case opLRVR:
		m.set32(d.r1, bits.ReverseBytes32(uint32(r[d.r2])))
	case opCGR:
		m.CC = ccCompare(int64(r[d.r1]), int64(r[d.r2]))
	case opCLGR:
		m.CC = ccCompare(r[d.r1], r[d.r2])
	case opLBR:
		m.set32(d.r1, uint32(int32(int8(r[d.r2]))))
	case opLHR:
		m.set32(d.r1, uint32(int32(int16(r[d.r2]))))
	case opNGR:
		r[d.r1] &= r[d.r2]
		m.CC = ccNonzero(r[d.r1])
	case opOGR:
		r[d.r1] |= r[d.r2]
		m.CC = ccNonzero(r[d.r1])
	case opXGR:
		r[d.r1] ^= r[d.r2]
		m.CC = ccNonzero(r[d.r1])
	case opLLGCR:
		r[d.r1] = uint64(uint8(r[d.r2]))
	case opLLGHR:
		r[d.r1] = uint64(uint16(r[d.r2]))
	case opDLGR:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		if f := m.divu128(d, ia, r[d.r2]); f != nil {
			return f
		}
	case opDLR:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		if f := m.divu64(d, ia, uint32(r[d.r2])); f != nil {
			return f
		}
	case opMSR:
		m.set32(d.r1, uint32(r[d.r1])*uint32(r[d.r2]))
	case opNGRK:
		r[d.r1] = r[d.r2] & r[d.r3]
		m.CC = ccNonzero(r[d.r1])
	case opNRK:
		v := uint32(r[d.r2]) & uint32(r[d.r3])
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)

	// RI and RIL immediates.
	case opLHI:
		m.set32(d.r1, uint32(d.imm))
	case opLGHI:
		r[d.r1] = uint64(d.imm)
	case opAGHI, opAGFI:
		s, cc := ccAdd64(int64(r[d.r1]), d.imm)
		r[d.r1], m.CC = uint64(s), cc
	case opTMLH:
		m.CC = tm(uint16(r[d.r1]>>16), uint16(d.imm))
	case opBRC, opBRCL:
		if d.r1&(8>>m.CC) != 0 {
			m.PC = ia + uint64(d.imm)
			return nil
		}
	case opLGFI:
		r[d.r1] = uint64(d.imm)
	case opXILF:
		v := uint32(r[d.r1]) ^ uint32(d.imm)
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opIIHF:
		r[d.r1] = r[d.r1]&0xffffffff | uint64(uint32(d.imm))<<32
	case opIILF:
		m.set32(d.r1, uint32(d.imm))
	case opNILF:
		v := uint32(r[d.r1]) & uint32(d.imm)
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opOILF:
		v := uint32(r[d.r1]) | uint32(d.imm)
		m.set32(d.r1, v)
		m.CC = ccNonzero(v)
	case opLLIHF:
		r[d.r1] = uint64(uint32(d.imm)) << 32
	case opLLILF:
		r[d.r1] = uint64(uint32(d.imm))
	case opMSGFI:
		r[d.r1] *= uint64(d.imm)
	case opMSFI:
		m.set32(d.r1, uint32(r[d.r1])*uint32(d.imm))
	case opAFI:
		s, cc := ccAdd32(int32(r[d.r1]), int32(d.imm))
		m.set32(d.r1, uint32(s))
		m.CC = cc
	case opALGFI:
		s, c := bits.Add64(r[d.r1], uint64(uint32(d.imm)), 0)
		r[d.r1], m.CC = s, ccLogical(s, c)
	case opALFI:
		s, c := bits.Add32(uint32(r[d.r1]), uint32(d.imm), 0)
		m.set32(d.r1, s)
		m.CC = ccLogical(uint64(s), uint64(c))
	case opCGFI:
		m.CC = ccCompare(int64(r[d.r1]), d.imm)
	case opCFI:
		m.CC = ccCompare(int32(r[d.r1]), int32(d.imm))
	case opCLGFI:
		m.CC = ccCompare(r[d.r1], uint64(uint32(d.imm)))
	case opCLFI:
		m.CC = ccCompare(uint32(r[d.r1]), uint32(d.imm))

	// RIL-b relative long.
	case opLARL:
		r[d.r1] = ia + uint64(d.imm)
	case opBRASL:
		r[d.r1] = next
		m.PC = ia + uint64(d.imm)
		return nil
	case opLGRL:
		a := ia + uint64(d.imm)
		if f := m.aligned(d, ia, a, 8); f != nil {
			return f
		}
		v, f := m.load64(d, ia, a)
		if f != nil {
			return f
		}
		r[d.r1] = v
	case opLGFRL, opLRL:
		a := ia + uint64(d.imm)
		if f := m.aligned(d, ia, a, 4); f != nil {
			return f
		}
		v, f := m.load32(d, ia, a)
		if f != nil {
			return f
		}
		if d.op == opLRL {
			m.set32(d.r1, v)
		} else {
			r[d.r1] = uint64(int64(int32(v)))
		}
	case opEXRL:
		return m.execute(d, ia, next, ia+uint64(d.imm))
	case opEX:
		return m.execute(d, ia, next, m.addr(d.r2, d.b2, d.d2))

	// RS-a and RSY-a.
	case opSRL:
		m.set32(d.r1, uint32(r[d.r1])>>(m.addr(0, d.b2, d.d2)&63))
	case opSLL:
		m.set32(d.r1, uint32(r[d.r1])<<(m.addr(0, d.b2, d.d2)&63))
	case opSRA:
		v := int32(r[d.r1]) >> (m.addr(0, d.b2, d.d2) & 63)
		m.set32(d.r1, uint32(v))
		m.CC = ccSigned(v)
	case opSRAG:
		v := int64(r[d.r3]) >> (m.addr(0, d.b2, d.d2) & 63)
		r[d.r1], m.CC = uint64(v), ccSigned(v)
	case opSRLG:
		r[d.r1] = r[d.r3] >> (m.addr(0, d.b2, d.d2) & 63)
	case opSLLG:
		r[d.r1] = r[d.r3] << (m.addr(0, d.b2, d.d2) & 63)
	case opLMG, opSTMG:
		return m.multiple(d, ia, next)
	case opCSY:
		b, f := m.rmw(d, ia, m.addr(0, d.b2, d.d2), 4)
		if f != nil {
			return f
		}
		if v := be.Uint32(b); v == uint32(r[d.r1]) {
			be.PutUint32(b, uint32(r[d.r3]))
			m.wroteAt(ia, m.addr(0, d.b2, d.d2), 4)
			m.CC = 0
		} else {
			m.set32(d.r1, v)
			m.CC = 1
		}
	case opCSG:
		b, f := m.rmw(d, ia, m.addr(0, d.b2, d.d2), 8)
		if f != nil {
			return f
		}
		if v := be.Uint64(b); v == r[d.r1] {
			be.PutUint64(b, r[d.r3])
			m.wroteAt(ia, m.addr(0, d.b2, d.d2), 8)
			m.CC = 0
		} else {
			r[d.r1] = v
			m.CC = 1
		}
	case opLANG, opLAOG, opLAXG, opLAALG:
		a := m.addr(0, d.b2, d.d2)
		b, f := m.rmw(d, ia, a, 8)
		if f != nil {
			return f
		}
		old, x := be.Uint64(b), r[d.r3]
		var v uint64
		switch d.op {
		case opLANG:
			v = old & x
			m.CC = ccNonzero(v)
		case opLAOG:
			v = old | x
			m.CC = ccNonzero(v)
		case opLAXG:
			v = old ^ x
			m.CC = ccNonzero(v)
		default:
			var c uint64
			v, c = bits.Add64(old, x, 0)
			m.CC = ccLogical(v, c)
		}
		be.PutUint64(b, v)
		m.wroteAt(ia, a, 8)
		r[d.r1] = old
	case opLAN, opLAO, opLAX, opLAAL:
		a := m.addr(0, d.b2, d.d2)
		b, f := m.rmw(d, ia, a, 4)
		if f != nil {
			return f
		}
		old, x := be.Uint32(b), uint32(r[d.r3])
		var v uint32
		switch d.op {
		case opLAN:
			v = old & x
			m.CC = ccNonzero(v)
		case opLAO:
			v = old | x
			m.CC = ccNonzero(v)
		case opLAX:
			v = old ^ x
			m.CC = ccNonzero(v)
		default:
			var c uint32
			v, c = bits.Add32(old, x, 0)
			m.CC = ccLogical(uint64(v), uint64(c))
		}
		be.PutUint32(b, v)
		m.wroteAt(ia, a, 4)
		m.set32(d.r1, old)

	// RX-a, RX-b and RXY-a.
	case opLA, opLAY:
		r[d.r1] = m.addr(d.r2, d.b2, d.d2)
	case opBC:
		if d.r1&(8>>m.CC) != 0 {
			m.PC = m.addr(d.r2, d.b2, d.d2)
			return nil
		}
	case opLTG, opLG, opLRVG, opNG, opOG, opXG:
		v, f := m.load64(d, ia, m.addr(d.r2, d.b2, d.d2))
		if f != nil {
			return f
		}
		switch d.op {
		case opLTG:
			r[d.r1] = v
			m.CC = ccSigned(int64(v))
		case opLG:
			r[d.r1] = v
		case opLRVG:
			r[d.r1] = bits.ReverseBytes64(v)
		case opNG:
			r[d.r1] &= v
			m.CC = ccNonzero(r[d.r1])
		case opOG:
			r[d.r1] |= v
			m.CC = ccNonzero(r[d.r1])
		case opXG:
			r[d.r1] ^= v
			m.CC = ccNonzero(r[d.r1])
		}
	case opDSG, opDLG:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		v, f := m.load64(d, ia, m.addr(d.r2, d.b2, d.d2))
		if f != nil {
			return f
		}
		if d.op == opDSG {
			f = m.divs64(d, ia, int64(v))
		} else {
			f = m.divu128(d, ia, v)
		}
		if f != nil {
			return f
		}
	case opDSGF, opDL:
		if f := m.oddPair(d, ia); f != nil {
			return f
		}
		v, f := m.load32(d, ia, m.addr(d.r2, d.b2, d.d2))
		if f != nil {
			return f
		}
		if d.op == opDSGF {
			f = m.divs64(d, ia, int64(int32(v)))
		} else {
			f = m.divu64(d, ia, v)
		}
		if f != nil {
			return f
		}
	case opLGF, opLLGF, opLRV, opLY:
		v, f := m.load32(d, ia, m.addr(d.r2, d.b2, d.d2))
		if f != nil {
			return f
		}
		switch d.op {
		case opLGF:
			r[d.r1] = uint64(int64(int32(v)))
		case opLLGF:
			r[d.r1] = uint64(v)
		case opLRV:
			m.set32(d.r1, bits.ReverseBytes32(v))
		case opLY:
			m.set32(d.r1, v)
		}
	case opLGH, opLLGH:
		v, f := m.load16(d, ia, m.addr(d.r2, d.b2, d.d2))
		if f != nil {
			return f
		}
		if d.op == opLGH {
			r[d.r1] = uint64(int64(int16(v)))
		} else {
			r[d.r1] = uint64(v)
		}
	case opLGB, opLLGC:
		b, f := m.load(d, ia, m.addr(d.r2, d.b2, d.d2), 1)
		if f != nil {
			return f
		}
		if d.op == opLGB {
			r[d.r1] = uint64(int64(int8(b[0])))
		} else {
			r[d.r1] = uint64(b[0])
		}
	case opSTG:
		if f := m.store64(d, ia, m.addr(d.r2, d.b2, d.d2), r[d.r1]); f != nil {
			return f
		}
	case opSTY:
		var b [4]byte
		be.PutUint32(b[:], uint32(r[d.r1]))
		if f := m.store(d, ia, m.addr(d.r2, d.b2, d.d2), b[:]); f != nil {
			return f
		}
	case opSTHY:
		var b [2]byte
		be.PutUint16(b[:], uint16(r[d.r1]))
		if f := m.store(d, ia, m.addr(d.r2, d.b2, d.d2), b[:]); f != nil {
			return f
		}
	case opSTCY:
		b := [1]byte{byte(r[d.r1])}
		if f := m.store(d, ia, m.addr(d.r2, d.b2, d.d2), b[:]); f != nil {
			return f
		}

	// SS-a.
	case opMVC, opXC:
		if f := m.storageToStorage(d, ia); f != nil {
			return f
		}

	// RIE-b and RIE-c compare and branch.
	case opCGRJ, opCLGRJ, opCRJ, opCLRJ, opCGIJ, opCLGIJ, opCIJ, opCLIJ:
		var cc uint8
		a := r[d.r1]
		switch d.op {
		case opCGRJ:
			cc = ccCompare(int64(a), int64(r[d.r2]))
		case opCLGRJ:
			cc = ccCompare(a, r[d.r2])
		case opCRJ:
			cc = ccCompare(int32(a), int32(r[d.r2]))
		case opCLRJ:
			cc = ccCompare(uint32(a), uint32(r[d.r2]))
		case opCGIJ:
			cc = ccCompare(int64(a), int64(d.d1))
		case opCLGIJ:
			cc = ccCompare(a, uint64(uint8(d.d1)))
		case opCIJ:
			cc = ccCompare(int32(a), d.d1)
		default:
			cc = ccCompare(uint32(a), uint32(uint8(d.d1)))
		}
		if d.r3&(8>>cc) != 0 {
			m.PC = ia + uint64(d.imm)
			return nil
		}

	case opHook:
		return m.hooks[ia](m)
	default:
		return m.fault(FaultOperation, d, ia, 0, errNoSemantics.Error())
	}
	m.PC = next
	return nil
}

// multiple is LOAD MULTIPLE and STORE MULTIPLE (64): registers R1 up to
// R3, wrapping from 15 to 0, at consecutive doublewords.
func (m *Machine) multiple(d *dinst, ia, next uint64) error {
	a := m.addr(0, d.b2, d.d2)
	n := uint64((d.r3-d.r1)&15) + 1
	perm := PermRead
	if d.op == opSTMG {
		perm = PermWrite
	}
	b := m.Mem.span(a, 8*n, perm)
	if b == nil {
		if bad, k, ok := m.Mem.check(a, 8*n, perm); !ok {
			return m.fault(k, d, ia, bad, "")
		}
		var buf [128]byte
		b = buf[:8*n]
		if d.op == opLMG {
			m.Mem.copyOut(b, a)
		}
	}
	r1 := uint64(d.r1)
	if d.op == opSTMG {
		for i := range n {
			be.PutUint64(b[8*i:], m.R[(r1+i)&15])
		}
		if r := m.Mem.find(a); r.base+r.size-a < 8*n || r.code != nil {
			m.Mem.copyIn(a, b) // straddling, or over code
		}
		if m.OnStore != nil {
			m.OnStore(ia, a, 8*n)
		}
	} else {
		for i := range n {
			m.R[(r1+i)&15] = be.Uint64(b[8*i:])
		}
	}
	m.PC = next
	return nil
}

// storageToStorage is MOVE (character) and EXCLUSIVE OR (character): one
// byte at a time from left to right, so that overlapping operands behave
// as the architecture defines (mvc 1(255,%rX),0(%rX) propagates a byte).
func (m *Machine) storageToStorage(d *dinst, ia uint64) (f *Fault) {
	a1, a2, n := m.addr(0, d.b1, d.d1), m.addr(0, d.b2, d.d2), uint64(d.l)
	if m.OnStore != nil {
		defer func() {
			if f == nil {
				m.OnStore(ia, a1, n)
			}
		}()
	}
	perm := PermWrite
	if d.op == opXC {
		perm |= PermRead
	}
	// Fast path: both operands in one region each, not over code, and not
	// overlapping in the way that makes byte order matter (the first
	// operand starting inside the second, after its start).
	if src := m.Mem.span(a2, n, PermRead); src != nil && (a1-a2 >= n || a1 == a2) {
		if dst := m.Mem.span(a1, n, perm); dst != nil && m.Mem.last.code == nil {
			if d.op == opMVC {
				copy(dst, src)
				return nil
			}
			nz := byte(0)
			for i := range dst {
				dst[i] ^= src[i]
				nz |= dst[i]
			}
			m.CC = ccNonzero(uint32(nz))
			return nil
		}
	}
	if bad, k, ok := m.Mem.check(a2, n, PermRead); !ok {
		return m.fault(k, d, ia, bad, "")
	}
	if bad, k, ok := m.Mem.check(a1, n, perm); !ok {
		return m.fault(k, d, ia, bad, "")
	}
	var dst, src [256]byte
	m.Mem.copyOut(dst[:n], a1)
	m.Mem.copyOut(src[:n], a2)
	nz := byte(0)
	for i := range n {
		// A later byte of the source may be an earlier byte of the
		// destination.
		if a2+i-a1 < i {
			src[i] = dst[a2+i-a1]
		}
		if d.op == opXC {
			dst[i] ^= src[i]
			nz |= dst[i]
		} else {
			dst[i] = src[i]
		}
	}
	m.Mem.copyIn(a1, dst[:n])
	if d.op == opXC {
		m.CC = ccNonzero(uint32(nz))
	}
	return nil
}

// execute is EXECUTE and EXECUTE RELATIVE LONG: the instruction at t, with
// bits 8-15 ORed with bits 56-63 of R1 unless R1 is 0, runs as if it
// stood at t but with the next sequential instruction after the execute
// instruction.
func (m *Machine) execute(d *dinst, ia, next, t uint64) error {
	if t&1 != 0 {
		return m.fault(FaultSpecification, d, ia, t, "odd target address")
	}
	var b [6]byte
	if bad, k, ok := m.Mem.check(t, 2, PermExec); !ok {
		return m.fault(k, d, ia, bad, "target fetch")
	}
	m.Mem.copyOut(b[:2], t)
	n := uint64(len6(b[0]))
	if bad, k, ok := m.Mem.check(t, n, PermExec); !ok {
		return m.fault(k, d, ia, bad, "target fetch")
	}
	m.Mem.copyOut(b[:n], t)
	if d.r1 != 0 {
		b[1] |= byte(m.R[d.r1])
	}
	var td dinst
	if err := decode(&td, b[:n]); err != nil {
		return m.fault(FaultOperation, d, ia, t, "target is not an instruction")
	}
	if td.op == opEX || td.op == opEXRL {
		return m.fault(FaultExecute, d, ia, t, "target is "+td.ins.Mnemonic)
	}
	err := m.exec(&td, t, next)
	if f, ok := err.(*Fault); ok { //nolint:errorlint // exec returns *Fault unwrapped
		f.PC = ia
		f.Insn = mnemonic(d) + ">" + f.Insn
	}
	return err
}

// len6 is the instruction length from the first byte.
func len6(b byte) int {
	switch b >> 6 {
	case 0:
		return 2
	case 3:
		return 6
	}
	return 4
}
