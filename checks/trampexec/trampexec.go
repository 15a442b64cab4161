package trampexec

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
)

// Analyzer executes the trampoline that every C file of the pass defining
// the generator emits, over the covering configurations (the generator's
// runs come from trampgen), and reports the contract violations.
var Analyzer = &analysis.Analyzer{
	Name:     "trampexec",
	Doc:      "the generated trampoline keeps the ABI and BPF contract when run\n\nRuns the code the file's own generator emits on an s390x emulator for each covering configuration and checks the calling contract; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/trampexec",
	Requires: []*analysis.Analyzer{trampgen.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	gen, ok := pass.ResultOf[trampgen.Analyzer].(*trampgen.Result)
	if !ok || gen == nil {
		return nil, fmt.Errorf("trampexec: no trampgen result")
	}
	for _, rs := range gen.Files {
		f := rs.File
		if ce := rs.CompileErr; ce != nil {
			pass.Report(analysis.Diagnostic{
				Pos:      trampxcheck.LinePos(f, ce.Line),
				Category: "trampexec",
				Message:  "cannot execute the trampoline generator: " + ce.Msg,
			})
			continue
		}
		findings, _, err := CheckRuns(rs, Options{})
		if err != nil {
			return nil, fmt.Errorf("trampexec: %v", err)
		}
		for _, fd := range findings {
			pass.Report(analysis.Diagnostic{
				Pos:      trampxcheck.LinePos(f, fd.Line),
				Category: "trampexec",
				Message:  fd.Message,
			})
		}
	}
	return nil, nil
}
