package main

import (
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver/report"
)

// gccFlags maps the checks that mirror a GCC warning to GCC's flag; every
// other check prints [trampcheck:<name>] in the same place.
var gccFlags = map[string]string{
	"missingproto": "-Wmissing-prototypes",
}

// flagFor returns the flag printed after a check's message.
func flagFor(check string) string {
	if f, ok := gccFlags[check]; ok {
		return f
	}
	return "trampcheck:" + check
}

// unit is one set of C files in one state (the base, or after a patch),
// read through read, which serves patched contents over the tree.
type unit struct {
	files []string                          // names as reported (tree-relative with a tree)
	read  func(name string) ([]byte, error) // reads a file of the state, or a header under the tree
}

// analyze runs the analyzers (and what they require) over u and returns the
// findings in source order. An error means the files could not be checked
// completely; no partial result is returned then.
func analyze(u unit, analyzers []*analysis.Analyzer) ([]report.Finding, error) {
	return newSession(u).run(analyzers)
}

// session runs analyzers over one unit, remembering the results of those
// already run: the series check parses the base while the patched states
// are checked, and then runs on the base only the checks it needs.
type session struct {
	u       unit
	fset    *token.FileSet
	pkg     *types.Package
	results map[*analysis.Analyzer]any
	mu      sync.Mutex // guards diags (analyzers may report from goroutines)
	diags   []diag
}

// diag is one reported diagnostic with its analyzer.
type diag struct {
	a *analysis.Analyzer
	d analysis.Diagnostic
}

// failed returns the files the front end could not parse at all while it
// parsed the others (cparse.Options.KeepGoing).
func (s *session) failed() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if res, ok := s.results[cparse.Analyzer].(*cparse.Result); ok && res != nil {
		return res.Failed
	}
	return nil
}

func newSession(u unit) *session {
	return &session{
		u:       u,
		fset:    token.NewFileSet(),
		pkg:     types.NewPackage("trampcheck/c", "c"),
		results: map[*analysis.Analyzer]any{},
	}
}

// runOne runs a, whose requirements have run.
func (s *session) runOne(a *analysis.Analyzer) error {
	resultOf := map[*analysis.Analyzer]any{}
	s.mu.Lock()
	for _, req := range a.Requires {
		resultOf[req] = s.results[req]
	}
	s.mu.Unlock()
	pass := &analysis.Pass{
		Analyzer:   a,
		Fset:       s.fset,
		OtherFiles: s.u.files,
		Pkg:        s.pkg,
		TypesInfo:  &types.Info{},
		TypesSizes: types.SizesFor("gc", "s390x"),
		ResultOf:   resultOf,
		Report: func(d analysis.Diagnostic) {
			s.mu.Lock()
			s.diags = append(s.diags, diag{a, d})
			s.mu.Unlock()
		},
		ReadFile:          s.u.read,
		ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
		ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
		ExportObjectFact:  func(types.Object, analysis.Fact) {},
		ExportPackageFact: func(analysis.Fact) {},
		AllObjectFacts:    func() []analysis.ObjectFact { return nil },
		AllPackageFacts:   func() []analysis.PackageFact { return nil },
	}
	res, err := runAnalyzer(a, pass)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.results[a] = res
	s.mu.Unlock()
	return nil
}

// run runs the analyzers and what they require, and returns the findings
// of the session so far, in source order. As go/analysis drivers do, it
// runs in parallel the analyzers whose requirements are done: after the
// front end, every check at once.
func (s *session) run(analyzers []*analysis.Analyzer) ([]report.Finding, error) {
	var todo []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	var add func(a *analysis.Analyzer)
	add = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, req := range a.Requires {
			add(req)
		}
		if _, done := s.results[a]; !done {
			todo = append(todo, a)
		}
	}
	for _, a := range analyzers {
		add(a)
	}
	for len(todo) > 0 {
		var ready, later []*analysis.Analyzer
		for _, a := range todo {
			ok := true
			for _, req := range a.Requires {
				if _, done := s.results[req]; !done {
					ok = false
				}
			}
			if ok {
				ready = append(ready, a)
			} else {
				later = append(later, a)
			}
		}
		errs := make([]error, len(ready))
		var wg sync.WaitGroup
		for i, a := range ready {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.runOne(a)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		todo = later
	}
	parsed, _ := s.results[cparse.Analyzer].(*cparse.Result)
	var out []report.Finding
	for _, x := range s.diags {
		f, err := toFinding(s.fset, parsed, x.a.Name, x.d)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Check < b.Check // checks report concurrently
	})
	return out, nil
}

// toFinding resolves a diagnostic's position to GCC's line and display
// column and attaches the quoted source line and the enclosing symbol.
func toFinding(fset *token.FileSet, parsed *cparse.Result, check string, d analysis.Diagnostic) (report.Finding, error) {
	if !d.Pos.IsValid() {
		return report.Finding{}, fmt.Errorf("%s: diagnostic without a position: %s", check, d.Message)
	}
	p := fset.Position(d.Pos)
	f := report.Finding{
		File:     p.Filename,
		Line:     p.Line,
		Severity: "warning",
		Check:    check,
		Flag:     flagFor(check),
		Message:  d.Message,
	}
	if check == builderrors.Analyzer.Name {
		// GCC's errors, printed as GCC prints them.
		f.Severity = "error"
		f.Message, f.Flag = builderrors.SplitFlag(d.Message)
	}
	var src *cparse.File
	if parsed != nil {
		for _, cf := range parsed.Files {
			if cf.Name == p.Filename {
				src = cf
			}
		}
	}
	if src == nil {
		f.Column = p.Column
		return f, nil
	}
	line := lineText(src, p.Line)
	f.SourceLine = line
	f.Column = report.DisplayCol(line, p.Column)
	if d.End.IsValid() {
		if e := fset.Position(d.End); e.Line == p.Line && e.Column > p.Column {
			f.EndColumn = report.DisplayCol(line, e.Column)
		}
	}
	f.Symbol = enclosing(src, p.Line)
	return f, nil
}

// lineText returns line n (1-based) of the file without its line ending.
func lineText(f *cparse.File, n int) string {
	if n < 1 || n > len(f.Lines) {
		return ""
	}
	start := f.Lines[n-1]
	end := len(f.Src)
	if n < len(f.Lines) {
		end = f.Lines[n]
	}
	return strings.TrimRight(string(f.Src[start:end]), "\r\n")
}

// enclosing names the function definition that contains line n, from the
// line of its name to its closing brace, or "" at file scope.
func enclosing(f *cparse.File, n int) string {
	name := ""
	for _, fn := range f.Funcs {
		if fn.Def && !fn.BlockScope && fn.Pos.Line <= n && n <= fn.BodyEnd {
			name = fn.Name
		}
	}
	return name
}
