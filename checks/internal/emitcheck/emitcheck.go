// Package emitcheck builds the analyzers of the encoding checks
// (asmcomment, emitmacro, fieldoverflow): each reads the one shared EMIT
// family result (emit.Analyzer) and reports its findings per file, so the
// three differ only in their check function.
package emitcheck

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

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
