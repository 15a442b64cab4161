package main

import (
	"bytes"
	"flag"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/trampcheck/trampcheck/cmd/trampcheck/internal/report"
)

// integrationFlags holds the flags of the formats for kernel developers'
// tools: the robot reply's sender and link template.
type integrationFlags struct {
	from    string
	loreURL string
}

// addIntegrationFlags declares --from and --lore-url.
func addIntegrationFlags(fs *flag.FlagSet, c *integrationFlags) {
	fs.StringVar(&c.from, "from", report.DefaultRobotFrom, "sender `ADDRESS` of --format=robot replies")
	fs.StringVar(&c.loreURL, "lore-url", report.DefaultLoreURL, "link `TEMPLATE` for a message id (%s; @ becomes %40) in --format=robot")
}

func init() {
	formats["robot"] = func(w io.Writer, cfg *checkConfig, run *report.Run) error {
		opt := robotOptions(cfg, "")
		opt.Base = describeBase(run.Base)
		return report.WriteRobot(w, run, opt)
	}
	formats["b4"] = func(w io.Writer, _ *checkConfig, run *report.Run) error {
		return report.WriteB4(w, run)
	}
	formats["sarif"] = func(w io.Writer, _ *checkConfig, run *report.Run) error {
		return report.WriteSARIF(w, run, sarifOptions())
	}
}

// robotOptions turns the flags into reply options; reproduce is the command
// line printed in the reply ("" for none).
func robotOptions(cfg *checkConfig, reproduce string) report.RobotOptions {
	return report.RobotOptions{
		From:      cfg.integ.from,
		LoreURL:   cfg.integ.loreURL,
		Tool:      "trampcheck " + version,
		Reproduce: reproduce,
	}
}

// describeBase names the tree a run was checked against for a reply: the
// directory and, when it is a git work tree, its HEAD commit.
func describeBase(dir string) string {
	if dir == "" {
		return "hermetic (no tree)"
	}
	top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return dir
	}
	a, err1 := filepath.EvalSymlinks(strings.TrimSpace(string(top)))
	b, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil || a != b {
		return dir // not a git work tree of its own (perhaps inside one)
	}
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%h (\"%s\")").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return dir
	}
	return dir + " at " + strings.TrimSpace(string(out))
}

// sarifOptions describes trampcheck and every registered check for SARIF.
func sarifOptions() report.SARIFOptions {
	opt := report.SARIFOptions{
		ToolName:       "trampcheck",
		Version:        version,
		InformationURI: "https://github.com/trampcheck/trampcheck",
	}
	for _, a := range allAnalyzers() {
		opt.Rules = append(opt.Rules, report.Rule{
			ID:   a.Name,
			Doc:  strings.TrimSpace(a.Doc),
			URL:  a.URL,
			Flag: flagFor(a.Name),
		})
	}
	return opt
}
