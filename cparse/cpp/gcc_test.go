package cpp

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// hostGCC returns the host gcc, skipping the test without one.
func hostGCC(tb testing.TB) string {
	tb.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("gcc required: %v", err)
		}
		tb.Skip("no host gcc")
	}
	return gcc
}

// gccCommand runs gcc in dir with LANG=C and returns stdout and stderr.
func gccCommand(dir, gcc string, args ...string) (string, string, error) {
	cmd := exec.Command(gcc, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// outputTokens re-tokenizes gcc -E output, dropping the lines that are
// directives (line markers, #pragma, #ident).
func outputTokens(tb testing.TB, text string) []string {
	tb.Helper()
	ftoks, spliced, lerr := lexFile("<gcc>", text)
	if lerr != nil {
		tb.Fatalf("lexing gcc output: %v", lerr)
	}
	cf := &cachedFile{src: text, spliced: spliced, toks: ftoks}
	toks := make([]ptok, len(ftoks))
	for i := range toks {
		toks[i] = cf.tok(i)
	}
	var out []string
	skip := false
	for i := range toks {
		t := &toks[i]
		if toks[i].f&flagBOL != 0 {
			skip = t.Kind == Punct && t.Text == "#"
		}
		if !skip {
			out = append(out, t.Text)
		}
	}
	return out
}

// dirConfig returns a Config reading files under dir.
func dirConfig(dir string) *Config {
	return &Config{Read: func(p string) ([]byte, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return os.ReadFile(p)
	}}
}

// applyFlags fills cfg from gcc-style flags (-I, -iquote, -isystem, -D,
// -U, -include), the same flags given to gcc.
func applyFlags(cfg *Config, flags []string) {
	for i := 0; i < len(flags); i++ {
		f := flags[i]
		arg := func(prefix string) (string, bool) {
			if f == prefix && i+1 < len(flags) {
				i++
				return flags[i], true
			}
			if strings.HasPrefix(f, prefix) && f != prefix && prefix != "-include" {
				return f[len(prefix):], true
			}
			return "", false
		}
		if v, ok := arg("-iquote"); ok {
			cfg.QuoteDirs = append(cfg.QuoteDirs, v)
		} else if v, ok := arg("-isystem"); ok {
			cfg.SystemDirs = append(cfg.SystemDirs, v)
		} else if v, ok := arg("-include"); ok {
			cfg.ForcedIncludes = append(cfg.ForcedIncludes, v)
		} else if v, ok := arg("-I"); ok {
			cfg.IncludeDirs = append(cfg.IncludeDirs, v)
		} else if v, ok := arg("-D"); ok {
			cfg.Defines = append(cfg.Defines, v)
		} else if v, ok := arg("-U"); ok {
			cfg.Undefs = append(cfg.Undefs, v)
		}
	}
}

// predefined returns gcc's predefined macros for the flags.
func predefined(tb testing.TB, gcc, dir string, flags []string) string {
	tb.Helper()
	args := append(append([]string{}, flags...), "-dM", "-E", "-x", "c", os.DevNull)
	out, errs, err := gccCommand(dir, gcc, args...)
	if err != nil {
		tb.Fatalf("%s -dM -E: %v\n%s", gcc, err, errs)
	}
	return out
}

// machineFlags keeps the flags that change predefined macros.
func machineFlags(flags []string) []string {
	var out []string
	for _, f := range flags {
		if strings.HasPrefix(f, "-std=") || strings.HasPrefix(f, "-m") || strings.HasPrefix(f, "-f") || strings.HasPrefix(f, "-O") {
			out = append(out, f)
		}
	}
	return out
}

// TestAgainstGCC preprocesses each testdata/gcc/*.txtar fixture (main.c
// plus headers; the archive comment holds gcc flags) and compares the token
// texts with host gcc -E, or the first error with gcc's first error.
func TestAgainstGCC(t *testing.T) {
	gcc := hostGCC(t)
	files, err := filepath.Glob("testdata/gcc/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			compareFixture(t, gcc, file)
		})
	}
}

func compareFixture(t *testing.T, gcc, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var flags []string
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if strings.HasPrefix(line, "flags:") {
			flags = strings.Fields(strings.TrimPrefix(line, "flags:"))
		}
	}
	args := append(append([]string{"-E", "-std=gnu11"}, flags...), "main.c")
	out, errs, gerr := gccCommand(dir, gcc, args...)
	cfg := dirConfig(dir)
	applyFlags(cfg, flags)
	cfg.Predefined = predefined(t, gcc, dir, append([]string{"-std=gnu11"}, machineFlags(flags)...))
	u, perr := Preprocess(cfg, "main.c")
	if gerr != nil {
		want := firstError(errs)
		if perr == nil {
			t.Fatalf("got no error, want %q", want)
		}
		if got := perr.Error(); got != want {
			t.Errorf("got error %q, want %q", got, want)
		}
		return
	}
	if perr != nil {
		t.Fatalf("got error %v, want none (gcc: %s)", perr, out)
	}
	want := outputTokens(t, out)
	got := make([]string, len(u.Tokens))
	for i, tok := range u.Tokens {
		got[i] = tok.Text
	}
	if d := firstDiff(got, want); d >= 0 {
		t.Errorf("token %d: got %q, want %q\ngot:  %s\nwant: %s", d, at(got, d), at(want, d), window(got, d), window(want, d))
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<end>"
}

func window(s []string, i int) string {
	lo, hi := i-10, i+10
	if lo < 0 {
		lo = 0
	}
	if hi > len(s) {
		hi = len(s)
	}
	if lo > hi {
		lo = hi
	}
	return strings.Join(s[lo:hi], " ")
}

// firstDiff returns the index of the first difference, -1 if equal.
func firstDiff(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// firstError returns gcc's first error line.
func firstError(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ": error: ") || strings.Contains(line, ": fatal error: ") {
			return line
		}
	}
	return stderr
}

func TestMissingFileIsNotExist(t *testing.T) {
	_, err := Preprocess(&Config{Read: func(string) ([]byte, error) { return nil, fs.ErrNotExist }}, "nope.c")
	var e *Error
	if !errors.As(err, &e) || !e.Fatal {
		t.Fatalf("got %v, want a fatal *Error", err)
	}
}
