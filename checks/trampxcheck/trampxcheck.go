package trampxcheck

import (
	"errors"
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Generator is the function whose presence marks a file as the s390x JIT.
const Generator = "__arch_prepare_bpf_trampoline"

// Analyzer runs the cross-check on every C file of the pass that defines
// the trampoline generator, over the covering configurations.
var Analyzer = &analysis.Analyzer{
	Name:     "trampxcheck",
	Doc:      "the trampoline generator emits what the reference emits\n\nRuns the file's own generator and the Go reference over the covering configurations and compares the code; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/trampxcheck",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run:      run,
}

// IsJIT reports whether f defines the trampoline generator.
func IsJIT(f *cparse.File) bool {
	for _, fn := range f.Funcs {
		if fn.Name == Generator && fn.Def {
			return true
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	res, ok := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("trampxcheck: no front end result")
	}
	for _, f := range res.Files {
		if !IsJIT(f) {
			continue
		}
		// In tree mode the environment model comes from the tree's
		// headers (as the patched state sees them).
		var env *interp.Env
		if res.Tree != nil {
			var err error
			if env, err = TreeEnv(res.Tree); err != nil {
				return nil, fmt.Errorf("trampxcheck: environment model: %v", err)
			}
		}
		prog, err := interp.Compile(f, env)
		var findings []Finding
		if err == nil {
			findings, _, err = CheckProgram(f, prog, tramp.Covering(), 0)
		}
		var ce *interp.CompileError
		if errors.As(err, &ce) {
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
