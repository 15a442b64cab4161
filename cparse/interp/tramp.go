package interp

import (
	"fmt"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// FromTramp converts a reference configuration into the interpreter's,
// with the reference's defaults filled in (tramp.Config.Resolved), so that
// both generators see the same addresses.
func FromTramp(tc tramp.Config) (Config, error) {
	tc = tc.Resolved()
	var c Config
	if len(tc.Args) > len(c.Model.ArgSize) {
		return c, fmt.Errorf("%d arguments: struct btf_func_model holds at most %d", len(tc.Args), len(c.Model.ArgSize))
	}
	c.Model.NrArgs = uint8(len(tc.Args))
	for i, a := range tc.Args {
		c.Model.ArgSize[i] = uint8(a.Size)
		var fl uint8
		if a.Signed {
			fl |= 2 // BTF_FMODEL_SIGNED_ARG
		}
		if a.Struct {
			fl |= 1 // BTF_FMODEL_STRUCT_ARG
		}
		c.Model.ArgFlags[i] = fl
	}
	c.Model.RetSize = uint8(tc.RetSize)
	if tc.RetSigned {
		c.Model.RetFlags = 2
	}
	c.Flags = tc.Flags
	conv := func(ps []tramp.Prog) ([]Link, error) {
		out := make([]Link, len(ps))
		for i, p := range ps {
			if p.Insnsi != p.Addr+ProgInsnsiOff {
				return nil, fmt.Errorf("program %d: insnsi %#x is not at offset %d of the struct bpf_prog at %#x", i, p.Insnsi, ProgInsnsiOff, p.Addr)
			}
			out[i] = Link{Cookie: p.Cookie, Prog: Prog{Addr: p.Addr, BpfFunc: p.BpfFunc, Jited: p.Jited, Enter: p.Enter, Exit: p.Exit}}
		}
		return out, nil
	}
	var err error
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
