package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/trampcheck/trampcheck/cmd/trampcheck/internal/report"
)

// formatFunc writes a run's findings in one output format.
type formatFunc func(w io.Writer, cfg *checkConfig, run *report.Run) error

// formats maps --format values to writers. Integrations register more.
var formats = map[string]formatFunc{
	"text": func(w io.Writer, _ *checkConfig, run *report.Run) error { return report.WriteText(w, run) },
	"json": func(w io.Writer, _ *checkConfig, run *report.Run) error { return report.WriteJSON(w, run) },
}

// formatNames lists the known --format values.
func formatNames() []string {
	var names []string
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// writeRun writes run in the format cfg selects.
func writeRun(w io.Writer, cfg *checkConfig, run *report.Run) error {
	f, ok := formats[cfg.format]
	if !ok {
		return fmt.Errorf("--format: unknown format %q (known: %v)", cfg.format, formatNames())
	}
	return f(w, cfg, run)
}
