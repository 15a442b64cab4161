package mutation

import (
	"fmt"
	"strings"
)

// Edit is a one-line edit of a file, the unit of every mutation suite of
// the checks (this package's, trampxcheck's and trampexec's): in the
// first line that contains Line, at or after the first line that contains
// After (the start of the file when After is empty), replace Old by New
// (once).
type Edit struct {
	Name  string
	After string
	Line  string
	Old   string
	New   string
}

// Apply returns src with e applied and the 1-based line it changed. The
// error says which anchor is missing: a release of the file that no
// longer has the line the edit was written for.
func (e Edit) Apply(src []byte) ([]byte, int, error) {
	lines := strings.SplitAfter(string(src), "\n")
	i := 0
	if e.After != "" {
		for i < len(lines) && !strings.Contains(lines[i], e.After) {
			i++
		}
		if i == len(lines) {
			return nil, 0, fmt.Errorf("no line contains %q", e.After)
		}
	}
	for ; i < len(lines); i++ {
		if strings.Contains(lines[i], e.Line) {
			if !strings.Contains(lines[i], e.Old) {
				return nil, 0, fmt.Errorf("line %d %q does not contain %q", i+1, strings.TrimSpace(lines[i]), e.Old)
			}
			lines[i] = strings.Replace(lines[i], e.Old, e.New, 1)
			return []byte(strings.Join(lines, "")), i + 1, nil
		}
	}
	return nil, 0, fmt.Errorf("no line contains %q after %q", e.Line, e.After)
}

// At is the Edit with these fields, in their order (a suite's table of
// edits reads as rows of strings without field names).
func At(name, after, line, old, new string) Edit {
	return Edit{Name: name, After: after, Line: line, Old: old, New: new}
}

// ApplyWant returns src with e applied and, on the line it changed, the
// checktest expectation "// want `re`": a fixture in which the mutant's
// finding is expected on the mutated line.
func (e Edit) ApplyWant(src []byte, re string) ([]byte, error) {
	out, line, err := e.Apply(src)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(out), "\n")
	lines[line-1] = strings.TrimRight(lines[line-1], "\n") + " // want `" + re + "`\n"
	return []byte(strings.Join(lines, "")), nil
}
