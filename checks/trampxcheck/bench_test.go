package trampxcheck

import (
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// BenchmarkCompare measures one configuration of the cross-check per op
// (the file's generator in both passes, the reference, the comparison and
// the frame invariants) on all GOMAXPROCS cores; configs/s is the
// throughput over the covering set.
func BenchmarkCompare(b *testing.B) {
	benchCompare(b, tramp.Covering())
}

// BenchmarkCompareMatrix is BenchmarkCompare over points spread over the
// whole matrix (every 997th point), whose average trampoline is larger
// than the covering set's: the rate of trampcheck xcheck's default run.
func BenchmarkCompareMatrix(b *testing.B) {
	m := tramp.Matrix()
	cfgs := make([]tramp.Config, 20000)
	for i := range cfgs {
		cfgs[i] = m.Config(m.Point(i * 997 % m.Len()))
	}
	benchCompare(b, cfgs)
}

// benchCompare runs compare on the real file over cfgs, round robin.
func benchCompare(b *testing.B, cfgs []tramp.Config) {
	f := jittest.Parse(b)
	prog, err := interp.Compile(f, nil)
	if err != nil {
		b.Fatal(err)
	}
	fl := newFieldLines(f)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		m := prog.NewMachine(interp.Limits{})
		i := 0
		for pb.Next() {
			ps, err := compare(m, cfgs[i%len(cfgs)], fl)
			if err != nil || len(ps) > 0 {
				b.Errorf("config %d: %v %v", i%len(cfgs), err, ps)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "configs/s")
}
