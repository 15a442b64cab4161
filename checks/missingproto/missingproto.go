package missingproto

import (
	"fmt"

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
		for _, w := range Find(f) {
			pos := f.TokPos(w.Func.Pos.Offset)
			if !pos.IsValid() {
				return nil, fmt.Errorf("%s: file not registered in the pass", f.Name)
			}
			pass.Report(analysis.Diagnostic{
				Pos:      pos,
				End:      f.TokPos(w.Func.End),
				Category: "missingproto",
				Message:  w.Message,
			})
		}
	}
	return nil, nil
}

// Warning is one -Wmissing-prototypes warning.
type Warning struct {
	Func    cparse.Func
	Message string // GCC's text, without the flag
}

// Find returns the warnings GCC's -Wmissing-prototypes gives for f, in
// source order. GCC has two: "no previous prototype for 'f'" for a global
// (non-static, non-inline, not main) definition with no previous
// file-scope prototype, and otherwise "'f' was used with no prototype
// before its definition" when f has earlier file-scope declarations, none
// of them a prototype, and was used before (called, its address taken,
// even inside sizeof).
func Find(f *cparse.File) []Warning {
	var out []Warning
	firstUse := map[string]int{} // offset of each name's first use
	for _, r := range f.Refs {
		if o, ok := firstUse[r.Name]; !ok || r.Pos.Offset < o {
			firstUse[r.Name] = r.Pos.Offset
		}
	}
	protos := map[string]bool{}   // file-scope prototypes seen so far
	declared := map[string]bool{} // file-scope declarations seen so far
	for _, fn := range f.Funcs {
		if fn.BlockScope {
			continue
		}
		if fn.Def {
			_, inHeader := f.HeaderProtos[fn.Name]
			proto := protos[fn.Name] || inHeader
			switch {
			case !fn.Static && !fn.Inline && fn.Name != "main" && !proto:
				out = append(out, Warning{fn, fmt.Sprintf("no previous prototype for '%s'", fn.Name)})
			case declared[fn.Name] && !proto && usedBefore(firstUse, fn):
				out = append(out, Warning{fn, fmt.Sprintf("'%s' was used with no prototype before its definition", fn.Name)})
			}
		}
		declared[fn.Name] = true
		if fn.Prototype {
			protos[fn.Name] = true
		}
	}
	return out
}

// usedBefore reports whether the name of fn is used before its definition.
func usedBefore(firstUse map[string]int, fn cparse.Func) bool {
	o, ok := firstUse[fn.Name]
	return ok && o < fn.Pos.Offset
}
