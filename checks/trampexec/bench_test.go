package trampexec

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// BenchmarkCheck measures Check on the real file over the covering set
// (what the analyzer adds to "trampcheck check", without the front end
// and the compilation of the generator, which trampxcheck also pays for):
// one op is the whole covering set on GOMAXPROCS workers.
func BenchmarkCheck(b *testing.B) {
	_, prog := compile(b, ktree.JIT(b))
	cov := tramp.Covering()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Check(prog, cov, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(cov))/b.Elapsed().Seconds(), "configs/s")
}

// BenchmarkCompile measures the compilation of the real file's generator,
// which the analyzer does once per check.
func BenchmarkCompile(b *testing.B) {
	f, _ := compile(b, ktree.JIT(b))
	for b.Loop() {
		_, _ = compileFile(f)
	}
}
