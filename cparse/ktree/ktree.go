// Package ktree locates the real Linux 6.12 source tree that integration
// tests read: Debian's linux-source-6.12, extracted by .ci/kernel-tree into a
// cache directory that git ignores. Nothing of the kernel is in the repository.
//
// Debian replaces point releases without notice, so tests must hold for any
// 6.12.y. They find lines from the file's text instead of hard-coding them,
// compare counts with an independent count, and assert what was measured
// on one file (line numbers, the exact list of findings, the anchors of
// mutations) only when JITAsWritten says the file is that one. The
// comparisons of the file's trampoline generator with refimpl/tramp (the
// trampxcheck tests, refimpl/tramp's kernel oracle, the xcheck step of
// .ci/run) are pinned to the trampoline code that refimpl/tramp
// transcribes: a release that changes that code makes them report
// divergences, which is what they exist to find (refimpl must follow), not
// drift.
package ktree

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// JITFile is the tree-relative path of the s390x BPF JIT.
const JITFile = "arch/s390/net/bpf_jit_comp.c"

// JITSHA256 is the SHA-256 of the JITFile that tests with exact line
// numbers or counts were written against: Linux 6.12.117 and 6.12.118 (the
// file is the same in both; 3010 lines, __arch_prepare_bpf_trampoline
// defined at 2609). Debian replaces point releases, and a later 6.12.y may
// change the file: see JITAsWritten.
const JITSHA256 = "7c70c87a9154a41675ffeb8d157f2ac2b2840e8879587a4cc5d6e879c4913a27"

var (
	once    sync.Once
	treeDir string
	findErr string
)

// repoRoot returns the directory holding go.mod, walking up from the
// working directory of the test.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func locate() {
	if d := os.Getenv("TRAMPCHECK_KERNEL_TREE"); d != "" {
		treeDir = d
		return
	}
	root := repoRoot()
	if root == "" {
		findErr = "cannot find the repository root"
		return
	}
	d := filepath.Join(root, ".cache", "kernel", "linux-source-6.12")
	if _, err := os.Stat(filepath.Join(d, ".extracted")); err == nil {
		treeDir = d
		return
	}
	// Extract it now when the Debian package is installed.
	out, err := exec.Command(filepath.Join(root, ".ci", "kernel-tree")).CombinedOutput()
	if err != nil {
		findErr = "no kernel tree: " + strings.TrimSpace(string(out))
		return
	}
	treeDir = strings.TrimSpace(string(out))
}

// Dir returns the root of the real kernel tree. When it is not available the
// test is skipped, unless TRAMPCHECK_REQUIRE_KERNEL=1 (set by .ci/run), in
// which case it fails.
func Dir(tb testing.TB) string {
	tb.Helper()
	once.Do(locate)
	if treeDir == "" {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("kernel tree required: %s", findErr)
		}
		tb.Skipf("kernel tree not available (%s); install linux-source-6.12 and run .ci/kernel-tree", findErr)
	}
	return treeDir
}

// JIT returns the contents of the real arch/s390/net/bpf_jit_comp.c.
func JIT(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(tb), JITFile))
	if err != nil {
		tb.Fatalf("reading the real JIT file: %v", err)
	}
	return b
}

// JITAsWritten reports whether the real JIT file is the one the tests were
// written against (JITSHA256). Tests assert exact line numbers, counts or
// findings of the real file only when it is; otherwise they log, through
// this call, that the exact part is skipped, and still check what holds
// for any 6.12.y (lines found from the file's text, counts against an
// independent count).
func JITAsWritten(tb testing.TB) bool {
	tb.Helper()
	sum := sha256.Sum256(JIT(tb))
	if got := hex.EncodeToString(sum[:]); got != JITSHA256 {
		tb.Logf("%s differs from the file the exact assertions were written against (SHA-256 %s, Linux 6.12.117/118): got SHA-256 %s; exact line numbers and counts not checked", JITFile, JITSHA256[:12], got[:12])
		return false
	}
	return true
}
