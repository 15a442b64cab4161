package missingproto_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestMain gives the kernel tests one translation-unit cache, so that
// each unmodified kernel file is preprocessed once for all of them (the
// mutants, whose contents differ, never hit it).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "trampcheck-missingproto-cache")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	kernelCache = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// kernelCache is the cache directory of the kernel tests.
var kernelCache string

// kernelDirs are the directories whose every built .c file is compared
// with GCC.
var kernelDirs = []string{"kernel/bpf", "arch/s390/net", "arch/s390/kernel"}

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

// kernelWarning matches one -Wmissing-prototypes line of GCC.
var kernelWarning = regexp.MustCompile(`^(\S+):(\d+):(\d+): warning: (.*) \[-Wmissing-prototypes\]$`)

// kernelGCC runs the kernel's own W=1 compile command (-fsyntax-only) for
// rel, on src through standard input when src is not nil, and returns its
// -Wmissing-prototypes lines for rel.
func kernelGCC(tree, rel string, src []byte) ([]string, error) {
	var argv []string
	var err error
	if src == nil {
		argv, err = kbuild.GCCArgs(tree, rel)
	} else {
		argv, err = kbuild.GCCStdinArgs(tree, rel)
	}
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	if src != nil {
		cmd.Stdin = strings.NewReader(kbuild.StdinLineMarker(rel) + string(src))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if m := kernelWarning.FindStringSubmatch(l); m != nil && m[1] == rel {
			got = append(got, l)
		}
	}
	return got, nil
}

// kernelOurs returns trampcheck's findings for rel (its contents src) in
// the tree, with files of overlay (tree-relative) over it, as GCC prints
// them, and the parsed file.
func kernelOurs(tree, rel string, src []byte, overlay map[string][]byte) ([]string, *cparse.File, error) {
	f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree, Overlay: overlay})
	if err != nil {
		return nil, nil, err
	}
	if f.TU == nil {
		return nil, f, fmt.Errorf("%s: no translation unit: %v", rel, f.TUErr)
	}
	var got []string
	for _, w := range missingproto.FindTU(f) {
		got = append(got, fmt.Sprintf("%s:%d:%d: warning: %s [-Wmissing-prototypes]", rel, w.Func.Pos.Line, f.DisplayCol(w.Func.Pos), w.Message))
	}
	return got, f, nil
}

// builtFiles returns the .c files of kernelDirs that the tree's
// configuration builds.
func builtFiles(t *testing.T, tree string) []string {
	t.Helper()
	var files []string
	for _, d := range kernelDirs {
		fs, err := kbuild.Built(kbuild.DirReader(tree), d)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d built files in %s; want at least the 50 of the issue", len(files), strings.Join(kernelDirs, ", "))
	}
	return files
}

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

// allFiles returns every .c file of kernelDirs in the tree.
func allFiles(t *testing.T, tree string, dirs []string) []string {
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
	return files
}

// TestKernelGCC reads every .c file of kernel/bpf, arch/s390/net and
// arch/s390/kernel of the prepared tree: each must give its real
// translation unit (never an error, never the hermetic fallback), and for
// every file that an s390 defconfig builds the findings must equal those
// of the kernel's own W=1 compile command, line for line.
func TestKernelGCC(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	crossGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", kernelCache)
	built := builtFiles(t, tree)
	all := allFiles(t, tree, kernelDirs)
	var mu sync.Mutex
	equal, warnings, read := 0, 0, 0
	parallel(all, func(rel string) {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Error(err)
			return
		}
		got, _, err := kernelOurs(tree, rel, src, nil)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		read++
		mu.Unlock()
		if !slices.Contains(built, rel) {
			return
		}
		want, err := kernelGCC(tree, rel, nil)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		warnings += len(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\ngot (trampcheck)\n\t%s\nwant (%s)\n\t%s", rel, strings.Join(got, "\n\t"), kbuild.Compiler, strings.Join(want, "\n\t"))
			return
		}
		equal++
	})
	t.Logf("%d of %d .c files read as translation units; %d of %d built files give GCC's -Wmissing-prototypes lines exactly (%d warnings)",
		read, len(all), equal, len(built), warnings)
}

// TestKernelUnprepared reads every .c file of arch/s390/net and
// arch/s390/kernel in the unprepared tree (arch/s390, include and Makefile
// only: the configuration and generated headers come from what
// cparse/kbuild ships): each gives its translation unit and the same
// findings as in the prepared tree.
func TestKernelUnprepared(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	prepared := ktree.Prepared(t)
	tree := ktree.Dir(t)
	t.Setenv("TRAMPCHECK_CACHE", kernelCache)
	files := allFiles(t, tree, []string{"arch/s390/net", "arch/s390/kernel"})
	if len(files) == 0 {
		t.Fatal("no files")
	}
	parallel(files, func(rel string) {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Error(err)
			return
		}
		got, f, err := kernelOurs(tree, rel, src, nil)
		if err != nil {
			t.Error(err)
			return
		}
		want, _, err := kernelOurs(prepared, rel, src, nil)
		if err != nil {
			t.Error(err)
			return
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s (%s):\ngot (unprepared)\n\t%s\nwant (prepared)\n\t%s", rel, f.TU.Config, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	})
}

// staticWord finds the "static" of the definition whose name starts at
// offset name in src: the last one between the end of the previous
// file-scope construct and the name.
var staticWord = regexp.MustCompile(`\bstatic\b`)

// TestKernelGCCDropStatic drops "static" from a random static function
// definition of each built file (blanking the word keeps every column) and
// compares trampcheck's findings on the changed file with the kernel's own
// compile command fed the same text.
func TestKernelGCCDropStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	crossGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", kernelCache)
	files := builtFiles(t, tree)
	rng := rand.New(rand.NewPCG(2026, 12))
	type mutant struct {
		rel, fn string
		src     []byte
	}
	var mutants []mutant
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Fatal(err)
		}
		f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree})
		if err != nil || f.TU == nil {
			t.Fatalf("%s: %v %v", rel, err, f.TUErr)
		}
		var cands []cparse.Func
		for _, fn := range f.Funcs {
			if fn.Def && fn.Static && !fn.Inline && !fn.FromMacro && !fn.BlockScope {
				cands = append(cands, fn)
			}
		}
		if len(cands) == 0 {
			continue
		}
		fn := cands[rng.IntN(len(cands))]
		// The "static" is on the name's line or up to two lines above.
		start := f.Lines[max(fn.Pos.Line-3, 0)]
		locs := staticWord.FindAllIndex(src[start:fn.Pos.Offset], -1)
		if len(locs) == 0 {
			continue
		}
		at := start + locs[len(locs)-1][0]
		mut := bytes.Clone(src)
		copy(mut[at:], "      ")
		mutants = append(mutants, mutant{rel, fn.Name, mut})
	}
	var mu sync.Mutex
	equal, fired := 0, 0
	parallel(mutants, func(m mutant) {
		want, err := kernelGCC(tree, m.rel, m.src)
		if err != nil {
			t.Error(err)
			return
		}
		got, _, err := kernelOurs(tree, m.rel, m.src, nil)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(got, want) {
			t.Errorf("%s without static on %s:\ngot (trampcheck)\n\t%s\nwant (%s)\n\t%s", m.rel, m.fn, strings.Join(got, "\n\t"), kbuild.Compiler, strings.Join(want, "\n\t"))
			return
		}
		equal++
		for _, w := range want {
			if strings.Contains(w, "'"+m.fn+"'") {
				fired++
				break
			}
		}
	})
	t.Logf("%d of %d mutants (static dropped) equal GCC; %d of them gave the mutated function's warning", equal, len(mutants), fired)
	if fired == 0 {
		t.Errorf("no mutant gave a warning for its function: the mutation is broken")
	}
}

// TestKernelGCCHeaderPrototype removes, for a random non-static function
// of each built file whose prototype is in a header, that prototype (its
// name is renamed in the header, in memory for trampcheck and in a copy
// searched first for GCC) and compares trampcheck's findings with the
// kernel's own compile command.
func TestKernelGCCHeaderPrototype(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	crossGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", kernelCache)
	files := builtFiles(t, tree)
	rng := rand.New(rand.NewPCG(2026, 14))
	type mutant struct {
		rel, fn, header, incDir string
		hsrc                    []byte
	}
	var mutants []mutant
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Fatal(err)
		}
		f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree})
		if err != nil || f.TU == nil {
			t.Fatalf("%s: %v %v", rel, err, f.TUErr)
		}
		cmd, err := kbuild.For(kbuild.DirReader(tree), rel)
		if err != nil {
			t.Fatal(err)
		}
		// Definitions with exactly one earlier prototype, in a header
		// under one of the command's include directories, written there
		// (not by a macro).
		protos := map[string][]int{}
		var cands []int
		for i, d := range f.TU.Decls {
			switch {
			case d.Prototype && !d.Def && !f.TU.InFile(d.Pos) && d.Macro == "":
				protos[d.Name] = append(protos[d.Name], i)
			case d.Def && !d.Static && !d.Inline && f.TU.InFile(d.Pos) && len(protos[d.Name]) == 1:
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			continue
		}
		def := f.TU.Decls[cands[rng.IntN(len(cands))]]
		proto := f.TU.Decls[protos[def.Name][0]]
		incDir := ""
		for _, d := range cmd.IncludeDirs {
			if strings.HasPrefix(proto.Pos.File, d+"/") {
				incDir = d
				break
			}
		}
		if incDir == "" {
			continue
		}
		h, err := os.ReadFile(filepath.Join(tree, proto.Pos.File))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(h), "\n")
		l := lines[proto.Pos.Line-1]
		c := proto.Pos.Col - 1
		if c+len(def.Name) > len(l) || l[c:c+len(def.Name)] != def.Name {
			continue
		}
		lines[proto.Pos.Line-1] = l[:c] + def.Name + "_gone" + l[c+len(def.Name):]
		mutants = append(mutants, mutant{rel, def.Name, proto.Pos.File, incDir, []byte(strings.Join(lines, ""))})
	}
	var mu sync.Mutex
	equal, fired, uncompilable := 0, 0, 0
	parallel(mutants, func(m mutant) {
		// GCC: the changed header in a copy of its include directory,
		// searched first.
		ov := t.TempDir()
		hp := filepath.Join(ov, filepath.FromSlash(m.header))
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			t.Error(err)
			return
		}
		if err := os.WriteFile(hp, m.hsrc, 0o644); err != nil {
			t.Error(err)
			return
		}
		argv, err := kbuild.GCCArgs(tree, m.rel)
		if err != nil {
			t.Error(err)
			return
		}
		argv = append([]string{argv[0], "-I", filepath.Join(ov, filepath.FromSlash(m.incDir))}, argv[1:]...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = tree
		cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			// The header itself calls the function after the removed
			// prototype: an implicit declaration, an error in the
			// kernel's build (builderrors' business), not a mutant of
			// this test.
			mu.Lock()
			uncompilable++
			mu.Unlock()
			return
		}
		var want []string
		for _, l := range strings.Split(string(out), "\n") {
			if mm := kernelWarning.FindStringSubmatch(l); mm != nil && mm[1] == m.rel {
				want = append(want, l)
			}
		}
		src, err := os.ReadFile(filepath.Join(tree, m.rel))
		if err != nil {
			t.Error(err)
			return
		}
		got, _, err := kernelOurs(tree, m.rel, src, map[string][]byte{m.header: m.hsrc})
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(got, want) {
			t.Errorf("%s without the prototype of %s in %s:\ngot (trampcheck)\n\t%s\nwant (%s)\n\t%s", m.rel, m.fn, m.header, strings.Join(got, "\n\t"), kbuild.Compiler, strings.Join(want, "\n\t"))
			return
		}
		equal++
		for _, w := range want {
			if strings.Contains(w, "'"+m.fn+"'") {
				fired++
				break
			}
		}
	})
	t.Logf("%d of %d mutants (a header prototype removed) equal GCC, %d gave the function's warning; %d do not compile (the header uses the function)", equal, len(mutants)-uncompilable, fired, uncompilable)
	if fired == 0 {
		t.Errorf("no mutant gave a warning for its function: the mutation is broken")
	}
}
