package patchset

import (
	"strings"
	"testing"
)

// TestSubjectLikeMailinfo compares Title with the subject git mailinfo
// keeps, and Index/Total/Version with the prefix as written.
func TestSubjectLikeMailinfo(t *testing.T) {
	needGit(t)
	tests := []struct {
		subject               string
		index, total, version int
	}{
		{"[PATCH bpf-next v2 29/31] s390/bpf: Implement arch_prepare_bpf_trampoline()", 29, 31, 2},
		{"[PATCH] s390/bpf: fix", 0, 0, 1},
		{"[RFC PATCH v3 03/10] s390/bpf: rfc", 3, 10, 3},
		{"Re: [PATCH v2 1/2] s390/bpf: reply", 1, 2, 2},
		{"[PATCH 2/2] [s390] bpf: two brackets", 2, 2, 1},
		{"s390/bpf: no prefix", 0, 0, 0},
		{"[PATCH V4 5/6] upper-case version", 5, 6, 4},
		{"=?UTF-8?q?[PATCH_1/1]_s390/bpf:_encoded_=C3=BC?=", 1, 1, 1},
	}
	for _, tc := range tests {
		mailText := "From: A <a@example.com>\nSubject: " + tc.subject + "\n\nBody.\n---\n" + plainPatch
		ps, err := Parse("in", []byte(mailText))
		if err != nil {
			t.Fatalf("%s: %v", tc.subject, err)
		}
		p := ps[0]
		dir := t.TempDir()
		out, err := gitErr(dir, []byte(mailText), "mailinfo", "-u", "msg", "patch")
		if err != nil {
			t.Fatalf("git mailinfo: %v\n%s", err, out)
		}
		var want string
		for _, l := range strings.Split(out, "\n") {
			if s, ok := strings.CutPrefix(l, "Subject: "); ok {
				want = s
			}
		}
		if p.Title != want {
			t.Errorf("%q: got Title %q, want git mailinfo's %q", tc.subject, p.Title, want)
		}
		if p.Index != tc.index || p.Total != tc.total || p.Version != tc.version {
			t.Errorf("%q: got %d/%d v%d, want %d/%d v%d", tc.subject, p.Index, p.Total, p.Version, tc.index, tc.total, tc.version)
		}
	}
}
