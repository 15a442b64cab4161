package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// btfPatch returns a patch that drops static from btf_type_needs_resolve in
// the tree's kernel/bpf/btf.c, the expected GCC line for it, and the
// patch's subject.
func btfPatch(t *testing.T, tree string) (patch, want, subject string) {
	t.Helper()
	const file = "kernel/bpf/btf.c"
	const from = "static bool btf_type_needs_resolve("
	b, err := os.ReadFile(filepath.Join(tree, file))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	i := strings.Index(src, from)
	if i < 0 {
		t.Fatalf("%s lacks %q", file, from)
	}
	line := strings.Count(src[:i], "\n") + 1
	patched := src[:i] + strings.TrimPrefix(from, "static ") + src[i+len(from):]
	subject = "[PATCH 1/2] bpf: make btf_type_needs_resolve global"
	patch = "From: A Developer <dev@example.org>\nSubject: " + subject + "\n\n---\n" + unifiedDiff(t, file, src, patched)
	// GCC's place: the name after "bool " on the definition's line.
	want = fmt.Sprintf("%s:%d:6: warning: no previous prototype for 'btf_type_needs_resolve' [-Wmissing-prototypes]", file, line)
	return patch, want, subject
}

// seedPatch returns the seed patch (static dropped from
// __arch_prepare_bpf_trampoline), its expected GCC line and its subject.
func seedPatch(t testing.TB, tree string) (patch, want, subject string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(tree, ktree.JITFile))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	const from = "static int __arch_prepare_bpf_trampoline("
	i := strings.Index(src, from)
	if i < 0 {
		t.Fatal("real file lacks the static trampoline builder")
	}
	line := strings.Count(src[:i], "\n") + 1
	patched := src[:i] + strings.TrimPrefix(from, "static ") + src[i+len(from):]
	subject = "[PATCH 2/2] s390/bpf: make the trampoline builder global"
	patch = "From: A Developer <dev@example.org>\nSubject: " + subject + "\n\n---\n" + unifiedDiff(t, ktree.JITFile, src, patched)
	want = fmt.Sprintf("%s:%d:5: warning: no previous prototype for '__arch_prepare_bpf_trampoline' [-Wmissing-prototypes]", ktree.JITFile, line)
	return patch, want, subject
}

// TestBTFPatch is the real-translation-unit issue's acceptance case: a
// patch to kernel/bpf/btf.c (which the hermetic front end could not read)
// gives GCC's line, marked new, exit 1.
func TestBTFPatch(t *testing.T) {
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	patch, want, _ := btfPatch(t, tree)
	out, errs, code := runCLI(t, patch, "check", "--tree", tree, "--checks=missingproto", "-")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1; stderr %s\n%s", code, errs, out)
	}
	news, olds := findingLines(out)
	if len(news) != 1 || news[0] != want || len(olds) != 0 {
		t.Errorf("new %q, old %q; want only the new %q\n%s", news, olds, want, out)
	}
	// With every check, the same single finding.
	out, errs, code = runCLI(t, patch, "check", "--tree", tree, "-")
	if news, _ := findingLines(out); code != exitFindings || len(news) != 1 || news[0] != want {
		t.Errorf("all checks: exit %d, new %q; want 1 and %q; stderr %s", code, news, want, errs)
	}
}

// TestBTFAndSeedSeries checks a series of the btf.c patch and the seed
// patch: both findings are reported, each attributed to its own patch.
func TestBTFAndSeedSeries(t *testing.T) {
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	p1, want1, subj1 := btfPatch(t, tree)
	p2, want2, subj2 := seedPatch(t, tree)
	dir := t.TempDir()
	for i, p := range []string{p1, p2} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.patch", i+1)), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, code := runCLI(t, "", "check", "--tree", tree, "--format=json", dir)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1; stderr %s\n%s", code, errs, out)
	}
	var doc struct {
		Findings []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Message string `json:"message"`
			New     *bool  `json:"new"`
			Patch   string `json:"patch"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		if f.New == nil || !*f.New {
			continue
		}
		line := fmt.Sprintf("%s:%d:%d: warning: %s [-Wmissing-prototypes]", f.File, f.Line, f.Column, f.Message)
		got[line] = f.Patch
	}
	for _, w := range []struct{ line, subject string }{{want1, subj1}, {want2, subj2}} {
		p, ok := got[w.line]
		switch {
		case !ok:
			t.Errorf("series lacks the new finding %q\n%s", w.line, out)
		case p != w.subject:
			t.Errorf("%q attributed to %q, want %q", w.line, p, w.subject)
		}
	}
}

// TestResultCache runs the btf.c patch twice (the second answered by the
// result cache, with the same output byte for byte), then a series whose
// second patch adds the prototype to a header btf.c includes: the .c file
// of the last state is the same as in the cached run, so only the
// dependency check can tell, and the finding must be gone.
func TestResultCache(t *testing.T) {
	tree := ktree.Prepared(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	patch, want, _ := btfPatch(t, tree)
	out1, _, code1 := runCLI(t, patch, "check", "--tree", tree, "--checks=missingproto", "-")
	out2, _, code2 := runCLI(t, patch, "check", "--tree", tree, "--checks=missingproto", "-")
	if code1 != exitFindings || code2 != exitFindings || out1 != out2 {
		t.Fatalf("cold exit %d, warm exit %d; outputs differ:\n%s\n---\n%s", code1, code2, out1, out2)
	}
	if !strings.Contains(out2, want) {
		t.Fatalf("warm output lacks %q:\n%s", want, out2)
	}
	const header = "include/linux/btf.h"
	h, err := os.ReadFile(filepath.Join(tree, header))
	if err != nil {
		t.Fatal(err)
	}
	hs := string(h)
	end := strings.LastIndex(hs, "#endif")
	if end < 0 {
		t.Fatalf("%s has no #endif", header)
	}
	patched := hs[:end] + "bool btf_type_needs_resolve(const struct btf_type *t);\n" + hs[end:]
	hp := "From: A Developer <dev@example.org>\nSubject: [PATCH 2/2] btf: declare btf_type_needs_resolve\n\n---\n" + unifiedDiff(t, header, hs, patched)
	dir := t.TempDir()
	for i, p := range []string{patch, hp} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.patch", i+1)), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The first state is cached; the second (same btf.c, new header) is
	// not, and must not be answered as if it were.
	out, errs, code := runCLI(t, "", "check", "--tree", tree, "--checks=missingproto", "--format=json", dir)
	if code != exitFindings {
		t.Fatalf("series: exit %d, want 1 (the first patch's finding); stderr %s\n%s", code, errs, out)
	}
	var doc struct {
		Findings []struct {
			Message string `json:"message"`
			New     *bool  `json:"new"`
			Patch   string `json:"patch"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range doc.Findings {
		if strings.Contains(f.Message, "btf_type_needs_resolve") {
			n++
		}
	}
	// Reported once, for patch 1; the state after patch 2 has the
	// prototype (a stale cache entry would report it again there).
	if n != 1 {
		t.Errorf("btf_type_needs_resolve reported %d times, want once (patch 1 only):\n%s", n, out)
	}
}

// TestWideColumnsLikeGCC checks the product's column, through the CLI,
// against host gcc for a name after East Asian wide characters and tabs
// (display columns: 漢字 count two each).
func TestWideColumnsLikeGCC(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	dir := t.TempDir()
	src := "/* 漢字 */ int wide_f(void) { return 0; }\n/* 漢 */\tint wide_g(void) { return 0; }\n"
	path := filepath.Join(dir, "wide.c")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gcc, "-fsyntax-only", "-Wmissing-prototypes", "wide.c")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, _ := cmd.CombinedOutput()
	var want []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "warning:") {
			want = append(want, strings.TrimPrefix(l, "wide.c:"))
		}
	}
	got, errs, code := runCLI(t, "", "check", "--checks=missingproto", path)
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		if i := strings.Index(l, "wide.c:"); i >= 0 && strings.Contains(l, "warning:") {
			lines = append(lines, l[i+len("wide.c:"):])
		}
	}
	if len(want) != 2 || strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n\t%s\nwant (gcc)\n\t%s", strings.Join(lines, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestKeepGoing checks that a file that cannot be parsed at all does not
// hide the others: their findings are printed, the file is named on
// standard error with its place, and the exit status is 2.
func TestKeepGoing(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"good.c":   "int good_global(void) { return 0; }\n",
		"broken.c": "int broken(void) { return 0 }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, code := runCLI(t, "", "check", "--checks=missingproto", filepath.Join(dir, "good.c"), filepath.Join(dir, "broken.c"))
	if code != exitError {
		t.Fatalf("exit %d, want 2; stdout %s stderr %s", code, out, errs)
	}
	if !strings.Contains(out, "no previous prototype for 'good_global'") {
		t.Errorf("the good file's finding is missing:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "broken.c:1:") {
		t.Errorf("stderr: got %q, want one line naming broken.c:1:COL", errs)
	}
	// Alone, the broken file is an error as before (one line, exit 2).
	_, errs, code = runCLI(t, "", "check", filepath.Join(dir, "broken.c"))
	if code != exitError || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "broken.c:1:") {
		t.Errorf("broken file alone: exit %d, stderr %q; want 2 and one line", code, errs)
	}
}

// TestFileModeIncludeDirs checks "trampcheck check -I DIR FILE" (no tree)
// against host gcc with the same -I: the file is read as its translation
// unit, so prototypes declared through a function typedef and a macro in
// the header count, as they do for GCC.
func TestFileModeIncludeDirs(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	if err := os.MkdirAll(inc, 0o755); err != nil {
		t.Fatal(err)
	}
	header := "typedef int handler_fn(void *);\nhandler_fn api_handler;\n#define DECLARE_HOOK(name) int name(int)\nDECLARE_HOOK(api_hook);\n"
	src := "#include <hooks.h>\nint api_handler(void *p) { return p != 0; }\nint api_hook(int x) { return x; }\nint other(void) { return 1; }\n"
	if err := os.WriteFile(filepath.Join(inc, "hooks.h"), []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "main.c")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gcc, "-fsyntax-only", "-Wmissing-prototypes", "-I", "inc", "main.c")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var want []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "warning:") {
			want = append(want, strings.TrimPrefix(l, "main.c:"))
		}
	}
	got, errs, code := runCLI(t, "", "check", "--checks=missingproto", "-I", inc, path)
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s\n%s", code, errs, got)
	}
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		if i := strings.Index(l, "main.c:"); i >= 0 && strings.Contains(l, "warning:") {
			lines = append(lines, l[i+len("main.c:"):])
		}
	}
	if len(want) != 1 || strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n\t%s\nwant (gcc)\n\t%s", strings.Join(lines, "\n\t"), strings.Join(want, "\n\t"))
	}
}
