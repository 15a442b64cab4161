package main

import (
	"go/token"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/builderrors"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/driver"
)

// TestBuilderrorsOptIn: builderrors is not in the default set but known
// to --checks, and its findings print as GCC's errors: severity "error",
// GCC's option (when it prints one) in brackets instead of the check's.
func TestBuilderrorsOptIn(t *testing.T) {
	if slices.Contains(allAnalyzers(), builderrors.Analyzer) {
		t.Errorf("default checks include builderrors, want it opt-in")
	}
	if !slices.Contains(checkNames(), "builderrors") {
		t.Errorf("check names %v lack builderrors", checkNames())
	}
	fset := token.NewFileSet()
	tf := fset.AddFile("a.c", -1, 100)
	tf.SetLinesForContent([]byte("int f(void)\n{\n\treturn g();\n}\n"))
	for _, tc := range []struct{ msg, text, flag string }{
		{"implicit declaration of function 'g' [-Werror=implicit-function-declaration]", "implicit declaration of function 'g'", "-Werror=implicit-function-declaration"},
		{"too few arguments to function 'g'", "too few arguments to function 'g'", ""},
		{`macro "M" requires 2 arguments, but only 1 given`, `macro "M" requires 2 arguments, but only 1 given`, ""},
	} {
		opt := driver.Options{Styles: checkStyles}
		f, err := opt.Finding(fset, nil, "builderrors", analysis.Diagnostic{Pos: tf.Pos(21), Message: tc.msg})
		if err != nil {
			t.Fatal(err)
		}
		if f.Severity != "error" || f.Message != tc.text || f.Flag != tc.flag || f.Line != 3 {
			t.Errorf("%q: got %s line %d %q [%s], want error line 3 %q [%s]", tc.msg, f.Severity, f.Line, f.Message, f.Flag, tc.text, tc.flag)
		}
	}
}

// BenchmarkBuilderrorsSeed measures what builderrors adds to "trampcheck
// check --tree" for the seed patch (static removed from
// __arch_prepare_bpf_trampoline) on the prepared tree, warm (the
// translation units cached, as on the second run): the default checks,
// then the same with builderrors. The type resolver and the undeclared
// identifiers run while a unit is read (cold), inside tu.Scan; see
// BenchmarkScanJIT in cparse/tu for that part.
func BenchmarkBuilderrorsSeed(b *testing.B) {
	tree := ktree.Prepared(b)
	seed, _, _ := seedPatch(b, tree)
	var names []string
	for _, a := range allAnalyzers() {
		names = append(names, a.Name)
	}
	b.Setenv("TRAMPCHECK_CACHE", b.TempDir())
	for _, c := range []struct{ name, checks string }{
		{"default", strings.Join(names, ",")},
		{"default+builderrors", strings.Join(names, ",") + ",builderrors"},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := &env{Stdin: strings.NewReader(seed), Stdout: io.Discard, Stderr: io.Discard}
			if code := run(e, []string{"check", "--tree", tree, "--checks=" + c.checks, "-"}); code != exitFindings {
				b.Fatalf("exit %d", code)
			}
			benchCheck(b, tree, seed, exitFindings, "--checks="+c.checks)
		})
	}
}
