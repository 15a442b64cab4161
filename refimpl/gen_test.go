package refimpl

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The case generator writes GNU assembler lines for every instruction and
// every extended mnemonic, with boundary and random operands (fixed seed)
// and the syntax variants GNU as accepts. The expected bytes and text never
// come from this package: they come from s390x-linux-gnu-as and objdump.

// handCases are syntax variants worth keeping by name: the JIT's comment
// style, objdump's spellings and GNU as' liberties.
var handCases = []string{
	"stg %r2,160(%r15)",
	"lmg %r7,%r8,208(%r15)",
	"mvc 176(8,%r15),320(%r15)",
	"brcl 7,.+36",
	"exrl %r0,.+10",
	"j .",
	"jg .+6",
	"jgnop .+12",
	"nopr",
	"nopr %r0",
	"nopr %r7",
	"nopr 3",
	"nop",
	"nop 0",
	"nop 8(%r1)",
	"br %r14",
	"br %r1",
	"bcr 14,0",
	"bcr 0,%r0",
	"bc 15,0(%r1)",
	"b 16(%r2,%r3)",
	"bnor %r0",
	"jghe .-8",
	"jasl %r14,.+8",
	"bru .+8",
	"brul .+8",
	"brnel .-4",
	"brl .+8",
	"brll .+8",
	"LG %r1,8(%r2)",
	"Stg %r1,8(%r2)",
	"lg 1,8(2)",
	"lg %r1,8(,%r2)",
	"lg %r1,8(%r0,%r2)",
	"lg %r1,8(%r2,%r0)",
	"lg %r1,8(%r0,%r0)",
	"lg %r1,-8",
	"lg %r1,8(%r2 , %r3 )",
	"la %r1,0x10(%r2)",
	"la %r1,0",
	"la %r1,0(%r3,%r0)",
	"lg %r1,2*3(%r2)",
	"lg %r1,(8)(%r2)",
	"lg %r1,4+4(%r2)",
	"lg %r1,010(%r2)",
	"lg %r1,0b11(%r2)",
	"lg %r1,-0(%r2)",
	"lg %r1,+8(%r2)",
	"lg %r1,-0x80000(%r2)",
	"lgr %r1,%r2 # comment",
	"lgr %r1,%r2 /* comment */",
	"lgr %r1,%r2;",
	" lgr  %r1, %r2 ",
	"lgr\t%r1,%r2",
	"lgr 1,2",
	"j .-(2*4)",
	"j .+0x10",
	"larl %r1,.",
	"brasl %r14,.-2",
	"mvc 0(1),0",
	"mvc 0(1,%r0),0(%r0)",
	"xc 0(256,%r15),4095(%r1)",
	"sll %r1,3",
	"srlg %r1,%r2,3",
	"stmg %r6,%r15,-48",
	"lghi %r1,-0x8000",
	"lgfi %r1,-0x80000000",
	"xilf %r1,0xffffffff",
	"ngrk %r1,%r2,%r3",
	"llgcr %r1,%r2",
	"clijh %r1,200,.+8",
	"cgrjnle %r1,%r2,.+8",
	"crjlh %r1,%r2,.-8",
	"cijnhe %r1,-5,.+8",
	"lhi %r1,7%2",
	"lhi %r1,7 % 3",
	"lhi %r1,'a",
	"lhi %r1,~0",
	"lhi %r1,1<<4",
	"lhi %r1,-7/2",
	"lhi %r1,3^1|4&5",
	"lhi %r1,1<<2+1",
	"lhi %r1,6-2-1",
	"lhi %r1,1|2+1",
	"lhi %r1,8>>1*2",
	"lhi %r1,2*-3",
	"brc 15,8+.",
	"brc 15,. + 8",
	"brc 15,8",
	"brc 15,.-.",
	"lg %r01,8(%r02)",
	"lgr %r1,(1)",
	"lg %r1,8 (%r2)",
	"la %r1, 16 ( %r2 )",
	"clij %r1,0xff,8,.+8",
	"crjh %r1,%r2,.+8",
	"JG .+8",
	"Jg .+8",
	"NOPR",
}

type gen struct {
	r *rand.Rand
}

func newGen() *gen { return &gen{r: rand.New(rand.NewPCG(1, 3390))} }

func (g *gen) pick(vals ...int64) int64 { return vals[g.r.IntN(len(vals))] }

func (g *gen) rangeVal(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *gen) reg(r int64) string {
	if g.r.IntN(12) == 0 {
		return fmt.Sprint(r)
	}
	return fmt.Sprintf("%%r%d", r)
}

func (g *gen) num(v int64) string {
	if v >= 0 && g.r.IntN(6) == 0 {
		return fmt.Sprintf("0x%x", v)
	}
	return fmt.Sprint(v)
}

func (g *gen) rel(v int64) string {
	switch {
	case v == 0 && g.r.IntN(2) == 0:
		return "."
	case v < 0:
		return fmt.Sprintf(".-%d", -v)
	case g.r.IntN(6) == 0:
		return fmt.Sprintf(".+0x%x", v)
	}
	return fmt.Sprintf(".+%d", v)
}

// opVals chooses argument values for operand o of in: boundaries when
// corner is 0 (low) or 1 (high), random otherwise.
func (g *gen) opVals(in *Insn, k int, o Operand, corner int) []int64 {
	reg := func() int64 {
		v := g.pick(0, 15, g.rangeVal(0, 15))
		switch corner {
		case 0:
			v = 0
		case 1:
			v = 15
		}
		if k == 0 && in.EvenR1 {
			v &^= 1
		}
		return v
	}
	bound := func(lo, hi int64) int64 {
		switch corner {
		case 0:
			return lo
		case 1:
			return hi
		}
		return g.pick(lo, hi, 0, -1, 1, g.rangeVal(lo, hi), g.rangeVal(lo, hi), g.rangeVal(lo, hi))
	}
	clamp := func(v, lo, hi int64) int64 { return max(lo, min(hi, v)) }
	disp := func() int64 {
		if o.Bits == 12 {
			return clamp(bound(0, 4095), 0, 4095)
		}
		return bound(-524288, 524287)
	}
	switch o.Kind {
	case OperandGPR:
		return []int64{reg()}
	case OperandMask:
		return []int64{clamp(bound(0, 15), 0, 15)}
	case OperandImm:
		return []int64{clamp(bound(o.Min(), o.Max()), o.Min(), o.Max())}
	case OperandRel:
		return []int64{bound(o.Min()/2, o.Max()/2) * 2}
	case OperandAddrB:
		return []int64{disp(), reg()}
	case OperandAddrXB:
		return []int64{disp(), reg(), reg()}
	case OperandAddrLB:
		return []int64{disp(), clamp(bound(1, 256), 1, 256), reg()}
	}
	panic("kind")
}

// text writes operand o with values v in one of GNU as' spellings.
func (g *gen) text(o Operand, v []int64) string {
	switch o.Kind {
	case OperandGPR:
		return g.reg(v[0])
	case OperandMask, OperandImm:
		return g.num(v[0])
	case OperandRel:
		return g.rel(v[0])
	case OperandAddrB:
		if v[1] == 0 && g.r.IntN(2) == 0 {
			return g.num(v[0])
		}
		return fmt.Sprintf("%s(%s)", g.num(v[0]), g.reg(v[1]))
	case OperandAddrXB:
		d, x, b := g.num(v[0]), v[1], v[2]
		switch {
		case x == 0 && b == 0 && g.r.IntN(2) == 0:
			return d
		case x == 0 && g.r.IntN(3) == 0:
			return fmt.Sprintf("%s(,%s)", d, g.reg(b))
		case x == 0 && g.r.IntN(2) == 0:
			return fmt.Sprintf("%s(%s)", d, g.reg(b))
		}
		return fmt.Sprintf("%s(%s,%s)", d, g.reg(x), g.reg(b))
	case OperandAddrLB:
		if v[2] == 0 && g.r.IntN(3) == 0 {
			return fmt.Sprintf("%s(%d)", g.num(v[0]), v[1])
		}
		return fmt.Sprintf("%s(%d,%s)", g.num(v[0]), v[1], g.reg(v[2]))
	}
	panic("kind")
}

// line writes one instruction: mnemonic and the operands other than skip.
func (g *gen) line(mn string, in *Insn, skip int, corner int, fixedMask int64) string {
	var parts []string
	for k, o := range in.operands {
		v := g.opVals(in, k, o, corner)
		if o.Kind == OperandMask && fixedMask >= 0 {
			v[0] = fixedMask
		}
		if k == skip {
			continue
		}
		parts = append(parts, g.text(o, v))
	}
	sep := ","
	if g.r.IntN(10) == 0 {
		sep = ", "
	}
	if len(parts) == 0 {
		return mn
	}
	return mn + " " + strings.Join(parts, sep)
}

// validCases returns the differential test's input lines.
func validCases() []string {
	g := newGen()
	out := append([]string(nil), handCases...)
	for _, in := range Insns() {
		hasMask := false
		for _, o := range in.operands {
			hasMask = hasMask || o.Kind == OperandMask
		}
		out = append(out, g.line(in.Mnemonic, in, -1, 0, -1), g.line(in.Mnemonic, in, -1, 1, -1))
		n := 24
		if hasMask {
			for m := range int64(16) {
				out = append(out, g.line(in.Mnemonic, in, -1, -1, m))
			}
			n = 8
		}
		for range n {
			out = append(out, g.line(in.Mnemonic, in, -1, -1, -1))
		}
	}
	for _, a := range Aliases() {
		skip := -1
		if a.Mask >= 0 {
			skip = a.MaskArg
		}
		for i := range 3 {
			corner := -1
			if i < 2 {
				corner = i
			}
			if a.Optional {
				corner = -1
			}
			out = append(out, g.line(a.Name, a.Insn, skip, corner, a.Mask))
		}
	}
	return out
}

// invalidCases returns lines that GNU as must reject, and so must we.
func invalidCases() []string {
	var out []string
	for _, in := range Insns() {
		for k, o := range in.operands {
			vals := func() []string {
				s, _ := exampleOperands(in)
				return s
			}
			emit := func(v string) {
				s := vals()
				s[k] = v
				out = append(out, in.Mnemonic+" "+strings.Join(s, ","))
			}
			switch o.Kind {
			case OperandGPR:
				emit("%r16")
				if k == 0 && in.EvenR1 {
					emit("%r3")
				}
			case OperandMask:
				emit("16")
			case OperandImm:
				emit(fmt.Sprint(o.Max() + 1))
				emit(fmt.Sprint(o.Min() - 1))
			case OperandRel:
				emit(fmt.Sprintf(".+%d", o.Max()+2))
				emit(fmt.Sprintf(".-%d", -o.Min()+2))
			case OperandAddrB, OperandAddrXB:
				if o.Bits == 12 {
					emit("4096(%r3)")
					emit("-1(%r3)")
				} else {
					emit("524288(%r3)")
					emit("-524289(%r3)")
				}
			case OperandAddrLB:
				emit("8(0,%r3)")
				emit("8(257,%r3)")
				emit("4096(1,%r3)")
			}
		}
	}
	return append(out,
		"lgr %r1",
		"lgr %r1,%r2,%r3",
		"nosuchinsn %r1",
		"lg %r1,8(%r2,%r3,%r4)",
		"lgr %R1,%r2",
	)
}
