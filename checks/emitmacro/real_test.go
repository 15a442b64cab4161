package emitmacro

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
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

// TestRealFile: the EMIT macros of Linux 6.12 encode every swept operand
// as the reference encoder does, and every macro of the table is swept.
func TestRealFile(t *testing.T) {
	f := parseReal(t)
	if got := Check(f); len(got) != 0 {
		for _, fd := range got {
			t.Errorf("got finding at line %d: %s, want none", fd.Line, fd.Message)
		}
	}
	env := cexpr.NewEnv(f)
	for _, h := range []string{"reg", "reg_high"} {
		if env.Funcs[h] == nil {
			t.Errorf("got no definition of %s() read from the real file, want one", h)
		}
	}
	defined := map[string]bool{}
	for _, m := range f.Macros {
		defined[m.Name] = true
	}
	var missing []string
	for name := range specs {
		if !defined[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("got no definition of %v in the real file, want every macro of the table", missing)
	}
}

// TestRealMacrosGas is an oracle independent of refimpl: the bytes the real
// macros store for the swept cases are compared with GNU as on the
// reference instruction's text.
func TestRealMacrosGas(t *testing.T) {
	if _, err := exec.LookPath("s390x-linux-gnu-as"); err != nil {
		t.Skip("s390x-linux-gnu-as not installed (binutils-s390x-linux-gnu)")
	}
	f := parseReal(t)
	env := cexpr.NewEnv(f)
	var lines []string
	var stored [][]byte
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := 0
		sweepMacro(env, name, specs[name], func(c sweepCase) bool {
			if c.msg != "" {
				t.Errorf("%s", c.msg)
				return false
			}
			lines = append(lines, c.text)
			stored = append(stored, c.got)
			n++
			return true
		})
		if n == 0 {
			t.Errorf("%s: got no evaluated case, want some", name)
		}
	}
	dir := t.TempDir()
	s, o, b := filepath.Join(dir, "t.s"), filepath.Join(dir, "t.o"), filepath.Join(dir, "t.bin")
	if err := os.WriteFile(s, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("s390x-linux-gnu-as", "-march=z196", "-o", o, s).CombinedOutput(); err != nil {
		t.Fatalf("gas: %v: %s", err, out)
	}
	if out, err := exec.Command("s390x-linux-gnu-objcopy", "-O", "binary", "-j", ".text", o, b).CombinedOutput(); err != nil {
		t.Fatalf("objcopy: %v: %s", err, out)
	}
	got, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for i, l := range lines {
		n := len(stored[i])
		if off+n > len(got) || !bytes.Equal(got[off:off+n], stored[i]) {
			t.Errorf("%s: gas gives %x, the real macro stores %x", l, got[off:min(off+n, len(got))], stored[i])
		}
		off += n
	}
	t.Logf("%d swept macro calls agree with GNU as", len(lines))
}

func BenchmarkEmitmacroJIT(b *testing.B) {
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
