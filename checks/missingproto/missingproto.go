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
		find := Find
		if f.TU != nil {
			find = FindTU
		}
		for _, w := range find(f) {
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

// FindTU is Find on the file's real translation unit (File.TU): every
// declaration in the order GCC reads it, headers and file alike, so that a
// prototype counts only when it comes before the definition, whoever
// spells it (a header, a macro, a typedef of a function type). As in GCC,
// a definition is public unless it or an earlier declaration is static;
// "used with no prototype" needs an earlier file-scope declaration without
// a prototype and a use of the name before the definition, and applies to
// static functions too.
func FindTU(f *cparse.File) []Warning {
	t := f.TU
	var out []Warning
	protos := map[string]bool{}
	declared := map[string]bool{}
	used := map[string]bool{}
	u := 0
	for _, d := range t.Decls {
		for ; u < len(t.Uses) && t.Uses[u].Index < d.Index; u++ {
			used[t.Uses[u].Name] = true
		}
		if d.Def && !t.Quieted(d.Index) {
			if p, ok := f.DeclPos(d); ok {
				fn := cparse.Func{
					Name: d.Name, Pos: p, End: p.Offset + len(d.Name), Def: true,
					Static: d.Static, Inline: d.Inline, Prototype: d.Prototype,
					FromMacro: d.Macro != "",
				}
				if src := f.Src; fn.End > len(src) || string(src[p.Offset:fn.End]) != d.Name {
					fn.End = p.Offset
				}
				switch {
				case !fn.Static && !fn.Inline && fn.Name != "main" && !protos[d.Name]:
					out = append(out, Warning{fn, fmt.Sprintf("no previous prototype for '%s'", fn.Name)})
				case declared[d.Name] && !protos[d.Name] && used[d.Name]:
					out = append(out, Warning{fn, fmt.Sprintf("'%s' was used with no prototype before its definition", fn.Name)})
				}
			}
		}
		declared[d.Name] = true
		if d.Prototype {
			protos[d.Name] = true
		}
	}
	return out
}
