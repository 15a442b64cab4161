package report

import (
	"bytes"
	"encoding/json"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trampcheck/trampcheck/internal/testtool"
)

// fixtureC is a small C file written for these tests: a static helper and a
// non-static function whose head spans two lines (line 9 is its name).
const fixtureC = `/* fixture for the reply tests */
#include <linux/types.h>

static int helper(int x)
{
	return x + 1;
}

int tramp_setup(struct tramp *t,
		int nr_args)
{
	int ret = helper(nr_args);

	if (ret < 0)
		return ret;
	t->nr = ret;
	return 0;
}
`

func ptr(b bool) *bool { return &b }

// fixtureRun is a run of a two-patch series: the second patch made
// tramp_setup non-static; an old finding of another check stays unmarked.
func fixtureRun() *Run {
	newF := Finding{
		File: "arch/s390/net/tramp.c", Line: 9, Column: 5, EndColumn: 16,
		Severity: "warning", Check: "missingproto", Flag: "-Wmissing-prototypes",
		Message:    "no previous prototype for 'tramp_setup'",
		Symbol:     "tramp_setup",
		SourceLine: "int tramp_setup(struct tramp *t,",
		New:        ptr(true), Patch: "[PATCH v2 2/2] s390/bpf: Export tramp_setup()", PatchIndex: 1,
	}
	oldF := Finding{
		File: "arch/s390/net/tramp.c", Line: 16, Column: 2,
		Severity: "warning", Check: "emitcomment", Flag: "trampcheck:emitcomment",
		Message:    "stored field has no comment",
		Symbol:     "tramp_setup",
		SourceLine: "\tt->nr = ret;",
		New:        ptr(false), Patch: "[PATCH v2 1/2] s390/bpf: Add tramp_setup()", PatchIndex: 1,
	}
	return &Run{
		Base:    "bpf-next/master",
		Patched: true,
		Results: []PatchResult{
			{
				Index: 0,
				Mail: Mail{
					Subject:   "[PATCH v2 1/2] s390/bpf: Add tramp_setup()",
					From:      "Jane Developer <jane@example.org>",
					To:        []string{"bpf@vger.kernel.org"},
					MessageID: "20240101-1-jane@example.org",
				},
			},
			{
				Index: 1,
				Mail: Mail{
					Subject:    "[PATCH v2 2/2] s390/bpf: Export tramp_setup()",
					From:       "Jane Developer <jane@example.org>",
					To:         []string{"bpf@vger.kernel.org", "Ilya <iii@example.com>"},
					Cc:         []string{"Heiko <hca@example.com>, jane@example.org", "\"Doe, John\" <john@example.net>"},
					MessageID:  "<20240101-2-jane@example.org>", // as patchset gives it
					References: []string{"<20240101-0-jane@example.org>"},
					Date:       "Mon, 1 Jan 2024 10:00:00 +0000",
				},
				Findings: []Finding{newF, oldF},
				Files:    map[string][]byte{"arch/s390/net/tramp.c": []byte(fixtureC)},
			},
		},
	}
}

// parsedMail is what Python's email package reads from a message.
type parsedMail struct {
	From, To, Cc, Subject, MessageID, InReplyTo, References, Date, ContentType string
	ToAddrs, CcAddrs                                                           [][2]string
	Body                                                                       string
	Defects                                                                    []string
}

// pythonParse reads an mbox with Python's mailbox and email packages (the
// oracle) and returns every message.
func pythonParse(t *testing.T, mbox []byte) []parsedMail {
	t.Helper()
	testtool.Path(t, "python3", "python3")
	path := filepath.Join(t.TempDir(), "out.mbox")
	if err := os.WriteFile(path, mbox, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, mailbox, sys, email.policy, email.utils
out = []
for m in mailbox.mbox(sys.argv[1], factory=None):
    msg = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
    g = lambda k: str(msg.get(k, ""))
    out.append({
        "From": g("From"), "To": g("To"), "Cc": g("Cc"), "Subject": g("Subject"),
        "MessageID": g("Message-ID"), "InReplyTo": g("In-Reply-To"), "References": g("References"),
        "Date": g("Date"), "ContentType": msg.get_content_type() + ";" + str(msg.get_content_charset()),
        "ToAddrs": email.utils.getaddresses([g("To")]), "CcAddrs": email.utils.getaddresses([g("Cc")]),
        "Body": msg.get_content(),
        "Defects": [type(d).__name__ for d in msg.defects] + [type(d).__name__ for k in msg.keys() for d in msg[k].defects],
    })
json.dump(out, sys.stdout)
`
	out, err := exec.Command("python3", "-c", script, path).Output()
	if err != nil {
		t.Fatalf("python3 could not parse the mbox: %v\n%s", err, mbox)
	}
	var ms []parsedMail
	if err := json.Unmarshal(out, &ms); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	return ms
}

func TestRobotReply(t *testing.T) {
	run := fixtureRun()
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	opt := RobotOptions{From: "Checker Bot <bot@example.com>", Tool: "trampcheck test", Now: func() time.Time { return date }}
	if err := WriteRobot(&buf, run, opt); err != nil {
		t.Fatal(err)
	}
	ms := pythonParse(t, buf.Bytes())
	if len(ms) != 1 {
		t.Fatalf("got %d mails, want 1 (only patch 2/2 has a new finding)\n%s", len(ms), buf.Bytes())
	}
	m := ms[0]
	patch := run.Results[1].Mail
	checks := []struct{ what, got, want string }{
		{"Subject", m.Subject, "Re: " + patch.Subject},
		{"In-Reply-To", m.InReplyTo, patch.MessageID},
		{"References", m.References, "<20240101-0-jane@example.org> " + patch.MessageID},
		{"From", m.From, "Checker Bot <bot@example.com>"},
		{"To", m.To, patch.From},
		{"Content-Type", m.ContentType, "text/plain;us-ascii"},
		{"Date", m.Date, "Tue, 02 Jan 2024 03:04:05 +0000"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(m.Defects) > 0 {
		t.Errorf("python reports defects: %v", m.Defects)
	}
	if !strings.HasPrefix(m.MessageID, "<") || !strings.HasSuffix(m.MessageID, "@example.com>") || m.MessageID == patch.MessageID {
		t.Errorf("Message-ID: got %q, want a new id at the From domain", m.MessageID)
	}
	// Cc: the patch's To and Cc, without the author, each once.
	var cc []string
	for _, a := range m.CcAddrs {
		cc = append(cc, a[1])
	}
	wantCc := []string{"bpf@vger.kernel.org", "iii@example.com", "hca@example.com", "john@example.net"}
	if strings.Join(cc, " ") != strings.Join(wantCc, " ") {
		t.Errorf("Cc: got %v, want %v", cc, wantCc)
	}
	if len(m.CcAddrs) == 4 && m.CcAddrs[3][0] != "Doe, John" {
		t.Errorf("Cc name: got %q, want %q", m.CcAddrs[3][0], "Doe, John")
	}
	body := m.Body
	wantLines := []string{
		"Hi Jane,",
		"patch link:    https://lore.kernel.org/r/20240101-2-jane%40example.org",
		"patch subject: " + patch.Subject,
		"| Reported-by: Checker Bot <bot@example.com>",
		"All warnings (new ones prefixed by >>):",
		">> arch/s390/net/tramp.c:9:5: warning: no previous prototype for 'tramp_setup' [-Wmissing-prototypes]",
		"       9 | int tramp_setup(struct tramp *t,",
		"         |     ^~~~~~~~~~~",
		"   arch/s390/net/tramp.c:16:2: warning: stored field has no comment [trampcheck:emitcomment]",
		"vim +/tramp_setup +9 arch/s390/net/tramp.c",
		"     8",
		">    9  int tramp_setup(struct tramp *t,",
		"    10  \t\tint nr_args)",
		"    18  }",
	}
	for _, w := range wantLines {
		if !containsLine(body, w) {
			t.Errorf("body: no line %q\n%s", w, body)
		}
	}
	if !strings.Contains(body, "| Closes: https://lore.kernel.org/r/"+strings.ReplaceAll(strings.Trim(m.MessageID, "<>"), "@", "%40")) {
		t.Errorf("body: no Closes: tag with the reply's own link\n%s", body)
	}
	if strings.Contains(body, "vim +/tramp_setup +16") {
		t.Errorf("body: vim hint for an old finding\n%s", body)
	}
	if containsLine(body, "     7  }") {
		t.Errorf("body: excerpt reaches into the previous function\n%s", body)
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

func TestRobotUTF8(t *testing.T) {
	run := fixtureRun()
	pr := &run.Results[1]
	pr.Mail.From = "Jürgen Müller <jm@example.org>" // decoded, as patchset gives it
	pr.Mail.Subject = "[PATCH] s390/bpf: fix Müller's trampoline"
	pr.Findings[0].SourceLine = "int tramp_setup(struct tramp *t, /* größe */"
	var buf bytes.Buffer
	if err := WriteRobot(&buf, run, RobotOptions{}); err != nil {
		t.Fatal(err)
	}
	ms := pythonParse(t, buf.Bytes())
	if len(ms) != 1 {
		t.Fatalf("got %d mails, want 1", len(ms))
	}
	m := ms[0]
	if got, want := m.Subject, "Re: "+pr.Mail.Subject; got != want {
		t.Errorf("Subject: got %q, want %q", got, want)
	}
	if got, want := m.ContentType, "text/plain;utf-8"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	if !containsLine(m.Body, "Hi Jürgen,") {
		t.Errorf("body: got no greeting %q\n%s", "Hi Jürgen,", m.Body)
	}
	if !strings.Contains(m.Body, "/* größe */") {
		t.Errorf("body: non-ASCII source line lost\n%s", m.Body)
	}
	if got, want := m.ToAddrs[0][1], "jm@example.org"; got != want {
		t.Errorf("To: got %q, want %q", got, want)
	}
	if got, want := m.From, DefaultRobotFrom; got != want {
		t.Errorf("From: got %q, want %q", got, want)
	}
}

func TestRobotNothingNew(t *testing.T) {
	run := fixtureRun()
	run.Results[1].Findings = run.Results[1].Findings[1:] // only the old one
	var buf bytes.Buffer
	if err := WriteRobot(&buf, run, RobotOptions{}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("got a reply for a series with no new finding:\n%s", buf.Bytes())
	}
}

func TestRobotBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Run, *RobotOptions)
		want string
	}{
		{"no message id", func(r *Run, _ *RobotOptions) { r.Results[1].Mail.MessageID = "" }, "patch 2 \"[PATCH v2 2/2] s390/bpf: Export tramp_setup()\": no Message-ID to reply to"},
		{"bad from flag", func(_ *Run, o *RobotOptions) { o.From = "not an address" }, "--from \"not an address\""},
		{"bad lore url", func(_ *Run, o *RobotOptions) { o.LoreURL = "https://x/%d/%s" }, "--lore-url"},
		{"file mode", func(r *Run, _ *RobotOptions) { r.Patched = false; r.Results[1].Mail = Mail{} }, "--format=robot answers patch mails"},
		{"bad author", func(r *Run, _ *RobotOptions) { r.Results[1].Mail.From = "" }, "from \"\": cannot reply to it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := fixtureRun()
			var opt RobotOptions
			tc.edit(run, &opt)
			err := WriteRobot(&bytes.Buffer{}, run, opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("got a multi-line error %q", err)
			}
		})
	}
}

func TestFirstName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ilya Leoshkevich <iii@linux.ibm.com>", "Ilya"},
		{"\"Leoshkevich, Ilya\" <iii@linux.ibm.com>", "Ilya"},
		{"iii@linux.ibm.com", "iii"},
		{"<hca@linux.ibm.com>", "hca"},
	}
	for _, tc := range tests {
		a, err := mail.ParseAddress(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := FirstName(a); got != tc.want {
			t.Errorf("FirstName(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoreLink(t *testing.T) {
	tests := []struct{ tmpl, id, want string }{
		{DefaultLoreURL, "20230129190501.1624747-2-iii@linux.ibm.com", "https://lore.kernel.org/r/20230129190501.1624747-2-iii%40linux.ibm.com"},
		{"https://lore.kernel.org/bpf/%s/", "a/b@c", "https://lore.kernel.org/bpf/a%2Fb%40c/"},
	}
	for _, tc := range tests {
		if got := LoreLink(tc.tmpl, tc.id); got != tc.want {
			t.Errorf("LoreLink(%q, %q): got %q, want %q", tc.tmpl, tc.id, got, tc.want)
		}
	}
}

func TestFuncSpan(t *testing.T) {
	lines := splitLines([]byte(fixtureC))
	tests := []struct {
		line, start, end int
	}{
		{9, 8, 18},  // the head of tramp_setup: from the blank line before to "}"
		{16, 8, 18}, // inside the body: the whole function
		{4, 3, 7},   // the one-line head of helper
		{1, 1, 1},   // file scope
	}
	for _, tc := range tests {
		s, e := funcSpan(lines, tc.line)
		if s != tc.start || e != tc.end {
			t.Errorf("funcSpan(line %d): got %d-%d, want %d-%d", tc.line, s, e, tc.start, tc.end)
		}
	}
}

// TestMboxQuoting reads the mbox back with git mailsplit --mboxrd, which
// undoes the ">From " quoting.
func TestMboxQuoting(t *testing.T) {
	testtool.Path(t, "git", "git")
	raws := []string{
		"Subject: one\n\nFrom the start\n>From quoted\nplain\n",
		"Subject: two\n\nsecond body\n",
	}
	var rs []Reply
	for _, r := range raws {
		rs = append(rs, Reply{Raw: []byte(r)})
	}
	var buf bytes.Buffer
	if err := WriteMbox(&buf, rs); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mbox := filepath.Join(dir, "mbox")
	if err := os.WriteFile(mbox, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "mailsplit", "--mboxrd", "-o"+dir, mbox).CombinedOutput()
	if err != nil {
		t.Fatalf("git mailsplit: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "2" {
		t.Fatalf("git mailsplit: got %s mails, want 2", got)
	}
	for i, want := range raws {
		got, err := os.ReadFile(filepath.Join(dir, []string{"0001", "0002"}[i]))
		if err != nil {
			t.Fatal(err)
		}
		// mailsplit keeps the "From " line and the blank separator line.
		g := string(got)
		if !strings.HasPrefix(g, "From ") {
			t.Errorf("mail %d: got %q, want a \"From \" line first", i+1, g)
		}
		g = g[strings.IndexByte(g, '\n')+1:]
		if g = strings.TrimRight(g, "\n"); g != strings.TrimRight(want, "\n") {
			t.Errorf("mail %d: got %q, want %q", i+1, g, want)
		}
	}
}

// TestRobotGroupsFindings: two new findings in one function share one
// excerpt with both lines marked, after both vim hints.
func TestRobotGroupsFindings(t *testing.T) {
	run := fixtureRun()
	pr := &run.Results[1]
	pr.Findings[1].New = ptr(true)
	var buf bytes.Buffer
	if err := WriteRobot(&buf, run, RobotOptions{}); err != nil {
		t.Fatal(err)
	}
	body := buf.String()
	want := "vim +/tramp_setup +9 arch/s390/net/tramp.c\nvim +/tramp_setup +16 arch/s390/net/tramp.c\n\n     8\n>    9  int tramp_setup(struct tramp *t,\n"
	if !strings.Contains(body, want) {
		t.Errorf("body: got\n%s\nwant it to contain\n%s", body, want)
	}
	if !containsLine(body, ">   16  \tt->nr = ret;") {
		t.Errorf("body: line 16 not marked\n%s", body)
	}
	if n := strings.Count(body, "\n     8\n"); n != 1 {
		t.Errorf("body: got %d excerpts, want 1", n)
	}
}

func BenchmarkWriteRobot(b *testing.B) {
	run := fixtureRun()
	opt := RobotOptions{Now: func() time.Time { return time.Unix(0, 0) }}
	for b.Loop() {
		if err := WriteRobot(io.Discard, run, opt); err != nil {
			b.Fatal(err)
		}
	}
}
