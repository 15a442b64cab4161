package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// BenchmarkCheckSeedPatch measures the whole of "trampcheck check --tree
// TREE PATCH" in process for the seed patch (static removed from
// __arch_prepare_bpf_trampoline) against the real tree: reading the patch,
// applying it, parsing base and patched file, the header closure, every
// registered check and the text output.
func BenchmarkCheckSeedPatch(b *testing.B) {
	tree := ktree.Dir(b)
	src := string(ktree.JIT(b))
	patched := strings.Replace(src, "static int __arch_prepare_bpf_trampoline(", "int __arch_prepare_bpf_trampoline(", 1)
	patch := unifiedDiff(b, ktree.JITFile, src, patched)
	b.ResetTimer()
	for b.Loop() {
		e := &env{Stdin: strings.NewReader(patch), Stdout: io.Discard, Stderr: io.Discard}
		if code := run(e, []string{"check", "--tree", tree, "-"}); code != exitFindings {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkCheckFile measures "trampcheck check FILE" on the real file
// alone (hermetic front end, embedded prototype index, every check).
func BenchmarkCheckFile(b *testing.B) {
	path := filepath.Join(ktree.Dir(b), ktree.JITFile)
	for b.Loop() {
		e := &env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
		if code := run(e, []string{"check", path}); code == exitError {
			b.Fatalf("exit %d", code)
		}
	}
}
