package series_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/driver"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/series"
)

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
	type job struct {
		cfg   series.Config
		input string
	}
	jobs := []job{
		{series.Config{Tree: tree, Defines: []string{"EXPORT_IT"}, Analyzers: analyzers, Styles: styles}, patch},
		{series.Config{Tree: tree, Analyzers: analyzers, Styles: styles}, patch},
		{series.Config{Tree: "../../testdata/demo/tree", Analyzers: analyzers, Styles: styles}, "../../testdata/demo/series"},
		{series.Config{Tree: "../../testdata/demo/tree", Defines: []string{"EXPORT_IT"}, Analyzers: analyzers, Styles: styles}, "../../testdata/demo/series.mbox"},
	}
	check := func(j job) string {
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
	alone := make([]string, len(jobs))
	for i, j := range jobs {
		alone[i] = check(j)
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
	const rounds = 3
	got := make([]string, len(jobs)*rounds)
	var wg sync.WaitGroup
	for r := range rounds {
		for i, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[r*len(jobs)+i] = check(j)
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
