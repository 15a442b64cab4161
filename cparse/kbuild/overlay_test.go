package kbuild

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// lines returns the non-blank lines of a C header with comments removed
// and white space collapsed: the header's tokens, line by line.
func lines(b []byte) []string {
	s := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(b), " ")
	s = regexp.MustCompile(`//[^\n]*`).ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\\\n", " ")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// defines returns the #define NAME VALUE lines of a header as a map.
func defines(b []byte) map[string]string {
	m := map[string]string{}
	for _, l := range lines(b) {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "#define" {
			m[f[1]] = strings.Join(f[2:], " ")
		}
	}
	return m
}

// valueEqual lists the headers compared by their #define values only: the
// configuration (Kconfig writes it in hash order) and timeconst.h (whose
// #error text and layout are ours).
var valueEqual = map[string]bool{autoconfH: true, "include/generated/timeconst.h": true}

// TestOverlayMatchesPrepared compares every header the overlay synthesises
// with the one Kbuild generated in the prepared tree (prepared for the same
// defconfig the package ships).
func TestOverlayMatchesPrepared(t *testing.T) {
	tree := preparedDir(t)
	read := DirReader(tree)
	cfg := config{}
	for _, kv := range data().config {
		cfg[kv[0]] = makeValue(kv[1])
	}
	ov, err := overlay(read, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for p, got := range ov {
		want, err := read(p)
		if err != nil {
			t.Errorf("%s: synthesised, but the prepared tree has none: %v", p, err)
			continue
		}
		if valueEqual[p] {
			if g, w := defines(got), defines(want); !reflect.DeepEqual(g, w) {
				t.Errorf("%s: got %d defines, want %d; first difference: %s", p, len(g), len(w), firstDiff(g, w))
			}
			continue
		}
		if g, w := lines(got), lines(want); !reflect.DeepEqual(g, w) {
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s: logical line %d: got %q, want %q (%d and %d lines)", p, i+1, at(g, i), at(w, i), len(g), len(w))
		}
	}
	// Every wrapper Kbuild made is synthesised.
	for _, dir := range []string{genAsm, genUapiAsm} {
		ents, err := os.ReadDir(filepath.Join(tree, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			p := dir + "/" + e.Name()
			b, err := read(p)
			if err != nil || !bytes.HasPrefix(b, []byte("#include <asm-generic/")) {
				continue
			}
			if _, ok := ov[p]; !ok {
				t.Errorf("%s: Kbuild wraps it, the overlay does not", p)
			}
		}
	}
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return "(end)"
}

func firstDiff(got, want map[string]string) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		if g != w || gok != wok {
			return fmt.Sprintf("%s: got %q (defined %v), want %q (defined %v)", k, g, gok, w, wok)
		}
	}
	return "none"
}

// TestTimeconstMatchesBC compares timeconst with the kernel's own bc script
// for several HZ values.
func TestTimeconstMatchesBC(t *testing.T) {
	tree := preparedDir(t)
	needTool(t, "bc")
	bcFile := filepath.Join(tree, "kernel/time/timeconst.bc")
	for _, hz := range []int{2, 24, 100, 250, 300, 1000, 1024, 1200} {
		cmd := exec.Command("bc", "-q", bcFile)
		cmd.Stdin = strings.NewReader(fmt.Sprintln(hz))
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("bc for HZ=%d: %v", hz, err)
		}
		got, err := timeconst(hz)
		if err != nil {
			t.Fatalf("timeconst(%d): %v", hz, err)
		}
		if g, w := defines(got), defines(want); !reflect.DeepEqual(g, w) {
			t.Errorf("timeconst(%d): %s", hz, firstDiff(g, w))
		}
	}
	if _, err := timeconst(1); err == nil {
		t.Errorf("timeconst(1): got no error, want one (bc's script refuses HZ < 2)")
	}
}

// generatedPrefixes are the files of a prepared tree an unprepared one
// lacks.
var generatedPrefixes = []string{"include/generated/", "arch/s390/include/generated/", "include/config/"}

// unpreparedFarm makes, in a temporary directory, a tree of symbolic links
// to the sources of tree's top-level directories dirs (and the top
// Makefile) without anything Kbuild generates, and writes the overlay of
// For into it. It returns the directory.
func unpreparedFarm(t *testing.T, tree string, dirs ...string) string {
	t.Helper()
	farm := t.TempDir()
	for _, d := range dirs {
		src := filepath.Join(tree, d)
		err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(tree, p)
			rel = filepath.ToSlash(rel)
			for _, g := range generatedPrefixes {
				if strings.HasPrefix(rel+"/", g) {
					if info.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
			}
			if info.IsDir() {
				return os.MkdirAll(filepath.Join(farm, rel), 0o755)
			}
			if strings.HasSuffix(rel, ".o") || strings.HasSuffix(rel, ".cmd") || strings.HasSuffix(rel, ".s") {
				return nil
			}
			return os.Symlink(p, filepath.Join(farm, rel))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(tree, "Makefile"), filepath.Join(farm, "Makefile")); err != nil {
		t.Fatal(err)
	}
	return farm
}

// TestOverlayPreprocessesLikePrepared preprocesses the JIT, two
// arch/s390/kernel files and every kernel/bpf file with s390x-linux-gnu-gcc twice: in the prepared tree, and
// in a copy of its arch, include and kernel sources without generated files
// where For's overlay supplies them. The outputs must be identical.
func TestOverlayPreprocessesLikePrepared(t *testing.T) {
	tree := preparedDir(t)
	needTool(t, Compiler)
	farm := unpreparedFarm(t, tree, "arch", "include", "kernel", "lib", "tools/lib/bpf")
	files, err := Built(DirReader(tree), "kernel/bpf")
	if err != nil {
		t.Fatal(err)
	}
	// The JIT, the two arch/s390/kernel files that use the disassembler's
	// tables and the vDSO's offsets, and kernel/bpf.
	files = append([]string{"arch/s390/net/bpf_jit_comp.c", "arch/s390/kernel/dis.c", "arch/s390/kernel/vdso.c"}, files...)
	if testing.Short() {
		files = files[:3]
	}
	cmd, err := For(DirReader(farm), files[0])
	if err != nil {
		t.Fatal(err)
	}
	if cmd.ConfigSource != ShippedConfigSource() {
		t.Errorf("For on an unprepared tree: got config source %q, want %q", cmd.ConfigSource, ShippedConfigSource())
	}
	// The commands in the copy, before the overlay is written into it.
	farmArgs := map[string][]string{}
	for _, f := range files {
		c, err := For(DirReader(farm), f)
		if err != nil {
			t.Fatal(err)
		}
		farmArgs[f] = c.Args
	}
	for p, b := range cmd.Overlay {
		full := filepath.Join(farm, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	preprocess := func(dir, file string, args []string) ([]byte, error) {
		argv := append(append([]string{}, args...), "-E", "-P", file)
		ex := exec.CommandContext(context.Background(), Compiler, argv...)
		ex.Dir = dir
		ex.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
		var stderr bytes.Buffer
		ex.Stderr = &stderr
		out, err := ex.Output()
		if err != nil {
			return nil, fmt.Errorf("%v: %s", err, stderr.String())
		}
		return out, nil
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := For(DirReader(tree), f)
			if err != nil {
				t.Error(err)
				return
			}
			want, err := preprocess(tree, f, c.Args)
			if err != nil {
				t.Errorf("%s in the prepared tree: %v", f, err)
				return
			}
			got, err := preprocess(farm, f, farmArgs[f])
			if err != nil {
				t.Errorf("%s with the overlay: %v", f, err)
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: preprocessed with the overlay: %d bytes, in the prepared tree: %d bytes; first difference at line %d",
					f, len(got), len(want), diffLine(got, want))
			}
		}()
	}
	wg.Wait()
}

func diffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
