package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// diagLine matches GCC's error and note lines (not the quoted source).
var diagLine = regexp.MustCompile(`^\S+:\d+(:\d+)?: (error|note): `)

// gccDiagLines compiles src as the prepared tree's file rel with the
// kernel's command (-fsyntax-only) from a copy outside the tree and
// returns GCC's error and note lines, the copy's directory removed from
// file names.
func gccDiagLines(t *testing.T, tree, rel string, src []byte) []string {
	t.Helper()
	testtool.Path(t, kbuild.Compiler, "gcc-s390x-linux-gnu")
	dir := t.TempDir()
	dst := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, src, 0o644); err != nil {
		t.Fatal(err)
	}
	argv, err := kbuild.GCCArgs(tree, rel, "-iquote", filepath.Dir(filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	argv[len(argv)-1] = dst
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, _ := cmd.CombinedOutput() // the errors are what is compared
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(string(out), dir+string(filepath.Separator), ""), "\n") {
		if diagLine.MatchString(l) {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestBuildErrorNotes: the two acceptance patches of builderrors (delete
// the frame_off member of struct bpf_jit; delete the definition of struct
// prog_frame), checked with --checks=builderrors on the prepared tree,
// print GCC's error lines marked new, each followed by GCC's notes ("in
// definition of macro", "in expansion of macro", in headers too) as the
// kernel test robot lists them (three spaces); the error and note lines
// equal s390x-linux-gnu-gcc's on the same patched file, in order, repeated
// errors included. The JSON output carries the notes too.
func TestBuildErrorNotes(t *testing.T) {
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	b, err := os.ReadFile(filepath.Join(tree, ktree.JITFile))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	// cut returns src without the lines from the one holding first to the
	// next one holding last.
	cut := func(first, last string) string {
		i := strings.Index(src, first)
		if i < 0 {
			t.Fatalf("no %q in the file", first)
		}
		j := strings.Index(src[i:], last)
		if j < 0 {
			t.Fatalf("no %q after %q", last, first)
		}
		start := strings.LastIndexByte(src[:i], '\n') + 1
		end := i + j + strings.IndexByte(src[i+j:], '\n') + 1
		return src[:start] + src[end:]
	}
	for _, tc := range []struct{ name, patched, note string }{
		{"frame_off", cut("\tu32 frame_off;", "\tu32 frame_off;"), "in definition of macro"},
		{"prog_frame", cut("\nstruct prog_frame {", "} __packed;"), "in expansion of macro"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := gccDiagLines(t, tree, ktree.JITFile, []byte(tc.patched))
			notes := 0
			for _, l := range want {
				if strings.Contains(l, ": note: ") {
					notes++
				}
			}
			if len(want) == 0 || notes == 0 {
				t.Fatalf("gcc prints %q; want errors with notes", want)
			}
			patch := "From: A Developer <dev@example.org>\nSubject: [PATCH] s390/bpf: drop " + tc.name + "\n\n---\n" + unifiedDiff(t, ktree.JITFile, src, tc.patched)
			out, errs, code := runCLI(t, patch, "check", "--tree", tree, "--checks=builderrors", "-")
			if code != exitFindings {
				t.Fatalf("exit %d, want 1; stderr %s\n%s", code, errs, out)
			}
			var got []string
			for _, l := range strings.Split(out, "\n") {
				switch {
				case strings.HasPrefix(l, ">> ") && strings.Contains(l, ": error: "):
					got = append(got, strings.TrimPrefix(l, ">> "))
				case strings.HasPrefix(l, "   ") && diagLine.MatchString(strings.TrimPrefix(l, "   ")) && strings.Contains(l, ": note: "):
					got = append(got, strings.TrimPrefix(l, "   "))
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got (trampcheck)\n\t%s\nwant (gcc)\n\t%s\noutput:\n%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"), out)
			}
			t.Logf("%d error and note lines (%d notes), equal to gcc's", len(want), notes)

			out, errs, code = runCLI(t, patch, "check", "--tree", tree, "--checks=builderrors", "--format=json", "-")
			if code != exitFindings || !strings.Contains(out, `"notes": [`) || !strings.Contains(out, tc.note) {
				t.Errorf("json: exit %d, stderr %s; want 1 and the notes (%q)\n%s", code, errs, tc.note, out)
			}
		})
	}
}
