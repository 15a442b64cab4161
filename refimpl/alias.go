package refimpl

import (
	"fmt"
	"sort"
)

// Alias is an extended mnemonic of GNU as: a base instruction with its mask
// operand fixed ("jg" is brcl with mask 15, "clijh" is clij with mask 2), or
// another name of an instruction ("jasl" for brasl).
type Alias struct {
	Name     string
	Insn     *Insn
	Mask     int64 // the fixed mask, or -1 when none is implied
	MaskArg  int   // index of the mask among the base instruction's arguments
	Optional bool  // the remaining operand may be omitted (nop, nopr)
}

// condNames are the condition-code mask suffixes GNU as accepts for branch
// on condition, in binutils' table order; the first name of each mask is the
// one objdump prints.
var condNames = []struct {
	mask int64
	name string
}{
	{1, "o"},
	{2, "h"},
	{2, "p"},
	{3, "nle"},
	{4, "l"},
	{4, "m"},
	{5, "nhe"},
	{6, "lh"},
	{7, "ne"},
	{7, "nz"},
	{8, "e"},
	{8, "z"},
	{9, "nlh"},
	{10, "he"},
	{11, "nl"},
	{11, "nm"},
	{12, "le"},
	{13, "nh"},
	{13, "np"},
	{14, "no"},
}

// crbNames are the mask suffixes of the compare-and-branch instructions
// (crj, cgij, ...); the first name of each mask is the one objdump prints.
var crbNames = []struct {
	mask int64
	name string
}{
	{2, "h"},
	{2, "nle"},
	{4, "l"},
	{4, "nhe"},
	{6, "ne"},
	{6, "lh"},
	{8, "e"},
	{8, "nlh"},
	{10, "nl"},
	{10, "he"},
	{12, "nh"},
	{12, "le"},
}

// objdump's choices: branch-on-condition suffix per mask, and
// compare-and-branch suffix per mask ("" = print the mask numerically).
var (
	condPrint [16]string
	crbPrint  [16]string
	crbHas    [16]bool
)

var aliases = map[string]*Alias{}

func addAlias(a *Alias) {
	if _, dup := aliases[a.Name]; dup {
		panic("refimpl: duplicate alias " + a.Name)
	}
	if _, dup := byMnemonic[a.Name]; dup {
		panic("refimpl: alias shadows " + a.Name)
	}
	aliases[a.Name] = a
}

func initAliases() {
	brc, brcl, bc, bcr := byOpcode[OpBRC], byOpcode[OpBRCL], byOpcode[OpBC], byOpcode[OpBCR]
	condPrint[0] = "nop"
	for _, c := range condNames {
		if condPrint[c.mask] == "" {
			condPrint[c.mask] = c.name
		}
		addAlias(&Alias{Name: "j" + c.name, Insn: brc, Mask: c.mask})
		addAlias(&Alias{Name: "jg" + c.name, Insn: brcl, Mask: c.mask})
		addAlias(&Alias{Name: "br" + c.name, Insn: brc, Mask: c.mask})
		addAlias(&Alias{Name: "br" + c.name + "l", Insn: brcl, Mask: c.mask})
		addAlias(&Alias{Name: "b" + c.name, Insn: bc, Mask: c.mask})
		addAlias(&Alias{Name: "b" + c.name + "r", Insn: bcr, Mask: c.mask})
	}
	for _, a := range []*Alias{
		{Name: "j", Insn: brc, Mask: 15},
		{Name: "jg", Insn: brcl, Mask: 15},
		{Name: "jnop", Insn: brc, Mask: 0},
		{Name: "jgnop", Insn: brcl, Mask: 0},
		{Name: "bru", Insn: brc, Mask: 15},
		{Name: "brul", Insn: brcl, Mask: 15},
		{Name: "b", Insn: bc, Mask: 15},
		{Name: "br", Insn: bcr, Mask: 15},
		{Name: "nop", Insn: bc, Mask: 0, Optional: true},
		{Name: "nopr", Insn: bcr, Mask: 0, Optional: true},
		{Name: "jasl", Insn: byOpcode[OpBRASL], Mask: -1},
	} {
		addAlias(a)
	}
	for _, c := range crbNames {
		if crbPrint[c.mask] == "" {
			crbPrint[c.mask] = c.name
			crbHas[c.mask] = true
		}
		for _, op := range []Opcode{OpCRJ, OpCGRJ, OpCLRJ, OpCLGRJ, OpCIJ, OpCGIJ, OpCLIJ, OpCLGIJ} {
			in := byOpcode[op]
			addAlias(&Alias{Name: in.Mnemonic + c.name, Insn: in, Mask: c.mask, MaskArg: 2})
		}
	}
}

// LookupAlias returns the extended mnemonic with the given name ("jghe").
func LookupAlias(name string) (*Alias, bool) {
	a, ok := aliases[name]
	return a, ok
}

// Aliases returns every extended mnemonic, sorted by name.
func Aliases() []*Alias {
	out := make([]*Alias, 0, len(aliases))
	for _, a := range aliases {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NArgs returns the number of arguments the alias is written with.
func (a *Alias) NArgs() int {
	if a.Mask < 0 {
		return a.Insn.nargs
	}
	return a.Insn.nargs - 1
}

// expand inserts the fixed mask into args, giving the base instruction's
// arguments. For nop and nopr, missing operands are zero.
func (a *Alias) expand(args []int64) ([]int64, error) {
	if a.Mask < 0 {
		return args, nil
	}
	n := a.Insn.nargs - 1
	if a.Optional && len(args) == 0 {
		args = make([]int64, n)
	}
	if len(args) != n {
		return nil, fmt.Errorf("%s takes %d operand values, got %d", a.Name, n, len(args))
	}
	full := make([]int64, 0, n+1)
	full = append(full, args[:a.MaskArg]...)
	full = append(full, a.Mask)
	return append(full, args[a.MaskArg:]...), nil
}
