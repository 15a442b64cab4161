package cparse_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// mirrorTree makes a tree that reads as the prepared tree, through
// symbolic links, except for the file keep (tree-relative), which is a
// copy of its own that the test may change; it returns the mirror's root.
func mirrorTree(t *testing.T, tree, keep string) string {
	t.Helper()
	root := t.TempDir()
	src, dst := tree, root
	parts := splitPath(keep)
	for i, part := range parts {
		ents, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() == part {
				continue
			}
			if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
		src, dst = filepath.Join(src, part), filepath.Join(dst, part)
		if i == len(parts)-1 {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if err := os.Mkdir(dst, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// splitPath splits a slash path into its elements.
func splitPath(p string) []string {
	var out []string
	for p != "." && p != "/" && p != "" {
		out = append([]string{filepath.Base(p)}, out...)
		p = filepath.Dir(p)
	}
	return out
}

// TestCommandCache: a warm check takes the compile command from the
// command cache while every file kbuild read (the configuration, the
// directory's makefiles) is unchanged on disk, and evaluates the makefiles
// again when one changes: a flag added to kernel/bpf/Makefile on disk
// makes the unit's dependencies stale, and the same Makefile written back
// with its old contents (a new identity, the same bytes) makes them current
// again.
func TestCommandCache(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel tree: skipped with -short")
	}
	prepared := ktree.Prepared(t)
	const mkRel, rel = "kernel/bpf/Makefile", "kernel/bpf/tnum.c"
	tree := mirrorTree(t, prepared, mkRel)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	defer cparse.SetStatMargin(cparse.SetStatMargin(0))
	src, err := os.ReadFile(filepath.Join(tree, rel))
	if err != nil {
		t.Fatal(err)
	}
	mkPath := filepath.Join(tree, mkRel)
	mk, err := os.ReadFile(mkPath)
	if err != nil {
		t.Fatal(err)
	}
	opts := cparse.Options{Tree: tree}
	path := filepath.Join(tree, rel)
	f, err := cparse.Parse(path, src, opts)
	if err != nil || f.TU == nil {
		t.Fatalf("parse: %v (unit error %v)", err, f.TUErr)
	}
	hits := cparse.CommandHits()
	if !cparse.DepsCurrent(path, src, opts, nil, f.TU.Deps) {
		t.Fatal("DepsCurrent false with nothing changed")
	}
	if cparse.CommandHits() != hits+1 {
		t.Fatal("the compile command of an unchanged tree was not taken from the cache")
	}
	if err := os.WriteFile(mkPath, append(append([]byte(nil), mk...), "ccflags-y += -DTRAMPCHECK_TEST_FLAG\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	hits = cparse.CommandHits()
	if cparse.DepsCurrent(path, src, opts, nil, f.TU.Deps) {
		t.Fatal("DepsCurrent true although the Makefile on disk adds a -D for the file")
	}
	if cparse.CommandHits() != hits {
		t.Fatal("the cache answered the compile command of a changed Makefile")
	}
	g, err := cparse.Parse(path, src, opts)
	if err != nil || g.TU == nil {
		t.Fatalf("parse after the change: %v", err)
	}
	if cparse.DepsCurrent(path, src, opts, nil, f.TU.Deps) || !cparse.DepsCurrent(path, src, opts, nil, g.TU.Deps) {
		t.Fatal("after the change, the old unit must be stale and the new one current")
	}
	if err := os.WriteFile(mkPath, mk, 0o644); err != nil {
		t.Fatal(err)
	}
	if !cparse.DepsCurrent(path, src, opts, nil, f.TU.Deps) || cparse.DepsCurrent(path, src, opts, nil, g.TU.Deps) {
		t.Fatal("with the Makefile written back, the first unit must be current again and the second stale")
	}
}
