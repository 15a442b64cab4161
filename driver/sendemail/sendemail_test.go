package sendemail

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestCollect: one mail with a diff gives its patch; a cover letter and a
// mail without a diff give nothing to check, without an error.
func TestCollect(t *testing.T) {
	patch, err := os.ReadFile("../../testdata/demo/series/0001-s390-bpf-Restore-the-argument-registers-after-the-ca.patch")
	if err != nil {
		t.Fatal(err)
	}
	cover, err := os.ReadFile("../../testdata/demo/series/0000-cover-letter.patch")
	if err != nil {
		t.Fatal(err)
	}
	ps, mails, err := Collect("0001.patch", patch, 0, 0)
	if err != nil || len(ps) != 1 || len(mails) != 1 || ps[0].Subject != "[PATCH 1/2] s390/bpf: Restore the argument registers after the call" {
		t.Errorf("patch mail: got %d patches, %d mails, %v; want the demo's patch 1", len(ps), len(mails), err)
	}
	for name, mail := range map[string][]byte{
		"cover letter": cover,
		"no diff":      []byte("From: a@example.org\nSubject: [PATCH] words\n\nno diff here\n"),
	} {
		if ps, _, err := Collect(name, mail, 0, 0); ps != nil || err != nil {
			t.Errorf("%s: got %d patches, %v; want nothing to check", name, len(ps), err)
		}
	}
}

// TestScript: the hook runs the binary it names, quoted for sh, and
// carries the signature Install looks for.
func TestScript(t *testing.T) {
	testtool.Path(t, "sh", "dash")
	bin := "/opt/it's here/trampcheck"
	s := Script(bin)
	if !strings.Contains(s, Signature) {
		t.Errorf("script lacks the signature:\n%s", s)
	}
	out, err := exec.Command("sh", "-c", "tc="+ShellQuote(bin)+"; printf %s \"$tc\"").Output()
	if err != nil || string(out) != bin {
		t.Errorf("ShellQuote(%q) through sh: got %q, %v", bin, out, err)
	}
}
