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
	DimFlags                           // RESTORE_REGS off/on; then CALL_ORIG ... INDIRECT
	DimFEntry    = DimFlags + numFlags // 0..2 fentry programs
	DimFModRet   = DimFEntry + 1       // 0..2 fmod_ret programs
	DimFExit     = DimFEntry + 2       // 0..2 fexit programs
	DimProgs     = DimFEntry + 3       // program kind: progJited or progMixed
	DimExpolines = DimFEntry + 4       // nospec_uses_trampoline() false, true
	DimRet       = DimFEntry + 5       // return type (retTypes)
	DimFuncAddr  = DimFEntry + 6       // NULL, non-NULL
	numDims      = DimFEntry + 7
)

// numFlags is the number of flags the generator reads (len(matrixFlags)).
const numFlags = 7

// argPatterns are the argument patterns: argument i has size
// sizes[i % len(sizes)]. The five uniform patterns put every size
// the kernel passes (1, 2, 4, 8 and 16 bytes) at every position, in
// registers and on the stack, with no argument flags. The mixed pattern
// has every size next to every other, odd struct sizes, 16-byte arguments
// in registers and on the stack, and a 17-byte twelfth argument (ENOTSUPP
// only with 12 arguments); it sets the flags BTF gives such arguments:
// signed for the integer sizes, struct for the others.
var argPatterns = []struct {
	name  string
	sizes []int
	flags bool
}{
	{"all1", []int{1}, false},
	{"all2", []int{2}, false},
	{"all4", []int{4}, false},
	{"all8", []int{8}, false},
	{"all16", []int{16}, false},
	{"mixed", []int{16, 1, 12, 2, 4, 3, 8, 5, 16, 9, 2, 17}, true},
}

// The values of DimProgs: every program jited with zero cookies, or
// programs alternating interpreted and jited (the first interpreted) with
// distinct non-zero cookies. With one or two programs of a kind the second
// gives a lone interpreted program and a mixed pair.
const (
	progJited = iota
	progMixed
)

// retTypes are the return types of DimRet: void, the integer sizes
// unsigned and signed, and a 16-byte value.
var retTypes = []struct {
	name   string
	size   int
	signed bool
}{
	{"void", 0, false},
	{"u8", 1, false},
	{"s8", 1, true},
	{"u16", 2, false},
	{"s16", 2, true},
	{"u32", 4, false},
	{"s32", 4, true},
	{"u64", 8, false},
	{"s64", 8, true},
	{"16", 16, false},
}

// matrixFlags are the flags the generator reads; DimFlags enumerates every
// subset of them.
var matrixFlags = [numFlags]uint32{
	FlagRestoreRegs, FlagCallOrig, FlagSkipFrame, FlagIPArg,
	FlagRetFentryRet, FlagOrigStack, FlagIndirect,
}

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
		for i, f := range matrixFlags {
			d[DimFlags+i] = Dim{FlagString(f), []string{"off", "on"}}
		}
		d[DimFEntry] = Dim{"fentry", []string{"0", "1", "2"}}
		d[DimFModRet] = Dim{"fmod_ret", []string{"0", "1", "2"}}
		d[DimFExit] = Dim{"fexit", []string{"0", "1", "2"}}
		d[DimProgs] = Dim{"progs", []string{"jited", "mixed"}}
		d[DimExpolines] = Dim{"expolines", []string{"off", "on"}}
		d[DimRet] = Dim{"ret", nil}
		for _, r := range retTypes {
			d[DimRet].Values = append(d[DimRet].Values, r.name)
		}
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
	pat := argPatterns[p[DimArgSizes]]
	n := p[DimNArgs]
	if n > 0 {
		c.Args = make([]Arg, n)
		for i := range c.Args {
			size := pat.sizes[i%len(pat.sizes)]
			c.Args[i] = Arg{Size: size}
			if pat.flags {
				integer := size == 1 || size == 2 || size == 4 || size == 8
				c.Args[i].Signed = integer
				c.Args[i].Struct = !integer
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
			switch p[DimProgs] {
			case progJited:
				ps[i].Jited = true
			case progMixed:
				ps[i].Jited = i%2 == 1
				ps[i].Cookie = 1<<63 | uint64(k)<<12 | uint64(i+1)
			}
		}
		return ps
	}
	c.FEntry = progs(KindFEntry, p[DimFEntry])
	c.FModRet = progs(KindFModRet, p[DimFModRet])
	c.FExit = progs(KindFExit, p[DimFExit])
	c.Expolines = p[DimExpolines] == 1
	c.RetSize = retTypes[p[DimRet]].size
	c.RetSigned = retTypes[p[DimRet]].signed
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
// It is built greedily and deterministically, then structOpsPoint is
// added; the slice is shared.
func CoveringPoints() [][]int {
	coveringOnce.Do(func() { coveringPoints = append(pairwise(Matrix()), structOpsPoint()) })
	return coveringPoints
}

// structOpsPoint is a struct_ops trampoline with a value to return, a
// shape that pairs do not force into the covering set: RET_FENTRY_RET
// without CALL_ORIG, returning to the caller (SKIP_FRAME), no fmod_ret
// program, an fentry program and a 1-8-byte return value (s32), whose
// result the caller gets. Three 4-byte arguments; everything else off.
func structOpsPoint() []int {
	p := make([]int, numDims)
	p[DimNArgs] = 3
	p[DimArgSizes] = 2 // all4
	for i, f := range matrixFlags {
		if f == FlagSkipFrame || f == FlagRetFentryRet {
			p[DimFlags+i] = 1
		}
	}
	p[DimFEntry] = 1
	p[DimRet] = 6 // s32
	return p
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

// seedDims are the dimensions whose every combination the covering set
// holds: the seven flags and the NULL or non-NULL function address decide
// together which parts of the frame and code exist (SKIP_FRAME is forced
// by a NULL address without ORIG_STACK, or by INDIRECT; RESTORE_REGS,
// CALL_ORIG and RET_FENTRY_RET decide what is saved), so a bug in that
// logic may need three or four of them to show.
var seedDims = []int{
	DimFlags, DimFlags + 1, DimFlags + 2, DimFlags + 3, DimFlags + 4, DimFlags + 5, DimFlags + 6,
	DimFuncAddr,
}

// seeds returns the number of combinations of the seed dimensions.
func seeds(m *Grid) int {
	n := 1
	for _, k := range seedDims {
		n *= len(m.Dims[k].Values)
	}
	return n
}

// pairwise builds a covering array for m's dimensions: every combination
// of the seed dimensions, and every pair of values of any two dimensions.
// The first rows fix one combination of the seed dimensions each; later
// rows start from an uncovered pair. Every row then gives each other
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
	nseed := seeds(m)
	for r := 0; r < nseed || left > 0; r++ {
		row := make([]int, nd)
		set := make([]bool, nd)
		if r < nseed {
			// The first rows hold every combination of the seed
			// dimensions.
			c := r
			for _, k := range seedDims {
				row[k], set[k] = c%size[k], true
				c /= size[k]
			}
		} else {
			// Then each row starts from the first uncovered pair.
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
			row[ci], row[cj] = cab/size[cj], cab%size[cj]
			set[ci], set[cj] = true, true
		}
		for _, k := range order {
			if set[k] {
				continue
			}
			// Ties go to the values in turn, so that rows whose pairs
			// are all covered still vary.
			best, bestGain := 0, -1
			for x := range size[k] {
				v := (x + r) % size[k]
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
