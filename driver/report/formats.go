package report

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Options are what the formats need besides the findings: the reply
// mails' sender, links and tool name (robot) and the tool and its rules
// (SARIF).
type Options struct {
	Robot RobotOptions
	SARIF SARIFOptions
}

// formatFunc writes a run's findings in one output format.
type formatFunc func(w io.Writer, run *Run, opt *Options) error

// formats maps format names to writers.
var formats = map[string]formatFunc{
	"text": func(w io.Writer, run *Run, _ *Options) error { return WriteText(w, run) },
	"json": func(w io.Writer, run *Run, _ *Options) error { return WriteJSON(w, run) },
	"robot": func(w io.Writer, run *Run, opt *Options) error {
		ro := opt.Robot
		ro.Base = DescribeBase(run.Base)
		return WriteRobot(w, run, ro)
	},
	"b4":    func(w io.Writer, run *Run, _ *Options) error { return WriteB4(w, run) },
	"sarif": func(w io.Writer, run *Run, opt *Options) error { return WriteSARIF(w, run, opt.SARIF) },
}

// Formats lists the format names Write knows, sorted.
func Formats() []string {
	var names []string
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Write writes run in the named format: text (GCC's), json, robot (the
// kernel test robot's reply mails; the base is described by DescribeBase),
// b4 (checkpatch's terse lines) or sarif.
func Write(w io.Writer, format string, run *Run, opt Options) error {
	f, ok := formats[format]
	if !ok {
		return fmt.Errorf("--format: unknown format %q (known: %v)", format, Formats())
	}
	return f(w, run, &opt)
}

// DescribeBase names the tree a run was checked against for a reply: the
// directory and, when it is a git work tree, its HEAD commit.
func DescribeBase(dir string) string {
	if dir == "" {
		return "hermetic (no tree)"
	}
	top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return dir
	}
	a, err1 := filepath.EvalSymlinks(strings.TrimSpace(string(top)))
	b, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil || a != b {
		return dir // not a git work tree of its own (perhaps inside one)
	}
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%h (\"%s\")").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return dir
	}
	return dir + " at " + strings.TrimSpace(string(out))
}
