package main

import (
	"flag"
	"io"
	"strings"

	"github.com/trampcheck/trampcheck/driver/report"
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

// formatNames lists the known --format values.
func formatNames() []string { return report.Formats() }

// writeRun writes run in the format cfg selects.
func writeRun(w io.Writer, cfg *checkConfig, run *report.Run) error {
	return report.Write(w, cfg.format, run, report.Options{Robot: robotOptions(cfg, ""), SARIF: sarifOptions()})
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
