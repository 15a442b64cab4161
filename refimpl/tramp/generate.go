package tramp

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Insn is one instruction of a generated trampoline.
type Insn struct {
	Off   int    // offset from the start of the trampoline
	Bytes []byte // machine code (a slice of Program.Code)
	// Text is the instruction in GNU syntax as objdump -d prints it, with
	// branch targets relative to the instruction (".+N", ".-N", ".").
	Text string
	// Label names the offset of the instruction ("do_fexit", "skip_fentry0",
	// "ip_after_call", "ip_epilogue", "r1_thunk"); several labels are
	// separated by ", "; empty for none.
	Label string
}

// Program is a generated trampoline.
type Program struct {
	Code  []byte
	Insns []Insn
	Frame Frame
	Size  int // len(Code): what arch_bpf_trampoline_size returns
	// Flags are the flags the generator acted on: Config.Flags plus a
	// forced FlagSkipFrame.
	Flags uint32
	// Config is the configuration with every default address filled in.
	Config Config
	// IPAfterCall and IPEpilogue are the offsets the generator stores,
	// added to the image address, in im->ip_after_call (the patchable
	// branch after the call of the traced function) and im->ip_epilogue;
	// -1 when it leaves them alone (without CALL_ORIG).
	IPAfterCall, IPEpilogue int
}

// gen is the generator's state. Like the kernel's struct bpf_tramp_jit it
// lives across both passes: the branch targets that lie ahead of their
// branch (the %r1 thunk, do_fexit, the epilogue) are learned in the sizing
// pass and used in the writing pass.
type gen struct {
	cfg   *Config
	frame Frame
	flags uint32

	r1Thunk  int // offset of the %r1 expoline thunk (with Expolines)
	doFexit  int // offset of the fexit programs (target of fmod_ret's branches)
	epilogue int // offset of the epilogue (target of the patchable nop after the call)
}

// Generate builds the trampoline that Linux 6.12's s390x
// arch_prepare_bpf_trampoline writes for c. It returns a *RejectError
// when the kernel rejects the configuration, and another error when c
// cannot be expressed in the kernel's structures at all.
func Generate(c Config) (*Program, error) { return generate(c, true) }

// instPool holds the writing pass's instruction lists for reuse: a
// Program keeps none of them (assemble and encode copy out).
var instPool sync.Pool

// getInsts returns an empty instruction list with room for n.
func getInsts(n int) []inst {
	if p, ok := instPool.Get().(*[]inst); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]inst, 0, n)
}

// putInsts returns an instruction list to instPool.
func putInsts(s []inst) {
	instPool.Put(&s)
}

// GenerateCode is Generate without the listing: the Program's Insns are
// nil, everything else is what Generate gives. It is for comparisons
// that need the instructions only when the code differs (they call
// Generate then), and costs about a third of Generate.
func GenerateCode(c Config) (*Program, error) { return generate(c, false) }

// generate is Generate, with the listing (Program.Insns) when listing.
func generate(c Config, listing bool) (*Program, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	c = c.Resolved()
	g, err := newGen(&c)
	if err != nil {
		return nil, err
	}
	// Sizing pass: no buffer, only offsets.
	sizing := builder{}
	if err := g.run(&sizing); err != nil {
		return nil, err
	}
	size := sizing.pc
	if c.ImageSize > 0 && size > c.ImageSize {
		return nil, reject(E2BIG, fmt.Sprintf("the trampoline needs %d bytes, the image has %d", size, c.ImageSize))
	}
	// Writing pass.
	w := builder{write: true, insts: getInsts(size / 4)}
	defer func() { putInsts(w.insts) }()
	if err := g.run(&w); err != nil {
		return nil, err
	}
	if w.pc != size {
		return nil, fmt.Errorf("internal error: sizing pass gave %d bytes, writing pass %d", size, w.pc)
	}
	if !listing {
		return g.encode(&w, size)
	}
	return g.assemble(&w, size)
}

// Size returns what arch_bpf_trampoline_size returns for c: the size of
// the trampoline after one sizing pass, or the rejection.
func Size(c Config) (int, error) {
	if err := c.validate(); err != nil {
		return 0, err
	}
	c = c.Resolved()
	g, err := newGen(&c)
	if err != nil {
		return 0, err
	}
	var b builder
	if err := g.run(&b); err != nil {
		return 0, err
	}
	return b.pc, nil
}

func newGen(c *Config) (*gen, error) {
	f, err := NewFrame(c.Args)
	if err != nil {
		return nil, err
	}
	g := &gen{cfg: c, frame: f, flags: c.Flags}
	// Without the traced function's address (and without the return
	// address in %r0) there is nowhere to return to but the caller, and an
	// indirectly called trampoline has no traced function behind it: both
	// return to %r14.
	if (c.FuncAddr == 0 && c.Flags&FlagOrigStack == 0) || c.Flags&FlagIndirect != 0 {
		g.flags |= FlagSkipFrame
	}
	return g, nil
}

// run emits the whole trampoline into b.
func (g *gen) run(b *builder) error {
	c, f, flags := g.cfg, &g.frame, g.flags

	// Prologue: allocate the frame with a backchain to the caller's frame,
	// as the s390x ABI requires.
	b.LGR(R1, R15)
	b.AGHI(R15, -f.StackSize)
	b.STG(R1, f.Backchain, R15)
	// The caller's tail call counter lives in the part of its frame that
	// our slots reuse: save it first.
	b.MVC(f.TailCallCnt, 4, R15, f.Caller+FrameTailCallCnt, R15)
	// Save the register arguments, for the original function and for
	// RESTORE_REGS.
	if f.NrRegArgs > 0 {
		b.STMG(R2, R2+Reg(f.NrRegArgs-1), f.RegArgs, R15)
	}
	// Fill the BPF context: one slot per argument of up to 8 bytes, two
	// slots with the 16 bytes an argument of 9..16 bytes points to (the ABI
	// passes those by reference). Arguments 6 and up are in the caller's
	// frame.
	slot := f.BPFArgs
	for i, a := range c.Args {
		reg := R2 + Reg(i)
		stack := f.OrigStackArgs + 8*(i-MaxRegArgs)
		inReg := i < MaxRegArgs
		switch {
		case a.Size <= 8 && inReg:
			b.STG(reg, slot, R15)
		case a.Size <= 8:
			b.MVC(slot, 8, R15, stack, R15)
		case inReg:
			b.MVC(slot, 16, R15, 0, reg)
		default:
			b.LG(R1, stack, R15)
			b.MVC(slot, 16, R15, 0, R1)
		}
		slot += 8 * bpfSlots(a.Size)
	}
	// %r7 holds the enter function's result, %r8 the return address; both
	// are callee-saved.
	b.STMG(R7, R8, f.R7R8, R15)
	b.STG(R14, f.R14, R15)
	if flags&FlagOrigStack != 0 {
		// The ftrace hotpatch trampoline passes the address after the
		// traced function's patched nop in %r0.
		b.LGR(R8, R0)
	} else {
		b.LoadImm64(R8, c.FuncAddr+PatchSize)
	}
	if flags&FlagIPArg != 0 {
		b.LoadImm64(R0, c.FuncAddr)
		b.STG(R0, f.IP, R15)
	}
	b.LGHI(R0, f.NrBPFArgs)
	b.STG(R0, f.ArgCnt, R15)

	if flags&FlagCallOrig != 0 {
		// __bpf_tramp_enter(im)
		b.LoadImm64(R1, c.TrampEnter)
		b.LoadImm64(R2, c.Im)
		g.callR1(b)
	}

	for i, p := range c.FEntry {
		if err := g.invoke(b, p, KindFEntry, i, flags&FlagRetFentryRet != 0); err != nil {
			return err
		}
	}

	if len(c.FModRet) > 0 {
		// retval = 0; a non-zero retval from any fmod_ret program skips the
		// original function.
		b.XC(f.RetVal, 8, R15, f.RetVal, R15)
		for i, p := range c.FModRet {
			if err := g.invoke(b, p, KindFModRet, i, true); err != nil {
				return err
			}
			b.LTG(R0, f.RetVal, R15)
			b.BRCL(MaskNotEqual, g.doFexit)
		}
	}

	if flags&FlagCallOrig != 0 {
		// retval = original function (arguments as received).
		if f.NrRegArgs > 0 {
			b.LMG(R2, R2+Reg(f.NrRegArgs-1), f.RegArgs, R15)
		}
		if f.NrStackArgs > 0 {
			b.MVC(f.StackArgs, 8*f.NrStackArgs, R15, f.OrigStackArgs, R15)
		}
		// Our frame is the callee's caller frame: hand it the counter.
		b.MVC(FrameTailCallCnt, 4, R15, f.TailCallCnt, R15)
		b.LGR(R1, R8)
		g.callR1(b)
		b.STG(R2, f.RetVal, R15)
		b.MVC(f.TailCallCnt, 4, R15, FrameTailCallCnt, R15)
		// im->ip_after_call: a no-op branch to the epilogue that
		// bpf_tramp_image_put() turns into a jump.
		b.label("ip_after_call")
		b.BRCL(MaskNever, g.epilogue)
	}

	g.doFexit = b.label("do_fexit")
	for i, p := range c.FExit {
		if err := g.invoke(b, p, KindFExit, i, false); err != nil {
			return err
		}
	}

	if flags&FlagCallOrig != 0 {
		g.epilogue = b.label("ip_epilogue")
		// __bpf_tramp_exit(im)
		b.LoadImm64(R1, c.TrampExit)
		b.LoadImm64(R2, c.Im)
		g.callR1(b)
	}

	// Epilogue.
	if flags&FlagRestoreRegs != 0 && f.NrRegArgs > 0 {
		b.LMG(R2, R2+Reg(f.NrRegArgs-1), f.RegArgs, R15)
	}
	if flags&FlagSkipFrame == 0 {
		b.LGR(R1, R8)
	}
	b.LMG(R7, R8, f.R7R8, R15)
	b.LG(R14, f.R14, R15)
	if flags&(FlagCallOrig|FlagRetFentryRet) != 0 {
		b.LG(R2, f.RetVal, R15)
	}
	b.MVC(f.Caller+FrameTailCallCnt, 4, R15, f.TailCallCnt, R15)
	b.AGHI(R15, f.StackSize)
	if c.Expolines {
		g.expoline(b)
	}
	if flags&FlagSkipFrame != 0 {
		b.BR(R14) // back to the caller
	} else {
		b.BR(R1) // into the traced function, after its patched nop
	}

	if c.Expolines {
		// __s390_indirect_jump_r1, local to the trampoline.
		g.r1Thunk = b.label("r1_thunk")
		g.expoline(b)
		b.BR(R1)
	}
	return nil
}

// expoline emits an execute-type expoline for the indirect branch that
// follows it: the branch is only ever executed as the target of exrl, and
// the j . after it catches speculation.
func (g *gen) expoline(b *builder) {
	b.EXRL(R0, b.pc+10)
	b.J(b.pc)
}

// callR1 calls the address in %r1, through the %r1 thunk with expolines.
func (g *gen) callR1(b *builder) {
	if g.cfg.Expolines {
		b.BRASL(R14, g.r1Thunk)
	} else {
		b.BASR(R14, R1)
	}
}

// invoke calls one BPF program:
//
//	run_ctx.bpf_cookie = cookie
//	if ((start = enter(p, &run_ctx)) != 0) {
//		retval = bpf_func(ctx, p->insnsi)   // saved when save is set
//	}
//	exit(p, start, &run_ctx)
func (g *gen) invoke(b *builder, p Prog, k Kind, index int, save bool) error {
	f := &g.frame
	b.LoadImm64(R0, p.Cookie)
	b.STG(R0, f.RunCtx, R15) // bpf_cookie is the first member
	b.LoadImm64(R1, p.Enter)
	b.LoadImm64(R2, p.Addr)
	b.LA(R3, f.RunCtx, R15)
	g.callR1(b)
	b.LTGR(R7, R2)
	skip := b.BRCL(MaskEqual, 0) // forward: patched below

	b.LoadImm64(R1, p.BpfFunc)
	b.LA(R2, f.BPFArgs, R15)
	if !p.Jited {
		b.LoadImm64(R3, p.Insnsi)
	}
	g.callR1(b)
	if save {
		if !g.extend(b, R2) {
			ret := "void"
			if g.cfg.RetSize != 0 {
				ret = strconv.Itoa(g.cfg.RetSize) + " bytes"
			}
			return reject(EINVAL, fmt.Sprintf("%s program %d keeps its return value, but the traced function returns %s (only 1, 2, 4 or 8 bytes can be extended)", k, index+1, ret))
		}
		b.STG(R2, f.RetVal, R15)
	}
	b.label(skipLabel(k, index))
	b.patch(skip)

	b.LoadImm64(R1, p.Exit)
	b.LoadImm64(R2, p.Addr)
	b.LGR(R3, R7)
	b.LA(R4, f.RunCtx, R15)
	g.callR1(b)
	return nil
}

// extend widens a return value of RetSize bytes in r to 64 bits, as the
// BPF calling convention expects (the s390x ABI leaves the upper bits
// unspecified for shorter types). It reports false for sizes that cannot
// be extended.
func (g *gen) extend(b *builder, r Reg) bool {
	signed := g.cfg.RetSigned
	switch g.cfg.RetSize {
	case 1:
		if signed {
			b.LGBR(r, r)
		} else {
			b.LLGCR(r, r)
		}
	case 2:
		if signed {
			b.LGHR(r, r)
		} else {
			b.LLGHR(r, r)
		}
	case 4:
		if signed {
			b.LGFR(r, r)
		} else {
			b.LLGFR(r, r)
		}
	case 8:
	default:
		return false
	}
	return true
}

// skipLabels caches the names of the per-program skip labels.
var skipLabels [3][MaxTrampLinks]string

func init() {
	for k := range skipLabels {
		for i := range skipLabels[k] {
			skipLabels[k][i] = "skip_" + Kind(k).String() + strconv.Itoa(i)
		}
	}
}

func skipLabel(k Kind, index int) string { return skipLabels[k][index] }

// assemble encodes the writing pass's instructions.
// encode is assemble without the listing.
func (g *gen) encode(w *builder, size int) (*Program, error) {
	p := &Program{
		Code:   make([]byte, 0, size),
		Frame:  g.frame,
		Size:   size,
		Flags:  g.flags,
		Config: *g.cfg,
	}
	var err error
	for _, in := range w.insts {
		if p.Code, err = encode(p.Code, in); err != nil {
			return nil, fmt.Errorf("internal error at offset %d: %w", in.off, err)
		}
	}
	p.IPAfterCall, p.IPEpilogue = w.imOffsets()
	return p, nil
}

// imOffsets returns the offsets of the labels ip_after_call and
// ip_epilogue, -1 for a label the generator did not place.
func (w *builder) imOffsets() (afterCall, epilogue int) {
	afterCall, epilogue = -1, -1
	for li, name := range w.names {
		switch name {
		case "ip_after_call":
			afterCall = int(w.labelAt[li])
		case "ip_epilogue":
			epilogue = int(w.labelAt[li])
		}
	}
	return afterCall, epilogue
}

func (g *gen) assemble(w *builder, size int) (*Program, error) {
	p := &Program{
		Code:   make([]byte, 0, size),
		Insns:  make([]Insn, len(w.insts)),
		Frame:  g.frame,
		Size:   size,
		Flags:  g.flags,
		Config: *g.cfg,
	}
	text := make([]byte, 0, 24*len(w.insts))
	ends := make([]int, len(w.insts))
	var err error
	for i, in := range w.insts {
		if p.Code, err = encode(p.Code, in); err != nil {
			return nil, fmt.Errorf("internal error at offset %d: %w", in.off, err)
		}
		text = appendText(text, in)
		ends[i] = len(text)
	}
	all := string(text)
	p.IPAfterCall, p.IPEpilogue = w.imOffsets()
	start, li := 0, 0
	for i, in := range w.insts {
		off := int(in.off)
		end := off + ops[in.op].size
		p.Insns[i] = Insn{Off: off, Bytes: p.Code[off:end:end], Text: all[start:ends[i]]}
		start = ends[i]
		for li < len(w.labelAt) && int(w.labelAt[li]) == off {
			if p.Insns[i].Label == "" {
				p.Insns[i].Label = w.names[li]
			} else {
				p.Insns[i].Label += ", " + w.names[li]
			}
			li++
		}
	}
	return p, nil
}

// Fprint writes the listing: one line per instruction with its offset,
// bytes and assembly, labels on a line of their own before it.
func (p *Program) Fprint(w io.Writer) error {
	var line []byte
	for _, in := range p.Insns {
		line = line[:0]
		if in.Label != "" {
			for _, l := range strings.Split(in.Label, ", ") {
				line = append(append(line, l...), ":\n"...)
			}
		}
		line = fmt.Appendf(line, "%6d:  %-18s %s", in.Off, fmt.Sprintf("% x", in.Bytes), in.Text)
		if t, ok := in.Target(); ok {
			if name := p.LabelAt(t); name != "" {
				line = fmt.Appendf(line, "\t# %s", name)
			} else {
				line = fmt.Appendf(line, "\t# %d", t)
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// Target returns the offset a relative branch, call or execute
// instruction refers to.
func (in Insn) Target() (int, bool) {
	i := strings.LastIndexByte(in.Text, '.')
	if i < 0 || (i > 0 && in.Text[i-1] != ',' && in.Text[i-1] != '\t') {
		return 0, false
	}
	if i == len(in.Text)-1 {
		return in.Off, true
	}
	n, err := strconv.Atoi(in.Text[i+1:])
	if err != nil {
		return 0, false
	}
	return in.Off + n, true
}

// LabelAt returns the label of the instruction at offset off ("" for none).
func (p *Program) LabelAt(off int) string {
	for _, in := range p.Insns {
		if in.Off == off {
			return in.Label
		}
	}
	return ""
}
