package cpp

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gccDiagLine matches a GCC error or note line: file, line, column,
// severity, text.
var gccDiagLine = regexp.MustCompile(`^([^:\s]+):(\d+):(\d+): (error|note): (.*)$`)

// macroNoteText matches the text of GCC's macro expansion notes.
var macroNoteText = regexp.MustCompile(`^in (expansion|definition) of macro '([^']*)'$`)

// TestMacroNotesGCC compares Stream.MacroNotes with host gcc's notes on
// testdata/trace (errors at tokens of macro bodies, of arguments, of
// arguments of arguments, of a header's macros, a macro named through an
// argument, multi-line definitions and invocations): at every error GCC
// reports, the notes must be GCC's macro expansion notes exactly, or
// MacroNotes must say it is not sure; it may only say so for a token made
// by ## (u17), never elsewhere.
func TestMacroNotesGCC(t *testing.T) {
	gcc := hostGCC(t)
	dir, err := filepath.Abs("testdata/trace")
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, _ := gccCommand(dir, gcc, "-fsyntax-only", "-std=gnu11", "trace.c")
	type diag struct {
		at    Pos
		text  string
		notes []string
	}
	var want []diag
	inTrace := false
	for _, l := range strings.Split(stderr, "\n") {
		m := gccDiagLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		switch {
		case m[4] == "error":
			want = append(want, diag{at: Pos{File: m[1], Line: line, Col: col}, text: m[5]})
			inTrace = true
		case inTrace && macroNoteText.MatchString(m[5]):
			d := &want[len(want)-1]
			d.notes = append(d.notes, fmt.Sprintf("%s:%d:%d: %s", m[1], line, col, m[5]))
		default:
			// Another note ("each undeclared identifier is reported
			// only once"): the trace GCC prints after it is its own.
			inTrace = false
		}
	}
	if len(want) < 20 {
		t.Fatalf("gcc reports %d errors, want at least 20:\n%s", len(want), stderr)
	}
	cfg := &Config{Read: func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) }}
	s, err := PreprocessStream(cfg, "trace.c")
	if err != nil {
		t.Fatal(err)
	}
	unsure, from := 0, 0
	for _, w := range want {
		// GCC reports in stream order; a header's token spelled once
		// may be reported at several expansions.
		i := -1
		for k := from; k < s.Len(); k++ {
			if s.Token(k).Pos == w.at {
				i, from = k, k+1
				break
			}
		}
		if i < 0 {
			t.Errorf("%s: no token at gcc's error (%s)", w.at, w.text)
			continue
		}
		notes, ok := s.MacroNotes(i)
		if !ok {
			unsure++
			if s.Text(i) != "u17" {
				t.Errorf("%s (%s): MacroNotes is not sure, want gcc's notes %q", w.at, w.text, w.notes)
			}
			continue
		}
		var got []string
		for _, n := range notes {
			kind := "expansion"
			if n.Def {
				kind = "definition"
			}
			got = append(got, fmt.Sprintf("%s:%d:%d: in %s of macro '%s'", n.Pos.File, n.Pos.Line, n.Pos.Col, kind, n.Macro))
		}
		if !slices.Equal(got, w.notes) {
			t.Errorf("%s (%s):\ngot  %q\nwant %q (gcc)", w.at, w.text, got, w.notes)
		}
	}
	if unsure != 1 {
		t.Errorf("MacroNotes not sure at %d errors, want 1 (the token made by ##)", unsure)
	}
	t.Logf("%d gcc errors: notes identical at %d, not sure at %d", len(want), len(want)-unsure, unsure)
}
