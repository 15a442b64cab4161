package patchset

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// seriesRepo builds a repository with a base commit and a series of three
// commits, and returns it with the base commit's id.
func seriesRepo(t *testing.T) (dir, base string) {
	t.Helper()
	f := cFile(12)
	dir = newRepo(t, map[string]string{"src/f.c": f, "src/h.h": "#define H 1\n"})
	base = strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	f1 := strings.Replace(f, "x * 5;", "x * 50;", 1)
	commit(t, dir, "s390/bpf: change f3\n\nExplain the change.\n\nSigned-off-by: A U Thor <author@example.com>", map[string]string{"src/f.c": f1})
	n := "int n(void)\n{\n\treturn 1;\n}\n\nint n2(void)\n{\n\treturn 2;\n}\n"
	f2 := strings.Replace(f1, "x * 12;", "x * 120;", 1)
	commit(t, dir, "s390/bpf: add n.c and change f10\n\nFrom here on the mbox must quote this line.\n>From and this one too.\n\nSigned-off-by: A U Thor <author@example.com>",
		map[string]string{"src/f.c": f2, "src/n.c": n})
	commit(t, dir, "s390/bpf: rename n.c, drop h.h", map[string]string{"src/n.c": "\x00", "src/h.h": "\x00", "src/m.c": strings.Replace(n, "return 2;", "return 3;", 1)})
	return dir, base
}

// oracle is what git says about the series.
type oracle struct {
	titles, bodies []string
	trees          []map[string]string // files of each commit (base first)
}

func gitOracle(t *testing.T, dir, base string) oracle {
	t.Helper()
	var o oracle
	revs := strings.Fields(git(t, dir, "rev-list", "--reverse", base+"..HEAD"))
	for _, r := range append([]string{base}, revs...) {
		tree := map[string]string{}
		for _, p := range strings.Fields(git(t, dir, "ls-tree", "-r", "--name-only", r)) {
			tree[p] = git(t, dir, "show", r+":"+p)
		}
		o.trees = append(o.trees, tree)
	}
	for _, r := range revs {
		o.titles = append(o.titles, strings.TrimSpace(git(t, dir, "log", "-1", "--format=%s", r)))
		o.bodies = append(o.bodies, strings.TrimSpace(git(t, dir, "log", "-1", "--format=%b", r)))
	}
	return o
}

func TestSeriesForms(t *testing.T) {
	dir, base := seriesRepo(t)
	o := gitOracle(t, dir, base)
	out := t.TempDir()
	git(t, dir, "format-patch", "-q", "--cover-letter", "-v2", "-o", filepath.Join(out, "dir"), base)
	mbox := git(t, dir, "format-patch", "--cover-letter", "--stdout", "--thread", "--to=Bpf List <bpf@vger.kernel.org>",
		"--cc=Ilya <iii@example.com>", "--cc=\"Doe, John\" <john@example.com>", base)
	mboxrd := git(t, dir, "format-patch", "--stdout", "--pretty=mboxrd", base)
	// A real mbox: "From addr date" separators instead of git's.
	realMbox := regexp.MustCompile(`(?m)^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$`).
		ReplaceAllString(mboxrd, "From author@example.com Tue Jan  2 03:04:05 2024")
	write := func(name, s string) string {
		p := filepath.Join(out, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dirNames, _ := filepath.Glob(filepath.Join(out, "dir", "v2-000[1-9]-*.patch"))
	tests := []struct {
		name      string
		path      string
		stdin     bool
		sources   []string
		version   int
		wantTotal int
	}{
		{"directory", filepath.Join(out, "dir"), false, dirNames, 2, 3},
		{"mbox", write("series.mbox", mbox), false, []string{"series.mbox: mail 2", "series.mbox: mail 3", "series.mbox: mail 4"}, 1, 3},
		{"mboxrd", write("rd.mbox", mboxrd), false, []string{"rd.mbox: mail 1", "rd.mbox: mail 2", "rd.mbox: mail 3"}, 1, 3},
		{"real mbox", write("real.mbox", realMbox), false, []string{"real.mbox: mail 1", "real.mbox: mail 2", "real.mbox: mail 3"}, 1, 3},
		{"stdin", write("stdin.mbox", mbox), true, []string{"<stdin>: mail 2", "<stdin>: mail 3", "<stdin>: mail 4"}, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ps []*Patch
			var err error
			if tc.stdin {
				f, ferr := os.Open(tc.path)
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer func() { _ = f.Close() }() // read only: nothing to flush
				saved := os.Stdin
				os.Stdin = f
				ps, err = ReadPath("-")
				os.Stdin = saved
			} else {
				ps, err = ReadPath(tc.path)
			}
			if err != nil {
				t.Fatalf("ReadPath: %v", err)
			}
			if len(ps) != 3 {
				t.Fatalf("got %d patches, want 3", len(ps))
			}
			for k, p := range ps {
				src := tc.sources[k]
				if !filepath.IsAbs(src) {
					src = filepath.Join(out, src)
					if tc.stdin {
						src = tc.sources[k]
					}
				}
				if p.Source != src {
					t.Errorf("patch %d: got Source %q, want %q", k+1, p.Source, src)
				}
				if p.Title != o.titles[k] {
					t.Errorf("patch %d: got Title %q, want %q", k+1, p.Title, o.titles[k])
				}
				if strings.TrimSpace(p.Body) != o.bodies[k] {
					t.Errorf("patch %d: got Body %q, want %q", k+1, p.Body, o.bodies[k])
				}
				if p.Index != k+1 || p.Total != tc.wantTotal || p.Version != tc.version {
					t.Errorf("patch %d: got %d/%d v%d, want %d/%d v%d", k+1, p.Index, p.Total, p.Version, k+1, tc.wantTotal, tc.version)
				}
				if p.From != "A U Thor <author@example.com>" {
					t.Errorf("patch %d: got From %q, want %q", k+1, p.From, "A U Thor <author@example.com>")
				}
			}
			checkStates(t, ps, o)
		})
	}
	t.Run("thread headers", func(t *testing.T) {
		ps, err := Parse("series.mbox", []byte(mbox))
		if err != nil {
			t.Fatal(err)
		}
		cover := regexp.MustCompile(`(?m)^Message-Id: (<[^>]+>)`).FindStringSubmatch(mbox)[1]
		for k, p := range ps {
			if p.InReplyTo != cover {
				t.Errorf("patch %d: got In-Reply-To %q, want %q", k+1, p.InReplyTo, cover)
			}
			if len(p.References) != 1 || p.References[0] != cover {
				t.Errorf("patch %d: got References %q, want [%s]", k+1, p.References, cover)
			}
			if p.MessageID == "" || p.MessageID == cover {
				t.Errorf("patch %d: got Message-ID %q, want its own", k+1, p.MessageID)
			}
			wantTo := []string{"Bpf List <bpf@vger.kernel.org>"}
			wantCc := []string{"Ilya <iii@example.com>", `"Doe, John" <john@example.com>`}
			if strings.Join(p.To, "|") != strings.Join(wantTo, "|") || strings.Join(p.Cc, "|") != strings.Join(wantCc, "|") {
				t.Errorf("patch %d: got To %q Cc %q, want %q %q", k+1, p.To, p.Cc, wantTo, wantCc)
			}
		}
	})
}

// checkStates applies ps to the base tree of o and compares each state with
// git's commit.
func checkStates(t *testing.T, ps []*Patch, o oracle) {
	t.Helper()
	tree := MapReader{}
	for p, c := range o.trees[0] {
		tree[p] = []byte(c)
	}
	states, err := Apply(tree, ps)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for k, st := range states {
		want := o.trees[k+1]
		for p, c := range st.Files {
			if want[p] != c2s(c) {
				t.Errorf("state %d: %s differs from git's commit", k+1, p)
			}
		}
		for _, p := range st.Touched {
			_, inState := st.Files[p]
			_, inGit := want[p]
			if inState != inGit {
				t.Errorf("state %d: %s present %v, git has it %v", k+1, p, inState, inGit)
			}
		}
		for p, c := range st.Base {
			if o.trees[0][p] != c2s(c) {
				t.Errorf("state %d: base of %s differs from the base commit", k+1, p)
			}
		}
	}
	wantTouched := [][]string{{"src/f.c"}, {"src/f.c", "src/n.c"}}
	for k, w := range wantTouched {
		if got := strings.Join(states[k].Touched, " "); got != strings.Join(w, " ") {
			t.Errorf("state %d: got Touched %q, want %q", k+1, got, w)
		}
	}
	last := states[2]
	if _, ok := last.Files["src/n.c"]; ok {
		t.Errorf("state 3: renamed src/n.c still present")
	}
	if _, ok := last.Files["src/h.h"]; ok {
		t.Errorf("state 3: deleted src/h.h still present")
	}
}

func c2s(b []byte) string { return string(b) }
