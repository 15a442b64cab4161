package emitmacro

import (
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"github.com/trampcheck/trampcheck/checks/internal/emitcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
)

// Analyzer evaluates the file's EMIT macro definitions over operand
// sweeps and compares the bytes with the reference encoder.
var Analyzer = emitcheck.NewAnalyzer("emitmacro", doc, check, func(fd Finding) (int, string) { return fd.Offset, fd.Message })

// Finding is one wrongly encoding macro, at its definition.
type Finding struct {
	Offset  int
	Line    int
	Macro   string
	Message string
}

// kind is what a macro parameter is.
type kind uint8

const (
	kOp     kind = iota + 1 // the first opcode word (32 bits, or 16 for 2-byte macros)
	kOp2                    // the second opcode word (bits 32-47)
	kReg                    // a BPF register number, into Fields
	kDisp                   // a displacement (D2, or DL2/DH2)
	kImm                    // the immediate of the instruction
	kMask                   // a 4-bit mask into Fields[0]
	kMaskHi                 // a mask already shifted left by 12 (EMIT6_PCREL)
	kTarget                 // a branch target as a program offset
	kPCRel                  // a branch distance in bytes
	kIndex                  // an instruction index into addrs[] (EMIT6_PCREL's i and off)
)

type param struct {
	Kind   kind
	Fields []string
}

// mspec says what a macro must encode: a representative instruction, the
// meaning of each parameter, and the fields the opcode words fix.
type mspec struct {
	Insn   string
	Params []param
	Fixed  map[string]int64 // fields held by the opcode words
	Words  int              // 2, 4 or 6: how the macro takes its opcode (16-bit, 32-bit, 32+16)
	Raw    bool             // the parameters are raw instruction words
	Disp12 bool             // the displacement is 12 bits only (_EMIT6_DISP)
}

// specs is what each EMIT macro must encode, read from the shared
// description of the family (cparse/emit); EMIT_ATOMIC, which emits one of
// two instructions, has its own check (checkAtomic).
var specs = func() map[string]mspec {
	out := map[string]mspec{}
	for _, m := range emit.Macros() {
		if m.Insn == "" {
			continue
		}
		sp := mspec{Insn: m.Insn, Fixed: m.InWord, Words: m.Length(), Raw: m.Raw(), Disp12: m.Disp12}
		for i, a := range m.Args {
			sp.Params = append(sp.Params, param{paramKind(m, i, a), a.Fields})
		}
		out[m.Name] = sp
	}
	return out
}()

// paramKind returns the kind of argument i of m.
func paramKind(m *emit.Macro, i int, a emit.Arg) kind {
	switch a.Role {
	case emit.Opcode:
		if len(m.Words) > 1 && m.Words[1].Arg == i {
			return kOp2
		}
		return kOp
	case emit.Reg:
		return kReg
	case emit.Disp:
		return kDisp
	case emit.Imm:
		return kImm
	case emit.Mask:
		if a.Shr == 12 {
			return kMaskHi
		}
		return kMask
	case emit.Target:
		return kTarget
	case emit.PCRel:
		return kPCRel
	}
	return kIndex
}

// Check evaluates the EMIT macros defined in f.
func Check(f *cparse.File) []Finding {
	return check(&emit.File{File: f, Defs: emit.Defs(f)}, nil)
}

// check evaluates the EMIT macros defined in a file, as the shared
// analyzer found them (it reads Defs only), with the kernel constants of
// environment model (nil: the documented 6.12 values).
func check(ef *emit.File, model *interp.Env) []Finding {
	env := cexpr.NewEnvModel(ef.File, model)
	var out []Finding
	if env.Reg2Hex == nil {
		return nil
	}
	for _, d := range ef.Defs {
		md := d.Def
		if md.Name == "EMIT_ATOMIC" && md.FnLike && len(md.Params) == 2 {
			if msg := checkAtomic(env); msg != "" {
				out = append(out, Finding{Offset: md.Pos.Offset, Line: md.Pos.Line, Macro: md.Name, Message: msg})
			}
			continue
		}
		if p, ok := pools[md.Name]; ok && md.FnLike && len(md.Params) == 1 {
			if msg := checkPool(env, md.Name, p); msg != "" {
				out = append(out, Finding{Offset: md.Pos.Offset, Line: md.Pos.Line, Macro: md.Name, Message: msg})
			}
			continue
		}
		sp, ok := specs[md.Name]
		if !ok || !md.FnLike || len(md.Params) != len(sp.Params) {
			continue
		}
		if msg := checkMacro(env, md.Name, sp); msg != "" {
			out = append(out, Finding{Offset: md.Pos.Offset, Line: md.Pos.Line, Macro: md.Name, Message: msg})
		}
	}
	// A macro that is only wrong through a wrong macro it uses is not
	// reported again: the finding at the callee says what to fix.
	bad := map[string]bool{}
	for _, fd := range out {
		bad[fd.Macro] = true
	}
	var kept []Finding
	for _, fd := range out {
		if !usesBad(env, fd.Macro, bad, map[string]bool{}) {
			kept = append(kept, fd)
		}
	}
	return kept
}

// usesBad reports whether macro name expands (transitively) a macro in bad.
func usesBad(env *cexpr.Env, name string, bad, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	d := env.Macros[name]
	if d == nil {
		return false
	}
	body, err := d.Parsed()
	if err != nil {
		return false
	}
	for _, callee := range cexpr.Calls(body) {
		if callee != name && (bad[callee] || usesBad(env, callee, bad, seen)) {
			return true
		}
	}
	return false
}

// operands is one case of a sweep: a value per parameter (BPF register
// numbers for registers) and the program counter.
type operands struct {
	vals []int64
	prg  int64
	rel  int64 // branch distance in bytes (branch macros)
}

// fieldsOf assigns the reference instruction's fields for a case.
func fieldsOf(sp mspec, in *refimpl.Insn, reg2hex map[int64]int64, c operands) map[string]int64 {
	fv := map[string]int64{}
	for k, v := range sp.Fixed {
		fv[k] = v
	}
	for i, pr := range sp.Params {
		v := c.vals[i]
		switch pr.Kind {
		case kReg:
			for _, f := range pr.Fields {
				fv[f] = reg2hex[v]
			}
		case kMask:
			fv[pr.Fields[0]] = v
		case kMaskHi:
			fv[pr.Fields[0]] = v >> 12
		case kDisp:
			fv["D"] = v
		case kImm:
			fv["I"] = v
		case kTarget, kPCRel, kIndex:
			fv["T"] = c.rel
		}
	}
	return fv
}

// encodeRef encodes the reference instruction with field values fv.
func encodeRef(in *refimpl.Insn, fv map[string]int64) ([]byte, string, error) {
	var args []int64
	var text []string
	for _, o := range in.Operands() {
		f := o.Fields
		switch o.Kind {
		case refimpl.OperandGPR:
			args = append(args, fv[f[0]])
			text = append(text, fmt.Sprintf("%%r%d", fv[f[0]]))
		case refimpl.OperandMask:
			args = append(args, fv[f[0]])
			text = append(text, fmt.Sprint(fv[f[0]]))
		case refimpl.OperandImm:
			args = append(args, fv["I"])
			text = append(text, fmt.Sprint(fv["I"]))
		case refimpl.OperandRel:
			args = append(args, fv["T"])
			text = append(text, fmt.Sprintf(".%+d", fv["T"]))
		case refimpl.OperandAddrB:
			args = append(args, fv["D"], fv[f[len(f)-1]])
			text = append(text, fmt.Sprintf("%d(%%r%d)", fv["D"], fv[f[len(f)-1]]))
		case refimpl.OperandAddrXB:
			args = append(args, fv["D"], fv[f[len(f)-2]], fv[f[len(f)-1]])
			text = append(text, fmt.Sprintf("%d(%%r%d,%%r%d)", fv["D"], fv[f[len(f)-2]], fv[f[len(f)-1]]))
		default:
			return nil, "", fmt.Errorf("operand kind %v not swept", o.Kind)
		}
	}
	b, err := in.Encode(args...)
	return b, in.Mnemonic + " " + strings.Join(text, ","), err
}

// opWords returns the opcode words a macro takes for the reference
// instruction with the fixed fields set (registers and operands zero).
func opWords(sp mspec, in *refimpl.Insn, fv map[string]int64) (uint64, uint64) {
	var b [6]byte
	// Encode with every operand zero: what is set are the opcode bits.
	var bits uint64
	enc, _, err := encodeRef(in, map[string]int64{})
	if err == nil {
		copy(b[:], enc)
	}
	for i := range 6 {
		bits = bits<<8 | uint64(b[i])
	}
	for name, v := range fv {
		fd, ok := in.Format.Field(name)
		if !ok {
			continue
		}
		shift := 48 - uint(fd.Offs) - uint(fd.Bits)
		bits = bits&^((1<<fd.Bits-1)<<shift) | uint64(v)&(1<<fd.Bits-1)<<shift
	}
	switch sp.Words {
	case 2:
		return bits >> 32, 0
	case 4, 0:
		return bits >> 16, 0
	}
	return bits >> 16, bits & 0xffff
}

// checkMacro sweeps one macro; it returns a message for the first case
// that encodes wrongly, or "".
func checkMacro(env *cexpr.Env, name string, sp mspec) string {
	msg := ""
	sweepMacro(env, name, sp, func(c sweepCase) bool {
		msg = c.msg
		return msg == ""
	})
	return msg
}

// sweepCase is one evaluated case of a sweep.
type sweepCase struct {
	call      string // the macro call, as C
	text      string // the reference instruction, as GNU assembly
	got, want []byte
	msg       string // what is wrong, or ""
}

// sweepMacro evaluates the cases of one macro and calls fn with each
// until fn returns false.
func sweepMacro(env *cexpr.Env, name string, sp mspec, fn func(sweepCase) bool) {
	in, ok := refimpl.Lookup(sp.Insn)
	if !ok {
		return
	}
	m := env.Machine()
	rng := rand.New(rand.NewSource(1))
	regs := bpfRegs(env.Reg2Hex)
	vars := map[string]cexpr.Value{}
	var target int64
	m.Arrays = map[string]func(int64) (cexpr.Value, error){
		"addrs": func(int64) (cexpr.Value, error) { return cexpr.Value{Bits: uint64(target), T: cexpr.TUint}, nil },
	}
	for _, c := range sweep(sp, in, regs, rng) {
		fv := fieldsOf(sp, in, env.Reg2Hex, c)
		want, text, err := encodeRef(in, fv)
		if err != nil {
			continue // not an encodable case of the reference instruction
		}
		args := make([]cexpr.Node, len(c.vals))
		texts := make([]string, len(c.vals))
		op1, op2 := opWords(sp, in, sp.Fixed)
		for i, pr := range sp.Params {
			v := c.vals[i]
			switch pr.Kind {
			case kOp:
				v = int64(op1)
				if sp.Raw {
					v = int64(rawWord(want, sp.Words, 0))
				}
			case kOp2:
				v = int64(op2)
				if sp.Raw {
					v = int64(rawWord(want, sp.Words, 1))
				}
			}
			c.vals[i] = v
			args[i] = &cexpr.Num{Val: cexpr.Convert(cexpr.Value{Bits: uint64(v), T: cexpr.TLong}, cexpr.TLong), Text: fmt.Sprintf("%#x", v)}
			if v < 0 {
				texts[i] = fmt.Sprint(v)
			} else if pr.Kind == kOp || pr.Kind == kOp2 || pr.Kind == kMaskHi {
				texts[i] = fmt.Sprintf("%#x", v)
			} else {
				texts[i] = fmt.Sprint(v)
			}
			if pr.Kind == kReg {
				texts[i] = regName(v)
			}
		}
		tgt := c.prg + c.rel
		vars["jit->prg_buf"] = cexpr.Value{Bits: cexpr.BufBase, T: cexpr.TUlong}
		vars["jit->prg"] = cexpr.Convert(cexpr.Value{Bits: uint64(c.prg), T: cexpr.TLong}, cexpr.TInt)
		for _, k := range []string{"jit->seen", "jit->lit32", "jit->lit64", "jit->base_ip"} {
			vars[k] = cexpr.Value{T: cexpr.TUint}
		}
		vars["fp->aux->verifier_zext"] = cexpr.Value{T: cexpr.Type{Bits: 8}}
		vars["jit->seen_regs"] = cexpr.Value{T: cexpr.Type{Bits: 16}}
		m.Vars = vars
		target = tgt
		m.Stores = nil
		call := fmt.Sprintf("%s(%s)", name, strings.Join(texts, ", "))
		_, err = m.Eval(&cexpr.Call{Fn: name, Args: args, Texts: texts})
		if err != nil {
			if errors.Is(err, cexpr.ErrUnknown) {
				return
			}
			fn(sweepCase{call: call, text: text, want: want, msg: fmt.Sprintf("%s fails for %s: %v", name, call, err)})
			return
		}
		got, msg := collect(m, c.prg, len(want))
		sc := sweepCase{call: call, text: text, got: got, want: want}
		wantSeen := seenRegs(sp, env.Reg2Hex, c)
		gotSeen := int64(vars["jit->seen_regs"].Uint64())
		switch {
		case env.Funcs["reg_set_seen"] != nil && gotSeen != wantSeen:
			sc.msg = fmt.Sprintf("%s marks registers %#x seen for %s, want %#x: a register of %%r6-%%r15 it uses is not saved by the prologue", name, gotSeen, call, wantSeen)
		case msg != "":
			sc.msg = fmt.Sprintf("%s %s for %s, want %d bytes (%s)", name, msg, call, len(want), text)
		case string(got) != string(want):
			sc.msg = fmt.Sprintf("%s places %s wrongly: %s emits %x, want %x (%s)", name, diffFields(in, got, want), call, got, want, text)
		}
		if !fn(sc) {
			return
		}
	}
}

// seenRegs returns the seen_regs bits a case must set: every register of
// %r6-%r15 among the macro's register operands.
func seenRegs(sp mspec, reg2hex map[int64]int64, c operands) int64 {
	var bits int64
	for i, pr := range sp.Params {
		if pr.Kind != kReg {
			continue
		}
		if h := reg2hex[c.vals[i]]; h >= 6 && h <= 15 {
			bits |= 1 << h
		}
	}
	return bits
}

// rawWord returns word k of the instruction bytes b as a raw macro takes it.
func rawWord(b []byte, words, k int) uint64 {
	var v uint64
	for i := range 6 {
		v <<= 8
		if i < len(b) {
			v |= uint64(b[i])
		}
	}
	switch words {
	case 2:
		return v >> 32
	case 4:
		return v >> 16
	}
	if k == 0 {
		return v >> 16
	}
	return v & 0xffff
}

// collect assembles the bytes stored at prg and checks that the macro
// advanced jit->prg by n.
func collect(m *cexpr.Machine, prg int64, n int) ([]byte, string) {
	buf := map[int64]byte{}
	for _, s := range m.Stores {
		for i := range s.Size {
			buf[s.Off+int64(i)] = byte(s.Val >> (8 * (s.Size - 1 - i)))
		}
	}
	out := make([]byte, n)
	for i := range n {
		b, ok := buf[prg+int64(i)]
		if !ok {
			return nil, fmt.Sprintf("does not store byte %d", i)
		}
		out[i] = b
	}
	for off := range buf {
		if off < prg || off >= prg+int64(n) {
			return nil, fmt.Sprintf("stores outside its instruction (at %+d)", off-prg)
		}
	}
	if v := m.Vars["jit->prg"].Int64(); v != prg+int64(n) {
		return nil, fmt.Sprintf("advances jit->prg by %d", v-prg)
	}
	return out, ""
}

// diffFields names the fields in which got and want differ.
func diffFields(in *refimpl.Insn, got, want []byte) string {
	var names []string
	for _, fd := range in.Format.Fields() {
		if fd.Extract(got) != fd.Extract(want) {
			names = append(names, fd.Name)
		}
	}
	if len(names) == 0 {
		return "bits"
	}
	return strings.Join(names, ",")
}

// bpfRegs returns BPF register numbers whose s390x registers set each bit
// of a register field alone, none and all (0, 1, 2, 4, 8, 15) and the
// first register the prologue saves (6), so that a
// shift or mask error shows; registers not in reg2hex are skipped.
func bpfRegs(reg2hex map[int64]int64) []int64 {
	var out []int64
	for _, want := range []int64{0, 1, 2, 4, 6, 8, 15} {
		for i := int64(0); i < 64; i++ {
			if h, ok := reg2hex[i]; ok && h == want {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// regName writes a BPF register number as the kernel would.
func regName(v int64) string { return fmt.Sprint(v) }

// Boundary values of the operands.
var (
	disp12 = []int64{0, 1, 0x7ff, 0x800, 0xffe, 0xfff}
	disp20 = []int64{-524288, -4097, -4096, -1, 0, 1, 0xfff, 0x1000, 0x7ffff}
	masks  = []int64{0, 1, 2, 4, 7, 8, 10, 12, 14, 15}
	prgs   = []int64{0, 0x10002}
)

// immRange returns the accepted immediates of the instruction.
func immRange(in *refimpl.Insn) (lo, hi int64) {
	for _, o := range in.Operands() {
		if o.Kind == refimpl.OperandImm {
			return o.Min(), o.Max()
		}
	}
	return 0, 0
}

// relRange returns the reachable branch distances in bytes, limited to
// what a C int program offset can express.
func relRange(in *refimpl.Insn) (lo, hi int64) {
	for _, o := range in.Operands() {
		if o.Kind == refimpl.OperandRel {
			lo, hi = o.Min(), o.Max()
		}
	}
	return max(lo, -1<<31), min(hi, 1<<31-2)
}

// sweep returns the cases for one macro: every boundary value of each
// parameter with the others at defaults, and random combinations.
func sweep(sp mspec, in *refimpl.Insn, regs []int64, rng *rand.Rand) []operands {
	ilo, ihi := immRange(in)
	rlo, rhi := relRange(in)
	values := func(pr param) []int64 {
		switch pr.Kind {
		case kReg:
			return regs
		case kDisp:
			if sp.Disp12 || in.Format == refimpl.FormatRXa || in.Format == refimpl.FormatRSa {
				return disp12
			}
			return disp20
		case kImm:
			out := []int64{ilo, ilo + 1, -1, 0, 1, ihi - 1, ihi}
			if ilo == 0 {
				out = []int64{0, 1, 0x7f, 0x80, ihi / 2, ihi/2 + 1, ihi - 1, ihi}
			}
			return out
		case kMask:
			return masks
		case kMaskHi:
			out := make([]int64, len(masks))
			for i, m := range masks {
				out[i] = m << 12
			}
			return out
		}
		return []int64{0}
	}
	isBranch := false
	for _, pr := range sp.Params {
		if pr.Kind == kTarget || pr.Kind == kPCRel || pr.Kind == kIndex {
			isBranch = true
		}
	}
	def := make([]int64, len(sp.Params))
	for i, pr := range sp.Params {
		v := values(pr)
		def[i] = v[len(v)/2]
	}
	var out []operands
	add := func(vals []int64, prg, rel int64) {
		out = append(out, operands{vals: append([]int64(nil), vals...), prg: prg, rel: rel})
	}
	for i, pr := range sp.Params {
		for _, v := range values(pr) {
			vals := append([]int64(nil), def...)
			vals[i] = v
			add(vals, 0x100, 2)
		}
	}
	if isBranch {
		for _, prg := range prgs {
			for _, rel := range []int64{rlo, rlo + 2, -2, 0, 2, 0x7ffe, rhi - 2, rhi} {
				if prg+rel < 0 && prg != 0 {
					continue
				}
				add(def, prg, rel)
			}
		}
	}
	for range 8 {
		vals := make([]int64, len(sp.Params))
		for i, pr := range sp.Params {
			v := values(pr)
			vals[i] = v[rng.Intn(len(v))]
			switch pr.Kind {
			case kDisp, kImm:
				lo, hi := v[0], v[len(v)-1]
				vals[i] = lo + rng.Int63n(hi-lo+1)
			}
		}
		rel := int64(0)
		if isBranch {
			rel = (rlo/2 + rng.Int63n((rhi-rlo)/2+1)) * 2
		}
		add(vals, 0x100, rel)
	}
	// Fill target parameters from prg and rel.
	for k := range out {
		for i, pr := range sp.Params {
			switch pr.Kind {
			case kTarget:
				out[k].vals[i] = out[k].prg + out[k].rel
			case kPCRel:
				out[k].vals[i] = out[k].rel
			case kIndex:
				out[k].vals[i] = 0
			}
		}
	}
	return out
}

// pool is a literal pool macro (see emit.Pool).
type pool = emit.Pool

// pools lists the literal pool macros, from the shared description.
var pools = func() map[string]pool {
	out := map[string]pool{}
	for _, p := range emit.Pools() {
		out[p.Name] = p
	}
	return out
}()

// checkPool evaluates a literal pool macro; it returns what is wrong, or "".
func checkPool(env *cexpr.Env, name string, p pool) string {
	m := env.Machine()
	for _, val := range []uint64{0, 1, 0x80000000, 0xffffffff, 0x123456789abcdef0, 1 << 63} {
		const lit, base = 0x1000, 0x230
		m.Vars = map[string]cexpr.Value{
			"jit->prg_buf": {Bits: cexpr.BufBase, T: cexpr.TUlong},
			"jit->prg":     cexpr.Int(0x100),
			"jit->lit32":   cexpr.Int(lit),
			"jit->lit64":   cexpr.Int(lit),
			"jit->base_ip": cexpr.Int(base),
			"jit->seen":    {T: cexpr.TUint},
		}
		m.Stores = nil
		call := fmt.Sprintf("%s(%#x)", name, val)
		got, err := m.Eval(&cexpr.Call{Fn: name, Args: []cexpr.Node{&cexpr.Num{Val: cexpr.Value{Bits: val, T: cexpr.TUlong}}}, Texts: []string{fmt.Sprintf("%#x", val)}})
		if err != nil {
			if errors.Is(err, cexpr.ErrUnknown) {
				return ""
			}
			return fmt.Sprintf("%s fails for %s: %v", name, call, err)
		}
		want := val
		if p.Size == 4 {
			want &= 0xffffffff
		}
		if len(m.Stores) != 1 || m.Stores[0].Off != lit || m.Stores[0].Size != p.Size || m.Stores[0].Val != want {
			var st []string
			for _, x := range m.Stores {
				st = append(st, fmt.Sprintf("%d bytes %#x at %s%+d", x.Size, x.Val, p.Lit, x.Off-lit))
			}
			if len(st) == 0 {
				st = []string{"nothing"}
			}
			return fmt.Sprintf("%s stores %s for %s, want %d bytes %#x at %s", name, strings.Join(st, ", "), call, p.Size, want, p.Lit)
		}
		if v := m.Vars[p.Lit].Int64(); v != lit+int64(p.Size) {
			return fmt.Sprintf("%s advances %s by %d for %s, want %d", name, p.Lit, v-lit, call, p.Size)
		}
		wantRet := int64(lit)
		if !p.Raw {
			wantRet -= base
		}
		if got.Int64() != wantRet {
			return fmt.Sprintf("%s yields %d for %s, want %d (the entry's offset%s)", name, got.Int64(), call, wantRet, map[bool]string{false: " from jit->base_ip", true: ""}[p.Raw])
		}
	}
	return ""
}

// checkAtomic evaluates EMIT_ATOMIC(op32, op64), which the JIT defines
// inside bpf_jit_insn: for each of 32/64 bits and with/without BPF_FETCH it
// must emit {op32|op64} {%w0|%src},%src,off(%arena) (RSY-a), then for a
// fetch bcr 14,0, and for a 32-bit fetch also llgfr %src,%src.
func checkAtomic(env *cexpr.Env) string {
	laal, ok1 := refimpl.Lookup("laal")
	laalg, ok2 := refimpl.Lookup("laalg")
	llgfr, ok3 := refimpl.Lookup("llgfr")
	bcr, ok4 := refimpl.Lookup("bcr")
	w0, okw := env.Reg(env.Machine(), "REG_W0")
	w1, okw1 := env.Reg(env.Machine(), "REG_W1")
	if !ok1 || !ok2 || !ok3 || !ok4 || !okw || !okw1 {
		return ""
	}
	var arenas []int64
	for idx, h := range env.Reg2Hex {
		if h == 0 || h == w1 {
			arenas = append(arenas, idx)
		}
	}
	m := env.Machine()
	m.OpaqueCalls = true
	op32, op64 := int64(uint16(laal.Opcode)&0xff), int64(uint16(laalg.Opcode)&0xff)
	// Every source register with the first arena register and offset 0,
	// and every arena register and offset with the first source register.
	type acase struct{ src, arena, off int64 }
	var cases []acase
	regs := bpfRegs(env.Reg2Hex)
	sort.Slice(arenas, func(i, j int) bool { return arenas[i] < arenas[j] })
	if len(regs) == 0 || len(arenas) == 0 {
		return ""
	}
	for _, src := range regs {
		cases = append(cases, acase{src, arenas[0], 0})
	}
	for _, arena := range arenas {
		for _, off := range []int64{-1, 0xfff, 0x1000, 0x7ffff, -524288} {
			cases = append(cases, acase{regs[len(regs)-1], arena, off})
		}
	}
	for _, ac := range cases {
		src, arena, off := ac.src, ac.arena, ac.off
		for _, is32 := range []int64{0, 1} {
			for _, fetch := range []int64{0, 1} {
				m.Vars = map[string]cexpr.Value{
					"jit->prg_buf":           {Bits: cexpr.BufBase, T: cexpr.TUlong},
					"jit->prg":               cexpr.Int(0x100),
					"jit->seen_regs":         {T: cexpr.Type{Bits: 16}},
					"fp->aux->verifier_zext": {T: cexpr.Type{Bits: 8}},
					"insn->imm":              cexpr.Int(fetch),
					"is32":                   cexpr.Convert(cexpr.Int(is32), cexpr.Type{Bits: 8}),
					"src_reg":                cexpr.Convert(cexpr.Int(src), cexpr.TUint),
					"probe.arena_reg":        cexpr.Int(arena),
					"off":                    cexpr.Convert(cexpr.Int(off), cexpr.Type{Bits: 16, Signed: true}),
					"err":                    cexpr.Int(0),
				}
				// off is an s16 in the JIT; keep the swept value.
				m.Vars["off"] = cexpr.Convert(cexpr.Int(off), cexpr.TInt)
				m.Stores = nil
				call := fmt.Sprintf("EMIT_ATOMIC(%#x, %#x) with is32=%d, fetch=%d, src_reg=%d, arena_reg=%d, off=%d", op32, op64, is32, fetch, src, arena, off)
				_, err := m.Eval(&cexpr.Call{
					Fn:    "EMIT_ATOMIC",
					Args:  []cexpr.Node{&cexpr.Num{Val: cexpr.Int(op32)}, &cexpr.Num{Val: cexpr.Int(op64)}},
					Texts: []string{fmt.Sprintf("%#x", op32), fmt.Sprintf("%#x", op64)},
				})
				if err != nil {
					if errors.Is(err, cexpr.ErrUnknown) {
						return ""
					}
					return fmt.Sprintf("EMIT_ATOMIC fails for %s: %v", call, err)
				}
				in := laalg
				if is32 == 1 {
					in = laal
				}
				r1 := w0
				if fetch == 1 {
					r1 = env.Reg2Hex[src]
				}
				want, err := in.Encode(r1, env.Reg2Hex[src], off, env.Reg2Hex[arena])
				if err != nil {
					continue
				}
				text := fmt.Sprintf("%s %%r%d,%%r%d,%d(%%r%d)", in.Mnemonic, r1, env.Reg2Hex[src], off, env.Reg2Hex[arena])
				if fetch == 1 {
					b, _ := bcr.Encode(14, 0)
					want = append(want, b...)
					text += "; bcr 14,0"
					if is32 == 1 {
						b, _ := llgfr.Encode(env.Reg2Hex[src], env.Reg2Hex[src])
						want = append(want, b...)
						text += fmt.Sprintf("; llgfr %%r%d,%%r%d", env.Reg2Hex[src], env.Reg2Hex[src])
					}
				}
				got, msg := collect(m, 0x100, len(want))
				if msg != "" {
					return fmt.Sprintf("EMIT_ATOMIC %s for %s, want %d bytes (%s)", msg, call, len(want), text)
				}
				if string(got) != string(want) {
					return fmt.Sprintf("EMIT_ATOMIC encodes wrongly: %s emits %x, want %x (%s)", call, got, want, text)
				}
			}
		}
	}
	return ""
}
