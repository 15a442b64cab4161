package tramp

import "strconv"

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

// opInfo describes one instruction: its GNU mnemonic, format and opcode.
// For two-part opcodes (RI, RIL, RXY, RSY) opcode holds the first byte in
// bits 8-15 and the second part in bits 0-7 (RI/RIL: a nibble; RXY/RSY: the
// last byte of the instruction).
type opInfo struct {
	name   string
	format format
	op1    uint8 // first opcode byte
	op2    uint8 // RRE: second opcode byte; RI/RIL: opcode nibble; RXY/RSY: last byte
}

var ops = [nOps]opInfo{
	opBASR:  {"basr", fmtRR, 0x0d, 0},
	opBCR:   {"bcr", fmtRR, 0x07, 0},
	opLGR:   {"lgr", fmtRRE, 0xb9, 0x04},
	opLTGR:  {"ltgr", fmtRRE, 0xb9, 0x02},
	opLGBR:  {"lgbr", fmtRRE, 0xb9, 0x06},
	opLGHR:  {"lghr", fmtRRE, 0xb9, 0x07},
	opLGFR:  {"lgfr", fmtRRE, 0xb9, 0x14},
	opLLGFR: {"llgfr", fmtRRE, 0xb9, 0x16},
	opLLGCR: {"llgcr", fmtRRE, 0xb9, 0x84},
	opLLGHR: {"llghr", fmtRRE, 0xb9, 0x85},
	opAGHI:  {"aghi", fmtRIa, 0xa7, 0xb},
	opLGHI:  {"lghi", fmtRIa, 0xa7, 0x9},
	opBRC:   {"brc", fmtRIc, 0xa7, 0x4},
	opLLIHF: {"llihf", fmtRILa, 0xc0, 0xe},
	opOILF:  {"oilf", fmtRILa, 0xc0, 0xd},
	opBRASL: {"brasl", fmtRILb, 0xc0, 0x5},
	opEXRL:  {"exrl", fmtRILb, 0xc6, 0x0},
	opBRCL:  {"brcl", fmtRILc, 0xc0, 0x4},
	opLA:    {"la", fmtRXa, 0x41, 0},
	opSTG:   {"stg", fmtRXYa, 0xe3, 0x24},
	opLG:    {"lg", fmtRXYa, 0xe3, 0x04},
	opLTG:   {"ltg", fmtRXYa, 0xe3, 0x02},
	opSTMG:  {"stmg", fmtRSYa, 0xeb, 0x24},
	opLMG:   {"lmg", fmtRSYa, 0xeb, 0x04},
	opMVC:   {"mvc", fmtSSa, 0xd2, 0},
	opXC:    {"xc", fmtSSa, 0xd7, 0},
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
	lab int32 // index+1 into the label names of the program; 0 = none
}
