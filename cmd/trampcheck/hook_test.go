package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/driver/sendemail"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// buildTrampcheck builds the trampcheck binary into a temporary directory.
func buildTrampcheck(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "trampcheck")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// gitRepo is a scratch repository with a fixed identity and no user or
// system configuration.
type gitRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	testtool.Path(t, "git", "git")
	home := t.TempDir()
	r := &gitRepo{t: t, dir: filepath.Join(home, "repo"), env: []string{
		"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "LANG=C", "LC_ALL=C",
		"GIT_AUTHOR_NAME=Dev Eloper", "GIT_AUTHOR_EMAIL=dev@example.org",
		"GIT_COMMITTER_NAME=Dev Eloper", "GIT_COMMITTER_EMAIL=dev@example.org",
	}}
	if err := os.Mkdir(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q")
	return r
}

// cleanEnv is the environment without variables that would point git at
// another repository.
func cleanEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// run runs a command in the repository and returns its combined output
// and exit status.
func (r *gitRepo) run(env []string, name string, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = r.dir
	cmd.Env = cleanEnv(append(append([]string{}, r.env...), env...))
	cmd.Stdin = bytes.NewReader(nil)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			r.t.Fatalf("%s %v: %v", name, args, err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	out, code := r.run(nil, "git", args...)
	if code != 0 {
		r.t.Fatalf("git %v: exit %d\n%s", args, code, out)
	}
	return out
}

func (r *gitRepo) write(name, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// The base file of the hook tests, and two versions of a patch to it.
const (
	hookBaseC = "/* a small library for the hook tests */\nstatic int helper(int x)\n{\n\treturn x + 1;\n}\n"
	hookBadC  = hookBaseC + "\nint added_fn(int y)\n{\n\treturn helper(y);\n}\n"
	hookGoodC = hookBaseC + "\nstatic int added_fn(int y)\n{\n\treturn helper(y);\n}\n"
)

func hasSendEmail(t *testing.T) {
	t.Helper()
	out, err := exec.Command(testtool.Path(t, "git", "git"), "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	if _, err := os.Stat(filepath.Join(strings.TrimSpace(string(out)), "git-send-email")); err != nil {
		if testtool.Required() {
			t.Fatalf("git send-email is required (Debian package git-email): %v", err)
		}
		t.Skip("git send-email not installed (Debian package git-email)")
	}
}

// TestHookSendEmail runs the installed hook through git send-email --dry-run:
// a patch adding a non-static function without a prototype is stopped,
// the fixed patch goes through, whether the patch is committed (its base
// is HEAD~1) or not (its base is HEAD).
func TestHookSendEmail(t *testing.T) {
	hasSendEmail(t)
	bin := buildTrampcheck(t)
	tests := []struct {
		name      string
		content   string
		committed bool
		wantCode  int // 0: sent; non-zero: stopped
	}{
		{"committed bad patch", hookBadC, true, 1},
		{"committed fixed patch", hookGoodC, true, 0},
		{"uncommitted bad patch", hookBadC, false, 1},
		{"uncommitted fixed patch", hookGoodC, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newGitRepo(t)
			r.write("lib.c", hookBaseC)
			r.git("add", "lib.c")
			r.git("commit", "-q", "-m", "lib: base")
			if out, code := r.run(nil, bin, "hook", "install"); code != 0 {
				t.Fatalf("hook install: exit %d\n%s", code, out)
			}
			r.write("lib.c", tc.content)
			r.git("commit", "-q", "-a", "-m", "lib: add added_fn()")
			send := []string{"send-email", "--dry-run", "--to", "x@example.org", "--from", "Dev Eloper <dev@example.org>", "--confirm=never", "--smtp-server", "/bin/false"}
			if tc.committed {
				send = append(send, "HEAD~1")
			} else {
				pdir := t.TempDir()
				r.git("format-patch", "-q", "-1", "-o", pdir)
				r.git("reset", "-q", "--hard", "HEAD~1")
				send = append(send, pdir)
			}
			out, code := r.run(nil, "git", send...)
			if (code != 0) != (tc.wantCode != 0) {
				t.Fatalf("git send-email: got exit %d, want %s\n%s", code, map[bool]string{true: "non-zero", false: "0"}[tc.wantCode != 0], out)
			}
			if tc.wantCode != 0 {
				for _, want := range []string{
					"lib.c:7:5: warning: no previous prototype for 'added_fn' [-Wmissing-prototypes]",
					"rejected by sendemail-validate hook",
				} {
					if !strings.Contains(out, want) {
						t.Errorf("git send-email output: got no %q\n%s", want, out)
					}
				}
			} else if !strings.Contains(out, "Subject: [PATCH] lib: add added_fn()") || strings.Contains(out, "warning:") {
				t.Errorf("git send-email output: got %q, want the dry-run mail and no warning", out)
			}
			if st := r.git("status", "--porcelain"); st != "" {
				t.Errorf("the hook changed the work tree: %q", st)
			}
		})
	}
}

// TestHookSeries checks a committed three-mail series (cover letter and two
// patches, the second changing what the first added) the way git 2.42+
// runs the hook: one call per mail with the counters set; only the last
// call checks, against the parent of the series.
func TestHookSeries(t *testing.T) {
	bin := buildTrampcheck(t)
	tests := []struct {
		name     string
		second   string // lib.c after the second patch
		wantCode int
		want     string
	}{
		{"second patch keeps static", strings.Replace(hookGoodC, "return helper(y);", "return helper(y) + 1;", 1), 0, ""},
		{"second patch exports", strings.Replace(strings.Replace(hookGoodC, "return helper(y);", "return helper(y) + 1;", 1), "static int added_fn", "int added_fn", 1), 1, "no previous prototype for 'added_fn'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newGitRepo(t)
			r.write("lib.c", hookBaseC)
			r.git("add", "lib.c")
			r.git("commit", "-q", "-m", "lib: base")
			r.write("lib.c", hookGoodC)
			r.git("commit", "-q", "-a", "-m", "lib: add added_fn()")
			r.write("lib.c", tc.second)
			r.git("commit", "-q", "-a", "-m", "lib: change added_fn()")
			pdir := t.TempDir()
			files := strings.Fields(r.git("format-patch", "--cover-letter", "-2", "-o", pdir))
			if len(files) != 3 {
				t.Fatalf("format-patch: got %d files, want 3", len(files))
			}
			// Alone, the second patch applies neither to HEAD nor in reverse:
			// only the series check can place it.
			for i, f := range files {
				env := []string{"GIT_SENDEMAIL_FILE_COUNTER=" + string(rune('1'+i)), "GIT_SENDEMAIL_FILE_TOTAL=3"}
				out, code := r.run(env, bin, "hook", "run", f)
				if i < 2 {
					if code != 0 || out != "" {
						t.Fatalf("mail %d of 3: got exit %d and %q, want 0 and nothing before the last mail", i+1, code, out)
					}
					continue
				}
				if code != tc.wantCode {
					t.Errorf("last mail: got exit %d, want %d\n%s", code, tc.wantCode, out)
				}
				if tc.want != "" && !strings.Contains(out, tc.want) {
					t.Errorf("last mail: got %q, want %q", out, tc.want)
				}
				if tc.want == "" && out != "" {
					t.Errorf("last mail: got %q, want no output", out)
				}
			}
			if _, err := os.Stat(filepath.Join(r.dir, ".git", "trampcheck-sendemail")); err == nil {
				t.Errorf("the collected mails were not removed")
			}
		})
	}
}

func TestHookRunBadInput(t *testing.T) {
	bin := buildTrampcheck(t)
	r := newGitRepo(t)
	r.write("lib.c", hookBaseC)
	r.git("add", "lib.c")
	r.git("commit", "-q", "-m", "lib: base")
	other := "--- a/other.c\n+++ b/other.c\n@@ -1 +1 @@\n-x\n+y\n"
	r.write("other.patch", "From: A <a@example.org>\nSubject: [PATCH] other\n\n---\n"+other)
	r.write("cover.eml", "From: A <a@example.org>\nSubject: [PATCH 0/2] a series\n\nThe cover letter.\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"missing mail file", []string{"hook", "run", "nosuch.eml"}, 2, "nosuch.eml"},
		{"patch to a file not in the repository", []string{"hook", "run", "other.patch"}, 2, "other.patch"},
		{"cover letter passes", []string{"hook", "run", "cover.eml"}, 0, ""},
		{"no mail", []string{"hook", "run"}, 2, "want MAILFILE"},
		{"unknown subcommand", []string{"hook", "frob"}, 2, "unknown subcommand \"frob\""},
	}
	for _, tc := range tests {
		out, code := r.run(nil, bin, tc.args...)
		if code != tc.wantCode || !strings.Contains(out, tc.want) {
			t.Errorf("%s: got exit %d and %q, want %d and %q", tc.name, code, out, tc.wantCode, tc.want)
		}
		if strings.Contains(out, "panic") || strings.Count(strings.TrimSpace(out), "\n") > 0 {
			t.Errorf("%s: got %q, want one clear error line", tc.name, out)
		}
	}
}

func TestHookInstall(t *testing.T) {
	bin := buildTrampcheck(t)
	r := newGitRepo(t)
	hook := filepath.Join(r.dir, ".git", "hooks", "sendemail-validate")
	if out, code := r.run(nil, bin, "hook", "install"); code != 0 || !strings.Contains(out, hook) {
		t.Fatalf("install: got exit %d and %q, want 0 and the hook path %s", code, out, hook)
	}
	script, err := os.ReadFile(hook)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(hook); fi.Mode()&0o111 == 0 {
		t.Errorf("hook mode %v: not executable", fi.Mode())
	}
	if !strings.Contains(string(script), bin) || !strings.HasPrefix(string(script), "#!/bin/sh\n") {
		t.Errorf("hook script: got %q, want a sh script running %s", script, bin)
	}
	if out, err := exec.Command("sh", "-n", hook).CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v\n%s", err, out)
	}
	// Installing again over our own hook is fine.
	if out, code := r.run(nil, bin, "hook", "install"); code != 0 {
		t.Errorf("second install: got exit %d (%s), want 0", code, out)
	}
	// A hook someone else wrote is kept unless --force.
	foreign := "#!/bin/sh\nexec ./scripts/checkpatch.pl \"$1\"\n"
	if err := os.WriteFile(hook, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	out, code := r.run(nil, bin, "hook", "install")
	if code != 2 || !strings.Contains(out, "use --force") {
		t.Errorf("install over a foreign hook: got exit %d and %q, want 2 and a refusal", code, out)
	}
	if b, _ := os.ReadFile(hook); string(b) != foreign {
		t.Errorf("the foreign hook was changed: %q", b)
	}
	if out, code := r.run(nil, bin, "hook", "install", "--force"); code != 0 {
		t.Errorf("install --force: got exit %d (%s), want 0", code, out)
	}
	if b, _ := os.ReadFile(hook); !bytes.Contains(b, []byte(sendemail.Signature)) {
		t.Errorf("install --force did not replace the hook: %q", b)
	}
	// core.hooksPath is honoured.
	r.git("config", "core.hooksPath", "myhooks")
	if out, code := r.run(nil, bin, "hook", "install", "--repo", r.dir); code != 0 {
		t.Fatalf("install with core.hooksPath: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "myhooks", "sendemail-validate")); err != nil {
		t.Errorf("core.hooksPath: %v", err)
	}
	out, code = r.run(nil, bin, "hook", "install", "--repo", filepath.Join(r.dir, "nosuch"))
	if code != 2 || !strings.Contains(out, "nosuch") {
		t.Errorf("install into a missing repo: got exit %d and %q, want 2 naming it", code, out)
	}
}

// TestHookRunB4 feeds each patch of a committed series on standard input,
// as b4 prep --check does with b4.prep-perpatch-check-cmd: each patch is
// checked against the parent of its own commit, and the output is
// checkpatch-style.
func TestHookRunB4(t *testing.T) {
	bin := buildTrampcheck(t)
	r := newGitRepo(t)
	r.write("lib.c", hookBaseC)
	r.git("add", "lib.c")
	r.git("commit", "-q", "-m", "lib: base")
	r.write("lib.c", hookGoodC)
	r.git("commit", "-q", "-a", "-m", "lib: add added_fn()")
	r.write("lib.c", strings.Replace(strings.Replace(hookGoodC, "return helper(y);", "return helper(y) + 1;", 1), "static int added_fn", "int added_fn", 1))
	r.git("commit", "-q", "-a", "-m", "lib: export added_fn()")
	pdir := t.TempDir()
	files := strings.Fields(r.git("format-patch", "-2", "-o", pdir))
	if len(files) != 2 {
		t.Fatalf("format-patch: got %d files, want 2", len(files))
	}
	wants := []struct {
		out  string
		code int
	}{
		{"", 0},
		{"lib.c:7: WARNING: no previous prototype for 'added_fn' [-Wmissing-prototypes]\n", 1},
	}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "hook", "run", "--format=b4", "-")
		cmd.Dir = r.dir
		cmd.Env = cleanEnv(r.env)
		cmd.Stdin = bytes.NewReader(data)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		if stdout.String() != wants[i].out || code != wants[i].code {
			t.Errorf("patch %d: got %q (exit %d, stderr %q), want %q (exit %d)", i+1, stdout.String(), code, stderr.String(), wants[i].out, wants[i].code)
		}
	}
}

// TestHookBases runs "hook run" on a patch mail in the three states a
// repository can be in: the patch not applied (base HEAD, here with an
// unrelated uncommitted change), committed as it is (base found by
// patch-id), and committed with more changes than the mail has (patch-id
// differs; base found by applying the mail in reverse).
func TestHookBases(t *testing.T) {
	bin := buildTrampcheck(t)
	tests := []struct {
		name  string
		setup func(r *gitRepo, mail string)
		line  int // of added_fn after the patch
	}{
		{"not applied, dirty work tree", func(r *gitRepo, _ string) {
			r.git("reset", "-q", "--hard", "HEAD~1")
			r.write("other.c", "/* changed */\n")
		}, 7},
		{"committed", func(*gitRepo, string) {}, 7},
		{"committed with more changes", func(r *gitRepo, _ string) {
			r.write("lib.c", "/* amended */\n"+hookBadC)
			r.git("commit", "-q", "-a", "--amend", "--no-edit")
		}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newGitRepo(t)
			r.write("lib.c", hookBaseC)
			r.write("other.c", "/* other */\n")
			r.git("add", "lib.c", "other.c")
			r.git("commit", "-q", "-m", "lib: base")
			r.write("lib.c", hookBadC)
			r.git("commit", "-q", "-a", "-m", "lib: add added_fn()")
			mail := strings.TrimSpace(r.git("format-patch", "-1", "-o", t.TempDir()))
			tc.setup(r, mail)
			out, code := r.run(nil, bin, "hook", "run", mail)
			want := fmt.Sprintf("lib.c:%d:5: warning: no previous prototype for 'added_fn' [-Wmissing-prototypes]", tc.line)
			if code != 1 || !strings.Contains(out, ">> "+want) {
				t.Errorf("got exit %d and %q, want 1 and the new finding %q", code, out, want)
			}
		})
	}
}
