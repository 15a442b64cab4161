package main

import (
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
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// diffLabelled returns "diff -u" of two versions of a tree file, labelled
// a/NAME and b/NAME as git would.
func diffLabelled(t *testing.T, name, before, after string) string {
	t.Helper()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("diff", "-u", "--label", "a/"+name, "--label", "b/"+name, a, b).Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("diff -u: got %v, want exit status 1 (files differ)", err)
	}
	return string(out)
}

// realPatchMail edits the real JIT file (replace from by to in the line
// holding it) and returns a patch mail of the edit and the 1-based line.
func realPatchMail(t *testing.T, from, to string) (mail string, line int) {
	t.Helper()
	src := string(ktree.JIT(t))
	i := strings.Index(src, from)
	if i < 0 || strings.Count(src, from) != 1 {
		t.Fatalf("real file: want exactly one %q", from)
	}
	line = strings.Count(src[:i], "\n") + 1
	patched := src[:i] + to + src[i+len(from):]
	mail = "From: Ilya Leoshkevich <iii@linux.ibm.com>\n" +
		"To: bpf@vger.kernel.org, Alexei Starovoitov <ast@kernel.org>\n" +
		"Cc: Heiko Carstens <hca@linux.ibm.com>, Vasily Gorbik <gor@linux.ibm.com>\n" +
		"Subject: [PATCH bpf-next v2 29/31] s390/bpf: Make the trampoline builder global\n" +
		"Date: Sun, 29 Jan 2023 20:05:00 +0100\n" +
		"Message-ID: <20230129190501.1624747-30-iii@linux.ibm.com>\n" +
		"In-Reply-To: <20230129190501.1624747-1-iii@linux.ibm.com>\n" +
		"References: <20230129190501.1624747-1-iii@linux.ibm.com>\n" +
		"\nThe builder is needed elsewhere.\n\nSigned-off-by: Ilya Leoshkevich <iii@linux.ibm.com>\n---\n" +
		diffLabelled(t, ktree.JITFile, src, patched)
	return mail, line
}

// robotMail is what Python's email parser reads from the robot mbox.
type robotMail struct {
	Count                                           int
	Subject, InReplyTo, References, MessageID, Date string
	To, Cc                                          []string
	Body                                            string
}

func parseRobotMbox(t *testing.T, mbox string) robotMail {
	t.Helper()
	testtool.Path(t, "python3", "python3")
	path := filepath.Join(t.TempDir(), "robot.mbox")
	if err := os.WriteFile(path, []byte(mbox), 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, mailbox, sys, email, email.policy, email.utils
msgs = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in mailbox.mbox(sys.argv[1])]
m = msgs[0]
addrs = lambda k: [a for _, a in email.utils.getaddresses([str(m.get(k, ""))])]
json.dump({"Count": len(msgs), "Subject": str(m["Subject"]), "InReplyTo": str(m["In-Reply-To"]),
    "References": str(m["References"]), "MessageID": str(m["Message-ID"]), "Date": str(m["Date"]),
    "To": addrs("To"), "Cc": addrs("Cc"), "Body": m.get_content()}, sys.stdout)
`
	out, err := exec.Command("python3", "-c", script, path).Output()
	if err != nil {
		t.Fatalf("python3 cannot read the robot mbox: %v\n%s", err, mbox)
	}
	var m robotMail
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRealRobotReply is the acceptance test of --format=robot on the real
// file: removing static from __arch_prepare_bpf_trampoline gets a reply
// that Python's email package reads, threaded to the patch and addressed to
// its author, To and Cc.
func TestRealRobotReply(t *testing.T) {
	tree := ktree.Dir(t)
	const sym = "__arch_prepare_bpf_trampoline"
	mail, line := realPatchMail(t, "static int "+sym+"(", "int "+sym+"(")
	dir := t.TempDir()
	path := filepath.Join(dir, "0029.patch")
	if err := os.WriteFile(path, []byte(mail), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "", "check", "--tree", tree, "--format=robot", "--from", "trampcheck <robot@example.com>", path)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFindings, errs)
	}
	m := parseRobotMbox(t, out)
	src := strings.Split(string(ktree.JIT(t)), "\n")
	patchedLine := strings.Replace(src[line-1], "static int ", "int ", 1)
	gcc := fmt.Sprintf("%s:%d:5: warning: no previous prototype for '%s' [-Wmissing-prototypes]", ktree.JITFile, line, sym)
	checks := []struct{ what, got, want string }{
		{"mails", strconv.Itoa(m.Count), "1"},
		{"Subject", m.Subject, "Re: [PATCH bpf-next v2 29/31] s390/bpf: Make the trampoline builder global"},
		{"In-Reply-To", m.InReplyTo, "<20230129190501.1624747-30-iii@linux.ibm.com>"},
		{"References", m.References, "<20230129190501.1624747-1-iii@linux.ibm.com> <20230129190501.1624747-30-iii@linux.ibm.com>"},
		{"To", strings.Join(m.To, " "), "iii@linux.ibm.com"},
		{"Cc", strings.Join(m.Cc, " "), "bpf@vger.kernel.org ast@kernel.org hca@linux.ibm.com gor@linux.ibm.com"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if m.MessageID == "" || strings.Contains(m.MessageID, "iii@") || m.Date == "" {
		t.Errorf("Message-ID %q, Date %q: want a new id and a date", m.MessageID, m.Date)
	}
	for _, want := range []string{
		"Hi Ilya,",
		">> " + gcc,
		"All warnings (new ones prefixed by >>):",
		fmt.Sprintf("vim +/%s +%d %s", sym, line, ktree.JITFile),
		fmt.Sprintf("> %d  %s", line, patchedLine),
		"| Reported-by: trampcheck <robot@example.com>",
		"patch link:    https://lore.kernel.org/r/20230129190501.1624747-30-iii%40linux.ibm.com",
	} {
		if !containsLine(m.Body, want) {
			t.Errorf("body: no line %q\n%s", want, m.Body)
		}
	}
	// The next lines of the function follow, indented.
	if !containsLine(m.Body, fmt.Sprintf("  %d  %s", line+1, src[line])) {
		t.Errorf("body: the function's next line %d is not quoted\n%s", line+1, m.Body)
	}
	if line != 2609 {
		t.Logf("note: the real file's line is %d (2609 in 6.12.117)", line)
	}
}

// containsLine reports whether text has a line equal to line.
func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// TestRealSARIFAndB4 checks --format=sarif and --format=b4 on the same
// patch (fires) and on a comment-only patch and the whole real file (silent).
// Only missingproto runs: the other checks have findings of their own in
// the real file, which their own tests cover.
func TestRealSARIFAndB4(t *testing.T) {
	tree := ktree.Dir(t)
	const sym = "__arch_prepare_bpf_trampoline"
	bad, line := realPatchMail(t, "static int "+sym+"(", "int "+sym+"(")
	good, _ := realPatchMail(t, "static int "+sym+"(", "static int "+sym+"( /* still static */")
	whole := filepath.Join(tree, ktree.JITFile)

	type sarifDoc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string `json:"id"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	sarif := func(stdin string, args ...string) sarifDoc {
		out, errs, code := runCLI(t, stdin, append([]string{"check", "--checks=missingproto", "--tree", tree, "--format=sarif"}, args...)...)
		if code == exitError {
			t.Fatalf("sarif %v: exit 2: %s", args, errs)
		}
		var d sarifDoc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("sarif %v: %v\n%s", args, err, out)
		}
		if d.Version != "2.1.0" || len(d.Runs) != 1 {
			t.Fatalf("sarif %v: got version %q and %d runs, want 2.1.0 and 1", args, d.Version, len(d.Runs))
		}
		return d
	}
	d := sarif(bad, "-")
	found := false
	for _, r := range d.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		if r.RuleID == "missingproto" && loc.ArtifactLocation.URI == ktree.JITFile && loc.Region.StartLine == line && loc.Region.StartColumn == 5 &&
			r.PartialFingerprints["primaryLocationLineHash"] != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("sarif: no missingproto result at %s:%d:5 with a fingerprint: %+v", ktree.JITFile, line, d.Runs[0].Results)
	}
	ruleOK := false
	for _, r := range d.Runs[0].Tool.Driver.Rules {
		if r.ID == "missingproto" && r.Help.Text != "" {
			ruleOK = true
		}
	}
	if !ruleOK {
		t.Errorf("sarif: no missingproto rule with help text: %+v", d.Runs[0].Tool.Driver.Rules)
	}
	for name, doc := range map[string]sarifDoc{"comment-only patch": sarif(good, "-"), "whole real file": sarif("", whole)} {
		if n := len(doc.Runs[0].Results); n != 0 {
			t.Errorf("sarif on the %s: got %d results, want 0", name, n)
		}
	}

	b4 := func(stdin string, args ...string) (string, int) {
		out, errs, code := runCLI(t, stdin, append([]string{"check", "--checks=missingproto", "--tree", tree, "--format=b4"}, args...)...)
		if code == exitError {
			t.Fatalf("b4 %v: exit 2: %s", args, errs)
		}
		return out, code
	}
	out, code := b4(bad, "-")
	want := fmt.Sprintf("%s:%d: WARNING: no previous prototype for '%s' [-Wmissing-prototypes]\n", ktree.JITFile, line, sym)
	if out != want || code != exitFindings {
		t.Errorf("b4 on the bad patch: got %q (exit %d), want %q (exit 1)", out, code, want)
	}
	for name, args := range map[string][]string{"comment-only patch": {"-"}, "whole real file": {whole}} {
		stdin := ""
		if name == "comment-only patch" {
			stdin = good
		}
		if out, code := b4(stdin, args...); out != "" || code != exitClean {
			t.Errorf("b4 on the %s: got %q (exit %d), want nothing (exit 0)", name, out, code)
		}
	}
	// The robot has nothing to say about the comment-only patch either.
	if out, _, code := runCLI(t, good, "check", "--checks=missingproto", "--tree", tree, "--format=robot", "-"); out != "" || code != exitClean {
		t.Errorf("robot on the comment-only patch: got %q (exit %d), want nothing (exit 0)", out, code)
	}
}

func TestDescribeBase(t *testing.T) {
	r := newGitRepo(t)
	r.write("a.c", "int x;\n")
	r.git("add", "a.c")
	r.git("commit", "-q", "-m", "first commit")
	head := strings.TrimSpace(r.git("rev-parse", "--short", "HEAD"))
	sub := filepath.Join(r.dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	plain := t.TempDir()
	tests := []struct{ dir, want string }{
		{r.dir, r.dir + " at " + head + " (\"first commit\")"},
		{sub, sub}, // inside a repository, not its top
		{plain, plain},
		{"", "hermetic (no tree)"},
	}
	for _, tc := range tests {
		if got := report.DescribeBase(tc.dir); got != tc.want {
			t.Errorf("describeBase(%q): got %q, want %q", tc.dir, got, tc.want)
		}
	}
}
