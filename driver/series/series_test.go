package series_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/series"
)

// job is one check: a configuration and an input.
type job struct {
	cfg   series.Config
	input string
}

// checkText runs j and returns its text output, or the error.
func checkText(j job) string {
	run, err := series.Check(j.cfg, []string{j.input})
	if err != nil {
		return "error: " + err.Error()
	}
	var b bytes.Buffer
	if err := report.WriteText(&b, run); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

// compareConcurrent runs every job rounds times, all at once, and
// compares each output with the job's output run alone.
func compareConcurrent(t *testing.T, jobs []job, alone []string, rounds int) {
	t.Helper()
	got := make([]string, len(jobs)*rounds)
	var wg sync.WaitGroup
	for r := range rounds {
		for i, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[r*len(jobs)+i] = checkText(j)
			}()
		}
	}
	wg.Wait()
	for k, g := range got {
		if want := alone[k%len(jobs)]; g != want {
			t.Errorf("job %d, round %d, run concurrently: got %q, want %q (run alone)", k%len(jobs), k/len(jobs), g, want)
		}
	}
}

// defineTree writes a tree whose lib/a.c defines helper static unless
// EXPORT_IT is defined, and a patch that changes helper's body: the
// patch's findings depend on -D alone.
func defineTree(t *testing.T) (tree, patch string) {
	t.Helper()
	dir := t.TempDir()
	tree = filepath.Join(dir, "tree")
	const base = "/* lib */\n#ifdef EXPORT_IT\nint helper(int x)\n#else\nstatic int helper(int x)\n#endif\n{\n\treturn x + 1;\n}\n\nint use(int y);\n"
	if err := os.MkdirAll(filepath.Join(tree, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "lib", "a.c"), []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	patch = filepath.Join(dir, "0001.patch")
	const diff = "--- a/lib/a.c\n+++ b/lib/a.c\n@@ -5,7 +5,7 @@\n static int helper(int x)\n #endif\n {\n-\treturn x + 1;\n+\treturn x + 2;\n }\n \n int use(int y);\n"
	if err := os.WriteFile(patch, []byte(diff), 0o644); err != nil {
		t.Fatal(err)
	}
	return tree, patch
}

// TestConcurrent checks series with different options (a -D that changes
// the findings, no -D, the demo series whose states share include
// closures) at the same time in one process, several times each, and
// compares every output with the output of the same check run alone.
// Run it with -race: go test -race -run Concurrent ./driver/series.
func TestConcurrent(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", "off") // every run parses
	tree, patch := defineTree(t)
	analyzers := []*analysis.Analyzer{cparse.Analyzer, missingproto.Analyzer, asmcomment.Analyzer}
	styles := map[string]driver.Style{"missingproto": {Flag: "-Wmissing-prototypes"}}
	jobs := []job{
		{series.Config{Tree: tree, Defines: []string{"EXPORT_IT"}, Analyzers: analyzers, Styles: styles}, patch},
		{series.Config{Tree: tree, Analyzers: analyzers, Styles: styles}, patch},
		{series.Config{Tree: "../../testdata/demo/tree", Analyzers: analyzers, Styles: styles}, "../../testdata/demo/series"},
		{series.Config{Tree: "../../testdata/demo/tree", Defines: []string{"EXPORT_IT"}, Analyzers: analyzers, Styles: styles}, "../../testdata/demo/series.mbox"},
	}
	alone := make([]string, len(jobs))
	for i, j := range jobs {
		alone[i] = checkText(j)
	}
	// The oracle of the first two: the -D decides, as it does for GCC.
	if !strings.Contains(alone[0], "lib/a.c:3:5: warning: no previous prototype for 'helper' [-Wmissing-prototypes]") {
		t.Fatalf("with -D EXPORT_IT: got %q, want the missing prototype of helper", alone[0])
	}
	if alone[1] != "" {
		t.Fatalf("without -D: got %q, want nothing", alone[1])
	}
	if !strings.Contains(alone[2], "'restore_args'") || alone[3] != alone[2] {
		t.Fatalf("demo series: got %q and %q, want restore_args in both", alone[2], alone[3])
	}
	compareConcurrent(t, jobs, alone, 3)
}

// TestConcurrentReal does the same on the real tree with every default
// check, where every file is read as its translation unit: the seed patch (static removed from
// __arch_prepare_bpf_trampoline), the unmodified file with the tree, and
// the file alone, at once.
func TestConcurrentReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real kernel tree's translation units")
	}
	tree := ktree.Dir(t)
	t.Setenv("TRAMPCHECK_CACHE", "off")
	src := string(ktree.JIT(t))
	const from = "static int __arch_prepare_bpf_trampoline("
	if strings.Count(src, from) != 1 {
		t.Fatalf("real file: want one %q", from)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(strings.Replace(src, from, "int __arch_prepare_bpf_trampoline(", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	diff, _ := exec.Command("diff", "-u", "--label", "a/"+ktree.JITFile, "--label", "b/"+ktree.JITFile, a, b).Output()
	seed := filepath.Join(dir, "seed.patch")
	if err := os.WriteFile(seed, diff, 0o644); err != nil {
		t.Fatal(err)
	}
	// trampcheck check's default set: the trampoline checks read the
	// environment model from the tree (a process-wide, content-checked
	// memo) and run the generator.
	analyzers := []*analysis.Analyzer{
		missingproto.Analyzer, asmcomment.Analyzer, emitmacro.Analyzer, fieldoverflow.Analyzer,
		trampxcheck.Analyzer, trampexec.Analyzer,
	}
	styles := series.DefaultStyles
	jit := filepath.Join(tree, ktree.JITFile)
	jobs := []job{
		{series.Config{Tree: tree, Analyzers: analyzers, Styles: styles}, seed},
		{series.Config{Tree: tree, Analyzers: analyzers, Styles: styles}, jit},
		{series.Config{Analyzers: analyzers, Styles: styles}, jit},
	}
	alone := make([]string, len(jobs))
	for i, j := range jobs {
		alone[i] = checkText(j)
	}
	if !strings.Contains(alone[0], ">> "+ktree.JITFile) || !strings.Contains(alone[0], "no previous prototype for '__arch_prepare_bpf_trampoline' [-Wmissing-prototypes]") {
		t.Fatalf("seed patch: got %q, want the new missing prototype", alone[0])
	}
	if strings.Contains(alone[1], "missing-prototypes") || strings.HasPrefix(alone[2], "error") {
		t.Fatalf("unmodified file: got %q and %q, want no missing prototype", alone[1], alone[2])
	}
	compareConcurrent(t, jobs, alone, 2)
}

// TestTypeErrorsCache: a run without builderrors reads the translation
// units without their type errors (the cheaper scan) and caches them; a
// later run with builderrors on the same file and cache must still report
// its type error, not take the cached unit for a clean one. A driver that
// skipped them anyway makes builderrors fail, never pass.
func TestTypeErrorsCache(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	dir := t.TempDir()
	for name, text := range map[string]string{
		"s.h": "struct s { int a; };\nint get(struct s *p);\n",
		"a.c": "#include <s.h>\nint get(struct s *p)\n{\n\treturn p->b;\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "a.c")
	// -I makes the file's translation unit, as GCC reads it.
	mp := job{series.Config{Includes: []string{dir}, Analyzers: []*analysis.Analyzer{cparse.Analyzer, missingproto.Analyzer}}, file}
	be := job{series.Config{Includes: []string{dir}, Analyzers: []*analysis.Analyzer{cparse.Analyzer, builderrors.Analyzer}}, file}
	want := file + ":4:17: error: 'struct s' has no member named 'b'"
	for _, j := range []job{mp, be, mp, be} {
		got := checkText(j)
		isBE := j.cfg.Analyzers[1] == builderrors.Analyzer
		if isBE && !strings.Contains(got, want) || !isBE && got != "" {
			t.Fatalf("%s: got %q, want %q", j.cfg.Analyzers[1].Name, got, map[bool]string{true: want}[isBE])
		}
	}
	// The guard: type errors skipped by the front end's options.
	s := driver.NewSession(driver.Unit{Files: []string{file}, Read: os.ReadFile},
		driver.Options{Front: cparse.Options{IncludeDirs: []string{dir}, SkipTypeErrors: true}})
	if _, err := s.Run([]*analysis.Analyzer{builderrors.Analyzer}); err == nil || !strings.Contains(err.Error(), "without its type errors") {
		t.Fatalf("builderrors over a unit without type errors: got error %v, want one saying so", err)
	}
}
