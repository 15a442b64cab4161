// Package qemutest is test support for the emulator's comparisons with
// real s390x code (s390x-linux-gnu-gcc, qemu-s390x): it finds the cross
// tools, and skips a test without them unless TRAMPCHECK_REQUIRE_QEMU=1
// (as in CI), where a missing tool fails it.
package qemutest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Tool returns the path of the command name, which the Debian package pkg
// installs. Without it tb is skipped ("the comparison with <against> is
// skipped"), or fails when TRAMPCHECK_REQUIRE_QEMU=1.
func Tool(tb testing.TB, name, pkg, against string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := fmt.Sprintf("%s not installed (%s): the comparison with %s is skipped", name, pkg, against)
		if os.Getenv("TRAMPCHECK_REQUIRE_QEMU") == "1" {
			tb.Fatal(msg + " (TRAMPCHECK_REQUIRE_QEMU=1)")
		}
		tb.Skip(msg)
	}
	return p
}
