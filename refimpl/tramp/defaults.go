package tramp

// Default values of the opaque addresses a Config leaves at 0. They are
// made up, chosen so that both halves of every 64-bit immediate are
// non-zero and the low half has its top bit set, which exposes
// sign-extension and half-swapping mistakes in a generator under test.
const (
	// DefaultImage is the default Config.Image.
	DefaultImage uint64 = 0x000003ff_80a00000
	// DefaultIm is the default Config.Im (struct bpf_tramp_image *).
	DefaultIm uint64 = 0x00000001_8a3c1e00
	// DefaultTrampEnter is the default Config.TrampEnter (__bpf_tramp_enter).
	DefaultTrampEnter uint64 = 0x000003ff_e01a2b40
	// DefaultTrampExit is the default Config.TrampExit (__bpf_tramp_exit).
	DefaultTrampExit uint64 = 0x000003ff_e01a2c80
	// DefaultProgEnter is the default Prog.Enter (a __bpf_prog_enter variant).
	DefaultProgEnter uint64 = 0x000003ff_e01b1000
	// DefaultProgExit is the default Prog.Exit (a __bpf_prog_exit variant).
	DefaultProgExit uint64 = 0x000003ff_e01b2000
	// DefaultProgBase is the base of default Prog.Addr values; see DefaultProg.
	DefaultProgBase uint64 = 0x00000001_90000000
	// DefaultFuncBase is the base of default Prog.BpfFunc values; see
	// DefaultProg.
	DefaultFuncBase uint64 = 0x000003ff_90000000
	// DefaultInsnsiOffset is added to Prog.Addr for the default Prog.Insnsi.
	DefaultInsnsiOffset uint64 = 0x48
)

// Kind is the attachment kind of a program (enum bpf_tramp_prog_type).
type Kind int

// Program kinds, numbered as BPF_TRAMP_FENTRY, BPF_TRAMP_FEXIT and
// BPF_TRAMP_MODIFY_RETURN.
const (
	KindFEntry  Kind = 0
	KindFExit   Kind = 1
	KindFModRet Kind = 2
)

// String returns the kind as the kernel's section names spell it.
func (k Kind) String() string {
	switch k {
	case KindFEntry:
		return "fentry"
	case KindFExit:
		return "fexit"
	case KindFModRet:
		return "fmod_ret"
	}
	return "kind?"
}

// DefaultProg returns p with its zero address fields replaced by the
// defaults for the index-th program of kind k:
//
//	Addr    = DefaultProgBase + k<<16 + index<<8
//	BpfFunc = DefaultFuncBase + k<<16 + index<<8
//	Insnsi  = Addr + DefaultInsnsiOffset
//	Enter   = DefaultProgEnter
//	Exit    = DefaultProgExit
//
// Jited and Cookie are kept as they are.
func DefaultProg(p Prog, k Kind, index int) Prog {
	delta := uint64(k)<<16 + uint64(index)<<8
	if p.Addr == 0 {
		p.Addr = DefaultProgBase + delta
	}
	if p.BpfFunc == 0 {
		p.BpfFunc = DefaultFuncBase + delta
	}
	if p.Insnsi == 0 {
		p.Insnsi = p.Addr + DefaultInsnsiOffset
	}
	if p.Enter == 0 {
		p.Enter = DefaultProgEnter
	}
	if p.Exit == 0 {
		p.Exit = DefaultProgExit
	}
	return p
}

// Resolved returns a copy of c with every zero address replaced by its
// default (FuncAddr stays 0 = NULL) and every program's addresses filled in
// by DefaultProg. Generate uses the resolved values.
func (c Config) Resolved() Config {
	def := func(v *uint64, d uint64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Image, DefaultImage)
	def(&c.Im, DefaultIm)
	def(&c.TrampEnter, DefaultTrampEnter)
	def(&c.TrampExit, DefaultTrampExit)
	c.FEntry = resolveProgs(c.FEntry, KindFEntry)
	c.FModRet = resolveProgs(c.FModRet, KindFModRet)
	c.FExit = resolveProgs(c.FExit, KindFExit)
	return c
}

func resolveProgs(ps []Prog, k Kind) []Prog {
	if len(ps) == 0 {
		return ps
	}
	out := make([]Prog, len(ps))
	for i, p := range ps {
		out[i] = DefaultProg(p, k, i)
	}
	return out
}
