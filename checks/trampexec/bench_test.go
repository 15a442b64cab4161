package trampexec

import (
	"bytes"
	"syscall"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi"
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

// BenchmarkCheckRuns measures what the analyzer adds to "trampcheck
// check" now that it shares the generator's runs with trampxcheck
// (package trampgen): CheckRuns over the covering set's runs, made
// beforehand; one op is the whole covering set on GOMAXPROCS workers.
func BenchmarkCheckRuns(b *testing.B) {
	f, _ := compile(b, ktree.JIT(b))
	cov := tramp.Covering()
	rs, err := trampgen.Generate(f, nil, cov, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, _, err := CheckRuns(rs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(b.N*len(cov))/b.Elapsed().Seconds(), "configs/s")
}

// BenchmarkAnalyzer measures what trampexec adds to a check of the real
// file: the front end, trampgen and trampxcheck (as "trampcheck check"
// runs them) alone, and with trampexec; the difference of the two is
// the added cost (checktest runs the analyzers one after the other; the
// driver runs trampxcheck and trampexec at once).
func BenchmarkAnalyzer(b *testing.B) {
	src := ktree.JIT(b)
	for _, c := range []struct {
		name string
		as   []*analysis.Analyzer
	}{
		{"trampxcheck", []*analysis.Analyzer{trampxcheck.Analyzer}},
		{"trampxcheck+trampexec", []*analysis.Analyzer{trampxcheck.Analyzer, Analyzer}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, err := checktest.RunSource(ktree.JITFile, src, cparse.Options{}, c.as...); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkCompile measures the compilation of the real file's generator,
// which the analyzer does once per check.
func BenchmarkCompile(b *testing.B) {
	f, _ := compile(b, ktree.JIT(b))
	for b.Loop() {
		_, _ = compileFile(f)
	}
}

// BenchmarkExec measures only the emulator's part of Check on the real
// file: one op runs the trampolines of the whole covering set, generated
// beforehand, on one TrampRunner (one core). It is what the check would
// add to "trampcheck check" if it shared the generator's runs with
// trampxcheck.
func BenchmarkExec(b *testing.B) {
	_, prog := compile(b, ktree.JIT(b))
	m := prog.NewMachine(interp.Limits{})
	var tps []*abi.Trampoline
	for _, c := range tramp.Covering() {
		tc := m.Env().ResolveTramp(c)
		ic, err := m.Env().FromTramp(tc)
		if err != nil {
			b.Fatal(err)
		}
		res, err := m.Run(&ic)
		if err != nil || res.Ret <= 0 {
			continue
		}
		tps = append(tps, abi.NewTrampoline(bytes.Clone(res.Code), tc))
	}
	r, err := abi.NewTrampRunner()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, tp := range tps {
			if _, err := r.Run(tp, uint64(i)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(tps))/b.Elapsed().Seconds(), "configs/s")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start as cpu-ms/op: unlike
// ns/op it does not grow when other processes share the cores (it
// includes the garbage collector).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
