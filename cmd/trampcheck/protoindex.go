package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/trampcheck/trampcheck/cparse"
)

func init() {
	register(&command{
		Name:    "protoindex",
		Summary: "regenerate the embedded header prototype index from a kernel tree",
		Run:     runProtoindex,
	})
}

const protoindexUsage = `usage: trampcheck protoindex --tree DIR [--debian-version V] [-o FILE]

Scans the include closure of arch/s390/net/bpf_jit_comp.c in the kernel
tree DIR and writes the names of the functions declared there with a
prototype, each with its header, in the format of cparse/protoindex.txt
(the index the front end uses without --tree). Writes to standard output
unless -o is given.

The index's header records the tree's version (VERSION.PATCHLEVEL.SUBLEVEL
of DIR/Makefile) and the version of the Debian package linux-source-6.12
the tree came from. With --debian-version=auto (the default) that is the
version .ci/kernel-tree wrote into DIR/.extracted, else the installed
package's (dpkg-query -W -f='${Version}' linux-source-6.12) when its
upstream part equals the Makefile's version, else none;
--debian-version=none records none.

Flags:
`

func runProtoindex(e *env, args []string) int {
	fs := flag.NewFlagSet("protoindex", flag.ContinueOnError)
	tree := fs.String("tree", "", "kernel source tree (required)")
	out := fs.String("o", "", "output file (default: standard output)")
	debian := fs.String("debian-version", "auto", "`version` of Debian's linux-source-6.12 the tree came from: auto, none, or the version")
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
	deb := *debian
	switch deb {
	case "auto":
		deb = ""
		// Without a version, GenerateIndex says what is missing.
		if kernel, err := cparse.KernelVersion(*tree); err == nil {
			deb = cparse.DebianSourceVersion(*tree, kernel)
		}
	case "none":
		deb = ""
	default:
		if strings.ContainsAny(deb, " \t\n") || deb == "" {
			fmt.Fprintf(e.Stderr, "trampcheck protoindex: --debian-version %q: want auto, none or a version without blanks\n", deb)
			return exitError
		}
	}
	text, err := cparse.GenerateIndex(*tree, deb)
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
