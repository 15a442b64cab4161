package main

import (
	"flag"
	"fmt"

	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/listbot"
	"github.com/trampcheck/trampcheck/driver/report"
)

func init() {
	register(&command{
		Name:    "bot",
		Summary: "answer the offending patches of a mailing-list mbox with robot-style replies",
		Run:     runBot,
	})
}

const botUsage = `usage: trampcheck bot --out DIR [--sendmail CMD] [--tree DIR] [--from ADDR] [--lore-url URL] MBOX...

bot reads mailing-list mboxes (a public-inbox or lore export: series,
replies and other mail interleaved), groups the patches into series by
thread and version, checks each series against --tree and writes one reply
in the kernel test robot's layout for every patch that introduced a
finding: DIR/NNNN-<message-id>.eml, listed in DIR/index.tsv. With
--sendmail each reply is also piped to CMD (run by sh, e.g. 'sendmail -t').

Replies go only to the patch's author, To and Cc. DIR/state.tsv remembers
every patch checked (by Message-ID), so running again on the same input
writes and sends nothing new. One bot at a time may use DIR (DIR/.lock).

Exit status: 0 nothing new to answer, 1 replies written, 2 a series or a
mail could not be checked (the others still are).

Flags:
`

func runBot(e *env, args []string) int {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	var cfg checkConfig
	addCheckFlags(fs, &cfg)
	out := fs.String("out", "", "`DIR` for the replies, their index and the bot's memory (required)")
	sendmail := fs.String("sendmail", "", "pipe each reply to `CMD` (run by sh), e.g. 'sendmail -t'")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), botUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprintln(e.Stderr, "trampcheck bot: want --out DIR and at least one MBOX")
		return exitError
	}
	if cfg.tree == "" {
		fmt.Fprintln(e.Stderr, "trampcheck bot: want --tree DIR: the series are applied to it")
		return exitError
	}
	b := &listbot.Bot{
		Out:      *out,
		Sendmail: *sendmail,
		Check: func(patches []*patchset.Patch) (*report.Run, error) {
			c := cfg
			return checkPatches(e, &c, patches, nil)
		},
		Robot:  robotOptions(&cfg, ""),
		Stdout: e.Stdout,
		Stderr: e.Stderr,
	}
	replied, failures, err := b.Run(fs.Args())
	switch {
	case err != nil:
		fmt.Fprintf(e.Stderr, "trampcheck bot: %v\n", oneLine(err))
		return exitError
	case failures > 0:
		return exitError
	case replied > 0:
		return exitFindings
	}
	return exitClean
}
