package patchset

import (
	"errors"
	"io/fs"
	"strings"
)

// CleanPath checks a tree-relative path taken from a patch and returns it in
// clean slash form ("./a//b" becomes "a/b"). It refuses empty paths, paths
// with a NUL byte, absolute paths and paths with a ".." component, so that
// no patch can name a file outside the tree.
func CleanPath(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("empty path")
	case strings.IndexByte(p, 0) >= 0:
		return "", errors.New("path contains a NUL byte")
	case strings.HasPrefix(p, "/"):
		return "", errors.New("absolute path " + p)
	}
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, c := range parts {
		switch c {
		case "..":
			return "", errors.New("path " + p + " has a .. component")
		case "", ".":
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return "", errors.New("path " + p + " names no file")
	}
	return strings.Join(out, "/"), nil
}

// stripPrefix removes the first path component of a name from a diff
// header, as git apply -p1 does ("a/x/y.c" becomes "x/y.c"), and cleans it.
func stripPrefix(name string) (string, error) {
	i := strings.IndexByte(name, '/')
	if i < 0 {
		return "", errors.New("cannot strip the leading directory (-p1) from " + name)
	}
	return CleanPath(name[i+1:])
}

// Reader gives Apply the contents of the tree's files by tree-relative slash
// path. A missing file must be reported with an error that wraps
// fs.ErrNotExist. The caller controls reading: it can overlay files, read a
// git object store, or refuse paths.
type Reader interface {
	ReadFile(path string) ([]byte, error)
}

// MapReader is a tree held in memory, keyed by tree-relative slash path.
type MapReader map[string][]byte

// ReadFile returns the contents stored for path, or an error wrapping
// fs.ErrNotExist.
func (m MapReader) ReadFile(path string) ([]byte, error) {
	b, ok := m[path]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
	}
	return b, nil
}
