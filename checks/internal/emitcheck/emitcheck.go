// Package emitcheck builds the analyzers of the encoding checks
// (asmcomment, emitmacro, fieldoverflow): each reads the one shared EMIT
// family result (emit.Analyzer) and reports its findings per file, so the
// three differ only in their check function. It also holds the small
// readers of the file's text that they share.
package emitcheck

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/emit"
)

// URLBase is where the checks' documentation lives; a check's URL is
// URLBase followed by its name.
const URLBase = "https://github.com/trampcheck/trampcheck/tree/main/checks/"

// NewAnalyzer returns the analyzer of the encoding check name: it requires
// emit.Analyzer and, for every file of its result, reports each finding
// check returns at the byte offset and with the message at gives for it.
func NewAnalyzer[F any](name, doc string, check func(*emit.File) []F, at func(F) (offset int, message string)) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      doc,
		URL:      URLBase + name,
		Requires: []*analysis.Analyzer{emit.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			res, _ := pass.ResultOf[emit.Analyzer].(*emit.Result)
			if res == nil {
				return nil, fmt.Errorf("%s: no EMIT family result", name)
			}
			for _, ef := range res.Files {
				for _, fd := range check(ef) {
					off, msg := at(fd)
					pass.Report(analysis.Diagnostic{Pos: ef.File.TokPos(off), Message: msg})
				}
			}
			return nil, nil
		},
	}
}

// FuncBody returns the source of the body of function fn as f defines it
// (from the line of its opening brace to the line of its closing one; the
// last file-scope definition when there are several), or "" when f does
// not define fn.
func FuncBody(f *cparse.File, fn string) string {
	t := ""
	for _, d := range f.Funcs {
		if d.Name != fn || !d.Def || d.BlockScope || d.BodyStart == 0 {
			continue
		}
		start := f.Lines[d.BodyStart-1]
		end := len(f.Src)
		if d.BodyEnd < len(f.Lines) {
			end = f.Lines[d.BodyEnd]
		}
		t = string(f.Src[start:end])
	}
	return t
}
