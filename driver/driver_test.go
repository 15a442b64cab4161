package driver_test

import (
	"strings"
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
