package tramp

import (
	"errors"
	"math/rand"
	"testing"
)

// TestCoveringIsPairwise checks, independently of the construction, that
// every pair of values of any two dimensions occurs in Covering, and that
// Covering's configurations are the matrix's configurations at those points.
func TestCoveringIsPairwise(t *testing.T) {
	m := Matrix()
	pts := CoveringPoints()
	type pair struct{ i, a, j, b int }
	seen := map[pair]bool{}
	for _, p := range pts {
		if len(p) != len(m.Dims) {
			t.Fatalf("point %v: got %d coordinates, want %d", p, len(p), len(m.Dims))
		}
		for i := range p {
			if p[i] < 0 || p[i] >= len(m.Dims[i].Values) {
				t.Fatalf("point %v: coordinate %d out of range", p, i)
			}
			for j := i + 1; j < len(p); j++ {
				seen[pair{i, p[i], j, p[j]}] = true
			}
		}
	}
	want := 0
	for i := range m.Dims {
		for j := i + 1; j < len(m.Dims); j++ {
			for a := range m.Dims[i].Values {
				for b := range m.Dims[j].Values {
					want++
					if !seen[pair{i, a, j, b}] {
						t.Errorf("pair %s=%s, %s=%s not covered", m.Dims[i].Name, m.Dims[i].Values[a], m.Dims[j].Name, m.Dims[j].Values[b])
					}
				}
			}
		}
	}
	if len(seen) != want {
		t.Errorf("got %d distinct pairs, want %d", len(seen), want)
	}
	cfgs := Covering()
	if len(cfgs) != len(pts) {
		t.Fatalf("got %d configurations, want %d", len(cfgs), len(pts))
	}
	// The largest pairwise lower bound is the product of the two widest
	// dimensions (13 argument counts, 12 size patterns); a greedy covering
	// should stay within a small factor.
	if lower := 13 * 12; len(pts) < lower || len(pts) > 3*lower {
		t.Errorf("got %d covering points, want at most %d", len(pts), 3*lower)
	}
	t.Logf("matrix: %d points; covering: %d points, %d pairs", m.Len(), len(pts), want)
}

// TestMatrixConfig checks that the matrix's configurations follow their
// points (the dimensions mean what their names say).
func TestMatrixConfig(t *testing.T) {
	m := Matrix()
	rng := rand.New(rand.NewSource(1))
	for range 2000 {
		p := m.Point(rng.Intn(m.Len()))
		c := m.Config(p)
		desc := m.Describe(p)
		if got, want := len(c.Args), p[DimNArgs]; got != want {
			t.Errorf("%s: got %d args, want %d", desc, got, want)
		}
		if got, want := len(c.FEntry)+10*len(c.FModRet)+100*len(c.FExit), p[DimFEntry]+10*p[DimFModRet]+100*p[DimFExit]; got != want {
			t.Errorf("%s: got program counts %d, want %d", desc, got, want)
		}
		for i := range numFlags {
			bit := c.Flags&matrixFlags[i] != 0
			if want := p[DimFlags+i] == 1; bit != want || m.Dims[DimFlags+i].Name != FlagString(matrixFlags[i]) {
				t.Errorf("%s: flag %s set %v, want %v", desc, m.Dims[DimFlags+i].Name, bit, want)
			}
		}
		if got, want := c.FuncAddr != 0, p[DimFuncAddr] == 1; got != want {
			t.Errorf("%s: got non-NULL func addr %v, want %v", desc, got, want)
		}
		if got, want := c.Expolines, p[DimExpolines] == 1; got != want {
			t.Errorf("%s: got expolines %v, want %v", desc, got, want)
		}
	}
}

// expectedReject says, from the rules in the package documentation and
// independently of the generator, whether the kernel rejects c.
func expectedReject(c Config) (Errno, bool) {
	for _, a := range c.Args {
		if a.Size > 16 {
			return ENOTSUPP, true
		}
	}
	keep := len(c.FModRet) > 0 || (len(c.FEntry) > 0 && c.Flags&FlagRetFentryRet != 0)
	if keep {
		switch c.RetSize {
		case 1, 2, 4, 8:
		default:
			return EINVAL, true
		}
	}
	return 0, false
}

// TestCoveringRejections runs the generator on every covering
// configuration and checks which ones the kernel rejects, and why.
func TestCoveringRejections(t *testing.T) {
	counts := map[Errno]int{}
	for i, c := range Covering() {
		_, err := Generate(c)
		want, rejected := expectedReject(c)
		var re *RejectError
		switch {
		case err == nil && rejected:
			t.Errorf("%s: got no error, want -%s", Matrix().Describe(CoveringPoints()[i]), want)
		case err != nil && !errors.As(err, &re):
			t.Errorf("%s: got %v, want a *RejectError or nothing", Matrix().Describe(CoveringPoints()[i]), err)
		case err != nil && (!rejected || re.Errno != want):
			t.Errorf("%s: got %v, want errno %v (rejected %v)", Matrix().Describe(CoveringPoints()[i]), err, want, rejected)
		}
		if re != nil {
			counts[re.Errno]++
		} else {
			counts[0]++
		}
	}
	t.Logf("covering: %d accepted, %d EINVAL, %d ENOTSUPP", counts[0], counts[EINVAL], counts[ENOTSUPP])
}
