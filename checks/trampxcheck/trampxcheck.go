package trampxcheck

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse"
)

// Generator is the function whose presence marks a file as the s390x JIT.
const Generator = trampgen.Generator

// Analyzer runs the cross-check on every C file of the pass that defines
// the trampoline generator, over the covering configurations (the
// generator's runs come from trampgen).
var Analyzer = &analysis.Analyzer{
	Name:     "trampxcheck",
	Doc:      "the trampoline generator emits what the reference emits\n\nRuns the file's own generator and the Go reference over the covering configurations and compares the code; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/trampxcheck",
	Requires: []*analysis.Analyzer{trampgen.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	gen, ok := pass.ResultOf[trampgen.Analyzer].(*trampgen.Result)
	if !ok || gen == nil {
		return nil, fmt.Errorf("trampxcheck: no trampgen result")
	}
	for _, rs := range gen.Files {
		f := rs.File
		if ce := rs.CompileErr; ce != nil {
			// The file cannot be executed: often a real compile error
			// (an undefined identifier), else something the interpreter or
			// its environment model lacks. Either way, say where.
			pass.Report(analysis.Diagnostic{
				Pos:      LinePos(f, ce.Line),
				Category: "trampxcheck",
				Message:  "cannot execute the trampoline generator: " + ce.Msg,
			})
			continue
		}
		findings, _, err := CheckRuns(rs, 0)
		if err != nil {
			return nil, fmt.Errorf("trampxcheck: %v", err)
		}
		for _, fd := range findings {
			pass.Report(analysis.Diagnostic{
				Pos:      LinePos(f, fd.Line),
				Category: "trampxcheck",
				Message:  fd.Message,
			})
		}
	}
	return nil, nil
}

// LinePos returns the position of the first non-blank byte of line in f
// (the generator's first line when line is 0).
func LinePos(f *cparse.File, line int) token.Pos {
	if line <= 0 || line > len(f.Lines) {
		line = 1
		for _, fn := range f.Funcs {
			if fn.Name == Generator && fn.Def {
				line = fn.Pos.Line
			}
		}
	}
	off := f.Lines[line-1]
	for off < len(f.Src) && (f.Src[off] == ' ' || f.Src[off] == '\t') {
		off++
	}
	return f.TokPos(off)
}
