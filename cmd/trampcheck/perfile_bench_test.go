package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// BenchmarkKernelBPFWarm measures, for every .c file of kernel/bpf in the
// prepared tree, "trampcheck check --tree TREE --checks=missingproto FILE"
// as a process with a warm cache (the binary is built once; one run fills
// the cache before timing), beside the kernel's own compile command for
// that file with -fsyntax-only (s390x-linux-gnu-gcc, best of three,
// reported as gcc-ms) and the ratio of the two (x-gcc: how many times
// faster trampcheck is). Compare the x-gcc column across files:
//
//	go test ./cmd/trampcheck -run '^$' -bench KernelBPFWarm -benchtime 5x
//
// TRAMPCHECK_BENCH_BIN=path times that trampcheck binary instead of one
// built from this tree (another version, side by side).
func BenchmarkKernelBPFWarm(b *testing.B) {
	tree := ktree.Prepared(b)
	gcc, err := exec.LookPath(kbuild.Compiler)
	if err != nil {
		b.Skipf("%s not installed", kbuild.Compiler)
	}
	bin := os.Getenv("TRAMPCHECK_BENCH_BIN")
	if bin == "" {
		bin = buildTrampcheck(b)
	}
	cache := filepath.Join(b.TempDir(), "cache")
	files, _ := filepath.Glob(filepath.Join(tree, "kernel", "bpf", "*.c"))
	if len(files) == 0 {
		b.Fatal("no kernel/bpf files in the prepared tree")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(tree, f)
		argv, err := kbuild.GCCArgs(tree, rel)
		if err != nil {
			continue // not built by the configuration
		}
		b.Run(filepath.Base(rel), func(b *testing.B) {
			var gccBest time.Duration
			for i := range 3 {
				c := exec.Command(gcc, argv[1:]...)
				c.Dir = tree
				start := time.Now()
				if out, err := c.CombinedOutput(); err != nil {
					b.Skipf("gcc fails on %s: %v\n%s", rel, err, out)
				}
				if d := time.Since(start); i == 0 || d < gccBest {
					gccBest = d
				}
			}
			check := func() {
				c := exec.Command(bin, "check", "--tree", tree, "--checks=missingproto", f)
				c.Env = append(os.Environ(), "TRAMPCHECK_CACHE="+cache)
				if out, err := c.CombinedOutput(); err != nil {
					b.Fatalf("trampcheck on %s: %v\n%s", rel, err, out)
				}
			}
			check() // fills the cache
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				check()
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(gccBest.Microseconds())/1000, "gcc-ms")
			b.ReportMetric(float64(gccBest)/float64(per), "x-gcc")
		})
	}
}
