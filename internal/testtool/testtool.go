// Package testtool finds the external programs that trampcheck's tests use
// as oracles or as the other end of an integration (host gcc, git, python3,
// the s390x cross tools). A test asks for a program by name and the Debian
// package that installs it; without the program the test is skipped on a
// developer's machine and fails in CI (TRAMPCHECK_REQUIRE_KERNEL=1, which
// .ci/run sets), so that a package missing from .ci/run's install line
// shows as a failure rather than as a test that silently did not run.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether the environment requires the oracles
// (TRAMPCHECK_REQUIRE_KERNEL=1, as .ci/run sets it).
func Required() bool { return os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" }

// Path returns the absolute path of the program name. Without it the test
// is skipped, or fails when Required, naming the Debian package pkg that
// installs it.
func Path(tb testing.TB, name, pkg string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if Required() {
			tb.Fatalf("%s is required (Debian package %s): %v", name, pkg, err)
		}
		tb.Skipf("%s not installed (Debian package %s)", name, pkg)
	}
	return p
}
