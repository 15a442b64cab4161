package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

func init() {
	register(&command{
		Name:    "xcheck",
		Summary: "run the JIT file's own trampoline generator against the reference over the configuration matrix",
		Run:     runXcheck,
	})
}

const xcheckUsage = `usage: trampcheck xcheck [--tree DIR] [--configs SET] [--workers N] [FILE|PATCH...]

Executes __arch_prepare_bpf_trampoline of the JIT file (as
arch_bpf_trampoline_size and arch_prepare_bpf_trampoline drive it, with the
file's own EMIT macros) and the Go reference for every configuration of SET,
compares the code byte for byte and checks the frame invariants. Each
divergence is reported at the C line of the first diverging EMIT, with both
instructions and the configuration; one line per group of configurations.

FILE is a C file (the JIT). PATCH is a patch, mbox or directory of patches;
it is applied in memory to --tree, and xcheck reports which configurations
change code between the tree's file and the patched one (and the first
differing instruction), then checks the patched file. Without arguments it
checks the file of --tree.

--shard K/N keeps every N-th configuration of SET starting at the K-th, so
that N machines together run all of it.

SET is "covering" (the pairwise covering subset, as the check runs it),
"sample:N" (the covering subset plus N points spread over the whole matrix;
the default is sample:200000) or "full" (every point of the matrix: about
310 million configurations, hours).

Exit status: 0 no divergence, 1 divergences, 2 the tool could not do its job.

Flags:
`

func runXcheck(e *env, args []string) int {
	fs := flag.NewFlagSet("xcheck", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	tree := fs.String("tree", "", "kernel source `DIR`: the base of patches, and the file to check without arguments")
	set := fs.String("configs", "sample:200000", "configuration `SET`: covering, sample:N or full")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel `N` workers")
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
	if *workers < 1 {
		return fail("--workers %d: need at least 1", *workers)
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		if *tree == "" {
			return fail("nothing to check: give a FILE, a PATCH with --tree, or --tree alone")
		}
		inputs = []string{filepath.Join(*tree, jitFile)}
	}
	status := exitClean
	for _, in := range inputs {
		var st int
		if strings.HasSuffix(in, ".c") || strings.HasSuffix(in, ".h") {
			st = xcheckFile(e, in, *tree, n, cfg, desc, *workers)
		} else {
			st = xcheckPatch(e, in, *tree, n, cfg, desc, *workers)
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
	return 0, nil, "", fmt.Errorf("--configs %s: want covering, sample:N or full", s)
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
func xcheckFile(e *env, path, tree string, n int, cfg func(int) tramp.Config, desc string, workers int) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %v\n", err)
		return exitError
	}
	name := displayName(path, tree)
	return xcheckSource(e, name, src, n, cfg, desc, workers)
}

func displayName(path, tree string) string {
	if tree != "" {
		if rel, err := filepath.Rel(tree, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return path
}

// compileFile parses and compiles a JIT file; errors are one line.
func compileFile(name string, src []byte) (*cparse.File, *interp.Program, error) {
	f, err := cparse.Parse(name, src, cparse.Options{})
	if err != nil {
		return nil, nil, err
	}
	if !trampxcheck.IsJIT(f) {
		return nil, nil, fmt.Errorf("%s: no %s definition: not the s390x BPF JIT", name, trampxcheck.Generator)
	}
	p, err := interp.Compile(f, nil)
	if err != nil {
		return nil, nil, err
	}
	return f, p, nil
}

func xcheckSource(e *env, name string, src []byte, n int, cfg func(int) tramp.Config, desc string, workers int) int {
	f, prog, err := compileFile(name, src)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %v\n", err)
		return exitError
	}
	t0 := time.Now()
	fds, sum, err := trampxcheck.CheckN(f, prog, n, cfg, workers)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck xcheck: %s: %v\n", name, err)
		return exitError
	}
	el := time.Since(t0)
	for _, fd := range fds {
		fmt.Fprintf(e.Stdout, "%s:%d: %s [trampcheck:trampxcheck]\n", name, fd.Line, fd.Message)
	}
	fmt.Fprintf(e.Stdout, "xcheck: %s: %d configurations (%s), %d divergences, %d findings, %.0f configurations/s\n",
		name, sum.Configs, desc, sum.Divergences, sum.Findings, float64(sum.Configs)/el.Seconds())
	if sum.Divergences > 0 {
		return exitFindings
	}
	return exitClean
}

// xcheckPatch applies a patch (series) to the tree and compares the
// codegen of the base and the patched file, then checks the patched file.
func xcheckPatch(e *env, path, tree string, n int, cfg func(int) tramp.Config, desc string, workers int) int {
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
	states, err := patchset.Apply(patchset.DirReader(tree), ps)
	if err != nil {
		return fail("%v", err)
	}
	if len(states) == 0 {
		return fail("%s: no patches", path)
	}
	last := states[len(states)-1]
	patched, ok := last.Files[jitFile]
	if !ok {
		fmt.Fprintf(e.Stdout, "xcheck: %s does not change %s\n", path, jitFile)
		return exitClean
	}
	baseSrc, err := patchset.DirReader(tree).ReadFile(jitFile)
	if err != nil {
		return fail("%v", err)
	}
	_, prev, err := compileFile(jitFile+" (base)", baseSrc)
	if err != nil {
		return fail("%v", err)
	}
	// The codegen change of each patch that touches the JIT, against the
	// state before it.
	for i, st := range states {
		src, touched := st.Files[jitFile]
		if !touched || !slices.Contains(st.Touched, jitFile) {
			continue
		}
		name := path
		if len(states) > 1 {
			name = fmt.Sprintf("%s: patch %d/%d %q", path, i+1, len(states), st.Patch.Title)
		}
		_, cur, err := compileFile(jitFile, src)
		if err != nil {
			return fail("%s: %v", name, err)
		}
		d, err := trampxcheck.Diff(prev, cur, n, cfg, workers)
		if err != nil {
			return fail("%s: %v", name, err)
		}
		if d.Changed == 0 {
			fmt.Fprintf(e.Stdout, "xcheck: %s: no codegen change in %d configurations (%s)\n", name, d.Configs, desc)
		} else {
			which := ""
			if len(d.Common) > 0 {
				which = ", all with " + strings.Join(d.Common, ", ")
			}
			fmt.Fprintf(e.Stdout, "xcheck: %s: codegen changes in %d of %d configurations (%s%s); first %s\n", name, d.Changed, d.Configs, desc, which, d.Message)
		}
		prev = cur
	}
	return xcheckSource(e, jitFile, patched, n, cfg, desc, workers)
}
