package cparse_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestSharedPrefixSeed parses the base and the patched state of the seed
// patch at once, as a patch check does (the patched unit is then
// preprocessed from the base's state, or the other way round), and
// compares each translation unit with the same file's unit read alone:
// declarations, uses, diagnostics, files, dependencies and pragma spans
// must be the same.
func TestSharedPrefixSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel tree: skipped with -short")
	}
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", "off")
	rel := "arch/s390/net/bpf_jit_comp.c"
	base, err := os.ReadFile(filepath.Join(tree, rel))
	if err != nil {
		t.Fatal(err)
	}
	const from = "\nstatic int __arch_prepare_bpf_trampoline("
	if strings.Count(string(base), from) != 1 {
		t.Fatalf("%s: %q not found once", rel, from)
	}
	patched := []byte(strings.Replace(string(base), from, "\nint __arch_prepare_bpf_trampoline(", 1))
	opts := cparse.Options{Tree: tree, SkipTypeErrors: false}
	parse := func(src []byte) *cparse.TU {
		f, err := cparse.Parse(filepath.Join(tree, rel), src, opts)
		if err != nil {
			t.Error(err)
			return nil
		}
		if f.TU == nil {
			t.Errorf("no translation unit: %v", f.TUErr)
		}
		return f.TU
	}
	forks := cparse.ShareForks()
	var shared [2]*cparse.TU
	var wg sync.WaitGroup
	for i, src := range [][]byte{base, patched} {
		wg.Go(func() { shared[i] = parse(src) })
	}
	wg.Wait()
	t.Logf("%d of the two units forked", cparse.ShareForks()-forks)
	for i, src := range [][]byte{base, patched} {
		alone := parse(src)
		if t.Failed() {
			return
		}
		if !reflect.DeepEqual(shared[i], alone) {
			t.Errorf("state %d: the unit read beside the other differs from the unit read alone", i)
		}
	}
}

// TestDepsCurrentCommand: a change of the compile command that no file
// the preprocessor read shows (a flag added in the directory's Makefile)
// makes DepsCurrent false, so that a driver's cached findings of the
// file are not reused; the same command keeps it true.
func TestDepsCurrentCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel tree: skipped with -short")
	}
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	rel := "kernel/bpf/tnum.c"
	src, err := os.ReadFile(filepath.Join(tree, rel))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join(tree, "kernel/bpf/Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	opts := cparse.Options{Tree: tree}
	f, err := cparse.Parse(filepath.Join(tree, rel), src, opts)
	if err != nil || f.TU == nil {
		t.Fatalf("parse: %v (unit error %v)", err, f.TUErr)
	}
	if !cparse.DepsCurrent(filepath.Join(tree, rel), src, opts, nil, f.TU.Deps) {
		t.Fatal("DepsCurrent false with nothing changed")
	}
	changed := opts
	changed.Overlay = map[string][]byte{"kernel/bpf/Makefile": append(append([]byte(nil), mk...), "ccflags-y += -DTRAMPCHECK_TEST_FLAG\n"...)}
	if cparse.DepsCurrent(filepath.Join(tree, rel), src, changed, nil, f.TU.Deps) {
		t.Fatal("DepsCurrent true although the Makefile adds a -D for the file")
	}
}
