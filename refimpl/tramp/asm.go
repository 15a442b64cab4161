package tramp

import (
	"fmt"
	"strconv"

	"github.com/trampcheck/trampcheck/refimpl"
)

// Reg is a general register, %r0..%r15.
type Reg uint8

// The general registers. The s390x ELF ABI passes arguments in %r2-%r6 and
// returns values in %r2; %r14 holds the return address, %r15 the stack
// pointer; %r6-%r13 and %r15 are callee-saved; %r0 and %r1 are scratch. In
// base-register and index-register fields %r0 means "none".
const (
	R0 Reg = iota
	R1
	R2
	R3
	R4
	R5
	R6
	R7
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

// String returns the register in GNU syntax ("%r14").
func (r Reg) String() string { return "%r" + strconv.Itoa(int(r)) }

// Branch condition masks of brc/brcl (the four condition codes, CC0 first,
// as mask bits 8, 4, 2, 1).
const (
	MaskNever    = 0  // no-op branch (jgnop), patched later into a jump
	MaskNotEqual = 7  // CC1|CC2|CC3: after ltg, the value was not zero
	MaskEqual    = 8  // CC0: after ltgr/ltg, the value was zero
	MaskAlways   = 15 // unconditional
)

// op identifies one instruction the trampoline emits.
type op uint8

// The instructions of the trampoline, with their format and full name from
// the Principles of Operation.
const (
	opNone  op = iota
	opBASR     // RR    BRANCH AND SAVE
	opBCR      // RR    BRANCH ON CONDITION
	opLGR      // RRE   LOAD (64)
	opLTGR     // RRE   LOAD AND TEST (64)
	opLGBR     // RRE   LOAD BYTE (64<-8)
	opLGHR     // RRE   LOAD HALFWORD (64<-16)
	opLGFR     // RRE   LOAD (64<-32)
	opLLGFR    // RRE   LOAD LOGICAL (64<-32)
	opLLGCR    // RRE   LOAD LOGICAL CHARACTER (64<-8)
	opLLGHR    // RRE   LOAD LOGICAL HALFWORD (64<-16)
	opAGHI     // RI-a  ADD HALFWORD IMMEDIATE (64)
	opLGHI     // RI-a  LOAD HALFWORD IMMEDIATE (64)
	opBRC      // RI-c  BRANCH RELATIVE ON CONDITION
	opLLIHF    // RIL-a LOAD LOGICAL IMMEDIATE (high)
	opOILF     // RIL-a OR IMMEDIATE (low)
	opBRASL    // RIL-b BRANCH RELATIVE AND SAVE LONG
	opEXRL     // RIL-b EXECUTE RELATIVE LONG
	opBRCL     // RIL-c BRANCH RELATIVE ON CONDITION LONG
	opLA       // RX-a  LOAD ADDRESS
	opSTG      // RXY-a STORE (64)
	opLG       // RXY-a LOAD (64)
	opLTG      // RXY-a LOAD AND TEST (64)
	opSTMG     // RSY-a STORE MULTIPLE (64)
	opLMG      // RSY-a LOAD MULTIPLE (64)
	opMVC      // SS-a  MOVE (character)
	opXC       // SS-a  EXCLUSIVE OR (character)
	nOps
)

// opInfo describes one instruction: its opcode and its refimpl table
// entry, which gives the format and the GNU mnemonic and encodes it.
type opInfo struct {
	code   refimpl.Opcode
	insn   *refimpl.Insn  // filled in by init
	format refimpl.Format // from insn
	size   int            // length in bytes, from insn
	name   string         // GNU base mnemonic, from insn
}

var ops = [nOps]opInfo{
	opBASR:  {code: refimpl.OpBASR},
	opBCR:   {code: refimpl.OpBCR},
	opLGR:   {code: refimpl.OpLGR},
	opLTGR:  {code: refimpl.OpLTGR},
	opLGBR:  {code: refimpl.OpLGBR},
	opLGHR:  {code: refimpl.OpLGHR},
	opLGFR:  {code: refimpl.OpLGFR},
	opLLGFR: {code: refimpl.OpLLGFR},
	opLLGCR: {code: refimpl.OpLLGCR},
	opLLGHR: {code: refimpl.OpLLGHR},
	opAGHI:  {code: refimpl.OpAGHI},
	opLGHI:  {code: refimpl.OpLGHI},
	opBRC:   {code: refimpl.OpBRC},
	opLLIHF: {code: refimpl.OpLLIHF},
	opOILF:  {code: refimpl.OpOILF},
	opBRASL: {code: refimpl.OpBRASL},
	opEXRL:  {code: refimpl.OpEXRL},
	opBRCL:  {code: refimpl.OpBRCL},
	opLA:    {code: refimpl.OpLA},
	opSTG:   {code: refimpl.OpSTG},
	opLG:    {code: refimpl.OpLG},
	opLTG:   {code: refimpl.OpLTG},
	opSTMG:  {code: refimpl.OpSTMG},
	opLMG:   {code: refimpl.OpLMG},
	opMVC:   {code: refimpl.OpMVC},
	opXC:    {code: refimpl.OpXC},
}

func init() {
	for i := range ops {
		o := &ops[i]
		if op(i) == opNone {
			continue
		}
		in, ok := refimpl.ByOpcode(o.code)
		if !ok {
			panic(fmt.Sprintf("tramp: refimpl has no instruction %#x", uint16(o.code)))
		}
		o.insn, o.format, o.size, o.name = in, in.Format, in.Len(), in.Mnemonic
	}
}

// inst is one instruction with its operands, before encoding. Fields are
// named after the Principles of Operation; which are used depends on the
// format.
type inst struct {
	op  op
	r1  Reg   // R1 or M1 (mask)
	r2  Reg   // R2, R3 or X2
	b1  Reg   // B1 (SS) or B2
	b2  Reg   // B2 (SS)
	d1  int32 // D1 (SS) or D2
	d2  int32 // D2 (SS)
	l   int32 // SS: length in bytes (1..256)
	imm int64 // I2, or the branch target relative to this instruction in bytes
	off int32 // offset of the instruction in the trampoline
}
