package missingproto

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
)

// Analyzer reports non-static function definitions without a previous
// prototype, exactly as GCC's -Wmissing-prototypes.
var Analyzer = &analysis.Analyzer{
	Name:     "missingproto",
	Doc:      "report a global function defined without a previous prototype\n\nThe same rule and position as GCC's -Wmissing-prototypes; see the package documentation.",
	URL:      "https://github.com/trampcheck/trampcheck/tree/main/checks/missingproto",
	Requires: []*analysis.Analyzer{cparse.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res, ok := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("missingproto: no front end result")
	}
	for _, f := range res.Files {
		for _, fn := range Find(f) {
			pos := f.TokPos(fn.Pos.Offset)
			if !pos.IsValid() {
				return nil, fmt.Errorf("%s: file not registered in the pass", f.Name)
			}
			end := f.TokPos(fn.End)
			if !end.IsValid() {
				end = token.NoPos
			}
			pass.Report(analysis.Diagnostic{
				Pos:      pos,
				End:      end,
				Category: "missingproto",
				Message:  fmt.Sprintf("no previous prototype for '%s'", fn.Name),
			})
		}
	}
	return nil, nil
}

// Find returns the definitions of f that GCC's -Wmissing-prototypes
// reports, in source order.
func Find(f *cparse.File) []cparse.Func {
	var out []cparse.Func
	protos := map[string]bool{} // file-scope prototypes seen so far
	for _, fn := range f.Funcs {
		if fn.BlockScope {
			continue
		}
		if fn.Def && !fn.Static && !fn.Inline && fn.Name != "main" && !protos[fn.Name] {
			if _, inHeader := f.HeaderProtos[fn.Name]; !inHeader {
				out = append(out, fn)
			}
		}
		if fn.Prototype {
			protos[fn.Name] = true
		}
	}
	return out
}
