package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/trampcheck/trampcheck/cparse"
)

func init() {
	register(&command{
		Name:    "protoindex",
		Summary: "regenerate the embedded header prototype index from a kernel tree",
		Run:     runProtoindex,
	})
}

const protoindexUsage = `usage: trampcheck protoindex --tree DIR [-o FILE]

Scans the include closure of arch/s390/net/bpf_jit_comp.c in the kernel
tree DIR and writes the names of the functions declared there with a
prototype, each with its header, in the format of cparse/protoindex.txt
(the index the front end uses without --tree). Writes to standard output
unless -o is given.

Flags:
`

func runProtoindex(e *env, args []string) int {
	fs := flag.NewFlagSet("protoindex", flag.ContinueOnError)
	tree := fs.String("tree", "", "kernel source tree (required)")
	out := fs.String("o", "", "output file (default: standard output)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), protoindexUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	if *tree == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError
	}
	text, err := cparse.GenerateIndex(*tree)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck protoindex: %v\n", err)
		return exitError
	}
	if *out != "" {
		if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
			fmt.Fprintf(e.Stderr, "trampcheck protoindex: %v\n", err)
			return exitError
		}
		return exitClean
	}
	if _, err := io.WriteString(e.Stdout, text); err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck protoindex: %v\n", err)
		return exitError
	}
	return exitClean
}
