package trampexec

import (
	"errors"
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Analyzer executes the trampoline that every C file of the pass defining
// the generator emits, over the covering configurations, and reports the
// contract violations.
var Analyzer = &analysis.Analyzer{
	Name:     "trampexec",
	Doc:      "the generated trampoline keeps the ABI and BPF contract when run\n\nRuns the code the file's own generator emits on an s390x emulator for each covering configuration and checks the calling contract; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/trampexec",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res, ok := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("trampexec: no front end result")
	}
	for _, f := range res.Files {
		if !trampxcheck.IsJIT(f) {
			continue
		}
		var env *interp.Env
		if res.Tree != nil {
			var err error
			if env, err = trampxcheck.TreeEnv(res.Tree); err != nil {
				return nil, fmt.Errorf("trampexec: environment model: %v", err)
			}
		}
		prog, err := interp.Compile(f, env)
		var ce *interp.CompileError
		if errors.As(err, &ce) {
			pass.Report(analysis.Diagnostic{
				Pos:      trampxcheck.LinePos(f, ce.Line),
				Category: "trampexec",
				Message:  "cannot execute the trampoline generator: " + ce.Msg,
			})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("trampexec: %v", err)
		}
		findings, _, err := Check(prog, tramp.Covering(), Options{})
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
