package report

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestGCCRendering renders findings for functions placed at awkward
// positions (tabs, wide line numbers, multi-byte text before the name) and
// compares the header, source and caret lines with host gcc's own output.
// The finding's byte column comes from a plain text search, not from
// trampcheck's front end, so this checks only the rendering.
func TestGCCRendering(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	cases := []struct {
		name   string
		pad    int    // blank lines before the definition
		prefix string // text before the name on its line
	}{
		{"plain", 0, "int "},
		{"tab_before_type", 3, "\tint "},
		{"tabs_between", 10, "int\t\t"},
		{"space_tab_mix", 0, "  \t static_assert_ok_type "},
		{"line_10000", 9999, "long "},
		{"utf8_comment", 2, "/* é */ int "},
		{"wide_comment", 1, "/* 漢字 */ int "},
		{"wide_then_tab", 0, "/* 漢 */\tint "},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "fn_" + c.name
			defLine := c.prefix + name + "(void) { return 0; }"
			src := "typedef int static_assert_ok_type;\n" + strings.Repeat("\n", c.pad) + defLine + "\n"
			path := filepath.Join(dir, c.name+".c")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(gcc, "-fsyntax-only", "-Wmissing-prototypes", "-fdiagnostics-color=never", c.name+".c")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
			out, _ := cmd.CombinedOutput()
			want := string(out)
			byteCol := strings.Index(defLine, name) + 1
			f := Finding{
				File:       c.name + ".c",
				Line:       c.pad + 2,
				Column:     DisplayCol(defLine, byteCol),
				EndColumn:  DisplayCol(defLine, byteCol+len(name)),
				Severity:   "warning",
				Flag:       "-Wmissing-prototypes",
				Message:    fmt.Sprintf("no previous prototype for '%s'", name),
				SourceLine: defLine,
			}
			got := f.Header() + "\n" + f.Quote()
			if got != want {
				t.Errorf("rendering of %q:\ngot:\n%s\nwant (gcc):\n%s", defLine, got, want)
			}
		})
	}
}

// TestWriteTextMarks checks the robot-style markers and de-duplication
// across the states of a series.
func TestWriteTextMarks(t *testing.T) {
	yes, no := true, false
	f1 := Finding{
		File: "a.c", Line: 3, Column: 5, EndColumn: 8, Severity: "warning", Check: "missingproto",
		Flag: "-Wmissing-prototypes", Message: "no previous prototype for 'foo'", Symbol: "foo",
		SourceLine: "int foo(void)", New: &yes, Patch: "[PATCH 1/2] add foo",
	}
	f2 := f1
	f2.New = &no
	f2.Line = 5
	old := Finding{
		File: "a.c", Line: 9, Column: 5, EndColumn: 8, Severity: "warning", Check: "missingproto",
		Flag: "-Wmissing-prototypes", Message: "no previous prototype for 'bar'", Symbol: "bar",
		SourceLine: "int bar(void)", New: &no,
	}
	run := &Run{Patched: true, Results: []PatchResult{
		{Index: 0, Mail: Mail{Subject: "[PATCH 1/2] add foo"}, Findings: []Finding{f1, old}},
		{Index: 1, Mail: Mail{Subject: "[PATCH 2/2] move foo"}, Findings: []Finding{f2, old}},
	}}
	var b strings.Builder
	if err := WriteText(&b, run); err != nil {
		t.Fatal(err)
	}
	want := `a.c: In patch 1/2 "[PATCH 1/2] add foo":
>> a.c:3:5: warning: no previous prototype for 'foo' [-Wmissing-prototypes]
       3 | int foo(void)
         |     ^~~
   a.c:9:5: warning: no previous prototype for 'bar' [-Wmissing-prototypes]
       9 | int bar(void)
         |     ^~~
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestNotesRendering renders an error inside a macro's definition with
// GCC's note at the macro's use, and compares the lines with host gcc's
// (the "In function" context line aside). Positions come from a text
// search; this checks only the rendering of Finding.Text.
func TestNotesRendering(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	def := "#define GET(p) ((p)->missing)"
	use := "int f(struct s *q) { return\tGET(q); }"
	src := "struct s { int a; };\n" + def + "\n" + use + "\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "n.c"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gcc, "-fsyntax-only", "-fdiagnostics-color=never", "n.c")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, _ := cmd.CombinedOutput()
	var want []string
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if !strings.Contains(l, "In function") {
			want = append(want, l)
		}
	}
	m := strings.Index(def, "->") + 1 // gcc points at the operator
	g := strings.Index(use, "GET") + 1
	f := Finding{
		File: "n.c", Line: 2, Column: DisplayCol(def, m), EndColumn: DisplayCol(def, m+len("->")),
		Severity: "error", Message: "'struct s' has no member named 'missing'", SourceLine: def,
		Notes: []Note{{
			File: "n.c", Line: 3, Column: DisplayCol(use, g), EndColumn: DisplayCol(use, g+len("GET")),
			Message: "in expansion of macro 'GET'", SourceLine: use,
		}},
	}
	if got := f.Text(""); got != strings.Join(want, "") {
		t.Errorf("got:\n%s\nwant (gcc):\n%s", got, strings.Join(want, ""))
	}
	// In a series the notes take three spaces, their quotes the marker's width.
	marked := f.Text(">> ")
	if !strings.Contains(marked, "\n   n.c:3:") || !strings.HasPrefix(marked, ">> n.c:2:") {
		t.Errorf("marked:\n%s", marked)
	}
}
