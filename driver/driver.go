// Package driver runs trampcheck's go/analysis analyzers over C files and
// turns their diagnostics into findings as GCC prints them. It is the one
// analysis driver of trampcheck: the command (cmd/trampcheck), the series
// engine (driver/series) and the fixture harness (checks/checktest) all
// run analyzers through a Session.
//
// A Unit is a set of C files in one state (the base of a series, or the
// state after a patch), read through a function that serves the patched
// contents over the tree. The front end (cparse.Analyzer) is not run by
// its own Run: the session parses with cparse.ParseFiles and the run's
// Options and injects the result as ResultOf[cparse.Analyzer], so the
// options (tree, -I, -D, the shared include closures of a series) belong
// to the run and not to the process, and any number of sessions with
// different options can run at once.
//
// As go/analysis drivers do, a session runs in parallel the analyzers
// whose requirements are done; a panic in an analyzer becomes an error
// naming the check and the files.
package driver

import (
	"fmt"
	"go/token"
	"go/types"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver/report"
)

// Unit is one set of C files in one state (the base, or after a patch).
type Unit struct {
	// Files are the names of the files to check, as reported
	// (tree-relative with a tree).
	Files []string
	// Read reads a file of the state, or a header under the tree.
	Read func(name string) ([]byte, error)
	// Stat, when set, reports the Lstat of the file on disk that Read
	// serves name from unchanged, and false when it serves it otherwise
	// (see cparse.Options.Stat): the caches then check such files by
	// their identity instead of reading them.
	Stat func(name string) (fs.FileInfo, bool)
}

// front returns the front end's options for unit u.
func front(opt Options, u Unit) cparse.Options {
	f := opt.Front
	f.Stat = u.Stat
	return f
}

// Options configure a run: the front end's options and how each check's
// diagnostics are printed.
type Options struct {
	// Front is passed to cparse.ParseFiles for every unit of the run.
	Front cparse.Options
	// Styles says, by analyzer name, how a check's diagnostics become
	// findings; a check not in it prints warnings with the flag
	// [trampcheck:<name>].
	Styles map[string]Style
	// Early, when set, reports whether a check reads from the front end's
	// result only what the hermetic parse gives: not File.TU, TUErr or
	// HeaderProtos, which come from the translation unit. Such a check,
	// when what it requires is early too, runs on the result
	// cparse.ParseFilesEarly hands out while the last file's unit is still
	// being preprocessed (the JIT file's trampoline and encoding checks,
	// on the second core, beside its unit), instead of after it.
	Early func(*analysis.Analyzer) bool
}

// Style says how the diagnostics of one check are printed.
type Style struct {
	// Severity is "warning" when empty, or "error".
	Severity string
	// Flag is printed after the message: GCC's for a check that mirrors a
	// GCC warning ("-Wmissing-prototypes"); "trampcheck:<name>" when empty.
	Flag string
	// SplitFlag, when set, takes the flag from the end of the message
	// (a check that prints GCC's errors with GCC's [-W...] flag).
	SplitFlag func(msg string) (text, flag string)
}

// Flag returns the flag a check's findings print with the options.
func (o *Options) Flag(check string) string {
	if st, ok := o.Styles[check]; ok && st.Flag != "" {
		return st.Flag
	}
	return "trampcheck:" + check
}

// Analyze runs the analyzers (and what they require) over u and returns
// the findings in source order. An error means the files could not be
// checked completely; no partial result is returned then.
func Analyze(u Unit, analyzers []*analysis.Analyzer, opt Options) ([]report.Finding, error) {
	return NewSession(u, opt).Run(analyzers)
}

// Session runs analyzers over one unit, remembering the results of those
// already run: the series engine parses the base while the patched states
// are checked, and then runs on the base only the checks it needs.
type Session struct {
	u       Unit
	opt     Options
	fset    *token.FileSet
	pkg     *types.Package
	mu      sync.Mutex // guards the fields below (analyzers may report from goroutines)
	results map[*analysis.Analyzer]any
	rank    map[*analysis.Analyzer]int // order of the dependency walk, for a stable sort
	diags   []Diagnostic
	// early is the front end's early result (cparse.ParseFilesEarly), nil
	// when there was none or it proved stale (the final result lost a
	// file); earlyCh is closed when it is set or the front end is done.
	early     *cparse.Result
	earlyCh   chan struct{}
	earlyOnce sync.Once
	// The front end runs once per session, in its own goroutine
	// (startFront): frontDone is closed when it is done, with frontErr.
	frontOnce sync.Once
	frontDone chan struct{}
	frontErr  error
	// usedEarly records the early result each analyzer ran on.
	usedEarly map[*analysis.Analyzer]*cparse.Result
}

// Diagnostic is one reported diagnostic with its analyzer.
type Diagnostic struct {
	Analyzer *analysis.Analyzer
	analysis.Diagnostic
	seq int // report order, for a stable sort
}

// NewSession returns a session over u with the run's options.
func NewSession(u Unit, opt Options) *Session {
	return &Session{
		u:       u,
		opt:     opt,
		fset:    token.NewFileSet(),
		pkg:     types.NewPackage("trampcheck/c", "c"),
		results: map[*analysis.Analyzer]any{},
		rank:    map[*analysis.Analyzer]int{},
		earlyCh: make(chan struct{}),

		frontDone: make(chan struct{}),
		usedEarly: map[*analysis.Analyzer]*cparse.Result{},
	}
}

// Fset returns the session's file set, where the C files are registered.
func (s *Session) Fset() *token.FileSet { return s.fset }

// Parsed returns the front end's result, nil before it ran or when it failed.
func (s *Session) Parsed() *cparse.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, _ := s.results[cparse.Analyzer].(*cparse.Result)
	return res
}

// Failed returns the files the front end could not parse at all while it
// parsed the others (cparse.Options.KeepGoing).
func (s *Session) Failed() []error {
	if res := s.Parsed(); res != nil {
		return res.Failed
	}
	return nil
}

// Diagnostics returns the diagnostics reported so far, ordered by file,
// line and column; ties in the order of the dependency walk of the
// analyzers (as a sequential driver runs them), then as reported.
func (s *Session) Diagnostics() []Diagnostic {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.diags)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := s.fset.Position(out[i].Pos), s.fset.Position(out[j].Pos)
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if ri, rj := s.rank[out[i].Analyzer], s.rank[out[j].Analyzer]; ri != rj {
			return ri < rj
		}
		return out[i].seq < out[j].seq
	})
	return out
}

// AnalyzerError is the error of one analyzer's run.
type AnalyzerError struct {
	Analyzer *analysis.Analyzer
	Err      error
}

func (e *AnalyzerError) Error() string { return e.Err.Error() }
func (e *AnalyzerError) Unwrap() error { return e.Err }

// RunOne runs a, whose requirements have run. The front end is run by
// the driver itself, with the run's options (see the package doc).
func (s *Session) RunOne(a *analysis.Analyzer) error {
	if a == cparse.Analyzer {
		s.startFront()
		<-s.frontDone
		return s.frontErr
	}
	return s.runOne(a, false)
}

// startFront starts the front end, once per session.
func (s *Session) startFront() {
	s.frontOnce.Do(func() {
		go func() {
			defer close(s.frontDone)
			s.frontErr = s.runOne(cparse.Analyzer, false)
		}()
	})
}

// earlyReady closes earlyCh once.
func (s *Session) earlyReady() { s.earlyOnce.Do(func() { close(s.earlyCh) }) }

// runOne runs a; with early, a reads the front end's early result when
// there is one (see Options.Early).
func (s *Session) runOne(a *analysis.Analyzer, early bool) error {
	resultOf := map[*analysis.Analyzer]any{}
	s.mu.Lock()
	for _, req := range a.Requires {
		resultOf[req] = s.results[req]
		if req == cparse.Analyzer && early && s.early != nil {
			resultOf[req] = s.early
			s.usedEarly[a] = s.early
		}
	}
	s.mu.Unlock()
	var res any
	var err error
	if a == cparse.Analyzer {
		defer s.earlyReady()
		res, err = runAnalyzer(a, s.u.Files, func() (any, error) {
			var onEarly func(*cparse.Result)
			if s.opt.Early != nil {
				onEarly = func(e *cparse.Result) {
					s.mu.Lock()
					s.early = e
					s.mu.Unlock()
					s.earlyReady()
				}
			}
			final, err := cparse.ParseFilesEarly(s.fset, s.u.Files, s.u.Read, front(s.opt, s.u), onEarly)
			// In one step with the stale test: an early check that finds
			// the early result gone finds the final one.
			s.mu.Lock()
			if err == nil {
				s.results[cparse.Analyzer] = final
			}
			if s.early != nil && (err != nil || !sameFiles(s.early, final)) {
				s.early = nil // stale: Exec runs its users again
			}
			s.mu.Unlock()
			return final, err
		})
	} else {
		pass := &analysis.Pass{
			Analyzer:   a,
			Fset:       s.fset,
			OtherFiles: s.u.Files,
			Pkg:        s.pkg,
			TypesInfo:  &types.Info{},
			TypesSizes: types.SizesFor("gc", "s390x"),
			ResultOf:   resultOf,
			Report: func(d analysis.Diagnostic) {
				s.mu.Lock()
				s.diags = append(s.diags, Diagnostic{a, d, len(s.diags)})
				s.mu.Unlock()
			},
			ReadFile:          s.u.Read,
			ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
			ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
			ExportObjectFact:  func(types.Object, analysis.Fact) {},
			ExportPackageFact: func(analysis.Fact) {},
			AllObjectFacts:    func() []analysis.ObjectFact { return nil },
			AllPackageFacts:   func() []analysis.PackageFact { return nil },
		}
		res, err = runAnalyzer(a, s.u.Files, func() (any, error) { return a.Run(pass) })
	}
	if err != nil {
		return &AnalyzerError{a, err}
	}
	s.mu.Lock()
	s.results[a] = res
	s.mu.Unlock()
	return nil
}

// sameFiles reports whether the early result has the final one's files.
func sameFiles(early, final *cparse.Result) bool {
	if final == nil || len(early.Files) != len(final.Files) {
		return false
	}
	for i, f := range early.Files {
		if f.Name != final.Files[i].Name {
			return false
		}
	}
	return true
}

// runAnalyzer runs one analyzer pass (run) over files and turns a panic
// in it into an error naming the check and the files: sessions run in
// goroutines, where a caller's recover cannot reach.
func runAnalyzer(a *analysis.Analyzer, files []string, run func() (any, error)) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.Join(strings.Fields(fmt.Sprint(r)), " ")
			res, err = nil, fmt.Errorf("%s: internal error in check %s: %s", strings.Join(files, ", "), a.Name, msg)
		}
	}()
	return run()
}

// Exec runs the analyzers and what they require, each as soon as its
// requirements are done (the checks that Options.Early allows as soon as
// the front end's early result is out), in parallel. An analyzer whose
// requirement failed does not run; the error returned is the one of the
// first analyzer, in the order of the dependency walk, that failed.
func (s *Session) Exec(analyzers []*analysis.Analyzer) error {
	return s.exec(analyzers, false)
}

// ExecEarly runs, of the analyzers, those that Options.Early allows (with
// what they require), on the front end's early result when there is one,
// without waiting for the end of the front end, which goes on: a later
// Exec or Run waits for it, and runs again on the final result what ran on
// an early one that proved stale. Its error, if any, is the first
// analyzer's; the front end's own error is left to Exec.
func (s *Session) ExecEarly(analyzers []*analysis.Analyzer) error {
	return s.exec(analyzers, true)
}

// exec is Exec; with onlyEarly, ExecEarly.
func (s *Session) exec(analyzers []*analysis.Analyzer, onlyEarly bool) error {
	var todo []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	done := func(a *analysis.Analyzer) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		_, ok := s.results[a]
		return ok
	}
	// early says whether a may run on the early result: a check Early
	// allows, whose requirements (but the front end) are early too.
	early := map[*analysis.Analyzer]bool{}
	var add func(a *analysis.Analyzer)
	add = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		ok := a != cparse.Analyzer && s.opt.Early != nil && s.opt.Early(a)
		for _, req := range a.Requires {
			add(req)
			ok = ok && (req == cparse.Analyzer || early[req])
		}
		early[a] = ok
		if onlyEarly && !ok {
			return
		}
		if !done(a) {
			todo = append(todo, a)
			s.mu.Lock()
			if _, ok := s.rank[a]; !ok {
				s.rank[a] = len(s.rank)
			}
			s.mu.Unlock()
		}
	}
	for _, a := range analyzers {
		if !onlyEarly || a != cparse.Analyzer {
			add(a)
		}
	}
	type job struct {
		done chan struct{}
		err  error // the analyzer's error
		skip bool  // not run: a requirement failed
	}
	jobs := map[*analysis.Analyzer]*job{}
	front := false // the front end is among todo
	for _, a := range todo {
		if a == cparse.Analyzer {
			front = true
			continue
		}
		jobs[a] = &job{done: make(chan struct{})}
	}
	if front || len(todo) > 0 && !done(cparse.Analyzer) {
		s.startFront()
	}
	for a, j := range jobs {
		go func() {
			defer close(j.done)
			for _, req := range a.Requires {
				if req == cparse.Analyzer {
					if early[a] {
						<-s.earlyCh
						s.mu.Lock()
						ready := s.early != nil
						s.mu.Unlock()
						if ready {
							continue
						}
					}
					<-s.frontDone
					if s.frontErr != nil {
						j.skip = true
						return
					}
					continue
				}
				r, ok := jobs[req]
				if !ok {
					continue
				}
				<-r.done
				if r.err != nil || r.skip {
					j.skip = true
					return
				}
			}
			j.err = s.runOne(a, early[a])
		}()
	}
	var first error
	for _, a := range todo {
		var err error
		if a == cparse.Analyzer {
			<-s.frontDone
			err = s.frontErr
		} else {
			<-jobs[a].done
			err = jobs[a].err
		}
		if first == nil && err != nil {
			first = err
		}
	}
	if first != nil || onlyEarly {
		return first
	}
	// An early result that proved stale: what ran on it runs again on
	// the final one (the front end is done when anything ran on it).
	s.mu.Lock()
	var stale []*analysis.Analyzer
	for a, e := range s.usedEarly {
		if e != s.early {
			stale = append(stale, a)
			delete(s.usedEarly, a)
			delete(s.results, a)
		}
	}
	// And whatever ran on their results.
	for grew := len(stale) > 0; grew; {
		grew = false
		for a := range s.results {
			if slices.ContainsFunc(a.Requires, func(r *analysis.Analyzer) bool { return slices.Contains(stale, r) }) {
				stale = append(stale, a)
				delete(s.usedEarly, a)
				delete(s.results, a)
				grew = true
			}
		}
	}
	if len(stale) > 0 {
		s.diags = slices.DeleteFunc(s.diags, func(d Diagnostic) bool { return slices.Contains(stale, d.Analyzer) })
	}
	s.mu.Unlock()
	if len(stale) > 0 {
		return s.Exec(analyzers)
	}
	return nil
}

// Run runs the analyzers and what they require, and returns the findings
// of the session so far, in source order.
func (s *Session) Run(analyzers []*analysis.Analyzer) ([]report.Finding, error) {
	if err := s.Exec(analyzers); err != nil {
		return nil, err
	}
	return s.Findings()
}

// Findings returns the session's diagnostics as findings, in source order.
func (s *Session) Findings() ([]report.Finding, error) {
	parsed := s.Parsed()
	s.mu.Lock()
	diags := slices.Clone(s.diags)
	s.mu.Unlock()
	var out []report.Finding
	for _, x := range diags {
		f, err := s.toFinding(parsed, x.Analyzer.Name, x.Diagnostic)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	// A diagnostic that GCC places in a header (inside a macro's
	// definition) is ordered, as GCC prints it, at the outermost
	// expansion in a checked file: its last note there.
	checked := map[string]bool{}
	for _, f := range s.u.Files {
		checked[f] = true
	}
	at := func(f *report.Finding) (string, int, int) {
		if !checked[f.File] {
			for i := len(f.Notes) - 1; i >= 0; i-- {
				if n := &f.Notes[i]; checked[n.File] {
					return n.File, n.Line, n.Column
				}
			}
		}
		return f.File, f.Line, f.Column
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		af, al, ac := at(&a)
		bf, bl, bc := at(&b)
		if af != bf {
			return af < bf
		}
		if al != bl {
			return al < bl
		}
		if ac != bc {
			return ac < bc
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Check < b.Check // checks report concurrently
	})
	report.NumberOccurrences(out)
	return out, nil
}

func (s *Session) toFinding(parsed *cparse.Result, check string, d analysis.Diagnostic) (report.Finding, error) {
	return s.opt.Finding(s.fset, parsed, check, d)
}

// Finding resolves a diagnostic of check, positioned in fset, to GCC's
// line and display column, with the check's severity and flag, and
// attaches the quoted source line and the enclosing symbol from the
// front end's result parsed (nil: byte column, no source).
func (o *Options) Finding(fset *token.FileSet, parsed *cparse.Result, check string, d analysis.Diagnostic) (report.Finding, error) {
	if !d.Pos.IsValid() {
		return report.Finding{}, fmt.Errorf("%s: diagnostic without a position: %s", check, d.Message)
	}
	p := fset.Position(d.Pos)
	f := report.Finding{
		File:     p.Filename,
		Line:     p.Line,
		Severity: "warning",
		Check:    check,
		Flag:     o.Flag(check),
		Message:  d.Message,
	}
	if st, ok := o.Styles[check]; ok {
		if st.Severity != "" {
			f.Severity = st.Severity
		}
		if st.SplitFlag != nil {
			f.Message, f.Flag = st.SplitFlag(d.Message)
		}
	}
	f.Notes = notes(fset, parsed, d.Related)
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
