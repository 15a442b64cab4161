package missingproto_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// unstatic removes "static " from the line that starts with
// "static int NAME(" in src, as a patch dropping the keyword would.
func unstatic(t *testing.T, src []byte, name string) []byte {
	t.Helper()
	old := []byte("\nstatic int " + name + "(")
	if bytes.Count(src, old) != 1 {
		t.Fatalf("the real file has %d lines starting with %q, want 1", bytes.Count(src, old), old[1:])
	}
	return bytes.Replace(src, old, []byte("\nint "+name+"("), 1)
}

// gccPos computes where GCC reports NAME in the edited file, from the text
// alone: the line of "int NAME(" at the start of a line and the display
// column of NAME on it.
func gccPos(t *testing.T, src []byte, name string) (line, col int) {
	t.Helper()
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "int "+name+"(") {
			return i + 1, len("int ") + 1
		}
	}
	t.Fatalf("no line starts with int %s(", name)
	return 0, 0
}

func TestRealFile(t *testing.T) {
	tree := ktree.Dir(t)
	src := ktree.JIT(t)
	for _, mode := range []struct {
		name string
		opts cparse.Options
		file string
	}{
		{"hermetic", cparse.Options{}, ktree.JITFile},
		{"tree", cparse.Options{Tree: tree}, filepath.Join(tree, ktree.JITFile)},
	} {
		t.Run(mode.name+"/unmodified", func(t *testing.T) {
			out, err := checktest.RunSource(mode.file, src, mode.opts, missingproto.Analyzer)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Diagnostics) != 0 {
				t.Errorf("got %v, want no finding", out.Diagnostics)
			}
		})
		for _, fn := range []string{"invoke_bpf_prog", "__arch_prepare_bpf_trampoline"} {
			t.Run(mode.name+"/"+fn, func(t *testing.T) {
				edited := unstatic(t, src, fn)
				out, err := checktest.RunSource(mode.file, edited, mode.opts, missingproto.Analyzer)
				if err != nil {
					t.Fatal(err)
				}
				line, col := gccPos(t, edited, fn)
				want := "no previous prototype for '" + fn + "'"
				if len(out.Diagnostics) != 1 {
					t.Fatalf("got %v, want exactly %d:%d: %s", out.Diagnostics, line, col, want)
				}
				d := out.Diagnostics[0]
				f := out.Parsed.Files[0]
				got := f.DisplayCol(cparse.Pos{Line: d.Line, Col: d.Col})
				if d.Line != line || got != col || d.Message != want || d.EndCol-d.Col != len(fn) {
					t.Errorf("got %d:%d-%d: %s, want %d:%d: %s (caret over the name)", d.Line, got, d.EndCol, d.Message, line, col, want)
				}
				if f.Name != ktree.JITFile || d.File != ktree.JITFile {
					t.Errorf("file: got %q/%q, want %q", f.Name, d.File, ktree.JITFile)
				}
				// The place GCC 12.2 reported on 6.12.117, pinned to that
				// file (the line moves with any edit above it).
				if fn == "__arch_prepare_bpf_trampoline" && ktree.JITAsWritten(t) && (d.Line != 2609 || got != 5) {
					t.Errorf("got %d:%d, want 2609:5 as GCC 12.2 reported on 6.12.117", d.Line, got)
				}
			})
		}
	}
}
