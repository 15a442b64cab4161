package fieldoverflow

import (
	"syscall"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

func parseReal(tb testing.TB) *cparse.File {
	tb.Helper()
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(tb), cparse.Options{})
	if err != nil {
		tb.Fatalf("parsing the real JIT: %v", err)
	}
	return f
}

// TestRealFile: in Linux 6.12 every bounded operand fits its field (the mvc
// length of the trampoline's stack arguments reaches 255 exactly).
func TestRealFile(t *testing.T) {
	for _, fd := range Check(parseReal(t)) {
		t.Errorf("got finding at line %d in %s: %s, want none", fd.Line, fd.Func, fd.Message)
	}
}

// TestRealBound checks the bound the check derives for the trampoline's
// stack argument copy against the value computed by hand from the file's
// constants: MAX_NR_STACK_ARGS = MAX_MVC_SIZE / sizeof(u64) = 256 / 8.
func TestRealBound(t *testing.T) {
	f := parseReal(t)
	b := newBounder(f)
	hi, why, ok := b.guard("__arch_prepare_bpf_trampoline", "nr_stack_args")
	if !ok || hi != 256/8 {
		t.Errorf("got bound %d (%s, ok %v) for nr_stack_args, want %d", hi, why, ok, 256/8)
	}
}

func BenchmarkFieldoverflowJIT(b *testing.B) {
	f := parseReal(b)
	start := cpuTime()
	for b.Loop() {
		Check(f)
	}
	// CPU time is what the check adds to a run; wall time depends on the
	// machine's load.
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
