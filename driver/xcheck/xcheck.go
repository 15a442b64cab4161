// Package xcheck is the matrix run behind `trampcheck xcheck`: it executes
// the trampoline generator of an s390x BPF JIT file (through the C
// interpreter) over a set of configurations, compares every run with the
// Go reference (checks/trampxcheck) and, with Options.Exec, runs the
// generated trampolines on the s390x emulator against the calling
// contract (checks/trampexec) in the same pass.
//
// A run checks either one C file (File) or a patch series applied in
// memory to a kernel tree (Patch: the codegen change of each patch that
// touches the JIT file or a header, then the check of the patched file).
// Results are written as lines to a writer; the caller maps the returned
// Result to an exit status. The configuration sets are those of
// refimpl/tramp: the full matrix, its covering subset, or the covering
// subset plus points spread over the matrix (ParseSet), optionally split
// into shards (Set.Shard).
package xcheck

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/series"
	"github.com/trampcheck/trampcheck/driver/treefs"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Set is a set of configurations: N of them, the i-th given by Config.
type Set struct {
	N      int                    // number of configurations
	Config func(int) tramp.Config // the i-th configuration, 0 <= i < N
	Desc   string                 // for the summary lines, e.g. "full matrix"
}

// ParseSet parses a set name: "full" (every point of the matrix),
// "covering" (the covering subset) or "sample:N" (the covering subset
// plus N points spread over the matrix).
func ParseSet(s string) (Set, error) {
	cov := tramp.Covering()
	m := tramp.Matrix()
	switch {
	case s == "covering":
		return Set{len(cov), func(i int) tramp.Config { return cov[i] }, "covering set"}, nil
	case s == "full":
		return Set{m.Len(), func(i int) tramp.Config { return m.Config(m.Point(i)) }, "full matrix"}, nil
	case strings.HasPrefix(s, "sample:"):
		k, err := strconv.Atoi(strings.TrimPrefix(s, "sample:"))
		if err != nil || k < 0 || k > m.Len() {
			return Set{}, fmt.Errorf("--configs %s: want sample:N with 0 <= N <= %d", s, m.Len())
		}
		step := sampleStep(m.Len())
		total := m.Len()
		return Set{len(cov) + k, func(i int) tramp.Config {
			if i < len(cov) {
				return cov[i]
			}
			j := uint64(i-len(cov)) * step % uint64(total)
			return m.Config(m.Point(int(j)))
		}, fmt.Sprintf("covering set + %d matrix points", k)}, nil
	}
	return Set{}, fmt.Errorf("--configs %s: want full, covering or sample:N", s)
}

// Shard keeps every N-th configuration of s starting at the K-th, for
// spec "K/N" (1 <= K <= N), so that N machines together run all of s.
func (s Set) Shard(spec string) (Set, error) {
	var k, of int
	if _, err := fmt.Sscanf(spec, "%d/%d", &k, &of); err != nil || of < 1 || k < 1 || k > of || fmt.Sprintf("%d/%d", k, of) != spec {
		return Set{}, fmt.Errorf("--shard %s: want K/N with 1 <= K <= N", spec)
	}
	base := s.Config
	return Set{
		N:      (s.N - (k - 1) + of - 1) / of,
		Config: func(i int) tramp.Config { return base(k - 1 + i*of) },
		Desc:   fmt.Sprintf("%s, shard %d/%d", s.Desc, k, of),
	}, nil
}

// sampleStep returns a step coprime to n near n/φ, so that i*step mod n
// visits distinct points spread over every dimension of the matrix.
func sampleStep(n int) uint64 {
	gcd := func(a, b uint64) uint64 {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	s := uint64(float64(n) * 0.6180339887)
	for gcd(s, uint64(n)) != 1 {
		s++
	}
	return s
}

// Env is the environment model of a run and where it came from.
type Env struct {
	Env  *interp.Env // nil: the documented 6.12 values
	From string      // for the summary line
}

// TreeEnv reads the environment model from the headers of a tree (read
// serves tree-relative paths); a tree without them, or no tree, gives the
// documented values.
func TreeEnv(tree string, read func(string) ([]byte, error)) (Env, error) {
	if tree == "" {
		return Env{From: "documented 6.12 values"}, nil
	}
	env, err := trampgen.TreeEnv(read)
	if err != nil {
		return Env{}, fmt.Errorf("%s: environment model: %v", tree, err)
	}
	if env == nil {
		return Env{From: "documented 6.12 values (" + tree + " has no " + trampgen.EnvHeader + ")"}, nil
	}
	return Env{Env: env, From: "headers of " + tree}, nil
}

// Options are the options of a run.
type Options struct {
	Workers int  // parallel workers, at least 1
	Exec    bool // also run trampexec over the set
	// Progress, if not nil, wraps the configuration source of each pass
	// (to show progress); it returns the wrapped source and a function
	// called when the pass ends.
	Progress func(label string, n int, cfg func(int) tramp.Config) (func(int) tramp.Config, func())
}

// Result is what a run found.
type Result struct {
	Divergences bool // the generator differs from the reference somewhere
	Violations  bool // (Exec) a trampoline broke the calling contract
}

// Findings reports whether the run found anything.
func (r Result) Findings() bool { return r.Divergences || r.Violations }

func (o Options) progress(label string, n int, cfg func(int) tramp.Config) (func(int) tramp.Config, func()) {
	if o.Progress == nil {
		return cfg, func() {}
	}
	return o.Progress(label, n, cfg)
}

// File checks the C file at path over set and writes the findings and
// summary lines to w. The file is named relative to tree when it lies in
// it, and run in the environment model of tree's headers. An error is one
// line: the tool could not do its job.
func File(w io.Writer, path, tree string, set Set, o Options) (Result, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return Result{}, err
	}
	name := displayName(path, tree)
	xe, err := TreeEnv(tree, TreeReader(tree).ReadFile)
	if err != nil {
		return Result{}, err
	}
	f, prog, err := compileFile(name, src, xe.Env)
	if err != nil {
		return Result{}, err
	}
	return run(w, name, f, prog, nil, "", xe, set, o)
}

func displayName(path, tree string) string {
	if tree != "" {
		if rel, err := filepath.Rel(tree, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return path
}

// compileFile parses and compiles a JIT file in environment model env
// (nil: the documented one); errors are one line.
func compileFile(name string, src []byte, env *interp.Env) (*cparse.File, *interp.Program, error) {
	f, err := cparse.Parse(name, src, cparse.Options{})
	if err != nil {
		return nil, nil, err
	}
	if !trampgen.IsJIT(f) {
		return nil, nil, fmt.Errorf("%s: no %s definition: not the s390x BPF JIT", name, trampxcheck.Generator)
	}
	p, err := interp.Compile(f, env)
	if err != nil {
		return nil, nil, err
	}
	return f, p, nil
}

// stateReader serves the files of a tree as the states of a series up
// to and including the last one left them.
func stateReader(tree string, states []*patchset.State) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		for i := len(states) - 1; i >= 0; i-- {
			if b, ok := states[i].Files[name]; ok {
				return b, nil
			}
			if slices.Contains(states[i].Removed, name) {
				return nil, fmt.Errorf("%s: %w (removed by the series)", name, fs.ErrNotExist)
			}
		}
		return TreeReader(tree).ReadFile(name)
	}
}

// run checks the compiled file prog against the reference and, when
// base is not nil, reports the codegen difference from base first (under
// the name diffName), in the same pass.
func run(w io.Writer, name string, f *cparse.File, prog, base *interp.Program, diffName string, xe Env, set Set, o Options) (Result, error) {
	t0 := time.Now()
	pcfg, stop := o.progress("xcheck: "+name, set.N, set.Config)
	// Exec: trampexec checks the comparison's runs of the generator.
	var ex *trampexec.Stream
	var sink trampxcheck.RunSink
	if o.Exec {
		ex = trampexec.NewStream(trampexec.Options{NoIndices: true})
		sink = ex.Worker
	}
	fds, sum, d, err := trampxcheck.CheckDiffNSink(f, base, prog, set.N, pcfg, o.Workers, sink)
	stop()
	if err != nil {
		return Result{}, fmt.Errorf("%s: %v", name, err)
	}
	el := time.Since(t0)
	if base != nil {
		printDiff(w, diffName, d, set.Desc)
	}
	for _, fd := range fds {
		fmt.Fprintf(w, "%s:%d: %s [trampcheck:trampxcheck]\n", name, fd.Line, fd.Message)
	}
	fmt.Fprintf(w, "xcheck: %s: %d configurations (%s), %d divergences, %d findings, %.0f configurations/s; environment: %s\n",
		name, sum.Configs, set.Desc, sum.Divergences, sum.Findings, float64(sum.Configs)/el.Seconds(), xe.From)
	r := Result{Divergences: sum.Divergences > 0}
	if ex != nil {
		r.Violations = printExec(w, name, ex, xe, set.Desc, el)
	}
	return r, nil
}

// printExec prints the contract violations that ex (trampexec run on the
// comparison's runs, which took el) found, and reports whether there
// were any.
func printExec(w io.Writer, name string, ex *trampexec.Stream, xe Env, desc string, el time.Duration) bool {
	fds, sum := ex.Findings()
	for _, fd := range fds {
		fmt.Fprintf(w, "%s:%d: %s [trampcheck:trampexec]\n", name, fd.Line, fd.Message)
	}
	fmt.Fprintf(w, "xcheck --exec: %s: %d configurations run (%s), %d not generated, %d with violations, %d findings, %.0f configurations/s; environment: %s\n",
		name, sum.Configs, desc, sum.Skipped, sum.Failed, sum.Findings, float64(sum.Configs+sum.Skipped)/el.Seconds(), xe.From)
	return sum.Failed > 0
}

// printDiff prints the codegen difference of a patch.
func printDiff(w io.Writer, name string, d trampxcheck.DiffSummary, desc string) {
	if d.Changed == 0 {
		fmt.Fprintf(w, "xcheck: %s: no codegen change in %d configurations (%s)\n", name, d.Configs, desc)
		return
	}
	which := ""
	if len(d.Common) > 0 {
		which = ", all with " + strings.Join(d.Common, ", ")
	}
	fmt.Fprintf(w, "xcheck: %s: codegen changes in %d of %d configurations (%s%s); first %s\n", name, d.Changed, d.Configs, desc, which, d.Message)
}

// Patch applies the patch (series) at path to tree in memory, writes to w
// the codegen change between the tree's JIT file and each patch that
// changes it or a header, then checks the patched file over set as File
// does. A series that touches neither is reported in one line and is
// clean.
func Patch(w io.Writer, path, tree string, set Set, o Options) (Result, error) {
	fail := func(format string, a ...any) (Result, error) {
		return Result{}, fmt.Errorf(format, a...)
	}
	if tree == "" {
		return fail("%s: a patch needs --tree (the base it applies to)", path)
	}
	ps, err := patchset.ReadPath(path)
	if err != nil {
		return Result{}, err
	}
	states, err := patchset.Apply(TreeReader(tree), ps)
	if err != nil {
		return Result{}, err
	}
	if len(states) == 0 {
		return fail("%s: no patches", path)
	}
	// A patch matters when it changes the JIT file or a header (which
	// can change the environment model the file is executed in).
	matters := func(st *patchset.State) bool {
		for _, p := range st.Touched {
			if p == series.JITFile || strings.HasSuffix(p, ".h") {
				return true
			}
		}
		return false
	}
	if !slices.ContainsFunc(states, matters) {
		fmt.Fprintf(w, "xcheck: %s does not change %s or a header\n", path, series.JITFile)
		return Result{}, nil
	}
	baseSrc, err := TreeReader(tree).ReadFile(series.JITFile)
	if err != nil {
		return Result{}, err
	}
	// jitOf returns the JIT file as the states up to st leave it.
	jitOf := func(upto int) ([]byte, error) { return stateReader(tree, states[:upto+1])(series.JITFile) }
	baseEnv, err := TreeEnv(tree, TreeReader(tree).ReadFile)
	if err != nil {
		return Result{}, err
	}
	_, prev, err := compileFile(series.JITFile+" (base)", baseSrc, baseEnv.Env)
	if err != nil {
		return Result{}, err
	}
	// The codegen change of each patch that touches the JIT or a header,
	// against the state before it. The last such patch leaves the JIT
	// file and the headers as the series does: its difference is found in
	// the same pass as the check of the patched file.
	last := -1
	for i, st := range states {
		if matters(st) {
			last = i
		}
	}
	for i, st := range states {
		if !matters(st) {
			continue
		}
		src, err := jitOf(i)
		if err != nil {
			return fail("%s: %v", path, err)
		}
		name := path
		if len(states) > 1 {
			name = fmt.Sprintf("%s: patch %d/%d %q", path, i+1, len(states), st.Patch.Title)
		}
		xe, err := TreeEnv(tree, stateReader(tree, states[:i+1]))
		if err != nil {
			return fail("%s: %v", name, err)
		}
		f, cur, err := compileFile(series.JITFile, src, xe.Env)
		if err != nil {
			return fail("%s: %v", name, err)
		}
		if i == last {
			return run(w, series.JITFile, f, cur, prev, name, xe, set, o)
		}
		pcfg, stop := o.progress("xcheck: "+name+": codegen diff", set.N, set.Config)
		d, err := trampxcheck.Diff(prev, cur, set.N, pcfg, o.Workers)
		stop()
		if err != nil {
			return fail("%s: %v", name, err)
		}
		printDiff(w, name, d, set.Desc)
		prev = cur
	}
	return fail("%s: internal error: no patch to check", path)
}

// TreeReader returns the reader of the directory tree (driver/treefs.Dir,
// which refuses paths and links that leave it); a tree that cannot be
// opened reads as that error.
func TreeReader(dir string) patchset.Reader {
	d, err := treefs.OpenDir(dir)
	if err != nil {
		return failReader{err}
	}
	return d
}

// failReader is a tree that cannot be read.
type failReader struct{ err error }

// ReadFile returns the reason the tree cannot be read.
func (r failReader) ReadFile(string) ([]byte, error) { return nil, r.err }
