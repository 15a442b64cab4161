// Package jittest is test support for the checks that read the real s390x
// BPF JIT (arch/s390/net/bpf_jit_comp.c of the installed kernel tree): it
// parses the file and measures a check's CPU cost over it.
package jittest

import (
	"syscall"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// Parse parses the real JIT file of the installed tree (ktree.JIT), failing
// tb when it cannot.
func Parse(tb testing.TB) *cparse.File {
	tb.Helper()
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(tb), cparse.Options{})
	if err != nil {
		tb.Fatalf("parsing the real JIT: %v", err)
	}
	return f
}

// BenchCPU runs fn in b's loop and reports the CPU time (user and system)
// per call as cpu-ns/op: CPU time is what a check adds to a run, while wall
// time depends on the machine's load.
func BenchCPU(b *testing.B, fn func()) {
	b.Helper()
	start := cpuTime()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
