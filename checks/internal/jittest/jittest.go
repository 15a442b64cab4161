// Package jittest is test support for the checks that read the real s390x
// BPF JIT (arch/s390/net/bpf_jit_comp.c of the installed kernel tree): it
// parses the file, measures a check's CPU cost over it, and compares the
// bytes the file's code stores with GNU as.
package jittest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// Parse parses the real JIT file of the installed tree (ktree.JIT), failing
// tb when it cannot.
func Parse(tb testing.TB) *cparse.File {
	tb.Helper()
	return ParseSrc(tb, ktree.JIT(tb))
}

// ParseSrc parses src as the JIT file (a mutant of it, say), failing tb
// when it cannot.
func ParseSrc(tb testing.TB, src []byte) *cparse.File {
	tb.Helper()
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
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

// Assemble assembles lines with s390x-linux-gnu-as -march=z196 and returns
// the .text section (objcopy -O binary); the error is GNU as's rejection.
// Without the assembler tb is skipped, or fails when
// TRAMPCHECK_REQUIRE_KERNEL=1 (as in CI).
func Assemble(tb testing.TB, lines []string) ([]byte, error) {
	tb.Helper()
	if _, err := exec.LookPath("s390x-linux-gnu-as"); err != nil {
		const msg = "s390x-linux-gnu-as not installed (binutils-s390x-linux-gnu)"
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	dir := tb.TempDir()
	s, o, b := filepath.Join(dir, "t.s"), filepath.Join(dir, "t.o"), filepath.Join(dir, "t.bin")
	if err := os.WriteFile(s, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("s390x-linux-gnu-as", "-march=z196", "-o", o, s).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, out)
	}
	if out, err := exec.Command("s390x-linux-gnu-objcopy", "-O", "binary", "-j", ".text", o, b).CombinedOutput(); err != nil {
		tb.Fatalf("objcopy: %v: %s", err, out)
	}
	got, err := os.ReadFile(b)
	if err != nil {
		tb.Fatal(err)
	}
	return got, nil
}

// CompareGas assembles lines in order and requires that line i gives the
// bytes want[i], which source (such as "the EMIT call") stored; label
// writes line i in a failure. A line GNU as rejects fails tb.
func CompareGas(tb testing.TB, lines []string, want [][]byte, label func(i int) string, source string) {
	tb.Helper()
	got, err := Assemble(tb, lines)
	if err != nil {
		tb.Fatalf("gas rejects a line %s gives: %v", source, err)
	}
	off := 0
	for i := range lines {
		n := len(want[i])
		if off+n > len(got) || !bytes.Equal(got[off:off+n], want[i]) {
			tb.Errorf("%s: gas gives %x, %s stores %x", label(i), got[off:min(off+n, len(got))], source, want[i])
		}
		off += n
	}
}
