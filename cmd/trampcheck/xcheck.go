package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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

func init() {
	register(&command{
		Name:    "xcheck",
		Summary: "run the JIT file's own trampoline generator against the reference over the configuration matrix",
		Run:     runXcheck,
	})
}

const xcheckUsage = `usage: trampcheck xcheck [--tree DIR] [--configs SET] [--workers N] [--shard K/N] [--env] [--exec] [FILE|PATCH...]

Executes __arch_prepare_bpf_trampoline of the JIT file (as
arch_bpf_trampoline_size and arch_prepare_bpf_trampoline drive it, with the
file's own EMIT macros) and the Go reference for every configuration of SET,
compares the code byte for byte and the addresses stored in
im->ip_after_call and im->ip_epilogue, and checks the frame invariants. Each
divergence is reported at the C line of the first diverging EMIT, with both
instructions and the configuration; one line per group of configurations.

FILE is a C file (the JIT). PATCH is a patch, mbox or directory of patches;
it is applied in memory to --tree, and xcheck reports which configurations
change code between the tree's file and the patched one (and the first
differing instruction; for a series, per patch that changes the JIT file
or a header), then checks the patched file. Without arguments it checks
the file of --tree.

--exec also runs the trampoline the file generates for each configuration
on the s390x emulator and checks the calling contract (the trampexec check:
ABI, BPF context, tail call counter, unwinder slots), reporting each
violation at the C line of the EMIT responsible, one line per rule and
line, after the comparison's lines and its own summary line.

--shard K/N keeps every N-th configuration of SET starting at the K-th, so
that N machines together run all of it.

SET is "full" (the default: every point of the documented matrix, 21.5
million configurations, about 15 minutes on two cores), "covering" (the
256-configuration covering subset, as the check runs it) or
"sample:N" (the covering subset plus N points spread over the matrix).

What the file takes from kernel headers (BPF_TRAMP_F_* bits, struct
layouts, STACK_FRAME_OVERHEAD, ...) is read from the headers of --tree (of
the patched state, for a patch); without --tree, or when the tree has no
include/linux/bpf.h, the documented Linux 6.12 values are used. The
summary line says which; --env prints the model.

Exit status: 0 no divergence, 1 divergences, 2 the tool could not do its job.

Flags:
`

func runXcheck(e *env, args []string) int {
	fs := flag.NewFlagSet("xcheck", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	tree := fs.String("tree", "", "kernel source `DIR`: the base of patches, and the file to check without arguments")
	set := fs.String("configs", "full", "configuration `SET`: full, covering or sample:N")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel `N` workers")
	showEnv := fs.Bool("env", false, "print the environment model (each value and where it comes from) and exit")
	exec := fs.Bool("exec", false, "also run the generated trampolines on the s390x emulator and check the calling contract (the trampexec check)")
	shard := fs.String("shard", "", "run only shard `K/N` of the set (points K-1, K-1+N, ...), to split --configs full over machines")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), xcheckUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: "+format+"\n", a...)
		return exitError
	}
	n, cfg, desc, err := configSet(*set)
	if err != nil {
		return fail("%v", err)
	}
	if *shard != "" {
		var k, of int
		if _, err := fmt.Sscanf(*shard, "%d/%d", &k, &of); err != nil || of < 1 || k < 1 || k > of || fmt.Sprintf("%d/%d", k, of) != *shard {
			return fail("--shard %s: want K/N with 1 <= K <= N", *shard)
		}
		all, base := n, cfg
		n = (all - (k - 1) + of - 1) / of
		cfg = func(i int) tramp.Config { return base(k - 1 + i*of) }
		desc = fmt.Sprintf("%s, shard %d/%d", desc, k, of)
	}
	if *tree != "" {
		if _, err := treefs.OpenDir(*tree); err != nil {
			return fail("%v", err)
		}
	}
	if *showEnv {
		xe, err := treeEnv(*tree, treeReader(*tree).ReadFile)
		if err != nil {
			return fail("%v", err)
		}
		env := xe.env
		if env == nil {
			env = interp.DefaultEnv()
		}
		fmt.Fprintf(e.Stdout, "# environment model: %s\n%s", xe.from, env)
		return exitClean
	}
	if *workers < 1 {
		return fail("--workers %d: need at least 1", *workers)
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		if *tree == "" {
			return fail("nothing to check: give a FILE, a PATCH with --tree, or --tree alone")
		}
		inputs = []string{filepath.Join(*tree, series.JITFile)}
	}
	xo := xopts{workers: *workers, exec: *exec}
	status := exitClean
	for _, in := range inputs {
		var st int
		if strings.HasSuffix(in, ".c") || strings.HasSuffix(in, ".h") {
			st = xcheckFile(e, in, *tree, n, cfg, desc, xo)
		} else {
			st = xcheckPatch(e, in, *tree, n, cfg, desc, xo)
		}
		status = max(status, st)
	}
	return status
}

// configSet parses --configs.
func configSet(s string) (int, func(int) tramp.Config, string, error) {
	cov := tramp.Covering()
	m := tramp.Matrix()
	switch {
	case s == "covering":
		return len(cov), func(i int) tramp.Config { return cov[i] }, "covering set", nil
	case s == "full":
		return m.Len(), func(i int) tramp.Config { return m.Config(m.Point(i)) }, "full matrix", nil
	case strings.HasPrefix(s, "sample:"):
		k, err := strconv.Atoi(strings.TrimPrefix(s, "sample:"))
		if err != nil || k < 0 || k > m.Len() {
			return 0, nil, "", fmt.Errorf("--configs %s: want sample:N with 0 <= N <= %d", s, m.Len())
		}
		step := sampleStep(m.Len())
		total := m.Len()
		return len(cov) + k, func(i int) tramp.Config {
			if i < len(cov) {
				return cov[i]
			}
			j := uint64(i-len(cov)) * step % uint64(total)
			return m.Config(m.Point(int(j)))
		}, fmt.Sprintf("covering set + %d matrix points", k), nil
	}
	return 0, nil, "", fmt.Errorf("--configs %s: want full, covering or sample:N", s)
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

// xcheckFile checks one C file.
func xcheckFile(e *env, path, tree string, n int, cfg func(int) tramp.Config, desc string, xo xopts) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %v\n", err)
		return exitError
	}
	name := displayName(path, tree)
	xe, err := treeEnv(tree, treeReader(tree).ReadFile)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %v\n", err)
		return exitError
	}
	return xcheckSource(e, name, src, xe, n, cfg, desc, xo)
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

// xenv is the environment model of a run and where it came from.
type xenv struct {
	env  *interp.Env // nil: the documented 6.12 values
	from string      // for the summary line
}

// treeEnv reads the environment model from the headers of a tree (read
// serves tree-relative paths); a tree without them, or no tree, gives the
// documented values.
func treeEnv(tree string, read func(string) ([]byte, error)) (xenv, error) {
	if tree == "" {
		return xenv{from: "documented 6.12 values"}, nil
	}
	env, err := trampgen.TreeEnv(read)
	if err != nil {
		return xenv{}, fmt.Errorf("%s: environment model: %v", tree, err)
	}
	if env == nil {
		return xenv{from: "documented 6.12 values (" + tree + " has no " + trampgen.EnvHeader + ")"}, nil
	}
	return xenv{env: env, from: "headers of " + tree}, nil
}

// treeReader reads the files of the tree at dir through treefs.Dir (no
// path or symbolic link leaves it); when dir cannot be opened (no --tree)
// every read fails with the reason.
func treeReader(dir string) patchset.Reader {
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

// stateReader serves the files of a tree as the states of a series up
// to and including the last one left them.
func stateReader(tree string, states []*patchset.State) func(string) ([]byte, error) {
	base := treeReader(tree)
	return func(name string) ([]byte, error) {
		for i := len(states) - 1; i >= 0; i-- {
			if b, ok := states[i].Files[name]; ok {
				return b, nil
			}
			if slices.Contains(states[i].Removed, name) {
				return nil, fmt.Errorf("%s: %w (removed by the series)", name, fs.ErrNotExist)
			}
		}
		return base.ReadFile(name)
	}
}

func xcheckSource(e *env, name string, src []byte, xe xenv, n int, cfg func(int) tramp.Config, desc string, xo xopts) int {
	f, prog, err := compileFile(name, src, xe.env)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %v\n", err)
		return exitError
	}
	return xcheckRun(e, name, f, prog, nil, "", xe, n, cfg, desc, xo)
}

// xcheckRun checks the compiled file prog against the reference and, when
// base is not nil, reports the codegen difference from base first (under
// the name diffName), in the same pass.
func xcheckRun(e *env, name string, f *cparse.File, prog, base *interp.Program, diffName string, xe xenv, n int, cfg func(int) tramp.Config, desc string, xo xopts) int {
	t0 := time.Now()
	pcfg, stop := withProgress(e.Stderr, "xcheck: "+name, n, cfg)
	// --exec: trampexec checks the comparison's runs of the generator.
	var ex *trampexec.Stream
	var sink trampxcheck.RunSink
	if xo.exec {
		ex = trampexec.NewStream(trampexec.Options{NoIndices: true})
		sink = ex.Worker
	}
	fds, sum, d, err := trampxcheck.CheckDiffNSink(f, base, prog, n, pcfg, xo.workers, sink)
	stop()
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %s: %v\n", name, err)
		return exitError
	}
	el := time.Since(t0)
	if base != nil {
		printDiff(e, diffName, d, desc)
	}
	for _, fd := range fds {
		fmt.Fprintf(e.Stdout, "%s:%d: %s [trampcheck:trampxcheck]\n", name, fd.Line, fd.Message)
	}
	fmt.Fprintf(e.Stdout, "xcheck: %s: %d configurations (%s), %d divergences, %d findings, %.0f configurations/s; environment: %s\n",
		name, sum.Configs, desc, sum.Divergences, sum.Findings, float64(sum.Configs)/el.Seconds(), xe.from)
	status := exitClean
	if sum.Divergences > 0 {
		status = exitFindings
	}
	if ex != nil {
		status = max(status, xcheckExec(e, name, ex, xe, desc, el))
	}
	return status
}

// xopts are the options of an xcheck run.
type xopts struct {
	workers int
	exec    bool // --exec: also run trampexec over the set
}

// xcheckExec prints the contract violations that ex (trampexec run on
// the comparison's runs, which took el) found.
func xcheckExec(e *env, name string, ex *trampexec.Stream, xe xenv, desc string, el time.Duration) int {
	fds, sum := ex.Findings()
	for _, fd := range fds {
		fmt.Fprintf(e.Stdout, "%s:%d: %s [trampcheck:trampexec]\n", name, fd.Line, fd.Message)
	}
	fmt.Fprintf(e.Stdout, "xcheck --exec: %s: %d configurations run (%s), %d not generated, %d with violations, %d findings, %.0f configurations/s; environment: %s\n",
		name, sum.Configs, desc, sum.Skipped, sum.Failed, sum.Findings, float64(sum.Configs+sum.Skipped)/el.Seconds(), xe.from)
	if sum.Failed > 0 {
		return exitFindings
	}
	return exitClean
}

// printDiff prints the codegen difference of a patch.
func printDiff(e *env, name string, d trampxcheck.DiffSummary, desc string) {
	if d.Changed == 0 {
		fmt.Fprintf(e.Stdout, "xcheck: %s: no codegen change in %d configurations (%s)\n", name, d.Configs, desc)
		return
	}
	which := ""
	if len(d.Common) > 0 {
		which = ", all with " + strings.Join(d.Common, ", ")
	}
	fmt.Fprintf(e.Stdout, "xcheck: %s: codegen changes in %d of %d configurations (%s%s); first %s\n", name, d.Changed, d.Configs, desc, which, d.Message)
}

// xcheckPatch applies a patch (series) to the tree and compares the
// codegen of the base and the patched file, then checks the patched file.
func xcheckPatch(e *env, path, tree string, n int, cfg func(int) tramp.Config, desc string, xo xopts) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: "+format+"\n", a...)
		return exitError
	}
	if tree == "" {
		return fail("%s: a patch needs --tree (the base it applies to)", path)
	}
	ps, err := patchset.ReadPath(path)
	if err != nil {
		return fail("%v", err)
	}
	states, err := patchset.Apply(treeReader(tree), ps)
	if err != nil {
		return fail("%v", err)
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
		fmt.Fprintf(e.Stdout, "xcheck: %s does not change %s or a header\n", path, series.JITFile)
		return exitClean
	}
	baseSrc, err := treeReader(tree).ReadFile(series.JITFile)
	if err != nil {
		return fail("%v", err)
	}
	// jitOf returns the JIT file as the states up to st leave it.
	jitOf := func(upto int) ([]byte, error) { return stateReader(tree, states[:upto+1])(series.JITFile) }
	baseEnv, err := treeEnv(tree, treeReader(tree).ReadFile)
	if err != nil {
		return fail("%v", err)
	}
	_, prev, err := compileFile(series.JITFile+" (base)", baseSrc, baseEnv.env)
	if err != nil {
		return fail("%v", err)
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
		xe, err := treeEnv(tree, stateReader(tree, states[:i+1]))
		if err != nil {
			return fail("%s: %v", name, err)
		}
		f, cur, err := compileFile(series.JITFile, src, xe.env)
		if err != nil {
			return fail("%s: %v", name, err)
		}
		if i == last {
			return xcheckRun(e, series.JITFile, f, cur, prev, name, xe, n, cfg, desc, xo)
		}
		pcfg, stop := withProgress(e.Stderr, "xcheck: "+name+": codegen diff", n, cfg)
		d, err := trampxcheck.Diff(prev, cur, n, pcfg, xo.workers)
		stop()
		if err != nil {
			return fail("%s: %v", name, err)
		}
		printDiff(e, name, d, desc)
		prev = cur
	}
	return fail("%s: internal error: no patch to check", path)
}
