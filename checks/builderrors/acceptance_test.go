package builderrors_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// jitFile is the s390x BPF JIT, the file of the acceptance cases.
const jitFile = "arch/s390/net/bpf_jit_comp.c"

// gccOnCopy compiles src as the tree's file rel with the kernel's exact
// command (-fsyntax-only), from a copy in a temporary directory so that
// the tree is never written and GCC reads the changed lines for its
// columns, and returns GCC's error lines with the copy's directory
// removed from file names (so rel reads as in the kernel build), each
// followed by its macro expansion notes.
func gccOnCopy(t *testing.T, tree, rel string, src []byte) []string {
	t.Helper()
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
	text := strings.ReplaceAll(string(out), dir+string(filepath.Separator), "")
	return lines(gccEntries(text, func(string) bool { return true }))
}

// deleteLine returns src without its first line containing text (found
// by text, so that the case holds for any 6.12.y).
func deleteLine(t *testing.T, src []byte, text string) []byte {
	t.Helper()
	s := string(src)
	i := strings.Index(s, text)
	if i < 0 {
		t.Fatalf("no %q in the file", text)
	}
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n') + i + 1
	return []byte(s[:start] + s[end:])
}

// deleteBlock returns src without the lines from the one starting with
// first to the next one starting with last, both included.
func deleteBlock(t *testing.T, src []byte, first, last string) []byte {
	t.Helper()
	s := string(src)
	i := strings.Index(s, "\n"+first)
	if i < 0 {
		t.Fatalf("no line %q in the file", first)
	}
	j := strings.Index(s[i+1:], "\n"+last)
	if j < 0 {
		t.Fatalf("no line %q after %q", last, first)
	}
	end := i + 1 + j + 1 + strings.IndexByte(s[i+1+j+1:], '\n') + 1
	return []byte(s[:i+1] + s[end:])
}

// TestAcceptance is the acceptance: on the prepared tree, deleting
// the frame_off member of struct bpf_jit, and deleting the definition of
// struct prog_frame, each give GCC's first error line exactly (file,
// line, column, text), compared with s390x-linux-gnu-gcc on the same
// patched file, and so does every other error line (all are of the
// check's classes).
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	crossGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	src, err := os.ReadFile(filepath.Join(tree, jitFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  []byte
		want string // GCC's first error's text, to see that GCC agrees on what the case is
	}{
		{"frame_off member deleted", deleteLine(t, src, "\tu32 frame_off;"), "error: 'struct bpf_jit' has no member named 'frame_off'"},
		{"struct prog_frame deleted", deleteBlock(t, src, "struct prog_frame {", "} __packed;"), "error: invalid use of undefined type 'struct prog_frame'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := gccOnCopy(t, tree, jitFile, tc.src)
			if len(want) == 0 || !strings.HasSuffix(want[0], tc.want) {
				t.Fatalf("gcc's first error is %q, want one ending in %q", first(want), tc.want)
			}
			f, err := cparse.Parse(filepath.Join(tree, jitFile), tc.src, cparse.Options{Tree: tree})
			if err != nil {
				t.Fatal(err)
			}
			got := lines(entries(builderrors.Find(f), jitFile))
			if len(got) == 0 || got[0] != want[0] {
				t.Fatalf("first error: got %q, want gcc's %q", first(got), want[0])
			}
			if !slices.Equal(got, want) {
				t.Errorf("got (trampcheck)\n\t%s\nwant (gcc)\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
			t.Logf("%d error and note lines, all equal to gcc's; first: %s", len(want), want[0])
		})
	}
}
