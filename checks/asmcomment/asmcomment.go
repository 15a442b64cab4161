package asmcomment

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/checks/internal/emitcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
)

// Analyzer checks every EMIT call against its assembler comment.
var Analyzer = emitcheck.NewAnalyzer("asmcomment", doc, check, func(fd Finding) (int, string) { return fd.Offset, fd.Message })

// Finding is one disagreement, at a byte offset of the file.
type Finding struct {
	Offset int
	Line   int
	Func   string
	Call   string // the EMIT macro
	// Comment is the assembly text of the comment.
	Comment string
	Message string
}

// checker holds what is known about one file.
type checker struct {
	f    *cparse.File
	env  *cexpr.Env
	m    *cexpr.Machine
	out  []Finding
	fn   map[string]string // per function: the text of its body
	call *cparse.EmitCall
	cm   *asmComment
}

// Check runs the check over one parsed file.
func Check(f *cparse.File) []Finding { return check(emit.Find(f), nil) }

// check runs the check over the EMIT calls of one file, as the shared
// analyzer found them, with the kernel constants of environment model
// (nil: the documented 6.12 values).
func check(ef *emit.File, model *interp.Env) []Finding {
	f := ef.File
	env := cexpr.NewEnvModel(f, model)
	c := &checker{f: f, env: env, m: env.Machine(), fn: map[string]string{}}
	for i := range ef.Sites {
		site := &ef.Sites[i]
		call := site.Call
		text, ok := commentOf(site)
		if !ok {
			continue
		}
		cm := parseComment(text)
		if cm == nil {
			continue
		}
		alts := emits(c.m, site)
		if alts == nil {
			continue
		}
		c.call, c.cm = call, cm
		c.checkCall(alts)
	}
	return c.out
}

// commentOf returns the comment of an EMIT call: the front end's (one on
// the call's own line only when it reads as assembly), or else the one the
// shared analyzer found above an if header or a simple assignment that
// precedes the call ("/* brcl 8,skip */ patch = jit->prg; EMIT...").
func commentOf(site *emit.Site) (string, bool) {
	call := site.Call
	if call.Comment != nil && (!call.Comment.SameLine || parseComment(call.Comment.Text) != nil) {
		return call.Comment.Text, true
	}
	return site.Above, site.HasAbove
}

func (c *checker) report(format string, args ...any) {
	c.out = append(c.out, Finding{
		Offset:  c.call.Pos.Offset,
		Line:    c.call.Pos.Line,
		Func:    c.call.Func,
		Call:    c.call.Name,
		Comment: c.cm.Text,
		Message: fmt.Sprintf(format, args...),
	})
}

// checkCall compares the comment with the alternatives the call emits.
func (c *checker) checkCall(alts []*emitted) {
	cm := c.cm
	for i, mn := range cm.Mnemonics {
		if cm.Insns[i] == nil {
			e := alts[min(i, len(alts)-1)]
			c.report("comment says %s, which is not an s390x mnemonic, but %s emits %s%s", mn, c.call.Name, e.describe(), summary(e))
			return
		}
	}
	for _, e := range alts {
		if e.Wide != "" {
			c.report("comment says %s (%s) but %s emits %s: opcode %s", cm.Mnemonics[0], opcodeText(cm.Insns[0]), c.call.Name, e.describe(), e.Wide)
			return
		}
	}
	if msg := c.syntax(); msg != "" {
		c.report("comment %q is not valid assembly for %s: %s; %s emits %s%s", cm.Text, cm.Mnemonics[0], msg, c.call.Name, alts[0].describe(), summary(alts[0]))
		return
	}
	// Pair the comment's alternatives with the call's.
	type pair struct {
		k int // comment alternative
		e *emitted
	}
	var pairs []pair
	if len(cm.Mnemonics) == len(alts) {
		for i, e := range alts {
			pairs = append(pairs, pair{i, e})
		}
	} else {
		for _, e := range alts {
			k := -1
			for i, in := range cm.Insns {
				if in == e.Insn {
					k = i
				}
			}
			if k < 0 {
				k = 0
			}
			pairs = append(pairs, pair{k, e})
		}
	}
	for _, p := range pairs {
		in := cm.Insns[p.k]
		if in != p.e.Insn {
			c.report("comment says %s (%s) but %s emits %s", cm.Mnemonics[p.k], opcodeText(in), c.call.Name, p.e.describe())
			return
		}
		if len(cm.Operands) > 0 && c.operands(p.k, p.e) {
			return
		}
	}
}

// summary lists the operand fields an emitted instruction takes from the
// call, so that a finding about the comment itself still changes when the
// call does: " with R1=%r2 B2=%r15 D2=tjit->retval_off".
func summary(e *emitted) string {
	if e.Insn == nil {
		return ""
	}
	var parts []string
	for _, fd := range e.Insn.Format.Fields() {
		name := fd.Name
		if strings.HasPrefix(name, "OP") || name == "////" || name == "DH2" {
			continue
		}
		if name == "DL2" {
			name = "D2"
		}
		src := e.Fields[name]
		if src == nil {
			continue
		}
		v := src.Text
		if src.Known {
			v = fmt.Sprint(src.Val)
		}
		parts = append(parts, name+"="+v)
	}
	if len(parts) == 0 {
		return ""
	}
	return " with " + strings.Join(parts, " ")
}

// operandList returns the instruction's operands as the comment writes
// them (an extended mnemonic implies its mask operand) and the index of
// the implied mask operand (-1 for none).
func (c *checker) operandList(k int) ([]refimpl.Operand, int) {
	in := c.cm.Insns[k]
	ops := in.Operands()
	mask := c.cm.Masks[k]
	if mask < 0 {
		return ops, -1
	}
	al := aliasOf(c.cm.Mnemonics[k])
	idx := 0
	if al != nil {
		idx = al.MaskArg
	}
	out := append(append([]refimpl.Operand(nil), ops[:idx]...), ops[idx+1:]...)
	return out, idx
}

// syntax checks the comment's operands against what its (first)
// instruction takes; it returns a reason when they do not fit.
func (c *checker) syntax() string {
	cm := c.cm
	if len(cm.Operands) == 0 {
		// A comment naming only the mnemonic ("{laal|laalg}").
		return ""
	}
	for k := range cm.Mnemonics {
		ops, _ := c.operandList(k)
		if len(cm.Operands) == 0 && aliasOf(cm.Mnemonics[k]) != nil && aliasOf(cm.Mnemonics[k]).Optional {
			continue
		}
		if len(cm.Operands) != len(ops) {
			return fmt.Sprintf("%s takes %d operands (%s), the comment has %d", cm.Mnemonics[k], len(ops), shape(ops), len(cm.Operands))
		}
		for i, o := range ops {
			s := cm.Operands[i]
			switch o.Kind {
			case refimpl.OperandGPR:
				if !isRegOperand(s) {
					return fmt.Sprintf("operand %d (%s) must be a register, not %s", i+1, shapeOf(o), s)
				}
			case refimpl.OperandMask, refimpl.OperandImm, refimpl.OperandRel:
				if strings.HasPrefix(s, "%") {
					return fmt.Sprintf("operand %d (%s) must be a value, not the register %s", i+1, shapeOf(o), s)
				}
				if _, _, ok := splitAddr(s); ok {
					return fmt.Sprintf("operand %d (%s) must be a value, not the address %s", i+1, shapeOf(o), s)
				}
			default:
				_, inner, ok := splitAddr(s)
				if !ok {
					if strings.HasPrefix(s, "%") || o.Kind == refimpl.OperandAddrLB {
						return fmt.Sprintf("operand %d (%s) must be an address, not %s", i+1, shapeOf(o), s)
					}
					continue // a displacement alone: base 0
				}
				want := map[refimpl.OperandKind][2]int{refimpl.OperandAddrB: {1, 1}, refimpl.OperandAddrXB: {1, 2}, refimpl.OperandAddrLB: {2, 2}}[o.Kind]
				if len(inner) < want[0] || len(inner) > want[1] {
					if o.Kind == refimpl.OperandAddrLB {
						return fmt.Sprintf("operand %d (%s) lacks its length: %s", i+1, shapeOf(o), s)
					}
					return fmt.Sprintf("operand %d (%s) has %d parts in parentheses: %s", i+1, shapeOf(o), len(inner), s)
				}
				b := inner[len(inner)-1]
				if !isRegOperand(b) {
					return fmt.Sprintf("operand %d (%s): base %s is not a register", i+1, shapeOf(o), b)
				}
				if o.Kind == refimpl.OperandAddrXB && len(inner) == 2 && !isRegOperand(inner[0]) {
					return fmt.Sprintf("operand %d (%s): index %s is not a register", i+1, shapeOf(o), inner[0])
				}
			}
		}
	}
	return ""
}

// shape writes an operand list in the manual's notation: "R1,D2(X2,B2)".
func shape(ops []refimpl.Operand) string {
	var s []string
	for _, o := range ops {
		s = append(s, shapeOf(o))
	}
	return strings.Join(s, ",")
}

func shapeOf(o refimpl.Operand) string {
	f := o.Fields
	switch o.Kind {
	case refimpl.OperandAddrB:
		return fmt.Sprintf("D(%s)", f[len(f)-1])
	case refimpl.OperandAddrXB:
		return fmt.Sprintf("D(%s,%s)", f[len(f)-2], f[len(f)-1])
	case refimpl.OperandAddrLB:
		return fmt.Sprintf("%s(L,%s)", f[0], f[2])
	}
	return f[0]
}

var regNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^%[A-Za-z][A-Za-z0-9_]*$`) })

// isRegOperand reports whether s is written as a register: %rN, a
// symbolic %name, or a plain number (GNU as accepts "bcr 14,0").
func isRegOperand(s string) bool {
	if regNameRE().MatchString(s) {
		return true
	}
	_, err := strconv.ParseInt(s, 0, 64)
	return err == nil
}

// aliasRegs are the kernel's names for its fixed registers in comments.
var aliasRegs = map[string]string{
	"w0": "REG_W0", "w1": "REG_W1", "l": "REG_L", "bfp": "BPF_REG_FP", "fp": "BPF_REG_FP",
	"b0": "BPF_REG_0", "b1": "BPF_REG_1", "b2": "BPF_REG_2", "b3": "BPF_REG_3", "b4": "BPF_REG_4",
	"b5": "BPF_REG_5", "b6": "BPF_REG_6", "b7": "BPF_REG_7", "b8": "BPF_REG_8", "b9": "BPF_REG_9",
}

// regVal is a register as a comment or a call gives it: a number or a name.
type regVal struct {
	known bool
	n     int64
	name  string // symbolic name, normalised
	text  string
}

// String writes the register as a comment would: %rN, or its name.
func (r regVal) String() string {
	if r.known {
		return fmt.Sprintf("%%r%d", r.n)
	}
	return r.text
}

// commentReg resolves a register operand of the comment.
func (c *checker) commentReg(s string) regVal {
	if strings.HasPrefix(s, "%r") {
		if n, err := strconv.Atoi(s[2:]); err == nil && n >= 0 && n <= 15 {
			return regVal{known: true, n: int64(n), text: s}
		}
	}
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return regVal{known: true, n: n, text: s}
	}
	name := strings.TrimPrefix(s, "%")
	if m, ok := aliasRegs[name]; ok {
		if h, ok := c.env.Reg(c.m, m); ok {
			return regVal{known: true, n: h, text: s}
		}
	}
	return regVal{name: name, text: s}
}

// sourceReg resolves the register a field source gives.
func (c *checker) sourceReg(s *source) regVal {
	if s.Known {
		return regVal{known: true, n: s.Val}
	}
	if s.Reg {
		if h, ok := c.env.Reg(c.m, s.Text); ok {
			return regVal{known: true, n: h, text: s.Text}
		}
	} else if v, err := c.m.Eval(s.Node); err == nil {
		return regVal{known: true, n: v.Int64(), text: s.Text}
	}
	name := s.Text
	if s.Node != nil {
		if p, ok := cexpr.Path(s.Node); ok {
			name = p[strings.LastIndexAny(p, ">.")+1:]
		}
	}
	name = strings.TrimSuffix(name, "_reg")
	return regVal{name: name, text: s.Text}
}

// operands compares the comment's operands of alternative k with what e
// emits; it reports the first disagreement and returns true then.
func (c *checker) operands(k int, e *emitted) bool {
	ops, maskIdx := c.operandList(k)
	in := c.cm.Insns[k]
	if maskIdx >= 0 {
		all := in.Operands()
		if s := e.Fields[all[maskIdx].Fields[0]]; s != nil {
			if c.value(fmt.Sprint(c.cm.Masks[k]), s, "mask", "") {
				return true
			}
		}
	}
	// Symbolic register names of the comment, to recognise swaps.
	names := map[string]bool{}
	for _, s := range c.cm.Operands {
		for _, r := range symRegRE().FindAllString(s, -1) {
			names[strings.TrimPrefix(r, "%")] = true
		}
	}
	for i, o := range ops {
		s := c.cm.Operands[i]
		switch o.Kind {
		case refimpl.OperandGPR:
			if o.Fields[0] == "R3" && i == 1 && c.rangeStart(c.cm.Operands[0], s, e.Fields["R3"]) {
				return true
			}
			if c.reg(s, e.Fields[o.Fields[0]], o.Fields[0], names) {
				return true
			}
		case refimpl.OperandMask:
			if c.value(s, e.Fields[o.Fields[0]], "mask", "") {
				return true
			}
		case refimpl.OperandImm:
			if c.value(s, e.Fields[o.Fields[0]], "immediate", fmt.Sprint(o.Bits)) {
				return true
			}
		case refimpl.OperandRel:
			if c.target(s, e.Fields[o.Fields[0]]) {
				return true
			}
		default:
			d, inner, ok := splitAddr(s)
			if !ok {
				d, inner = s, []string{"0"}
			}
			dfield, dbits := o.Fields[0], "12"
			if dfield == "DL2" {
				dfield, dbits = "D2", "20"
			}
			f := o.Fields
			switch o.Kind {
			case refimpl.OperandAddrB:
				if c.reg(inner[0], e.Fields[f[len(f)-1]], f[len(f)-1], names) {
					return true
				}
			case refimpl.OperandAddrLB:
				if c.length(inner[0], e.Fields["L"]) {
					return true
				}
				if c.reg(inner[1], e.Fields[f[2]], f[2], names) {
					return true
				}
			case refimpl.OperandAddrXB:
				if c.indexBase(inner, e.Fields[f[len(f)-2]], e.Fields[f[len(f)-1]], names) {
					return true
				}
			}
			if c.value(d, e.Fields[dfield], "displacement", dbits) {
				return true
			}
		}
	}
	return false
}

// reg compares a register operand.
func (c *checker) reg(s string, src *source, field string, names map[string]bool) bool {
	if src == nil {
		return false
	}
	a, b := c.commentReg(s), c.sourceReg(src)
	switch {
	case a.known && b.known:
		if a.n != b.n {
			c.report("%s: comment says %s in %s but %s emits %s (%s)", c.cm.Mnemonics[0], s, field, c.call.Name, b, srcText(src, b))
			return true
		}
	case !a.known && !b.known:
		if !sameReg(a.name, b.name) && (names[b.name] || c.isVar(a.name)) {
			c.report("%s: comment says %s in %s but %s emits %s there", c.cm.Mnemonics[0], s, field, c.call.Name, src.Text)
			return true
		}
	case !a.known && b.known:
		// The comment names a variable of the code; the call emits a
		// fixed register instead.
		if c.isVar(a.name) {
			c.report("%s: comment says %s in %s but %s emits %s (%s)", c.cm.Mnemonics[0], s, field, c.call.Name, b, srcText(src, b))
			return true
		}
	}
	return false
}

// rangeStart checks a register range written "%r2,%rN" whose end the call
// computes from its start (REG_2 + (n - 1)): the start register of the
// expression must be the comment's first register.
func (c *checker) rangeStart(first, last string, src *source) bool {
	if src == nil || src.Node == nil || src.Known || !src.Reg {
		return false
	}
	a := c.commentReg(first)
	if !a.known || c.commentReg(last).known {
		return false
	}
	b, ok := src.Node.(*cexpr.Binary)
	if !ok || b.Op != "+" {
		return false
	}
	h, ok := c.env.Reg(c.m, cexpr.Format(b.X))
	if !ok || h == a.n {
		return false
	}
	c.report("%s: comment says %s,%s but %s computes the range end from %%r%d (%s)", c.cm.Mnemonics[0], first, last, c.call.Name, h, src.Text)
	return true
}

// sameReg reports whether a comment's symbolic register names the
// variable an argument uses: dst and dst_reg, rdst_reg and dst_reg.
func sameReg(comment, arg string) bool {
	norm := func(x string) string { return strings.TrimSuffix(x, "_reg") }
	return norm(comment) == norm(arg) || strings.HasPrefix(comment, "r") && norm(comment[1:]) == norm(arg)
}

// isVar reports whether a symbolic register of a comment ("dst",
// "rdst_reg", "arg") names a variable of the enclosing function's code
// (dst_reg, arg).
func (c *checker) isVar(name string) bool {
	for _, n := range []string{name, name + "_reg", strings.TrimPrefix(name, "r")} {
		if n != "" && c.usesName(c.call.Func, n, false) {
			return true
		}
	}
	return false
}

func srcText(src *source, r regVal) string {
	if src.Known {
		return "opcode constant"
	}
	return src.Text
}

// indexBase compares the registers of D(X,B) or D(B): the hardware adds
// index and base, so the comment's registers are compared as a set with
// the emitted ones (register 0 meaning none).
func (c *checker) indexBase(inner []string, x, b *source, names map[string]bool) bool {
	var want []regVal
	for _, s := range inner {
		r := c.commentReg(s)
		if r.known && r.n == 0 {
			continue
		}
		want = append(want, r)
	}
	var got []regVal
	var gotSrc []*source
	for _, s := range []*source{x, b} {
		if s == nil {
			continue
		}
		r := c.sourceReg(s)
		if r.known && r.n == 0 {
			continue
		}
		got = append(got, r)
		gotSrc = append(gotSrc, s)
	}
	same := func(a, b regVal) bool {
		if a.known && b.known {
			return a.n == b.n
		}
		if !a.known && !b.known {
			return sameReg(a.name, b.name)
		}
		return false
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for j, g := range got {
			if !used[j] && same(w, g) {
				used[j], found = true, true
				break
			}
		}
		if found {
			continue
		}
		// A definite mismatch: the comment names a register the call
		// cannot emit (every emitted register is known, or a named one
		// that the comment also names elsewhere).
		definite := true
		for j, g := range got {
			if used[j] {
				continue
			}
			// An emitted register not known may be the comment's; a
			// comment register not known may be the emitted one, unless
			// the emitted one is another register the comment names.
			if !g.known && (w.known || !names[g.name]) || !w.known && g.known {
				definite = false
			}
		}
		if definite {
			var gs []string
			for j, g := range got {
				if g.known {
					gs = append(gs, g.String())
				} else {
					gs = append(gs, gotSrc[j].Text)
				}
			}
			if len(gs) == 0 {
				gs = []string{"no register"}
			}
			c.report("%s: comment says index/base %s but %s emits %s", c.cm.Mnemonics[0], strings.Join(inner, ","), c.call.Name, strings.Join(gs, ","))
			return true
		}
	}
	for j, g := range got {
		if !used[j] && g.known && len(want) < len(got) {
			// An emitted register the comment does not mention.
			c.report("%s: comment says index/base %s but %s also emits %s", c.cm.Mnemonics[0], strings.Join(inner, ","), c.call.Name, g)
			return true
		}
	}
	return false
}

// valueOf resolves a comment value: a constant when it evaluates.
func (c *checker) commentValue(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	v, err := c.m.EvalText(s)
	if err != nil {
		return 0, false
	}
	return v.Int64(), true
}

// sourceValue resolves a field source to a constant when it evaluates.
func (c *checker) sourceValue(s *source) (int64, bool) {
	if s.Known {
		return s.Val, true
	}
	if s.Node == nil {
		return 0, false
	}
	v, err := c.m.Eval(s.Node)
	if err != nil {
		return 0, false
	}
	return v.Int64() >> s.Shr, true
}

// value compares a displacement, immediate or mask; field is the width of
// a displacement field ("12", "20") or of an immediate ("16"), or "".
func (c *checker) value(s string, src *source, what, field string) bool {
	if src == nil {
		return false
	}
	a, aok := c.commentValue(s)
	b, bok := c.sourceValue(src)
	if aok && bok {
		switch {
		case field == "12" && src.Known:
			// A 12-bit field holds the value modulo 4096.
			a &= 0xfff
		case field == "20" && src.Known:
			// A 20-bit signed field: compare the value it holds.
			a = a << 44 >> 44
		}
		if what == "immediate" {
			// The field holds the value modulo its width: -1 and 0xffff
			// are the same 16-bit immediate.
			bits, _ := strconv.Atoi(field)
			if bits > 0 && bits < 64 {
				a &= 1<<bits - 1
				b &= 1<<bits - 1
			}
		}
		if a != b {
			from := " (" + src.Text + ")"
			if src.Known {
				from = " (opcode constant)"
			} else if v, err := strconv.ParseInt(src.Text, 0, 64); err == nil && v>>src.Shr == b {
				from = ""
			}
			c.report("%s: comment says %s %s but %s emits %d%s", c.cm.Mnemonics[0], what, s, c.call.Name, b, from)
			return true
		}
		return false
	}
	if aok || bok || src.Node == nil || strings.HasPrefix(s, "<") {
		return false
	}
	return c.symbolic(s, src, what)
}

var symRegRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%[A-Za-z][A-Za-z0-9_]*`) })

var identRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`) })

// symbolic compares a symbolic comment value with a symbolic argument.
func (c *checker) symbolic(s string, src *source, what string) bool {
	cids := identRE().FindAllString(s, -1)
	sids := cexpr.Idents(src.Node)
	if len(cids) == 0 {
		return false
	}
	if handled, bad := c.halves(s, cids, src, what); handled {
		return bad
	}
	// Every name of the comment must be covered by a name of the argument
	// (equal, or the argument's name is a part of the comment's more
	// specific one: reg_args_off for fwd_reg_args_off).
	var uncovered []string
	for _, a := range cids {
		covered := false
		for _, b := range sids {
			if a == b || contained(b, a) || strings.HasSuffix(a, "_hi") || strings.HasSuffix(a, "_lo") {
				covered = true
				break
			}
		}
		if !covered {
			uncovered = append(uncovered, a)
		}
	}
	if len(uncovered) == 0 {
		if what != "mask" && c.extraLiteral(s, src, what) {
			return true
		}
		return c.sign(s, src, what)
	}
	// A disagreement when an uncovered name (or its trailing part) is a
	// name of the function's code: another member of the same object,
	// another local, another offsetof member.
	base := ""
	if p, ok := cexpr.Path(src.Node); ok {
		if i := strings.LastIndexAny(p, ">."); i > 0 {
			base = p[:i+1]
		}
	}
	for _, a := range uncovered {
		for _, x := range suffixes(a) {
			if base != "" && c.usesMember(c.call.Func, base, x) || base == "" && c.usesName(c.call.Func, x, true) || c.usesName(c.call.Func, x, false) {
				c.report("%s: comment says %s %s but %s emits %s", c.cm.Mnemonics[0], what, s, c.call.Name, src.Text)
				return true
			}
		}
	}
	return false
}

// extraLiteral reports an argument that adds a number the comment does not
// write ("-stack_size" against -tjit->stack_size + 8).
func (c *checker) extraLiteral(s string, src *source, what string) bool {
	have := map[int64]bool{}
	for _, n := range numberRE().FindAllString(s, -1) {
		if v, err := strconv.ParseInt(n, 0, 64); err == nil {
			have[v] = true
		}
	}
	for _, v := range literals(src.Node) {
		if !have[v] {
			c.report("%s: comment says %s %s but %s emits %s (the comment lacks %d)", c.cm.Mnemonics[0], what, s, c.call.Name, src.Text, v)
			return true
		}
	}
	return false
}

var numberRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(0x[0-9a-fA-F]+|\d+)\b`) })

// literals returns the integer constants of an expression outside calls
// (offsetof, sizeof) and casts.
func literals(n cexpr.Node) []int64 {
	var out []int64
	var walk func(cexpr.Node)
	walk = func(n cexpr.Node) {
		switch n := n.(type) {
		case *cexpr.Num:
			out = append(out, n.Val.Int64())
		case *cexpr.Unary:
			walk(n.X)
		case *cexpr.Cast:
			walk(n.X)
		case *cexpr.Binary:
			walk(n.X)
			walk(n.Y)
		case *cexpr.Cond:
			walk(n.T)
			walk(n.F)
		}
	}
	walk(n)
	return out
}

// suffixes returns a name and its trailing "_"-separated parts of at least
// two parts: fwd_reg_args_off, reg_args_off, args_off.
func suffixes(a string) []string {
	out := []string{a}
	parts := strings.Split(a, "_")
	for i := 1; i+2 <= len(parts); i++ {
		out = append(out, strings.Join(parts[i:], "_"))
	}
	return out
}

// halves checks the X_hi / X_lo convention of load_imm64's comments:
// X_hi is X >> 32, X_lo is X itself (its low word).
func (c *checker) halves(s string, cids []string, src *source, what string) (handled, bad bool) {
	if len(cids) != 1 {
		return false, false
	}
	a := cids[0]
	hi, lo := strings.HasSuffix(a, "_hi"), strings.HasSuffix(a, "_lo")
	if !hi && !lo {
		return false, false
	}
	x := a[:len(a)-3]
	n := src.Node
	for {
		cst, ok := n.(*cexpr.Cast)
		if !ok {
			break
		}
		n = cst.X
	}
	shift := int64(0)
	if b, ok := n.(*cexpr.Binary); ok && b.Op == ">>" {
		v, err := c.m.Eval(b.Y)
		if err != nil {
			return false, false
		}
		shift, n = v.Int64(), b.X
	}
	id, ok := n.(*cexpr.Ident)
	if !ok || id.Name != x {
		return false, false
	}
	if hi && shift != 32 || lo && shift != 0 {
		c.report("%s: comment says %s %s but %s emits %s", c.cm.Mnemonics[0], what, s, c.call.Name, src.Text)
		return true, true
	}
	return true, false
}

// contained reports whether the name short is part of the name long:
// a whole "_"-separated part or run of parts ("unused" in "unused_end",
// "reg_args_off" in "fwd_reg_args_off"), and not a short fragment ("arg"
// is no part of "bpf_arg_off" for this purpose).
func contained(short, long string) bool {
	if len(short) >= len(long) || len(short) < 5 && !strings.Contains(short, "_") {
		return false
	}
	return strings.HasPrefix(long, short+"_") || strings.HasSuffix(long, "_"+short) || strings.Contains(long, "_"+short+"_")
}

// sign reports a comment value and an argument that agree on names but
// not on sign ("aghi %r15,-stack_size" against tjit->stack_size).
func (c *checker) sign(s string, src *source, what string) bool {
	neg := strings.HasPrefix(strings.TrimSpace(s), "-")
	u, ok := src.Node.(*cexpr.Unary)
	sneg := ok && u.Op == "-"
	if neg != sneg && src.Shr == 0 {
		c.report("%s: comment says %s %s but %s emits %s (sign differs)", c.cm.Mnemonics[0], what, s, c.call.Name, src.Text)
		return true
	}
	return false
}

// length compares the length of an SS operand: the L field holds length-1.
func (c *checker) length(s string, src *source) bool {
	if src == nil {
		return false
	}
	a, aok := c.commentValue(s)
	if src.Known {
		if aok && a != src.Val+1 {
			c.report("%s: comment says length %s but %s emits length %d (L field %#x)", c.cm.Mnemonics[0], s, c.call.Name, src.Val+1, src.Val)
			return true
		}
		return false
	}
	if v, ok := c.sourceValue(src); ok && aok && a != v+1 {
		c.report("%s: comment says length %s but %s emits length %d (%s + 1)", c.cm.Mnemonics[0], s, c.call.Name, v+1, src.Text)
		return true
	}
	return false
}

// localLabel matches GNU as local label references: 0b, 1f.
var localLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+[bf]$`) })

// siblingMember reports a named comment value whose argument is another
// member of the same object (tjit->do_fexit for a comment naming r14_off).
func (c *checker) siblingMember(s string, src *source, what string) bool {
	p, ok := cexpr.Path(src.Node)
	if !ok {
		return false
	}
	i := strings.LastIndexAny(p, ">.")
	if i <= 0 {
		return false
	}
	base := p[:i+1]
	cids := identRE().FindAllString(s, -1)
	sids := cexpr.Idents(src.Node)
	for _, a := range cids {
		for _, b := range sids {
			if a == b || contained(b, a) {
				return false
			}
		}
	}
	for _, a := range cids {
		for _, x := range suffixes(a) {
			if c.usesMember(c.call.Func, base, x) {
				c.report("%s: comment says %s %s but %s emits %s", c.cm.Mnemonics[0], what, s, c.call.Name, src.Text)
				return true
			}
		}
	}
	return false
}

var dotRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\.\s*(([-+])\s*(\w+))?$`) })

// target compares a branch target written relative to the location
// counter (".+10", ".") with the call's.
func (c *checker) target(s string, src *source) bool {
	if src == nil || src.Node == nil {
		return false
	}
	m := dotRE().FindStringSubmatch(s)
	if m == nil {
		// A named target (do_fexit, prologue_plt): another member of
		// the same object is a disagreement.
		if localLabel().MatchString(s) || strings.HasPrefix(s, "<") {
			return false
		}
		return c.siblingMember(s, src, "target")
	}
	want := int64(0)
	if m[1] != "" {
		n, err := strconv.ParseInt(m[3], 0, 64)
		if err != nil {
			return false
		}
		if m[2] == "-" {
			n = -n
		}
		want = n
	}
	var got int64
	switch src.Role {
	case rolePCRel:
		v, ok := c.sourceValue(src)
		if !ok {
			return false
		}
		got = v
	case roleTgt:
		// jit->prg + N
		mm := cexpr.Machine{Macros: c.m.Macros, Consts: c.m.Consts, Vars: map[string]cexpr.Value{"jit->prg": cexpr.Int(0)}}
		v, err := mm.Eval(src.Node)
		if err != nil {
			return false
		}
		got = v.Int64()
	default:
		return false
	}
	if got != want {
		c.report("%s: comment says target %s but %s branches to .%+d (%s)", c.cm.Mnemonics[0], s, c.call.Name, got, src.Text)
		return true
	}
	return false
}

// funcText returns the source of function fn's body without comments.
func (c *checker) funcText(fn string) string {
	if t, ok := c.fn[fn]; ok {
		return t
	}
	t := stripComments(emitcheck.FuncBody(c.f, fn))
	c.fn[fn] = t
	return t
}

// stripComments blanks the comments of C text (names in comments are not
// names of the code).
func stripComments(s string) string {
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		switch {
		case b[i] == '"' || b[i] == '\'':
			q := b[i]
			for i++; i < len(b) && b[i] != q && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case b[i] == '/' && b[i+1] == '*':
			for ; i+1 < len(b) && (b[i] != '*' || b[i+1] != '/'); i++ {
				b[i] = ' '
			}
			if i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
			}
		case b[i] == '/' && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

// usesMember reports whether the code accesses member x of base
// ("tjit->" + "retval_off"): in function fn, or elsewhere in the file (the
// same variable names the same structure across the JIT's functions).
func (c *checker) usesMember(fn, base, x string) bool {
	return containsWord(c.funcText(fn), base+x) || containsWord(c.fileText(), base+x)
}

// fileText returns the file's source without comments.
func (c *checker) fileText() string {
	if t, ok := c.fn["\x00file"]; ok {
		return t
	}
	t := stripComments(string(c.f.Src))
	c.fn["\x00file"] = t
	return t
}

// usesName reports whether function fn's code uses the name x as a member
// of some object (after -> or ., member true) or as a plain name (member
// false).
func (c *checker) usesName(fn, x string, member bool) bool {
	t := c.funcText(fn)
	for i := 0; ; {
		j := strings.Index(t[i:], x)
		if j < 0 {
			return false
		}
		j += i
		afterMember := j >= 1 && t[j-1] == '.' || j >= 2 && t[j-2:j] == "->"
		if isWordAt(t, j, len(x)) && afterMember == member {
			return true
		}
		i = j + 1
	}
}

func containsWord(t, w string) bool {
	for i := 0; ; {
		j := strings.Index(t[i:], w)
		if j < 0 {
			return false
		}
		j += i
		if isWordAt(t, j, len(w)) {
			return true
		}
		i = j + 1
	}
}

func isWordAt(t string, j, n int) bool {
	isw := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	return (j == 0 || !isw(t[j-1])) && (j+n >= len(t) || !isw(t[j+n]))
}
