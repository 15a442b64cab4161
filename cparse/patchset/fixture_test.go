package patchset

import (
	"errors"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFixtures runs the txtar archives of testdata/patchset. Each archive
// holds "input" (the patch input), "tree/PATH" files and "want/PATH"
// results; its comment holds "key: value" lines:
//
//	name: input name (default input.patch)
//	error: the exact error text expected from Parse or Apply
//	patches: number of patches
//	subject, title, from, date, msgid, inreplyto, index, total, version: of the last patch
//	to, cc, references: of the last patch, joined with " | "
//	body: of the last patch, Go-quoted
//	touched: of the last state, joined with " "
//	absent: a path that must not be in the last state
//	git: apply  (also run git apply on the tree and compare)
//	git: mailinfo  (the same after git mailinfo extracted the patch from the mail)
//
// txtar files always end in a newline: a file named NAME.noeol stands for
// NAME without its final newline.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "patchset", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			runFixture(t, ar)
		})
	}
}

func runFixture(t *testing.T, ar *txtar.Archive) {
	keys := map[string]string{}
	for _, l := range strings.Split(string(ar.Comment), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(l, "#") {
			keys[k] = v
		}
	}
	name := keys["name"]
	if name == "" {
		name = "input.patch"
	}
	var input []byte
	haveInput := false
	tree := MapReader{}
	want := map[string]string{}
	for _, f := range ar.Files {
		if n, ok := strings.CutSuffix(f.Name, ".noeol"); ok {
			f.Name, f.Data = n, []byte(strings.TrimSuffix(string(f.Data), "\n"))
		}
		switch {
		case f.Name == "input":
			input, haveInput = f.Data, true
		case strings.HasPrefix(f.Name, "tree/"):
			tree[strings.TrimPrefix(f.Name, "tree/")] = f.Data
		case strings.HasPrefix(f.Name, "want/"):
			want[strings.TrimPrefix(f.Name, "want/")] = string(f.Data)
		default:
			t.Fatalf("unknown fixture file %s", f.Name)
		}
	}
	if !haveInput {
		t.Fatal("fixture has no input")
	}
	check := func(err error, final bool) bool {
		t.Helper()
		wantErr, expectErr := keys["error"]
		if err == nil {
			if expectErr && final {
				t.Fatalf("got no error, want %q", wantErr)
			}
			return false
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got error %T %v, want *Error", err, err)
		}
		if err.Error() != wantErr {
			t.Fatalf("got error %q, want %q", err, wantErr)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("got multi-line error %q", err)
		}
		return true
	}
	ps, err := Parse(name, input)
	if check(err, len(tree) == 0) {
		return
	}
	if n := keys["patches"]; n != "" && strconv.Itoa(len(ps)) != n {
		t.Errorf("got %d patches, want %s", len(ps), n)
	}
	last := ps[len(ps)-1]
	fields := map[string]string{
		"subject": last.Subject, "title": last.Title, "from": last.From, "date": last.Date,
		"msgid": last.MessageID, "inreplyto": last.InReplyTo,
		"index": strconv.Itoa(last.Index), "total": strconv.Itoa(last.Total), "version": strconv.Itoa(last.Version),
		"to": strings.Join(last.To, " | "), "cc": strings.Join(last.Cc, " | "), "references": strings.Join(last.References, " | "),
		"body": strconv.Quote(last.Body), "source": last.Source,
	}
	for k, got := range fields {
		if w, ok := keys[k]; ok && got != w {
			t.Errorf("%s: got %s, want %s", k, got, w)
		}
	}
	if len(tree) == 0 && len(want) == 0 {
		return
	}
	states, err := Apply(tree, ps)
	if g := keys["git"]; g != "" {
		gitCheck(t, g, tree, input, want, err)
	}
	if check(err, true) {
		return
	}
	st := states[len(states)-1]
	for p, w := range want {
		if got, ok := st.Files[p]; !ok || string(got) != w {
			t.Errorf("%s: got %q (present %v), want %q", p, got, ok, w)
		}
	}
	if a := keys["absent"]; a != "" {
		if _, ok := st.Files[a]; ok {
			t.Errorf("%s: present, want absent", a)
		}
	}
	if w, ok := keys["touched"]; ok && strings.Join(st.Touched, " ") != w {
		t.Errorf("touched: got %q, want %q", strings.Join(st.Touched, " "), w)
	}
}

// gitCheck runs git apply on the fixture and compares its outcome with ours.
func gitCheck(t *testing.T, how string, tree MapReader, input []byte, want map[string]string, ourErr error) {
	t.Helper()
	if how == "mailinfo" {
		input = gitMailinfo(t, input)
	}
	files := map[string]string{}
	for p, c := range tree {
		files[p] = string(c)
	}
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	got, err := gitApply(t, files, input, paths)
	if (err != nil) != (ourErr != nil) {
		t.Fatalf("git apply: got error %v, ours %v", err, ourErr)
	}
	for _, p := range paths {
		if got[p] != want[p] {
			t.Errorf("git apply: %s is %q, fixture wants %q", p, got[p], want[p])
		}
	}
}
