// Package trampgen holds the runs of the file's own s390x BPF trampoline
// generator over the covering configurations, shared by the checks that
// look at the code it emits.
//
// # Analyzer trampgen
//
// trampgen: the trampoline generator's output for the covering set
//
// trampgen is a result-only analyzer (it reports nothing, as
// golang.org/x/tools/go/analysis/passes/inspect): for every C file of the
// pass that defines __arch_prepare_bpf_trampoline it compiles the
// generator with the C interpreter (package cparse/interp; in tree mode
// with the environment model read from the tree's headers) and runs it,
// as arch_bpf_trampoline_size and arch_prepare_bpf_trampoline drive it,
// once for each configuration of refimpl/tramp.Covering, on GOMAXPROCS
// goroutines. trampxcheck compares that output with the reference and
// trampexec executes it on the s390x emulator; before this package each
// compiled the file and ran the generator itself, the same 257 times.
//
// The result is a *Result: one Runs per JIT file, in the order of the
// front end's files. A file whose generator does not compile has
// Runs.CompileErr set and no runs; each consumer reports it as its own
// diagnostic. Run.Err holds what the interpreter said for one
// configuration (a *interp.RuntimeError is the C code's failure, a
// finding for the consumers; any other error is the tool's).
package trampgen
