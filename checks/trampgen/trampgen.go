package trampgen

import (
	"errors"
	"fmt"
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Generator is the function whose presence marks a file as the s390x JIT.
const Generator = "__arch_prepare_bpf_trampoline"

// Analyzer runs the generator of every JIT file of the pass over the
// covering configurations; its result is a *Result.
var Analyzer = &analysis.Analyzer{
	Name:       "trampgen",
	Doc:        "the trampoline generator's output for the covering set\n\nCompiles the file's own trampoline generator and runs it once per covering configuration, for the checks that need its code; reports nothing. See the package documentation.",
	URL:        "https://github.com/trampcheck/trampcheck/tree/main/checks/trampgen",
	Requires:   []*analysis.Analyzer{cparse.Analyzer},
	Run:        run,
	ResultType: reflect.TypeFor[*Result](),
}

// Result is what the analyzer holds: the runs of every JIT file.
type Result struct {
	Files []*Runs
}

// Runs are the runs of one file's generator.
type Runs struct {
	File *cparse.File
	// Prog is the compiled generator (nil when CompileErr is set).
	Prog *interp.Program
	// CompileErr is why the generator cannot be compiled (a C problem
	// at a line), nil when it was.
	CompileErr *interp.CompileError
	// Configs are the configurations run, as given; Runs[i] is the run
	// of Configs[i].
	Configs []tramp.Config
	Runs    []Run
}

// Run is one run of the generator.
type Run struct {
	// Config is the configuration as the program's environment model
	// resolves it (interp.Env.ResolveTramp): the addresses the code
	// uses.
	Config tramp.Config
	// Res is the outcome (nil when Err is set): a copy that the runs of
	// other configurations do not overwrite.
	Res *interp.Result
	// Err is the interpreter's error: a *interp.RuntimeError when the C
	// code failed, else a failure of the tool or of the configuration.
	Err error
}

// IsJIT reports whether f defines the trampoline generator.
func IsJIT(f *cparse.File) bool {
	for _, fn := range f.Funcs {
		if fn.Name == Generator && fn.Def {
			return true
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	res, ok := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("trampgen: no front end result")
	}
	out := &Result{}
	for _, f := range res.Files {
		if !IsJIT(f) {
			continue
		}
		// In tree mode the environment model comes from the tree's
		// headers (as the patched state sees them).
		var env *interp.Env
		if res.Tree != nil {
			var err error
			if env, err = TreeEnv(res.Tree); err != nil {
				return nil, fmt.Errorf("trampgen: environment model: %v", err)
			}
		}
		rs, err := Generate(f, env, tramp.Covering(), 0)
		if err != nil {
			return nil, fmt.Errorf("trampgen: %v", err)
		}
		out.Files = append(out.Files, rs)
	}
	return out, nil
}

// Generate compiles f's generator with environment model env (nil: the
// documented 6.12 model) and runs it for each of cfgs on workers
// goroutines (0: GOMAXPROCS). A file that does not compile is not an
// error: its Runs has CompileErr set. An error means the tool failed.
func Generate(f *cparse.File, env *interp.Env, cfgs []tramp.Config, workers int) (*Runs, error) {
	rs := &Runs{File: f}
	prog, err := interp.Compile(f, env)
	var ce *interp.CompileError
	if errors.As(err, &ce) {
		rs.CompileErr = ce
		return rs, nil
	}
	if err != nil {
		return nil, err
	}
	rs.Prog = prog
	rs.Configs = cfgs
	rs.Runs = make([]Run, len(cfgs))
	err = Parallel(len(cfgs), workers, func() (func(i int) error, error) {
		m := prog.NewMachine(interp.Limits{})
		e := m.Env()
		return func(i int) error {
			tc := e.ResolveTramp(cfgs[i])
			rs.Runs[i].Config = tc
			ic, err := e.FromTramp(tc)
			if err != nil {
				rs.Runs[i].Err = err
				return nil
			}
			res, err := m.Run(&ic)
			if err != nil {
				rs.Runs[i].Err = err
				return nil
			}
			rs.Runs[i].Res = res.Clone()
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return rs, nil
}
