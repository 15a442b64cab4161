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
	if string(got) != cparse.EmbeddedIndex() {
		t.Errorf("the written index differs from the embedded one; run go generate ./cparse")
	}
	// Without -o the index goes to standard output.
	stdout, _, code = runCLI(t, "", "protoindex", "--tree", tree)
	if code != exitClean || stdout != string(got) {
		t.Errorf("stdout: got exit %d and %d bytes, want 0 and %d bytes", code, len(stdout), len(got))
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
