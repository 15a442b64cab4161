package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/patchset"
)

// treeFS reads files of a kernel tree, read-only, refusing any path that
// leaves it (absolute paths, "..", symbolic links that point outside).
type treeFS struct {
	root string // absolute, symbolic links resolved
}

// openTree validates a --tree argument.
func openTree(dir string) (*treeFS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("--tree %s: %v", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("--tree %s: %v", dir, errors.Unwrap(err))
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("--tree %s: %v", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("--tree %s: not a directory", dir)
	}
	return &treeFS{root: real}, nil
}

// rel returns p relative to the tree when p is an absolute or
// working-directory-relative path inside it.
func (t *treeFS) rel(p string) (string, bool) {
	if t == nil {
		return "", false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	r, err := filepath.Rel(t.root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, "../") || filepath.IsAbs(r) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// ReadFile reads a tree-relative (slash) path, or an absolute path inside
// the tree, read-only and size-limited.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	if filepath.IsAbs(name) {
		r, ok := t.rel(name)
		if !ok {
			return nil, fmt.Errorf("%s: outside the tree %s", name, t.root)
		}
		name = r
	}
	clean, err := patchset.CleanPath(name)
	if err != nil {
		return nil, err
	}
	full := filepath.Join(t.root, filepath.FromSlash(clean))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil, fmt.Errorf("%s: not in the tree %s", clean, t.root)
	}
	if r, err := filepath.Rel(t.root, real); err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return nil, fmt.Errorf("%s: resolves outside the tree %s", clean, t.root)
	}
	f, err := os.OpenFile(real, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", clean, errors.Unwrap(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", clean, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", clean)
	}
	data, err := io.ReadAll(io.LimitReader(f, patchset.MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", clean, err)
	}
	if len(data) > patchset.MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", clean, patchset.MaxInputSize)
	}
	return data, nil
}
