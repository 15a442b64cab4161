package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/driver/series"
	"github.com/trampcheck/trampcheck/driver/treefs"
	"github.com/trampcheck/trampcheck/driver/xcheck"
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
257-configuration covering subset, as the check runs it) or
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
	cs, err := xcheck.ParseSet(*set)
	if err != nil {
		return fail("%v", err)
	}
	if *shard != "" {
		if cs, err = cs.Shard(*shard); err != nil {
			return fail("%v", err)
		}
	}
	if *tree != "" {
		if _, err := treefs.OpenDir(*tree); err != nil {
			return fail("%v", err)
		}
	}
	if *showEnv {
		xe, err := xcheck.TreeEnv(*tree, xcheck.TreeReader(*tree).ReadFile)
		if err != nil {
			return fail("%v", err)
		}
		env := xe.Env
		if env == nil {
			env = interp.DefaultEnv()
		}
		fmt.Fprintf(e.Stdout, "# environment model: %s\n%s", xe.From, env)
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
	xo := xcheck.Options{
		Workers: *workers,
		Exec:    *exec,
		Progress: func(label string, n int, cfg func(int) tramp.Config) (func(int) tramp.Config, func()) {
			return withProgress(e.Stderr, label, n, cfg)
		},
	}
	status := exitClean
	for _, in := range inputs {
		var r xcheck.Result
		var err error
		if strings.HasSuffix(in, ".c") || strings.HasSuffix(in, ".h") {
			r, err = xcheck.File(e.Stdout, in, *tree, cs, xo)
		} else {
			r, err = xcheck.Patch(e.Stdout, in, *tree, cs, xo)
		}
		switch {
		case err != nil:
			status = max(status, fail("%v", err))
		case r.Findings():
			status = max(status, exitFindings)
		}
	}
	return status
}
