package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/driver/listbot"
	"github.com/trampcheck/trampcheck/driver/sendemail"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// The bot's fixture tree: two small C files written for these tests.
const (
	botA = "/* a */\nstatic int a_helper(int x)\n{\n\treturn x;\n}\n"
	botB = "/* b */\nstatic int b_helper(int x)\n{\n\treturn x;\n}\n"
)

// Diffs against the fixture tree.
const (
	diffA1 = "--- a/lib/a.c\n+++ b/lib/a.c\n@@ -1,5 +1,5 @@\n /* a */\n static int a_helper(int x)\n {\n-\treturn x;\n+\treturn x + 1;\n }\n"
	// diffA2 needs diffA1 first: its context is what diffA1 wrote.
	diffA2 = "--- a/lib/a.c\n+++ b/lib/a.c\n@@ -1,5 +1,5 @@\n /* a */\n-static int a_helper(int x)\n+int a_helper(int x)\n {\n \treturn x + 1;\n }\n"
	diffV1 = "--- a/lib/a.c\n+++ b/lib/a.c\n@@ -1,5 +1,5 @@\n /* a */\n-static int a_helper(int x)\n+int a_helper(int x)\n {\n \treturn x;\n }\n"
	diffB  = "--- a/lib/b.c\n+++ b/lib/b.c\n@@ -3,3 +3,8 @@\n {\n \treturn x;\n }\n+\n+int b_export(int y)\n+{\n+\treturn b_helper(y);\n+}\n"
)

// listMailText writes one mail of a mailing-list archive.
func listMailText(from, subject, id, inReplyTo string, refs []string, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From mboxrd@z Thu Jan  1 00:00:00 1970\n")
	fmt.Fprintf(&b, "From: %s\nTo: bpf@vger.kernel.org\nCc: Heiko Carstens <hca@linux.ibm.com>, \"Gordeev, Alexander\" <agordeev@linux.ibm.com>\n", from)
	fmt.Fprintf(&b, "Subject: %s\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <%s>\n", subject, id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\n", inReplyTo)
	}
	if len(refs) > 0 {
		fmt.Fprintf(&b, "References: <%s>\n", strings.Join(refs, ">\n <"))
	}
	fmt.Fprintf(&b, "\n%s\n", body)
	return b.String()
}

func patchBody(msg, diff string) string { return msg + "\n---\n" + diff }

// botFixture writes the tree and an mbox of interleaved threads; it returns
// the tree, the mbox and the Message-IDs of the offending patches.
func botFixture(t *testing.T) (tree, mbox string, offending []string) {
	t.Helper()
	dir := t.TempDir()
	tree = filepath.Join(dir, "tree")
	if err := os.MkdirAll(filepath.Join(tree, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]string{"lib/a.c": botA, "lib/b.c": botB} {
		if err := os.WriteFile(filepath.Join(tree, name), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ilya := "Ilya Leoshkevich <iii@linux.ibm.com>"
	jane := "=?utf-8?q?J=C3=BCrgen?= Dev <jd@example.org>"
	mails := []string{
		// v1 of series A: one patch that exports a_helper (offending).
		listMailText(ilya, "[PATCH bpf-next] s390/bpf: export a_helper", "v1-1@ibm", "", nil, patchBody("Export it.", diffV1)),
		// v2 of series A, sent in reply to v1: cover letter and two patches.
		listMailText(ilya, "[PATCH bpf-next v2 0/2] s390/bpf: a_helper", "v2-0@ibm", "v1-1@ibm", []string{"v1-1@ibm"}, "Changes since v1: split."),
		// series B interleaves: one offending patch.
		listMailText(jane, "[PATCH] lib/b: add b_export", "b-1@example.org", "", nil, patchBody("Add it.", diffB)),
		listMailText(ilya, "[PATCH bpf-next v2 1/2] s390/bpf: bump a_helper", "v2-1@ibm", "v2-0@ibm", []string{"v1-1@ibm", "v2-0@ibm"}, patchBody("Bump.", diffA1)),
		// discussion without a diff, and a reply quoting a diff.
		listMailText("Heiko Carstens <hca@linux.ibm.com>", "s390: question about trampolines", "q-1@ibm", "", nil, "Why is the frame 160 bytes?\n"),
		listMailText("Heiko Carstens <hca@linux.ibm.com>", "Re: [PATCH bpf-next v2 1/2] s390/bpf: bump a_helper", "r-1@ibm", "v2-1@ibm", []string{"v1-1@ibm", "v2-0@ibm", "v2-1@ibm"}, "> -\treturn x;\n> +\treturn x + 1;\n\nLooks fine.\n\n"+diffV1),
		listMailText(ilya, "[PATCH bpf-next v2 2/2] s390/bpf: export a_helper", "v2-2@ibm", "v2-0@ibm", []string{"v1-1@ibm", "v2-0@ibm"}, patchBody("Export it.\n\nFrom now on it is exported.", diffA2)),
	}
	mbox = filepath.Join(dir, "list.mbox")
	if err := os.WriteFile(mbox, []byte(strings.Join(mails, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return tree, mbox, []string{"b-1@example.org", "v1-1@ibm", "v2-2@ibm"}
}

// emlInfo is what Python's email parser reads from a reply.
type emlInfo struct {
	InReplyTo, Subject string
	Recipients         []string
	Body               string
}

func parseEMLs(t *testing.T, files []string) []emlInfo {
	t.Helper()
	testtool.Path(t, "python3", "python3")
	const script = `
import json, sys, email, email.policy, email.utils
out = []
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    rc = [a for _, a in email.utils.getaddresses([str(m.get("To", "")), str(m.get("Cc", ""))])]
    out.append({"InReplyTo": str(m["In-Reply-To"]), "Subject": str(m["Subject"]), "Recipients": rc, "Body": m.get_content()})
json.dump(out, sys.stdout)
`
	out, err := exec.Command("python3", append([]string{"-c", script}, files...)...).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var infos []emlInfo
	if err := json.Unmarshal(out, &infos); err != nil {
		t.Fatal(err)
	}
	return infos
}

func runCmd(args ...string) (string, string, int) {
	var stdout, stderr bytes.Buffer
	code := run(&env{Stdin: bytes.NewReader(nil), Stdout: &stdout, Stderr: &stderr}, args)
	return stdout.String(), stderr.String(), code
}

func TestBotAnswersOffendingPatchesOnce(t *testing.T) {
	tree, mbox, offending := botFixture(t)
	out := filepath.Join(t.TempDir(), "out")
	sent := filepath.Join(t.TempDir(), "sent.mbox")
	args := []string{
		"bot", "--out", out, "--tree", tree, "--from", "trampcheck bot <bot@example.com>",
		"--sendmail", "{ echo 'From bot Thu Jan  1 00:00:00 1970'; cat; echo; } >> " + sendemail.ShellQuote(sent), mbox,
	}
	stdout, stderr, code := runCmd(args...)
	if code != exitFindings {
		t.Fatalf("first run: got exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFindings, stdout, stderr)
	}
	if stderr != "" {
		t.Errorf("first run: got stderr %q, want none", stderr)
	}
	emls, err := filepath.Glob(filepath.Join(out, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	infos := parseEMLs(t, emls)
	var got []string
	for _, in := range infos {
		got = append(got, strings.Trim(in.InReplyTo, "<>"))
		for _, rc := range in.Recipients {
			switch rc {
			case "iii@linux.ibm.com", "jd@example.org", "bpf@vger.kernel.org", "hca@linux.ibm.com", "agordeev@linux.ibm.com":
			default:
				t.Errorf("reply %q goes to %s, who is not on the patch mail", in.Subject, rc)
			}
		}
		if !strings.Contains(in.Body, ">> lib/") || !strings.Contains(in.Body, "[-Wmissing-prototypes]") {
			t.Errorf("reply %q: body without a new finding\n%s", in.Subject, in.Body)
		}
	}
	sort.Strings(got)
	want := append([]string{}, offending...)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("answered: got %v, want %v", got, want)
	}
	for _, in := range infos {
		if strings.Contains(in.Subject, "b_export") && !strings.Contains(in.Body, "Hi Jürgen,") {
			t.Errorf("reply to an encoded author name: got body\n%s\nwant greeting %q", in.Body, "Hi Jürgen,")
		}
	}
	sentData, err := os.ReadFile(sent)
	if err != nil {
		t.Fatalf("--sendmail got nothing: %v", err)
	}
	if n := bytes.Count(sentData, []byte("\nIn-Reply-To: ")); n != len(offending) {
		t.Errorf("--sendmail: got %d mails, want %d", n, len(offending))
	}
	index, _ := os.ReadFile(filepath.Join(out, listbot.IndexFile))
	if n := strings.Count(string(index), "\n"); n != len(offending) {
		t.Errorf("%s: got %d lines, want %d\n%s", listbot.IndexFile, n, len(offending), index)
	}

	// A second run on the same input answers nothing.
	stdout, stderr, code = runCmd(args...)
	if code != exitClean || stdout != "" || stderr != "" {
		t.Errorf("second run: got exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
	emls2, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	if len(emls2) != len(emls) {
		t.Errorf("second run: got %d reply files, want still %d", len(emls2), len(emls))
	}
	if sent2, _ := os.ReadFile(sent); !bytes.Equal(sent2, sentData) {
		t.Errorf("second run sent mail again")
	}
}

func TestBotBadInput(t *testing.T) {
	tree, mbox, _ := botFixture(t)
	dir := t.TempDir()
	notMbox := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notMbox, []byte("just some notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badState := filepath.Join(dir, "badstate")
	if err := os.MkdirAll(badState, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badState, listbot.StateFile), []byte("no-tab-here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	otherTree := t.TempDir() // lacks lib/: no series applies
	broken := filepath.Join(dir, "broken.mbox")
	truncated := strings.TrimSuffix(diffB, "+}\n") // the hunk counts one line more
	if err := os.WriteFile(broken, []byte(listMailText("A <a@example.org>", "[PATCH] lib/b: truncated", "t-1@example.org", "", nil, patchBody("Cut.", truncated))), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no out", []string{"bot", "--tree", tree, mbox}, exitError, "want --out DIR"},
		{"no tree", []string{"bot", "--out", filepath.Join(dir, "o1"), mbox}, exitError, "want --tree DIR"},
		{"not an mbox", []string{"bot", "--out", filepath.Join(dir, "o2"), "--tree", tree, notMbox}, exitError, notMbox + ": line 1: not an mbox"},
		{"missing mbox", []string{"bot", "--out", filepath.Join(dir, "o3"), "--tree", tree, filepath.Join(dir, "nosuch")}, exitError, "nosuch"},
		{"corrupt state", []string{"bot", "--out", badState, "--tree", tree, mbox}, exitError, "state.tsv: line 1"},
		{"truncated patch", []string{"bot", "--out", filepath.Join(dir, "o5"), "--tree", tree, broken}, exitError, broken + ": mail 1: line 13: "},
		{"truncated patch, second run", []string{"bot", "--out", filepath.Join(dir, "o5"), "--tree", tree, broken}, exitClean, ""},
		{"series that do not apply", []string{"bot", "--out", filepath.Join(dir, "o4"), "--tree", otherTree, mbox}, exitError, "lib/a.c"},
	}
	for _, tc := range tests {
		_, stderr, code := runCmd(tc.args...)
		if code != tc.wantCode || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: got exit %d and %q, want %d and %q", tc.name, code, stderr, tc.wantCode, tc.want)
		}
		if strings.Contains(stderr, "panic") {
			t.Errorf("%s: panic: %s", tc.name, stderr)
		}
	}
}
