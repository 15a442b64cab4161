package interp

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// compileFixture parses a fixture hermetically and compiles names.
func compileFixture(t *testing.T, path string, names []string) *Program {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile(parseSrc(t, filepath.Base(path), src), nil, names)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSemanticsAgainstGCC runs every tN of the fixture in the interpreter
// and compiled by the host gcc, and compares the results.
func TestSemanticsAgainstGCC(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	path := filepath.Join("..", "..", "testdata", "interp", "semantics.c")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^long (t\d+)\(void\)`).FindAllStringSubmatch(string(src), -1) {
		names = append(names, m[1])
	}
	if len(names) < 25 {
		t.Fatalf("got %d test functions, want at least 25", len(names))
	}
	// The host compiler gets what the hermetic parse gets: cparse's stub
	// header (and stdio for printf).
	var main strings.Builder
	main.WriteString("#include <stdio.h>\n")
	main.WriteString(cparse.StubHeader())
	main.Write(src)
	main.WriteString("\nint main(void)\n{\n")
	for _, n := range names {
		fmt.Fprintf(&main, "\tprintf(\"%%s %%ld\\n\", %q, %s());\n", n, n)
	}
	main.WriteString("\treturn 0;\n}\n")
	dir := t.TempDir()
	cfile, exe := filepath.Join(dir, "sem.c"), filepath.Join(dir, "sem")
	if err := os.WriteFile(cfile, []byte(main.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-std=gnu11", "-O0", "-w", "-o", exe, cfile).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(l, " ")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("gcc output %q", l)
		}
		want[k] = n
	}
	p := compileFixture(t, path, names)
	m := p.NewMachine(Limits{})
	for _, n := range names {
		got, err := m.callFunc(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if int64(got) != want[n] {
			t.Errorf("%s: got %d, want %d (gcc)", n, int64(got), want[n])
		}
	}
}
