package interp

import (
	"fmt"
	"math/bits"
	"sync"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

var (
	defaultEnvOnce sync.Once
	defaultEnvVal  *Env
)

// defaultEnv is DefaultEnv, made once.
func defaultEnv() *Env {
	defaultEnvOnce.Do(func() { defaultEnvVal = DefaultEnv() })
	return defaultEnvVal
}

// Env returns the environment model p was compiled with.
func (p *Program) Env() *Env { return p.env }

// FromTramp converts a reference configuration into the interpreter's for
// the documented 6.12 environment (DefaultEnv); see Env.FromTramp.
func FromTramp(tc tramp.Config) (Config, error) {
	return defaultEnv().FromTramp(tc)
}

// ResolveTramp returns tc.Resolved() with the address of every program's
// insnsi that tc leaves at 0 placed at the env's offsetof(struct bpf_prog,
// insnsi) from the program (tramp.Config.Resolved places it at the
// documented 6.12 offset). The reference generator needs the resolved
// configuration to emit the same addresses as the file's generator run in
// env.
func (e *Env) ResolveTramp(tc tramp.Config) tramp.Config {
	r := tc.Resolved()
	fix := func(orig, res []tramp.Prog) {
		for i := range orig {
			if orig[i].Insnsi == 0 {
				res[i].Insnsi = res[i].Addr + e.InsnsiOffset()
			}
		}
	}
	fix(tc.FEntry, r.FEntry)
	fix(tc.FExit, r.FExit)
	fix(tc.FModRet, r.FModRet)
	return r
}

// FlagBits translates reference trampoline flags (tramp.Flag*, the
// documented 6.12 bits) into the env's BPF_TRAMP_F_* bits, flag by name.
func (e *Env) FlagBits(ref uint32) (uint32, error) {
	if ref&^e.flagOK == 0 {
		var out uint32
		for ref != 0 {
			i := bits.TrailingZeros32(ref)
			ref &^= 1 << i
			out |= e.flagMap[i]
		}
		return out, nil
	}
	bit := uint32(1) << bits.TrailingZeros32(ref&^e.flagOK)
	name := "BPF_TRAMP_F_" + tramp.FlagString(bit)
	if k, ok := e.consts[name]; ok {
		return 0, fmt.Errorf("%s is %#x, which does not fit the 32-bit flags of the configuration (%s)", name, k.Value, k.Src)
	}
	return 0, fmt.Errorf("trampoline flag %#x (%s) is not in the environment model", bit, name)
}

// mapFlags computes e.flagMap from the BPF_TRAMP_F_* constants.
func (e *Env) mapFlags() {
	e.flagOK = 0
	for i := range 32 {
		name := "BPF_TRAMP_F_" + tramp.FlagString(1<<i)
		if k, ok := e.consts[name]; ok && k.Value <= 0xffffffff {
			e.flagMap[i] = uint32(k.Value)
			e.flagOK |= 1 << i
		}
	}
}

// FromTramp converts a reference configuration into the interpreter's, with
// the reference's defaults filled in (tramp.Config.Resolved), so that both
// generators see the same addresses. Flags are translated by name into the
// env's bits; every program's insnsi must lie at the env's
// offsetof(struct bpf_prog, insnsi) from the program (see ResolveTramp).
func (e *Env) FromTramp(tc tramp.Config) (Config, error) {
	tc = tc.Resolved()
	var c Config
	if n := min(len(c.Model.ArgSize), e.lay.modelArgSizeN, e.lay.modelArgFlagsN); len(tc.Args) > n {
		return c, fmt.Errorf("%d arguments: struct btf_func_model holds at most %d", len(tc.Args), n)
	}
	signed := uint8(e.consts["BTF_FMODEL_SIGNED_ARG"].Value)
	strct := uint8(e.consts["BTF_FMODEL_STRUCT_ARG"].Value)
	c.Model.NrArgs = uint8(len(tc.Args))
	for i, a := range tc.Args {
		c.Model.ArgSize[i] = uint8(a.Size)
		var fl uint8
		if a.Signed {
			fl |= signed
		}
		if a.Struct {
			fl |= strct
		}
		c.Model.ArgFlags[i] = fl
	}
	c.Model.RetSize = uint8(tc.RetSize)
	if tc.RetSigned {
		c.Model.RetFlags = signed
	}
	var err error
	if c.Flags, err = e.FlagBits(tc.Flags); err != nil {
		return c, err
	}
	off := e.InsnsiOffset()
	conv := func(ps []tramp.Prog) ([]Link, error) {
		out := make([]Link, len(ps))
		for i, p := range ps {
			if p.Insnsi != p.Addr+off {
				return nil, fmt.Errorf("program %d: insnsi %#x is not at offset %d of the struct bpf_prog at %#x", i, p.Insnsi, off, p.Addr)
			}
			out[i] = Link{Cookie: p.Cookie, Prog: Prog{Addr: p.Addr, BpfFunc: p.BpfFunc, Jited: p.Jited, Enter: p.Enter, Exit: p.Exit}}
		}
		return out, nil
	}
	if c.Links[0], err = conv(tc.FEntry); err != nil {
		return c, err
	}
	if c.Links[1], err = conv(tc.FExit); err != nil {
		return c, err
	}
	if c.Links[2], err = conv(tc.FModRet); err != nil {
		return c, err
	}
	c.FuncAddr = tc.FuncAddr
	c.Image = tc.Image
	c.Im = tc.Im
	c.TrampEnter, c.TrampExit = tc.TrampEnter, tc.TrampExit
	c.Expolines = tc.Expolines
	return c, nil
}
