package asmcomment

import (
	"fmt"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/refimpl"
)

// role says how a macro argument reaches its field.
type role uint8

const (
	roleReg   role = iota + 1 // a BPF register number, mapped through reg2hex
	roleVal                   // a value: displacement, immediate, mask
	roleTgt                   // a branch target as a program offset (relative to jit->prg)
	rolePCRel                 // a branch distance in bytes
)

// word is an argument that holds raw instruction bits: Bits wide, starting
// at instruction bit Off.
type word = emit.Word

// argField is an argument that the macro places into a field. Field "D" is
// the displacement (D2, or DL2 and DH2), "@12" the field at bit 12.
type argField struct {
	Arg   int
	Field string
	Role  role
	Shr   int // the field holds the argument shifted right by Shr
}

// spec describes an EMIT macro as the kernel defines it (see
// docs/kernel-ground-truth.md); emitmacro checks that the file's
// definitions still do this.
type spec struct {
	Words  []word
	Fixed  uint64 // constant instruction bits (EMIT_ZERO)
	Fields []argField
	// Alts are words of which each alternative of the call uses one
	// (EMIT_ATOMIC(op32, op64) emits one of two opcodes).
	Alts []word
}

// specs maps the EMIT macros to what they emit, read from the shared
// description of the family (cparse/emit).
var specs = func() map[string]spec {
	out := map[string]spec{}
	for _, m := range emit.Macros() {
		out[m.Name] = specOf(m)
	}
	return out
}()

// specOf is what macro m emits, as this check reads it.
func specOf(m *emit.Macro) spec {
	sp := spec{Fixed: m.Opcode, Words: m.Words, Alts: m.Alts}
	for i, a := range m.Args {
		var r role
		switch a.Role {
		case emit.Reg:
			r = roleReg
		case emit.Disp, emit.Imm, emit.Mask:
			r = roleVal
		case emit.Target:
			r = roleTgt
		case emit.PCRel:
			r = rolePCRel
		default:
			continue // opcode words and addrs[] indexes
		}
		if a.Role == emit.Disp {
			sp.Fields = append(sp.Fields, argField{i, "D", r, a.Shr})
			continue
		}
		for _, name := range a.Fields {
			if a.ByPosition {
				name = "@" + fmt.Sprint(a.At)
			}
			sp.Fields = append(sp.Fields, argField{i, name, r, a.Shr})
		}
	}
	return sp
}

// Spec returns what the EMIT macro name emits, for the checks of this
// module; ok is false for names that emit no instruction of their own.
func lookupSpec(name string) (spec, bool) {
	s, ok := specs[name]
	if !ok || len(s.Words) == 0 && s.Fixed == 0 && len(s.Alts) == 0 {
		return spec{}, false
	}
	return s, true
}

// source is where a field's value comes from.
type source struct {
	Known bool  // a constant of the instruction word
	Val   int64 // its value
	Text  string
	Node  cexpr.Node
	Reg   bool // Text is a BPF register number (mapped through reg2hex)
	Shr   int
	Role  role
	Raw   bool // a term OR-ed into an opcode word rather than a macro argument
}

// emitted is one way (of the alternatives of conditional opcodes) an EMIT
// call encodes its instruction.
type emitted struct {
	Macro  string
	Bytes  [6]byte
	Len    int
	Insn   *refimpl.Insn // nil when the opcode bits name no instruction
	Fields map[string]*source
	// Wide notes an opcode constant wider than its word: Text, and what the
	// macro keeps of it.
	Wide string
}

// opcodeText formats the opcode of in the way the POP tables do: "e3..24",
// "a7.9", "b904", "18".
func opcodeText(in *refimpl.Insn) string {
	op := uint16(in.Opcode)
	switch in.Format {
	case refimpl.FormatRIa, refimpl.FormatRIc, refimpl.FormatRILa, refimpl.FormatRILb, refimpl.FormatRILc:
		return fmt.Sprintf("%02x.%x", op>>4, op&0xf)
	case refimpl.FormatRXYa, refimpl.FormatRSYa, refimpl.FormatRIEb, refimpl.FormatRIEc:
		return fmt.Sprintf("%02x..%02x", op>>8, op&0xff)
	case refimpl.FormatRRE, refimpl.FormatRRFa:
		return fmt.Sprintf("%04x", op)
	}
	return fmt.Sprintf("%02x", op)
}

// describe names what an emitted alternative is: "lg (e3..04)".
func (e *emitted) describe() string {
	if e.Insn != nil {
		return fmt.Sprintf("%s (%s)", e.Insn.Mnemonic, opcodeText(e.Insn))
	}
	return fmt.Sprintf("%x (unknown opcode)", e.Bytes[:1])
}

// alternatives splits a conditional expression into its branches.
func alternatives(n cexpr.Node) []cexpr.Node {
	if c, ok := n.(*cexpr.Cond); ok {
		return append(alternatives(c.T), alternatives(c.F)...)
	}
	return []cexpr.Node{n}
}

// emits computes the alternatives of what call c emits; nil when the call
// is not an instruction-emitting EMIT macro or its opcode cannot be known.
func emits(m *cexpr.Machine, site *emit.Site) []*emitted {
	c := site.Call
	if site.Macro == nil {
		return nil
	}
	sp, ok := lookupSpec(c.Name)
	if !ok {
		return nil
	}
	for _, w := range append(append([]word(nil), sp.Words...), sp.Alts...) {
		if w.Arg >= len(c.Args) {
			return nil
		}
	}
	for _, f := range sp.Fields {
		if f.Arg >= len(c.Args) {
			return nil
		}
	}
	// The alternatives of each word, combined in order (a ? x : y in two
	// words selects the same branch).
	alts := make([][]cexpr.Node, len(sp.Words))
	n := 1
	for i, w := range sp.Words {
		x := site.Args[w.Arg]
		if x == nil {
			return nil
		}
		alts[i] = alternatives(x)
		n = max(n, len(alts[i]))
	}
	if n > 8 {
		return nil
	}
	if len(sp.Alts) > 0 {
		// One alternative per word of Alts.
		n = len(sp.Alts)
		for _, w := range sp.Alts {
			x := site.Args[w.Arg]
			if x == nil {
				return nil
			}
			alts = append(alts, []cexpr.Node{x})
		}
	}
	var out []*emitted
	for k := range n {
		e := &emitted{Macro: c.Name, Fields: map[string]*source{}}
		bits := sp.Fixed
		type term struct {
			t   cexpr.Term
			lsb int
		}
		var terms []term
		ws := sp.Words
		if len(sp.Alts) > 0 {
			ws = append(append([]word(nil), sp.Words...), sp.Alts[k])
		}
		for i, w := range ws {
			var x cexpr.Node
			if i < len(sp.Words) {
				x = alts[i][min(k, len(alts[i])-1)]
			} else {
				x = alts[len(sp.Words)+k][0]
			}
			s := m.Symbolic(x)
			mask := uint64(1)<<w.Bits - 1
			if s.Const>>w.Bits != 0 {
				e.Wide = fmt.Sprintf("constant %#x is wider than %d bits; %s keeps %#x", s.Const, w.Bits, c.Name, s.Const&mask)
			}
			bits |= (s.Const & mask) << (48 - w.Off - w.Bits)
			for _, t := range s.Terms {
				terms = append(terms, term{t, w.Off + w.Bits - 1 - t.Shift})
			}
		}
		for i := range 6 {
			e.Bytes[i] = byte(bits >> (40 - 8*i))
		}
		e.Len = refimpl.LengthOf(e.Bytes[0])
		in, err := refimpl.Identify(e.Bytes[:])
		if err == nil {
			e.Insn = in
		}
		if e.Insn == nil {
			out = append(out, e)
			continue
		}
		f := e.Insn.Format
		for _, fd := range f.Fields() {
			if strings.HasPrefix(fd.Name, "OP") || fd.Name == "////" {
				continue
			}
			v := int64(fd.Extract(e.Bytes[:]))
			name := fd.Name
			switch name {
			case "DL2":
				name = "D2"
			case "DH2":
				continue
			}
			if fd.Name == "DL2" {
				dh, _ := f.Field("DH2")
				v |= int64(dh.Extract(e.Bytes[:])) << 12
				v = v << 44 >> 44
			}
			e.Fields[name] = &source{Known: true, Val: v}
		}
		for _, t := range terms {
			for _, fd := range f.Fields() {
				if int(fd.Offs)+int(fd.Bits)-1 != t.lsb || strings.HasPrefix(fd.Name, "OP") {
					continue
				}
				name := fd.Name
				if name == "DL2" {
					name = "D2"
				}
				s := &source{Text: t.t.Text, Node: t.t.Node, Raw: true, Role: roleVal}
				if ix, ok := t.t.Node.(*cexpr.Index); ok {
					if p, _ := cexpr.Path(ix.X); p == "reg2hex" {
						s.Node, s.Text, s.Reg = ix.I, cexpr.Format(ix.I), true
					}
				}
				if old := e.Fields[name]; old != nil && old.Raw {
					// Terms added into the same field: x + offsetof(...).
					s.Node = &cexpr.Binary{Op: "+", X: old.Node, Y: s.Node}
					s.Text = old.Text + " + " + s.Text
					s.Reg = false
				}
				e.Fields[name] = s
			}
		}
		for _, af := range sp.Fields {
			name := af.Field
			switch {
			case name == "D":
				name = "D2"
				if _, ok := f.Field("D2"); !ok {
					if _, ok := f.Field("DL2"); !ok {
						continue
					}
				}
			case strings.HasPrefix(name, "@"):
				name = ""
				for _, fd := range f.Fields() {
					if fmt.Sprintf("@%d", fd.Offs) == af.Field {
						name = fd.Name
					}
				}
			}
			if name == "" {
				continue
			}
			a := c.Args[af.Arg]
			e.Fields[name] = &source{Text: a.Text, Node: site.Args[af.Arg], Reg: af.Role == roleReg, Shr: af.Shr, Role: af.Role}
		}
		out = append(out, e)
	}
	return out
}
