package trampxcheck

import (
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// envConfig converts reference configuration tc for the environment model
// that m's program was compiled with (interp.Machine.Env): it returns the
// resolved reference configuration, with every program's insnsi at that
// model's offset in struct bpf_prog, and the interpreter's configuration,
// with the model's BPF_TRAMP_F_* bits.
func envConfig(m *interp.Machine, tc tramp.Config) (tramp.Config, interp.Config, error) {
	env := m.Env()
	tc = env.ResolveTramp(tc)
	cfg, err := env.FromTramp(tc)
	return tc, cfg, err
}
