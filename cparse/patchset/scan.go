package patchset

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sourcegraph/go-diff/diff"
)

// noNewline is the marker line of an incomplete last line.
const noNewline = `\ No newline at end of file`

// hunkHeader matches "@@ -a[,b] +c[,d] @@ section".
var hunkHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`) })

// gitExtended lists the prefixes of git's extended header lines.
var gitExtended = [][]byte{
	[]byte("old mode "), []byte("new mode "),
	[]byte("deleted file mode "), []byte("new file mode "),
	[]byte("copy from "), []byte("copy to "),
	[]byte("rename from "), []byte("rename to "),
	[]byte("rename old "), []byte("rename new "),
	[]byte("similarity index "), []byte("dissimilarity index "),
	[]byte("index "),
}

func isExtended(l []byte) bool {
	for _, p := range gitExtended {
		if bytes.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func isBinaryLine(l []byte) bool {
	return bytes.Equal(l, []byte("GIT binary patch")) ||
		bytes.HasPrefix(l, []byte("Binary files ")) && bytes.HasSuffix(l, []byte(" differ"))
}

// binaryMsg names the file of a binary patch from its "diff --git a/X b/Y"
// or "Binary files a/X and b/Y differ" line, when the names are plain.
func binaryMsg(l []byte) string {
	s := strings.TrimSuffix(string(l), " differ")
	if i := strings.LastIndex(s, " b/"); i >= 0 && !strings.ContainsAny(s[i+3:], " \"") {
		return "binary patch of " + s[i+3:] + " is not supported"
	}
	return "binary patches are not supported"
}

// splitLines splits b into lines without their "\n". A final line without
// "\n" is kept; an empty b has no lines.
func splitLines(b []byte) [][]byte {
	if len(b) == 0 {
		return nil
	}
	ls := bytes.Split(b, []byte{'\n'})
	if len(ls[len(ls)-1]) == 0 {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// diffText is a run of lines that may hold file diffs, with a way to name
// the place of each line in the input.
type diffText struct {
	input string
	lines [][]byte
	place func(i int) string // place of lines[i]
}

// isDiffStart reports whether a file diff starts at line i.
func (d *diffText) isDiffStart(i int) bool {
	l := d.lines[i]
	if bytes.HasPrefix(l, []byte("diff --git ")) {
		return true
	}
	return bytes.HasPrefix(l, []byte("--- ")) && i+2 < len(d.lines) &&
		bytes.HasPrefix(d.lines[i+1], []byte("+++ ")) && bytes.HasPrefix(d.lines[i+2], []byte("@@ -"))
}

// files finds every file diff in the lines, checks each hunk against the
// counts of its header (git's rule: a hunk ends when its counts are used up)
// and parses the exact text of each file diff with go-diff. Lines outside
// file diffs (a diffstat, a signature, "diff -u" command lines) are skipped.
func (d *diffText) files() ([]*diff.FileDiff, error) {
	var out []*diff.FileDiff
	hunks := 0
	for i := 0; i < len(d.lines); {
		l := d.lines[i]
		switch {
		case d.isDiffStart(i):
			start := i
			fd, next, n, err := d.file(i)
			if err != nil {
				return nil, err
			}
			hunks += n
			if hunks > MaxHunks {
				return nil, errorf(d.input, d.place(start), "more than %d hunks in one patch", MaxHunks)
			}
			out = append(out, fd)
			i = next
		case isBinaryLine(l):
			return nil, errorf(d.input, d.place(i), "%s", binaryMsg(l))
		case hunkHeader().Match(l):
			return nil, errorf(d.input, d.place(i), "hunk without a file header (--- and +++ lines)")
		default:
			i++
		}
	}
	return out, nil
}

// file reads the file diff starting at line i; it returns the diff, the
// index of the line after it and its number of hunks.
func (d *diffText) file(i int) (*diff.FileDiff, int, int, error) {
	start := i
	git := bytes.HasPrefix(d.lines[i], []byte("diff --git "))
	hasIndex, newOrDeleted := false, false
	if git {
		i++
		for i < len(d.lines) && isExtended(d.lines[i]) {
			if bytes.HasPrefix(d.lines[i], []byte("index ")) {
				hasIndex = true
			}
			if bytes.HasPrefix(d.lines[i], []byte("new file mode ")) || bytes.HasPrefix(d.lines[i], []byte("deleted file mode ")) {
				newOrDeleted = true
			}
			i++
		}
		if i < len(d.lines) && isBinaryLine(d.lines[i]) {
			return nil, 0, 0, errorf(d.input, d.place(start), "%s", binaryMsg(d.lines[start]))
		}
	}
	hasHeader := false
	if i < len(d.lines) && bytes.HasPrefix(d.lines[i], []byte("--- ")) {
		if i+1 >= len(d.lines) || !bytes.HasPrefix(d.lines[i+1], []byte("+++ ")) {
			return nil, 0, 0, errorf(d.input, d.place(i), "truncated file header: --- without +++")
		}
		hasHeader = true
		i += 2
	}
	n := 0
	for i < len(d.lines) && bytes.HasPrefix(d.lines[i], []byte("@@ ")) {
		n++
		next, err := d.hunk(i, n)
		if err != nil {
			return nil, 0, 0, err
		}
		i = next
	}
	switch {
	case !hasHeader && n > 0:
		return nil, 0, 0, errorf(d.input, d.place(start), "hunks without --- and +++ lines")
	case hasHeader && n == 0:
		return nil, 0, 0, errorf(d.input, d.place(start), "truncated file diff: no hunk after the --- and +++ lines")
	case git && !hasHeader && hasIndex && !newOrDeleted:
		return nil, 0, 0, errorf(d.input, d.place(start), "truncated file diff: content change without --- and +++ lines")
	}
	var text []byte
	inHunks := false
	for _, l := range d.lines[start:i] {
		inHunks = inHunks || bytes.HasPrefix(l, []byte("@@ "))
		// Drop what follows a tab in the ---/+++ lines (diff -u's
		// timestamps): git ignores it, go-diff fails on what it cannot
		// parse as a time.
		if !inHunks && (bytes.HasPrefix(l, []byte("--- ")) || bytes.HasPrefix(l, []byte("+++ "))) {
			if t := bytes.IndexByte(l, '\t'); t >= 0 {
				l = l[:t]
			}
		}
		text = append(text, l...)
		text = append(text, '\n')
	}
	fds, err := diff.ParseMultiFileDiffOptions(text, diff.ParseOptions{KeepCR: true})
	if err == nil && len(fds) == 0 {
		return nil, 0, 0, errorf(d.input, d.place(start), "file diff header without changes")
	}
	if err != nil || len(fds) != 1 {
		if err == nil {
			err = fmt.Errorf("got %d file diffs, want 1", len(fds))
		}
		return nil, 0, 0, errorf(d.input, d.place(start), "cannot parse file diff: %v", err)
	}
	fd := fds[0]
	if len(fd.Hunks) != n {
		return nil, 0, 0, errorf(d.input, d.place(start), "cannot parse file diff: go-diff found %d hunks, want %d", len(fd.Hunks), n)
	}
	if _, err := operation(fd); err != nil {
		return nil, 0, 0, errorf(d.input, d.place(start), "%v", err)
	}
	// go-diff must have read each hunk as the scanner counted it; where
	// the two disagree (an empty last line before "\ No newline at end of
	// file" at the very end of the input), the hunk is refused rather than
	// applied as go-diff read it.
	for k, h := range fd.Hunks {
		if _, _, _, _, _, err := images(h); err != nil {
			return nil, 0, 0, errorf(d.input, d.place(start), "hunk %d: corrupt: %v", k+1, err)
		}
	}
	return fd, i, n, nil
}

// hunk checks hunk number n whose header is at line i against its counts
// and returns the index of the line after it.
func (d *diffText) hunk(i, n int) (int, error) {
	hdr := i
	m := hunkHeader().FindSubmatch(d.lines[i])
	if m == nil {
		return 0, errorf(d.input, d.place(i), "corrupt hunk header %q", d.lines[i])
	}
	var nums [4]int64
	for k, s := range m[1:] {
		nums[k] = 1
		if s == nil {
			continue
		}
		v, err := strconv.ParseInt(string(s), 10, 32)
		if err != nil {
			return 0, errorf(d.input, d.place(i), "corrupt hunk header %q: number out of range", d.lines[i])
		}
		nums[k] = v
	}
	old, nw := nums[1], nums[3]
	last := byte(0)
	for i++; old > 0 || nw > 0; i++ {
		if i >= len(d.lines) {
			return 0, errorf(d.input, d.place(hdr), "hunk %d is truncated: %d old and %d new lines missing at the end of the input", n, old, nw)
		}
		l := d.lines[i]
		c := byte(' ') // an empty line is an empty context line, as in git
		if len(l) > 0 {
			c = l[0]
		}
		switch c {
		case ' ':
			old--
			nw--
		case '-':
			old--
		case '+':
			nw--
		case '\\':
			if last == 0 || !bytes.Equal(bytes.TrimSuffix(l, []byte("\r")), []byte(noNewline)) {
				return 0, errorf(d.input, d.place(i), "unexpected line %.40q in hunk %d", l, n)
			}
			continue
		default:
			return 0, errorf(d.input, d.place(i), "hunk %d is truncated: %d old and %d new lines missing before this line", n, old, nw)
		}
		if old < 0 || nw < 0 {
			return 0, errorf(d.input, d.place(hdr), "corrupt hunk %d: more lines than its header counts", n)
		}
		last = c
	}
	if i < len(d.lines) && bytes.Equal(bytes.TrimSuffix(d.lines[i], []byte("\r")), []byte(noNewline)) {
		i++
	}
	// Change or context lines right after the hunk mean its header counts
	// fewer lines than it has; git would silently drop them.
	if i < len(d.lines) {
		l := d.lines[i]
		sig := string(l) == "-- " || string(l) == "--"
		if !sig && len(l) > 0 && (l[0] == '+' || l[0] == '-' || l[0] == ' ') && !d.isDiffStart(i) {
			return 0, errorf(d.input, d.place(hdr), "corrupt hunk %d: more lines than its header counts", n)
		}
	}
	return i, nil
}
