package cparse

import (
	"flag"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
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

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// Flags of Analyzer.
var (
	flagTree    string
	flagInclude stringList
	flagDefine  stringList
)

// Analyzer is the C front end as a result-only analyzer: it parses every
// .c and .h file of pass.OtherFiles (read through pass.ReadFile) and returns
// a *Result. It reports no diagnostics; a file it cannot parse makes Run
// fail, because a file that cannot be checked completely must never be
// reported clean.
var Analyzer = &analysis.Analyzer{
	Name:       "cparse",
	Doc:        "parse the C files of the pass for the checks that read C",
	URL:        "https://github.com/trampcheck/trampcheck/tree/main/cparse",
	Run:        run,
	ResultType: reflect.TypeOf((*Result)(nil)),
	Flags:      analyzerFlags(),
}

func analyzerFlags() flag.FlagSet {
	fs := flag.NewFlagSet("cparse", flag.ContinueOnError)
	fs.StringVar(&flagTree, "tree", "", "kernel source tree for header prototypes (hermetic mode without)")
	fs.Var(&flagInclude, "I", "extra include directory (repeatable)")
	fs.Var(&flagDefine, "D", "predefined macro NAME[=VALUE] (repeatable)")
	return *fs
}

// FlagOptions returns the Options that Analyzer's flags select.
func FlagOptions() Options {
	return Options{Tree: flagTree, IncludeDirs: flagInclude, Defines: flagDefine, SameHeaders: flagSameHeaders, KeepGoing: flagKeepGoing}
}

func run(pass *analysis.Pass) (any, error) {
	opts := FlagOptions()
	return ParseFiles(pass.Fset, pass.OtherFiles, pass.ReadFile, opts)
}

// ParseFiles parses the .c and .h files among names, reading them (and, in
// tree mode, the headers they include) with read, and registers each in
// fset. Names of files under opts.Tree are reported relative to it.
func ParseFiles(fset *token.FileSet, names []string, read func(string) ([]byte, error), opts Options) (*Result, error) {
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
	for _, name := range names {
		if !strings.HasSuffix(name, ".c") && !strings.HasSuffix(name, ".h") {
			continue
		}
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
		f, err := parse(display, src, opts, hread)
		if err != nil {
			if opts.KeepGoing {
				res.Failed = append(res.Failed, err)
				continue
			}
			return nil, err
		}
		if fset != nil {
			f.TokFile = fset.AddFile(filepath.ToSlash(display), -1, len(src))
			f.TokFile.SetLinesForContent(src)
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

// Configure sets the options Analyzer runs with, replacing whatever its
// flags held: drivers that run it many times in one process call it once
// per configuration instead of setting the repeatable flags.
func Configure(o Options) {
	flagTree = o.Tree
	flagInclude = append(stringList(nil), o.IncludeDirs...)
	flagDefine = append(stringList(nil), o.Defines...)
	flagSameHeaders = o.SameHeaders
	flagKeepGoing = o.KeepGoing
	closureMemo.Clear()
}

// flagSameHeaders and flagKeepGoing are Options.SameHeaders and
// Options.KeepGoing as Configure set them (no flags).
var flagSameHeaders, flagKeepGoing bool
