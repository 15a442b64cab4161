package trampxcheck

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// DiffSummary is the codegen difference between a base and a patched file
// over a list of configurations.
type DiffSummary struct {
	Configs int // configurations run
	Changed int // configurations whose code or result differs
	// First is the index of the first changed configuration (-1 for none)
	// and Message describes its first difference.
	First   int
	Message string
	// Line is the line in the patched file of the first differing EMIT
	// (0 when unknown).
	Line int
	// Common lists the features (see Features) that every changed
	// configuration has and some unchanged one lacks: which configurations
	// changed, in words ("CALL_ORIG", "fexit programs").
	Common []string
}

// feature is a named property of a configuration.
type feature struct {
	name string
	has  func(c *tramp.Config) bool
}

// Features are the properties Diff uses to say which configurations changed.
var Features = func() []feature {
	var fs []feature
	for _, name := range []string{"RESTORE_REGS", "CALL_ORIG", "SKIP_FRAME", "IP_ARG", "RET_FENTRY_RET", "ORIG_STACK", "INDIRECT"} {
		bit, err := tramp.ParseFlags(name)
		if err != nil {
			continue
		}
		fs = append(fs, feature{name, func(c *tramp.Config) bool { return c.Flags&bit != 0 }})
	}
	return append(fs,
		feature{"expolines", func(c *tramp.Config) bool { return c.Expolines }},
		feature{"func_addr NULL", func(c *tramp.Config) bool { return c.FuncAddr == 0 }},
		feature{"fentry programs", func(c *tramp.Config) bool { return len(c.FEntry) > 0 }},
		feature{"fmod_ret programs", func(c *tramp.Config) bool { return len(c.FModRet) > 0 }},
		feature{"fexit programs", func(c *tramp.Config) bool { return len(c.FExit) > 0 }},
		feature{"stack arguments", func(c *tramp.Config) bool { return len(c.Args) > tramp.MaxRegArgs }},
		feature{"16-byte arguments", func(c *tramp.Config) bool {
			for _, a := range c.Args {
				if a.Size > 8 {
					return true
				}
			}
			return false
		}},
		feature{"a return value", func(c *tramp.Config) bool { return c.RetSize != 0 }},
	)
}()

// Diff runs the generators of base and patched over the n configurations
// of cfg and reports which configurations produce different code.
func Diff(base, patched *interp.Program, n int, cfg func(i int) tramp.Config, workers int) (DiffSummary, error) {
	acc := newDiffAcc(n)
	err := trampgen.Parallel(n, workers, func() (func(i int) error, error) {
		mb := base.NewMachine(interp.Limits{})
		mp := patched.NewMachine(interp.Limits{})
		return func(i int) error {
			tc := cfg(i)
			// Each file's configuration in its own environment model
			// (the same one unless the patch changes a header).
			_, cb, err := envConfig(mb, tc)
			if err != nil {
				return err
			}
			_, cp, err := envConfig(mp, tc)
			if err != nil {
				return err
			}
			rb, errb := mb.Run(&cb)
			rp, errp := mp.Run(&cp)
			acc.add(i, tc, rb, errb, rp, errp)
			return nil
		}, nil
	})
	return acc.summary(), err
}

// diffAcc accumulates the codegen difference of base and patched runs,
// safe for concurrent use.
type diffAcc struct {
	mu      sync.Mutex
	sum     DiffSummary
	all     []int // configurations with feature i
	changed []int // changed configurations with it
}

func newDiffAcc(n int) *diffAcc {
	return &diffAcc{sum: DiffSummary{Configs: n, First: -1}, all: make([]int, len(Features)), changed: make([]int, len(Features))}
}

// add compares the base and patched runs of configuration i.
func (a *diffAcc) add(i int, tc tramp.Config, rb *interp.Result, errb error, rp *interp.Result, errp error) {
	msg, line, diff := diffResults(rb, errb, rp, errp, tc.Resolved().Image)
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, f := range Features {
		if f.has(&tc) {
			a.all[k]++
			if diff {
				a.changed[k]++
			}
		}
	}
	if !diff {
		return
	}
	a.sum.Changed++
	if a.sum.First < 0 || i < a.sum.First {
		a.sum.First, a.sum.Message, a.sum.Line = i, msg+" ["+Describe(tc)+"]", line
	}
}

// summary returns the difference, with the features every changed
// configuration shares.
func (a *diffAcc) summary() DiffSummary {
	a.mu.Lock()
	defer a.mu.Unlock()
	sum := a.sum
	sum.Common = nil
	if sum.Changed > 0 {
		for k, f := range Features {
			if a.changed[k] == sum.Changed && a.all[k] < sum.Configs {
				sum.Common = append(sum.Common, f.name)
			}
		}
	}
	return sum
}

// diffResults compares two runs of one configuration.
func diffResults(rb *interp.Result, errb error, rp *interp.Result, errp error, image uint64) (string, int, bool) {
	switch {
	case errb != nil || errp != nil:
		if fmt.Sprint(errb) == fmt.Sprint(errp) {
			return "", 0, false
		}
		return fmt.Sprintf("base: %v, patched: %v", orOK(errb), orOK(errp)), 0, true
	case rb.Ret != rp.Ret && (rb.Ret <= 0 || rp.Ret <= 0):
		return fmt.Sprintf("base returns %d, patched %d", rb.Ret, rp.Ret), rp.RetLine, true
	case bytes.Equal(rb.Code, rp.Code):
		return "", 0, false
	}
	got, want := rp.Code, rb.Code
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	start := 0
	for off := 0; off < len(want) && off <= i; {
		n := refimpl.LengthOf(want[off])
		if off+n > i {
			start = off
			break
		}
		off += n
		start = off
	}
	line := 0
	where := ""
	if s := rp.Site(i); s != nil {
		line = s.Line
		where = " (" + s.String() + ")"
	}
	return fmt.Sprintf("at offset %d: base %s, patched %s%s", start, insnText(want, start, image), insnText(got, start, image), where), line, true
}

func orOK(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
