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

// format is an instruction format of the Principles of Operation.
type format uint8

const (
	fmtRR format = iota
	fmtRRE
	fmtRIa
	fmtRIc
	fmtRILa
	fmtRILb
	fmtRILc
	fmtRXa
	fmtRXYa
	fmtRSYa
	fmtSSa
)

// opInfo describes one instruction: its format and its refimpl table
// entry, which gives the GNU mnemonic and encodes it.
type opInfo struct {
	format format
	code   refimpl.Opcode
	insn   *refimpl.Insn // filled in by init
	name   string        // GNU base mnemonic, from insn
}

var ops = [nOps]opInfo{
	opBASR:  {format: fmtRR, code: refimpl.OpBASR},
	opBCR:   {format: fmtRR, code: refimpl.OpBCR},
	opLGR:   {format: fmtRRE, code: refimpl.OpLGR},
	opLTGR:  {format: fmtRRE, code: refimpl.OpLTGR},
	opLGBR:  {format: fmtRRE, code: refimpl.OpLGBR},
	opLGHR:  {format: fmtRRE, code: refimpl.OpLGHR},
	opLGFR:  {format: fmtRRE, code: refimpl.OpLGFR},
	opLLGFR: {format: fmtRRE, code: refimpl.OpLLGFR},
	opLLGCR: {format: fmtRRE, code: refimpl.OpLLGCR},
	opLLGHR: {format: fmtRRE, code: refimpl.OpLLGHR},
	opAGHI:  {format: fmtRIa, code: refimpl.OpAGHI},
	opLGHI:  {format: fmtRIa, code: refimpl.OpLGHI},
	opBRC:   {format: fmtRIc, code: refimpl.OpBRC},
	opLLIHF: {format: fmtRILa, code: refimpl.OpLLIHF},
	opOILF:  {format: fmtRILa, code: refimpl.OpOILF},
	opBRASL: {format: fmtRILb, code: refimpl.OpBRASL},
	opEXRL:  {format: fmtRILb, code: refimpl.OpEXRL},
	opBRCL:  {format: fmtRILc, code: refimpl.OpBRCL},
	opLA:    {format: fmtRXa, code: refimpl.OpLA},
	opSTG:   {format: fmtRXYa, code: refimpl.OpSTG},
	opLG:    {format: fmtRXYa, code: refimpl.OpLG},
	opLTG:   {format: fmtRXYa, code: refimpl.OpLTG},
	opSTMG:  {format: fmtRSYa, code: refimpl.OpSTMG},
	opLMG:   {format: fmtRSYa, code: refimpl.OpLMG},
	opMVC:   {format: fmtSSa, code: refimpl.OpMVC},
	opXC:    {format: fmtSSa, code: refimpl.OpXC},
}

func init() {
	for i := range ops {
		o := &ops[i]
		if op(i) == opNone {
			continue
		}
		in, ok := refimpl.ByOpcode(o.code)
		if !ok || in.Len() != formatLen[o.format] {
			panic(fmt.Sprintf("tramp: refimpl has no %d-byte instruction %#x", formatLen[o.format], uint16(o.code)))
		}
		o.insn, o.name = in, in.Mnemonic
	}
}

// formatLen is the length in bytes of each format.
var formatLen = [...]int{
	fmtRR: 2, fmtRRE: 4, fmtRIa: 4, fmtRIc: 4,
	fmtRILa: 6, fmtRILb: 6, fmtRILc: 6,
	fmtRXa: 4, fmtRXYa: 6, fmtRSYa: 6, fmtSSa: 6,
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
