package builderrors_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// kernelDirs are the directories whose every .c file must give no error.
var kernelDirs = []string{"kernel/bpf", "arch/s390/net", "arch/s390/kernel"}

// parallel runs fn for every item, GOMAXPROCS at a time.
func parallel[T any](items []T, fn func(T)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(it)
		}()
	}
	wg.Wait()
}

// kernelFiles returns every .c file of dirs in the tree, tree-relative.
func kernelFiles(t *testing.T, tree string, dirs []string) []string {
	t.Helper()
	var files []string
	for _, d := range dirs {
		m, err := filepath.Glob(filepath.Join(tree, d, "*.c"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			files = append(files, filepath.ToSlash(strings.TrimPrefix(p, tree+string(filepath.Separator))))
		}
	}
	if len(files) < 50 {
		t.Fatalf("only %d .c files in %s of %s", len(files), strings.Join(dirs, ", "), tree)
	}
	return files
}

// TestKernelClean reads every .c file of kernelDirs in the prepared tree,
// unmodified: each is read as its translation unit, and none gives an
// error (GCC builds them all, or reports nothing of these classes for
// the few the configuration does not build).
func TestKernelClean(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	files := kernelFiles(t, tree, kernelDirs)
	var mu sync.Mutex
	read := 0
	parallel(files, func(rel string) {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Error(err)
			return
		}
		f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree})
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return
		}
		if f.TU == nil {
			t.Errorf("%s: no translation unit: %v", rel, f.TUErr)
			return
		}
		for _, e := range builderrors.Find(f) {
			t.Errorf("unmodified file: got %s, want no error", e.Format(rel))
		}
		mu.Lock()
		read++
		mu.Unlock()
	})
	t.Logf("%d of %d unmodified .c files read as translation units without an error", read, len(files))
}

// crossGCC skips the test without s390x-linux-gnu-gcc (fails when CI
// requires the oracles).
func crossGCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(kbuild.Compiler); err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			t.Fatalf("%s required: %v", kbuild.Compiler, err)
		}
		t.Skipf("no %s: %v", kbuild.Compiler, err)
	}
}
