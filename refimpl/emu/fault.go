package emu

import "fmt"

// FaultKind says why execution stopped.
type FaultKind uint8

// Fault kinds. The program-interruption names of the Principles of
// Operation are in parentheses; under Linux the first three are SIGSEGV,
// the next three SIGILL and FaultDivide SIGFPE.
const (
	FaultUnmapped      FaultKind = iota + 1 // an operand or instruction byte at an unmapped address (addressing, segment or page translation)
	FaultProtection                         // a store to a region without PermWrite or a load from one without PermRead (protection)
	FaultFetch                              // an instruction fetched from a region without PermExec (protection on fetch)
	FaultOperation                          // an opcode outside refimpl's table (operation)
	FaultSpecification                      // odd register of an even/odd pair, misaligned interlocked or relative-long operand, odd instruction address, odd EX target (specification)
	FaultExecute                            // EX or EXRL as the target of EX or EXRL (execute)
	FaultDivide                             // division by zero or a quotient too large for the result (fixed-point divide)
	FaultBudget                             // the step budget of Run ran out (not an architectural event)
)

var faultNames = [...]string{
	FaultUnmapped:      "unmapped address",
	FaultProtection:    "protection",
	FaultFetch:         "fetch from non-executable memory",
	FaultOperation:     "illegal instruction",
	FaultSpecification: "specification exception",
	FaultExecute:       "execute exception",
	FaultDivide:        "fixed-point divide exception",
	FaultBudget:        "step budget exhausted",
}

// String returns a short lowercase description.
func (k FaultKind) String() string {
	if int(k) < len(faultNames) && faultNames[k] != "" {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", k)
}

// Fault is an error that stops execution. The instruction is suppressed:
// registers, condition code, PSW address and memory are as before it.
type Fault struct {
	Kind FaultKind
	PC   uint64 // address of the instruction (of EX/EXRL when its target faults); for FaultBudget, where execution stopped
	Addr uint64 // the operand address for access faults, the target for an odd instruction address
	Insn string // mnemonic ("lg", "exrl>lg" for an executed target); empty when unknown
	Text string // detail: the bytes of an unknown instruction, the misaligned operand, ...
}

// Error returns "kind at 0x... (insn): detail".
func (f *Fault) Error() string {
	s := fmt.Sprintf("%v at %#x", f.Kind, f.PC)
	if f.Insn != "" {
		s += " (" + f.Insn + ")"
	}
	switch f.Kind {
	case FaultUnmapped, FaultProtection, FaultFetch:
		s += fmt.Sprintf(": address %#x", f.Addr)
	}
	if f.Text != "" {
		s += ": " + f.Text
	}
	return s
}
