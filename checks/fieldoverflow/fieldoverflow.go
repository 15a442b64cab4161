package fieldoverflow

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/trampcheck/trampcheck/checks/internal/emitcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
)

// Analyzer reports operands OR-ed into opcode constants that can reach
// bits outside their field.
var Analyzer = emitcheck.NewAnalyzer("fieldoverflow", doc, check, func(fd Finding) (int, string) { return fd.Offset, fd.Message })

// Finding is one operand that can overflow its field.
type Finding struct {
	Offset  int
	Line    int
	Func    string
	Message string
}

// part is an operand of an OR/+ chain with the shift applied to it.
type part struct {
	n     cexpr.Node
	shift int
}

// flatten splits x | y + z << k into its operands.
func flatten(m *cexpr.Machine, n cexpr.Node, shift int, out []part) []part {
	switch x := n.(type) {
	case *cexpr.Binary:
		switch x.Op {
		case "|", "+":
			out = flatten(m, x.X, shift, out)
			return flatten(m, x.Y, shift, out)
		case "<<":
			if k, err := m.Eval(x.Y); err == nil {
				return flatten(m, x.X, shift+int(k.Int64()), out)
			}
		}
	case *cexpr.Cast:
		return flatten(m, x.X, shift, out)
	}
	return append(out, part{n, shift})
}

// Check runs the check over one parsed file.
func Check(f *cparse.File) []Finding { return check(emit.Find(f), nil) }

// check runs the check over the EMIT calls of one file, as the shared
// analyzer found them, with the kernel constants of environment model
// (nil: the documented 6.12 values).
func check(ef *emit.File, model *interp.Env) []Finding {
	b := newBounder(ef.File, model)
	m := b.m
	var out []Finding
	for i := range ef.Sites {
		site := &ef.Sites[i]
		c := site.Call
		if site.Macro == nil || len(site.Macro.Words) == 0 {
			continue
		}
		// The opcode words, from the shared description (cparse/emit).
		ws := site.Macro.Words
		// The opcode constant: the numeric literals of the words.
		var bits uint64
		var parts [][]part
		ok := true
		for _, w := range ws {
			if w.Arg >= len(c.Args) {
				ok = false
				break
			}
			n := site.Args[w.Arg]
			if n == nil {
				ok = false
				break
			}
			if cnd, isCond := n.(*cexpr.Cond); isCond {
				n = cnd.T
			}
			ps := flatten(m, n, 0, nil)
			parts = append(parts, ps)
			for _, p := range ps {
				if num, isNum := p.n.(*cexpr.Num); isNum {
					bits |= (num.Val.Uint64() << p.shift) & (1<<w.Bits - 1) << (48 - w.Off - w.Bits)
				}
			}
		}
		if !ok {
			continue
		}
		var ib [6]byte
		for k := range 6 {
			ib[k] = byte(bits >> (40 - 8*k))
		}
		in, err := refimpl.Identify(ib[:])
		if err != nil {
			continue
		}
		for k, w := range ws {
			for _, p := range parts[k] {
				if _, isNum := p.n.(*cexpr.Num); isNum {
					continue
				}
				lsb := w.Off + w.Bits - 1 - p.shift
				fd, found := fieldEnding(in, lsb)
				if !found {
					continue
				}
				hi, why, known := b.bound(c.Func, p.n)
				if !known || hi <= int64(1)<<fd.Bits-1 {
					continue
				}
				over := overlapped(in, fd, hi)
				out = append(out, Finding{
					Offset: c.Pos.Offset, Line: c.Pos.Line, Func: c.Func,
					Message: fmt.Sprintf("%s: %s can reach %d (%s), wider than the %d-bit %s field: it corrupts %s",
						in.Mnemonic, cexpr.Format(p.n), hi, why, fd.Bits, fd.Name, over),
				})
			}
		}
	}
	return out
}

// fieldEnding returns the operand field of in whose last bit is lsb.
func fieldEnding(in *refimpl.Insn, lsb int) (refimpl.Field, bool) {
	for _, fd := range in.Format.Fields() {
		if int(fd.Offs)+int(fd.Bits)-1 == lsb && !strings.HasPrefix(fd.Name, "OP") {
			return fd, true
		}
	}
	return refimpl.Field{}, false
}

// overlapped names the fields that a value up to hi placed in fd spills
// into.
func overlapped(in *refimpl.Insn, fd refimpl.Field, hi int64) string {
	width := 0
	for v := hi; v > 0; v >>= 1 {
		width++
	}
	top := int(fd.Offs) + int(fd.Bits) - width // first bit reached
	var names []string
	for _, g := range in.Format.Fields() {
		if int(g.Offs) < int(fd.Offs) && int(g.Offs)+int(g.Bits) > top {
			names = append(names, g.Name)
		}
	}
	if len(names) == 0 {
		return "the bits above it"
	}
	return strings.Join(names, ",")
}

// bounder finds upper bounds of operand expressions from the file's own
// constants and the guards of the enclosing function.
type bounder struct {
	f       *cparse.File
	m       *cexpr.Machine
	reg2hex map[int64]int64
	texts   map[string]string
}

func newBounder(f *cparse.File, model *interp.Env) *bounder {
	env := cexpr.NewEnvModel(f, model)
	return &bounder{f: f, m: env.Machine(), reg2hex: env.Reg2Hex, texts: map[string]string{}}
}

// bound returns an upper bound of n, with how it was found.
func (b *bounder) bound(fn string, n cexpr.Node) (int64, string, bool) {
	if v, err := b.m.Eval(n); err == nil {
		return v.Int64(), "its value", true
	}
	switch x := n.(type) {
	case *cexpr.Ident:
		return b.guard(fn, x.Name)
	case *cexpr.Index:
		if p, _ := cexpr.Path(x.X); p == "reg2hex" && len(b.reg2hex) > 0 {
			hi := int64(0)
			for _, v := range b.reg2hex {
				hi = max(hi, v)
			}
			return hi, "reg2hex values", true
		}
	case *cexpr.Binary:
		l, lw, lok := b.bound(fn, x.X)
		r, rw, rok := b.bound(fn, x.Y)
		why := lw
		if lw == "its value" {
			why = rw
		}
		switch x.Op {
		case "+":
			if lok && rok {
				return l + r, why, true
			}
		case "*":
			if lok && rok {
				return l * r, why, true
			}
		case "-":
			if lok {
				if rv, err := b.m.Eval(x.Y); err == nil {
					return l - rv.Int64(), lw, true
				}
			}
		case "&":
			if rok && rw == "its value" {
				if lok {
					return min(l, r), why, true
				}
				return r, "its mask", true
			}
		case "<<":
			if lok && rok && r < 63 {
				return l << r, why, true
			}
		}
	}
	return 0, "", false
}

// guard finds a bound of local name in function fn: "if (name > C)
// return", "if (name >= C) return", "name = min_t(T, x, C)".
func (b *bounder) guard(fn, name string) (int64, string, bool) {
	t := b.funcText(fn)
	q := regexp.QuoteMeta(name)
	pats := []struct {
		re  *regexp.Regexp
		adj int64
	}{
		{regexp.MustCompile(`if\s*\(\s*` + q + `\s*>\s*([^()]+(\([^()]*\))?[^()]*)\)\s*(\{\s*)?return\b`), 0},
		{regexp.MustCompile(`if\s*\(\s*` + q + `\s*>=\s*([^()]+(\([^()]*\))?[^()]*)\)\s*(\{\s*)?return\b`), -1},
		{regexp.MustCompile(`\b` + q + `\s*=\s*min_t\([^,]+,[^,]+,\s*([^;]+)\)\s*;`), 0},
	}
	for _, p := range pats {
		mm := p.re.FindStringSubmatch(t)
		if mm == nil {
			continue
		}
		expr := strings.TrimSpace(mm[1])
		v, err := b.m.EvalText(expr)
		if err != nil {
			continue
		}
		return v.Int64() + p.adj, fmt.Sprintf("%s <= %s = %d", name, expr, v.Int64()+p.adj), true
	}
	return 0, "", false
}

// funcText returns the source of function fn's body.
func (b *bounder) funcText(fn string) string {
	if t, ok := b.texts[fn]; ok {
		return t
	}
	t := emitcheck.FuncBody(b.f, fn)
	b.texts[fn] = t
	return t
}
