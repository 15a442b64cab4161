// Command trampcheck is a static checker for Linux kernel patches that touch the
// s390x BPF JIT (arch/s390/net/bpf_jit_comp.c), above all its BPF trampoline
// generator.
//
// Usage:
//
//	trampcheck <command> [flags] [arguments]
//
// Run "trampcheck help" for the list of commands. Exit status: 0 nothing found,
// 1 findings, 2 the tool could not do its job.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit statuses shared by every subcommand.
const (
	exitClean    = 0 // nothing found
	exitFindings = 1 // findings reported
	exitError    = 2 // the tool could not do its job
)

// version is the trampcheck version printed by --version.
var version = "0.1.0-dev"

// env is what a subcommand sees of the process: its standard streams and
// the working directory. Tests fill it with buffers.
type env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand of trampcheck. Each lives in its own file and
// registers itself from an init function.
type command struct {
	Name    string                          // as typed on the command line
	Summary string                          // one line for the usage text
	Run     func(e *env, args []string) int // returns the exit status
}

var commands = map[string]*command{}

// register adds a subcommand; it is called from init functions.
func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("trampcheck: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

func main() {
	// A check is short-lived and allocation-heavy (the C parser): unless
	// the user chose otherwise, collect garbage only when the heap nears a
	// limit (a patch check of the real file peaks near 120 MB).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(768 << 20)
	}
	os.Exit(run(&env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:]))
}

// run dispatches args to a subcommand and returns the exit status.
func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.Stderr)
		return exitError
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(e.Stdout, "trampcheck %s\n", version)
		return exitClean
	case "help", "--help", "-help", "-h":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.Run(e, []string{"--help"})
			}
		}
		usage(e.Stdout)
		return exitClean
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "trampcheck: unknown command %q; run 'trampcheck help'\n", args[0])
		return exitError
	}
	return runSafe(e, c, args[1:])
}

// runSafe runs a subcommand and turns a panic in it (a bug in a check, not
// in the input) into one line on stderr and exit status 2.
func runSafe(e *env, c *command, args []string) (status int) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.Join(strings.Fields(fmt.Sprint(r)), " ")
			fmt.Fprintf(e.Stderr, "trampcheck %s: internal error: %s\n", c.Name, msg)
			status = exitError
		}
	}()
	return c.Run(e, args)
}

// parseFlags parses a subcommand's flags. --help prints the usage on
// standard output (status 0); a bad flag gets one line on standard error
// (status 2). ok is false when the command is done.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (status int, ok bool) {
	var msg bytes.Buffer
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	fs.SetOutput(e.Stderr)
	switch {
	case err == nil:
		return exitClean, true
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(e.Stdout)
		fs.Usage()
		fs.SetOutput(e.Stderr)
		return exitClean, false
	}
	// flag printed its message and the whole usage: keep the message.
	first, _, _ := strings.Cut(msg.String(), "\n")
	fmt.Fprintf(e.Stderr, "trampcheck %s: %s (see 'trampcheck %s --help')\n", fs.Name(), first, fs.Name())
	return exitError, false
}

// usage prints the list of subcommands.
func usage(w io.Writer) {
	fmt.Fprintf(w, "trampcheck: static checker for the s390x BPF JIT and its trampoline generator\n\n")
	fmt.Fprintf(w, "Usage:\n\n\ttrampcheck <command> [flags] [arguments]\n\nCommands:\n\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "\t%-*s  %s\n", width, n, commands[n].Summary)
	}
	fmt.Fprintf(w, "\nRun 'trampcheck <command> --help' for a command's flags.\n")
	fmt.Fprintf(w, "Exit status: 0 nothing found, 1 findings, 2 the tool could not do its job.\n")
}
