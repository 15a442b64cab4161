// Package abi runs code on the emu emulator the way the s390x ELF ABI
// calls it: a caller that passes arguments in %r2-%r6 and on its stack,
// with the 160-byte register save area and the backchain, and native stubs
// (Go functions at addresses) that record what a called function sees:
// the registers, the condition code and the caller's stack.
//
// The rules are those of the s390x ELF Application Binary Interface
// Supplement ("Function calling sequence": register usage, the standard
// stack frame and parameter passing) as GCC implements them, which the
// tests check: integral, pointer and enum arguments and structures of 1, 2,
// 4 or 8 bytes go, in order, into %r2 to %r6 and then into 8-byte slots
// from 160(%r15) of the caller, right-justified; integral values are
// extended to 64 bits as their type's signedness says; other structures
// and wider scalars (__int128) are copied by the caller and passed by
// reference. Floating-point and
// vector arguments are not modelled (kernel functions traced by BPF
// trampolines take none). %r6-%r13 and %r15 are preserved by a callee,
// %r0-%r5, %r14 and the condition code are not; the return value is in %r2.
//
// RunTrampoline runs a BPF trampoline's code (any generator's output,
// described by a Trampoline) as the kernel enters it, with stubs for
// everything it calls, and reports each violation of the contract it
// checks (written from the ABI and BPF's documented semantics) as a Finding
// with the offset of the instruction responsible where known.
//
// It imports only refimpl/emu.
package abi

import "fmt"

// Frame layout of the s390x ELF ABI, offsets from %r15.
const (
	SaveArea  = 160 // bytes of the register save area a caller provides for its callee
	Backchain = 0   // the caller's %r15 of the frame below, when a backchain is kept
	SaveR6    = 48  // where a callee's "stmg %r6,%r15,48(%r15)" saves %r6 (then %r7 ... %r15, 8 bytes each)
	SaveR14   = SaveR6 + 8*(14-6)
	StackArgs = SaveArea // the first stack argument slot
	// PackedBackchain and PackedR14 are the backchain and saved %r14 slots
	// of the Linux kernel's frames (built with -mpacked-stack: struct
	// stack_frame of arch/s390 keeps %r6-%r15 from 72 and the backchain
	// last, at 152). The kernel's unwinder reads a frame's return address
	// from the saved %r14 of the frame its backchain points to.
	PackedBackchain = 152
	PackedR14       = 72 + 8*(14-6)
	// PackedTailCallCnt is where the kernel's BPF JIT keeps the tail call
	// counter (4 bytes) in the frame of a BPF program's caller: the
	// program reads and counts it at that offset from its entry %r15
	// (struct prog_frame of arch/s390/net/bpf_jit_comp.c, Linux 6.12).
	PackedTailCallCnt = 64
	ArgRegs           = 5 // %r2 to %r6
	FirstArgRg        = 2
)

// Arg describes one argument as C declares it.
type Arg struct {
	Size   int  // in bytes: 1, 2, 4 or 8 for scalars; 1..16 (and more) for structures
	Signed bool // scalars: a signed type (sign extension); ignored for structures
	Struct bool // an aggregate
}

// String returns "s32", "u8", "struct12".
func (a Arg) String() string {
	switch {
	case a.Struct:
		return fmt.Sprintf("struct%d", a.Size)
	case a.Signed:
		return fmt.Sprintf("s%d", 8*a.Size)
	}
	return fmt.Sprintf("u%d", 8*a.Size)
}

// ByRef reports whether the argument is passed as the address of a copy:
// structures of other sizes than 1, 2, 4 and 8 bytes, and scalars wider
// than 8 bytes (__int128).
func (a Arg) ByRef() bool {
	if !a.Struct {
		return a.Size > 8
	}
	switch a.Size {
	case 1, 2, 4, 8:
		return false
	}
	return true
}

// Loc is where an argument is passed.
type Loc struct {
	Reg   int  // 2..6, or 0 when on the stack
	Stack int  // on the stack: the slot's offset from the caller's %r15 (160, 168, ...)
	ByRef bool // the register or slot holds the address of a copy of the structure
}

// String returns "%r3", "160(%r15)", "*%r4".
func (l Loc) String() string {
	s := fmt.Sprintf("%d(%%r15)", l.Stack)
	if l.Reg != 0 {
		s = fmt.Sprintf("%%r%d", l.Reg)
	}
	if l.ByRef {
		s = "*" + s
	}
	return s
}

// Locate returns where each argument goes. Every argument takes one
// register or one 8-byte stack slot (a structure passed by reference takes
// one for its address).
func Locate(args []Arg) []Loc {
	locs := make([]Loc, len(args))
	reg, slot := FirstArgRg, StackArgs
	for i, a := range args {
		l := Loc{ByRef: a.ByRef()}
		if reg < FirstArgRg+ArgRegs {
			l.Reg = reg
			reg++
		} else {
			l.Stack = slot
			slot += 8
		}
		locs[i] = l
	}
	return locs
}

// StackArgBytes returns the bytes of stack argument slots args need.
func StackArgBytes(args []Arg) int {
	return 8 * max(0, len(args)-ArgRegs)
}

// Extend returns the 64-bit register image of the value v (the argument's
// Size bytes, big-endian): sign- or zero-extended for scalars, zero-extended
// for structures passed in a register (where the ABI leaves the high bytes
// undefined: see Result and Call for how they are compared).
func Extend(a Arg, v []byte) uint64 {
	var x uint64
	for _, b := range v {
		x = x<<8 | uint64(b)
	}
	if !a.Struct && a.Signed && a.Size < 8 {
		s := uint(64 - 8*a.Size)
		x = uint64(int64(x<<s) >> s)
	}
	return x
}
