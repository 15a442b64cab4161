package builderrors_test

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse"
)

// TestAnalyzerNotes: the analyzer reports GCC's notes as the related
// information of its diagnostics, each at GCC's file:line:column, in
// GCC's order (the notes of testdata/builderrors/bad_notes.c, which
// TestFixturesGCC compares with gcc).
func TestAnalyzerNotes(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	path, err := filepath.Abs(filepath.Join(fixtures, "bad_notes.c"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cparse.Parse(path, src, cparse.Options{IncludeDirs: []string{filepath.Join(filepath.Dir(path), "inc")}})
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f.TokFile = fset.AddFile("bad_notes.c", -1, len(src))
	f.TokFile.SetLinesForContent(src)
	var got []string
	// at prints a position as the driver does: display columns.
	at := func(pos token.Pos) string {
		p := fset.Position(pos)
		line := src[f.Lines[p.Line-1]:]
		return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, cparse.DisplayColumn(line, p.Column))
	}
	pass := &analysis.Pass{
		Analyzer: builderrors.Analyzer, Fset: fset,
		ResultOf: map[*analysis.Analyzer]any{cparse.Analyzer: &cparse.Result{Files: []*cparse.File{f}}},
		Report: func(d analysis.Diagnostic) {
			got = append(got, at(d.Pos)+": error: "+d.Message)
			for _, r := range d.Related {
				got = append(got, at(r.Pos)+": note: "+r.Message)
			}
		},
	}
	if _, err := builderrors.Analyzer.Run(pass); err != nil {
		t.Fatal(err)
	}
	want := lines(entries(builderrors.Find(f), "bad_notes.c"))
	notes := 0
	for _, l := range want {
		if macroNote.MatchString(l) {
			notes++
		}
	}
	if notes < 5 || !slices.Equal(got, want) {
		t.Errorf("got\n\t%q\nwant (%d notes)\n\t%q", got, notes, want)
	}
}
