package trampgen

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// TestGenerate checks the runs kept for the real file over the covering
// set against a fresh run of each configuration, made after all of them
// (so a kept result that a later run overwrote shows): the same sizes,
// return value, code, the same C line behind every code byte, the frame
// and the im addresses, and the configuration resolved as the program's
// model resolves it.
func TestGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run, where TestAnalyzer covers the same concurrent path)")
	}
	f := jittest.Parse(t)
	cov := tramp.Covering()
	rs, err := Generate(f, nil, cov, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rs.CompileErr != nil || rs.Prog == nil || len(rs.Runs) != len(cov) || len(rs.Configs) != len(cov) {
		t.Fatalf("got compile error %v, %d runs, %d configurations; want none, %d, %d", rs.CompileErr, len(rs.Runs), len(rs.Configs), len(cov), len(cov))
	}
	m := rs.Prog.NewMachine(interp.Limits{})
	generated := 0
	for i, c := range cov {
		r := rs.Runs[i]
		tc := m.Env().ResolveTramp(c)
		if !reflect.DeepEqual(r.Config, tc) {
			t.Errorf("configuration %d: got resolved %+v, want %+v", i, r.Config, tc)
		}
		ic, err := m.Env().FromTramp(tc)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := m.Run(&ic)
		if fmt.Sprint(werr) != fmt.Sprint(r.Err) || (want == nil) != (r.Res == nil) {
			t.Errorf("configuration %d: got error %v, want %v", i, r.Err, werr)
			continue
		}
		if want == nil {
			continue
		}
		got := r.Res
		if got.Size != want.Size || got.Ret != want.Ret || !bytes.Equal(got.Code, want.Code) ||
			got.IPAfterCall != want.IPAfterCall || got.IPEpilogue != want.IPEpilogue ||
			!reflect.DeepEqual(got.Frame, want.Frame) || got.Len() != want.Len() {
			t.Errorf("configuration %d: kept run differs from a fresh one: size %d/%d ret %d/%d code %d/%d bytes", i, got.Size, want.Size, got.Ret, want.Ret, len(got.Code), len(want.Code))
			continue
		}
		for k := range got.Len() {
			if g, w := got.Site(k), want.Site(k); (g == nil) != (w == nil) || g != nil && g.Line != w.Line {
				t.Errorf("configuration %d: byte %d: got site %v, want %v", i, k, g, w)
				break
			}
		}
		if want.Ret > 0 {
			generated++
		}
	}
	if generated < len(cov)/2 {
		t.Errorf("got %d configurations with code, want most of %d", generated, len(cov))
	}
}

// analyze runs the Analyzer over one C file held in memory.
func analyze(t *testing.T, name string, src []byte) *Result {
	t.Helper()
	fset := token.NewFileSet()
	read := func(p string) ([]byte, error) {
		if p == name {
			return src, nil
		}
		return nil, fs.ErrNotExist
	}
	parsed, err := cparse.ParseFiles(fset, []string{name}, read, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var diags []analysis.Diagnostic
	pass := &analysis.Pass{
		Analyzer:   Analyzer,
		Fset:       fset,
		OtherFiles: []string{name},
		Pkg:        types.NewPackage("trampgen/test", "test"),
		ResultOf:   map[*analysis.Analyzer]any{cparse.Analyzer: parsed},
		ReadFile:   read,
		Report:     func(d analysis.Diagnostic) { diags = append(diags, d) },
	}
	res, err := Analyzer.Run(pass)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 0 {
		t.Errorf("%s: got %d diagnostics, want none (a result-only analyzer)", name, len(diags))
	}
	r, ok := res.(*Result)
	if !ok || reflect.TypeOf(res) != Analyzer.ResultType {
		t.Fatalf("%s: got result %T, want %v", name, res, Analyzer.ResultType)
	}
	return r
}

// TestAnalyzer: the real file gives one Runs over the covering set; a
// file whose generator names an identifier defined nowhere gives one with
// the compile error at that line and no runs; a C file that is not the
// JIT gives none.
func TestAnalyzer(t *testing.T) {
	if err := analysis.Validate([]*analysis.Analyzer{Analyzer}); err != nil {
		t.Fatal(err)
	}
	src := ktree.JIT(t)
	r := analyze(t, ktree.JITFile, src)
	if len(r.Files) != 1 || r.Files[0].CompileErr != nil || len(r.Files[0].Runs) != len(tramp.Covering()) {
		t.Fatalf("real file: got %+v, want one file with %d runs", r.Files, len(tramp.Covering()))
	}

	const line = "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,"
	i := bytes.Index(src, []byte(line))
	if i < 0 {
		t.Fatalf("no line contains %q", line)
	}
	bad := bytes.Clone(src)
	copy(bad[i+len(line)-len("REG_8, REG_15,"):], "REG_9")
	r = analyze(t, ktree.JITFile, bad)
	wantLine := bytes.Count(src[:i], []byte("\n")) + 1
	if len(r.Files) != 1 {
		t.Fatalf("undefined register: got %d files, want 1", len(r.Files))
	}
	switch ce := r.Files[0].CompileErr; {
	case ce == nil || ce.Line != wantLine || !strings.Contains(ce.Msg, "REG_9"):
		t.Errorf("undefined register: got compile error %v, want one naming REG_9 at line %d", r.Files[0].CompileErr, wantLine)
	case len(r.Files[0].Runs) != 0 || r.Files[0].Prog != nil:
		t.Errorf("undefined register: got %d runs, want none", len(r.Files[0].Runs))
	}

	r = analyze(t, "notjit.c", []byte("int f(void) { return 0; }\n"))
	if len(r.Files) != 0 {
		t.Errorf("not the JIT: got %d files, want none", len(r.Files))
	}
}
