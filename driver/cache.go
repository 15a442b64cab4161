package driver

import (
	"bytes"
	"encoding/gob"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver/report"
)

// The result cache keeps the findings of a unit (the files of one state of
// a series, with the checks that ran) beside the translation-unit cache
// (cparse.CacheDir("results")), so that checking the same series again,
// as a send-email hook or a CI bot does, costs a lookup. An entry is keyed
// by trampcheck's build, the checks, the front end's options and the name
// and contents of every file of the unit, and holds, for each file, the
// dependencies of its translation unit (every path the preprocessor asked
// for, found or not, with a hash of its contents): it is used only when
// every one of them is unchanged. A unit with a file that has no
// translation unit (a tree that Kbuild does not build, a file read
// hermetically) is never cached. The trampoline checks' environment model
// is read from headers of the JIT file's own include closure, so its
// dependencies are among the JIT file's.

// resultEntry is one cached unit.
type resultEntry struct {
	Deps     [][]cparse.Dep // per file of the unit, in order
	Findings []report.Finding
}

// resultKey returns the entry name for u with analyzers, and the files'
// contents; ok is false when a file cannot be read (the analysis will say
// why).
func resultKey(u Unit, analyzers []*analysis.Analyzer, opts cparse.Options) (key string, srcs [][]byte, ok bool) {
	names := make([]string, len(analyzers))
	for i, a := range analyzers {
		names[i] = a.Name
	}
	parts := []string{
		"results-1", strings.Join(names, ","), opts.Tree,
		strings.Join(opts.IncludeDirs, "\x00"), strings.Join(opts.Defines, "\x00"),
	}
	for _, f := range u.Files {
		src, err := u.Read(f)
		if err != nil {
			return "", nil, false
		}
		srcs = append(srcs, src)
		parts = append(parts, f, string(src))
	}
	return cparse.CacheKey(parts...), srcs, true
}

// CachedFindings returns the cached findings of u with analyzers when
// every dependency is unchanged.
func CachedFindings(u Unit, analyzers []*analysis.Analyzer, opt Options) ([]report.Finding, bool) {
	dir := cparse.CacheDir("results")
	if dir == "" || len(u.Files) == 0 {
		return nil, false
	}
	key, srcs, ok := resultKey(u, analyzers, opt.Front)
	if !ok {
		return nil, false
	}
	b, ok := cparse.ReadCacheEntry(dir, key)
	if !ok {
		return nil, false
	}
	var e resultEntry
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&e); err != nil || len(e.Deps) != len(u.Files) {
		return nil, false
	}
	for i, f := range u.Files {
		if !cparse.DepsCurrent(f, srcs[i], front(opt, u), u.Read, e.Deps[i]) {
			return nil, false
		}
	}
	return e.Findings, true
}

// StoreFindings caches the findings of session s with analyzers, when
// every file of its unit was read as a translation unit.
func (s *Session) StoreFindings(analyzers []*analysis.Analyzer, findings []report.Finding) {
	dir := cparse.CacheDir("results")
	if dir == "" {
		return
	}
	res := s.Parsed()
	if res == nil || len(res.Files) != len(s.u.Files) {
		return
	}
	e := resultEntry{Findings: findings}
	for _, f := range res.Files {
		if f.TU == nil || f.TU.Deps == nil {
			return
		}
		e.Deps = append(e.Deps, f.TU.Deps)
	}
	key, _, ok := resultKey(s.u, analyzers, s.opt.Front)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(e); err != nil {
		return
	}
	cparse.WriteCacheEntry(dir, key, buf.Bytes())
}

// CachedAnalyze is Analyze through the result cache; it also returns the
// files that could not be parsed at all while the others were.
func CachedAnalyze(u Unit, analyzers []*analysis.Analyzer, opt Options) ([]report.Finding, []error, error) {
	if fs, ok := CachedFindings(u, analyzers, opt); ok {
		return fs, nil, nil
	}
	s := NewSession(u, opt)
	fs, err := s.Run(analyzers)
	if err != nil {
		return nil, nil, err
	}
	s.StoreFindings(analyzers, fs)
	return fs, s.Failed(), nil
}
