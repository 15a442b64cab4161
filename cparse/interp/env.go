package interp

import (
	"fmt"
	"sort"
	"strings"

	"modernc.org/cc/v4"
)

// Env is the environment model: everything the trampoline generator takes
// from kernel headers, as Go data. DefaultEnv documents the values for
// Linux 6.12 on s390x (defconfig); docs/kernel-ground-truth.md lists how they
// were measured. EnvFromTree reads the constants and struct layouts from the
// headers of a tree instead; Describe lists every value with its source.
type Env struct {
	consts   map[string]envConst
	typedefs map[string]*ctype
	structs  map[string]*ctype
	funcs    map[string]builtin
	symbols  map[string]func(*Config) uint64
	lay      layout
	laySrc   []string   // per layoutSpecs entry
	flagMap  [32]uint32 // env bit of reference flag bit i
	flagOK   uint32     // the reference flags flagMap translates
}

type envConst struct {
	Value uint64
	Type  *ctype
	Src   string // where the value came from (see EnvEntry.Source)
}

// builtin compiles a call of an environment function.
type builtin func(c *compiler, n cc.Node, args []*expr) (*expr, error)

// Names returns the sorted identifiers the model defines (constants,
// typedefs, struct tags, functions and symbols).
func (e *Env) Names() []string {
	var out []string
	for n := range e.consts {
		out = append(out, n)
	}
	for n := range e.typedefs {
		out = append(out, n)
	}
	for n := range e.structs {
		out = append(out, "struct "+n)
	}
	for n := range e.funcs {
		out = append(out, n+"()")
	}
	for n := range e.symbols {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Documented layout of the environment structs (Linux 6.12, s390x
// defconfig), the defaults of DefaultEnv; a Program laid out from a tree
// (EnvFromTree) uses that tree's values instead (see Env.Describe). The
// offsets of struct btf_func_model, bpf_tramp_links (nr_links at 216),
// bpf_tramp_link (cookie at 80), bpf_link, bpf_tramp_run_ctx, bpf_insn and
// bpf_prog are the real ones; the jited bit-field of struct bpf_prog is
// modelled as one byte at the offset of its storage unit (2), which the
// machine sets to 1 for a jited program (the C code only tests it for
// non-zero; in the kernel it is the top bit of that unit). struct
// bpf_tramp_image has the real offsets of the members the generator uses.
const (
	// ProgSize is sizeof(struct bpf_prog) without instructions; insnsi
	// starts here.
	ProgSize = 72
	// ProgInsnsiOff is offsetof(struct bpf_prog, insnsi).
	ProgInsnsiOff = 72
	// ProgBpfFuncOff is offsetof(struct bpf_prog, bpf_func).
	ProgBpfFuncOff = 48
	// ProgJitedOff is the byte that models the jited bit-field.
	ProgJitedOff = 2
	// LinkProgOff is offsetof(struct bpf_tramp_link, link.prog).
	LinkProgOff = 24
	// LinkCookieOff is offsetof(struct bpf_tramp_link, cookie).
	LinkCookieOff = 80
	// LinkSize is sizeof(struct bpf_tramp_link).
	LinkSize = 88
	// LinksSize is sizeof(struct bpf_tramp_links); nr_links is at 216.
	LinksSize     = 224
	linksNrOff    = 216
	maxTrampLinks = 27
	// ImageStructSize is sizeof(struct bpf_tramp_image).
	ImageStructSize = 680
	// ModelSize is sizeof(struct btf_func_model).
	ModelSize = 27
)

// DocumentedSource is the source of a value of the model that was not read
// from a kernel tree.
const DocumentedSource = "documented 6.12 value"

// EnvEntry is one value of the environment model with where it came from.
type EnvEntry struct {
	// Name is a constant ("BPF_TRAMP_F_CALL_ORIG") or a layout value
	// ("sizeof(struct bpf_prog)", "offsetof(struct bpf_prog, insnsi)",
	// "ARRAY_SIZE(struct bpf_tramp_links, links)").
	Name  string
	Value int64
	// Source is "FILE:LINE" of the definition read from a tree (the
	// member's declaration for offsets and array lengths, the struct's tag
	// for sizes) or DocumentedSource.
	Source string
}

// String returns "NAME = VALUE (SOURCE)".
func (e EnvEntry) String() string {
	return fmt.Sprintf("%s = %d (%s)", e.Name, e.Value, e.Source)
}

// Describe lists the constants of the model, sorted by name, then the
// struct layout values, struct by struct, each with its source.
func (e *Env) Describe() []EnvEntry {
	var out []EnvEntry
	names := make([]string, 0, len(e.consts))
	for n := range e.consts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := e.consts[n]
		out = append(out, EnvEntry{Name: n, Value: int64(norm(k.Type, k.Value)), Source: k.Src})
	}
	for i, sp := range layoutSpecs {
		out = append(out, EnvEntry{Name: sp.name(), Value: int64(*sp.field(&e.lay)), Source: e.laySrc[i]})
	}
	return out
}

// String returns Describe, one entry a line.
func (e *Env) String() string {
	var b strings.Builder
	for _, x := range e.Describe() {
		b.WriteString(x.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// InsnsiOffset returns offsetof(struct bpf_prog, insnsi) in the model: the
// address of p->insnsi is that of the struct bpf_prog plus this offset.
func (e *Env) InsnsiOffset() uint64 { return uint64(e.lay.progInsnsi) }

// Const returns the value of a constant of the model (a flag, enumerator,
// limit or errno) and whether the model has it.
func (e *Env) Const(name string) (uint64, bool) {
	k, ok := e.consts[name]
	return k.Value, ok
}

// ConstSource returns where the value of constant name of the model came
// from ("FILE:LINE" of its definition in a tree, or DocumentedSource) and
// whether the model has it.
func (e *Env) ConstSource(name string) (string, bool) {
	k, ok := e.consts[name]
	return k.Src, ok
}

// layout holds the offsets, sizes and array lengths of the environment
// structs that the model keeps (see layoutSpecs).
type layout struct {
	modelSize, modelRetSize, modelRetFlags, modelNrArgs        int
	modelArgSize, modelArgSizeN, modelArgFlags, modelArgFlagsN int
	runCtxBaseSize                                             int
	runCtxSize, runCtxRunCtx, runCtxCookie, runCtxSaved        int
	linksSize, linksLinks, linksN, linksNr                     int
	tlinkSize, tlinkLink, tlinkCookie                          int
	linkSize, linkRefcnt, linkID, linkType, linkOps, linkProg  int
	insnSize, insnCode, insnRegs, insnOff, insnImm             int
	progSize, progPages, progJited, progType, progEAT, progLen int
	progJitedLen, progTag, progTagN, progStats, progActive     int
	progBpfFunc, progAux, progOrig, progInsnsi                 int
	imSize, imImage, imSizeField, imIPAfterCall, imIPEpilogue  int
}

// What a layout value measures.
const (
	lSize   = iota // sizeof(struct tag)
	lOffset        // offsetof(struct tag, member)
	lLen           // the number of elements of the array member
)

// layoutSpec is one value of the layout: what it measures, its documented
// value and the size of the member's type (of its element, for arrays)
// that the model relies on (0: not checked; -1: a bit-field, whose offset
// is that of its storage unit).
type layoutSpec struct {
	tag, member string
	what        int
	doc         int
	need        int
	field       func(*layout) *int
}

func (sp layoutSpec) name() string {
	switch sp.what {
	case lSize:
		return "sizeof(struct " + sp.tag + ")"
	case lLen:
		return "ARRAY_SIZE(struct " + sp.tag + ", " + sp.member + ")"
	}
	return "offsetof(struct " + sp.tag + ", " + sp.member + ")"
}

// layoutSpecs lists the layout values of the model.
var layoutSpecs = []layoutSpec{
	{"btf_func_model", "", lSize, ModelSize, 0, func(l *layout) *int { return &l.modelSize }},
	{"btf_func_model", "ret_size", lOffset, 0, 1, func(l *layout) *int { return &l.modelRetSize }},
	{"btf_func_model", "ret_flags", lOffset, 1, 1, func(l *layout) *int { return &l.modelRetFlags }},
	{"btf_func_model", "nr_args", lOffset, 2, 1, func(l *layout) *int { return &l.modelNrArgs }},
	{"btf_func_model", "arg_size", lOffset, 3, 1, func(l *layout) *int { return &l.modelArgSize }},
	{"btf_func_model", "arg_size", lLen, 12, 1, func(l *layout) *int { return &l.modelArgSizeN }},
	{"btf_func_model", "arg_flags", lOffset, 15, 1, func(l *layout) *int { return &l.modelArgFlags }},
	{"btf_func_model", "arg_flags", lLen, 12, 1, func(l *layout) *int { return &l.modelArgFlagsN }},
	{"bpf_run_ctx", "", lSize, 0, 0, func(l *layout) *int { return &l.runCtxBaseSize }},
	{"bpf_tramp_run_ctx", "", lSize, 16, 0, func(l *layout) *int { return &l.runCtxSize }},
	{"bpf_tramp_run_ctx", "run_ctx", lOffset, 0, 0, func(l *layout) *int { return &l.runCtxRunCtx }},
	{"bpf_tramp_run_ctx", "bpf_cookie", lOffset, 0, 8, func(l *layout) *int { return &l.runCtxCookie }},
	{"bpf_tramp_run_ctx", "saved_run_ctx", lOffset, 8, 8, func(l *layout) *int { return &l.runCtxSaved }},
	{"bpf_tramp_links", "", lSize, LinksSize, 0, func(l *layout) *int { return &l.linksSize }},
	{"bpf_tramp_links", "links", lOffset, 0, 8, func(l *layout) *int { return &l.linksLinks }},
	{"bpf_tramp_links", "links", lLen, maxTrampLinks, 8, func(l *layout) *int { return &l.linksN }},
	{"bpf_tramp_links", "nr_links", lOffset, linksNrOff, 4, func(l *layout) *int { return &l.linksNr }},
	{"bpf_tramp_link", "", lSize, LinkSize, 0, func(l *layout) *int { return &l.tlinkSize }},
	{"bpf_tramp_link", "link", lOffset, 0, 0, func(l *layout) *int { return &l.tlinkLink }},
	{"bpf_tramp_link", "cookie", lOffset, LinkCookieOff, 8, func(l *layout) *int { return &l.tlinkCookie }},
	{"bpf_link", "", lSize, 64, 0, func(l *layout) *int { return &l.linkSize }},
	{"bpf_link", "refcnt", lOffset, 0, 8, func(l *layout) *int { return &l.linkRefcnt }},
	{"bpf_link", "id", lOffset, 8, 4, func(l *layout) *int { return &l.linkID }},
	{"bpf_link", "type", lOffset, 12, 4, func(l *layout) *int { return &l.linkType }},
	{"bpf_link", "ops", lOffset, 16, 8, func(l *layout) *int { return &l.linkOps }},
	{"bpf_link", "prog", lOffset, LinkProgOff, 8, func(l *layout) *int { return &l.linkProg }},
	{"bpf_insn", "", lSize, 8, 0, func(l *layout) *int { return &l.insnSize }},
	{"bpf_insn", "code", lOffset, 0, 1, func(l *layout) *int { return &l.insnCode }},
	{"bpf_insn", "dst_reg", lOffset, 1, -1, func(l *layout) *int { return &l.insnRegs }},
	{"bpf_insn", "off", lOffset, 2, 2, func(l *layout) *int { return &l.insnOff }},
	{"bpf_insn", "imm", lOffset, 4, 4, func(l *layout) *int { return &l.insnImm }},
	{"bpf_prog", "", lSize, ProgSize, 0, func(l *layout) *int { return &l.progSize }},
	{"bpf_prog", "pages", lOffset, 0, 2, func(l *layout) *int { return &l.progPages }},
	{"bpf_prog", "jited", lOffset, ProgJitedOff, -1, func(l *layout) *int { return &l.progJited }},
	{"bpf_prog", "type", lOffset, 4, 4, func(l *layout) *int { return &l.progType }},
	{"bpf_prog", "expected_attach_type", lOffset, 8, 4, func(l *layout) *int { return &l.progEAT }},
	{"bpf_prog", "len", lOffset, 12, 4, func(l *layout) *int { return &l.progLen }},
	{"bpf_prog", "jited_len", lOffset, 16, 4, func(l *layout) *int { return &l.progJitedLen }},
	{"bpf_prog", "tag", lOffset, 20, 1, func(l *layout) *int { return &l.progTag }},
	{"bpf_prog", "tag", lLen, 8, 1, func(l *layout) *int { return &l.progTagN }},
	{"bpf_prog", "stats", lOffset, 32, 8, func(l *layout) *int { return &l.progStats }},
	{"bpf_prog", "active", lOffset, 40, 8, func(l *layout) *int { return &l.progActive }},
	{"bpf_prog", "bpf_func", lOffset, ProgBpfFuncOff, 8, func(l *layout) *int { return &l.progBpfFunc }},
	{"bpf_prog", "aux", lOffset, 56, 8, func(l *layout) *int { return &l.progAux }},
	{"bpf_prog", "orig_prog", lOffset, 64, 8, func(l *layout) *int { return &l.progOrig }},
	{"bpf_prog", "insnsi", lOffset, ProgInsnsiOff, 8, func(l *layout) *int { return &l.progInsnsi }},
	{"bpf_tramp_image", "", lSize, ImageStructSize, 0, func(l *layout) *int { return &l.imSize }},
	{"bpf_tramp_image", "image", lOffset, 0, 8, func(l *layout) *int { return &l.imImage }},
	{"bpf_tramp_image", "size", lOffset, 8, 4, func(l *layout) *int { return &l.imSizeField }},
	{"bpf_tramp_image", "ip_after_call", lOffset, 632, 8, func(l *layout) *int { return &l.imIPAfterCall }},
	{"bpf_tramp_image", "ip_epilogue", lOffset, 640, 8, func(l *layout) *int { return &l.imIPEpilogue }},
}

// DefaultEnv returns the environment model of Linux 6.12 on s390x.
func DefaultEnv() *Env {
	e := &Env{
		consts:   map[string]envConst{},
		typedefs: map[string]*ctype{},
		structs:  map[string]*ctype{},
		funcs:    map[string]builtin{},
		symbols:  map[string]func(*Config) uint64{},
	}
	k := func(name string, t *ctype, v uint64) { e.consts[name] = envConst{v, t, DocumentedSource} }
	// uapi/asm/ptrace.h
	k("STACK_FRAME_OVERHEAD", tInt, 160)
	// linux/bpf.h: BPF_TRAMP_F_* are BIT(n), unsigned long.
	for i, n := range []string{
		"BPF_TRAMP_F_RESTORE_REGS", "BPF_TRAMP_F_CALL_ORIG", "BPF_TRAMP_F_SKIP_FRAME",
		"BPF_TRAMP_F_IP_ARG", "BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_ORIG_STACK",
		"BPF_TRAMP_F_SHARE_IPMODIFY", "BPF_TRAMP_F_TAIL_CALL_CTX", "BPF_TRAMP_F_INDIRECT",
	} {
		k(n, tULong, 1<<i)
	}
	// enum bpf_tramp_prog_type
	k("BPF_TRAMP_FENTRY", tInt, 0)
	k("BPF_TRAMP_FEXIT", tInt, 1)
	k("BPF_TRAMP_MODIFY_RETURN", tInt, 2)
	k("BPF_TRAMP_MAX", tInt, 3)
	k("BPF_TRAMP_REPLACE", tInt, 4)
	k("BPF_MAX_TRAMP_LINKS", tInt, maxTrampLinks)
	// MAX_BPF_FUNC_ARGS is also the length of the arrays of struct
	// btf_func_model.
	k("MAX_BPF_FUNC_ARGS", tInt, 12)
	k("MAX_BPF_FUNC_REG_ARGS", tInt, 5)
	k("BTF_FMODEL_STRUCT_ARG", tULong, 1)
	k("BTF_FMODEL_SIGNED_ARG", tULong, 2)
	// linux/filter.h and uapi/linux/bpf.h register numbers.
	for i := range 11 {
		k(fmt.Sprintf("BPF_REG_%d", i), tInt, uint64(i))
	}
	k("BPF_REG_FP", tInt, 10)
	k("BPF_REG_AX", tInt, 11)
	k("MAX_BPF_REG", tInt, 11)
	k("MAX_BPF_EXT_REG", tInt, 12)
	k("MAX_BPF_JIT_REG", tInt, 12)
	k("BPF_TAG_SIZE", tInt, 8)
	// The constants the JIT's code emission takes from the BPF headers
	// (the encoding checks evaluate its EMIT calls with them):
	// linux/bpf.h's tail call limit, uapi/linux/bpf.h's atomic fetch flag
	// and uapi/linux/bpf_common.h's add operation.
	k("MAX_TAIL_CALL_CNT", tInt, 33)
	k("BPF_FETCH", tInt, 1)
	k("BPF_ADD", tInt, 0)
	// errno values (include/linux/errno.h, uapi/asm-generic/errno*.h)
	for n, v := range map[string]uint64{
		"EPERM": 1, "ENOENT": 2, "E2BIG": 7, "ENOMEM": 12, "EFAULT": 14, "EBUSY": 16,
		"EINVAL": 22, "ENOSPC": 28, "ERANGE": 34, "EOPNOTSUPP": 95, "ENOTSUPP": 524,
	} {
		k(n, tInt, v)
	}

	for n, t := range map[string]*ctype{
		"u8": tUChar, "s8": tSChar, "u16": tUShort, "s16": tShort, "u32": tUInt, "s32": tInt,
		"u64": tULong, "s64": tLong, "__u8": tUChar, "__s8": tSChar, "__u16": tUShort,
		"__s16": tShort, "__u32": tUInt, "__s32": tInt, "__u64": tULong, "__s64": tLong,
		"bool": tBool, "size_t": tULong, "ssize_t": tLong, "ptrdiff_t": tLong,
		"uintptr_t": tULong, "phys_addr_t": tULong, "gfp_t": tUInt,
	} {
		e.typedefs[n] = t
	}

	e.laySrc = make([]string, len(layoutSpecs))
	for i, sp := range layoutSpecs {
		*sp.field(&e.lay) = sp.doc
		e.laySrc[i] = DocumentedSource
	}
	e.buildStructs()
	e.mapFlags()
	vp := ptrTo(tVoid)

	e.symbols["__bpf_tramp_enter"] = func(c *Config) uint64 { return c.TrampEnter }
	e.symbols["__bpf_tramp_exit"] = func(c *Config) uint64 { return c.TrampExit }

	e.funcs["nospec_uses_trampoline"] = fixedArgs(0, func(c *compiler, n cc.Node, a []evalFn) *expr {
		return &expr{t: tBool, slot: -1, eval: func(fr *frame) uint64 {
			if fr.m.cfg.Expolines {
				return 1
			}
			return 0
		}}
	})
	progFn := func(enter bool) builtin {
		return fixedArgs(1, func(c *compiler, n cc.Node, a []evalFn) *expr {
			p := a[0]
			return &expr{t: vp, slot: -1, eval: func(fr *frame) uint64 {
				return fr.m.progHook(p(fr), enter)
			}}
		})
	}
	e.funcs["bpf_trampoline_enter"] = progFn(true)
	e.funcs["bpf_trampoline_exit"] = progFn(false)
	e.funcs["memset"] = fixedArgs(3, func(c *compiler, n cc.Node, a []evalFn) *expr {
		return &expr{t: vp, slot: -1, eval: func(fr *frame) uint64 {
			p, v, size := a[0](fr), a[1](fr), a[2](fr)
			fr.m.memset(p, byte(v), size)
			return p
		}}
	})
	e.funcs["BIT"] = func(c *compiler, n cc.Node, args []*expr) (*expr, error) {
		if len(args) != 1 {
			return nil, c.errf(n, "BIT takes 1 argument")
		}
		return c.binop(n, "<<", constExpr(tULong, 1), args[0])
	}
	e.funcs["BIT_ULL"] = e.funcs["BIT"]
	minmax := func(op string) builtin {
		return func(c *compiler, n cc.Node, args []*expr) (*expr, error) {
			if len(args) != 2 {
				return nil, c.errf(n, "min/max take 2 arguments")
			}
			lt, err := c.binop(n, op, args[0], args[1])
			if err != nil {
				return nil, err
			}
			t := arith(valueType(args[0]), valueType(args[1]))
			a, err := c.convert(args[0], t, n)
			if err != nil {
				return nil, err
			}
			b, err := c.convert(args[1], t, n)
			if err != nil {
				return nil, err
			}
			l := lt.eval
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 {
				x, y := a(fr), b(fr)
				if l(fr) != 0 {
					return x
				}
				return y
			}}, nil
		}
	}
	e.funcs["min"] = minmax("<")
	e.funcs["max"] = minmax(">")
	e.funcs["ALIGN"] = func(c *compiler, n cc.Node, args []*expr) (*expr, error) {
		if len(args) != 2 {
			return nil, c.errf(n, "ALIGN takes 2 arguments")
		}
		one := constExpr(tInt, 1)
		am1, err := c.binop(n, "-", args[1], one)
		if err != nil {
			return nil, err
		}
		sum, err := c.binop(n, "+", args[0], am1)
		if err != nil {
			return nil, err
		}
		mask, err := c.binop(n, "^", am1, constExpr(promote(am1.t), ^uint64(0)))
		if err != nil {
			return nil, err
		}
		return c.binop(n, "&", sum, mask)
	}
	e.funcs["BUILD_BUG_ON"] = func(c *compiler, n cc.Node, args []*expr) (*expr, error) {
		return &expr{t: tVoid, slot: -1, eval: func(*frame) uint64 { return 0 }}, nil
	}
	identity := func(c *compiler, n cc.Node, args []*expr) (*expr, error) {
		if len(args) != 1 {
			return nil, c.errf(n, "expected 1 argument")
		}
		tv, err := c.truth(args[0], n)
		if err != nil {
			return nil, err
		}
		return &expr{t: tInt, slot: -1, eval: tv}, nil
	}
	e.funcs["likely"] = identity
	e.funcs["unlikely"] = identity
	e.funcs["WARN_ON"] = identity
	e.funcs["WARN_ON_ONCE"] = identity
	rangeFn := func(lo, hi int64) builtin {
		return fixedArgs(1, func(c *compiler, n cc.Node, a []evalFn) *expr {
			v := a[0]
			return &expr{t: tBool, slot: -1, eval: func(fr *frame) uint64 {
				x := int64(v(fr))
				if x >= lo && x <= hi {
					return 1
				}
				return 0
			}}
		})
	}
	e.funcs["is_simm16"] = rangeFn(-32768, 32767)
	e.funcs["is_simm32"] = rangeFn(-1<<31, 1<<31-1)
	return e
}

// buildStructs makes the struct types of the model from e.lay.
func (e *Env) buildStructs() {
	l := &e.lay
	u8a := func(n int) *ctype { return arrayOf(tUChar, n) }
	vp := ptrTo(tVoid)
	model := newStruct("btf_func_model", l.modelSize,
		fieldSpec{"ret_size", tUChar, l.modelRetSize}, fieldSpec{"ret_flags", tUChar, l.modelRetFlags},
		fieldSpec{"nr_args", tUChar, l.modelNrArgs}, fieldSpec{"arg_size", u8a(l.modelArgSizeN), l.modelArgSize},
		fieldSpec{"arg_flags", u8a(l.modelArgFlagsN), l.modelArgFlags})
	model.align = 1
	model.st.align = 1
	e.structs["btf_func_model"] = model
	runCtx := newStruct("bpf_run_ctx", l.runCtxBaseSize)
	e.structs["bpf_run_ctx"] = runCtx
	e.structs["bpf_tramp_run_ctx"] = newStruct("bpf_tramp_run_ctx", l.runCtxSize,
		fieldSpec{"run_ctx", runCtx, l.runCtxRunCtx}, fieldSpec{"bpf_cookie", tULong, l.runCtxCookie},
		fieldSpec{"saved_run_ctx", ptrTo(runCtx), l.runCtxSaved})
	insn := newStruct("bpf_insn", l.insnSize, fieldSpec{"code", tUChar, l.insnCode}, fieldSpec{"regs", tUChar, l.insnRegs},
		fieldSpec{"off", tShort, l.insnOff}, fieldSpec{"imm", tInt, l.insnImm})
	e.structs["bpf_insn"] = insn
	prog := newStruct("bpf_prog", l.progSize,
		fieldSpec{"pages", tUShort, l.progPages}, fieldSpec{"jited", tUChar, l.progJited},
		fieldSpec{"type", tUInt, l.progType}, fieldSpec{"expected_attach_type", tUInt, l.progEAT},
		fieldSpec{"len", tUInt, l.progLen}, fieldSpec{"jited_len", tUInt, l.progJitedLen},
		fieldSpec{"tag", u8a(l.progTagN), l.progTag}, fieldSpec{"stats", vp, l.progStats}, fieldSpec{"active", vp, l.progActive},
		fieldSpec{"bpf_func", vp, l.progBpfFunc}, fieldSpec{"aux", vp, l.progAux},
		fieldSpec{"orig_prog", vp, l.progOrig}, fieldSpec{"insnsi", arrayOf(insn, 0), l.progInsnsi})
	e.structs["bpf_prog"] = prog
	link := newStruct("bpf_link", l.linkSize,
		fieldSpec{"refcnt", tLong, l.linkRefcnt}, fieldSpec{"id", tUInt, l.linkID}, fieldSpec{"type", tUInt, l.linkType},
		fieldSpec{"ops", vp, l.linkOps}, fieldSpec{"prog", ptrTo(prog), l.linkProg})
	e.structs["bpf_link"] = link
	tlink := newStruct("bpf_tramp_link", l.tlinkSize,
		fieldSpec{"link", link, l.tlinkLink}, fieldSpec{"cookie", tULong, l.tlinkCookie})
	e.structs["bpf_tramp_link"] = tlink
	e.structs["bpf_tramp_links"] = newStruct("bpf_tramp_links", l.linksSize,
		fieldSpec{"links", arrayOf(ptrTo(tlink), l.linksN), l.linksLinks},
		fieldSpec{"nr_links", tInt, l.linksNr})
	e.structs["bpf_tramp_image"] = newStruct("bpf_tramp_image", l.imSize,
		fieldSpec{"image", vp, l.imImage}, fieldSpec{"size", tInt, l.imSizeField},
		fieldSpec{"ip_after_call", vp, l.imIPAfterCall}, fieldSpec{"ip_epilogue", vp, l.imIPEpilogue})
}

// fixedArgs adapts a builtin with n arguments, converted to long.
func fixedArgs(n int, f func(c *compiler, at cc.Node, a []evalFn) *expr) builtin {
	return func(c *compiler, at cc.Node, args []*expr) (*expr, error) {
		if len(args) != n {
			return nil, c.errf(at, "expected %d arguments, got %d", n, len(args))
		}
		evs := make([]evalFn, n)
		for i, a := range args {
			t := valueType(a)
			if !t.isScalar() {
				return nil, c.errf(at, "argument %d is %s", i+1, t)
			}
			evs[i] = a.eval
		}
		return f(c, at, evs), nil
	}
}
