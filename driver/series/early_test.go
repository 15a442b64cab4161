package series

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestEarlyChecksReadNoUnit holds earlyChecks to what driver.Options.Early
// promises: no package that an early check's package depends on (but the
// front end itself, which fills them in) reads File.TU, File.TUErr or
// File.HeaderProtos, which the early result lacks. It fails when such a
// check starts reading them (take it out of earlyChecks then) and when a
// check is added to earlyChecks without its package here.
func TestEarlyChecksReadNoUnit(t *testing.T) {
	const mod = "github.com/trampcheck/trampcheck/"
	pkgs := map[*analysis.Analyzer]string{
		emit.Analyzer:          "cparse/emit",
		asmcomment.Analyzer:    "checks/asmcomment",
		emitmacro.Analyzer:     "checks/emitmacro",
		fieldoverflow.Analyzer: "checks/fieldoverflow",
		trampgen.Analyzer:      "checks/trampgen",
		trampxcheck.Analyzer:   "checks/trampxcheck",
		trampexec.Analyzer:     "checks/trampexec",
	}
	if len(pkgs) != len(earlyChecks) {
		t.Fatalf("earlyChecks has %d checks, this test knows %d: add the new one's package", len(earlyChecks), len(pkgs))
	}
	args := []string{"list", "-deps", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \" \"}}"}
	for a, p := range pkgs {
		if !earlyChecks[a] {
			t.Fatalf("%s is not in earlyChecks", a.Name)
		}
		args = append(args, mod+p)
	}
	out, err := exec.Command(testtool.Path(t, "go", "golang-go"), args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	reads := regexp.MustCompile(`\.(TU|TUErr|HeaderProtos)\b`)
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], mod) || f[0] == mod+"cparse" {
			continue
		}
		for _, name := range f[2:] {
			src, err := os.ReadFile(filepath.Join(f[1], name))
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range strings.Split(string(src), "\n") {
				if code, _, _ := strings.Cut(l, "//"); reads.MatchString(code) {
					t.Errorf("%s/%s:%d reads what only the translation unit gives: %s", f[0], name, i+1, strings.TrimSpace(l))
				}
			}
			checked++
		}
	}
	if checked < len(pkgs) {
		t.Fatalf("only %d files read: go list gave\n%s", checked, out)
	}
}
