package interp

import (
	"fmt"
	"sort"

	"modernc.org/cc/v4"
)

// Env is the environment model: everything the trampoline generator takes
// from kernel headers, as Go data. DefaultEnv documents the values for
// Linux 6.12 on s390x (defconfig); docs/kernel-ground-truth.md lists how they
// were measured.
type Env struct {
	consts   map[string]envConst
	typedefs map[string]*ctype
	structs  map[string]*ctype
	funcs    map[string]builtin
	symbols  map[string]func(*Config) uint64
}

type envConst struct {
	Value uint64
	Type  *ctype
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

// Layout of the environment structs: the offsets of struct btf_func_model,
// bpf_tramp_links (nr_links at 216), bpf_tramp_link (cookie at 80) and
// bpf_tramp_run_ctx are the real 6.12 ones; struct bpf_prog keeps the real
// offsets of bpf_func (48) and insnsi (72) and models the jited bit-field
// as one byte at offset 2; struct bpf_tramp_image keeps only the fields the
// generator uses (ip_after_call, ip_epilogue) at model offsets 16 and 24.
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
	// ImageStructSize is the size of the modelled struct bpf_tramp_image.
	ImageStructSize = 32
	// ModelSize is sizeof(struct btf_func_model).
	ModelSize = 27
)

// DefaultEnv returns the environment model of Linux 6.12 on s390x.
func DefaultEnv() *Env {
	e := &Env{
		consts:   map[string]envConst{},
		typedefs: map[string]*ctype{},
		structs:  map[string]*ctype{},
		funcs:    map[string]builtin{},
		symbols:  map[string]func(*Config) uint64{},
	}
	k := func(name string, t *ctype, v uint64) { e.consts[name] = envConst{v, t} }
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

	u8a := func(n int) *ctype { return arrayOf(tUChar, n) }
	vp := ptrTo(tVoid)
	e.structs["btf_func_model"] = newStruct("btf_func_model", ModelSize,
		fieldSpec{"ret_size", tUChar, 0}, fieldSpec{"ret_flags", tUChar, 1},
		fieldSpec{"nr_args", tUChar, 2}, fieldSpec{"arg_size", u8a(12), 3},
		fieldSpec{"arg_flags", u8a(12), 15})
	e.structs["btf_func_model"].align = 1
	e.structs["btf_func_model"].st.align = 1
	runCtx := newStruct("bpf_run_ctx", 0)
	e.structs["bpf_run_ctx"] = runCtx
	e.structs["bpf_tramp_run_ctx"] = newStruct("bpf_tramp_run_ctx", 16,
		fieldSpec{"run_ctx", runCtx, 0}, fieldSpec{"bpf_cookie", tULong, 0},
		fieldSpec{"saved_run_ctx", ptrTo(runCtx), 8})
	insn := newStruct("bpf_insn", 8, fieldSpec{"code", tUChar, 0}, fieldSpec{"regs", tUChar, 1},
		fieldSpec{"off", tShort, 2}, fieldSpec{"imm", tInt, 4})
	e.structs["bpf_insn"] = insn
	prog := newStruct("bpf_prog", ProgSize,
		fieldSpec{"pages", tUShort, 0}, fieldSpec{"jited", tUChar, ProgJitedOff},
		fieldSpec{"type", tUInt, 4}, fieldSpec{"expected_attach_type", tUInt, 8},
		fieldSpec{"len", tUInt, 12}, fieldSpec{"jited_len", tUInt, 16},
		fieldSpec{"tag", u8a(8), 20}, fieldSpec{"stats", vp, 32}, fieldSpec{"active", vp, 40},
		fieldSpec{"bpf_func", vp, ProgBpfFuncOff}, fieldSpec{"aux", vp, 56},
		fieldSpec{"orig_prog", vp, 64}, fieldSpec{"insnsi", arrayOf(insn, 0), ProgInsnsiOff})
	e.structs["bpf_prog"] = prog
	link := newStruct("bpf_link", 64,
		fieldSpec{"refcnt", tLong, 0}, fieldSpec{"id", tUInt, 8}, fieldSpec{"type", tUInt, 12},
		fieldSpec{"ops", vp, 16}, fieldSpec{"prog", ptrTo(prog), LinkProgOff})
	e.structs["bpf_link"] = link
	tlink := newStruct("bpf_tramp_link", LinkSize,
		fieldSpec{"link", link, 0}, fieldSpec{"cookie", tULong, LinkCookieOff})
	e.structs["bpf_tramp_link"] = tlink
	e.structs["bpf_tramp_links"] = newStruct("bpf_tramp_links", LinksSize,
		fieldSpec{"links", arrayOf(ptrTo(tlink), maxTrampLinks), 0},
		fieldSpec{"nr_links", tInt, linksNrOff})
	e.structs["bpf_tramp_image"] = newStruct("bpf_tramp_image", ImageStructSize,
		fieldSpec{"image", vp, 0}, fieldSpec{"size", tInt, 8},
		fieldSpec{"ip_after_call", vp, 16}, fieldSpec{"ip_epilogue", vp, 24})

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
