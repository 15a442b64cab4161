package patchset

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plainPatch changes line 2 of a three-line file "a\nb\nc\n".
const plainPatch = "--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"

func TestParseErrors(t *testing.T) {
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	printable := []byte(strings.Map(func(r rune) rune {
		if r < 32 && r != '\n' {
			return 'x'
		}
		return r
	}, string(random)))
	manyMails := strings.Repeat("From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.com>\nSubject: [PATCH] x\n\n---\n"+plainPatch+"\n", MaxPatches+1)
	var manyHunks strings.Builder
	manyHunks.WriteString("--- a/f.c\n+++ b/f.c\n")
	for i := 0; i <= MaxHunks; i++ {
		manyHunks.WriteString("@@ -1 +1 @@\n-a\n+b\n")
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"NUL on line 3", []byte("a\nb\nc\x00\n"), "in: line 3: NUL byte: binary data, not a patch"},
		{"random bytes", random, "in: line 1: NUL byte: binary data, not a patch"},
		{"random text", printable, "in: no diff found"},
		{"long line", []byte("x\n" + strings.Repeat("y", MaxLineLength+1) + "\n"), "in: line 2: line longer than 1024 KiB"},
		{"too many patches", []byte(manyMails), "in: more than 1000 patches"},
		{"too many hunks", []byte(manyHunks.String()), "in: line 1: more than 10000 hunks in one patch"},
		{"too large", make([]byte, MaxInputSize+1), "in: input larger than 64 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("in", tc.input)
			var e *Error
			if !errors.As(err, &e) || err.Error() != tc.want {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLineEndings(t *testing.T) {
	tree := MapReader{"f.c": []byte("a\nb\nc\n")}
	mailText := "From: A <a@example.com>\nSubject: [PATCH] crlf\n\nMessage.\n---\n" + plainPatch
	tests := []struct {
		name    string
		input   string
		want    string // f.c after the patch, "" for an error
		wantErr string
	}{
		{"LF", plainPatch, "a\nB\nc\n", ""},
		{"CRLF mail (transport)", strings.ReplaceAll(mailText, "\n", "\r\n"), "a\nB\nc\n", ""},
		{"CRLF plain diff (transport)", strings.ReplaceAll(plainPatch, "\n", "\r\n"), "a\nB\nc\n", ""},
		{"CR in one context line", strings.Replace(plainPatch, " a\n", " a\r\n", 1), "", "in: hunk 1 of f.c: does not apply at line 1"},
		{"one CRLF mail in an mbox", "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n" +
			"From: A <a@example.com>\nSubject: [PATCH 0/1] cover\n\nCover.\n\n" +
			"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n" +
			strings.ReplaceAll(strings.Replace(mailText, "[PATCH]", "[PATCH 1/1]", 1), "\n", "\r\n"), "a\nB\nc\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := Parse("in", []byte(tc.input))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			st, err := Apply(tree, ps)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got := string(st[0].Files["f.c"]); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"arch/s390/net/bpf_jit_comp.c", "arch/s390/net/bpf_jit_comp.c", ""},
		{"./arch//s390/./x.c", "arch/s390/x.c", ""},
		{"x/", "x", ""},
		{"", "", "empty path"},
		{"/etc/passwd", "", "absolute path /etc/passwd"},
		{"a/../b", "", "path a/../b has a .. component"},
		{"..", "", "path .. has a .. component"},
		{"./.", "", "path ./. names no file"},
		{"a\x00b", "", "path contains a NUL byte"},
		{"..x/y", "..x/y", ""},
	}
	for _, tc := range tests {
		got, err := CleanPath(tc.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tc.want || gotErr != tc.err {
			t.Errorf("CleanPath(%q): got %q, %q, want %q, %q", tc.in, got, gotErr, tc.want, tc.err)
		}
	}
}

func TestReadPathErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	covers := filepath.Join(dir, "covers")
	writeFiles(t, covers, map[string]string{"0000-cover-letter.patch": "From: A <a@example.com>\nSubject: [PATCH 0/1] c\n\nBlurb.\n"})
	missing := filepath.Join(dir, "missing.patch")
	tests := []struct {
		path, want string
	}{
		{missing, missing + ": no such file or directory"},
		{empty, empty + ": directory holds no *.patch file"},
		{covers, covers + ": no patches found (only cover letters)"},
	}
	for _, tc := range tests {
		_, err := ReadPath(tc.path)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ReadPath(%s): got %v, want %q", tc.path, err, tc.want)
		}
	}
}

func TestNonUTF8Bytes(t *testing.T) {
	// Latin-1 bytes in the file and the patch are kept as bytes.
	tree := MapReader{"f.c": []byte("/* caf\xe9 */\nint x;\n")}
	patch := "--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,2 @@\n-/* caf\xe9 */\n+/* na\xefve \xff */\n int x;\n"
	ps, err := Parse("latin1.patch", []byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	st, err := Apply(tree, ps)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(st[0].Files["f.c"]), "/* na\xefve \xff */\nint x;\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestApplyPartialStates(t *testing.T) {
	// Patch 2 of 3 does not apply: the state of patch 1 comes back with
	// the error naming patch 2.
	one := "From: A <a@example.com>\nSubject: [PATCH 1/3] one\n\n---\n" + plainPatch
	two := "From: A <a@example.com>\nSubject: [PATCH 2/3] two\n\n---\n" + plainPatch
	three := "From: A <a@example.com>\nSubject: [PATCH 3/3] three\n\n---\n" + strings.ReplaceAll(plainPatch, "f.c", "g.c")
	sep := "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
	ps, err := Parse("s.mbox", []byte(sep+one+"\n"+sep+two+"\n"+sep+three))
	if err != nil {
		t.Fatal(err)
	}
	states, err := Apply(MapReader{"f.c": []byte("a\nb\nc\n"), "g.c": []byte("a\nb\nc\n")}, ps)
	if want := "s.mbox: mail 2: hunk 1 of f.c: does not apply at line 1"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if len(states) != 1 || string(states[0].Files["f.c"]) != "a\nB\nc\n" {
		t.Errorf("got %d states, want the state of patch 1", len(states))
	}
}
