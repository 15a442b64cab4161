package kbuild

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// predefinedFlags are the flags gen_predefined.sh gives the compiler: the
// global compile flags without those that define no macro of the
// compiler's own.
func predefinedFlags() []string {
	var out []string
	for _, f := range strings.Fields(data().vars["KBUILD_CPPFLAGS"] + " " + data().vars["KBUILD_CFLAGS"]) {
		if regexp.MustCompile(`^(-W|-D|-U|-I|-g|-pipe$|-nostdinc$|-include$)`).MatchString(f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func compilerMacros(t *testing.T, flags []string) []string {
	t.Helper()
	cmd := exec.Command(Compiler, append(append([]string{}, flags...), "-dM", "-E", "-x", "c", os.DevNull)...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -dM -E: %v", Compiler, err)
	}
	l := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(l)
	return l
}

// TestPredefinedMatchesCompiler compares the embedded predefined macros
// with the installed cross compiler's under the same flags.
func TestPredefinedMatchesCompiler(t *testing.T) {
	needTool(t, Compiler)
	ver, err := exec.Command(Compiler, "-dumpversion").Output()
	if err != nil {
		t.Fatalf("%s -dumpversion: %v", Compiler, err)
	}
	if v := strings.TrimSpace(string(ver)); !strings.HasPrefix(v, "12.") && v != "12" {
		t.Skipf("installed %s is version %s, the embedded macros are version 12's: regenerate with go generate ./cparse/kbuild if trampcheck should follow it", Compiler, v)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(predefined), "\n") {
		if strings.HasPrefix(l, "#define ") {
			want = append(want, l)
		}
	}
	sort.Strings(want)
	got := compilerMacros(t, predefinedFlags())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s -dM -E %s differs from predefined_gcc12_s390x.h (regenerate with go generate ./cparse/kbuild): %s",
			Compiler, strings.Join(predefinedFlags(), " "), listDiff(got, want))
	}
	// The other way: the comparison sees the kernel's flags. Without them
	// (plain s390x-linux-gnu-gcc) the macros differ.
	if plain := compilerMacros(t, nil); strings.Join(plain, "\n") == strings.Join(want, "\n") {
		t.Errorf("%s -dM -E without the kernel's flags gives the embedded macros, want a difference (__OPTIMIZE__, __WCHAR_TYPE__, ...)", Compiler)
	}
}

func listDiff(got, want []string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, l := range got {
		g[l] = true
	}
	for _, l := range want {
		w[l] = true
	}
	var b strings.Builder
	for _, l := range got {
		if !w[l] {
			fmt.Fprintf(&b, "\n+ %s", l)
		}
	}
	for _, l := range want {
		if !g[l] {
			fmt.Fprintf(&b, "\n- %s", l)
		}
	}
	return b.String()
}

// runGCC runs argv from the tree root with stdin, in the C locale.
func runGCC(t *testing.T, tree string, argv []string, stdin []byte) (stderr string, err error) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var e bytes.Buffer
	cmd.Stderr = &e
	err = cmd.Run()
	return e.String(), err
}

// staticDef finds a static, not inline function whose first mention is its
// definition, and returns its name and line (1-based).
func staticDef(src []byte) (name string, line int) {
	re := regexp.MustCompile(`^static ((?:[a-z0-9_]+ )+)\**([a-z0-9_]+)\(`)
	off := 0
	for i, l := range strings.Split(string(src), "\n") {
		m := re.FindStringSubmatchIndex(l)
		if m != nil && !strings.Contains(l[m[2]:m[3]], "inline") && !strings.HasSuffix(strings.TrimSpace(l), ";") {
			n := l[m[4]:m[5]]
			if bytes.Index(src, []byte(n+"(")) == off+m[4] {
				return n, i + 1
			}
		}
		off += len(l) + 1
	}
	return "", 0
}

// TestGCCArgs runs the real W=1 command GCCArgs gives on the prepared tree
// (it must compile without a diagnostic), and the standard-input variant on
// the JIT with and without a static dropped from a function (it must warn
// exactly then, naming the file as the kernel build does).
func TestGCCArgs(t *testing.T) {
	tree := preparedDir(t)
	needTool(t, Compiler)
	for _, rel := range []string{"arch/s390/net/bpf_jit_comp.c", "kernel/bpf/tnum.c"} {
		argv, err := GCCArgs(tree, rel)
		if err != nil {
			t.Fatal(err)
		}
		if stderr, err := runGCC(t, tree, argv, nil); err != nil || stderr != "" {
			t.Errorf("%s: got exit %v and diagnostics %q, want success and none", strings.Join(argv, " "), err, stderr)
		}
	}
	rel := "arch/s390/net/bpf_jit_comp.c"
	src, err := os.ReadFile(tree + "/" + rel)
	if err != nil {
		t.Fatal(err)
	}
	name, line := staticDef(src)
	if name == "" {
		t.Fatalf("%s: no static function defined before any other mention", rel)
	}
	t.Logf("dropping static from %s at %s:%d", name, rel, line)
	lines := strings.Split(string(src), "\n")
	lines[line-1] = strings.TrimPrefix(lines[line-1], "static ")
	changed := []byte(strings.Join(lines, "\n"))
	argv, err := GCCStdinArgs(tree, rel)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  []byte
		want string
	}{
		{"unchanged", src, ""},
		{"static dropped", changed, fmt.Sprintf("%s:%d:", rel, line) + ".*" + regexp.QuoteMeta(fmt.Sprintf(": warning: no previous prototype for '%s' [-Wmissing-prototypes]", name))},
	} {
		in := append([]byte(StdinLineMarker(rel)), tc.src...)
		stderr, err := runGCC(t, tree, argv, in)
		if err != nil {
			t.Errorf("%s: %v: %s", tc.name, err, stderr)
			continue
		}
		if tc.want == "" {
			if stderr != "" {
				t.Errorf("%s: got diagnostics %q, want none", tc.name, stderr)
			}
			continue
		}
		if !regexp.MustCompile(tc.want).MatchString(stderr) {
			t.Errorf("%s (%s at line %d): got %q, want a line matching %q", tc.name, name, line, stderr, tc.want)
		}
	}
}
