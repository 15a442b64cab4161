package patchset

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// makeDiff commits old in a fresh repository, stages new ("\x00" deletes a
// file) and returns "git diff --cached" (renames detected).
func makeDiff(t *testing.T, old, new map[string]string) string {
	t.Helper()
	dir := newRepo(t, old)
	nw := map[string]string{}
	for k, v := range new {
		nw[k] = v
	}
	for p, c := range nw {
		if c == "\x00" {
			git(t, dir, "rm", "-q", p)
			delete(nw, p)
		}
	}
	writeFiles(t, dir, nw)
	git(t, dir, "add", "-A")
	return git(t, dir, "diff", "--cached", "-M")
}

func lines(s string, from, to int) string {
	ls := strings.SplitAfter(s, "\n")
	return strings.Join(ls[from-1:to], "")
}

func TestApplyLikeGit(t *testing.T) {
	base := cFile(10)
	f3 := strings.Replace(base, "x * 5;", "x * 50;", 1)
	f1f9 := strings.Replace(strings.Replace(base, "x * 3;", "x * 30;", 1), "x * 11;", "x * 110;", 1)
	drift := strings.Repeat("/* drift */\n", 9)
	block := "\tint a = 1;\n\tint b = 2;\n\tint c = 3;\n\tint d = 4;\n\tint e = 5;\n\tint f = 6;\n\tint g = 7;\n"
	dup := "void p(void)\n{\n" + block + "}\n\n" + strings.Repeat("/* pad */\n", 20) + "void q(void)\n{\n" + block + "}\n"
	dupNew := strings.Replace(dup, "void q(void)\n{\n\tint a = 1;\n\tint b = 2;\n\tint c = 3;\n\tint d = 4;", "void q(void)\n{\n\tint a = 1;\n\tint b = 2;\n\tint c = 3;\n\tint d = 40;", 1)
	pad := func(n int) string { return strings.Repeat("/* pad */\n", n) }
	mid := pad(10) + block + pad(10)
	midNew := strings.Replace(mid, "\tint d = 4;", "\tint d = 40;", 1)
	// twice holds block twice (0-based lines 19 and 29); twiceNew adds 10
	// lines at the top and changes the second copy: the second hunk must
	// be searched from its new-side line (git's rule), or it lands on the
	// first copy.
	twice := pad(19) + block + pad(3) + block + pad(10)
	twiceNew := pad(2) + strings.Repeat("/* new */\n", 10) + pad(17) + block + pad(3) + strings.Replace(block, "\tint d = 4;", "\tint d = 40;", 1) + pad(10)
	noEOL := strings.TrimSuffix(base, "\n")
	crlf := strings.ReplaceAll(base, "\n", "\r\n")
	tests := []struct {
		name     string
		old, new map[string]string
		drift    func(map[string]string) // changes the tree before applying
		mangle   func(string) string     // changes the patch
		wantErr  bool                    // expected outcome, also checked against git
		// gitApplies marks the one documented difference: git apply
		// matches a preimage whose last line lacks its newline against a
		// line that has one, and drops that newline; we refuse.
		gitApplies bool
	}{
		{name: "exact", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f3}},
		{
			name: "moved down", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f3},
			drift: func(m map[string]string) { m["f.c"] = drift + m["f.c"] },
		},
		{
			name: "moved up", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f3},
			drift: func(m map[string]string) { m["f.c"] = lines(m["f.c"], 3, strings.Count(m["f.c"], "\n")) },
		},
		{
			name: "two hunks moved apart", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f1f9},
			drift: func(m map[string]string) {
				m["f.c"] = strings.Replace(m["f.c"], "static int f5", drift+"static int f5", 1)
			},
		},
		{
			name: "nearest of two matches", old: map[string]string{"f.c": dup}, new: map[string]string{"f.c": dupNew},
			drift: func(m map[string]string) { m["f.c"] = strings.Replace(m["f.c"], "/* pad */\n", "", 15) },
		},
		{
			name: "nearest of two matches after", old: map[string]string{"f.c": dup}, new: map[string]string{"f.c": dupNew},
			drift: func(m map[string]string) { m["f.c"] = strings.Replace(m["f.c"], "/* pad */\n", drift, 1) },
		},
		{
			// The tree has the hunk's lines 4 lines before and 4 lines
			// after the stated place: git tries after first.
			name: "two matches at the same distance", old: map[string]string{"f.c": mid}, new: map[string]string{"f.c": midNew},
			drift: func(m map[string]string) { m["f.c"] = pad(6) + block + "/* filler */\n" + block + pad(10) },
		},
		{name: "search starts at the new-side line", old: map[string]string{"f.c": twice}, new: map[string]string{"f.c": twiceNew}},
		{
			name: "context changed", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f3},
			drift: func(m map[string]string) { m["f.c"] = strings.Replace(m["f.c"], "static int f3", "static long f3", 1) }, wantErr: true,
		},
		{
			name: "must match beginning", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": strings.Replace(base, "#include <stdio.h>", "#include <stdlib.h>", 1)},
			drift: func(m map[string]string) { m["f.c"] = "/* first */\n" + m["f.c"] }, wantErr: true,
		},
		{
			name: "must match end", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": base + "/* end */\n"},
			drift: func(m map[string]string) { m["f.c"] += "/* more */\n" }, wantErr: true,
		},
		{
			name: "appended at end", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": base + "/* end */\n"},
			drift: func(m map[string]string) { m["f.c"] = drift + m["f.c"] },
		},
		{name: "no newline at end changed", old: map[string]string{"f.c": noEOL}, new: map[string]string{"f.c": strings.Replace(noEOL, "return f0(1);\n}", "return f0(2);\n}", 1)}},
		{name: "newline added at end", old: map[string]string{"f.c": noEOL}, new: map[string]string{"f.c": base}},
		{name: "newline removed at end", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": noEOL}},
		{
			name: "no newline context, tree has newline", old: map[string]string{"f.c": noEOL}, new: map[string]string{"f.c": strings.Replace(noEOL, "return f0(1);", "return f0(3);", 1)},
			drift: func(m map[string]string) { m["f.c"] += "\n" }, wantErr: true, gitApplies: true,
		},
		{name: "new and deleted files", old: map[string]string{"f.c": base, "old.h": "#define OLD 1\n"}, new: map[string]string{"f.c": f3, "old.h": "\x00", "dir/new.h": "#define NEW 1\n"}},
		{name: "rename with change", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": "\x00", "g.c": f3}},
		{
			name: "empty context lines stripped by a mailer", old: map[string]string{"f.c": base}, new: map[string]string{"f.c": f3},
			mangle: func(p string) string { return strings.ReplaceAll(p, "\n \n", "\n\n") },
		},
		{name: "CRLF file", old: map[string]string{"f.c": crlf}, new: map[string]string{"f.c": strings.Replace(crlf, "x * 5;", "x * 50;", 1)}},
		{
			name: "CRLF file, LF tree", old: map[string]string{"f.c": crlf}, new: map[string]string{"f.c": strings.Replace(crlf, "x * 5;", "x * 50;", 1)},
			drift: func(m map[string]string) { m["f.c"] = base }, wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			patch := makeDiff(t, tc.old, tc.new)
			if tc.mangle != nil {
				patch = tc.mangle(patch)
			}
			tree := map[string]string{}
			for k, v := range tc.old {
				tree[k] = v
			}
			if tc.drift != nil {
				tc.drift(tree)
			}
			var paths []string
			for p := range tc.new {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			want, gitErr := gitApply(t, tree, []byte(patch), paths)
			if (gitErr != nil) != (tc.wantErr && !tc.gitApplies) {
				t.Fatalf("git apply: got error %v, want error %v", gitErr, tc.wantErr && !tc.gitApplies)
			}
			ps, err := Parse("x.patch", []byte(patch))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			mr := MapReader{}
			for k, v := range tree {
				mr[k] = []byte(v)
			}
			states, err := Apply(mr, ps)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Apply: got error %v, want error %v (git: %v)", err, tc.wantErr, gitErr)
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Input != "x.patch" || !strings.HasPrefix(e.Place, "hunk ") || !strings.HasPrefix(e.Msg, "does not apply at line ") {
					t.Errorf("got error %q, want x.patch: hunk N of FILE: does not apply at line L", err)
				}
				return
			}
			got := states[0].Files
			for _, p := range paths {
				w, inGit := want[p]
				g, inOurs := got[p]
				if inGit != inOurs || w != string(g) {
					t.Errorf("%s: got %q (present %v), want git's %q (present %v)", p, g, inOurs, w, inGit)
				}
				if !inOurs {
					continue
				}
				old := tree[p]
				if p == "g.c" {
					old = tree["f.c"] // the rename's source
				}
				if gotA, wantA := fmt.Sprint(states[0].Added[p]), fmt.Sprint(gitAddedLines(t, old, w)); gotA != wantA {
					t.Errorf("%s: got Added %s, want %s (git diff -U0)", p, gotA, wantA)
				}
			}
		})
	}
}
