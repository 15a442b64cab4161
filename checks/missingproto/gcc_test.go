package missingproto_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/missingproto"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/treefs"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// hostGCC returns the host gcc, skipping the test without one (failing
// when the CI requires the oracles).
func hostGCC(t *testing.T) string {
	t.Helper()
	return testtool.Path(t, "gcc", "gcc")
}

// gccLine matches a -Wmissing-prototypes warning of GCC.
var gccLine = regexp.MustCompile(`^(.*?):(\d+):(\d+): warning: (.*) \[-Wmissing-prototypes\]$`)

// runGCC returns GCC's -Wmissing-prototypes warnings for file (relative to
// dir) as "LINE:COL: MESSAGE" lines. Any error fails the test: the
// fixtures must be valid C.
func runGCC(t *testing.T, gcc, dir, file string, incs []string) []string {
	t.Helper()
	args := []string{"-fsyntax-only", "-std=gnu11", "-Wmissing-prototypes"}
	for _, i := range incs {
		args = append(args, "-I", i)
	}
	cmd := exec.Command(gcc, append(args, file)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gcc %s: %v\n%s", file, err, out)
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if m := gccLine.FindStringSubmatch(l); m != nil {
			got = append(got, fmt.Sprintf("%s:%s: %s", m[2], m[3], m[4]))
		}
	}
	return got
}

// ours returns the analyzer's findings as GCC prints them.
func ours(t *testing.T, out *checktest.Outcome) []string {
	t.Helper()
	var got []string
	for _, d := range out.Diagnostics {
		var f *cparse.File
		for _, pf := range out.Parsed.Files {
			if pf.Name == d.File {
				f = pf
			}
		}
		if f == nil {
			t.Fatalf("diagnostic in unknown file %s", d.File)
		}
		col := f.DisplayCol(cparse.Pos{Line: d.Line, Col: d.Col})
		got = append(got, fmt.Sprintf("%d:%d: %s", d.Line, col, d.Message))
	}
	return got
}

// compare fails unless got and want hold the same lines.
func compare(t *testing.T, name string, got, want []string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot (trampcheck)\n\t%s\nwant (gcc)\n\t%s", name,
			strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestGCCFixtures compares every fixture's findings with host GCC's.
func TestGCCFixtures(t *testing.T) {
	gcc := hostGCC(t)
	for _, fx := range checktest.Glob(t, "../../testdata/missingproto/*.c") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			out, err := checktest.Check(t, fx, missingproto.Analyzer)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, fx, ours(t, out), runGCC(t, gcc, filepath.Dir(fx), filepath.Base(fx), nil))
		})
	}
	for _, fx := range checktest.Glob(t, "../../testdata/missingproto/*.txtar") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			ar, err := txtar.ParseFile(fx)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(ar.Comment), "gcc-differs") {
				t.Skip("documented approximation")
			}
			dir := t.TempDir()
			var checked []string
			var patches []*patchset.Patch
			write := func(name string, data []byte) {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".patch") {
					ps, err := patchset.Parse(f.Name, f.Data)
					if err != nil {
						t.Fatal(err)
					}
					patches = append(patches, ps...)
					continue
				}
				write(f.Name, f.Data)
				if strings.HasSuffix(f.Name, ".c") {
					checked = append(checked, f.Name)
				}
			}
			// GCC compiles the final state of the series.
			if len(patches) > 0 {
				tree, err := treefs.OpenDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				states, err := patchset.Apply(tree, patches)
				if err != nil {
					t.Fatal(err)
				}
				for name, data := range states[len(states)-1].Files {
					write(name, data)
				}
			}
			out, err := checktest.Check(t, fx, missingproto.Analyzer)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, c := range checked {
				want = append(want, runGCC(t, gcc, dir, c, cparse.KernelIncludeDirs)...)
			}
			compare(t, fx, ours(t, out), want)
		})
	}
}

// TestGCCGenerated compares the findings on generated C files, each
// combining random declaration histories, definition styles and layouts,
// with host GCC's.
func TestGCCGenerated(t *testing.T) {
	gcc := hostGCC(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(12, 2026))
	for i := range 40 {
		name := fmt.Sprintf("gen%02d.c", i)
		src := generate(rng, 25)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := checktest.RunSource(path, []byte(src), cparse.Options{}, missingproto.Analyzer)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, src)
		}
		got, want := ours(t, out), runGCC(t, gcc, dir, name, nil)
		if len(want) == 0 {
			t.Errorf("%s: gcc found nothing; the generator is broken", name)
		}
		compare(t, name+"\n"+src, got, want)
	}
}

// generate writes a C file of n functions f0..fn-1, each with a random
// history of earlier declarations and a random definition, all of type
// int(int) so that GCC accepts every combination.
func generate(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("#define DEFN(name) int name(int x) { return x; }\n")
	b.WriteString("#define DEFP(name) int name##_p(int x) { return x; }\n")
	b.WriteString("#define RET int\n")
	b.WriteString("typedef int fnv_t(int);\ntypedef int fno_t();\n")
	b.WriteString("#define WRAP(name) DEFN(name)\n")
	b.WriteString("#define PFX(name) int pfx_##name(int x) { return x; }\n")
	b.WriteString("#define SFX(name) RET name##_sfx(int x) { return x; }\n")
	b.WriteString("#define STATIC_DEFN(name) static int name(int x) { return x; }\n")
	space := func() string {
		return []string{" ", "\t", "  ", " \t", "\t\t"}[rng.IntN(5)]
	}
	indent := func() string {
		return []string{"", "", "\t", "  ", "\t  "}[rng.IntN(5)]
	}
	users := 0
	for i := range n {
		name := fmt.Sprintf("f%d", i)
		onlyStatic := true // every earlier declaration is static
		// Earlier declarations.
		for range rng.IntN(3) {
			k := rng.IntN(7)
			if k == 2 && !onlyStatic {
				k = 0
			}
			switch k {
			case 0:
				fmt.Fprintf(&b, "%sint%s%s(int);\n", indent(), space(), name)
			case 1:
				fmt.Fprintf(&b, "int %s();\n", name)
			case 2:
				fmt.Fprintf(&b, "static int %s(int);\n", name)
			case 3:
				fmt.Fprintf(&b, "extern int %s();\n", name)
			case 4:
				users++
				fmt.Fprintf(&b, "static void user_%d(void) { int %s(int); (void)%s(1); }\n", users, name, name)
			case 5:
				fmt.Fprintf(&b, "fnv_t %s;\n", name)
			case 6:
				fmt.Fprintf(&b, "fno_t %s;\n", name)
			}
			if k != 2 {
				onlyStatic = false
			}
			if k != 4 && rng.IntN(3) == 0 {
				// A use after a file-scope declaration.
				users++
				fmt.Fprintf(&b, "static void *ref_%d(void) { return (void *)&%s; }\n", users, name)
			}
		}
		// The definition.
		k := rng.IntN(14)
		if (k == 3 || k == 13) && !onlyStatic {
			k = 0
		}
		switch k {
		case 0, 1:
			fmt.Fprintf(&b, "%sint%s%s(int x) { return x + %d; }\n", indent(), space(), name, i)
		case 2:
			fmt.Fprintf(&b, "int %s(x) int x; { return x; }\n", name)
		case 3:
			fmt.Fprintf(&b, "static int %s(int x) { return x; }\n", name)
		case 4:
			fmt.Fprintf(&b, "inline int %s(int x) { return x; }\n", name)
		case 5:
			fmt.Fprintf(&b, "int\n%s%s(a)\n\tint a;\n{\n\treturn a;\n}\n", indent(), name)
		case 6:
			fmt.Fprintf(&b, "%sDEFN(%s%s)\n", indent(), space(), name)
		case 7:
			fmt.Fprintf(&b, "RET%s%s(int x) { return x; }\n", space(), name)
		case 8:
			fmt.Fprintf(&b, "__attribute__((__cold__))%sint %s(int x) { return x; }\n", space(), name)
		case 9:
			fmt.Fprintf(&b, "%sWRAP(%s)\n", indent(), name)
		case 10:
			fmt.Fprintf(&b, "PFX(%s%s)\n", space(), name)
		case 11:
			fmt.Fprintf(&b, "SFX(%s)\n", name)
		case 12:
			fmt.Fprintf(&b, "#define NAME_%d %s\nint%sNAME_%d(int x) { return x; }\n", i, name, space(), i)
		case 13:
			fmt.Fprintf(&b, "STATIC_DEFN(%s)\n", name)
		}
		// A later declaration never helps.
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "int %s(int);\n", name)
		}
	}
	b.WriteString("DEFP(pasted)\nint main(void) { return 0; }\n")
	return b.String()
}

// TestGCCTranslationUnit compares, on the fixtures and on generated files,
// the findings of the real-translation-unit front end (file mode with an
// -I directory: preprocessed by cparse/cpp, declarations read by
// cparse/tu) with host GCC's.
func TestGCCTranslationUnit(t *testing.T) {
	gcc := hostGCC(t)
	tuOpts := func(dir string) cparse.Options { return cparse.Options{IncludeDirs: []string{dir}} }
	fixtures := checktest.Glob(t, "../../testdata/missingproto/*.c")
	fixtures = append(fixtures, checktest.Glob(t, "../../testdata/missingproto/tu/*.c")...)
	for _, fx := range fixtures {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			src, err := os.ReadFile(fx)
			if err != nil {
				t.Fatal(err)
			}
			opts := tuOpts(filepath.Dir(fx))
			opts.IncludeDirs = append(opts.IncludeDirs, filepath.Join(filepath.Dir(fx), "include"))
			out, err := checktest.RunSource(fx, src, opts, missingproto.Analyzer)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range out.Parsed.Files {
				if f.TU == nil {
					t.Fatalf("%s: no translation unit: %v", fx, f.TUErr)
				}
			}
			compare(t, fx, ours(t, out), runGCC(t, gcc, filepath.Dir(fx), filepath.Base(fx), []string{"include"}))
			checkWants(t, fx, src, ours(t, out))
		})
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 2026))
	for i := range 40 {
		name := fmt.Sprintf("tu%02d.c", i)
		src := generate(rng, 25)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := checktest.RunSource(path, []byte(src), tuOpts(dir), missingproto.Analyzer)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, src)
		}
		if f := out.Parsed.Files[0]; f.TU == nil {
			t.Fatalf("%s: no translation unit: %v", name, f.TUErr)
		}
		got, want := ours(t, out), runGCC(t, gcc, dir, name, nil)
		if len(want) == 0 {
			t.Errorf("%s: gcc found nothing; the generator is broken", name)
		}
		compare(t, name+"\n"+src, got, want)
	}
}

// checkWants fails unless each finding got ("LINE:COL: MESSAGE" lines)
// matches one "// want" comment of the fixture on its line and every
// comment is matched: the fixture says what it expects, independently of
// the oracle.
func checkWants(t *testing.T, name string, src []byte, got []string) {
	t.Helper()
	wants, err := checktest.ParseWants(name, src)
	if err != nil {
		t.Fatal(err)
	}
	used := make([]bool, len(wants))
	for _, g := range got {
		line, rest, _ := strings.Cut(g, ":")
		_, msg, _ := strings.Cut(rest, ": ")
		found := false
		for i, w := range wants {
			if !used[i] && fmt.Sprint(w.Line) == line && w.Re.MatchString(msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: unexpected finding %s", name, g)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: no finding matches want %q", name, w.Line, w.Re)
		}
	}
}
