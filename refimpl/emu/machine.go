package emu

import (
	"encoding/hex"
	"errors"

	"github.com/trampcheck/trampcheck/refimpl"
)

// Hook is Go code standing at an address: when the PSW address reaches it,
// Run calls the hook instead of fetching an instruction. The hook sets the
// PSW address where execution goes on (m.PC = m.R[14] returns to a BASR or
// BRASL caller) or calls Stop. A non-nil error ends Run with that error.
type Hook func(m *Machine) error

// Machine is the problem state of one s390x CPU in 64-bit addressing mode:
// general registers, PSW address and condition code, over a Memory. The
// program mask is taken as zero (fixed-point overflow does not interrupt),
// as in Linux user space.
type Machine struct {
	R   [16]uint64 // general registers
	PC  uint64     // PSW instruction address
	CC  uint8      // condition code, 0..3
	Mem *Memory

	// Steps counts the instructions executed (an EX or EXRL with its
	// target counts once) and hooks called.
	Steps uint64

	// OnStore, when set, is told of every store an instruction makes (not
	// of the host's Memory.Write): the instruction's address (the
	// target's for an executed one), the first byte and the length. It
	// runs after the store and must not store itself.
	OnStore func(pc, addr, n uint64)

	trace    []uint64 // ring of the last addresses executed, nil when off
	traceBuf []uint64 // storage of trace, kept across SetTrace calls
	hooks    map[uint64]Hook
	scratch  [8]byte // loads that straddle regions
	stopped  bool
	page     []dinst // the decoded-instruction chunk of the last fetch
	pageBase uint64  // its address
	pageMem  *Memory // the Memory it belongs to
}

// New returns a machine with zeroed registers over mem.
func New(mem *Memory) *Machine {
	return &Machine{Mem: mem, hooks: map[uint64]Hook{}}
}

// SetHook installs h at addr (nil removes it). The address need not be
// mapped.
func (m *Machine) SetHook(addr uint64, h Hook) {
	if h == nil {
		delete(m.hooks, addr)
	} else {
		m.hooks[addr] = h
	}
	if r := m.Mem.find(addr); r != nil {
		r.wrote(addr-r.base, 1)
	}
}

// Stop ends the current Run after the running hook or instruction; Run
// returns nil.
func (m *Machine) Stop() { m.stopped = true }

// Run executes from PC until a hook calls Stop (nil), a fault (*Fault), a
// hook's error, or budget steps (a *Fault of kind FaultBudget).
func (m *Machine) Run(budget uint64) error {
	m.stopped = false
	if m.pageMem != m.Mem {
		m.page, m.pageMem = nil, m.Mem
	}
	for ; budget > 0; budget-- {
		pc := m.PC
		var d *dinst
		if off := pc - m.pageBase; off < 2*uint64(len(m.page)) && off&1 == 0 {
			d = &m.page[off>>1]
		}
		if d == nil || d.op == 0 {
			var err error
			if d, err = m.fetch(pc); err != nil {
				return err
			}
		}
		if m.trace != nil {
			m.trace[m.Steps%uint64(len(m.trace))] = pc
		}
		m.Steps++
		if err := m.exec(d, pc, pc+uint64(d.n)); err != nil {
			return err
		}
		if m.stopped {
			return nil
		}
	}
	return &Fault{Kind: FaultBudget, PC: m.PC}
}

// SetTrace makes Run remember the addresses of the last n instructions
// and hooks it executes (0 turns it off).
func (m *Machine) SetTrace(n int) {
	m.trace = nil
	if n > 0 {
		// The ring of the previous run is reused (Trace copies out of it).
		if cap(m.traceBuf) < n {
			m.traceBuf = make([]uint64, n)
		}
		m.trace = m.traceBuf[:n]
		for i := range m.trace {
			m.trace[i] = ^uint64(0)
		}
	}
}

// Trace returns the remembered addresses, oldest first (the last is the
// instruction that faulted, when Run returned a fault).
func (m *Machine) Trace() []uint64 {
	return m.AppendTrace(make([]uint64, 0, len(m.trace)))
}

// AppendTrace is Trace appending to dst.
func (m *Machine) AppendTrace(dst []uint64) []uint64 {
	n := uint64(len(m.trace))
	for i := range n {
		if a := m.trace[(m.Steps+i)%n]; a != ^uint64(0) {
			dst = append(dst, a)
		}
	}
	return dst
}

// Step executes one instruction (or hook). The error is as for Run, never
// FaultBudget.
func (m *Machine) Step() error {
	m.stopped = false
	d, err := m.fetch(m.PC)
	if err != nil {
		return err
	}
	m.Steps++
	return m.exec(d, m.PC, m.PC+uint64(d.n))
}

// hookInst is the decoded form of every hook address.
var hookInst = dinst{op: opHook}

// fetch returns the decoded instruction at pc, decoding and caching it.
func (m *Machine) fetch(pc uint64) (*dinst, error) {
	if _, ok := m.hooks[pc]; ok {
		return &hookInst, nil
	}
	if pc&1 != 0 {
		return nil, &Fault{Kind: FaultSpecification, PC: pc, Addr: pc, Text: "odd instruction address"}
	}
	r := m.Mem.find(pc)
	if r == nil {
		return nil, &Fault{Kind: FaultUnmapped, PC: pc, Addr: pc, Text: "instruction fetch"}
	}
	if r.perm&PermExec == 0 {
		return nil, &Fault{Kind: FaultFetch, PC: pc, Addr: pc}
	}
	page, off := r.chunk(pc - r.base)
	m.page, m.pageBase = page, r.base+off
	d := &page[(pc-m.pageBase)>>1]
	var b [6]byte
	if bad, kind, ok := m.Mem.check(pc, 2, PermExec); !ok {
		return nil, &Fault{Kind: kind, PC: pc, Addr: bad}
	}
	m.Mem.copyOut(b[:2], pc)
	n := uint64(refimpl.LengthOf(b[0]))
	if bad, kind, ok := m.Mem.check(pc, n, PermExec); !ok {
		return nil, &Fault{Kind: kind, PC: pc, Addr: bad}
	}
	m.Mem.copyOut(b[:n], pc)
	if err := decode(d, b[:n]); err != nil {
		return nil, &Fault{Kind: FaultOperation, PC: pc, Text: "bytes " + hex.EncodeToString(b[:n])}
	}
	return d, nil
}

// errUnknown is decode's only error.
var errUnknown = errors.New("unknown opcode")

// decode fills d from the instruction b.
func decode(d *dinst, b []byte) error {
	in, err := refimpl.Decode(b)
	if err != nil {
		return errUnknown
	}
	op := opOf[in.Insn.Opcode]
	if op == 0 {
		return errUnknown
	}
	a := &in.Args
	*d = dinst{op: op, n: uint8(in.Len), ins: in.Insn}
	switch in.Insn.Format {
	case refimpl.FormatRR, refimpl.FormatRRE:
		d.r1, d.r2 = uint8(a[0]), uint8(a[1])
	case refimpl.FormatRRFa:
		d.r1, d.r2, d.r3 = uint8(a[0]), uint8(a[1]), uint8(a[2])
	case refimpl.FormatRIa, refimpl.FormatRIc, refimpl.FormatRILa, refimpl.FormatRILb, refimpl.FormatRILc:
		d.r1, d.imm = uint8(a[0]), a[1]
	case refimpl.FormatRSa:
		d.r1, d.d2, d.b2 = uint8(a[0]), int32(a[1]), uint8(a[2])
	case refimpl.FormatRSYa:
		d.r1, d.r3, d.d2, d.b2 = uint8(a[0]), uint8(a[1]), int32(a[2]), uint8(a[3])
	case refimpl.FormatRXa, refimpl.FormatRXb, refimpl.FormatRXYa:
		d.r1, d.d2, d.r2, d.b2 = uint8(a[0]), int32(a[1]), uint8(a[2]), uint8(a[3])
	case refimpl.FormatSSa:
		d.d1, d.l, d.b1, d.d2, d.b2 = int32(a[0]), uint16(a[1]), uint8(a[2]), int32(a[3]), uint8(a[4])
	case refimpl.FormatRIEb:
		d.r1, d.r2, d.r3, d.imm = uint8(a[0]), uint8(a[1]), uint8(a[2]), a[3]
	case refimpl.FormatRIEc:
		d.r1, d.d1, d.r3, d.imm = uint8(a[0]), int32(a[1]), uint8(a[2]), a[3]
	}
	return nil
}

// dinst is a decoded instruction. Fields by format: RR/RRE r1 r2 (bcr: r1
// is M1); RRF-a r1 r2 r3; RI/RIL r1 (or M1) and imm (relative forms: byte
// offset); RS-a r1 d2(b2); RSY-a r1 r3 d2(b2); RX/RXY r1 d2(r2=X2, b2); SS-a
// d1(l, b1) d2(b2); RIE-b r1 r2 r3=M3 imm=RI4; RIE-c r1 d1=I2 r3=M3 imm=RI4.
type dinst struct {
	op         uint8
	n          uint8 // length in bytes
	r1, r2, r3 uint8
	b1, b2     uint8
	l          uint16 // SS-a length in bytes, 1..256
	d1, d2     int32
	imm        int64
	ins        *refimpl.Insn
}
