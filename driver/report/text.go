package report

import (
	"fmt"
	"io"
	"strconv"
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
	if f.SourceLine == "" { // unknown: a header, or input without its text
		return ""
	}
	return quote(f.Line, f.Column, f.EndColumn, f.SourceLine)
}

// Header returns GCC's note line without any prefix:
// "file:line:col: note: message" (no column when GCC prints none).
func (n *Note) Header() string {
	if n.Column == 0 {
		return fmt.Sprintf("%s:%d: note: %s", n.File, n.Line, n.Message)
	}
	return fmt.Sprintf("%s:%d:%d: note: %s", n.File, n.Line, n.Column, n.Message)
}

// Quote is Finding.Quote for a note: "" when its source line is unknown.
func (n *Note) Quote() string {
	if n.SourceLine == "" {
		return ""
	}
	return quote(n.Line, n.Column, n.EndColumn, n.SourceLine)
}

func quote(line, col, endCol int, src string) string {
	num := fmt.Sprint(line)
	width := max(5, len(num)) // GCC right-aligns line numbers in 5 columns at least
	var b strings.Builder
	fmt.Fprintf(&b, "%*s | %s\n", width, num, strings.TrimRight(ExpandTabs(src), " "))
	caret := "^"
	if endCol > col+1 {
		caret += strings.Repeat("~", endCol-col-1)
	}
	fmt.Fprintf(&b, "%*s | %s%s\n", width, "", strings.Repeat(" ", max(0, col-1)), caret)
	return b.String()
}

// Text returns the finding as GCC prints it, each line ending in a
// newline: the header after prefix (">> " new, three spaces old, "" for
// file input), the quoted source, then each note with its quote. With a
// prefix the quoted lines are indented by its width and the notes take
// three spaces, as the kernel test robot lists compiler output.
func (f *Finding) Text(prefix string) string {
	indent := func(q string) string {
		if prefix == "" || q == "" {
			return q
		}
		return "   " + strings.ReplaceAll(strings.TrimSuffix(q, "\n"), "\n", "\n   ") + "\n"
	}
	notePrefix := ""
	if prefix != "" {
		notePrefix = "   "
	}
	var b strings.Builder
	b.WriteString(prefix + f.Header() + "\n" + indent(f.Quote()))
	for i := range f.Notes {
		n := &f.Notes[i]
		b.WriteString(notePrefix + n.Header() + "\n" + indent(n.Quote()))
	}
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
			if _, err := io.WriteString(w, f.Text(prefix)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Key identifies a finding across patch states: file, check, symbol and
// message, never the line, which moves when a patch adds lines above it;
// and for the second and later of findings that share those, which one
// it is (the third use of a deleted member in a function is new when the
// base had two).
func (f *Finding) Key() string {
	k := f.File + "\x00" + f.Check + "\x00" + f.Symbol + "\x00" + f.Message
	if f.Occurrence > 0 {
		k += "\x00" + strconv.Itoa(f.Occurrence)
	}
	return k
}
