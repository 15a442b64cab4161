// Package emit describes the EMIT macro family of the s390x BPF JIT
// (arch/s390/net/bpf_jit_comp.c) as Linux 6.12 defines it: for each macro,
// the instruction format it emits (by a representative instruction), which
// argument is which field, the opcode words and the bits the macro supplies
// itself, and its literal pool macros. It is the one description the
// encoding checks share: emitmacro sweeps each macro's definition against
// it, asmcomment reads each call through it, fieldoverflow finds the opcode
// words in it (see docs/kernel-ground-truth.md).
//
// Bit positions count from the most significant bit of a 6-byte
// instruction, as the Principles of Operation and refimpl.Field do.
package emit

import "sort"

// Role is what a macro argument holds.
type Role uint8

// The roles of macro arguments.
const (
	// Opcode is an opcode word: raw instruction bits, placed as the
	// macro's Word for this argument says.
	Opcode Role = iota + 1
	// Reg is a BPF register number, mapped through reg2hex into Fields.
	Reg
	// Disp is a displacement: D2, or DL2 and DH2.
	Disp
	// Imm is the instruction's immediate (Fields names it).
	Imm
	// Mask is a 4-bit mask into Fields[0] (shifted left by Shr when the
	// macro takes it so).
	Mask
	// Target is a branch target as a program offset (relative to jit->prg).
	Target
	// PCRel is a branch distance in bytes.
	PCRel
	// Index is an instruction index into addrs[] (EMIT6_PCREL's i and off).
	Index
)

// Word is a macro argument that holds raw instruction bits: Bits wide,
// placed at instruction bit Off.
type Word struct {
	Arg       int
	Off, Bits int
}

// Arg is one parameter of a macro.
type Arg struct {
	Role Role
	// Fields are the fields of the representative instruction the argument
	// sets (several when one argument fills two fields, as EMIT_ZERO's).
	Fields []string
	// Shr: the field holds the argument shifted right by Shr (EMIT6_PCREL
	// takes its mask already shifted left by 12).
	Shr int
	// ByPosition: the field is the one that starts at bit At (where
	// Fields[0] starts in the representative instruction), whatever its name
	// in the emitted format (EMIT6_DISP_LH serves RXY, where it is X2, and
	// RSY, where it is R3 or M3).
	ByPosition bool
	At         int
}

// Macro describes one EMIT macro.
type Macro struct {
	Name string
	// Insn is a representative instruction of the format the macro emits;
	// "" when the macro emits one of several (EMIT_ATOMIC).
	Insn string
	Args []Arg
	// Words are the arguments that are opcode words.
	Words []Word
	// Alts are opcode words of which each alternative of a call uses one
	// (EMIT_ATOMIC(op32, op64) emits one of two opcodes).
	Alts []Word
	// Opcode holds the instruction bits the macro supplies itself, as the
	// high 48 bits of a uint64 counted as the instruction's 48 bits
	// (EMIT_ZERO's llgfr, EMIT_ATOMIC's RSY-a first byte).
	Opcode uint64
	// InWord are fields the caller ORs into the opcode word rather than
	// passing them as arguments, with the values a sweep of the macro puts
	// there.
	InWord map[string]int64
	// Disp12: the displacement is 12 bits only, whatever the format
	// (_EMIT6_DISP).
	Disp12 bool
}

// Raw reports whether every argument of m is an opcode word (_EMIT2,
// _EMIT4, _EMIT6: the caller passes the whole instruction).
func (m *Macro) Raw() bool {
	if len(m.Args) == 0 {
		return false
	}
	for _, a := range m.Args {
		if a.Role != Opcode {
			return false
		}
	}
	return true
}

// Length returns how the macro takes its opcode: 2 (one 16-bit word), 4
// (one 32-bit word), 6 (a 32-bit and a 16-bit word), or 0 for a macro that
// takes no opcode word.
func (m *Macro) Length() int {
	switch {
	case len(m.Words) == 2:
		return 6
	case len(m.Words) == 1 && m.Words[0].Bits == 16:
		return 2
	case len(m.Words) == 1:
		return 4
	}
	return 0
}

// The opcode word layouts.
var (
	w16  = Word{0, 0, 16}  // one 16-bit word: bits 0-15
	w32  = Word{0, 0, 32}  // one 32-bit word: bits 0-31
	w48a = Word{0, 0, 32}  // the first word of two: bits 0-31
	w48b = Word{1, 32, 16} // the second word of two: bits 32-47
)

func op() Arg                        { return Arg{Role: Opcode} }
func reg(fields ...string) Arg       { return Arg{Role: Reg, Fields: fields} }
func disp() Arg                      { return Arg{Role: Disp} }
func imm(field string) Arg           { return Arg{Role: Imm, Fields: []string{field}} }
func mask(field string, shr int) Arg { return Arg{Role: Mask, Fields: []string{field}, Shr: shr} }
func target(field string) Arg        { return Arg{Role: Target, Fields: []string{field}} }
func pcrel(field string) Arg         { return Arg{Role: PCRel, Fields: []string{field}} }
func index() Arg                     { return Arg{Role: Index} }
func regAt(field string, at int) Arg {
	return Arg{Role: Reg, Fields: []string{field}, ByPosition: true, At: at}
}
func args(a ...Arg) []Arg    { return a }
func words(w ...Word) []Word { return w }

// macros lists the EMIT macros of the kernel file.
var macros = []*Macro{
	{Name: "_EMIT2", Insn: "lr", Args: args(op()), Words: words(w16)},
	{Name: "_EMIT4", Insn: "lgr", Args: args(op()), Words: words(w32)},
	{Name: "_EMIT6", Insn: "lg", Args: args(op(), op()), Words: words(w48a, w48b)},
	{Name: "EMIT2", Insn: "lr", Args: args(op(), reg("R1"), reg("R2")), Words: words(w16)},
	{Name: "EMIT4", Insn: "lgr", Args: args(op(), reg("R1"), reg("R2")), Words: words(w32)},
	{Name: "EMIT4_RRF", Insn: "ngrk", Args: args(op(), reg("R1"), reg("R2"), reg("R3")), Words: words(w32)},
	{Name: "_EMIT4_DISP", Insn: "la", Args: args(op(), disp()), Words: words(w32), InWord: map[string]int64{"R1": 1, "X2": 2, "B2": 15}},
	{Name: "EMIT4_DISP", Insn: "la", Args: args(op(), reg("R1"), reg("B2"), disp()), Words: words(w32)},
	{Name: "EMIT4_IMM", Insn: "aghi", Args: args(op(), reg("R1"), imm("I2")), Words: words(w32)},
	{Name: "EMIT4_PCREL", Insn: "brc", Args: args(op(), pcrel("RI2")), Words: words(w32), InWord: map[string]int64{"M1": 15}},
	{Name: "EMIT4_PCREL_RIC", Insn: "brc", Args: args(op(), mask("M1", 0), target("RI2")), Words: words(w32)},
	{Name: "_EMIT6_DISP", Insn: "stmg", Args: args(op(), op(), disp()), Words: words(w48a, w48b), InWord: map[string]int64{"R1": 6, "R3": 15, "B2": 15}, Disp12: true},
	{Name: "_EMIT6_DISP_LH", Insn: "lg", Args: args(op(), op(), disp()), Words: words(w48a, w48b), InWord: map[string]int64{"R1": 1, "X2": 2, "B2": 15}},
	{Name: "EMIT6_DISP_LH", Insn: "lg", Args: args(op(), op(), reg("R1"), regAt("X2", 12), reg("B2"), disp()), Words: words(w48a, w48b)},
	{Name: "EMIT6_PCREL_RIEB", Insn: "cgrj", Args: args(op(), op(), reg("R1"), reg("R2"), mask("M3", 0), target("RI4")), Words: words(w48a, w48b)},
	{Name: "EMIT6_PCREL_RIEC", Insn: "clij", Args: args(op(), op(), reg("R1"), imm("I2"), mask("M3", 0), target("RI4")), Words: words(w48a, w48b)},
	{Name: "EMIT6_PCREL", Insn: "cgrj", Args: args(op(), op(), reg("R1"), reg("R2"), index(), index(), mask("M3", 12)), Words: words(w48a, w48b)},
	{Name: "EMIT6_PCREL_RILB", Insn: "brasl", Args: args(op(), reg("R1"), target("RI2")), Words: words(w32)},
	{Name: "EMIT6_PCREL_RIL", Insn: "brcl", Args: args(op(), target("RI2")), Words: words(w32), InWord: map[string]int64{"M1": 15}},
	{Name: "EMIT6_PCREL_RILC", Insn: "brcl", Args: args(op(), mask("M1", 0), target("RI2")), Words: words(w32)},
	{Name: "_EMIT6_IMM", Insn: "iilf", Args: args(op(), imm("I2")), Words: words(w32), InWord: map[string]int64{"R1": 7}},
	{Name: "EMIT6_IMM", Insn: "lgfi", Args: args(op(), reg("R1"), imm("I2")), Words: words(w32)},
	{Name: "EMIT_ZERO", Insn: "llgfr", Args: args(reg("R1", "R2")), Opcode: 0xb9160000 << 16},
	{Name: "EMIT_ATOMIC", Args: args(op(), op()), Alts: words(Word{0, 32, 16}, Word{1, 32, 16}), Opcode: 0xeb000000 << 16},
}

// byName indexes macros.
var byName = func() map[string]*Macro {
	m := make(map[string]*Macro, len(macros))
	for _, d := range macros {
		m[d.Name] = d
	}
	return m
}()

// Lookup returns the description of the EMIT macro name.
func Lookup(name string) (*Macro, bool) {
	m, ok := byName[name]
	return m, ok
}

// Macros returns every described EMIT macro, sorted by name.
func Macros() []*Macro {
	out := append([]*Macro(nil), macros...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Pool describes a literal pool macro: it stores Size bytes of its argument
// at jit->Lit, advances jit->Lit by Size and yields the entry's offset,
// relative to jit->base_ip unless Raw.
type Pool struct {
	Name string
	Size int
	Lit  string
	Raw  bool
}

// pools lists the literal pool macros.
var pools = []Pool{
	{"_EMIT_CONST_U32", 4, "jit->lit32", true},
	{"EMIT_CONST_U32", 4, "jit->lit32", false},
	{"_EMIT_CONST_U64", 8, "jit->lit64", true},
	{"EMIT_CONST_U64", 8, "jit->lit64", false},
}

// Pools returns the literal pool macros.
func Pools() []Pool { return append([]Pool(nil), pools...) }
