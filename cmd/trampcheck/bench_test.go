package main

import (
	"io"
	"os"
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

// benchCheck runs "trampcheck check --tree TREE -" on patch b.N times and
// wants exit status want.
func benchCheck(b *testing.B, tree, patch string, want int, args ...string) {
	b.Helper()
	for b.Loop() {
		e := &env{Stdin: strings.NewReader(patch), Stdout: io.Discard, Stderr: io.Discard}
		if code := run(e, append(append([]string{"check", "--tree", tree}, args...), "-")); code != want {
			b.Fatalf("exit %d, want %d", code, want)
		}
	}
}

// BenchmarkTranslationUnit measures "trampcheck check --tree" on the
// prepared tree, where files are read as their real translation units:
// the seed patch (the JIT file, every check) and a patch of kernel/bpf/btf.c
// (missingproto), each with a cold translation-unit cache (emptied before
// every run) and a warm one. Compare with the kernel's own
// "gcc -fsyntax-only" in .ci/bench-vs-gcc.
func BenchmarkTranslationUnit(b *testing.B) {
	tree := ktree.Prepared(b)
	seed, _, _ := seedPatch(b, tree)
	btf, err := os.ReadFile(filepath.Join(tree, "kernel/bpf/btf.c"))
	if err != nil {
		b.Fatal(err)
	}
	btfPatch := unifiedDiff(b, "kernel/bpf/btf.c", string(btf),
		strings.Replace(string(btf), "static bool btf_type_needs_resolve(", "bool btf_type_needs_resolve(", 1))
	for _, c := range []struct {
		name, patch string
		args        []string
	}{
		{"seed", seed, nil},
		{"btf", btfPatch, []string{"--checks=missingproto"}},
	} {
		b.Run(c.name+"/cold", func(b *testing.B) {
			dir := b.TempDir()
			b.Setenv("TRAMPCHECK_CACHE", dir)
			for b.Loop() {
				b.StopTimer()
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				e := &env{Stdin: strings.NewReader(c.patch), Stdout: io.Discard, Stderr: io.Discard}
				if code := run(e, append(append([]string{"check", "--tree", tree}, c.args...), "-")); code != exitFindings {
					b.Fatalf("exit %d", code)
				}
			}
		})
		b.Run(c.name+"/warm", func(b *testing.B) {
			b.Setenv("TRAMPCHECK_CACHE", b.TempDir())
			e := &env{Stdin: strings.NewReader(c.patch), Stdout: io.Discard, Stderr: io.Discard}
			if code := run(e, append(append([]string{"check", "--tree", tree}, c.args...), "-")); code != exitFindings {
				b.Fatalf("exit %d", code)
			}
			benchCheck(b, tree, c.patch, exitFindings, c.args...)
		})
	}
}
