// Package checktest runs trampcheck's analyzers over C fixtures and compares
// their diagnostics with expectations written in the fixtures, in the manner
// of golang.org/x/tools/go/analysis/analysistest (which needs Go packages).
//
// A fixture is a C file (.c or .h) or a txtar archive (.txtar). An
// expectation is a comment on the line a diagnostic is reported at:
//
//	int f(void) { return 0; } // want "no previous prototype for 'f'"
//	EMIT4(0xb9040000, r1, r2); // want `lgr .* %r2` "second diagnostic"
//
// Each quoted string ("..." with Go escapes, or `...`) is a regular
// expression that must match the message of one diagnostic on that line;
// a diagnostic that matches no expectation, or an expectation that no
// diagnostic matches, fails the test with a "got X, want Y" message.
// Expectations may sit in #define lines too (macro spelling locations).
//
// A plain C fixture is parsed hermetically (no kernel tree; the embedded
// header index applies only when the file has #include lines). A txtar
// archive is written to a temporary directory that serves as the kernel
// tree (Options.Tree), so its headers are resolved as in --tree mode; its
// .c files are checked, or those named by a "check: a.c b.c" line in the
// archive's comment. Other comment lines: "-I DIR" and "-D NAME[=VALUE]"
// add front end options, "hermetic" parses without the tree.
//
// Files of the archive ending in .patch or .diff are not written to the
// tree: they are applied in archive order, in memory, with
// cparse/patchset (git apply's rules), and the front end reads the
// patched contents (Options.Overlay, and the pass's ReadFile); the
// expectations are those of the patched files. Without a "check:" line,
// the .c files of the tree and those the patches create are checked.
//
// Usage, from a check's tests:
//
//	func TestFixtures(t *testing.T) {
//		for _, fx := range checktest.Glob(t, "../../testdata/missingproto/*.c") {
//			t.Run(filepath.Base(fx), func(t *testing.T) {
//				checktest.Run(t, fx, missingproto.Analyzer)
//			})
//		}
//	}
//
// Run runs the analyzers through trampcheck's driver (package driver):
// the front end with the fixture's options, then the given analyzers and
// everything they require, in dependency order. It returns what it saw for further
// assertions. Diagnostics (Check) runs the same without expectations.
package checktest

import (
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/txtar"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/treefs"
)

// Diagnostic is one diagnostic with its resolved position.
type Diagnostic struct {
	Analyzer string
	File     string // as registered: the fixture path, or tree-relative for txtar
	Line     int
	Col      int // byte column
	EndCol   int // byte column just past the range; 0 if none
	Message  string
	Category string
}

// String formats d as FILE:LINE:COL: MESSAGE.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Message)
}

// Outcome is what a run of the analyzers over a fixture produced.
type Outcome struct {
	Diagnostics []Diagnostic
	Parsed      *cparse.Result
	Fset        *token.FileSet
}

// Glob returns the fixtures matching pattern, failing when there are none.
func Glob(tb testing.TB, pattern string) []string {
	tb.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		tb.Fatalf("no fixtures match %s (err %v)", pattern, err)
	}
	sort.Strings(m)
	return m
}

// Run runs the analyzers over the fixture and checks the // want
// expectations in its checked files.
func Run(t *testing.T, fixture string, analyzers ...*analysis.Analyzer) *Outcome {
	t.Helper()
	out, files, err := run(t, fixture, analyzers)
	if err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	check(t, out, files)
	return out
}

// Check runs the analyzers over the fixture without looking at
// expectations; an error is a front end or analyzer failure.
func Check(tb testing.TB, fixture string, analyzers ...*analysis.Analyzer) (*Outcome, error) {
	tb.Helper()
	out, _, err := run(tb, fixture, analyzers)
	return out, err
}

// RunSource runs the analyzers over C source held in memory, named name,
// parsed with opts; no expectations are checked.
func RunSource(name string, src []byte, opts cparse.Options, analyzers ...*analysis.Analyzer) (*Outcome, error) {
	read := func(p string) ([]byte, error) {
		if p == name {
			return src, nil
		}
		return os.ReadFile(p)
	}
	return analyze([]string{name}, read, opts, analyzers)
}

// checked is a file whose expectations are compared.
type checked struct {
	name string // as registered in the FileSet
	src  []byte
}

func run(tb testing.TB, fixture string, analyzers []*analysis.Analyzer) (*Outcome, []checked, error) {
	tb.Helper()
	if !strings.HasSuffix(fixture, ".txtar") {
		src, err := os.ReadFile(fixture)
		if err != nil {
			return nil, nil, err
		}
		out, err := analyze([]string{fixture}, os.ReadFile, cparse.Options{}, analyzers)
		return out, []checked{{fixture, src}}, err
	}
	ar, err := txtar.ParseFile(fixture)
	if err != nil {
		return nil, nil, err
	}
	dir := tb.TempDir()
	var opts cparse.Options
	var names []string
	hermetic := false
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "check:"):
			names = append(names, strings.Fields(strings.TrimPrefix(line, "check:"))...)
		case strings.HasPrefix(line, "-I"):
			opts.IncludeDirs = append(opts.IncludeDirs, filepath.Join(dir, strings.TrimSpace(line[2:])))
		case strings.HasPrefix(line, "-D"):
			opts.Defines = append(opts.Defines, strings.TrimSpace(line[2:]))
		case line == "hermetic":
			hermetic = true
		}
	}
	var patches []*patchset.Patch
	auto := len(names) == 0
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".patch") || strings.HasSuffix(f.Name, ".diff") {
			ps, err := patchset.Parse(f.Name, f.Data)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %v", fixture, err)
			}
			patches = append(patches, ps...)
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, nil, err
		}
		if auto && strings.HasSuffix(f.Name, ".c") {
			names = append(names, f.Name)
		}
	}
	// Patches apply in order, in memory; the files they leave are the
	// overlay that the front end reads.
	tree, err := treefs.OpenDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var patched map[string][]byte
	if len(patches) > 0 {
		states, err := patchset.Apply(tree, patches)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", fixture, err)
		}
		patched = states[len(states)-1].Files
		opts.Overlay = patched
		if auto {
			for p := range patched {
				if strings.HasSuffix(p, ".c") && !slices.Contains(names, p) {
					names = append(names, p)
				}
			}
			sort.Strings(names)
		}
	}
	// The tree reader of trampcheck check: the patched files over the
	// archive's tree, which no path or link leaves.
	read := treefs.Overlay{Tree: tree, Files: patched}.ReadFile
	if !hermetic {
		opts.Tree = dir
	}
	var paths []string
	var files []checked
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		src, err := read(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: check: %v", fixture, err)
		}
		paths = append(paths, p)
		reg := n
		if hermetic {
			reg = p
		}
		files = append(files, checked{reg, src})
	}
	out, err := analyze(paths, read, opts, analyzers)
	return out, files, err
}

// analyze runs the front end and the analyzers through the driver's
// session, as trampcheck check does.
func analyze(names []string, read func(string) ([]byte, error), opts cparse.Options, analyzers []*analysis.Analyzer) (*Outcome, error) {
	s := driver.NewSession(driver.Unit{Files: names, Read: read}, driver.Options{Front: opts})
	if err := s.RunOne(cparse.Analyzer); err != nil {
		return nil, errors.Unwrap(err)
	}
	out := &Outcome{Parsed: s.Parsed(), Fset: s.Fset()}
	err := s.Exec(analyzers)
	fset := s.Fset()
	for _, d := range s.Diagnostics() {
		p := fset.Position(d.Pos)
		x := Diagnostic{
			Analyzer: d.Analyzer.Name, File: p.Filename, Line: p.Line, Col: p.Column,
			Message: d.Message, Category: d.Category,
		}
		if d.End.IsValid() {
			if e := fset.Position(d.End); e.Line == p.Line {
				x.EndCol = e.Column
			}
		}
		out.Diagnostics = append(out.Diagnostics, x)
	}
	var ae *driver.AnalyzerError
	if errors.As(err, &ae) {
		return out, fmt.Errorf("%s: %v", ae.Analyzer.Name, ae.Err)
	}
	return out, err
}

// wantRE finds a // want comment and the expectations after it.
var wantRE = regexp.MustCompile(`//\s*want\s+(.*)$`)

// Expectation is one // want pattern of a fixture.
type Expectation struct {
	File string
	Line int
	Re   *regexp.Regexp
}

// ParseWants returns the expectations of a C file, registered as name.
func ParseWants(name string, src []byte) ([]Expectation, error) {
	var out []Expectation
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		rest = strings.TrimSuffix(rest, "*/")
		for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
			var pat string
			switch rest[0] {
			case '"':
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: bad want string: %v", name, i+1, err)
				}
				pat, _ = strconv.Unquote(q)
				rest = rest[len(q):]
			case '`':
				e := strings.IndexByte(rest[1:], '`')
				if e < 0 {
					return nil, fmt.Errorf("%s:%d: unterminated want pattern", name, i+1)
				}
				pat = rest[1 : e+1]
				rest = rest[e+2:]
			default:
				return nil, fmt.Errorf("%s:%d: want expects quoted patterns, got %q", name, i+1, rest)
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
			}
			out = append(out, Expectation{File: name, Line: i + 1, Re: re})
		}
	}
	return out, nil
}

// reporter is the part of testing.TB that check uses.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
}

// check compares the diagnostics with the expectations of files.
func check(t reporter, out *Outcome, files []checked) {
	t.Helper()
	var wants []Expectation
	for _, f := range files {
		w, err := ParseWants(f.name, f.src)
		if err != nil {
			t.Fatal(err)
			return
		}
		wants = append(wants, w...)
	}
	used := make([]bool, len(wants))
	for _, d := range out.Diagnostics {
		found := false
		for i, w := range wants {
			if !used[i] && w.File == d.File && w.Line == d.Line && w.Re.MatchString(d.Message) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: got unexpected diagnostic %q, want none there", pos(d.File, d.Line, d.Col), d.Message)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: got no diagnostic, want one matching %q", w.File, w.Line, w.Re)
		}
	}
}

func pos(file string, line, col int) string { return fmt.Sprintf("%s:%d:%d", file, line, col) }
