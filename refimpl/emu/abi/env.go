package abi

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/trampcheck/trampcheck/refimpl/emu"
)

// Addresses of an Env's regions.
const (
	CodeBase  = 0x0100_0000 // code the test loads (rwx, CodeSize bytes)
	CodeSize  = 0x1_0000
	StubBase  = 0x0200_0000      // stubs: hook addresses, unmapped, 16 bytes apart
	StackBase = 0x03ff_0400_0000 // the stack (rw, StackSize bytes, above 4 GiB as kernel stacks are); %r15 starts near its top
	StackSize = 0x1_0000
	StackTop  = StackBase + StackSize
	// ReturnAddr is where a Call's callee returns: a hook that stops.
	ReturnAddr = 0x0300_0000
	// OuterFrame is the backchain a Call's frame stores: the %r15 of a
	// frame above it that no code owns.
	OuterFrame = StackTop - 0x1000
)

// GarbageBytes is how much of the stack below a Call's frame is filled
// with a garbage pattern (and the frame's register save area).
const GarbageBytes = 8192

// Poison is the value volatile registers hold after a stub returns and
// before a Call: code that relies on them shows.
const Poison = 0xdeadbeef_00000000

// Values of %r6-%r13 at a Call, which the callee must preserve.
func calleeSaved(r int) uint64 { return 0x5a5a_0000_0000_0000 | uint64(r)<<32 | uint64(r) }

// StubCall is what a stub saw when it was called.
type StubCall struct {
	Stub  *Stub
	Seq   int        // index in Env.Calls
	Regs  [16]uint64 // at entry (%r14 is the return address, %r15 the caller's stack pointer)
	CC    uint8
	Stack []byte // StubStackBytes bytes from %r15 (the caller's save area and stack arguments), nil when not readable
}

// StubStackBytes is how much of the caller's stack a StubCall records.
const StubStackBytes = SaveArea + 8*16

// Arg returns the value of argument i (0-based) as a register or stack slot
// image: the register, or the 8 bytes of the slot; ok is false when the
// slot was not readable.
func (c *StubCall) Arg(i int) (v uint64, ok bool) {
	if i < ArgRegs {
		return c.Regs[FirstArgRg+i], true
	}
	off := StackArgs + 8*(i-ArgRegs)
	if off+8 > len(c.Stack) {
		return 0, false
	}
	return binary.BigEndian.Uint64(c.Stack[off:]), true
}

// Stub is a native function at an address.
type Stub struct {
	Name string
	Addr uint64
	// Fn computes the return value (in %r2); it may read and write the
	// machine's memory. Nil returns 0.
	Fn func(e *Env, c *StubCall) uint64
}

// Env is an emulated machine with code, stack and stub regions.
type Env struct {
	M   *emu.Machine
	Mem *emu.Memory
	// Calls are every stub call, in order. Reset reuses them: a caller
	// that keeps one past the next Reset must copy it.
	Calls    []*StubCall
	callPool []*StubCall // Calls' storage, reused across Resets
	// ArgImages are the register or stack slot images of the arguments of
	// the running (or last) Call: values, or addresses of by-reference
	// copies.
	ArgImages []uint64
	// BackchainOff is where a Call's frame keeps its backchain: Backchain
	// (0, the ELF ABI's layout, the default) or PackedBackchain (the
	// kernel's).
	BackchainOff int
	// RecordStores makes Call record every store an instruction makes in
	// Stores (stubs' writes are not instructions').
	RecordStores bool
	Stores       []Store
	stubs        []*Stub
	loaded       uint64 // bytes of the code region written by Load since the last Reset
}

// zeroCode is what Reset fills the loaded code with.
var zeroCode = make([]byte, CodeSize)

// stackGarbage is what Reset fills the stack with.
var stackGarbage = func() []byte {
	b := make([]byte, StackSize)
	for i := range b {
		b[i] = byte(0xa5 ^ i)
	}
	return b
}()

// Reset makes e as NewEnv returned it, without allocating again: no stubs,
// no code, the stack filled with garbage, no recorded calls or stores, the
// backchain offset and store recording as they are.
func (e *Env) Reset() error {
	for _, s := range e.stubs {
		e.M.SetHook(s.Addr, nil)
	}
	e.stubs = e.stubs[:0]
	e.Calls, e.Stores, e.ArgImages = e.Calls[:0], e.Stores[:0], e.ArgImages[:0]
	if e.loaded > 0 {
		if err := e.Mem.Write(CodeBase, zeroCode[:e.loaded]); err != nil {
			return err
		}
		e.loaded = 0
	}
	return e.Mem.Write(StackBase, stackGarbage)
}

// Store is one store of an instruction.
type Store struct {
	PC, Addr, N uint64
}

// LastWriter returns the last recorded store that wrote the byte at addr.
func (e *Env) LastWriter(addr uint64) (Store, bool) {
	for i := len(e.Stores) - 1; i >= 0; i-- {
		if s := e.Stores[i]; addr-s.Addr < s.N {
			return s, true
		}
	}
	return Store{}, false
}

// NewEnv maps the regions and installs the return hook.
func NewEnv() (*Env, error) {
	mem := new(emu.Memory)
	if err := mem.Map(CodeBase, CodeSize, emu.PermRead|emu.PermWrite|emu.PermExec); err != nil {
		return nil, err
	}
	if err := mem.Map(StackBase, StackSize, emu.PermRead|emu.PermWrite); err != nil {
		return nil, err
	}
	e := &Env{M: emu.New(mem), Mem: mem}
	e.M.SetHook(ReturnAddr, func(m *emu.Machine) error { m.Stop(); return nil })
	return e, nil
}

// AddStub installs a stub at the next free address of the stub region
// and returns it.
func (e *Env) AddStub(name string, fn func(e *Env, c *StubCall) uint64) *Stub {
	return e.AddStubAt(name, StubBase+16*uint64(len(e.stubs)), fn)
}

// AddStubAt installs a stub at addr (any even address outside the mapped
// code; it replaces a stub already there).
func (e *Env) AddStubAt(name string, addr uint64, fn func(e *Env, c *StubCall) uint64) *Stub {
	s := &Stub{Name: name, Addr: addr, Fn: fn}
	e.stubs = append(e.stubs, s)
	e.M.SetHook(s.Addr, func(m *emu.Machine) error {
		c := e.newCall()
		*c = StubCall{Stub: s, Seq: len(e.Calls), Regs: m.R, CC: m.CC, Stack: c.Stack[:StubStackBytes]}
		if err := e.Mem.ReadInto(c.Stack, m.R[15]); err != nil {
			c.Stack = nil
		}
		e.Calls = append(e.Calls, c)
		var ret uint64
		if s.Fn != nil {
			ret = s.Fn(e, c)
		}
		// Volatile registers: %r2 the result, the rest poisoned.
		for _, r := range []int{0, 1, 3, 4, 5} {
			m.R[r] = Poison | uint64(r)
		}
		m.R[2] = ret
		m.CC = uint8(len(e.Calls) & 3)
		m.PC = m.R[14]
		return nil
	})
	return s
}

// newCall returns the StubCall for the next entry of e.Calls: one of a
// previous run (after Reset) when there is one, so that a run allocates
// nothing per stub call; its Stack has room for StubStackBytes.
func (e *Env) newCall() *StubCall {
	i := len(e.Calls)
	if i == len(e.callPool) {
		e.callPool = append(e.callPool, &StubCall{Stack: make([]byte, StubStackBytes)})
	}
	c := e.callPool[i]
	if cap(c.Stack) < StubStackBytes {
		c.Stack = make([]byte, StubStackBytes)
	}
	return c
}

// Value is an argument with its bytes (big-endian, Arg.Size of them).
type Value struct {
	Arg
	Bytes []byte
}

// Result is what a Call observed.
type Result struct {
	Ret  uint64     // %r2 at return
	Regs [16]uint64 // at return
	SP   uint64     // the caller's %r15 (the frame the callee got)
	// Clobbered lists the callee-saved registers (%r6-%r13, %r15) whose
	// value changed.
	Clobbered []int
	Steps     uint64
}

// CallOption changes the machine state a Call starts from; sp is the
// caller's %r15.
type CallOption func(m *emu.Machine, sp uint64) error

// WithReg sets register r at entry (after the arguments): %r0 for the
// ftrace hotpatch convention, for example.
func WithReg(r int, v uint64) CallOption {
	return func(m *emu.Machine, _ uint64) error { m.R[r] = v; return nil }
}

// WithFrameBytes writes b at offset off of the caller's frame (a tail call
// counter, say).
func WithFrameBytes(off uint64, b []byte) CallOption {
	return func(m *emu.Machine, sp uint64) error { return m.Mem.Write(sp+off, b) }
}

// ErrBadValue reports a Value whose bytes do not match its size.
var ErrBadValue = errors.New("value bytes do not match the argument size")

// Call calls the function at fn with args the way a C caller does, and
// runs until it returns (to ReturnAddr) or budget instructions ran. The
// caller's frame: its %r15 is 8-byte aligned with the 160-byte save area,
// the backchain (OuterFrame) at BackchainOff, the stack arguments from 160 and the
// copies of structures passed by reference above them; %r6-%r13 hold
// known values, %r0, %r1 and the unused argument registers Poison, %r14
// ReturnAddr.
func (e *Env) Call(fn uint64, args []Value, budget uint64, opts ...CallOption) (*Result, error) {
	as := make([]Arg, len(args))
	copiesSize := 0
	for i, v := range args {
		if len(v.Bytes) != v.Size || v.Size <= 0 {
			return nil, fmt.Errorf("argument %d (%v): %w", i, v.Arg, ErrBadValue)
		}
		as[i] = v.Arg
		if v.ByRef() {
			copiesSize += (v.Size + 7) &^ 7
		}
	}
	locs := Locate(as)
	frame := uint64(SaveArea + StackArgBytes(as) + copiesSize)
	sp := (OuterFrame - frame) &^ 7
	// The stack below the frame holds garbage, as a real one does: code
	// that reads a slot it did not write shows.
	// So does the register save area the caller gives its callee.
	n := min(GarbageBytes, sp-StackBase) + SaveArea
	if err := e.Mem.Write(sp+SaveArea-n, stackGarbage[:n]); err != nil {
		return nil, err
	}
	m := e.M
	for r := range m.R {
		m.R[r] = Poison | uint64(r)
	}
	for r := 6; r <= 13; r++ {
		m.R[r] = calleeSaved(r)
	}
	var w [8]byte
	binary.BigEndian.PutUint64(w[:], OuterFrame)
	if err := e.Mem.Write(sp+uint64(e.BackchainOff), w[:]); err != nil {
		return nil, err
	}
	copyAt := sp + SaveArea + uint64(StackArgBytes(as))
	e.ArgImages = make([]uint64, len(args))
	for i, v := range args {
		var img uint64
		if locs[i].ByRef {
			if err := e.Mem.Write(copyAt, v.Bytes); err != nil {
				return nil, err
			}
			img = copyAt
			copyAt += uint64((v.Size + 7) &^ 7)
		} else {
			img = Extend(v.Arg, v.Bytes)
		}
		e.ArgImages[i] = img
		if locs[i].Reg != 0 {
			m.R[locs[i].Reg] = img
		} else {
			binary.BigEndian.PutUint64(w[:], img)
			if err := e.Mem.Write(sp+uint64(locs[i].Stack), w[:]); err != nil {
				return nil, err
			}
		}
	}
	m.R[14], m.R[15] = ReturnAddr, sp
	m.PC = fn
	for _, o := range opts {
		if err := o(m, sp); err != nil {
			return nil, err
		}
	}
	saved := m.R // %r6 may be an argument: preserved all the same
	e.Stores = e.Stores[:0]
	m.OnStore = nil
	if e.RecordStores {
		m.OnStore = func(pc, addr, n uint64) { e.Stores = append(e.Stores, Store{pc, addr, n}) }
	}
	start := m.Steps
	err := m.Run(budget)
	res := &Result{Ret: m.R[2], Regs: m.R, SP: sp, Steps: m.Steps - start}
	if err != nil {
		return res, err
	}
	for r := 6; r <= 13; r++ {
		if m.R[r] != saved[r] {
			res.Clobbered = append(res.Clobbered, r)
		}
	}
	if m.R[15] != sp {
		res.Clobbered = append(res.Clobbered, 15)
	}
	return res, nil
}

// Load assembles nothing: it writes code at CodeBase+off and returns its
// address.
func (e *Env) Load(off uint64, code []byte) (uint64, error) {
	if off+uint64(len(code)) > CodeSize {
		return 0, fmt.Errorf("code of %d bytes at offset %#x does not fit the %#x-byte code region", len(code), off, CodeSize)
	}
	a := CodeBase + off
	e.loaded = max(e.loaded, off+uint64(len(code)))
	return a, e.Mem.Write(a, code)
}
