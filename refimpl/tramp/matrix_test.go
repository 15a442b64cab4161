package tramp

import (
	"errors"
	"math/rand"
	"strconv"
	"strings"
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
	// The lower bounds are the product of the two widest dimensions (13
	// argument counts, 10 return types) and the 256 combinations of the
	// seven flags and the function address; a greedy covering should stay
	// within a small factor of the larger.
	if lower := 256; len(pts) < lower || len(pts) > 2*lower {
		t.Errorf("got %d covering points, want %d to %d", len(pts), lower, 2*lower)
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
		// The return type's name says its size and signedness.
		rn := m.Dims[DimRet].Values[p[DimRet]]
		wantSize, wantSigned := 0, false
		switch rn {
		case "void":
		case "16":
			wantSize = 16
		default:
			wantSigned = rn[0] == 's'
			bits, err := strconv.Atoi(rn[1:])
			if err != nil {
				t.Fatalf("return type %q", rn)
			}
			wantSize = bits / 8
		}
		if c.RetSize != wantSize || c.RetSigned != wantSigned {
			t.Errorf("%s: got return size %d signed %v, want %d %v", desc, c.RetSize, c.RetSigned, wantSize, wantSigned)
		}
		// A uniform pattern "allN" gives N-byte arguments without flags.
		if an := m.Dims[DimArgSizes].Values[p[DimArgSizes]]; strings.HasPrefix(an, "all") {
			size, _ := strconv.Atoi(an[3:])
			for i, a := range c.Args {
				if a.Size != size || a.Signed || a.Struct {
					t.Errorf("%s: argument %d is %+v, want %d bytes without flags", desc, i, a, size)
				}
			}
		}
		// "jited": every program jited, no cookie; "mixed": the first
		// of a kind interpreted, the second jited, distinct cookies.
		cookies := map[uint64]bool{}
		for _, ps := range [][]Prog{c.FEntry, c.FModRet, c.FExit} {
			for i, pr := range ps {
				mixed := m.Dims[DimProgs].Values[p[DimProgs]] == "mixed"
				if want := !mixed || i == 1; pr.Jited != want {
					t.Errorf("%s: program %d jited %v, want %v", desc, i, pr.Jited, want)
				}
				if (pr.Cookie != 0) != mixed || (mixed && cookies[pr.Cookie]) {
					t.Errorf("%s: program %d cookie %#x", desc, i, pr.Cookie)
				}
				cookies[pr.Cookie] = true
			}
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

// TestCoveringSeeds checks that the covering set holds every combination
// of the seven flags and the NULL or non-NULL function address.
func TestCoveringSeeds(t *testing.T) {
	seen := map[[2]uint32]bool{}
	for _, c := range Covering() {
		addr := uint32(0)
		if c.FuncAddr != 0 {
			addr = 1
		}
		seen[[2]uint32{c.Flags, addr}] = true
	}
	for f := range uint32(1 << numFlags) {
		var flags uint32
		for i, bit := range matrixFlags {
			if f&(1<<i) != 0 {
				flags |= bit
			}
		}
		for addr := range uint32(2) {
			if !seen[[2]uint32{flags, addr}] {
				t.Errorf("no covering configuration with flags %s and func_addr %d", FlagString(flags), addr)
			}
		}
	}
}

// TestCoveringStructOps: the covering set holds a struct_ops trampoline
// with a value to return (RET_FENTRY_RET without CALL_ORIG, returning to
// the caller, an fentry program, no fmod_ret, a 1-8-byte return), which
// the kernel generates (no rejection), so that check reaches the return
// value rule of such trampolines.
func TestCoveringStructOps(t *testing.T) {
	n := 0
	for _, c := range Covering() {
		skipFrame := c.Flags&(FlagSkipFrame|FlagIndirect) != 0 || c.FuncAddr == 0 && c.Flags&FlagOrigStack == 0
		if c.Flags&FlagRetFentryRet == 0 || c.Flags&FlagCallOrig != 0 || !skipFrame ||
			len(c.FModRet) > 0 || len(c.FEntry) == 0 || c.RetSize < 1 || c.RetSize > 8 {
			continue
		}
		if _, err := Generate(c); err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		n++
	}
	if n == 0 {
		t.Fatal("no struct_ops configuration with an fentry program and a 1-8-byte return in the covering set")
	}
}
