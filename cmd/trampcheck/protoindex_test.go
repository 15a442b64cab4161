package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestProtoindex writes the index of the real tree. It must equal the
// embedded index when the tree has the version the embedded one records;
// on another 6.12.y the drift is logged (cparse.TestIndexUpToDate checks
// what users rely on).
func TestProtoindex(t *testing.T) {
	tree := ktree.Dir(t)
	out := filepath.Join(t.TempDir(), "index.txt")
	stdout, stderr, code := runCLI(t, "", "protoindex", "--tree", tree, "-o", out)
	if code != exitClean || stdout != "" || stderr != "" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 0 and no output", code, stdout, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	kernel, err := cparse.KernelVersion(tree)
	if err != nil {
		t.Fatal(err)
	}
	deb := cparse.DebianSourceVersion(tree, kernel)
	idx, err := cparse.ParseIndex(string(got))
	if err != nil || idx.Kernel != kernel || idx.Debian != deb {
		t.Errorf("written index: got kernel-version %q, debian-version %q (%v); want %q, %q", idx.Kernel, idx.Debian, err, kernel, deb)
	}
	d, err := cparse.CompareIndex(cparse.EmbeddedIndex(), tree, deb)
	if err != nil {
		t.Fatal(err)
	}
	if d.Regenerated != string(got) {
		t.Errorf("the written index differs from cparse.GenerateIndex's")
	}
	if d.SameVersion() {
		if string(got) != cparse.EmbeddedIndex() {
			t.Errorf("same version %s, but the written index differs from the embedded one; run %s", d.Tree, cparse.RegenerateIndexCommand)
		}
	} else {
		t.Logf("byte comparison with the embedded index skipped: %s", d)
	}
	// Without -o the index goes to standard output.
	stdout, _, code = runCLI(t, "", "protoindex", "--tree", tree)
	if code != exitClean || stdout != string(got) {
		t.Errorf("stdout: got exit %d and %d bytes, want 0 and %d bytes", code, len(stdout), len(got))
	}
	// --debian-version names the package version, or none.
	for _, tc := range []struct{ flag, want string }{
		{"--debian-version=" + kernel + "-9", kernel + "-9"},
		{"--debian-version=none", ""},
	} {
		stdout, stderr, code := runCLI(t, "", "protoindex", "--tree", tree, tc.flag)
		idx, err := cparse.ParseIndex(stdout)
		if code != exitClean || err != nil || idx.Debian != tc.want || idx.Kernel != kernel {
			t.Errorf("%s: got exit %d (%s), debian-version %q; want 0 and %q", tc.flag, code, stderr, idx.Debian, tc.want)
		}
	}
}

func TestProtoindexErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no tree", []string{"protoindex"}, "usage: trampcheck protoindex"},
		{"extra argument", []string{"protoindex", "--tree", ".", "x"}, "usage: trampcheck protoindex"},
		{"not a kernel tree", []string{"protoindex", "--tree", "/nonexistent/tree"}, "trampcheck protoindex: open /nonexistent/tree/arch/s390/net/bpf_jit_comp.c"},
		{"blank debian version", []string{"protoindex", "--tree", ".", "--debian-version", "1 2"}, `trampcheck protoindex: --debian-version "1 2": want auto, none or a version without blanks`},
		{"unwritable output", []string{"protoindex", "--tree", "TREE", "-o", "/nonexistent/dir/x.txt"}, "trampcheck protoindex: open /nonexistent/dir/x.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if slices.Contains(args, "TREE") {
				tree := ktree.Dir(t)
				args = append([]string(nil), args...)
				for i := range args {
					if args[i] == "TREE" {
						args[i] = tree
					}
				}
			}
			_, stderr, code := runCLI(t, "", args...)
			if code != exitError || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
	// --help is not an error.
	if _, _, code := runCLI(t, "", "protoindex", "--help"); code != exitClean {
		t.Errorf("--help: got exit %d, want 0", code)
	}
}
