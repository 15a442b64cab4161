package builderrors_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// fixtures is the directory of the C fixtures, compared with host gcc.
const fixtures = "../../testdata/builderrors"

// hostGCC returns the host gcc, skipping the test without one (failing
// when the CI requires the oracles).
func hostGCC(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("gcc")
	if err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			t.Fatalf("host gcc required: %v", err)
		}
		t.Skipf("no host gcc: %v", err)
	}
	return p
}

// errorLine matches an error line of GCC: file, then the rest.
var errorLine = regexp.MustCompile(`^([^:\s]+):\d+(:\d+)?: (fatal )?error: `)

// gccErrors returns the error lines GCC prints for file, in file.
func gccErrors(out, file string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if m := errorLine.FindStringSubmatch(l); m != nil && m[1] == file {
			got = append(got, l)
		}
	}
	return got
}

// ours returns trampcheck's errors for file as GCC prints them, and
// whether they are a preprocessing error (after which GCC goes on and may
// report errors that follow from it, which trampcheck does not).
func ours(t *testing.T, path string, src []byte, opts cparse.Options, name string) ([]string, bool) {
	t.Helper()
	got, cppErr, err := oursErr(path, src, opts, name)
	if err != nil {
		t.Fatal(err)
	}
	return got, cppErr
}

// oursNotes returns trampcheck's errors for file with their notes, as
// GCC prints them (without the source excerpts).
func oursNotes(t *testing.T, path string, src []byte, opts cparse.Options, name string) []string {
	t.Helper()
	f, err := cparse.Parse(path, src, opts)
	if err != nil {
		return nil
	}
	return lines(entries(builderrors.Find(f), name))
}

// oursErr is ours, with an error for a file the front end cannot read
// at all without a preprocessing error.
func oursErr(path string, src []byte, opts cparse.Options, name string) ([]string, bool, error) {
	got, cppErr, _, err := oursEntries(path, src, opts, name)
	return got, cppErr, err
}

// oursEntries is oursErr, with the errors as entries with their notes.
func oursEntries(path string, src []byte, opts cparse.Options, name string) ([]string, bool, []entry, error) {
	var errs []builderrors.Error
	cppErr := false
	f, err := cparse.Parse(path, src, opts)
	switch {
	case err != nil:
		_, _, errs = builderrors.FindFailed(err)
		if len(errs) == 0 {
			return nil, false, nil, fmt.Errorf("%s: the front end fails without a preprocessing error: %v", name, err)
		}
		cppErr = true
	default:
		errs = builderrors.Find(f)
		var ce *cpp.Error
		cppErr = f.TU == nil && errors.As(f.TUErr, &ce)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Format(name))
	}
	return got, cppErr, entries(errs, name), nil
}

// TestFixturesGCC compares every fixture with host gcc in gnu11 with the
// kernel's -Werror=implicit-function-declaration: a bad_*.c fixture must
// give errors and exactly GCC's error lines (after a preprocessing error,
// GCC's first error line), a good_*.c fixture none, and GCC none either;
// a second read, from the translation unit cache, gives the same.
func TestFixturesGCC(t *testing.T) {
	gcc := hostGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	dir, err := filepath.Abs(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.c"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	inc := filepath.Join(dir, "inc")
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(gcc, "-fsyntax-only", "-std=gnu11", "-Werror=implicit-function-declaration", "-I", inc, name)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
			out, _ := cmd.CombinedOutput()
			want := gccErrors(string(out), name)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, cppErr := ours(t, path, src, cparse.Options{IncludeDirs: []string{inc}}, name)
			// The second read comes from the translation unit cache,
			// notes included.
			first := oursNotes(t, path, src, cparse.Options{IncludeDirs: []string{inc}}, name)
			if again := oursNotes(t, path, src, cparse.Options{IncludeDirs: []string{inc}}, name); !slices.Equal(again, first) {
				t.Errorf("from the cache: got %q, want %q as read first", again, first)
			}
			// With the notes: GCC's lines exactly (the fixtures' macros
			// are in the file).
			if gccAll := lines(gccEntries(string(out), func(l string) bool { return strings.HasPrefix(l, name+":") })); !cppErr && !slices.Equal(first, gccAll) {
				t.Errorf("with the notes: got (trampcheck)\n\t%s\nwant (gcc)\n\t%s", strings.Join(first, "\n\t"), strings.Join(gccAll, "\n\t"))
			}
			if cppErr && len(want) > 1 {
				want = want[:1]
			}
			bad := strings.HasPrefix(name, "bad_")
			switch {
			case bad && len(want) == 0:
				t.Fatalf("gcc reports no error for a bad fixture:\n%s", out)
			case !bad && len(want) > 0:
				t.Fatalf("gcc reports errors for a good fixture:\n%s", out)
			case !slices.Equal(got, want):
				t.Errorf("got (trampcheck)\n\t%s\nwant (gcc)\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}

// entry is one GCC error line with the notes of the check GCC prints
// after it: the macro expansion trace ("in definition of macro 'M'", "in
// expansion of macro 'M'") and "previous definition of 'f' with type".
type entry struct {
	line  string
	notes []string
}

// macroNote matches GCC's notes that the check prints.
var macroNote = regexp.MustCompile(`^\S+:\d+:\d+: note: (in (expansion|definition) of macro '|previous (definition|declaration) of ')`)

// otherNote matches any other note of GCC.
var otherNote = regexp.MustCompile(`^\S+:\d+(:\d+)?: note: `)

// severityLine matches any diagnostic line of GCC other than a note.
var severityLine = regexp.MustCompile(`^\S*: (fatal error|error|warning): `)

// gccEntries returns the error lines of GCC's output out that keep
// accepts, each with the macro expansion notes that follow it.
func gccEntries(out string, keep func(line string) bool) []entry {
	var es []entry
	cur := -1
	for _, l := range strings.Split(out, "\n") {
		switch {
		case errorLine.MatchString(l) && keep(l):
			es = append(es, entry{line: l})
			cur = len(es) - 1
		case severityLine.MatchString(l) || errorLine.MatchString(l):
			cur = -1
		case cur >= 0 && macroNote.MatchString(l):
			es[cur].notes = append(es[cur].notes, l)
		case otherNote.MatchString(l):
			// "each undeclared identifier is reported only once": the
			// macro trace after it is its own, not the error's.
			cur = -1
		}
	}
	return es
}

// entries returns trampcheck's errors as entries for the file name.
func entries(errs []builderrors.Error, name string) []entry {
	var es []entry
	for _, e := range errs {
		ls := e.Lines(name)
		es = append(es, entry{line: ls[0], notes: ls[1:]})
	}
	return es
}

// lines returns the entries as GCC prints them, notes after their error.
func lines(es []entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.line)
		out = append(out, e.notes...)
	}
	return out
}
