package report

import (
	"fmt"
	"io"
	"strings"
)

// WriteB4 writes one line per finding in the style of checkpatch.pl
// --terse --showfile, which b4's per-patch check commands parse:
//
//	arch/s390/net/bpf_jit_comp.c:2609: WARNING: no previous prototype for '...' [-Wmissing-prototypes]
//
// b4 counts a line containing "ERROR:" as a failure and any other line as a
// warning, so only findings of severity error say ERROR. In patch mode only
// new findings are printed: b4 asks about the patch, not about the base.
func WriteB4(w io.Writer, run *Run) error {
	var b strings.Builder
	for _, f := range Distinct(run) {
		if !isNew(&f) {
			continue
		}
		sev := "WARNING"
		if f.Severity == "error" {
			sev = "ERROR"
		}
		fmt.Fprintf(&b, "%s:%d: %s: %s", f.File, f.Line, sev, f.Message)
		if f.Flag != "" {
			fmt.Fprintf(&b, " [%s]", f.Flag)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
