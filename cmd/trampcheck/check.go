package main

import (
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/series"
)

func init() {
	register(&command{
		Name:    "check",
		Summary: "run the checks on C files, patches, a series (mbox or directory) or stdin",
		Run:     runCheck,
	})
}

const checkUsage = `usage: trampcheck check [--tree DIR] [-I DIR]... [-D NAME[=VALUE]]... [--format=FORMAT] [--checks=a,b] INPUT...

INPUT is a .c or .h file, a patch (git format-patch or unified diff), an mbox
holding a series, a directory of .patch files, or - for standard input.
Patches apply in order, in memory, to the files of --tree (never written).
Findings in files a patch touches are marked new (">> ") when the patch
introduced them and old ("   ") when the base already had them.

Exit status: 0 nothing found (in patch mode: nothing new), 1 findings,
2 the tool could not do its job.

Flags:
`

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// checkConfig is the parsed command line of check (and of the commands that
// reuse it: the hook and the bot).
type checkConfig struct {
	tree     string
	includes listFlag
	defines  listFlag
	format   string
	checks   string
	integ    integrationFlags // --from, --lore-url (formats_integrations.go)
}

// addCheckFlags declares the flags shared by every command that checks.
func addCheckFlags(fs *flag.FlagSet, c *checkConfig) {
	fs.StringVar(&c.tree, "tree", "", "kernel source `DIR` (prepared or not); without it the file is parsed alone")
	fs.Var(&c.includes, "I", "extra include `DIR` (repeatable)")
	fs.Var(&c.defines, "D", "predefine `NAME[=VALUE]` (repeatable)")
	fs.StringVar(&c.format, "format", "text", "output `FORMAT`: "+strings.Join(formatNames(), ", "))
	fs.StringVar(&c.checks, "checks", "", "comma-separated `LIST` of checks to run (default: all but the opt-in "+strings.Join(optInNames(), ", ")+"): "+strings.Join(checkNames(), ", "))
	addIntegrationFlags(fs, &c.integ)
}

func runCheck(e *env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var cfg checkConfig
	addCheckFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), checkUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.Stderr, "trampcheck check: no input; give a .c file, a patch, an mbox, a directory or -")
		return exitError
	}
	sc, err := seriesConfig(e, &cfg)
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck: %v\n", oneLine(err))
		return exitError
	}
	run, err := series.Check(sc, fs.Args())
	if err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck: %v\n", oneLine(err))
		return exitError
	}
	if err := writeRun(e.Stdout, &cfg, run); err != nil {
		fmt.Fprintf(e.Stderr, "trampcheck: %v\n", oneLine(err))
		return exitError
	}
	// Files that could not be checked at all, while the rest were: named
	// after the findings, and the run did not do its whole job.
	for _, msg := range run.Failed {
		fmt.Fprintf(e.Stderr, "trampcheck: %s\n", msg)
	}
	if len(run.Failed) > 0 {
		return exitError
	}
	return statusOf(run)
}

// statusOf is 1 when the run has findings that count: in patch mode only
// new ones (a pre-submit check must not fail on what the base already has).
func statusOf(run *report.Run) int {
	if series.Failing(run) {
		return exitFindings
	}
	return exitClean
}

// oneLine keeps an error message on one line.
func oneLine(err error) string { return series.OneLine(err) }

// selectedAnalyzers returns the front end followed by the checks named in
// --checks (all but the opt-in ones by default), validated as a go/analysis set.
func selectedAnalyzers(list string) ([]*analysis.Analyzer, error) {
	checks, err := namedChecks(list)
	if err != nil {
		return nil, err
	}
	analyzers := append([]*analysis.Analyzer{cparse.Analyzer}, checks...)
	if err := analysis.Validate(analyzers); err != nil {
		return nil, err
	}
	return analyzers, nil
}

// namedChecks returns the checks named in a --checks list (those of
// allAnalyzers for ""; the opt-in ones only by name).
func namedChecks(list string) ([]*analysis.Analyzer, error) {
	all := allAnalyzers()
	if list == "" {
		return all, nil
	}
	byName := map[string]*analysis.Analyzer{}
	for _, a := range slices.Concat(all, optInAnalyzers()) {
		byName[a.Name] = a
	}
	var out []*analysis.Analyzer
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		a, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("--checks: unknown check %q (known: %s)", n, strings.Join(checkNames(), ", "))
		}
		out = append(out, a)
	}
	return out, nil
}

// checkNames lists the registered checks.
func checkNames() []string {
	var names []string
	for _, a := range slices.Concat(allAnalyzers(), optInAnalyzers()) {
		names = append(names, a.Name)
	}
	sort.Strings(names)
	return names
}

// optInNames lists the opt-in checks (run only when named).
func optInNames() []string {
	var names []string
	for _, a := range optInAnalyzers() {
		names = append(names, a.Name)
	}
	return names
}

// checkStyles says how the checks' diagnostics are printed.
var checkStyles = series.DefaultStyles

// flagFor returns the flag printed after a check's message.
func flagFor(check string) string {
	o := driver.Options{Styles: checkStyles}
	return o.Flag(check)
}

// seriesConfig turns the flags into the configuration of a check: the
// tree, -I and -D, the checks --checks selects and how they print.
func seriesConfig(e *env, cfg *checkConfig) (series.Config, error) {
	analyzers, err := selectedAnalyzers(cfg.checks)
	if err != nil {
		return series.Config{}, err
	}
	return series.Config{
		Tree:      cfg.tree,
		Includes:  cfg.includes,
		Defines:   cfg.defines,
		Analyzers: analyzers,
		Styles:    checkStyles,
		Stdin:     e.Stdin,
	}, nil
}
