package treefs

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// writeTree writes files (tree-relative path -> contents) under a new
// directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDir: files inside the tree are read by tree-relative and absolute
// name, through fs.ReadFile too; nothing outside it is, whether named or
// reached by a symbolic link.
func TestDir(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret.h": "int secret;\n"})
	root := writeTree(t, map[string]string{"include/a.h": "int a(void);\n", "lib/x.c": "int x;\n"})
	if err := os.Symlink(filepath.Join(outside, "secret.h"), filepath.Join(root, "include", "out.h")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "outdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.h", filepath.Join(root, "include", "in.h")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"include/a.h", "include/in.h", filepath.Join(d.Root(), "include", "a.h")} {
		if b, err := d.ReadFile(name); err != nil || string(b) != "int a(void);\n" {
			t.Errorf("ReadFile(%q): got %q, %v, want a's prototype", name, b, err)
		}
	}
	if b, err := fs.ReadFile(d, "lib/x.c"); err != nil || string(b) != "int x;\n" {
		t.Errorf("fs.ReadFile(lib/x.c): got %q, %v", b, err)
	}
	for _, name := range []string{"include/out.h", "outdir/secret.h", "../secret.h", filepath.Join(outside, "secret.h")} {
		if b, err := d.ReadFile(name); err == nil {
			t.Errorf("ReadFile(%q): got %q, want an error (outside the tree)", name, b)
		}
	}
	if _, err := d.Open("/etc/passwd"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open(/etc/passwd): got %v, want fs.ErrInvalid", err)
	}
	if _, err := OpenDir(filepath.Join(root, "lib", "x.c")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("OpenDir(a file): got %v, want not a directory", err)
	}
	// A base that differs from the work tree (the hook's): its contents
	// win, and a nil one is a file absent from the base.
	b, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	b.WithBase(map[string][]byte{"lib/x.c": []byte("int old;\n"), "include/a.h": nil})
	if got, err := b.ReadFile("lib/x.c"); err != nil || string(got) != "int old;\n" {
		t.Errorf("base lib/x.c: got %q, %v, want the base's", got, err)
	}
	if _, err := b.ReadFile("include/a.h"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("base include/a.h: got %v, want fs.ErrNotExist", err)
	}
}

// TestOverlay: a state's files are served over the tree; a file the
// series deleted is an error naming it.
func TestOverlay(t *testing.T) {
	root := writeTree(t, map[string]string{"a.c": "int a;\n", "b.c": "int b;\n", "c.c": "int c;\n"})
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	o := Overlay{Tree: d, Files: map[string][]byte{"a.c": []byte("int a2;\n"), "b.c": nil}}
	for _, tc := range []struct{ name, want, err string }{
		{"a.c", "int a2;\n", ""},
		{filepath.Join(d.Root(), "a.c"), "int a2;\n", ""},
		{"b.c", "", "b.c: deleted by the series"},
		{"c.c", "int c;\n", ""},
	} {
		got, err := o.ReadFile(tc.name)
		if string(got) != tc.want || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("ReadFile(%q): got %q, %v, want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
	if b, err := fs.ReadFile(o, "a.c"); err != nil || string(b) != "int a2;\n" {
		t.Errorf("fs.ReadFile(a.c): got %q, %v", b, err)
	}
}

// TestGitRev: a commit's files come from the object store, not the work
// tree.
func TestGitRev(t *testing.T) {
	testtool.Path(t, "git", "git")
	dir := writeTree(t, map[string]string{"lib/a.c": "int committed;\n"})
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.org"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "lib/a.c")
	git("commit", "-q", "-m", "base")
	if err := os.WriteFile(filepath.Join(dir, "lib", "a.c"), []byte("int edited;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := GitRev{Top: dir, Rev: "HEAD"}
	if b, err := fs.ReadFile(g, "lib/a.c"); err != nil || string(b) != "int committed;\n" {
		t.Errorf("lib/a.c at HEAD: got %q, %v, want the committed text", b, err)
	}
	if _, err := g.ReadFile("lib/none.c"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lib/none.c: got %v, want fs.ErrNotExist", err)
	}
	if _, err := g.ReadFile("../x"); err == nil {
		t.Errorf("../x: got no error, want one")
	}
}

// TestStat: Stat gives the identity of a regular file that ReadFile
// reads from disk, and nothing for a file of the base or of a state, a
// symbolic link or a missing file; once read, the identity is that of the
// copy ReadFile serves, even after the disk changes.
func TestStat(t *testing.T) {
	root := t.TempDir()
	for name, text := range map[string]string{"a.h": "int a;\n", "b.h": "int b;\n"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.h", filepath.Join(root, "l.h")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	d.WithBase(map[string][]byte{"b.h": []byte("int base;\n")})
	fi, ok := d.Stat("a.h")
	want, err := os.Lstat(filepath.Join(root, "a.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !ok || !os.SameFile(fi, want) || fi.Size() != want.Size() || !fi.ModTime().Equal(want.ModTime()) {
		t.Fatalf("a.h: Stat %v %v, want the file's Lstat", fi, ok)
	}
	for _, name := range []string{"b.h", "l.h", "none.h", "../x.h"} {
		if _, ok := d.Stat(name); ok {
			t.Errorf("%s: Stat gave an identity, want none", name)
		}
	}
	if _, ok := (Overlay{Tree: d, Files: map[string][]byte{"a.h": []byte("int s;\n")}}).Stat("a.h"); ok {
		t.Error("a.h of a state: Stat gave an identity, want none")
	}
	if _, err := d.ReadFile("a.h"); err != nil {
		t.Fatal(err)
	}
	// Replaced on disk after the read: the copy's identity, not the new file's.
	if err := os.Remove(filepath.Join(root, "a.h")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a.h"), []byte("int x;\nint y;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, ok = d.Stat("a.h")
	if !ok || fi.Size() != want.Size() {
		t.Fatalf("a.h after ReadFile: Stat %v %v, want the identity of what was read", fi, ok)
	}
}

// TestDirApply: a Dir is the tree reader patchset.Apply reads a directory
// through (moved from patchset's TestDirReader, which Dir replaced): a
// file reached by a symbolic link that leads outside the tree cannot be
// patched, and a file inside can.
func TestDirApply(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	for name, p := range map[string]string{"f.c": tree, "secret.c": dir} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, name), []byte("a\nb\nc\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "secret.c"), filepath.Join(tree, "link.c")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(tree)
	if err != nil {
		t.Fatal(err)
	}
	const plain = "--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
	ps, err := patchset.Parse("in", []byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	states, err := patchset.Apply(d, ps)
	if err != nil {
		t.Fatalf("Apply inside the tree: %v", err)
	}
	if got := string(states[0].Files["f.c"]); got != "a\nB\nc\n" {
		t.Errorf("Apply inside the tree: got %q, want %q", got, "a\nB\nc\n")
	}
	ps, err = patchset.Parse("in", []byte(strings.ReplaceAll(plain, "f.c", "link.c")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := patchset.Apply(d, ps); err == nil || !strings.HasPrefix(err.Error(), "in: link.c: cannot read from the tree: ") {
		t.Errorf("Apply through an escaping link: got %v, want a read error", err)
	}
}
