package patchset

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/sourcegraph/go-diff/diff"
)

// opKind is what a file diff does to the tree.
type opKind int

const (
	opModify opKind = iota // change the contents of an existing file
	opNew                  // create a file
	opDelete               // delete a file
	opRename               // move a file, maybe changing it
	opCopy                 // copy a file, maybe changing the copy
	opMode                 // change the mode only
)

// fileOp is the operation of one file diff on tree-relative paths.
type fileOp struct {
	kind     opKind
	old, new string // old is "" for opNew, new is "" for opDelete
}

// operation works out what a file diff does, from its names and git's
// extended headers, and checks its paths.
func operation(fd *diff.FileDiff) (fileOp, error) {
	var renameFrom, renameTo, copyFrom, copyTo string
	modes := false
	newFile, deletedFile := false, false
	for _, x := range fd.Extended {
		x = strings.TrimSuffix(x, "\r")
		switch {
		case strings.HasPrefix(x, "rename from "):
			renameFrom = unquote(x[len("rename from "):])
		case strings.HasPrefix(x, "rename to "):
			renameTo = unquote(x[len("rename to "):])
		case strings.HasPrefix(x, "copy from "):
			copyFrom = unquote(x[len("copy from "):])
		case strings.HasPrefix(x, "copy to "):
			copyTo = unquote(x[len("copy to "):])
		case strings.HasPrefix(x, "old mode "), strings.HasPrefix(x, "new mode "):
			modes = true
		case strings.HasPrefix(x, "new file mode "):
			newFile = true
		case strings.HasPrefix(x, "deleted file mode "):
			deletedFile = true
		}
	}
	pair := func(k opKind, from, to string) (fileOp, error) {
		if from == "" || to == "" {
			return fileOp{}, errors.New("incomplete rename or copy header")
		}
		o, err := CleanPath(from)
		if err != nil {
			return fileOp{}, err
		}
		n, err := CleanPath(to)
		if err != nil {
			return fileOp{}, err
		}
		return fileOp{kind: k, old: o, new: n}, nil
	}
	switch {
	case renameFrom != "" || renameTo != "":
		return pair(opRename, renameFrom, renameTo)
	case copyFrom != "" || copyTo != "":
		return pair(opCopy, copyFrom, copyTo)
	case fd.OrigName == "/dev/null" || newFile:
		if fd.NewName == "/dev/null" {
			return fileOp{}, errors.New("both file names are /dev/null")
		}
		n, err := stripPrefix(fd.NewName)
		return fileOp{kind: opNew, new: n}, err
	case fd.NewName == "/dev/null" || deletedFile:
		o, err := stripPrefix(fd.OrigName)
		return fileOp{kind: opDelete, old: o}, err
	}
	if fd.OrigName == "" || fd.NewName == "" {
		return fileOp{}, errors.New("cannot tell the file names of the diff")
	}
	o, err := stripPrefix(fd.OrigName)
	if err != nil {
		return fileOp{}, err
	}
	n, err := stripPrefix(fd.NewName)
	if err != nil {
		return fileOp{}, err
	}
	if o != n {
		return fileOp{}, fmt.Errorf("old name %s and new name %s differ without a rename header", o, n)
	}
	k := opModify
	if len(fd.Hunks) == 0 {
		if !modes {
			return fileOp{}, errors.New("file diff of " + o + " changes nothing")
		}
		k = opMode
	}
	return fileOp{kind: k, old: o, new: n}, nil
}

// unquote undoes git's C-style quoting of a path in an extended header.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(s)-1; i++ {
			c := s[i]
			if c != '\\' || i+1 >= len(s)-1 {
				b.WriteByte(c)
				continue
			}
			i++
			switch c = s[i]; {
			case c >= '0' && c <= '7' && i+2 < len(s)-1:
				v := (int(c-'0') << 6) | (int(s[i+1]-'0') << 3) | int(s[i+2]-'0')
				b.WriteByte(byte(v))
				i += 2
			case c == 'n':
				b.WriteByte('\n')
			case c == 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	return s
}

// State is the tree after one patch of a series.
type State struct {
	// Patch is the patch just applied.
	Patch *Patch
	// Files holds the full contents, after this patch, of every file that
	// this patch or an earlier one of the series touched and that still
	// exists (deleted files and rename sources are absent).
	Files map[string][]byte
	// Touched lists the paths this patch touched, in diff order: changed,
	// created, deleted or mode-changed files, and both sides of a rename
	// or copy.
	Touched []string
	// Removed lists the paths this patch deleted or renamed away.
	Removed []string
	// Added holds, for each file this patch changed or created, the
	// 1-based lines of its new contents (in Files) that the patch's "+"
	// lines produced, in increasing order; nil when it added none.
	Added map[string][]int
	// Base holds the original tree contents of every file touched so far
	// that existed in the tree (files created by the series are absent).
	Base map[string][]byte
}

// Apply applies the patches in order to files read from tree, entirely in
// memory, and returns one State per patch. It follows git apply's rules: see
// the package documentation. The byte slices in the states are shared
// between states and with the tree: do not modify them.
func Apply(tree Reader, patches []*Patch) ([]*State, error) {
	if tree == nil {
		tree = MapReader{}
	}
	a := &applier{tree: tree, cur: map[string][]byte{}, gone: map[string]bool{}, base: map[string][]byte{}}
	states := make([]*State, 0, len(patches))
	for _, p := range patches {
		if p == nil {
			return states, errorf("<nil patch>", "", "nil patch")
		}
		st := &State{Patch: p, Added: map[string][]int{}}
		a.startCur = make(map[string][]byte, len(a.cur))
		for k, v := range a.cur {
			a.startCur[k] = v
		}
		a.startGone = make(map[string]bool, len(a.gone))
		for k, v := range a.gone {
			a.startGone[k] = v
		}
		for _, fd := range p.Files {
			if err := a.file(p, fd, st); err != nil {
				return states, err
			}
		}
		st.Files = make(map[string][]byte, len(a.cur))
		for k, v := range a.cur {
			st.Files[k] = v
		}
		st.Base = make(map[string][]byte, len(a.base))
		for k, v := range a.base {
			st.Base[k] = v
		}
		states = append(states, st)
	}
	return states, nil
}

// applier holds the tree as changed by the patches applied so far.
type applier struct {
	tree Reader
	cur  map[string][]byte // contents of files touched so far
	gone map[string]bool   // files deleted or renamed away by the series
	base map[string][]byte // original tree contents of files read so far
	// startCur and startGone are cur and gone before the current patch:
	// rename and copy sources are read there, as git apply does.
	startCur  map[string][]byte
	startGone map[string]bool
}

// source returns the contents of a rename or copy source as it was before
// the current patch.
func (a *applier) source(p *Patch, path string) ([]byte, error) {
	if b, ok := a.startCur[path]; ok {
		return b, nil
	}
	if a.startGone[path] {
		return nil, errorf(p.Source, path, "file was deleted earlier in the series")
	}
	if b, ok := a.base[path]; ok {
		return b, nil
	}
	b, err := a.tree.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf(p.Source, path, "file not found in the tree")
	}
	if err != nil {
		return nil, errorf(p.Source, path, "cannot read from the tree: %v", err)
	}
	if b == nil {
		b = []byte{}
	}
	a.base[path] = b
	return b, nil
}

// get returns the current contents of path; ok is false when it does not exist.
func (a *applier) get(p *Patch, path string) ([]byte, bool, error) {
	if a.gone[path] {
		return nil, false, nil
	}
	if b, ok := a.cur[path]; ok {
		return b, true, nil
	}
	b, err := a.tree.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, errorf(p.Source, path, "cannot read from the tree: %v", err)
	}
	if b == nil {
		b = []byte{}
	}
	a.base[path] = b
	return b, true, nil
}

// mustGet is get for a file the patch needs.
func (a *applier) mustGet(p *Patch, path string) ([]byte, error) {
	b, ok, err := a.get(p, path)
	if err != nil {
		return nil, err
	}
	if !ok {
		if a.gone[path] {
			return nil, errorf(p.Source, path, "file was deleted earlier in the series")
		}
		return nil, errorf(p.Source, path, "file not found in the tree")
	}
	return b, nil
}

// mustNotExist checks that a file to be created does not exist yet.
func (a *applier) mustNotExist(p *Patch, path string) error {
	_, ok, err := a.get(p, path)
	if err != nil {
		return err
	}
	if ok {
		delete(a.base, path)
		return errorf(p.Source, path, "file to be created already exists")
	}
	return nil
}

// file applies one file diff of patch p.
func (a *applier) file(p *Patch, fd *diff.FileDiff, st *State) error {
	if fd == nil {
		return errorf(p.Source, "", "nil file diff")
	}
	op, err := operation(fd)
	if err != nil {
		return errorf(p.Source, "", "%v", err)
	}
	switch op.kind {
	case opModify, opMode:
		src, err := a.mustGet(p, op.old)
		if err != nil {
			return err
		}
		out, added, err := applyHunks(p, op.old, src, fd.Hunks)
		if err != nil {
			return err
		}
		a.cur[op.old] = out
		st.Touched = append(st.Touched, op.old)
		st.Added[op.old] = added
	case opNew:
		if err := a.mustNotExist(p, op.new); err != nil {
			return err
		}
		out, added, err := applyHunks(p, op.new, []byte{}, fd.Hunks)
		if err != nil {
			return err
		}
		a.cur[op.new] = out
		delete(a.gone, op.new)
		st.Touched = append(st.Touched, op.new)
		st.Added[op.new] = added
	case opDelete:
		src, err := a.mustGet(p, op.old)
		if err != nil {
			return err
		}
		out, _, err := applyHunks(p, op.old, src, fd.Hunks)
		if err != nil {
			return err
		}
		if len(out) != 0 {
			return errorf(p.Source, op.old, "deletion leaves %d bytes in the file", len(out))
		}
		delete(a.cur, op.old)
		a.gone[op.old] = true
		st.Touched = append(st.Touched, op.old)
		st.Removed = append(st.Removed, op.old)
	case opRename, opCopy:
		src, err := a.source(p, op.old)
		if err != nil {
			return err
		}
		if err := a.mustNotExist(p, op.new); err != nil {
			return err
		}
		out, added, err := applyHunks(p, op.new, src, fd.Hunks)
		if err != nil {
			return err
		}
		st.Added[op.new] = added
		if op.kind == opRename {
			delete(a.cur, op.old)
			a.gone[op.old] = true
			st.Removed = append(st.Removed, op.old)
		} else if _, ok := a.cur[op.old]; !ok && !a.gone[op.old] {
			a.cur[op.old] = src
		}
		a.cur[op.new] = out
		delete(a.gone, op.new)
		st.Touched = append(st.Touched, op.old, op.new)
	}
	return nil
}

// Marks of lines produced by hunks.
const (
	lineContext = 1 + iota // a context line of a hunk
	lineAdded              // a "+" line of a hunk
)

// splitKeep splits b into lines that keep their "\n"; the last line may
// lack it.
func splitKeep(b []byte) [][]byte {
	out := make([][]byte, 0, bytes.Count(b, []byte{'\n'})+1)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// images returns the lines a hunk expects (pre) and the lines it leaves
// (post), each with its "\n" unless it is an incomplete last line, and the
// numbers of context lines before and after the changes.
func images(h *diff.Hunk) (pre, post [][]byte, added []bool, leading, trailing int, err error) {
	off := 0
	first, last := -1, -1
	for i, l := range splitKeep(h.Body) {
		off += len(l)
		c := byte(' ')
		body := l
		if len(l) > 0 && l[0] != '\n' {
			c, body = l[0], l[1:]
		}
		switch c {
		case ' ':
			pre = append(pre, body)
			post = append(post, body)
			added = append(added, false)
		case '-':
			if h.OrigNoNewlineAt > 0 && int(h.OrigNoNewlineAt) == off {
				body = bytes.TrimSuffix(body, []byte{'\n'})
			}
			pre = append(pre, body)
		case '+':
			post = append(post, body)
			added = append(added, true)
		default:
			return nil, nil, nil, 0, 0, fmt.Errorf("bad line %.40q", l)
		}
		if c != ' ' {
			if first < 0 {
				first = i
			}
			last = i
		} else if first < 0 {
			leading++
		}
		if c == ' ' && last >= 0 {
			trailing++
		} else if c != ' ' {
			trailing = 0
		}
	}
	if len(pre) != int(h.OrigLines) || len(post) != int(h.NewLines) {
		return nil, nil, nil, 0, 0, fmt.Errorf("has %d old and %d new lines, its header says %d and %d", len(pre), len(post), h.OrigLines, h.NewLines)
	}
	if first < 0 {
		trailing = 0
	}
	return pre, post, added, leading, trailing, nil
}

// applyHunks applies the hunks of one file diff to src with git apply's
// rules (no fuzz): each hunk is tried at its stated line, then at the
// nearest lines after and before, alternately; lines changed by an earlier
// hunk never match again.
func applyHunks(p *Patch, name string, src []byte, hunks []*diff.Hunk) ([]byte, []int, error) {
	if len(hunks) == 0 {
		return src, nil, nil
	}
	img := splitKeep(src)
	// patched marks the lines hunks have produced: lineContext for their
	// context lines, lineAdded for their "+" lines.
	patched := make([]uint8, len(img))
	for k, h := range hunks {
		place := fmt.Sprintf("hunk %d of %s", k+1, name)
		pre, post, added, leading, trailing, err := images(h)
		if err != nil {
			return nil, nil, errorf(p.Source, place, "corrupt hunk: %v", err)
		}
		if leading == 0 && trailing == 0 && h.OrigStartLine > 1 {
			return nil, nil, errorf(p.Source, place, "hunk without context lines (diff -U0) is not supported: git apply would place it at the end of the file")
		}
		matchBeginning := h.OrigStartLine <= 1
		matchEnd := trailing == 0
		pos := 0
		if h.NewStartLine > 0 {
			pos = int(h.NewStartLine) - 1
		}
		at := findPos(img, patched, pre, pos, matchBeginning, matchEnd)
		if at < 0 {
			return nil, nil, errorf(p.Source, place, "does not apply at line %d", h.OrigStartLine)
		}
		marks := make([]uint8, len(post))
		for i, a := range added {
			marks[i] = lineContext
			if a {
				marks[i] = lineAdded
			}
		}
		img = slices.Replace(img, at, at+len(pre), post...)
		patched = slices.Replace(patched, at, at+len(pre), marks...)
		// A line without "\n" can only be the last one; only the new lines
		// and the one before them can break that rule.
		for i := max(at-1, 0); i < at+len(post) && i+1 < len(img); i++ {
			if len(img[i]) == 0 || img[i][len(img[i])-1] != '\n' {
				return nil, nil, errorf(p.Source, place, "leaves a line without newline in the middle of the file")
			}
		}
	}
	n := 0
	for _, l := range img {
		n += len(l)
	}
	out := make([]byte, 0, n)
	var lines []int
	for i, l := range img {
		out = append(out, l...)
		if patched[i] == lineAdded {
			lines = append(lines, i+1)
		}
	}
	return out, lines, nil
}

// findPos is git apply's find_pos: the line where pre matches img, searching
// from line outward (line, line+1, line-1, line+2, ...), or -1.
func findPos(img [][]byte, patched []uint8, pre [][]byte, line int, matchBeginning, matchEnd bool) int {
	if len(pre) > len(img) {
		return -1
	}
	if matchBeginning {
		line = 0
	} else if matchEnd {
		line = len(img) - len(pre)
	}
	if line > len(img) || line < 0 {
		line = len(img)
	}
	back, fwd := line, line
	cur := line
	for i := 0; ; i++ {
		if matchAt(img, patched, pre, cur, matchBeginning, matchEnd) {
			return cur
		}
		for {
			if back == 0 && fwd == len(img) {
				return -1
			}
			if i&1 == 1 {
				if back == 0 {
					i++
					continue
				}
				back--
				cur = back
			} else {
				if fwd == len(img) {
					i++
					continue
				}
				fwd++
				cur = fwd
			}
			break
		}
	}
}

// matchAt reports whether pre matches img at line at.
func matchAt(img [][]byte, patched []uint8, pre [][]byte, at int, matchBeginning, matchEnd bool) bool {
	if matchBeginning && at != 0 {
		return false
	}
	if at+len(pre) > len(img) || matchEnd && at+len(pre) != len(img) {
		return false
	}
	for i, l := range pre {
		if patched[at+i] != 0 || !bytes.Equal(img[at+i], l) {
			return false
		}
	}
	return true
}
