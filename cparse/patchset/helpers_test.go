package patchset

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// needGit skips the test when git is not installed (CI installs it).
func needGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			tb.Fatalf("git is required: %v", err)
		}
		tb.Skip("git not installed")
	}
}

// git runs git in dir with a fixed identity and dates and returns its
// standard output.
func git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitErr(dir, nil, args...)
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// gitErr runs git in dir, feeding stdin, and returns its standard output;
// on failure the error holds its standard error.
func gitErr(dir string, stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=A U Thor", "GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=C O Mitter", "GIT_COMMITTER_EMAIL=committer@example.com",
		"GIT_AUTHOR_DATE=2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z",
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "XDG_CONFIG_HOME="+dir, "LANG=C")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// writeFiles writes files (path -> contents) below dir.
func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// newRepo creates a git repository holding files in one commit.
func newRepo(tb testing.TB, files map[string]string) string {
	tb.Helper()
	needGit(tb)
	dir := tb.TempDir()
	git(tb, dir, "init", "-q", "-b", "main", ".")
	writeFiles(tb, dir, files)
	git(tb, dir, "add", "-A")
	git(tb, dir, "commit", "-q", "-m", "base")
	return dir
}

// commit writes files (a nil-like "\x00" value deletes) and commits them.
func commit(tb testing.TB, dir, msg string, files map[string]string) {
	tb.Helper()
	for p, c := range files {
		if c == "\x00" {
			git(tb, dir, "rm", "-q", p)
			delete(files, p)
		}
	}
	writeFiles(tb, dir, files)
	git(tb, dir, "add", "-A")
	git(tb, dir, "commit", "-q", "-m", msg)
}

// gitApply runs "git apply" of patch on a copy of files and returns the
// resulting files it was asked about, or the error output.
func gitApply(tb testing.TB, files map[string]string, patch []byte, paths []string) (map[string]string, error) {
	tb.Helper()
	needGit(tb)
	dir := tb.TempDir()
	writeFiles(tb, dir, files)
	pf := filepath.Join(tb.TempDir(), "p.patch")
	if err := os.WriteFile(pf, patch, 0o644); err != nil {
		tb.Fatal(err)
	}
	if _, err := gitErr(dir, nil, "apply", pf); err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err == nil {
			got[p] = string(b)
		}
	}
	return got, nil
}

// cFile returns a small C file of n functions, written for these tests.
func cFile(n int) string {
	var b strings.Builder
	b.WriteString("/* fixture */\n#include <stdio.h>\n\n")
	for i := 0; i < n; i++ {
		b.WriteString("static int f" + itoa(i) + "(int x)\n{\n\tint y = x * " + itoa(i+2) + ";\n\n\treturn y + 1;\n}\n\n")
	}
	b.WriteString("int main(void)\n{\n\treturn f0(1);\n}\n")
	return b.String()
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

// gitMailinfo returns the patch part of a mail as git mailinfo extracts it
// (decoding quoted-printable and base64 bodies).
func gitMailinfo(tb testing.TB, input []byte) []byte {
	tb.Helper()
	needGit(tb)
	dir := tb.TempDir()
	out, err := gitErr(dir, input, "mailinfo", "msg", "patch")
	if err != nil {
		tb.Fatalf("git mailinfo: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "patch"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func readFile(tb testing.TB, p string) ([]byte, error) {
	tb.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return b, nil
}

var hunkNew = regexp.MustCompile(`(?m)^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@`)

// gitAddedLines returns the 1-based lines of new that "git diff -U0" of
// old and new shows as added.
func gitAddedLines(tb testing.TB, old, new string) []int {
	tb.Helper()
	needGit(tb)
	dir := tb.TempDir()
	writeFiles(tb, dir, map[string]string{"old": old, "new": new})
	out, err := gitErr(dir, nil, "diff", "--no-index", "-U0", "old", "new")
	if err != nil && !strings.Contains(out, "@@") && old != new {
		tb.Fatalf("git diff: %v\n%s", err, out)
	}
	var lines []int
	for _, m := range hunkNew.FindAllStringSubmatch(out, -1) {
		start, _ := strconv.Atoi(m[1])
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		for i := 0; i < n; i++ {
			lines = append(lines, start+i)
		}
	}
	return lines
}
