package tramp

import (
	"fmt"
	"sync"
)

// Dim is one dimension of the configuration matrix: a name and the names of
// its values.
type Dim struct {
	Name   string
	Values []string
}

// Grid is the documented matrix of configurations: the Cartesian product
// of its dimensions (see the package documentation). A point is one value
// index per dimension; Config turns a point into a Config.
type Grid struct {
	Dims []Dim
}

// Dimension indexes of the matrix, in the order of Grid.Dims. The flags
// the generator reads are seven on/off dimensions, DimFlags to
// DimFlags+6 in matrixFlags order: the matrix holds every combination of
// them, and the covering set pairs each flag with every other dimension.
const (
	DimNArgs     = iota                // number of arguments, 0..12
	DimArgSizes                        // argument size pattern (argPatterns)
	DimArgFlags                        // argument flags: none, or signed and struct
	DimFlags                           // RESTORE_REGS off/on; then CALL_ORIG ... INDIRECT
	DimFEntry    = DimFlags + numFlags // 0..2 fentry programs
	DimFModRet   = DimFEntry + 1       // 0..2 fmod_ret programs
	DimFExit     = DimFEntry + 2       // 0..2 fexit programs
	DimJited     = DimFEntry + 3       // all jited, none jited, alternating (first jited)
	DimCookies   = DimFEntry + 4       // cookies all 0, or distinct non-zero values
	DimExpolines = DimFEntry + 5       // nospec_uses_trampoline() false, true
	DimRetSize   = DimFEntry + 6       // 0 (void), 1, 2, 4, 8, 16
	DimRetSigned = DimFEntry + 7       // ret_flags signed: false, true
	DimFuncAddr  = DimFEntry + 8       // NULL, non-NULL
	numDims      = DimFEntry + 9
)

// numFlags is the number of flags the generator reads (len(matrixFlags)).
const numFlags = 7

// argPatterns are the argument size patterns: the size of argument i is
// sizes[i % len(sizes)].
var argPatterns = []struct {
	name  string
	sizes []int
}{
	{"all1", []int{1}},
	{"all2", []int{2}},
	{"all4", []int{4}},
	{"all8", []int{8}},
	{"all16", []int{16}},
	{"mix1", []int{1, 2, 4, 8, 16}},
	{"mix2", []int{2, 4, 8, 16, 1}},
	{"mix4", []int{4, 8, 16, 1, 2}},
	{"mix8", []int{8, 16, 1, 2, 4}},
	{"mix16", []int{16, 1, 2, 4, 8}},
	{"odd", []int{3, 12, 5, 9, 6, 7, 15}}, // structs: by reference when not 1, 2, 4, 8
	{"big", []int{8, 8, 17}},              // a 17-byte argument: ENOTSUPP once there are 3 arguments
}

// matrixFlags are the flags the generator reads; DimFlags enumerates every
// subset of them.
var matrixFlags = [numFlags]uint32{
	FlagRestoreRegs, FlagCallOrig, FlagSkipFrame, FlagIPArg,
	FlagRetFentryRet, FlagOrigStack, FlagIndirect,
}

var retSizes = []int{0, 1, 2, 4, 8, 16}

// MatrixFuncAddr is the non-NULL traced function address of the matrix.
const MatrixFuncAddr uint64 = 0x000003ff_e0123458

var (
	matrixOnce sync.Once
	matrix     *Grid
)

// Matrix returns the documented matrix of configurations.
func Matrix() *Grid {
	matrixOnce.Do(func() {
		d := make([]Dim, numDims)
		d[DimNArgs] = Dim{"nargs", nil}
		for n := 0; n <= MaxFuncArgs; n++ {
			d[DimNArgs].Values = append(d[DimNArgs].Values, fmt.Sprint(n))
		}
		d[DimArgSizes] = Dim{"argsizes", nil}
		for _, p := range argPatterns {
			d[DimArgSizes].Values = append(d[DimArgSizes].Values, p.name)
		}
		d[DimArgFlags] = Dim{"argflags", []string{"none", "signed+struct"}}
		for i, f := range matrixFlags {
			d[DimFlags+i] = Dim{FlagString(f), []string{"off", "on"}}
		}
		d[DimFEntry] = Dim{"fentry", []string{"0", "1", "2"}}
		d[DimFModRet] = Dim{"fmod_ret", []string{"0", "1", "2"}}
		d[DimFExit] = Dim{"fexit", []string{"0", "1", "2"}}
		d[DimJited] = Dim{"jited", []string{"all", "none", "alternate"}}
		d[DimCookies] = Dim{"cookies", []string{"zero", "distinct"}}
		d[DimExpolines] = Dim{"expolines", []string{"off", "on"}}
		d[DimRetSize] = Dim{"retsize", nil}
		for _, s := range retSizes {
			d[DimRetSize].Values = append(d[DimRetSize].Values, fmt.Sprint(s))
		}
		d[DimRetSigned] = Dim{"retsigned", []string{"unsigned", "signed"}}
		d[DimFuncAddr] = Dim{"funcaddr", []string{"NULL", "non-NULL"}}
		matrix = &Grid{Dims: d}
	})
	return matrix
}

// flagsOf returns the flags that point p turns on.
func flagsOf(p []int) uint32 {
	var f uint32
	for i, bit := range matrixFlags {
		if p[DimFlags+i] == 1 {
			f |= bit
		}
	}
	return f
}

// Len returns the number of points of the matrix.
func (m *Grid) Len() int {
	n := 1
	for _, d := range m.Dims {
		n *= len(d.Values)
	}
	return n
}

// Point returns the i-th point (0 <= i < Len), the last dimension varying
// fastest.
func (m *Grid) Point(i int) []int {
	p := make([]int, len(m.Dims))
	for k := len(m.Dims) - 1; k >= 0; k-- {
		n := len(m.Dims[k].Values)
		p[k] = i % n
		i /= n
	}
	return p
}

// Describe returns a point as "name=value" pairs, the seven flag
// dimensions as one "flags=A|B" pair.
func (m *Grid) Describe(p []int) string {
	s := ""
	for k, v := range p {
		if k > DimFlags && k < DimFlags+numFlags {
			continue
		}
		if k > 0 {
			s += " "
		}
		if k == DimFlags {
			s += "flags=" + FlagString(flagsOf(p))
			continue
		}
		s += m.Dims[k].Name + "=" + m.Dims[k].Values[v]
	}
	return s
}

// Config returns the configuration at point p. Programs get their default
// addresses (Config.Resolved); cookies, when distinct, are
// 0x1000*kind + index + 1 with the top bit set.
func (m *Grid) Config(p []int) Config {
	var c Config
	pat := argPatterns[p[DimArgSizes]].sizes
	n := p[DimNArgs]
	if n > 0 {
		c.Args = make([]Arg, n)
		for i := range c.Args {
			size := pat[i%len(pat)]
			c.Args[i] = Arg{Size: size}
			if p[DimArgFlags] == 1 {
				c.Args[i].Signed = size <= 8
				c.Args[i].Struct = size != 1 && size != 2 && size != 4 && size != 8
			}
		}
	}
	c.Flags = flagsOf(p)
	progs := func(k Kind, n int) []Prog {
		if n == 0 {
			return nil
		}
		ps := make([]Prog, n)
		for i := range ps {
			switch p[DimJited] {
			case 0:
				ps[i].Jited = true
			case 2:
				ps[i].Jited = i%2 == 0
			}
			if p[DimCookies] == 1 {
				ps[i].Cookie = 1<<63 | uint64(k)<<12 | uint64(i+1)
			}
		}
		return ps
	}
	c.FEntry = progs(KindFEntry, p[DimFEntry])
	c.FModRet = progs(KindFModRet, p[DimFModRet])
	c.FExit = progs(KindFExit, p[DimFExit])
	c.Expolines = p[DimExpolines] == 1
	c.RetSize = retSizes[p[DimRetSize]]
	c.RetSigned = p[DimRetSigned] == 1
	if p[DimFuncAddr] == 1 {
		c.FuncAddr = MatrixFuncAddr
	}
	return c
}

var (
	coveringOnce   sync.Once
	coveringPoints [][]int
)

// CoveringPoints returns a pairwise covering subset of the matrix: for any
// two dimensions, every pair of their values occurs in at least one point.
// It is built greedily and deterministically; the slice is shared.
func CoveringPoints() [][]int {
	coveringOnce.Do(func() { coveringPoints = pairwise(Matrix()) })
	return coveringPoints
}

// Covering returns the configurations of CoveringPoints.
func Covering() []Config {
	m := Matrix()
	pts := CoveringPoints()
	out := make([]Config, len(pts))
	for i, p := range pts {
		out[i] = m.Config(p)
	}
	return out
}

// pairwise builds a covering array of strength 2 for m's dimensions. Each
// new row starts from an uncovered pair and then gives every other
// dimension, widest first, the value that covers the most uncovered pairs
// with the dimensions already set.
func pairwise(m *Grid) [][]int {
	nd := len(m.Dims)
	size := make([]int, nd)
	for k, d := range m.Dims {
		size[k] = len(d.Values)
	}
	// covered[i][j] is a bitmap over value pairs (a, b) of dims i < j.
	covered := make([][][]bool, nd)
	left := 0
	for i := range nd {
		covered[i] = make([][]bool, nd)
		for j := i + 1; j < nd; j++ {
			covered[i][j] = make([]bool, size[i]*size[j])
			left += size[i] * size[j]
		}
	}
	isCovered := func(i, a, j, b int) bool {
		if i > j {
			i, a, j, b = j, b, i, a
		}
		return covered[i][j][a*size[j]+b]
	}
	// Dimensions in decreasing size: the widest ones are set first.
	order := make([]int, nd)
	for k := range order {
		order[k] = k
	}
	for x := 1; x < nd; x++ {
		for y := x; y > 0 && size[order[y]] > size[order[y-1]]; y-- {
			order[y], order[y-1] = order[y-1], order[y]
		}
	}
	var rows [][]int
	ci, cj, cab := 0, 1, 0 // scan position for the next uncovered pair
	for left > 0 {
		// Find the first uncovered pair.
		for covered[ci][cj][cab] {
			cab++
			if cab == len(covered[ci][cj]) {
				cab = 0
				cj++
				if cj == nd {
					ci++
					cj = ci + 1
				}
			}
		}
		row := make([]int, nd)
		set := make([]bool, nd)
		row[ci], row[cj] = cab/size[cj], cab%size[cj]
		set[ci], set[cj] = true, true
		for _, k := range order {
			if set[k] {
				continue
			}
			best, bestGain := 0, -1
			for v := range size[k] {
				gain := 0
				for o := range nd {
					if set[o] && !isCovered(k, v, o, row[o]) {
						gain++
					}
				}
				if gain > bestGain {
					best, bestGain = v, gain
				}
			}
			row[k], set[k] = best, true
		}
		for i := range nd {
			for j := i + 1; j < nd; j++ {
				idx := row[i]*size[j] + row[j]
				if !covered[i][j][idx] {
					covered[i][j][idx] = true
					left--
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}
