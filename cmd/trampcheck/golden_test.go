package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/*.golden from the current trampcheck (go test ./cmd/trampcheck -run TestGolden -update)")

// goldenCase is one command line whose whole output is pinned.
type goldenCase struct {
	name  string   // golden file name, without .golden
	stdin string   // standard input
	args  []string // the command line, without "trampcheck"
	// out, when set, is a directory the command writes (the bot's --out):
	// its files are appended to the output, sorted by name.
	out string
}

// goldenDate matches the Date header of replies, the one line of the
// outputs that depends on the clock.
var goldenDate = regexp.MustCompile(`(?m)^Date: .*$`)

// goldenText runs c in-process and returns what is compared: the exit
// status, standard output, standard error and the files of c.out, with the
// tree's real path replaced by $TREE and reply dates by $DATE.
func goldenText(t *testing.T, c goldenCase, trees map[string]string) string {
	t.Helper()
	stdout, stderr, code := runCLI(t, c.stdin, c.args...)
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n-- stdout --\n%s-- stderr --\n%s", code, stdout, stderr)
	if c.out != "" {
		ents, err := os.ReadDir(c.out)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			if e.Name() != ".lock" {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join(c.out, n))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "-- %s --\n%s", n, data)
		}
	}
	s := b.String()
	// Longest path first: the prepared tree may sit under the plain one.
	keys := make([]string, 0, len(trees))
	for k := range trees {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, trees[k])
	}
	return goldenDate.ReplaceAllString(s, "Date: $$DATE")
}

// compareGolden compares got with testdata/golden/NAME.golden, or writes it
// with -update.
func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/trampcheck -run TestGolden -update with the trampcheck to pin)", err)
	}
	if got != string(want) {
		t.Errorf("%s: output differs from %s:\n%s", name, path, lineDiff(string(want), got))
	}
}

// lineDiff names the first line where want and got differ.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g, w)
		}
	}
	return "no line differs (line endings?)"
}

// realPath is dir with symbolic links resolved, as the tree reader
// reports it.
func realPath(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := filepath.EvalSymlinks(abs)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// formatsOf returns one case per output format of check over input.
func formatsOf(prefix, stdin string, tree string, input string) []goldenCase {
	var cs []goldenCase
	for _, f := range []string{"text", "json", "sarif", "robot", "b4"} {
		args := []string{"check", "--format=" + f}
		if tree != "" {
			args = append(args, "--tree", tree)
		}
		cs = append(cs, goldenCase{name: prefix + "-" + f, stdin: stdin, args: append(args, input)})
	}
	return cs
}

// TestGoldenDemo pins the CLI's output, byte for byte, in every format
// (text, json, sarif, robot mail, b4, the send-email hook, the list bot's
// reply) on the demo series. The golden files were written by the
// trampcheck of before the driver moved into packages: the move must not
// change a byte.
func TestGoldenDemo(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	trees := map[string]string{realPath(t, demoTree): "$TREE"}
	mbox := "../../testdata/demo/series.mbox"
	patch1 := "../../testdata/demo/series/0001-s390-bpf-Restore-the-argument-registers-after-the-ca.patch"
	cases := formatsOf("demo-mbox", "", demoTree, mbox)
	cases = append(cases, formatsOf("demo-dir", "", demoTree, "../../testdata/demo/series")...)
	cases = append(cases,
		goldenCase{name: "demo-file", args: []string{"check", "--tree", demoTree, demoTree + "/arch/s390/net/bpf_jit_comp.c"}},
		goldenCase{name: "demo-file-hermetic", args: []string{"check", demoTree + "/arch/s390/net/bpf_jit_comp.c"}},
		goldenCase{name: "demo-hook", args: []string{"hook", "run", "--tree", demoTree, patch1}},
		goldenCase{name: "demo-hook-b4", args: []string{"hook", "run", "--tree", demoTree, "--format=b4", patch1}},
	)
	out := filepath.Join(t.TempDir(), "out")
	cases = append(cases, goldenCase{name: "demo-bot", args: []string{"bot", "--tree", demoTree, "--out", out, mbox}, out: out})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareGolden(t, c.name, goldenText(t, c, trees))
		})
	}
}

// TestGoldenReal pins the same outputs on the real JIT file: the seed
// patch (static removed from __arch_prepare_bpf_trampoline) in every
// format, through the hook and the bot, and the unmodified file with and
// without the tree. The golden files hold Linux 6.12.118's line numbers,
// so they are compared only when the installed file is that one.
func TestGoldenReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real kernel tree")
	}
	tree := ktree.Dir(t)
	if !ktree.JITAsWritten(t) {
		t.Skip("the installed JIT file is not the one the golden files were made from")
	}
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	trees := map[string]string{realPath(t, tree): "$TREE", tree: "$TREE"}
	const sym = "__arch_prepare_bpf_trampoline"
	mail, _ := realPatchMail(t, "static int "+sym+"(", "int "+sym+"(")
	dir := t.TempDir()
	seed := filepath.Join(dir, "0029.patch")
	if err := os.WriteFile(seed, []byte(mail), 0o644); err != nil {
		t.Fatal(err)
	}
	trees[dir] = "$DIR"
	jit := filepath.Join(tree, ktree.JITFile)
	cases := formatsOf("seed", "", tree, seed)
	cases = append(cases, formatsOf("seed-stdin", mail, tree, "-")[:1]...)
	cases = append(cases,
		goldenCase{name: "real-file", args: []string{"check", "--tree", tree, jit}},
		goldenCase{name: "real-file-json", args: []string{"check", "--tree", tree, "--format=json", jit}},
		goldenCase{name: "real-file-hermetic", args: []string{"check", jit}},
		goldenCase{name: "seed-hook", args: []string{"hook", "run", "--tree", tree, seed}},
		goldenCase{name: "seed-hook-b4", args: []string{"hook", "run", "--tree", tree, "--format=b4", seed}},
	)
	out := filepath.Join(dir, "out")
	cases = append(cases, goldenCase{name: "seed-bot", args: []string{"bot", "--tree", tree, "--out", out, seed}, out: out})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareGolden(t, c.name, goldenText(t, c, trees))
		})
	}
}

// TestGoldenDeterministic guards the golden test itself: the normalised
// output of a run is the same twice, so a difference is the code's.
func TestGoldenDeterministic(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", "off")
	trees := map[string]string{realPath(t, demoTree): "$TREE"}
	c := goldenCase{args: []string{"check", "--tree", demoTree, "--format=robot", "../../testdata/demo/series.mbox"}}
	a, b := goldenText(t, c, trees), goldenText(t, c, trees)
	if a != b {
		t.Errorf("two runs differ: %s", lineDiff(a, b))
	}
	if !bytes.Contains([]byte(a), []byte("Date: $DATE")) {
		t.Errorf("robot output has no normalised Date line:\n%s", a)
	}
}
