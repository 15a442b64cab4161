package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// retvalEdit returns the real file with the return value stored one slot
// too high in the fexit path (the edit of the trampxcheck documentation).
func retvalEdit(t *testing.T, src []byte) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(src), "\n")
	start := -1
	for i, l := range lines {
		if strings.Contains(l, "static int __arch_prepare_bpf_trampoline(") {
			start = i
		}
		// The store after the call of the original function.
		if start >= 0 && strings.Contains(l, "/* stg %r2,retval_off(%r15) */") && i+2 < len(lines) &&
			strings.Contains(lines[i+2], "tjit->retval_off);") && strings.Contains(lines[i+1], "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2") {
			lines[i+2] = strings.Replace(lines[i+2], "tjit->retval_off);", "tjit->retval_off + 8);", 1)
			return []byte(strings.Join(lines, ""))
		}
	}
	t.Fatal("the real file lost the retval store")
	return nil
}

// TestXcheckCLI runs the xcheck command on the real file (clean), an edited
// file (a finding at the edited EMIT), a patch made by git diff (codegen
// change reported) and bad inputs (one error line, status 2).
func TestXcheckCLI(t *testing.T) {
	src := ktree.JIT(t)
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	jit := filepath.Join(tree, ktree.JITFile)
	if err := os.MkdirAll(filepath.Dir(jit), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jit, src, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := retvalEdit(t, src)
	badFile := filepath.Join(dir, "bad.c")
	if err := os.WriteFile(badFile, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.c")
	if err := os.WriteFile(other, []byte("static int f(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := regexp.MustCompile(`(?m)^xcheck: .*: ` + strconv.Itoa(len(tramp.CoveringPoints())) + ` configurations \(covering set\), (\d+) divergences, (\d+) findings, \d+ configurations/s; environment: documented 6.12 values \(` + regexp.QuoteMeta(tree) + ` has no include/linux/bpf.h\)$`)

	out, errs, code := refCLI("xcheck", "--configs", "covering", "--tree", tree)
	if code != exitClean || !summary.MatchString(out) || !strings.Contains(out, " 0 divergences, 0 findings") {
		t.Errorf("real file: got status %d, stdout %q, stderr %q; want 0 and a clean summary", code, out, errs)
	}

	// Three shards of the covering set: 555 + 555 + 554 configurations.
	total := 0
	for _, k := range []string{"1/3", "2/3", "3/3"} {
		out, errs, code := refCLI("xcheck", "--configs", "covering", "--shard", k, "--tree", tree)
		m := regexp.MustCompile(`: (\d+) configurations \(covering set, shard ` + k + `\), 0 divergences`).FindStringSubmatch(out)
		if code != exitClean || m == nil {
			t.Fatalf("shard %s: got status %d, stdout %q, stderr %q", k, code, out, errs)
		}
		total += atoi(m[1])
	}
	if want := len(tramp.CoveringPoints()); total != want {
		t.Errorf("shards: got %d configurations in all, want %d", total, want)
	}

	out, errs, code = refCLI("xcheck", "--configs", "covering", badFile)
	finding := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(badFile) + `:(\d+): emits stg %r2,(\d+)\(%r15\), reference stg %r2,(\d+)\(%r15\) \[.*\[trampcheck:trampxcheck\]$`)
	m := finding.FindStringSubmatch(out)
	if code != exitFindings || m == nil {
		t.Fatalf("edited file: got status %d, stdout %q, stderr %q; want 1 and a stg finding", code, out, errs)
	}
	editLine := 0
	for i, l := range strings.Split(string(bad), "\n") {
		if strings.Contains(l, "tjit->retval_off + 8);") {
			editLine = i + 1
		}
	}
	if m[1] != strconv.Itoa(editLine-1) {
		t.Errorf("edited file: got the finding at line %s, want the EMIT at line %d", m[1], editLine-1)
	}
	if atoi(m[2]) != atoi(m[3])+8 {
		t.Errorf("edited file: got displacement %s vs reference %s, want 8 more", m[2], m[3])
	}

	// A patch made by git from the same edit. The store follows the call of
	// the traced function, so only CALL_ORIG configurations change.
	git := testtool.Path(t, "git", "git")
	badTree := filepath.Join(dir, "b", ktree.JITFile)
	if err := os.MkdirAll(filepath.Dir(badTree), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(badTree, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(git, "diff", "--no-index", "--no-prefix", "tree/"+ktree.JITFile, "b/"+ktree.JITFile)
	cmd.Dir = dir
	diff, _ := cmd.Output() // status 1: the files differ
	// git diff --no-index names the files as given; make them tree-relative.
	patch := strings.NewReplacer("tree/"+ktree.JITFile, "a/"+ktree.JITFile, "b/"+ktree.JITFile, "b/"+ktree.JITFile).Replace(string(diff))
	patchFile := filepath.Join(dir, "0001-retval.patch")
	if err := os.WriteFile(patchFile, []byte(patch), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = refCLI("xcheck", "--configs", "covering", "--tree", tree, patchFile)
	change := regexp.MustCompile(`(?m)^xcheck: .*0001-retval.patch: codegen changes in (\d+) of ` + strconv.Itoa(len(tramp.CoveringPoints())) + ` configurations \(covering set, all with CALL_ORIG[^)]*\); first at offset \d+: base stg %r2,\d+\(%r15\), patched stg %r2,\d+\(%r15\)`)
	if code != exitFindings || !change.MatchString(out) || !finding.MatchString(strings.ReplaceAll(out, ktree.JITFile, badFile)) {
		t.Errorf("patch: got status %d, stdout %q, stderr %q; want 1, the codegen change and the finding", code, out, errs)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"xcheck", filepath.Join(dir, "missing.c")}, "trampcheck xcheck: open " + filepath.Join(dir, "missing.c") + ": no such file or directory\n"},
		{[]string{"xcheck", other}, "trampcheck xcheck: " + other + ": no __arch_prepare_bpf_trampoline definition: not the s390x BPF JIT\n"},
		{[]string{"xcheck", "--configs", "most", other}, "trampcheck xcheck: --configs most: want full, covering or sample:N\n"},
		{[]string{"xcheck", patchFile}, "trampcheck xcheck: " + patchFile + ": a patch needs --tree (the base it applies to)\n"},
		{[]string{"xcheck", "--shard", "4/3", other}, "trampcheck xcheck: --shard 4/3: want K/N with 1 <= K <= N\n"},
		{[]string{"xcheck", "--env", "--tree", filepath.Join(dir, "none")}, "trampcheck xcheck: --tree " + filepath.Join(dir, "none") + ": no such file or directory\n"},
		{[]string{"xcheck", "--tree", other}, "trampcheck xcheck: --tree " + other + ": not a directory\n"},
	} {
		out, errs, code := refCLI(tt.args...)
		if code != exitError || errs != tt.want || out != "" {
			t.Errorf("%v: got status %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, out, errs, tt.want)
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestXcheckHeaderPatch checks that the environment model follows the
// headers of the tree as a patch leaves them: a patch that only grows
// struct bpf_tramp_run_ctx by a member before bpf_cookie changes the
// frame the real file's generator builds, so xcheck reports a codegen
// change and divergences from the 6.12 reference, while the tree itself
// is clean in its own headers' model.
func TestXcheckHeaderPatch(t *testing.T) {
	tree := ktree.Dir(t)
	git := testtool.Path(t, "git", "git")
	const hdr = "include/linux/bpf.h"
	orig, err := os.ReadFile(filepath.Join(tree, hdr))
	if err != nil {
		t.Fatal(err)
	}
	const member = "struct bpf_tramp_run_ctx {\n\tstruct bpf_run_ctx run_ctx;\n"
	if !strings.Contains(string(orig), member) {
		t.Fatalf("%s lost struct bpf_tramp_run_ctx", hdr)
	}
	dir := t.TempDir()
	for _, side := range []string{"a", "b"} {
		p := filepath.Join(dir, side, hdr)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data := orig
		if side == "b" {
			data = []byte(strings.Replace(string(orig), member, member+"\tu64 trampcheck_pad;\n", 1))
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(git, "diff", "--no-index", "--no-prefix", "a/"+hdr, "b/"+hdr)
	cmd.Dir = dir
	diff, _ := cmd.Output() // status 1: the files differ
	patch := filepath.Join(dir, "0001-pad.patch")
	if err := os.WriteFile(patch, diff, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errs, code := refCLI("xcheck", "--configs", "covering", "--tree", tree)
	if code != exitClean || !strings.Contains(out, " 0 divergences, 0 findings") || !strings.HasSuffix(out, "; environment: headers of "+tree+"\n") {
		t.Errorf("tree: got status %d, stdout %q, stderr %q; want 0, clean, in the tree's model", code, out, errs)
	}
	out, errs, code = refCLI("xcheck", "--configs", "covering", "--tree", tree, patch)
	change := regexp.MustCompile(`(?m)^xcheck: .*0001-pad.patch: codegen changes in (\d+) of \d+ configurations`)
	m := change.FindStringSubmatch(out)
	if code != exitFindings || m == nil || atoi(m[1]) == 0 || !strings.Contains(out, "[trampcheck:trampxcheck]") ||
		!strings.HasSuffix(out, "; environment: headers of "+tree+"\n") {
		t.Errorf("patch: got status %d, stdout %q, stderr %q; want 1, a codegen change, findings, the tree's model", code, out, errs)
	}
	// The model printed for the tree names each value's header line.
	out, _, code = refCLI("xcheck", "--env", "--tree", tree)
	if code != exitClean || !regexp.MustCompile(`(?m)^offsetof\(struct bpf_tramp_run_ctx, bpf_cookie\) = 0 \(include/linux/bpf.h:\d+\)$`).MatchString(out) {
		t.Errorf("--env: got status %d, stdout %q", code, out)
	}
}
