package patchset

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// fixtureInputs returns the inputs and trees of the txtar fixtures, as
// fuzz seeds.
func fixtureInputs(f *testing.F) (inputs [][]byte, trees [][]byte) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "patchset", "*.txtar"))
	for _, name := range files {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			switch {
			case file.Name == "input":
				inputs = append(inputs, file.Data)
			case strings.HasPrefix(file.Name, "tree/"):
				trees = append(trees, file.Data)
			}
		}
	}
	return inputs, trees
}

// checkError fails unless err is nil or a one-line *Error.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %T %v, want *Error", err, err)
	}
	if strings.ContainsAny(err.Error(), "\n") || e.Input == "" || e.Msg == "" {
		t.Fatalf("got error %q, want one line naming the input", err)
	}
}

// FuzzParse feeds arbitrary bytes to Parse and applies what it accepts to a
// small tree: no panic, every error a one-line *Error.
func FuzzParse(f *testing.F) {
	inputs, _ := fixtureInputs(f)
	for _, in := range inputs {
		f.Add(in)
	}
	f.Add([]byte(plainPatch))
	f.Add([]byte("From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/1] x\n\n---\n" + plainPatch))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := Parse("fuzz", data)
		checkError(t, err)
		if err != nil {
			return
		}
		if len(ps) == 0 {
			t.Fatal("got no patches and no error")
		}
		for _, p := range ps {
			if len(p.Files) == 0 {
				t.Fatalf("%s: got a patch without file diffs", p.Source)
			}
			// go-diff's hunks agree with the counts the scanner checked.
			for _, fd := range p.Files {
				for k, h := range fd.Hunks {
					if _, _, _, _, _, err := images(h); err != nil {
						t.Fatalf("%s: hunk %d of %s: %v", p.Source, k+1, fd.NewName, err)
					}
				}
			}
		}
		_, err = Apply(MapReader{"f.c": []byte("a\nb\nc\n")}, ps)
		checkError(t, err)
	})
}

// FuzzApply applies arbitrary patches to arbitrary contents of f.c: no
// panic, every error a one-line *Error, and a hunk whose lines are all
// context leaves the file unchanged.
func FuzzApply(f *testing.F) {
	inputs, trees := fixtureInputs(f)
	for i, in := range inputs {
		tree := []byte("a\nb\nc\n")
		if len(trees) > 0 {
			tree = trees[i%len(trees)]
		}
		f.Add(tree, in)
	}
	f.Add([]byte("a\nb\nc\n"), []byte(plainPatch))
	f.Add([]byte("a\nb\nc"), []byte("--- a/f.c\n+++ b/f.c\n@@ -2,2 +2,2 @@\n b\n-c\n\\ No newline at end of file\n+C\n"))
	f.Fuzz(func(t *testing.T, src, patch []byte) {
		ps, err := Parse("fuzz.patch", patch)
		checkError(t, err)
		if err != nil {
			return
		}
		states, err := Apply(MapReader{"f.c": src, "g.c": src}, ps)
		checkError(t, err)
		if err != nil || len(ps) != 1 || len(ps[0].Files) != 1 {
			return
		}
		fd := ps[0].Files[0]
		if op, _ := operation(fd); op.kind != opModify {
			return
		}
		changes := false
		for _, h := range fd.Hunks {
			for _, l := range splitKeep(h.Body) {
				if len(l) > 0 && (l[0] == '+' || l[0] == '-') {
					changes = true
				}
			}
		}
		if !changes && string(states[0].Files[states[0].Touched[0]]) != string(src) {
			t.Fatalf("a context-only patch changed the file")
		}
	})
}
