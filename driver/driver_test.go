package driver_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/series"
)

// memUnit is a unit of C files held in memory.
func memUnit(files map[string]string, names ...string) driver.Unit {
	return driver.Unit{Files: names, Read: func(name string) ([]byte, error) {
		return []byte(files[name]), nil
	}}
}

// TestKeepGoing: with the front end's KeepGoing, a file that cannot be
// parsed is named in Failed and the other file is still checked; without
// it, the run fails and reports nothing.
func TestKeepGoing(t *testing.T) {
	files := map[string]string{
		"good.c": "int exported(void)\n{\n\treturn 1;\n}\n",
		"bad.c":  "int broken(void\n{\n",
	}
	u := memUnit(files, "bad.c", "good.c")
	checks := []*analysis.Analyzer{missingproto.Analyzer}
	s := driver.NewSession(u, driver.Options{Front: cparse.Options{KeepGoing: true}, Styles: series.DefaultStyles})
	fs, err := s.Run(checks)
	if err != nil {
		t.Fatalf("keep going: got %v, want the good file checked", err)
	}
	if len(fs) != 1 || fs[0].File != "good.c" || fs[0].Flag != "-Wmissing-prototypes" {
		t.Errorf("keep going: got %+v, want one missing prototype in good.c", fs)
	}
	if f := s.Failed(); len(f) != 1 || !strings.Contains(f[0].Error(), "bad.c") {
		t.Errorf("Failed: got %v, want bad.c", f)
	}
	if fs, err := driver.Analyze(u, checks, driver.Options{}); err == nil || !strings.Contains(err.Error(), "bad.c") {
		t.Errorf("all or nothing: got %v, %v, want an error naming bad.c", fs, err)
	}
}

// TestDiagnosticsOrder: the raw diagnostics come in file, line and column
// order, whichever check reported first.
func TestDiagnosticsOrder(t *testing.T) {
	files := map[string]string{"a.c": "int one(void) { return 1; }\nint two(void) { return 2; }\n", "b.c": "int three(void) { return 3; }\n"}
	s := driver.NewSession(memUnit(files, "b.c", "a.c"), driver.Options{})
	if err := s.Exec([]*analysis.Analyzer{missingproto.Analyzer}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range s.Diagnostics() {
		p := s.Fset().Position(d.Pos)
		got = append(got, p.Filename+":"+d.Analyzer.Name+":"+strings.Fields(d.Message)[len(strings.Fields(d.Message))-1])
	}
	want := "a.c:missingproto:'one' a.c:missingproto:'two' b.c:missingproto:'three'"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

// probe is a check that reports, for every file of the front end's result
// it runs on, whether the file has its translation unit yet.
func probe(name string, runs *atomic.Int64, onRun func()) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      "report whether each file has its translation unit",
		Requires: []*analysis.Analyzer{cparse.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			runs.Add(1)
			if onRun != nil {
				onRun()
			}
			res := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
			var names []string
			for _, f := range res.Files {
				pass.Reportf(f.TokPos(0), "%s tu=%v", f.Name, f.TU != nil)
				names = append(names, f.Name)
			}
			return names, nil
		},
		ResultType: reflect.TypeOf([]string(nil)),
	}
}

// follower is a check that requires probe p and reports the files p saw.
func follower(p *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     "follower",
		Doc:      "report the files the probe saw",
		Requires: []*analysis.Analyzer{cparse.Analyzer, p},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
			pass.Reportf(res.Files[0].TokPos(0), "probe saw %s", strings.Join(pass.ResultOf[p].([]string), " "))
			return nil, nil
		},
	}
}

// earlyFixture writes a file with an EMIT-family call (so the hermetic
// parse reads it beside its translation unit) and its header into a new
// directory, and returns the directory and the file's path.
func earlyFixture(t *testing.T) (dir, jit, other string) {
	t.Helper()
	dir = t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("defs.h", "#define EMIT4(op, a, b) do { } while (0)\nint declared(void);\n")
	jit = write("jit.c", "#include \"defs.h\"\n\nint declared(void)\n{\n\tEMIT4(0xb9040000, 1, 2);\n\treturn 0;\n}\n")
	other = write("other.c", "int other(void)\n{\n\treturn 1;\n}\n")
	return dir, jit, other
}

// lines returns the session's diagnostics as "check: message".
func lines(s *driver.Session) string {
	var out []string
	for _, d := range s.Diagnostics() {
		out = append(out, d.Analyzer.Name+": "+d.Message)
	}
	return strings.Join(out, "\n")
}

// TestEarlyChecks: a check Options.Early allows runs on the front end's
// early result (the file without its translation unit, which is still
// being built), a check it does not allow on the final one, and without
// Options.Early every check waits for the unit.
func TestEarlyChecks(t *testing.T) {
	dir, jit, _ := earlyFixture(t)
	var runs atomic.Int64
	early, late := probe("early", &runs, nil), probe("late", &runs, nil)
	u := driver.Unit{Files: []string{jit}, Read: os.ReadFile}
	for _, c := range []struct {
		allow func(*analysis.Analyzer) bool
		want  string
	}{
		{func(a *analysis.Analyzer) bool { return a == early }, "early: " + jit + " tu=false\nlate: " + jit + " tu=true"},
		{nil, "early: " + jit + " tu=true\nlate: " + jit + " tu=true"},
	} {
		s := driver.NewSession(u, driver.Options{Front: cparse.Options{IncludeDirs: []string{dir}}, Early: c.allow})
		if err := s.Exec([]*analysis.Analyzer{early, late}); err != nil {
			t.Fatal(err)
		}
		if got := lines(s); got != c.want {
			t.Errorf("early allowed: %v\ngot:\n%s\nwant:\n%s", c.allow != nil, got, c.want)
		}
		if res := s.Parsed(); res == nil || len(res.Files) != 1 || res.Files[0].TU == nil {
			t.Errorf("the session's result must be the final one, with the unit")
		}
	}
}

// TestEarlyStale: when the file of the early result then fails (neither
// its translation unit nor the token scan of its headers can be read),
// what ran on the early result runs again on the final one, and so does a
// check (not early itself) that ran on its result; nothing they reported
// on the early files is kept.
func TestEarlyStale(t *testing.T) {
	dir, jit, other := earlyFixture(t)
	var runs atomic.Int64
	// The header's read (by the scan that follows the failed unit)
	// waits until the early check runs: it then runs on the early result.
	gate := make(chan struct{})
	var once sync.Once
	early := probe("early", &runs, func() { once.Do(func() { close(gate) }) })
	read := func(name string) ([]byte, error) {
		if filepath.Base(name) == "defs.h" {
			<-gate
			return nil, fmt.Errorf("%s: %w", name, fs.ErrPermission)
		}
		return os.ReadFile(name)
	}
	u := driver.Unit{Files: []string{other, jit}, Read: read}
	s := driver.NewSession(u, driver.Options{
		Front: cparse.Options{Tree: dir, KeepGoing: true},
		Early: func(a *analysis.Analyzer) bool { return a == early },
	})
	if err := s.Exec([]*analysis.Analyzer{early, follower(early)}); err != nil {
		t.Fatal(err)
	}
	if got, want := lines(s), "early: other.c tu=false\nfollower: probe saw other.c"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if f := s.Failed(); len(f) != 1 || !strings.Contains(f[0].Error(), "jit.c") {
		t.Errorf("Failed: got %v, want jit.c", f)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("the early check ran %d times, want 2 (early, then again on the final result)", n)
	}
}

// TestExecEarly: ExecEarly runs the early checks on the early result and
// returns while the front end is still reading the translation unit (here
// held at its header until ExecEarly returned); Run then waits for it and
// runs the rest on the final result.
func TestExecEarly(t *testing.T) {
	dir, jit, _ := earlyFixture(t)
	var runs atomic.Int64
	early, late := probe("early", &runs, nil), probe("late", &runs, nil)
	gate := make(chan struct{})
	read := func(name string) ([]byte, error) {
		if filepath.Base(name) == "defs.h" {
			<-gate
		}
		return os.ReadFile(name)
	}
	s := driver.NewSession(driver.Unit{Files: []string{jit}, Read: read}, driver.Options{
		Front: cparse.Options{IncludeDirs: []string{dir}},
		Early: func(a *analysis.Analyzer) bool { return a == early },
	})
	if err := s.ExecEarly([]*analysis.Analyzer{early, late}); err != nil {
		t.Fatal(err)
	}
	if got, want := lines(s), "early: "+jit+" tu=false"; got != want {
		t.Errorf("after ExecEarly: got:\n%s\nwant:\n%s", got, want)
	}
	if s.Parsed() != nil {
		t.Errorf("the front end is done before its header was read")
	}
	close(gate)
	fs, err := s.Run([]*analysis.Analyzer{early, late})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lines(s), "early: "+jit+" tu=false\nlate: "+jit+" tu=true"; got != want {
		t.Errorf("after Run: got:\n%s\nwant:\n%s", got, want)
	}
	if len(fs) != 2 || fs[0].SourceLine == "" {
		t.Errorf("findings: got %+v, want two, with their source line", fs)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs, want 2 (each check once)", n)
	}
}
