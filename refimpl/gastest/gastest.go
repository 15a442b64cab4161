// Package gastest runs GNU as for tests: the oracle that listings and
// encodings are checked against. It depends on nothing of trampcheck.
package gastest

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Text assembles src with s390x-linux-gnu-as -march=z196 and returns the
// contents of .text up to the symbol "end", which src must define (GNU as
// pads the section to its alignment). Without the assembler the test is
// skipped, or fails when TRAMPCHECK_REQUIRE_KERNEL=1 (as in CI).
func Text(t testing.TB, src string) []byte {
	t.Helper()
	as := Binutil(t, "as")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "t.s"), filepath.Join(dir, "t.o")
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(as, "-march=z196", "-o", out, in).CombinedOutput(); err != nil {
		t.Fatalf("s390x-linux-gnu-as: %v\n%s", err, msg)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sec := f.Section(".text")
	if sec == nil {
		t.Fatal("no .text in the object")
	}
	b, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == "end" && s.Value <= uint64(len(b)) {
			return b[:s.Value]
		}
	}
	t.Fatal("no symbol end in the object")
	return nil
}

// Binutil returns the path of the s390x GNU binutils tool
// s390x-linux-gnu-<name> ("as", "objdump"). Without it tb is skipped, or
// fails when TRAMPCHECK_REQUIRE_KERNEL=1 (as in CI).
func Binutil(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath("s390x-linux-gnu-" + name)
	if err != nil {
		msg := "s390x-linux-gnu-" + name + " not installed (binutils-s390x-linux-gnu)"
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return p
}
