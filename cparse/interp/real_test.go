package interp

import (
	"bytes"
	"errors"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// TestRealFileMatchesReference runs the real 6.12 generator over the
// covering configurations and compares with the Go reference.
func TestRealFileMatchesReference(t *testing.T) {
	src := ktree.JIT(t)
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := p.NewMachine(Limits{})
	cov := tramp.Covering()
	bad := 0
	for i, tc := range cov {
		cfg, err := FromTramp(tc)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Run(&cfg)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		ref, rerr := tramp.Generate(tc)
		var rej *tramp.RejectError
		if errors.As(rerr, &rej) {
			if r.Ret != -int(rej.Errno) {
				bad++
				if bad < 5 {
					t.Errorf("config %d: got ret %d, want %v", i, r.Ret, rerr)
				}
			}
			continue
		}
		if rerr != nil {
			t.Fatal(rerr)
		}
		if !bytes.Equal(r.Code, ref.Code) || r.Size != ref.Size {
			bad++
			if bad < 5 {
				t.Errorf("config %d (%s): got code\n%x\nwant\n%x", i, tramp.Matrix().Describe(tramp.CoveringPoints()[i]), r.Code, ref.Code)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d configurations diverge", bad, len(cov))
	}
}
