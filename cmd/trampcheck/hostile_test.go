package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/series"
	"github.com/trampcheck/trampcheck/driver/treefs"
	"github.com/trampcheck/trampcheck/internal/testtool"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Paths of the demo (relative to this package); demoTree is in check_test.go.
var (
	demoSeries = filepath.Join("..", "..", "testdata", "demo", "series")
	demoMbox   = filepath.Join("..", "..", "testdata", "demo", "series.mbox")
	demoPatch1 = filepath.Join(demoSeries, "0001-s390-bpf-Restore-the-argument-registers-after-the-ca.patch")
	demoJIT    = "arch/s390/net/bpf_jit_comp.c"
)

// readDemo reads a file of the demo.
func readDemo(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeFile writes a test input and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// replaceOnce replaces the only occurrence of old in s; the test fails when
// old is missing (the demo changed under the test).
func replaceOnce(t testing.TB, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("%q occurs %d times in the input, want 1", old, strings.Count(s, old))
	}
	return strings.Replace(s, old, new, 1)
}

// cutAfter returns s up to and including the first occurrence of marker.
func cutAfter(t testing.TB, s, marker string) string {
	t.Helper()
	i := strings.Index(s, marker)
	if i < 0 {
		t.Fatalf("%q not in the input", marker)
	}
	return s[:i+len(marker)]
}

// checkFailure asserts the contract for input the tool cannot check: exit
// status 2, nothing on stdout, one to three lines on stderr that name the
// input, and no panic trace.
func checkFailure(t *testing.T, stdout, stderr string, code int, input string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	switch {
	case code != exitError:
		t.Errorf("got exit status %d, want %d; stdout %q, stderr %q", code, exitError, firstLines(stdout, 3), stderr)
	case stdout != "":
		t.Errorf("got stdout %q, want nothing", firstLines(stdout, 3))
	case stderr == "" || len(lines) > 3:
		t.Errorf("got %d stderr lines %q, want 1 to 3", len(lines), firstLines(stderr, 5))
	case strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") || strings.Contains(stderr, "internal error"):
		t.Errorf("got a crash on stderr: %q", firstLines(stderr, 5))
	case !strings.Contains(lines[0], input):
		t.Errorf("got stderr %q, want its first line to name %q", stderr, input)
	}
}

// firstLines returns the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// gitBinaryPatch makes a "GIT binary patch" with git itself.
func gitBinaryPatch(t *testing.T) string {
	t.Helper()
	git := testtool.Path(t, "git", "git")
	dir := t.TempDir()
	writeFile(t, dir, "blob.bin", "\x00\x01\x02binary\xff")
	cmd := exec.Command(git, "diff", "--no-index", "--binary", "/dev/null", "blob.bin")
	cmd.Dir = dir
	out, _ := cmd.Output() // exit status 1: the files differ
	if !bytes.Contains(out, []byte("GIT binary patch")) {
		t.Fatalf("git diff --binary gave %q", out)
	}
	return string(out)
}

// TestHostileInputs is the table of inputs trampcheck cannot check: each
// gives exit status 2 and one line naming the input, never a clean result.
func TestHostileInputs(t *testing.T) {
	patch := readDemo(t, demoPatch1)
	mbox := readDemo(t, demoMbox)
	huge := strings.Repeat("x", 2<<20)
	rng := rand.New(rand.NewPCG(7, 11))
	random := make([]byte, 8192)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	type input struct {
		args  []string // after "check --tree TREE"
		stdin string
		names string // what the message must name
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, tree, dir string) input
	}{
		{"empty stdin", func(t *testing.T, tree, dir string) input {
			return input{args: []string{"-"}, names: "<stdin>"}
		}},
		{"random bytes on stdin", func(t *testing.T, tree, dir string) input {
			return input{args: []string{"-"}, stdin: string(random), names: "<stdin>"}
		}},
		{"random bytes in a file", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "random.patch", string(random))}, names: "random.patch"}
		}},
		{"empty file", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "empty.patch", "")}, names: "empty.patch"}
		}},
		{"git binary patch", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "bin.patch", gitBinaryPatch(t))}, names: "bin.patch"}
		}},
		{"hunk count too big", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "@@ -81,6 +81,13 @@", "@@ -81,6 +81,23 @@")
			return input{args: []string{writeFile(t, dir, "count-big.patch", p)}, names: "count-big.patch"}
		}},
		{"hunk count too small", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "@@ -81,6 +81,13 @@", "@@ -81,6 +81,9 @@")
			return input{args: []string{writeFile(t, dir, "count-small.patch", p)}, names: "count-small.patch"}
		}},
		{"hunk count negative", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "@@ -81,6 +81,13 @@", "@@ -81,-6 +81,13 @@")
			return input{args: []string{writeFile(t, dir, "count-neg.patch", p)}, names: "count-neg.patch"}
		}},
		{"hunk count huge", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "@@ -81,6 +81,13 @@", "@@ -81,6 +81,99999999999999999999 @@")
			return input{args: []string{writeFile(t, dir, "count-huge.patch", p)}, names: "count-huge.patch"}
		}},
		{"truncated patch", func(t *testing.T, tree, dir string) input {
			p := cutAfter(t, patch, "+\t/* lg %r2,save_off(%r15) */\n")
			return input{args: []string{writeFile(t, dir, "trunc.patch", p)}, names: "trunc.patch"}
		}},
		{"truncated mbox", func(t *testing.T, tree, dir string) input {
			i := strings.LastIndex(mbox, "@@ ")
			return input{args: []string{writeFile(t, dir, "trunc.mbox", mbox[:i+40])}, names: "trunc.mbox"}
		}},
		{"file the tree lacks", func(t *testing.T, tree, dir string) input {
			p := strings.ReplaceAll(patch, demoJIT, "arch/s390/net/missing.c")
			return input{args: []string{writeFile(t, dir, "missing.patch", p)}, names: "missing.patch"}
		}},
		{"absolute path", func(t *testing.T, tree, dir string) input {
			p := strings.ReplaceAll(patch, "a/"+demoJIT, "a//etc/passwd")
			p = strings.ReplaceAll(p, "b/"+demoJIT, "b//etc/passwd")
			return input{args: []string{writeFile(t, dir, "abs.patch", p)}, names: "abs.patch"}
		}},
		{"dotdot path", func(t *testing.T, tree, dir string) input {
			p := strings.ReplaceAll(patch, demoJIT, "arch/../../outside.c")
			return input{args: []string{writeFile(t, dir, "dotdot.patch", p)}, names: "dotdot.patch"}
		}},
		{"symlink in the tree leading outside", func(t *testing.T, tree, dir string) input {
			outside := writeFile(t, dir, "outside.c", readDemo(t, filepath.Join(demoTree, demoJIT)))
			link := filepath.Join(tree, "arch/s390/net/evil.c")
			if err := os.Symlink(outside, link); err != nil {
				t.Fatal(err)
			}
			p := strings.ReplaceAll(patch, demoJIT, "arch/s390/net/evil.c")
			return input{args: []string{writeFile(t, dir, "evil.patch", p)}, names: "evil.patch"}
		}},
		{"symlinked directory in the tree leading outside", func(t *testing.T, tree, dir string) input {
			writeFile(t, dir, "outdir/bpf_jit_comp.c", readDemo(t, filepath.Join(demoTree, demoJIT)))
			if err := os.Symlink(filepath.Join(dir, "outdir"), filepath.Join(tree, "arch/s390/evil")); err != nil {
				t.Fatal(err)
			}
			p := strings.ReplaceAll(patch, demoJIT, "arch/s390/evil/bpf_jit_comp.c")
			return input{args: []string{writeFile(t, dir, "evildir.patch", p)}, names: "evildir.patch"}
		}},
		{"include leaving the tree through ..", func(t *testing.T, tree, dir string) input {
			writeFile(t, dir, "x.h", "int escape_probe(void);\n")
			rel, err := filepath.Rel(filepath.Join(tree, "arch/s390/net"), filepath.Join(dir, "x.h"))
			if err != nil {
				t.Fatal(err)
			}
			c := writeFile(t, tree, "arch/s390/net/inc.c", "#include \""+rel+"\"\nint escape_probe(void) { return 0; }\n")
			return input{args: []string{c}, names: "inc.c: include closure: " + filepath.Join(dir, "x.h")}
		}},
		{"include through a symlink leading outside", func(t *testing.T, tree, dir string) input {
			writeFile(t, dir, "x.h", "int escape_probe(void);\n")
			if err := os.Symlink(filepath.Join(dir, "x.h"), filepath.Join(tree, "include/linux/evil.h")); err != nil {
				t.Fatal(err)
			}
			c := writeFile(t, tree, "arch/s390/net/inc.c", "#include <linux/evil.h>\nint escape_probe(void) { return 0; }\n")
			return input{args: []string{c}, names: "inc.c: include closure: include/linux/evil.h"}
		}},
		{"symlink argument", func(t *testing.T, tree, dir string) input {
			real := writeFile(t, dir, "real.patch", patch)
			link := filepath.Join(dir, "link.patch")
			if err := os.Symlink(real, link); err != nil {
				t.Fatal(err)
			}
			return input{args: []string{link}, names: "link.patch"}
		}},
		{"symlink C argument", func(t *testing.T, tree, dir string) input {
			link := filepath.Join(dir, "link.c")
			if err := os.Symlink(filepath.Join(tree, demoJIT), link); err != nil {
				t.Fatal(err)
			}
			return input{args: []string{link}, names: "link.c"}
		}},
		{"directory without patches", func(t *testing.T, tree, dir string) input {
			d := filepath.Join(dir, "nopatches")
			writeFile(t, d, "README", "nothing here\n")
			return input{args: []string{d}, names: "nopatches"}
		}},
		{"nonexistent input", func(t *testing.T, tree, dir string) input {
			return input{args: []string{filepath.Join(dir, "nothere.patch")}, names: "nothere.patch"}
		}},
		{"huge line", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "Reload %r2", huge)
			return input{args: []string{writeFile(t, dir, "huge.patch", p)}, names: "huge.patch"}
		}},
		{"stdin larger than the limit", func(t *testing.T, tree, dir string) input {
			return input{args: []string{"-"}, stdin: strings.Repeat("x\n", patchset.MaxInputSize/2+1), names: "<stdin>"}
		}},
		{"file larger than the limit", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "big.patch", strings.Repeat("x\n", patchset.MaxInputSize/2+1))}, names: "big.patch"}
		}},
		{"huge line on stdin", func(t *testing.T, tree, dir string) input {
			return input{args: []string{"-"}, stdin: huge, names: "<stdin>"}
		}},
		{"not UTF-8, no diff", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "latin1.patch", "Subject: caf\xe9\n\n\xff\xfe\xfd\n")}, names: "latin1.patch"}
		}},
		{"only a cover letter", func(t *testing.T, tree, dir string) input {
			return input{args: []string{filepath.Join(demoSeries, "0000-cover-letter.patch")}, names: "0000-cover-letter.patch"}
		}},
		{"C file that does not parse", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "bad.c", "int f(void { return 1 }\n")}, names: "bad.c"}
		}},
		{"C file with 100k nested parentheses", func(t *testing.T, tree, dir string) input {
			src := "int f(void) { return " + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + "; }\n"
			return input{args: []string{writeFile(t, dir, "deep.c", src)}, names: "deep.c"}
		}},
		{"C file with 100k nested braces", func(t *testing.T, tree, dir string) input {
			src := "void f(void) " + strings.Repeat("{", 100_000) + strings.Repeat("}", 100_000) + "\n"
			return input{args: []string{writeFile(t, dir, "braces.c", src)}, names: "braces.c"}
		}},
		{"C file with a 100k prefix operator chain", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "unary.c", "int x = "+strings.Repeat("- ", 100_000)+"1;\n")}, names: "unary.c"}
		}},
		{"C file with macros nesting per expansion", func(t *testing.T, tree, dir string) input {
			var b strings.Builder
			b.WriteString("#define N0 1\n")
			for k := 1; k <= 800; k++ {
				fmt.Fprintf(&b, "#define N%d %sN%d%s\n", k, strings.Repeat("(", 190), k-1, strings.Repeat(")", 190))
			}
			b.WriteString("int x = N800;\n")
			return input{args: []string{writeFile(t, dir, "macros.c", b.String())}, names: "macros.c"}
		}},
		{"C file with exponential macros", func(t *testing.T, tree, dir string) input {
			var b strings.Builder
			b.WriteString("#define N0 1\n")
			for k := 1; k <= 64; k++ {
				fmt.Fprintf(&b, "#define N%d N%d N%d\n", k, k-1, k-1)
			}
			b.WriteString("int x = N64;\n")
			return input{args: []string{writeFile(t, dir, "expo.c", b.String())}, names: "expo.c"}
		}},
		{"C file with a NUL byte", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "nul.c", "int x;\n\x00int y;\n")}, names: "nul.c"}
		}},
		{"C file larger than the limit", func(t *testing.T, tree, dir string) input {
			return input{args: []string{writeFile(t, dir, "big.c", "int x;\n"+strings.Repeat("/* pad */\n", cparse.MaxFileSize/10+1))}, names: "big.c"}
		}},
		{"patch leaving a file that does not parse", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "+void restore_args(struct demo_jit *jit)\n", "+void restore_args(struct demo_jit *jit\n")
			return input{args: []string{writeFile(t, dir, "breaks.patch", p)}, names: "breaks.patch"}
		}},
		{"patch leaving a file that does not parse, json", func(t *testing.T, tree, dir string) input {
			p := replaceOnce(t, patch, "+void restore_args(struct demo_jit *jit)\n", "+void restore_args(struct demo_jit *jit\n")
			return input{args: []string{"--format=json", writeFile(t, dir, "breaks.patch", p)}, names: "breaks.patch"}
		}},
		{"too many hunks", func(t *testing.T, tree, dir string) input {
			var b strings.Builder
			b.WriteString("--- a/x.c\n+++ b/x.c\n")
			for i := range 10_001 {
				fmt.Fprintf(&b, "@@ -%d,1 +%d,1 @@\n-a\n+b\n", i+1, i+1)
			}
			return input{args: []string{writeFile(t, dir, "hunks.patch", b.String())}, names: "hunks.patch"}
		}},
		{"too many patches", func(t *testing.T, tree, dir string) input {
			d := filepath.Join(dir, "many")
			for i := range 1001 {
				writeFile(t, d, fmt.Sprintf("%04d-x.patch", i+1), patch)
			}
			return input{args: []string{d}, names: "many"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree := copyTree(t, demoTree)
			in := tc.setup(t, tree, t.TempDir())
			args := append([]string{"check", "--tree", tree}, in.args...)
			stdout, stderr, code := runCLI(t, in.stdin, args...)
			checkFailure(t, stdout, stderr, code, in.names)
		})
	}
}

// TestHostileTreeArgs covers --tree values that are no tree.
func TestHostileTreeArgs(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "file", "x")
	for _, tc := range []struct{ name, tree string }{
		{"nonexistent", filepath.Join(dir, "nothere")},
		{"a file", file},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, "", "check", "--tree="+tc.tree, demoPatch1)
			want := tc.tree
			if want == "" {
				want = "--tree"
			}
			checkFailure(t, stdout, stderr, code, want)
		})
	}
}

// TestHostileAccepted covers inputs that are odd but valid: they are
// accepted, and the result equals the plain input's (itself checked
// against GCC in TestDemoSeries) or GCC's on the file git apply makes.
func TestHostileAccepted(t *testing.T) {
	patch := readDemo(t, demoPatch1)
	dir := t.TempDir()
	tree := copyTree(t, demoTree)
	want, _, code := runCLI(t, "", "check", "--tree", tree, demoPatch1)
	if code != exitFindings {
		t.Fatalf("plain patch: got exit status %d, want %d", code, exitFindings)
	}
	for _, tc := range []struct {
		name, content string
	}{
		{"CRLF line endings", strings.ReplaceAll(patch, "\n", "\r\n")},
		{"not UTF-8 in the message", replaceOnce(t, patch, "Reload %r2", "R\xe9load \xff%r2")},
		{"not UTF-8 in the subject", replaceOnce(t, patch, "Subject: [PATCH 1/2] s390/bpf: Restore", "Subject: [PATCH 1/2] s390/bpf: R\xe9store")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := writeFile(t, dir, "odd.patch", tc.content)
			got, stderr, code := runCLI(t, "", "check", "--tree", tree, in)
			if code != exitFindings || stderr != "" {
				t.Fatalf("got exit status %d, stderr %q, want %d and nothing", code, stderr, exitFindings)
			}
			gotNew, _ := findingLines(got)
			wantNew, _ := findingLines(want)
			if strings.Join(gotNew, "\n") != strings.Join(wantNew, "\n") {
				t.Errorf("got findings %q, want %q", gotNew, wantNew)
			}
		})
	}
}

// TestHostileRenameDelete checks renames and deletions, which patchset
// documents as accepted: a renamed file is checked under its new name with
// GCC's result on the file git apply makes; a deleted file is not checked.
func TestHostileRenameDelete(t *testing.T) {
	git := testtool.Path(t, "git", "git")
	src := readDemo(t, filepath.Join(demoTree, demoJIT))
	after := replaceOnce(t, src, "int demo_jit_size(", "int extra_helper(void)\n{\n\treturn 1;\n}\n\nint demo_jit_size(")
	const newName = "arch/s390/net/bpf_jit_renamed.c"
	idx := func(s string) string {
		cmd := exec.Command(git, "hash-object", "--stdin")
		cmd.Stdin = strings.NewReader(s)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))[:7]
	}
	body := unifiedDiff(t, demoJIT, src, after)
	hunks := body[strings.Index(body, "@@"):]
	rename := fmt.Sprintf("diff --git a/%s b/%s\nsimilarity index 90%%\nrename from %s\nrename to %s\nindex %s..%s 100644\n--- a/%s\n+++ b/%s\n%s",
		demoJIT, newName, demoJIT, newName, idx(src), idx(after), demoJIT, newName, hunks)

	t.Run("rename", func(t *testing.T) {
		tree := copyTree(t, demoTree)
		in := writeFile(t, t.TempDir(), "rename.patch", rename)
		// The oracle: git apply in a copy, then GCC on the result.
		applied := copyTree(t, demoTree)
		cmd := exec.Command(git, "apply", in)
		cmd.Dir = applied
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git apply: %v\n%s", err, out)
		}
		want := gccWarnings(t, applied, newName, "-I", "include", "-include", "include/linux/types.h")
		got, stderr, code := runCLI(t, "", "check", "--tree", tree, "--checks=missingproto", in)
		gotNew, _ := findingLines(got)
		if code != exitFindings || stderr != "" {
			t.Fatalf("got exit status %d, stderr %q, want %d", code, stderr, exitFindings)
		}
		if len(want) == 0 || len(gotNew) != len(want) {
			t.Fatalf("got %q, want GCC's %q", gotNew, want)
		}
		for i := range want {
			if gotNew[i] != want[i] {
				t.Errorf("got %q, want GCC's %q", gotNew[i], want[i])
			}
		}
	})
	t.Run("delete", func(t *testing.T) {
		tree := copyTree(t, demoTree)
		var b strings.Builder
		fmt.Fprintf(&b, "diff --git a/%s b/%s\ndeleted file mode 100644\nindex %s..0000000\n--- a/%s\n+++ /dev/null\n@@ -1,%d +0,0 @@\n",
			demoJIT, demoJIT, idx(src), demoJIT, strings.Count(src, "\n"))
		for _, l := range strings.SplitAfter(src, "\n") {
			if l != "" {
				b.WriteString("-" + l)
			}
		}
		in := writeFile(t, t.TempDir(), "delete.patch", b.String())
		stdout, stderr, code := runCLI(t, "", "check", "--tree", tree, in)
		if code != exitClean || stderr != "" {
			t.Errorf("got exit status %d, stderr %q, stdout %q, want %d", code, stderr, stdout, exitClean)
		}
	})
}

// snapshot records every file, directory and link under dir: contents,
// mode and modification time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d", fi.Mode(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + target
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += " " + string(data)
		}
		m[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// compareSnapshots reports what changed between two snapshots.
func compareSnapshots(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			t.Errorf("%s: %s removed", what, p)
		case a != b:
			t.Errorf("%s: %s changed", what, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s created", what, p)
		}
	}
}

// kernelLayout adds a few headers of a kernel-like layout to a tree
// (written for this test), so that tree-mode header lookups walk several
// directories and a symlink.
func kernelLayout(t *testing.T, tree string) {
	t.Helper()
	writeFile(t, tree, "include/linux/filter.h", "#ifndef _FILTER_H\n#define _FILTER_H\nstruct bpf_prog;\nint bpf_demo_hook(struct bpf_prog *p);\n#endif\n")
	writeFile(t, tree, "arch/s390/include/asm/nospec-branch.h", "#ifndef _NOSPEC_H\n#define _NOSPEC_H\nint nospec_demo(void);\n#endif\n")
	writeFile(t, tree, "include/uapi/linux/bpf.h", "#ifndef _UAPI_BPF_H\n#define _UAPI_BPF_H\nenum { BPF_REG_0, BPF_REG_1 };\n#endif\n")
	if err := os.Symlink("../../include/linux", filepath.Join(tree, "arch/s390/include/asm/linux")); err != nil {
		t.Fatal(err)
	}
}

// TestNothingWritten runs every kind of integration case against a
// read-only tree and checks that nothing changed in the tree, in the inputs
// or in the working directory (chmod alone proves nothing when tests run as
// root, so every file's bytes, mode and mtime are compared).
func TestNothingWritten(t *testing.T) {
	tree := copyTree(t, demoTree)
	kernelLayout(t, tree)
	inputs := t.TempDir()
	series := filepath.Join(inputs, "series")
	for _, name := range []string{"0000-cover-letter.patch", filepath.Base(demoPatch1), "0002-s390-bpf-Document-the-save-area-offset.patch"} {
		writeFile(t, series, name, readDemo(t, filepath.Join(demoSeries, name)))
	}
	mbox := writeFile(t, inputs, "series.mbox", readDemo(t, demoMbox))
	patch := filepath.Join(series, filepath.Base(demoPatch1))
	cfile := filepath.Join(tree, demoJIT)
	header := filepath.Join(tree, "include/linux/demo_jit.h")
	botOut := filepath.Join(t.TempDir(), "bot")
	cwd := t.TempDir()
	mboxText := readDemo(t, demoMbox)
	gen := writeFile(t, inputs, "gen.c", strings.Replace(hostileGenerator, "BODY", "\tacc = n;", 1))

	// Read-only for real where chmod counts (not as root).
	for _, d := range []string{tree, inputs} {
		if out, err := exec.Command("chmod", "-R", "a-w", d).CombinedOutput(); err != nil {
			t.Fatalf("chmod: %v %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command("chmod", "-R", "u+w", d).Run() })
	}
	treeBefore, inputsBefore, cwdBefore := snapshot(t, tree), snapshot(t, inputs), snapshot(t, cwd)
	t.Chdir(cwd)

	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		codes []int // acceptable exit statuses
	}{
		{"c file hermetic", "", []string{"check", cfile}, []int{0, 1}},
		{"c file in tree", "", []string{"check", "--tree", tree, cfile}, []int{0, 1}},
		{"header", "", []string{"check", "--tree", tree, header}, []int{0, 1}},
		{"patch", "", []string{"check", "--tree", tree, patch}, []int{1}},
		{"series directory", "", []string{"check", "--tree", tree, series}, []int{1}},
		{"mbox", "", []string{"check", "--tree", tree, mbox}, []int{1}},
		{"stdin", mboxText, []string{"check", "--tree", tree, "-"}, []int{1}},
		{"json", "", []string{"check", "--tree", tree, "--format=json", series}, []int{1}},
		{"every format", "", nil, nil},
		{"relative tree", "", []string{"check", "--tree", relPath(t, cwd, tree), relPath(t, cwd, mbox)}, []int{1}},
		{"asm", "", []string{"asm", "stg %r2,160(%r15)", "brcl 15,.+36"}, []int{0}},
		{"disasm", "", []string{"disasm", "e3200100002" + "4"}, []int{0}},
		{"ref", "", []string{"ref"}, []int{0}},
		{"bad patch", "", []string{"check", "--tree", tree, header + ".patch"}, []int{2}},
		{"bot", "", []string{"bot", "--out", botOut, "--tree", tree, mbox}, []int{0, 1}},
	} {
		if tc.args == nil {
			for _, f := range formatNames() {
				stdout, stderr, code := runCLI(t, "", "check", "--tree", tree, "--format="+f, mbox)
				if code != exitFindings {
					t.Errorf("format %s: got exit status %d (stderr %q), want %d (output %q)", f, code, stderr, exitFindings, firstLines(stdout, 3))
				}
			}
			continue
		}
		if _, ok := commands[tc.args[0]]; !ok {
			continue // a command not landed yet
		}
		stdout, stderr, code := runCLI(t, tc.stdin, tc.args...)
		ok := false
		for _, c := range tc.codes {
			ok = ok || c == code
		}
		if !ok {
			t.Errorf("%s: got exit status %d, want one of %v; stderr %q, stdout %q", tc.name, code, tc.codes, firstLines(stderr, 3), firstLines(stdout, 3))
		}
	}
	if _, ok := commands["xcheck"]; ok {
		for _, args := range [][]string{
			{"xcheck", "--configs=covering", gen},
			{"xcheck", "--configs=covering", "--tree", tree, patch},
		} {
			if _, stderr, code := runCLI(t, "", args...); code == exitError && strings.Contains(stderr, "internal error") {
				t.Errorf("%v: %s", args, stderr)
			}
		}
	}
	compareSnapshots(t, "tree", treeBefore, snapshot(t, tree))
	compareSnapshots(t, "inputs", inputsBefore, snapshot(t, inputs))
	compareSnapshots(t, "working directory", cwdBefore, snapshot(t, cwd))
}

// relPath returns target relative to base.
func relPath(t *testing.T, base, target string) string {
	t.Helper()
	r, err := filepath.Rel(base, target)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDeterministic checks that the series check (which runs on every core)
// prints byte-identical output run after run, with GOMAXPROCS 1 and 2.
func TestDeterministic(t *testing.T) {
	tree := copyTree(t, demoTree)
	inputs := [][]string{
		{"check", "--tree", tree, demoSeries},
		{"check", "--tree", tree, "--format=json", demoMbox},
		{"check", "--tree", tree, "--format=sarif", demoMbox},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, args := range inputs {
		var first string
		for i, procs := range []int{2, 1, 2, 1, 2, 2} {
			runtime.GOMAXPROCS(procs)
			out, stderr, code := runCLI(t, "", args...)
			if code != exitFindings {
				t.Fatalf("%v: got exit status %d (%s), want %d", args, code, stderr, exitFindings)
			}
			if i == 0 {
				first = out
				continue
			}
			if out != first {
				t.Errorf("%v: run %d with GOMAXPROCS=%d differs from the first:\ngot  %q\nwant %q", args, i, procs, firstLines(out, 5), firstLines(first, 5))
			}
		}
	}
}

// TestRecoverCommandPanic checks that a panic in a subcommand becomes one
// line and exit status 2.
func TestRecoverCommandPanic(t *testing.T) {
	commands["zz-panic"] = &command{Name: "zz-panic", Run: func(_ *env, args []string) int {
		return []int{}[len(args)] // index out of range: a runtime panic
	}}
	defer delete(commands, "zz-panic")
	stdout, stderr, code := runCLI(t, "", "zz-panic")
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if code != exitError || stdout != "" || len(lines) != 1 || !strings.Contains(stderr, "internal error") || strings.Contains(stderr, "goroutine") {
		t.Errorf("got exit status %d, stdout %q, stderr %q, want 2, nothing and one line", code, stdout, stderr)
	}
}

// panicker is a check that panics on every file.
var panicker = &analysis.Analyzer{
	Name:     "panicker",
	Doc:      "panics",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run: func(*analysis.Pass) (any, error) {
		var p *int
		return *p, nil // a nil dereference
	},
}

// TestRecoverCheckPanic checks that a panicking check gives an error that
// names the check and the file, also when it runs in the goroutines of
// checkSeries.
func TestRecoverCheckPanic(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte("int x;\n"), nil }
	_, err := driver.Analyze(driver.Unit{Files: []string{"a.c"}, Read: read}, []*analysis.Analyzer{cparse.Analyzer, panicker}, driver.Options{})
	if err == nil || !strings.Contains(err.Error(), "a.c") || !strings.Contains(err.Error(), "panicker") || strings.Contains(err.Error(), "\n") {
		t.Errorf("got %v, want one line naming a.c and panicker", err)
	}
	tree, err := treefs.OpenDir(copyTree(t, demoTree))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := patchset.ReadPath(demoSeries)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := series.CheckSeries(tree, ps, []*analysis.Analyzer{cparse.Analyzer, panicker}, driver.Options{}); err == nil || !strings.Contains(err.Error(), "panicker") {
		t.Errorf("series: got %v, want an error naming panicker", err)
	}
}

// FuzzCheckStdin runs the whole check command on arbitrary bytes as a
// patch on standard input, against a copy of the demo tree: exit status 0,
// 1 or 2, never a panic (not even one runSafe recovers), and at most three
// lines on stderr naming <stdin> when it fails.
func FuzzCheckStdin(f *testing.F) {
	for _, p := range []string{demoPatch1, demoMbox, filepath.Join(demoSeries, "0002-s390-bpf-Document-the-save-area-offset.patch")} {
		f.Add(readDemo(f, p))
	}
	patch := readDemo(f, demoPatch1)
	f.Add("")
	f.Add(strings.ReplaceAll(patch, "\n", "\r\n"))
	f.Add(strings.Replace(patch, "@@ -81,6 +81,13 @@", "@@ -81,6 +81,23 @@", 1))
	f.Add(strings.Replace(patch, "+void restore_args(struct demo_jit *jit)\n", "+void restore_args(struct demo_jit *jit\n", 1))
	f.Add(strings.ReplaceAll(patch, demoJIT, "../x.c"))
	f.Add("--- a/arch/s390/net/bpf_jit_comp.c\n+++ b/arch/s390/net/bpf_jit_comp.c\n@@ -1 +1 @@\n-#include <linux/types.h>\n+int x = ((((((((1;\n")
	tree, err := os.MkdirTemp("", "trampcheck-fuzz-tree-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = os.RemoveAll(tree) })
	if err := os.CopyFS(tree, os.DirFS(demoTree)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		stdout, stderr, code := runCLI(t, in, "check", "--tree", tree, "-")
		switch code {
		case exitClean, exitFindings:
			if stderr != "" {
				t.Fatalf("got exit status %d with stderr %q, want none", code, stderr)
			}
		case exitError:
			checkFailure(t, stdout, stderr, code, "<stdin>")
		default:
			t.Fatalf("got exit status %d, want 0, 1 or 2", code)
		}
	})
}

// hostileGenerator is a trampoline generator written for this test: the
// shape trampxcheck recognises (__arch_prepare_bpf_trampoline and the two
// entry points the kernel calls), with a helper whose body is BODY.
const hostileGenerator = `struct bpf_jit {
	u8 *prg_buf;
	int prg;
};

struct bpf_tramp_jit {
	struct bpf_jit common;
	int stack_size;
};

static int helper(struct bpf_jit *jit, int n)
{
	int acc = 0;
BODY
	return acc;
}

static int __arch_prepare_bpf_trampoline(struct bpf_tramp_image *im,
					 struct bpf_tramp_jit *tjit,
					 const struct btf_func_model *m,
					 u32 flags, struct bpf_tramp_links *tlinks,
					 void *func_addr)
{
	return helper(&tjit->common, m->nr_args);
}

int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,
			     struct bpf_tramp_links *tlinks, void *orig_call)
{
	struct bpf_tramp_jit tjit;
	int ret;

	memset(&tjit, 0, sizeof(tjit));
	ret = __arch_prepare_bpf_trampoline(NULL, &tjit, m, flags, tlinks, orig_call);
	return ret < 0 ? ret : tjit.common.prg;
}

int arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, void *image,
				void *image_end, const struct btf_func_model *m,
				u32 flags, struct bpf_tramp_links *tlinks,
				void *func_addr)
{
	struct bpf_tramp_jit tjit;
	int ret;

	memset(&tjit, 0, sizeof(tjit));
	tjit.common.prg_buf = image;
	ret = __arch_prepare_bpf_trampoline(im, &tjit, m, flags, tlinks, func_addr);
	return ret < 0 ? ret : tjit.common.prg;
}
`

// TestHostileGenerator runs the check on generators that never stop,
// recurse without end, or ask for huge stack or image: the interpreter's
// limits stop each, and the check reports it at the line (trampxcheck
// reports a failing generator as a finding, exit status 1).
func TestHostileGenerator(t *testing.T) {
	if _, ok := commands["check"]; !ok {
		t.Skip("no check command")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body, want, at string
	}{
		{"steps", "\tfor (;;)\n\t\tacc++;", "step limit", "for (;;)"},
		{"call depth", "\tacc = helper(jit, n + 1);", "call depth limit", "acc = helper(jit, n + 1);"},
		{"stack", "\tu8 big[1 << 24];\n\n\tbig[n] = 1;\n\tacc = big[0];", "stack limit", "return helper(&tjit->common, m->nr_args);"},
		{"image", "\tjit->prg += 1 << 28;", "image limit", "int arch_bpf_trampoline_size("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(hostileGenerator, "BODY", tc.body, 1)
			line := 1 + strings.Count(src[:strings.Index(src, tc.at)], "\n")
			in := writeFile(t, dir, "gen.c", src)
			stdout, stderr, code := runCLI(t, "", "check", "--checks=trampxcheck", in)
			want := fmt.Sprintf("%s:%d:", in, line)
			var got string
			for _, l := range strings.Split(stdout, "\n") {
				if strings.Contains(l, "the generator fails: ") {
					got = l
					break
				}
			}
			if code != exitFindings || stderr != "" || !strings.HasPrefix(got, want) || !strings.Contains(got, tc.want) {
				t.Errorf("got exit status %d, stderr %q, finding %q; want 1 and a finding at %s about the %s", code, stderr, got, want, tc.want)
			}
		})
	}
}

// TestDeterministicReal repeats the determinism check on a two-patch series
// against the real JIT (all checks, trampxcheck's workers included): patch
// 1 makes the trampoline builder global (static removed), patch 2 changes
// the register in the comment "stg %r1,backchain_off(%r15)" to %r2.
func TestDeterministicReal(t *testing.T) {
	tree := ktree.Dir(t)
	src := string(ktree.JIT(t))
	p1 := replaceOnce(t, src, "static int __arch_prepare_bpf_trampoline(", "int __arch_prepare_bpf_trampoline(")
	p2 := replaceOnce(t, p1, "/* stg %r1,backchain_off(%r15) */", "/* stg %r2,backchain_off(%r15) */")
	mail := func(n int, subject, diff string) string {
		return fmt.Sprintf("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A U Thor <a@example.org>\nSubject: [PATCH %d/2] %s\n\n---\n%s\n", n, subject, diff)
	}
	mbox := mail(1, "s390/bpf: make the builder global", unifiedDiff(t, ktree.JITFile, src, p1)) +
		mail(2, "s390/bpf: comment", unifiedDiff(t, ktree.JITFile, p1, p2))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first string
	for i, procs := range []int{2, 1, 2} {
		runtime.GOMAXPROCS(procs)
		out, stderr, code := runCLI(t, mbox, "check", "--tree", tree, "-")
		if code != exitFindings {
			t.Fatalf("got exit status %d (%s), want %d", code, firstLines(stderr, 3), exitFindings)
		}
		if i == 0 {
			first = out
			if !strings.Contains(out, "__arch_prepare_bpf_trampoline") {
				t.Fatalf("got %q, want the missing prototype of patch 1", firstLines(out, 5))
			}
			continue
		}
		if out != first {
			t.Errorf("run %d with GOMAXPROCS=%d differs from the first:\ngot  %q\nwant %q", i, procs, out, first)
		}
	}
}

// TestHostileAsm feeds asm and disasm hostile input: exit status 2 and one
// short line on stderr that names the place.
func TestHostileAsm(t *testing.T) {
	deep := "lg %r1," + strings.Repeat("(", 200_000) + "1" + strings.Repeat(")", 200_000) + "(%r2)\n"
	for _, tc := range []struct {
		name, stdin, names string
		args               []string
	}{
		{"deep expression", deep, "line 1", []string{"asm"}},
		{"line longer than the reader takes", strings.Repeat("x", 2<<20) + "\n", "standard input", []string{"asm"}},
		{"binary", "\x00\xff\xfe\n", "line 1", []string{"asm"}},
		{"binary to disasm", "\x00\xff\xfe", "standard input", []string{"disasm"}},
		{"unknown opcode", "0000", "offset 0x0", []string{"disasm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := commands[tc.args[0]]; !ok {
				t.Skip("command not landed")
			}
			_, stderr, code := runCLI(t, tc.stdin, tc.args...)
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if code != exitError || len(lines) != 1 || len(stderr) > 300 || !strings.Contains(stderr, tc.names) {
				t.Errorf("got exit status %d, stderr %.300q, want 2 and one line of at most 300 bytes naming %q", code, stderr, tc.names)
			}
		})
	}
}

// TestRecoverWorkerPanic checks that a panic in one of trampxcheck's worker
// goroutines (out of reach of the driver's recover) becomes an error.
func TestRecoverWorkerPanic(t *testing.T) {
	src := strings.Replace(hostileGenerator, "BODY", "\tacc = n;", 1)
	f, err := cparse.Parse("gen.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prog, err := interp.Compile(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfgs := tramp.Covering()
	_, _, err = trampxcheck.CheckN(f, prog, 100, func(i int) tramp.Config {
		if i == 70 {
			panic("boom")
		}
		return cfgs[i]
	}, 2)
	if err == nil || !strings.Contains(err.Error(), "internal error: boom") {
		t.Errorf("got %v, want the worker's panic as an error", err)
	}
}
