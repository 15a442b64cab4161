package patchset

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// edit is a change of the real JIT file described in code: insert text
// before the line containing at, or (del) delete that line.
type edit struct {
	at, insert string
	del        bool
}

func applyEdits(tb testing.TB, src string, edits []edit) string {
	tb.Helper()
	for _, e := range edits {
		i := strings.Index(src, e.at)
		if i < 0 {
			tb.Fatalf("real JIT file has no line containing %q", e.at)
		}
		start := strings.LastIndexByte(src[:i], '\n') + 1
		if e.del {
			end := strings.IndexByte(src[i:], '\n') + i + 1
			src = src[:start] + src[end:]
			continue
		}
		src = src[:start] + e.insert + src[start:]
	}
	return src
}

// jitSeries commits the real JIT file in a temporary repository, then three
// patches that edit it, and returns the series as an mbox with the file
// contents after each commit (base first).
func jitSeries(tb testing.TB) (mbox string, contents []string) {
	tb.Helper()
	real := string(ktree.JIT(tb))
	dir := newRepo(tb, map[string]string{ktree.JITFile: real})
	steps := [][]edit{
		{{at: "static void load_imm64(struct bpf_jit *jit, int dst_reg, u64 val)", insert: "/* Load a 64-bit immediate into dst_reg. */\n"}},
		{
			{at: "static int alloc_stack(struct bpf_tramp_jit *tjit, size_t size)", insert: "/* Reserve size bytes in the trampoline frame. */\n"},
			{at: "int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,", insert: "/* The size of the trampoline for m. */\n"},
		},
		{
			{at: "/* Load a 64-bit immediate into dst_reg. */", del: true},
			{at: "static const int reg2hex[] = {", insert: "/* Map BPF registers to s390 registers. */\n"},
			{at: "void arch_bpf_stack_walk(bool (*consume_fn)(void *, u64, u64, u64),", insert: "/* Walk the stack for BPF. */\n"},
		},
	}
	contents = []string{real}
	cur := real
	for k, s := range steps {
		cur = applyEdits(tb, cur, s)
		contents = append(contents, cur)
		commit(tb, dir, "s390/bpf: comment step "+itoa(k+1), map[string]string{ktree.JITFile: cur})
	}
	mbox = git(tb, dir, "format-patch", "--stdout", "--cover-letter", "HEAD~3")
	return mbox, contents
}

func TestRealJITSeries(t *testing.T) {
	mbox, contents := jitSeries(t)
	ps, err := Parse("jit.mbox", []byte(mbox))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(ps) != 3 {
		t.Fatalf("got %d patches, want 3", len(ps))
	}
	drift := strings.Repeat("/* drift */\n", 25)
	tests := []struct {
		name string
		tree Reader
		base string
	}{
		{"real tree", MapReader{ktree.JITFile: []byte(contents[0])}, contents[0]},
		{"lines moved by 25", MapReader{ktree.JITFile: []byte(drift + contents[0])}, drift + contents[0]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			states, err := Apply(tc.tree, ps)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			// git apply, patch by patch, on a copy of the same base.
			files := map[string]string{ktree.JITFile: tc.base}
			for k, st := range states {
				one, _ := mailSplit(t, mbox, k+2)
				got, gerr := gitApply(t, files, one, []string{ktree.JITFile})
				if gerr != nil {
					t.Fatalf("git apply of patch %d: %v", k+1, gerr)
				}
				files = got
				if string(st.Files[ktree.JITFile]) != got[ktree.JITFile] {
					t.Errorf("state %d differs from git apply's result", k+1)
				}
				if tc.base == contents[0] && got[ktree.JITFile] != contents[k+1] {
					t.Errorf("state %d differs from the commit", k+1)
				}
				if string(st.Base[ktree.JITFile]) != tc.base {
					t.Errorf("state %d: Base is not the tree's file", k+1)
				}
				if len(st.Touched) != 1 || st.Touched[0] != ktree.JITFile {
					t.Errorf("state %d: got Touched %q, want [%s]", k+1, st.Touched, ktree.JITFile)
				}
			}
		})
	}
	t.Run("context gone", func(t *testing.T) {
		// The tree lacks the line patch 2's second hunk needs as context.
		tree := MapReader{ktree.JITFile: []byte(applyEdits(t, contents[0], []edit{{at: "int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,", del: true}}))}
		_, err := Apply(tree, ps)
		line := 1 + strings.Count(contents[1][:strings.Index(contents[1], "int arch_bpf_trampoline_size(")], "\n") - 3
		want := "jit.mbox: mail 3: hunk 2 of " + ktree.JITFile + ": does not apply at line " + itoa(line)
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}

// mailSplit returns mail n (1-based) of an mbox, split by git mailsplit.
func mailSplit(tb testing.TB, mbox string, n int) ([]byte, error) {
	tb.Helper()
	dir := tb.TempDir()
	out, err := gitErr(dir, []byte(mbox), "mailsplit", "-o"+dir)
	if err != nil {
		tb.Fatalf("git mailsplit: %v\n%s", err, out)
	}
	return readFile(tb, filepath.Join(dir, strings.Repeat("0", 4-len(itoa(n)))+itoa(n)))
}

func BenchmarkParseApplyRealSeries(b *testing.B) {
	mbox, contents := jitSeries(b)
	data := []byte(mbox)
	trees := []struct {
		name string
		tree Reader
	}{
		{"memory", MapReader{ktree.JITFile: []byte(contents[0])}},
	}
	for _, tc := range trees {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				ps, err := Parse("jit.mbox", data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Apply(tc.tree, ps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
