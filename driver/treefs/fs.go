package treefs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"time"

	"github.com/trampcheck/trampcheck/cparse/patchset"
)

// Reader is what the check reads trees through: ReadFile of a
// tree-relative slash path. patchset.Apply and the C front end take one.
type Reader = patchset.Reader

// Open opens the tree-relative file name of the tree (fs.FS).
func (t *Dir) Open(name string) (fs.File, error) { return openFile(name, t.ReadFile) }

// Overlay serves the files of one state of a series (the contents the
// patches left, by tree-relative path; nil for a file the series deleted)
// over a tree.
type Overlay struct {
	Tree  *Dir
	Files map[string][]byte
}

// ReadFile reads a file of the state: Files first, then the tree. An
// absolute path inside the tree is read by its tree-relative name.
func (o Overlay) ReadFile(name string) ([]byte, error) {
	if rel, ok := o.Tree.Rel(name); ok {
		name = rel
	}
	if data, ok := o.Files[name]; ok {
		if data == nil {
			return nil, fmt.Errorf("%s: deleted by the series", name)
		}
		return data, nil
	}
	return o.Tree.ReadFile(name)
}

// Stat is Dir.Stat for the state: false for a file of the state.
func (o Overlay) Stat(name string) (fs.FileInfo, bool) {
	if rel, ok := o.Tree.Rel(name); ok {
		name = rel
	}
	if _, ok := o.Files[name]; ok {
		return nil, false
	}
	return o.Tree.Stat(name)
}

// Open opens the tree-relative file name of the state (fs.FS).
func (o Overlay) Open(name string) (fs.File, error) { return openFile(name, o.ReadFile) }

// openFile opens a file read whole by read, as an fs.File; directories
// are not listed.
func openFile(name string, read func(string) ([]byte, error)) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	data, err := read(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{name: name, Reader: bytes.NewReader(data), size: int64(len(data))}, nil
}

// file is an open file's contents.
type file struct {
	*bytes.Reader
	name string
	size int64
}

func (f *file) Stat() (fs.FileInfo, error) { return info{f.name, f.size}, nil }
func (f *file) Close() error               { return nil }

// info describes a file opened by openFile.
type info struct {
	name string
	size int64
}

func (i info) Name() string       { return i.name }
func (i info) Size() int64        { return i.size }
func (i info) Mode() fs.FileMode  { return 0o444 }
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return false }
func (i info) Sys() any           { return nil }

var (
	_ fs.ReadFileFS = (*Dir)(nil)
	_ fs.ReadFileFS = Overlay{}
	_ fs.ReadFileFS = GitRev{}
)

// GitRev reads the files of a commit (any revision git rev-parse takes)
// of the repository whose work tree is Top, from the object store; the
// work tree is not read.
type GitRev struct {
	Top, Rev string
}

// ReadFile returns the file at the tree-relative path in the commit.
func (g GitRev) ReadFile(path string) ([]byte, error) {
	clean, err := patchset.CleanPath(path)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("git", "-C", g.Top, "cat-file", "blob", g.Rev+":"+clean)
	cmd.Env = os.Environ()
	out, err := cmd.Output()
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: clean, Err: fs.ErrNotExist}
	}
	return out, nil
}

// Open opens the tree-relative file name of the commit (fs.FS).
func (g GitRev) Open(name string) (fs.File, error) { return openFile(name, g.ReadFile) }
