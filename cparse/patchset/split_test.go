package patchset

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestSplitMboxGit splits the demo series and a hand-made list archive and
// compares each mail with what git mailsplit writes (trailing blank lines
// aside).
func TestSplitMboxGit(t *testing.T) {
	testtool.Path(t, "git", "git")
	demo, err := os.ReadFile("../../testdata/demo/series.mbox")
	if err != nil {
		t.Fatal(err)
	}
	archive := []byte("From alice@example.org Thu Nov 26 10:00:00 2026\nFrom: Alice <alice@example.org>\nSubject: question\n\nFrom the top: does this split?\n\nFrom bob@example.org Thu Nov 26 11:00:00 2026\nFrom: Bob <bob@example.org>\nSubject: Re: question\n\nno.\n")
	for name, data := range map[string][]byte{"demo": demo, "archive": archive} {
		t.Run(name, func(t *testing.T) {
			got := SplitMbox(data)
			dir := t.TempDir()
			in := filepath.Join(dir, "in.mbox")
			if err := os.WriteFile(in, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("git", "mailsplit", "--keep-cr", "-o"+dir, in).Output()
			if err != nil {
				t.Fatalf("git mailsplit: %v", err)
			}
			n := 0
			for _, c := range bytes.TrimSpace(out) {
				n = n*10 + int(c-'0')
			}
			if len(got) != n {
				t.Fatalf("got %d mails, git mailsplit %d", len(got), n)
			}
			for i, mail := range got {
				want, err := os.ReadFile(filepath.Join(dir, []string{"0001", "0002", "0003", "0004"}[i]))
				if err != nil {
					t.Fatal(err)
				}
				body := mail
				if !bytes.Equal(bytes.TrimRight(body, "\n"), bytes.TrimRight(want, "\n")) {
					t.Errorf("mail %d:\ngot  %q\nwant %q", i+1, body, want)
				}
			}
		})
	}
	if SplitMbox([]byte("diff --git a/x b/x\n")) != nil {
		t.Error("a diff is not an mbox: want nil")
	}
}
