package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/sendemail"
	"github.com/trampcheck/trampcheck/driver/series"
)

func init() {
	register(&command{
		Name:    "hook",
		Summary: "install or run the git send-email sendemail-validate hook",
		Run:     runHook,
	})
}

const hookUsage = `usage: trampcheck hook install [--repo DIR] [--force]
       trampcheck hook run [check flags] MAILFILE [SMTP-HEADERS-FILE]

install writes a sendemail-validate hook into the repository's hooks
directory (core.hooksPath is honoured) that runs "trampcheck hook run" on
every mail git send-email is about to send. It refuses to replace a hook it
did not write unless --force is given.

run checks the patch mail MAILFILE (- for standard input) against the
repository it runs in: the work tree's HEAD when the patch applies to it,
or, when the series is already committed, the parent of its first commit
(found by patch-id, else by applying the patch in reverse). When git sets
GIT_SENDEMAIL_FILE_COUNTER and GIT_SENDEMAIL_FILE_TOTAL (git 2.42 and
later), the mails are collected and the whole series is checked at the last
one. Exit status 1 (new findings) or 2 (could not check) stops git
send-email; "git send-email --no-validate" skips the hook.
`

func runHook(e *env, args []string) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "-help" {
		w := e.Stderr
		if len(args) > 0 {
			w = e.Stdout
		}
		fmt.Fprint(w, hookUsage)
		if len(args) == 0 {
			return exitError
		}
		return exitClean
	}
	switch args[0] {
	case "install":
		return runHookInstall(e, args[1:])
	case "run":
		return runHookRun(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "trampcheck hook: unknown subcommand %q; want install or run\n", args[0])
	return exitError
}

func runHookInstall(e *env, args []string) int {
	fs := flag.NewFlagSet("hook install", flag.ContinueOnError)
	repo := fs.String("repo", ".", "the git repository `DIR`")
	force := fs.Bool("force", false, "replace an existing sendemail-validate hook that trampcheck did not write")
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.Stderr, "trampcheck hook install: unexpected argument %q\n", fs.Arg(0))
		return exitError
	}
	path, err := sendemail.Install(*repo, "", *force)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck hook install: %v\n", oneLine(err))
		return exitError
	}
	fmt.Fprintf(e.Stdout, "installed %s\n", path)
	return exitClean
}

func runHookRun(e *env, args []string) int {
	fs := flag.NewFlagSet("hook run", flag.ContinueOnError)
	var cfg checkConfig
	addCheckFlags(fs, &cfg)
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fmt.Fprintln(e.Stderr, "trampcheck hook run: want MAILFILE [SMTP-HEADERS-FILE]")
		return exitError
	}
	name := fs.Arg(0)
	status, err := hookRun(e, &cfg, name)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck: %v (git send-email --no-validate skips this check)\n", oneLine(err))
		return exitError
	}
	return status
}

// hookRun checks one mail, or collects it and checks the series at the last.
func hookRun(e *env, cfg *checkConfig, name string) (int, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(e.Stdin, patchset.MaxInputSize+1))
		name = "<stdin>"
	} else {
		data, err = series.ReadLimited(name)
	}
	if err != nil {
		return 0, err
	}
	counter, total := sendemail.Counters()
	patches, mails, err := sendemail.Collect(name, data, counter, total)
	if err != nil || patches == nil {
		return exitClean, err // nil patches: nothing (yet) to check
	}
	var over map[string][]byte
	if cfg.tree == "" {
		if cfg.tree, over, err = sendemail.Base(mails, patches); err != nil {
			return 0, err
		}
	}
	run, err := checkPatches(e, cfg, patches, over)
	if err != nil {
		return 0, err
	}
	if err := writeRun(e.Stdout, cfg, run); err != nil {
		return 0, err
	}
	return statusOf(run), nil
}

// checkPatches checks a series against cfg.tree, with over (base contents
// that replace the tree's, nil for absent files) read on top of it, with
// the selected checks.
func checkPatches(e *env, cfg *checkConfig, patches []*patchset.Patch, over map[string][]byte) (*report.Run, error) {
	sc, err := seriesConfig(e, cfg)
	if err != nil {
		return nil, err
	}
	run, err := series.CheckPatches(sc, patches, over)
	if err == nil {
		cfg.tree = run.Base
	}
	return run, err
}
