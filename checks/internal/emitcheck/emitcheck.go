// Package emitcheck builds the analyzers of the encoding checks
// (asmcomment, emitmacro, fieldoverflow): each reads the one shared EMIT
// family result (emit.Analyzer) and reports its findings per file, so the
// three differ only in their check function. It also holds the small
// readers of the file's text that they share.
package emitcheck

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/interp"
)

// URLBase is where the checks' documentation lives; a check's URL is
// URLBase followed by its name.
const URLBase = "https://github.com/trampcheck/trampcheck/tree/main/checks/"

// NewAnalyzer returns the analyzer of the encoding check name: it requires
// emit.Analyzer and, for every file of its result, reports each finding
// check returns at the byte offset and with the message at gives for it.
// check evaluates with the kernel constants of the environment model
// Model gives for the pass.
func NewAnalyzer[F any](name, doc string, check func(*emit.File, *interp.Env) []F, at func(F) (offset int, message string)) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      doc,
		URL:      URLBase + name,
		Requires: []*analysis.Analyzer{cparse.Analyzer, emit.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			res, _ := pass.ResultOf[emit.Analyzer].(*emit.Result)
			if res == nil {
				return nil, fmt.Errorf("%s: no EMIT family result", name)
			}
			model, err := Model(pass, res)
			if err != nil {
				return nil, fmt.Errorf("%s: environment model: %v", name, err)
			}
			for _, ef := range res.Files {
				for _, fd := range check(ef, model) {
					off, msg := at(fd)
					pass.Report(analysis.Diagnostic{Pos: ef.File.TokPos(off), Message: msg})
				}
			}
			return nil, nil
		},
	}
}

// Model returns the environment model whose kernel constants the encoding
// checks evaluate with: in tree mode the one the trampoline checks use,
// read from the tree's headers as the patched state sees them
// (trampgen.TreeEnv, cached across the checks and the states of a
// series); nil (the documented 6.12 values) without a tree, for a tree
// without the model's headers, or when no file of res has an EMIT
// definition or call (nothing is evaluated). An error names the header
// and line the model cannot read.
func Model(pass *analysis.Pass, res *emit.Result) (*interp.Env, error) {
	front, _ := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if front == nil || front.Tree == nil {
		return nil, nil
	}
	for _, ef := range res.Files {
		if len(ef.Defs) > 0 || len(ef.Sites) > 0 {
			return trampgen.TreeEnv(front.Tree)
		}
	}
	return nil, nil
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
