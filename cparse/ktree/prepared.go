package ktree

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	preparedOnce sync.Once
	preparedDir  string
)

// Prepared returns the root of the whole linux-source-6.12 tree prepared
// for an s390 defconfig (make ARCH=s390 defconfig prepare), which
// .ci/kernel-prepared makes under .cache/kernel/prepared, or the directory
// $TRAMPCHECK_PREPARED_TREE. Tests that compare with s390x-linux-gnu-gcc
// on real kernel files read it; it is never written. Without it the test
// is skipped, unless TRAMPCHECK_REQUIRE_KERNEL=1, when it fails.
func Prepared(tb testing.TB) string {
	tb.Helper()
	preparedOnce.Do(func() {
		if d := os.Getenv("TRAMPCHECK_PREPARED_TREE"); d != "" {
			preparedDir = d
			return
		}
		root := repoRoot()
		if root == "" {
			return
		}
		cache := filepath.Join(root, ".cache", "kernel", "prepared")
		if _, err := os.Stat(filepath.Join(cache, ".prepared")); err == nil {
			preparedDir = filepath.Join(cache, "linux-source-6.12")
		}
	})
	if preparedDir == "" {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("prepared kernel tree required: run .ci/kernel-prepared")
		}
		tb.Skipf("no prepared kernel tree; run .ci/kernel-prepared")
	}
	return preparedDir
}
