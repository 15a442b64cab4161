package emitcheck_test

import (
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/checks/internal/emitcheck"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// run runs analyzers over front (the front end's result, given) and
// returns the messages each reports, by analyzer name.
func run(t *testing.T, fset *token.FileSet, front *cparse.Result, analyzers ...*analysis.Analyzer) map[string][]string {
	t.Helper()
	results := map[*analysis.Analyzer]any{cparse.Analyzer: front}
	out := map[string][]string{}
	var do func(a *analysis.Analyzer) any
	do = func(a *analysis.Analyzer) any {
		if r, ok := results[a]; ok {
			return r
		}
		resultOf := map[*analysis.Analyzer]any{}
		for _, req := range a.Requires {
			resultOf[req] = do(req)
		}
		pass := &analysis.Pass{
			Analyzer: a, Fset: fset, Pkg: types.NewPackage("c", "c"), TypesInfo: &types.Info{},
			ResultOf: resultOf,
			Report: func(d analysis.Diagnostic) {
				out[a.Name] = append(out[a.Name], fmt.Sprintf("%s: %s", fset.Position(d.Pos), d.Message))
			},
		}
		r, err := a.Run(pass)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		results[a] = r
		return r
	}
	for _, a := range analyzers {
		out[a.Name] = nil
		do(a)
	}
	return out
}

// TestModelFromTree: with --tree the encoding checks evaluate with the
// constants of the tree's environment model, the one trampxcheck uses (the
// same cached model): an unchanged tree gives the hermetic results; a
// header patch that gives BPF_REG_1 the number of BPF_REG_0 (so that
// reg2hex's entries for them collide) changes the verdict of asmcomment as
// it changes trampxcheck's; a header the model cannot read is an error of
// the check naming the header and line.
func TestModelFromTree(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real kernel tree and runs trampxcheck")
	}
	dir := ktree.Dir(t)
	src := ktree.JIT(t)
	fset := token.NewFileSet()
	res, err := cparse.ParseFiles(fset, []string{ktree.JITFile}, func(string) ([]byte, error) { return src, nil }, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) }
	patch := func(file, old, new string) func(string) ([]byte, error) {
		return func(name string) ([]byte, error) {
			b, err := read(name)
			if name == file && err == nil {
				if !strings.Contains(string(b), old) {
					t.Fatalf("%s: no %q", file, old)
				}
				b = []byte(strings.Replace(string(b), old, new, 1))
			}
			return b, err
		}
	}
	checks := []*analysis.Analyzer{asmcomment.Analyzer, emitmacro.Analyzer, fieldoverflow.Analyzer, trampxcheck.Analyzer}
	hermetic := run(t, fset, &cparse.Result{Files: res.Files}, checks...)
	same := run(t, fset, &cparse.Result{Files: res.Files, Tree: read}, checks...)
	for _, a := range checks {
		if g, w := strings.Join(same[a.Name], "\n"), strings.Join(hermetic[a.Name], "\n"); g != w {
			t.Errorf("%s with the unchanged tree:\n%s\nwant the hermetic results\n%s", a.Name, g, w)
		}
	}

	renumbered := patch("include/uapi/linux/bpf.h", "\tBPF_REG_1,\n", "\tBPF_REG_1 = BPF_REG_0,\n")
	got := run(t, fset, &cparse.Result{Files: res.Files, Tree: renumbered}, checks...)
	for _, name := range []string{"asmcomment", "trampxcheck"} {
		if len(got[name]) <= len(hermetic[name]) {
			t.Errorf("%s with BPF_REG_1 = BPF_REG_0: got %d findings, want more than the %d of the unchanged tree", name, len(got[name]), len(hermetic[name]))
		}
	}
	// One model: the encoding checks' is the one trampgen reads.
	er, err := emit.Analyzer.Run(&analysis.Pass{ResultOf: map[*analysis.Analyzer]any{cparse.Analyzer: res}})
	if err != nil {
		t.Fatal(err)
	}
	pass := &analysis.Pass{ResultOf: map[*analysis.Analyzer]any{cparse.Analyzer: &cparse.Result{Files: res.Files, Tree: renumbered}}}
	model, err := emitcheck.Model(pass, er.(*emit.Result))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := trampgen.TreeEnv(renumbered)
	if err != nil {
		t.Fatal(err)
	}
	if model == nil || model != tm {
		t.Fatalf("the encoding checks' model is %p, trampgen's %p: want one", model, tm)
	}
	if v, _ := model.Const("BPF_REG_1"); v != 0 {
		t.Errorf("BPF_REG_1: got %d in the patched tree's model, want 0", v)
	}

	const bad = "#define MAX_TAIL_CALL_CNT 33"
	broken := patch("include/linux/bpf.h", bad, "#define MAX_TAIL_CALL_CNT (33 + MISSING_NAME)")
	b, err := read("include/linux/bpf.h")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Count(string(b[:strings.Index(string(b), bad)]), "\n") + 1
	want := fmt.Sprintf("asmcomment: environment model: include/linux/bpf.h:%d: MAX_TAIL_CALL_CNT: undefined: MISSING_NAME", line)
	pass = &analysis.Pass{Analyzer: asmcomment.Analyzer, Fset: fset, Report: func(analysis.Diagnostic) {}, ResultOf: map[*analysis.Analyzer]any{
		cparse.Analyzer: &cparse.Result{Files: res.Files, Tree: broken}, emit.Analyzer: er,
	}}
	if _, err := asmcomment.Analyzer.Run(pass); err == nil || err.Error() != want {
		t.Errorf("with an undefined name in MAX_TAIL_CALL_CNT: got error %v, want %s", err, want)
	}
}
