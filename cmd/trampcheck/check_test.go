package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// runCLI runs trampcheck in-process and returns stdout, stderr and the exit status.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(&env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return out.String(), errb.String(), code
}

// gccWarnings runs host gcc -fsyntax-only -Wmissing-prototypes on file
// (relative to dir) and returns its first diagnostic lines only.
func gccWarnings(t *testing.T, dir, file string, args ...string) []string {
	t.Helper()
	gcc := testtool.Path(t, "gcc", "gcc")
	cmd := exec.Command(gcc, append(append([]string{"-fsyntax-only", "-Wmissing-prototypes", "-fdiagnostics-color=never"}, args...), file)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, _ := cmd.CombinedOutput()
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, ": warning: ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// findingLines returns the diagnostic lines of text output without markers.
func findingLines(out string) (news, olds []string) {
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, ">> "):
			news = append(news, strings.TrimPrefix(l, ">> "))
		case strings.HasPrefix(l, "   ") && strings.Contains(l, ": warning: "):
			olds = append(olds, strings.TrimPrefix(l, "   "))
		}
	}
	return news, olds
}

// copyTree copies the demo tree into a temporary git repository.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

const demoTree = "../../testdata/demo/tree"

// TestDemoSeries checks the quick-start series in its directory and mbox
// forms: patch 1 introduces exactly the warning host gcc gives on the tree
// after patch 1, marked new and attributed to patch 1.
func TestDemoSeries(t *testing.T) {
	// Oracle: apply patch 1 with git in a copy of the tree and run gcc.
	repo := copyTree(t, demoTree)
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	patch1, err := filepath.Abs("../../testdata/demo/series/0001-s390-bpf-Restore-the-argument-registers-after-the-ca.patch")
	if err != nil {
		t.Fatal(err)
	}
	git("apply", patch1)
	want := gccWarnings(t, repo, "arch/s390/net/bpf_jit_comp.c", "-Iinclude")
	if len(want) != 1 {
		t.Fatalf("gcc oracle gave %d warnings, want 1: %v", len(want), want)
	}
	for _, input := range []string{"../../testdata/demo/series", "../../testdata/demo/series.mbox"} {
		t.Run(filepath.Base(input), func(t *testing.T) {
			out, errs, code := runCLI(t, "", "check", "--tree", demoTree, input)
			if code != exitFindings {
				t.Fatalf("exit %d, want 1; stderr %s", code, errs)
			}
			news, olds := findingLines(out)
			if strings.Join(news, "\n") != strings.Join(want, "\n") || len(olds) != 0 {
				t.Errorf("new findings %q, old %q; want new %q (gcc)\n%s", news, olds, want, out)
			}
			if !strings.Contains(out, `In patch 1/2 "[PATCH 1/2] s390/bpf: Restore the argument registers after the call"`) {
				t.Errorf("finding not attributed to patch 1:\n%s", out)
			}
			jout, _, code := runCLI(t, "", "check", "--tree", demoTree, "--format=json", input)
			if code != exitFindings {
				t.Fatalf("json: exit %d, want 1", code)
			}
			var doc struct {
				Findings []struct {
					File, Message, Patch, Check, Flag string
					Line, Column                      int
					New                               *bool
				}
			}
			if err := json.Unmarshal([]byte(jout), &doc); err != nil {
				t.Fatalf("json: %v\n%s", err, jout)
			}
			if len(doc.Findings) != 1 || doc.Findings[0].New == nil || !*doc.Findings[0].New ||
				doc.Findings[0].Patch != "[PATCH 1/2] s390/bpf: Restore the argument registers after the call" ||
				doc.Findings[0].Flag != "-Wmissing-prototypes" {
				t.Errorf("json findings %+v", doc.Findings)
			}
		})
	}
}

// TestOldFindingInBase makes the base tree already have a missing
// prototype: a series touching that file reports it as old, exit 0.
func TestOldFindingInBase(t *testing.T) {
	tree := copyTree(t, demoTree)
	file := filepath.Join(tree, "arch/s390/net/bpf_jit_comp.c")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "static void call_r1(", "void call_r1(", 1)
	if bad == string(src) {
		t.Fatal("demo file changed: no static call_r1")
	}
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	// A patch that only edits a comment.
	edited := strings.Replace(bad, "quick start.", "quick start (demo).", 1)
	patch := unifiedDiff(t, "arch/s390/net/bpf_jit_comp.c", bad, edited)
	out, errs, code := runCLI(t, patch, "check", "--tree", tree, "-")
	if code != exitClean {
		t.Fatalf("exit %d, want 0 (only old findings); stderr %s\n%s", code, errs, out)
	}
	news, olds := findingLines(out)
	if len(news) != 0 || len(olds) != 1 || !strings.Contains(olds[0], "'call_r1'") {
		t.Errorf("new %q old %q; want one old call_r1\n%s", news, olds, out)
	}
}

// unifiedDiff makes a -p1 unified diff with diff(1).
func unifiedDiff(t testing.TB, name, before, after string) string {
	t.Helper()
	dir := t.TempDir()
	for _, side := range []struct{ dir, text string }{{"a", before}, {"b", after}} {
		p := filepath.Join(dir, side.dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(side.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("diff", "-u", "a/"+name, "b/"+name)
	cmd.Dir = dir
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("diff: %v", err)
	}
	return string(out)
}

// TestRealTrampolineNotStatic is the acceptance case: removing
// static from __arch_prepare_bpf_trampoline gives exactly GCC's warning,
// marked new, in text and JSON.
func TestRealTrampolineNotStatic(t *testing.T) {
	tree := ktree.Dir(t)
	src := string(ktree.JIT(t))
	const from = "static int __arch_prepare_bpf_trampoline("
	if !strings.Contains(src, from) {
		t.Fatal("real file lacks the static trampoline builder")
	}
	patched := strings.Replace(src, from, "int __arch_prepare_bpf_trampoline(", 1)
	patch := "Subject: [PATCH] s390/bpf: make the trampoline builder global\n\n---\n" +
		unifiedDiff(t, ktree.JITFile, src, patched)
	out, errs, code := runCLI(t, patch, "check", "--tree", tree, "-")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1; stderr %s", code, errs)
	}
	// GCC's place: the definition's line (2609 in 6.12.117 and 6.12.118;
	// found from the text, so any 6.12.y), column 5 after "int ".
	line := strings.Count(src[:strings.Index(src, from)], "\n") + 1
	if ktree.JITAsWritten(t) && line != 2609 {
		t.Errorf("definition at line %d, want 2609 (6.12.118)", line)
	}
	lineText, _, _ := strings.Cut(patched[strings.Index(patched, "int __arch_prepare_bpf_trampoline("):], "\n")
	want := fmt.Sprintf("arch/s390/net/bpf_jit_comp.c:%d:5: warning: no previous prototype for '__arch_prepare_bpf_trampoline' [-Wmissing-prototypes]", line)
	news, _ := findingLines(out)
	found := false
	for _, n := range news {
		if n == want {
			found = true
		}
	}
	if !found {
		t.Errorf("output lacks the new warning %q:\n%s", want, out)
	}
	if !strings.Contains(out, fmt.Sprintf("%8d | %s\n         |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n", line, lineText)) {
		t.Errorf("source and caret lines differ from GCC's:\n%s", out)
	}
	jout, _, _ := runCLI(t, patch, "check", "--tree", tree, "--format=json", "-")
	var doc struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(jout), &doc); err != nil {
		t.Fatal(err)
	}
	ok := false
	for _, f := range doc.Findings {
		if f["file"] == ktree.JITFile && f["line"] == float64(line) && f["column"] == 5.0 && f["new"] == true &&
			f["message"] == "no previous prototype for '__arch_prepare_bpf_trampoline'" && f["flag"] == "-Wmissing-prototypes" {
			ok = true
		}
	}
	if !ok {
		t.Errorf("json lacks the new finding: %s", jout)
	}
}

// TestRealFileClean: the unmodified real file has no missing prototype,
// with the tree and as a file alone; without static, invoke_bpf_prog is
// reported where gcc would report it.
func TestRealFileClean(t *testing.T) {
	tree := ktree.Dir(t)
	path := filepath.Join(tree, ktree.JITFile)
	for _, args := range [][]string{
		{"check", "--checks=missingproto", "--tree", tree, path},
		{"check", "--checks=missingproto", path},
	} {
		out, errs, code := runCLI(t, "", args...)
		if code != exitClean || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and nothing", args, code, out, errs)
		}
	}
	src := string(ktree.JIT(t))
	mod := strings.Replace(src, "static int invoke_bpf_prog(", "int invoke_bpf_prog(", 1)
	if mod == src {
		t.Fatal("real file lacks static invoke_bpf_prog")
	}
	line := strings.Count(src[:strings.Index(src, "static int invoke_bpf_prog(")], "\n") + 1
	file := filepath.Join(t.TempDir(), "bpf_jit_comp.c")
	if err := os.WriteFile(file, []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "", "check", "--checks=missingproto", file)
	want := file + ":" + strconv.Itoa(line) + ":5: warning: no previous prototype for 'invoke_bpf_prog' [-Wmissing-prototypes]"
	if code != exitFindings || !strings.HasPrefix(out, want+"\n") || strings.Count(out, "warning:") != 1 {
		t.Errorf("exit %d, output:\n%s\nwant exactly %q", code, out, want)
	}
}

// TestFlagErrors: --help goes to standard output with status 0 for every
// subcommand; a bad flag is one line on standard error with status 2.
func TestFlagErrors(t *testing.T) {
	for name := range commands {
		out, errs, code := runCLI(t, "", name, "--help")
		if code != exitClean || !strings.Contains(out, name) || errs != "" {
			t.Errorf("%s --help: exit %d, stdout %d bytes, stderr %q; want 0, the usage, nothing", name, code, len(out), errs)
		}
		out, errs, code = runCLI(t, "", name, "--no-such-flag")
		if code != exitError || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "-no-such-flag") {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q; want 2 and one line", name, code, out, errs)
		}
	}
}

// TestHeaderOnlyPatch: a patch that only removes a prototype from a header
// makes the JIT file's definition lose it; the new warning is the one gcc
// gives on the patched tree.
func TestHeaderOnlyPatch(t *testing.T) {
	tree := copyTree(t, demoTree)
	hdr := "include/linux/demo_jit.h"
	src, err := os.ReadFile(filepath.Join(tree, hdr))
	if err != nil {
		t.Fatal(err)
	}
	const proto = "int demo_jit_size(const struct demo_jit *jit);\n"
	if !strings.Contains(string(src), proto) {
		t.Fatal("demo header lacks the demo_jit_size prototype")
	}
	patched := strings.Replace(string(src), proto, "", 1)
	patch := unifiedDiff(t, hdr, string(src), patched)
	// Oracle: gcc on a copy of the tree with the header changed.
	after := copyTree(t, tree)
	if err := os.WriteFile(filepath.Join(after, hdr), []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}
	want := gccWarnings(t, after, ktree.JITFile, "-Iinclude")
	if len(want) != 1 {
		t.Fatalf("gcc oracle gave %q, want one warning", want)
	}
	out, errs, code := runCLI(t, patch, "check", "--tree", tree, "-")
	news, olds := findingLines(out)
	if code != exitFindings || strings.Join(news, "\n") != want[0] || len(olds) != 0 {
		t.Errorf("exit %d (stderr %q), new %q old %q; want 1 and new %q (gcc)", code, errs, news, olds, want)
	}
}
