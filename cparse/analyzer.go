package cparse

import (
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Result is the result of Analyzer: the parsed C files of the pass.
type Result struct {
	Files []*File
	// Tree reads a file of the kernel tree by its slash-separated path
	// relative to the tree root ("include/linux/bpf.h"), as the parse saw
	// it (the overlay first); nil in hermetic mode. Checks that take more
	// than prototypes from the headers (the trampoline's environment
	// model) read them through it.
	Tree func(name string) ([]byte, error)
	// Failed holds, with Options.KeepGoing, the error of each file that
	// could not be parsed at all (neither as its translation unit nor
	// alone) while other files were: the checks then see the rest.
	Failed []error
}

// Analyzer is the C front end as a result-only analyzer: it parses every
// .c and .h file of pass.OtherFiles (read through pass.ReadFile) and returns
// a *Result. It reports no diagnostics; a file it cannot parse makes Run
// fail, because a file that cannot be checked completely must never be
// reported clean.
//
// Analyzer has no options of its own: run by itself it parses the files
// alone (hermetic mode, Options{}). A driver that checks against a tree,
// or with -I and -D, computes the result with ParseFiles and its run's
// Options and supplies it as the pass's ResultOf[Analyzer], as the
// trampcheck driver (package driver) does: the options then belong to
// the run, not to the process, and two runs with different options can
// proceed at once.
var Analyzer = &analysis.Analyzer{
	Name:       "cparse",
	Doc:        "parse the C files of the pass for the checks that read C",
	URL:        "https://github.com/trampcheck/trampcheck/tree/main/cparse",
	Run:        run,
	ResultType: reflect.TypeOf((*Result)(nil)),
}

func run(pass *analysis.Pass) (any, error) {
	return ParseFiles(pass.Fset, pass.OtherFiles, pass.ReadFile, Options{})
}

// ParseFiles parses the .c and .h files among names, reading them (and, in
// tree mode, the headers they include) with read, and registers each in
// fset. Names of files under opts.Tree are reported relative to it.
func ParseFiles(fset *token.FileSet, names []string, read func(string) ([]byte, error), opts Options) (*Result, error) {
	return ParseFilesEarly(fset, names, read, opts, nil)
}

// ParseFilesEarly is ParseFiles that also hands out the result early,
// while the last file's translation unit is still being built: when that
// file has EMIT-family calls (the JIT file, which the hermetic parse reads
// beside its unit), early is called, once its hermetic parse is done, with
// a result of copies of the files in which the last file lacks only what
// its unit gives (File.TU, TUErr and HeaderProtos are unset). Checks that
// read nothing else can run on it at once. early is called at most once,
// from the calling goroutine, before the final result is computed; the
// final result holds other *File values, and may have fewer files (the
// last one fails when neither its unit nor the token scan of its headers
// can be read). Earlier files are complete, as in ParseFiles: only one
// translation unit is built at a time.
func ParseFilesEarly(fset *token.FileSet, names []string, read func(string) ([]byte, error), opts Options, early func(*Result)) (*Result, error) {
	res := &Result{}
	if opts.Tree != "" {
		res.Tree = func(name string) ([]byte, error) {
			if b, ok := opts.Overlay[name]; ok {
				return b, nil
			}
			if read == nil {
				return os.ReadFile(filepath.Join(opts.Tree, filepath.FromSlash(name)))
			}
			return read(filepath.Join(opts.Tree, filepath.FromSlash(name)))
		}
	}
	var files []string
	for _, name := range names {
		if strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h") {
			files = append(files, name)
		}
	}
	for i, name := range files {
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		display := name
		if opts.Tree != "" {
			display = relName(opts.Tree, name)
		}
		var hread func(string) ([]byte, error)
		if read != nil {
			hread = read
		}
		f, finish, err := parseStaged(display, src, opts, hread)
		if err == nil && fset != nil {
			f.TokFile = fset.AddFile(filepath.ToSlash(display), -1, len(src))
			f.TokFile.SetLinesForContent(src)
		}
		if err == nil && finish != nil {
			if i == len(files)-1 && early != nil {
				e := &Result{Tree: res.Tree, Failed: slices.Clone(res.Failed)}
				for _, g := range append(slices.Clone(res.Files), f) {
					c := *g
					e.Files = append(e.Files, &c)
				}
				early(e)
			}
			f, err = finish()
		}
		if err != nil {
			if opts.KeepGoing {
				res.Failed = append(res.Failed, err)
				continue
			}
			return nil, err
		}
		res.Files = append(res.Files, f)
	}
	if len(res.Files) == 0 && len(res.Failed) > 0 {
		// Nothing could be read: the unit as a whole failed.
		return nil, res.Failed[0]
	}
	return res, nil
}

// TokPos returns the token.Pos of byte offset off in the file, for
// diagnostics; token.NoPos when the file is not registered.
func (f *File) TokPos(off int) token.Pos {
	if f.TokFile == nil || off < 0 || off > f.TokFile.Size() {
		return token.NoPos
	}
	return f.TokFile.Pos(off)
}
