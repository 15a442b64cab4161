package interp

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

func benchProgram(b *testing.B) (*Program, []Config) {
	b.Helper()
	p := compileSrc(b, ktree.JITFile, ktree.JIT(b))
	var cfgs []Config
	for _, tc := range tramp.Covering() {
		c, err := FromTramp(tc)
		if err != nil {
			b.Fatal(err)
		}
		cfgs = append(cfgs, c)
	}
	return p, cfgs
}

// BenchmarkRun measures both passes of the real generator for one
// configuration of the covering set (per op), on all GOMAXPROCS cores.
func BenchmarkRun(b *testing.B) {
	p, cfgs := benchProgram(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		m := p.NewMachine(Limits{})
		i := 0
		for pb.Next() {
			if _, err := m.Run(&cfgs[i%len(cfgs)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkCompile measures parsing-free compilation of the real file.
func BenchmarkCompile(b *testing.B) {
	f := parseSrc(b, ktree.JITFile, ktree.JIT(b))
	for b.Loop() {
		if _, err := Compile(f, nil); err != nil {
			b.Fatal(err)
		}
	}
}
