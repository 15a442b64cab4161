// Package series is trampcheck's series engine: it checks C files as they
// are, and patch series applied in memory to a kernel tree, in the base
// and after every patch, and classifies each finding in a file a patch
// touches as new (the patch introduced it) or old (the base had it),
// matched by check, function and message, never by line.
//
// The analyzers run through package driver, one session per state, the
// patched states in parallel while the base is parsed; a series checked
// before with the same files, headers and checks is answered by the
// result cache. Everything a check needs is in Config: nothing is kept in
// the process between calls, so any number of series can be checked at
// once.
package series

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/treefs"
)

// Config is one check's configuration.
type Config struct {
	// Tree is the kernel tree (prepared or not) the patches apply to and
	// the headers come from; "" parses C files alone (hermetic mode).
	Tree string
	// Includes are extra -I directories, Defines -D NAME[=VALUE].
	Includes, Defines []string
	// Analyzers are the checks to run, as a go/analysis set; what they
	// require (the front end, cparse.Analyzer) runs first.
	Analyzers []*analysis.Analyzer
	// Styles say how the checks' diagnostics are printed (driver.Options);
	// nil means DefaultStyles.
	Styles map[string]driver.Style
	// Stdin is read for the input "-".
	Stdin io.Reader
}

// DefaultStyles says how trampcheck prints its checks: the checks that
// mirror a GCC diagnostic print GCC's flag (builderrors prints GCC's
// errors, with GCC's flag taken from the message); every other check
// prints [trampcheck:<name>] in the same place.
var DefaultStyles = map[string]driver.Style{
	missingproto.Analyzer.Name: {Flag: "-Wmissing-prototypes"},
	builderrors.Analyzer.Name:  {Severity: "error", SplitFlag: builderrors.SplitFlag},
}

// earlyChecks are the checks that read from the front end only what the
// hermetic parse gives (no File.TU, TUErr or HeaderProtos): they run on
// the JIT file's early result, beside its translation unit
// (driver.Options.Early). TestEarlyChecksReadNoUnit holds them to it.
var earlyChecks = map[*analysis.Analyzer]bool{
	emit.Analyzer:          true,
	asmcomment.Analyzer:    true,
	emitmacro.Analyzer:     true,
	fieldoverflow.Analyzer: true,
	trampgen.Analyzer:      true,
	trampxcheck.Analyzer:   true,
	trampexec.Analyzer:     true,
}

// options returns the driver options of a run against the tree root.
func (c *Config) options(root string) driver.Options {
	styles := c.Styles
	if styles == nil {
		styles = DefaultStyles
	}
	return driver.Options{
		Early: func(a *analysis.Analyzer) bool { return earlyChecks[a] },
		Front: cparse.Options{
			Tree: root, IncludeDirs: c.Includes, Defines: c.Defines,
			SkipTypeErrors: !needsTypeErrors(c.Analyzers),
		},
		Styles: styles,
	}
}

// needsTypeErrors reports whether any of the analyzers, or what they
// require, reads the type errors of the translation units
// (cparse.TU.Diags with Typed): only builderrors does.
func needsTypeErrors(analyzers []*analysis.Analyzer) bool {
	seen := map[*analysis.Analyzer]bool{}
	var walk func(as []*analysis.Analyzer) bool
	walk = func(as []*analysis.Analyzer) bool {
		for _, a := range as {
			if seen[a] {
				continue
			}
			seen[a] = true
			if a == builderrors.Analyzer || walk(a.Requires) {
				return true
			}
		}
		return false
	}
	return walk(analyzers)
}

// OneLine keeps an error message on one line.
func OneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Failing reports whether the run has findings that count: in patch mode
// only new ones (a pre-submit check must not fail on what the base
// already has).
func Failing(run *report.Run) bool {
	for _, pr := range run.Results {
		for _, f := range pr.Findings {
			if f.New == nil || *f.New {
				return true
			}
		}
	}
	return false
}

// isCFile reports whether an input names a C source or header.
func isCFile(name string) bool {
	return strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")
}

// Check runs the checks over the inputs: C files (.c, .h) are checked as
// they are; patches (a patch, an mbox, a directory of .patch files, "-"
// for Stdin) form one series applied to the tree. A file that cannot be
// parsed at all while the others can is named in the run's Failed; an
// error means nothing could be reported.
func Check(cfg Config, inputs []string) (*report.Run, error) {
	analyzers := cfg.Analyzers
	var tree *treefs.Dir
	var err error
	root := ""
	if cfg.Tree != "" {
		if tree, err = treefs.OpenDir(cfg.Tree); err != nil {
			return nil, err
		}
		root = tree.Root()
	}
	opt := cfg.options(root)
	// One file that cannot be read does not stop the others (see
	// runCheck); the hook and the bot keep the all-or-nothing rule.
	opt.Front.KeepGoing = true
	var cfiles []string
	var patches []*patchset.Patch
	for _, in := range inputs {
		switch {
		case in == "-":
			data, err := io.ReadAll(io.LimitReader(cfg.Stdin, patchset.MaxInputSize+1))
			if err != nil {
				return nil, fmt.Errorf("<stdin>: %w", err)
			}
			ps, err := patchset.ReadInput("<stdin>", bytes.NewReader(data))
			if err != nil {
				return nil, err
			}
			patches = append(patches, ps...)
		case isCFile(in):
			if err := CheckRegular(in); err != nil {
				return nil, err
			}
			cfiles = append(cfiles, in)
		default:
			if err := CheckNoSymlink(in); err != nil {
				return nil, err
			}
			ps, err := patchset.ReadPath(in)
			if err != nil {
				return nil, err
			}
			patches = append(patches, ps...)
		}
	}
	run := &report.Run{Base: "hermetic (no tree)"}
	if tree != nil {
		run.Base = tree.Root()
	}
	if len(cfiles) > 0 {
		res, failed, err := CheckFiles(tree, cfiles, analyzers, opt)
		if err != nil {
			return nil, err
		}
		run.Results = append(run.Results, res)
		for _, f := range failed {
			run.Failed = append(run.Failed, OneLine(f))
		}
	}
	if len(patches) > 0 {
		if tree == nil {
			return nil, errors.New("patch input needs --tree DIR: the files the patches change are read from the tree")
		}
		prs, failed, err := CheckSeries(tree, patches, analyzers, opt)
		if err != nil {
			return nil, err
		}
		for _, f := range failed {
			run.Failed = append(run.Failed, OneLine(f))
		}
		run.Patched = true
		run.Results = append(run.Results, prs...)
	}
	return run, nil
}

// CheckRegular refuses inputs that are not regular files (symlinks,
// devices, directories) with one clear line.
func CheckRegular(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: is a symbolic link; give the file itself", path)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	return nil
}

// CheckFiles checks C files as they are on disk. With a tree, a file inside
// it is named relative to the tree, so positions match the robot's.
func CheckFiles(tree *treefs.Dir, paths []string, analyzers []*analysis.Analyzer, opt driver.Options) (report.PatchResult, []error, error) {
	names := make([]string, len(paths))
	contents := map[string][]byte{}
	for i, p := range paths {
		data, err := ReadLimited(p)
		if err != nil {
			return report.PatchResult{}, nil, err
		}
		name := filepath.ToSlash(p)
		if tree != nil {
			if rel, ok := tree.Rel(p); ok {
				name = rel
			}
		}
		names[i] = name
		contents[name] = data
	}
	u := driver.Unit{Files: names, Read: func(name string) ([]byte, error) {
		if data, ok := contents[name]; ok {
			return data, nil
		}
		if tree != nil {
			return tree.ReadFile(name)
		}
		// File mode with -I: the headers the translation unit includes
		// (its own directory and the -I directories), read-only.
		return ReadLimited(name)
	}}
	if tree != nil {
		u.Stat = treefs.Overlay{Tree: tree, Files: contents}.Stat
	}
	fs, failed, err := driver.CachedAnalyze(u, analyzers, opt)
	if err != nil {
		return report.PatchResult{}, nil, err
	}
	files := map[string][]byte{}
	for _, f := range fs {
		files[f.File] = contents[f.File]
	}
	return report.PatchResult{Findings: fs, Files: files}, failed, nil
}

// ReadLimited reads a whole input file, refusing oversized ones.
func ReadLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, patchset.MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(data) > patchset.MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, patchset.MaxInputSize)
	}
	return data, nil
}

// CheckSeries applies the patches in order and checks the C files each
// touches, in the base and after every patch, using every core. The
// second result names the files no state could parse (the rest are
// checked); opt.Front.Tree must be the tree's root.
func CheckSeries(tree *treefs.Dir, patches []*patchset.Patch, analyzers []*analysis.Analyzer, opt driver.Options) ([]report.PatchResult, []error, error) {
	states, err := patchset.Apply(tree, patches)
	if err != nil {
		return nil, nil, err
	}
	// Unit k+1 is the state after patch k; unit 0 is the base of every file
	// the series touches.
	touchedAll := map[string]bool{}
	headerTouched := make([]bool, len(states))
	for k, st := range states {
		for _, f := range st.Touched {
			if isCFile(f) {
				touchedAll[f] = true
			}
			headerTouched[k] = headerTouched[k] || strings.HasSuffix(f, ".h")
		}
	}
	// A series that changes no header gives every state the same headers:
	// the front end then scans the include closure once for all of them.
	if !slices.Contains(headerTouched, true) {
		opt.Front.SameHeaders = true
		opt.Front.Closures = &cparse.Closures{}
	}
	// A series that changes a header can change what the JIT file
	// compiles to (a prototype it relied on, a macro): the JIT file is then
	// checked in every state too, and its new findings are reported.
	jit := ""
	if slices.Contains(headerTouched, true) && !touchedAll[JITFile] {
		if _, err := tree.ReadFile(JITFile); err == nil {
			jit = JITFile
		}
	}
	units := make([]driver.Unit, len(states)+1)
	base := map[string][]byte{}
	var baseFiles []string
	for f := range touchedAll {
		if data, ok := states[len(states)-1].Base[f]; ok && data != nil {
			base[f] = data
			if strings.HasSuffix(f, ".c") {
				baseFiles = append(baseFiles, f)
			}
		}
	}
	if jit != "" {
		baseFiles = append(baseFiles, jit)
	}
	sort.Strings(baseFiles)
	units[0] = driver.Unit{Files: baseFiles, Read: overlayReader(tree, base), Stat: treefs.Overlay{Tree: tree, Files: base}.Stat}
	for k, st := range states {
		var files []string
		for f, data := range st.Files {
			if strings.HasSuffix(f, ".c") && data != nil {
				files = append(files, f)
			}
		}
		if jit != "" {
			files = append(files, jit)
		}
		sort.Strings(files)
		units[k+1] = driver.Unit{Files: files, Read: overlayReader(tree, st.Files), Stat: treefs.Overlay{Tree: tree, Files: st.Files}.Stat}
	}
	// The patched states are checked in full, in parallel, while the base
	// is parsed; the base's findings only classify the patched ones as new
	// or old, so afterwards it runs just the checks that found something.
	findings := make([][]report.Finding, len(units))
	errs := make([]error, len(units))
	failed := make([][]error, len(units))
	// A series checked before with the same files, headers and checks
	// is answered by the result cache, the base included.
	cached := make([]bool, len(units))
	allCached := true
	for i := 1; i < len(units); i++ {
		if len(units[i].Files) == 0 {
			continue
		}
		findings[i], cached[i] = driver.CachedFindings(units[i], analyzers, opt)
		allCached = allCached && cached[i]
	}
	if allCached && len(units[0].Files) > 0 {
		findings[0], cached[0] = driver.CachedFindings(units[0], checksFound(analyzers, findings[1:]), opt)
	}
	if touchedAll[JITFile] || jit != "" {
		for i := range units {
			if len(units[i].Files) > 0 && !cached[i] {
				// Not for a series the cache answers.
				prefetchEnv(tree, analyzers)
				break
			}
		}
	}
	base0 := driver.NewSession(units[0], opt)
	// Each state runs its early checks (driver.ExecEarly: the JIT file's
	// trampoline and encoding checks) beside its translation unit; the
	// base runs those that found something in a patched state as soon as
	// every patched state's early checks are done, beside its own unit.
	found := make([]map[string]bool, len(units))
	var earlyWG sync.WaitGroup
	for i := 1; i < len(units); i++ {
		switch {
		case cached[i]:
			found[i] = map[string]bool{}
			for _, f := range findings[i] {
				found[i][f.Check] = true
			}
		case len(units[i].Files) > 0:
			earlyWG.Add(1)
		}
	}
	var wg sync.WaitGroup
	if len(units[0].Files) > 0 && !cached[0] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			earlyWG.Wait()
			var sub []*analysis.Analyzer
			for _, a := range analyzers {
				for _, m := range found[1:] {
					if m[a.Name] {
						sub = append(sub, a)
						break
					}
				}
			}
			_ = base0.ExecEarly(sub) // an error comes again from base0.Run
		}()
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range units {
		if len(units[i].Files) == 0 || cached[i] {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if i == 0 {
				errs[0] = base0.RunOne(cparse.Analyzer)
				return
			}
			s := driver.NewSession(units[i], opt)
			func() {
				defer earlyWG.Done()
				_ = s.ExecEarly(analyzers) // an error comes again from s.Run
				found[i] = map[string]bool{}
				for _, d := range s.Diagnostics() {
					found[i][d.Analyzer.Name] = true
				}
			}()
			findings[i], errs[i] = s.Run(analyzers)
			if errs[i] == nil {
				s.StoreFindings(analyzers, findings[i])
				failed[i] = s.Failed()
			}
		}(i)
	}
	wg.Wait()
	if errs[0] == nil && len(units[0].Files) > 0 && !cached[0] {
		sub := checksFound(analyzers, findings[1:])
		findings[0], errs[0] = base0.Run(sub)
		if errs[0] == nil {
			// Only the checks of sub: an early check that ran on a
			// result that proved stale may have run for nothing.
			findings[0] = slices.DeleteFunc(findings[0], func(f report.Finding) bool {
				return !slices.ContainsFunc(sub, func(a *analysis.Analyzer) bool { return a.Name == f.Check })
			})
			base0.StoreFindings(sub, findings[0])
			failed[0] = base0.Failed()
		}
	}
	// A file that no state could parse is named once, in the first state
	// that shows it (the base, or after the patch that made it so).
	var unread []error
	seen := map[string]bool{}
	for i, fs := range failed {
		for _, err := range fs {
			msg := err.Error()
			if seen[msg] {
				continue
			}
			seen[msg] = true
			if i == 0 {
				unread = append(unread, fmt.Errorf("base tree: %w", err))
			} else {
				unread = append(unread, fmt.Errorf("%s: after applying: %w", states[i-1].Patch.Source, err))
			}
		}
	}
	for i, err := range errs {
		if err != nil {
			if i == 0 {
				return nil, nil, fmt.Errorf("base tree: %w", err)
			}
			return nil, nil, fmt.Errorf("%s: after applying: %w", states[i-1].Patch.Source, err)
		}
	}
	// introducedBy maps a finding key to the subject of the first patch
	// whose state shows it; base findings are not in it.
	inBase := keys(findings[0])
	introducedBy := map[string]string{}
	var results []report.PatchResult
	for k, st := range states {
		touched := map[string]bool{}
		for _, f := range st.Touched {
			touched[f] = true
		}
		prev := previousKeys(findings[0], units[k], findings[k], k)
		// A diagnostic that GCC places in a header (an error inside a
		// macro's definition, as offsetof's) comes from a unit of this
		// state: it is the patch's when it is new.
		unitFile := map[string]bool{}
		for _, f := range units[k+1].Files {
			unitFile[f] = true
		}
		pr := report.PatchResult{Index: k, Mail: mailOf(st.Patch), Files: map[string][]byte{}}
		for _, f := range findings[k+1] {
			key := f.Key()
			if !inBase[key] {
				if _, ok := introducedBy[key]; !ok {
					introducedBy[key] = st.Patch.Subject
				}
			}
			isNew := !prev[key]
			keep := touched[f.File] ||
				f.File == jit && headerTouched[k] && isNew || // the JIT after a header change
				!unitFile[f.File] && isNew // in a header, from a unit of this state
			if !keep {
				continue
			}
			f.New = &isNew
			f.Patch = introducedBy[key]
			if f.Patch == "" {
				f.Patch = st.Patch.Subject
			}
			f.PatchIndex = k
			pr.Findings = append(pr.Findings, f)
			data := st.Files[f.File]
			if data == nil {
				data, _ = tree.ReadFile(f.File) // the JIT file, unchanged by the series
			}
			pr.Files[f.File] = data
		}
		results = append(results, pr)
	}
	return results, unread, nil
}

// prefetchEnv starts reading the trampoline's environment model from the
// tree's headers while the front end parses, when trampxcheck will need
// it: trampgen.TreeEnv keeps the model, and the analyzer's own call
// then finds it (or waits for it) instead of laying out the structs on
// the critical path.
func prefetchEnv(tree *treefs.Dir, analyzers []*analysis.Analyzer) {
	if tree == nil || !slices.Contains(analyzers, trampxcheck.Analyzer) {
		return
	}
	go func() { _, _ = trampgen.TreeEnv(tree.ReadFile) }() // errors are the analyzer's to report
}

// checksFound returns the analyzers, in order, that reported a finding in
// any of the states.
func checksFound(analyzers []*analysis.Analyzer, states [][]report.Finding) []*analysis.Analyzer {
	found := map[string]bool{}
	for _, fs := range states {
		for _, f := range fs {
			found[f.Check] = true
		}
	}
	var out []*analysis.Analyzer
	for _, a := range analyzers {
		if found[a.Name] {
			out = append(out, a)
		}
	}
	return out
}

// previousKeys is the set of finding keys of the state before patch k: the
// files the series touched before patch k as they were then, every other
// file as in the base.
func previousKeys(base []report.Finding, prevUnit driver.Unit, prev []report.Finding, k int) map[string]bool {
	if k == 0 {
		return keys(base)
	}
	inPrev := map[string]bool{}
	for _, f := range prevUnit.Files {
		inPrev[f] = true
	}
	m := keys(prev)
	for _, f := range base {
		if !inPrev[f.File] {
			m[f.Key()] = true
		}
	}
	return m
}

// JITFile is the tree-relative path of the file trampcheck exists for: the
// one xcheck runs, and the one check adds when a series touches a header.
const JITFile = "arch/s390/net/bpf_jit_comp.c"

// keys returns the set of finding keys.
func keys(fs []report.Finding) map[string]bool {
	m := map[string]bool{}
	for _, f := range fs {
		m[f.Key()] = true
	}
	return m
}

// overlayReader serves a state's files over the tree.
func overlayReader(tree *treefs.Dir, files map[string][]byte) func(string) ([]byte, error) {
	return treefs.Overlay{Tree: tree, Files: files}.ReadFile
}

// mailOf extracts what replies need from a patch.
func mailOf(p *patchset.Patch) report.Mail {
	return report.Mail{
		Subject:    p.Subject,
		From:       p.From,
		To:         p.To,
		Cc:         p.Cc,
		MessageID:  p.MessageID,
		References: p.References,
		Date:       p.Date,
	}
}

// CheckNoSymlink refuses a patch, mbox or directory argument that is a
// symbolic link, as CheckRegular does for C files: a hook or a bot must
// not be led elsewhere by a link planted among its inputs.
func CheckNoSymlink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("%s: %v", path, errors.Unwrap(err))
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: is a symbolic link; give the file itself", path)
	}
	return nil
}

// CheckPatches checks a series against cfg.Tree, with over (base contents
// that replace the tree's, nil for absent files) read on top of it, as the
// send-email hook and the list bot do: a file that cannot be parsed is an
// error.
func CheckPatches(cfg Config, patches []*patchset.Patch, over map[string][]byte) (*report.Run, error) {
	tree, err := treefs.OpenDir(cfg.Tree)
	if err != nil {
		return nil, err
	}
	tree.WithBase(over)
	prs, _, err := CheckSeries(tree, patches, cfg.Analyzers, cfg.options(tree.Root()))
	if err != nil {
		return nil, err
	}
	return &report.Run{Base: tree.Root(), Patched: true, Results: prs}, nil
}
