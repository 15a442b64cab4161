// Package treefs reads kernel trees for trampcheck, read-only, as io/fs
// file systems: a directory on disk that no path or symbolic link can
// leave (Dir), the files of a series' state served over a tree (Overlay)
// and a git commit (GitRev). Every one is an fs.ReadFileFS over
// tree-relative slash paths; Dir and Overlay also take absolute paths
// inside the tree in ReadFile, as the C front end's header lookups give
// them.
package treefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/trampcheck/trampcheck/cparse/patchset"
)

// Dir reads files of a kernel tree, read-only, refusing any path that
// leaves it (absolute paths, "..", symbolic links that point outside).
type Dir struct {
	root  string   // absolute, symbolic links resolved
	dirs  sync.Map // tree-relative directory -> dirResult
	files sync.Map // tree-relative path -> *cachedFile
	// over holds contents, by tree-relative path, that replace the tree's
	// own: the base of a series that is not what the work tree holds (the
	// send-email hook). A nil value is a file absent from the base.
	over map[string][]byte
}

// OpenDir opens the tree at dir (a --tree argument), which must be a
// directory.
func OpenDir(dir string) (*Dir, error) {
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
	return &Dir{root: real}, nil
}

// Root returns the tree's absolute path, symbolic links resolved.
func (t *Dir) Root() string { return t.root }

// WithBase sets the contents, by tree-relative path, that replace the
// tree's own (a nil value: a file absent from the base), and returns t.
// Call it before the first read.
func (t *Dir) WithBase(over map[string][]byte) *Dir {
	t.over = over
	return t
}

// Rel returns p relative to the tree when p is an absolute or
// working-directory-relative path inside it.
func (t *Dir) Rel(p string) (string, bool) {
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
// once, component by component, and remembered, found or not: a header
// closure looks for hundreds of files in a few dozen directories, many of
// which (generated/ in an unprepared tree) do not exist.
func (t *Dir) resolve(clean string) (string, error) {
	dir, base := path.Split(clean)
	realDir, err := t.resolveDir(strings.TrimSuffix(dir, "/"))
	if err != nil {
		return "", fmt.Errorf("%s: %w", clean, err)
	}
	return filepath.Join(realDir, base), nil
}

// dirResult is a remembered resolveDir answer.
type dirResult struct {
	real string
	err  error
}

// resolveDir resolves a tree-relative directory ("" for the root).
func (t *Dir) resolveDir(dir string) (string, error) {
	if dir == "" || dir == "." {
		return t.root, nil
	}
	if v, ok := t.dirs.Load(dir); ok {
		r := v.(dirResult)
		return r.real, r.err
	}
	parent, base := path.Split(dir)
	real, err := t.resolveDir(strings.TrimSuffix(parent, "/"))
	if err == nil {
		full := filepath.Join(real, base)
		real = ""
		fi, lerr := os.Lstat(full)
		switch {
		case lerr != nil:
			err = fs.ErrNotExist
		case fi.Mode()&os.ModeSymlink != 0:
			r, e := filepath.EvalSymlinks(full)
			if fi2, e2 := os.Stat(r); e != nil || e2 != nil || !fi2.IsDir() {
				err = fs.ErrNotExist
			} else if !t.inside(r) {
				err = fmt.Errorf("directory %s resolves outside the tree %s", dir, t.root)
			} else {
				real = r
			}
		case !fi.IsDir():
			err = fs.ErrNotExist
		default:
			real = full
		}
	}
	t.dirs.Store(dir, dirResult{real, err})
	return real, err
}

// inside reports whether the real path p lies in the tree.
func (t *Dir) inside(p string) bool {
	r, err := filepath.Rel(t.root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, "../") && !filepath.IsAbs(r)
}

// ReadFile reads a tree-relative (slash) path, or an absolute path inside
// the tree, read-only and size-limited.
func (t *Dir) ReadFile(name string) ([]byte, error) {
	if filepath.IsAbs(name) {
		r, ok := t.Rel(name)
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
	// The base and every patched state of a series read the same headers,
	// concurrently: each file is read from disk once per run.
	v, ok := t.files.Load(clean)
	if !ok {
		// A file in a directory that does not exist (most of an include
		// path's probes): the directory's answer is remembered already.
		if _, err := t.resolve(clean); errors.Is(err, fs.ErrNotExist) {
			return nil, err // as readDisk gives it
		}
		v, _ = t.files.LoadOrStore(clean, &cachedFile{})
	}
	cf := v.(*cachedFile)
	cf.once.Do(func() { cf.data, cf.st, cf.err = t.readDisk(clean) })
	return cf.data, cf.err
}

// Stat returns the Lstat of the regular file on disk that ReadFile would
// read name from, unchanged, and false when ReadFile serves it otherwise:
// from the base (WithBase), from its copy of an earlier read (which the
// disk may no longer hold), through a symbolic link, or not at all.
func (t *Dir) Stat(name string) (fs.FileInfo, bool) {
	if filepath.IsAbs(name) {
		r, ok := t.Rel(name)
		if !ok {
			return nil, false
		}
		name = r
	}
	clean, err := patchset.CleanPath(name)
	if err != nil {
		return nil, false
	}
	if _, ok := t.over[clean]; ok {
		return nil, false
	}
	if v, ok := t.files.Load(clean); ok {
		// The copy this Dir serves: its identity when it was read.
		cf := v.(*cachedFile)
		cf.once.Do(func() { cf.data, cf.st, cf.err = t.readDisk(clean) })
		return cf.st, cf.err == nil && cf.st != nil
	}
	real, err := t.resolve(clean)
	if err != nil {
		return nil, false
	}
	fi, err := os.Lstat(real)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	return fi, true
}

// cachedFile is one file of the tree as read by the first ReadFile.
type cachedFile struct {
	once sync.Once
	data []byte
	st   fs.FileInfo // the file's identity when it was opened; nil through a symbolic link
	err  error
}

// readDisk reads the tree-relative clean path from disk, with the file's
// identity taken before the read (nil through a symbolic link).
func (t *Dir) readDisk(clean string) ([]byte, fs.FileInfo, error) {
	real, err := t.resolve(clean)
	if err != nil {
		return nil, nil, err
	}
	data, st, err := readRegular(real)
	if err == nil {
		return data, &diskInfo{name: path.Base(clean), st: *st}, nil
	}
	if errors.Is(err, syscall.ELOOP) {
		// The file is a symbolic link: follow it only inside the tree.
		target, e := filepath.EvalSymlinks(real)
		if e != nil {
			return nil, nil, fmt.Errorf("%s: %w", clean, fs.ErrNotExist)
		}
		if !t.inside(target) {
			return nil, nil, fmt.Errorf("%s: resolves outside the tree %s", clean, t.root)
		}
		data, _, err = readRegular(target)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", clean, err)
	}
	return data, nil, nil
}

// diskInfo is an fs.FileInfo of a file read by readRegular.
type diskInfo struct {
	name string
	st   syscall.Stat_t
}

func (d *diskInfo) Name() string       { return d.name }
func (d *diskInfo) Size() int64        { return d.st.Size }
func (d *diskInfo) Mode() fs.FileMode  { return fs.FileMode(d.st.Mode & 0o777) } // a regular file
func (d *diskInfo) ModTime() time.Time { return time.Unix(d.st.Mtim.Unix()) }
func (d *diskInfo) IsDir() bool        { return false }
func (d *diskInfo) Sys() any           { return &d.st }

// errNotRegular is returned for a path that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// readRegular reads a regular file read-only, without following a final
// symbolic link (ELOOP), in one read of its size: a header closure reads
// about a thousand files, and the os.File path (poller registration,
// growing buffers) costs several times the system calls.
func readRegular(path string) ([]byte, *syscall.Stat_t, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = syscall.Close(fd) }() // read-only: nothing to flush
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, nil, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, nil, errNotRegular
	}
	if st.Size > patchset.MaxInputSize {
		return nil, nil, fmt.Errorf("larger than %d bytes", patchset.MaxInputSize)
	}
	buf := make([]byte, st.Size+1) // one more byte tells a file that grew
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	if n > int(st.Size) {
		return nil, nil, errors.New("changed while being read")
	}
	return buf[:n:n], &st, nil
}
