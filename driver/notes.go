package driver

import (
	"go/token"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver/report"
)

// notes resolves a diagnostic's related information (GCC's notes, as
// builderrors reports them) to report notes: GCC's line and display
// column, and the quoted source line when the note is in a file the front
// end read (a note in a header, registered by its check at GCC's line and
// display column, is printed without a quote).
func notes(fset *token.FileSet, parsed *cparse.Result, related []analysis.RelatedInformation) []report.Note {
	var out []report.Note
	for _, r := range related {
		if !r.Pos.IsValid() {
			continue
		}
		p := fset.Position(r.Pos)
		n := report.Note{File: p.Filename, Line: p.Line, Column: p.Column, Message: r.Message}
		if parsed != nil {
			for _, cf := range parsed.Files {
				if cf.Name != p.Filename {
					continue
				}
				n.SourceLine = lineText(cf, p.Line)
				n.Column = report.DisplayCol(n.SourceLine, p.Column)
				if r.End.IsValid() {
					if e := fset.Position(r.End); e.Line == p.Line && e.Column > p.Column {
						n.EndColumn = report.DisplayCol(n.SourceLine, e.Column)
					}
				}
				break
			}
		}
		out = append(out, n)
	}
	return out
}
