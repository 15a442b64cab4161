package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/trampcheck/trampcheck/cparse/patchset"
)

// treeFS reads files of a kernel tree, read-only, refusing any path that
// leaves it (absolute paths, "..", symbolic links that point outside).
type treeFS struct {
	root string   // absolute, symbolic links resolved
	dirs sync.Map // tree-relative directory -> its real path, checked to be inside root
	// over holds contents, by tree-relative path, that replace the tree's
	// own: the base of a series that is not what the work tree holds (the
	// send-email hook). A nil value is a file absent from the base.
	over map[string][]byte
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
	if r, ok := strings.CutPrefix(abs, t.root+string(filepath.Separator)); ok {
		// Already spelled under the tree's real root (the front end's
		// header lookups): ReadFile checks the links on the way down.
		return filepath.ToSlash(r), true
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

// resolve returns the real path of the tree-relative clean path, refusing
// one that a symbolic link takes outside the tree. Directories are resolved
// once and remembered: a header closure reads hundreds of files from a few
// dozen directories.
func (t *treeFS) resolve(clean string) (string, error) {
	dir, base := path.Split(clean)
	realDir, err := t.resolveDir(strings.TrimSuffix(dir, "/"))
	if err != nil {
		return "", fmt.Errorf("%s: %v", clean, err)
	}
	full := filepath.Join(realDir, base)
	fi, err := os.Lstat(full)
	if err != nil {
		return "", fmt.Errorf("%s: %w", clean, fs.ErrNotExist)
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return full, nil
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", fmt.Errorf("%s: %w", clean, fs.ErrNotExist)
	}
	if !t.inside(real) {
		return "", fmt.Errorf("%s: resolves outside the tree %s", clean, t.root)
	}
	return real, nil
}

// resolveDir resolves a tree-relative directory ("" for the root).
func (t *treeFS) resolveDir(dir string) (string, error) {
	if dir == "" || dir == "." {
		return t.root, nil
	}
	if v, ok := t.dirs.Load(dir); ok {
		return v.(string), nil
	}
	real, err := filepath.EvalSymlinks(filepath.Join(t.root, filepath.FromSlash(dir)))
	if err != nil {
		return "", fs.ErrNotExist
	}
	if !t.inside(real) {
		return "", fmt.Errorf("directory %s resolves outside the tree %s", dir, t.root)
	}
	t.dirs.Store(dir, real)
	return real, nil
}

// inside reports whether the real path p lies in the tree.
func (t *treeFS) inside(p string) bool {
	r, err := filepath.Rel(t.root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, "../") && !filepath.IsAbs(r)
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
	if data, ok := t.over[clean]; ok {
		if data == nil {
			return nil, fmt.Errorf("%s: %w", clean, fs.ErrNotExist)
		}
		return data, nil
	}
	real, err := t.resolve(clean)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clean, errors.Unwrap(err))
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
