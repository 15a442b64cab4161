package refimpl

import (
	"fmt"
	"sort"
)

// Insn describes one machine instruction: its mnemonic as GNU as spells it,
// format, opcode and operands in GNU operand order.
type Insn struct {
	Mnemonic string // base mnemonic ("brcl", not the extended "jg")
	Opcode   Opcode // POP opcode (see Opcode)
	Format   Format
	Name     string // full name from the Principles of Operation
	JIT      string // "T" trampoline, "P" program JIT, "T,P", or "" when the JIT does not emit it
	Signed   bool   // the immediate I2 is signed (lhi, lgfi, cij, ...)
	EvenR1   bool   // R1 names an even/odd register pair and must be even

	operands []Operand
	nargs    int
	fields   []Field
}

// OperandKind says how an operand is written in GNU syntax.
type OperandKind uint8

// Operand kinds.
const (
	OperandGPR    OperandKind = iota + 1 // general register %rN (one argument)
	OperandMask                          // 4-bit mask 0..15 (one argument)
	OperandImm                           // immediate, signed or unsigned (one argument)
	OperandRel                           // halfword-relative target, given in bytes relative to the instruction (one argument)
	OperandAddrB                         // D(B): displacement and base (two arguments: D, B)
	OperandAddrXB                        // D(X,B): displacement, index and base (three arguments: D, X, B)
	OperandAddrLB                        // D(L,B): displacement, length 1..256 and base (three arguments: D, L, B)
)

var operandKindNames = [...]string{"", "gpr", "mask", "imm", "rel", "D(B)", "D(X,B)", "D(L,B)"}

// String returns a short name of the kind.
func (k OperandKind) String() string {
	if int(k) < len(operandKindNames) {
		return operandKindNames[k]
	}
	return fmt.Sprintf("OperandKind(%d)", k)
}

// NArgs returns how many integer arguments the operand takes in Encode and
// yields in Inst.Args.
func (k OperandKind) NArgs() int {
	switch k {
	case OperandAddrB:
		return 2
	case OperandAddrXB, OperandAddrLB:
		return 3
	}
	return 1
}

// Operand describes one operand of an instruction in GNU operand order.
type Operand struct {
	Kind   OperandKind
	Signed bool     // immediates and displacements: signed
	Bits   uint8    // immediates: width; relative: RI field width (16 or 32); addresses: displacement width (12 or 20)
	Fields []string // the format fields holding the operand in argument order; a 20-bit displacement is held by "DL2" and "DH2" together
}

// Min and Max return the accepted range of a one-argument operand (for a
// relative operand, in bytes).
func (o Operand) Min() int64 {
	switch o.Kind {
	case OperandGPR, OperandMask:
		return 0
	case OperandRel:
		return -(int64(1) << o.Bits)
	}
	if o.Signed {
		return -(int64(1) << (o.Bits - 1))
	}
	return 0
}

// Max returns the largest accepted value of a one-argument operand (see Min).
func (o Operand) Max() int64 {
	switch o.Kind {
	case OperandGPR, OperandMask:
		return 15
	case OperandRel:
		return int64(1)<<o.Bits - 2
	}
	if o.Signed {
		return int64(1)<<(o.Bits-1) - 1
	}
	return int64(1)<<o.Bits - 1
}

// Operands returns the operands in GNU order. The slice is shared.
func (in *Insn) Operands() []Operand { return in.operands }

// NArgs returns the number of integer arguments Encode takes for in.
func (in *Insn) NArgs() int { return in.nargs }

// Len returns the instruction length in bytes.
func (in *Insn) Len() int { return in.Format.Len() }

// String returns the mnemonic.
func (in *Insn) String() string { return in.Mnemonic }

// Fields returns the bit layout of the instruction: its format's fields,
// named as for this instruction (bcr's RR field 8-11 is M1, not R1). The
// slice is shared.
func (in *Insn) Fields() []Field { return in.fields }

// Field returns the instruction's field with the given name ("DL2", "M1").
func (in *Insn) Field(name string) (Field, bool) {
	for _, fd := range in.fields {
		if fd.Name == name {
			return fd, true
		}
	}
	return Field{}, false
}

// OperandFields returns the names of the format fields holding operand k
// (in GNU order), or nil when k is out of range.
func (in *Insn) OperandFields(k int) []string {
	if k < 0 || k >= len(in.operands) {
		return nil
	}
	return in.operands[k].Fields
}

// operandsFor returns the GNU operand list of an instruction.
func operandsFor(in *Insn) []Operand {
	gpr := func(f string) Operand { return Operand{Kind: OperandGPR, Fields: []string{f}} }
	mask := func(f string) Operand { return Operand{Kind: OperandMask, Bits: 4, Fields: []string{f}} }
	imm := func(f string, bits uint8) Operand {
		return Operand{Kind: OperandImm, Signed: in.Signed, Bits: bits, Fields: []string{f}}
	}
	rel := func(f string, bits uint8) Operand {
		return Operand{Kind: OperandRel, Signed: true, Bits: bits, Fields: []string{f}}
	}
	xb12 := Operand{Kind: OperandAddrXB, Bits: 12, Fields: []string{"D2", "X2", "B2"}}
	b12 := Operand{Kind: OperandAddrB, Bits: 12, Fields: []string{"D2", "B2"}}
	switch in.Format {
	case FormatRR:
		if in.Opcode == OpBCR {
			return []Operand{mask("M1"), gpr("R2")}
		}
		return []Operand{gpr("R1"), gpr("R2")}
	case FormatRRE:
		return []Operand{gpr("R1"), gpr("R2")}
	case FormatRRFa:
		return []Operand{gpr("R1"), gpr("R2"), gpr("R3")}
	case FormatRIa:
		return []Operand{gpr("R1"), imm("I2", 16)}
	case FormatRIc:
		return []Operand{mask("M1"), rel("RI2", 16)}
	case FormatRILa:
		return []Operand{gpr("R1"), imm("I2", 32)}
	case FormatRILb:
		return []Operand{gpr("R1"), rel("RI2", 32)}
	case FormatRILc:
		return []Operand{mask("M1"), rel("RI2", 32)}
	case FormatRSa:
		return []Operand{gpr("R1"), b12}
	case FormatRSYa:
		return []Operand{gpr("R1"), gpr("R3"), {Kind: OperandAddrB, Signed: true, Bits: 20, Fields: []string{"DL2", "DH2", "B2"}}}
	case FormatRXa:
		return []Operand{gpr("R1"), xb12}
	case FormatRXb:
		return []Operand{mask("M1"), xb12}
	case FormatRXYa:
		return []Operand{gpr("R1"), {Kind: OperandAddrXB, Signed: true, Bits: 20, Fields: []string{"DL2", "DH2", "X2", "B2"}}}
	case FormatSSa:
		return []Operand{
			{Kind: OperandAddrLB, Bits: 12, Fields: []string{"D1", "L", "B1"}},
			{Kind: OperandAddrB, Bits: 12, Fields: []string{"D2", "B2"}},
		}
	case FormatRIEb:
		return []Operand{gpr("R1"), gpr("R2"), mask("M3"), rel("RI4", 16)}
	case FormatRIEc:
		return []Operand{gpr("R1"), imm("I2", 8), mask("M3"), rel("RI4", 16)}
	}
	panic("refimpl: no operands for format " + in.Format.String())
}

var (
	byMnemonic = map[string]*Insn{}
	byOpcode   [1 << 16]*Insn
	sorted     []*Insn
)

func init() {
	for i := range table {
		in := &table[i]
		in.operands = operandsFor(in)
		in.fields = in.Format.Fields()
		if in.Opcode == OpBCR {
			in.fields = append([]Field(nil), in.fields...)
			in.fields[1].Name = "M1"
		}
		for _, o := range in.operands {
			in.nargs += o.Kind.NArgs()
		}
		if byMnemonic[in.Mnemonic] != nil || byOpcode[in.Opcode] != nil {
			panic("refimpl: duplicate instruction " + in.Mnemonic)
		}
		byMnemonic[in.Mnemonic] = in
		byOpcode[in.Opcode] = in
		sorted = append(sorted, in)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Mnemonic < sorted[j].Mnemonic })
	initAliases()
}

// Lookup returns the instruction with the given base mnemonic ("brcl"; for
// extended mnemonics such as "jg" use LookupAlias).
func Lookup(mnemonic string) (*Insn, bool) {
	in, ok := byMnemonic[mnemonic]
	return in, ok
}

// ByOpcode returns the instruction with the given POP opcode.
func ByOpcode(op Opcode) (*Insn, bool) {
	in := byOpcode[op]
	return in, in != nil
}

// Insns returns every instruction of the table, sorted by mnemonic. The
// slice is a copy; the instructions are shared.
func Insns() []*Insn {
	return append([]*Insn(nil), sorted...)
}
