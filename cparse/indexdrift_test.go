package cparse_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// writeTree writes files (slash paths) under a new temporary directory and
// returns it.
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

func makefile(sub, extra string) string {
	return "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = " + sub + "\nEXTRAVERSION =" + extra + "\nNAME = Baby Opossum Posse\n\n# SUBLEVEL = 1 in a comment\nfoo: SUBLEVEL = 9\n"
}

func TestKernelVersion(t *testing.T) {
	for _, tc := range []struct {
		name, makefile, want, err string
	}{
		{"point release", makefile("118", ""), "6.12.118", ""},
		{"extraversion", makefile("0", " -rc1"), "6.12.0-rc1", ""},
		{"no sublevel", "VERSION = 6\nPATCHLEVEL = 12\n", "", `got SUBLEVEL = ""`},
		{"not a number", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = $(X)\n", "", `got SUBLEVEL = "$(X)"`},
		{"no makefile", "", "", "kernel version: open "},
	} {
		files := map[string]string{"x": ""}
		if tc.makefile != "" {
			files["Makefile"] = tc.makefile
		}
		got, err := cparse.KernelVersion(writeTree(t, files))
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %q, %v; want %q, error with %q", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestDebianVersions(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"6.12.118-1~deb12u1", "6.12.118"},
		{"1:6.12.118-1", "6.12.118"},
		{"6.12.118", "6.12.118"},
		{"6.12.0-rc1-1", "6.12.0-rc1"},
	} {
		if got := cparse.DebianUpstream(tc.in); got != tc.want {
			t.Errorf("upstream of %q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	// The tree's marker, written by .ci/kernel-tree, wins over dpkg.
	tree := writeTree(t, map[string]string{".extracted": "6.12.999-7\n"})
	if got := cparse.DebianSourceVersion(tree, "6.12.999"); got != "6.12.999-7" {
		t.Errorf("from .extracted: got %q, want 6.12.999-7", got)
	}
	// No marker: the installed package counts only for its own release.
	if got := cparse.DebianSourceVersion(t.TempDir(), "6.12.99999"); got != "" {
		t.Errorf("tree 6.12.99999 without a marker: got %q, want none", got)
	}
}

func TestIndexVersionSame(t *testing.T) {
	v := func(k, d string) cparse.IndexVersion { return cparse.IndexVersion{Kernel: k, Debian: d} }
	for _, tc := range []struct {
		index, tree cparse.IndexVersion
		want        bool
	}{
		{v("6.12.118", "6.12.118-1~deb12u1"), v("6.12.118", "6.12.118-1~deb12u1"), true},
		{v("6.12.118", ""), v("6.12.118", ""), true},
		{v("6.12.117", "6.12.117-1~deb12u1"), v("6.12.118", "6.12.118-1~deb12u1"), false},
		{v("6.12.118", "6.12.118-1~deb12u1"), v("6.12.118", "6.12.118-2~deb12u1"), false}, // Debian patches may differ
		{v("6.12.118", "6.12.118-1~deb12u1"), v("6.12.118", ""), false},                   // not known to be the same source
		{v("", ""), v("", ""), false},
	} {
		d := &cparse.IndexDrift{Index: tc.index, Tree: tc.tree}
		if got := d.SameVersion(); got != tc.want {
			t.Errorf("index %s, tree %s: SameVersion got %v, want %v", tc.index, tc.tree, got, tc.want)
		}
	}
}

// TestCompareIndexFakeTree runs the whole comparison on a small tree
// written here: same version, a point release later, and a damaged index.
func TestCompareIndexFakeTree(t *testing.T) {
	files := map[string]string{
		"Makefile":                  makefile("200", ""),
		cparse.IndexFile:            "#include <linux/filter.h>\n#include <asm/generated.h>\nint bpf_int_jit_compile(void *p) { return helper(1); }\nint local_only(void) { return 0; }\n",
		"include/linux/filter.h":    "#include <linux/types.h>\nint bpf_int_jit_compile(void *p);\n",
		"include/linux/types.h":     "int helper(int x);\n",
		"arch/s390/include/asm/x.h": "int unrelated(void);\n",
	}
	tree := writeTree(t, files)
	text, err := cparse.GenerateIndex(tree, "6.12.200-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# kernel-version: 6.12.200\n", "# debian-version: 6.12.200-1\n", "\nbpf_int_jit_compile include/linux/filter.h\n", "\nhelper include/linux/types.h\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("generated index: no %q in\n%s", want, text)
		}
	}
	idx, err := cparse.ParseIndex(text)
	if err != nil || idx.Kernel != "6.12.200" || idx.Debian != "6.12.200-1" {
		t.Fatalf("ParseIndex: got %+v, %v; want kernel 6.12.200, debian 6.12.200-1", idx, err)
	}
	noDeb, err := cparse.GenerateIndex(tree, "")
	if err != nil || !strings.Contains(noDeb, "# debian-version: none\n") {
		t.Errorf("without a Debian version: got %v and\n%s\nwant \"# debian-version: none\"", err, noDeb)
	}
	if idx, err := cparse.ParseIndex(noDeb); err != nil || idx.Debian != "" {
		t.Errorf("ParseIndex of debian-version none: got %q, %v; want \"\"", idx.Debian, err)
	}

	d, err := cparse.CompareIndex(text, tree, "6.12.200-1")
	if err != nil {
		t.Fatal(err)
	}
	if !d.SameVersion() || len(d.Problems)+len(d.Added)+len(d.Removed) > 0 || d.Regenerated != text {
		t.Errorf("same tree: got %s, problems %q; want same version, no problems, no drift", d, d.Problems)
	}

	// A point release later: a prototype added, one moved to another
	// header, one removed; the JIT still finds its own.
	files["Makefile"] = makefile("201", "")
	files["include/linux/filter.h"] = "#include <linux/types.h>\nint bpf_int_jit_compile(void *p);\nint added_fn(int);\n"
	later := writeTree(t, files)
	d, err = cparse.CompareIndex(text, later, "6.12.201-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.SameVersion() || len(d.Problems) > 0 || strings.Join(d.Added, " ") != "added_fn" || len(d.Removed) != 0 {
		t.Errorf("later release: got %s, problems %q; want drift with added_fn and no problems", d, d.Problems)
	}
	for _, want := range []string{"made from Linux 6.12.200 (Debian 6.12.200-1)", "tree is Linux 6.12.201 (Debian 6.12.201-1)", "1 names added in the tree (added_fn)", cparse.RegenerateIndexCommand} {
		if !strings.Contains(d.String(), want) {
			t.Errorf("summary: got %q, want %q in it", d, want)
		}
	}

	// The prototype moves to a header the index attributes nothing to:
	// the index is wrong about where it is.
	files["include/linux/filter.h"] = "#include <linux/types.h>\n#include <linux/bpf.h>\n"
	files["include/linux/bpf.h"] = "int bpf_int_jit_compile(void *p);\n"
	moved := writeTree(t, files)
	d, err = cparse.CompareIndex(text, moved, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "bpf_int_jit_compile: the index says include/linux/filter.h, the tree declares it in include/linux/bpf.h"
	if len(d.Problems) != 1 || d.Problems[0] != want {
		t.Errorf("moved prototype: got problems %q, want [%q]", d.Problems, want)
	}

	// A damaged index: the JIT's prototype gone.
	broken := strings.Replace(text, "\nbpf_int_jit_compile include/linux/filter.h\n", "\n", 1)
	d, err = cparse.CompareIndex(broken, tree, "6.12.200-1")
	if err != nil {
		t.Fatal(err)
	}
	want = "bpf_int_jit_compile: defined non-static in arch/s390/net/bpf_jit_comp.c with a prototype in include/linux/filter.h, but the index gives it none (a false -Wmissing-prototypes without --tree)"
	if len(d.Problems) != 1 || d.Problems[0] != want {
		t.Errorf("damaged index: got problems %q, want [%q]", d.Problems, want)
	}

	// A tree that cannot be read is an error, not a problem.
	if _, err := cparse.CompareIndex(text, t.TempDir(), ""); err == nil {
		t.Errorf("empty tree: got no error, want one")
	}
}
