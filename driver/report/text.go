package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/trampcheck/trampcheck/cparse"
)

// TabStop is GCC's default -ftabstop: columns are display columns and tabs
// in quoted source lines are expanded to this width.
const TabStop = 8

// DisplayCol converts a 1-based byte column in line to GCC's 1-based display
// column: tabs advance to the next multiple of TabStop, East Asian wide
// characters count two, combining marks none (cparse.DisplayColumn).
func DisplayCol(line string, byteCol int) int { return cparse.DisplayColumn(line, byteCol) }

// ExpandTabs returns line with tabs expanded to TabStop, as GCC quotes it.
func ExpandTabs(line string) string {
	if !strings.Contains(line, "\t") {
		return line
	}
	var b strings.Builder
	for i, r := range line {
		if r == '\t' {
			// The tab's own display column decides its width.
			col := DisplayCol(line, i+1) - 1
			b.WriteString(strings.Repeat(" ", TabStop-col%TabStop))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Header returns GCC's first diagnostic line without any prefix:
// "file:line:col: warning: message [-Wflag]".
func (f *Finding) Header() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Severity, f.Message)
	if f.Flag != "" {
		s += " [" + f.Flag + "]"
	}
	return s
}

// Quote returns the source and caret lines GCC 12 prints under a diagnostic,
// each ending in a newline, or "" when the source line is unknown.
func (f *Finding) Quote() string {
	if f.SourceLine == "" && f.Line == 0 {
		return ""
	}
	num := fmt.Sprint(f.Line)
	width := max(5, len(num)) // GCC right-aligns line numbers in 5 columns at least
	var b strings.Builder
	fmt.Fprintf(&b, "%*s | %s\n", width, num, strings.TrimRight(ExpandTabs(f.SourceLine), " "))
	caret := "^"
	if f.EndColumn > f.Column+1 {
		caret += strings.Repeat("~", f.EndColumn-f.Column-1)
	}
	fmt.Fprintf(&b, "%*s | %s%s\n", width, "", strings.Repeat(" ", max(0, f.Column-1)), caret)
	return b.String()
}

// WriteText writes findings in GCC's format. In patch mode each finding is
// prefixed as in the kernel test robot's list: ">> " when new, three spaces
// when old, with the quoted source indented to match. When the run covers more than one patch, each patch's findings
// are introduced by a GCC-style context line naming the patch.
func WriteText(w io.Writer, run *Run) error {
	seen := map[string]bool{}
	for _, pr := range run.Results {
		headed := false
		for i := range pr.Findings {
			f := &pr.Findings[i]
			key := f.Key()
			if seen[key] {
				continue
			}
			seen[key] = true
			if run.Patched && len(run.Results) > 1 && !headed {
				if _, err := fmt.Fprintf(w, "%s: In patch %d/%d %q:\n", f.File, pr.Index+1, len(run.Results), pr.Mail.Subject); err != nil {
					return err
				}
				headed = true
			}
			prefix := ""
			if f.New != nil {
				prefix = "   "
				if *f.New {
					prefix = ">> "
				}
			}
			quote := f.Quote()
			if prefix != "" && quote != "" {
				// The robot indents the quoted lines by the marker's width.
				quote = "   " + strings.ReplaceAll(strings.TrimSuffix(quote, "\n"), "\n", "\n   ") + "\n"
			}
			if _, err := fmt.Fprintf(w, "%s%s\n%s", prefix, f.Header(), quote); err != nil {
				return err
			}
		}
	}
	return nil
}

// Key identifies a finding across patch states: file, check, symbol and
// message, never the line, which moves when a patch adds lines above it.
func (f *Finding) Key() string {
	return f.File + "\x00" + f.Check + "\x00" + f.Symbol + "\x00" + f.Message
}
