package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/trampexec"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// knownExecFinding reports whether an output line is one of the two
// findings of trampexec on the real file (see its package documentation):
// the tail call counter of trampolines without arguments, or the context
// slot of a 3, 5, 6 or 7-byte structure passed by reference.
func knownExecFinding(l string) bool {
	return strings.Contains(l, "tail_call: ") && strings.Contains(l, "args=none") ||
		strings.Contains(l, "ctx: ") && strings.Contains(l, "is the address of the caller's copy")
}

// TestTrampexecDefault: trampexec is in the default set, is known to
// --checks, and "check --checks=trampexec" on the real file (with the tree
// and alone) reports the tail call counter of trampolines without
// arguments, at the backchain store that overwrites it, and the context
// of a structure passed by reference, with the flag.
func TestTrampexecDefault(t *testing.T) {
	def, err := namedChecks("")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(def, trampexec.Analyzer) {
		t.Errorf("default checks %v lack trampexec", def)
	}
	if !slices.Contains(checkNames(), "trampexec") {
		t.Errorf("check names %v lack trampexec", checkNames())
	}
	tree := ktree.Dir(t)
	path := filepath.Join(tree, ktree.JITFile)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gen := strings.Index(string(src), "static int __arch_prepare_bpf_trampoline(")
	store := strings.Index(string(src[gen:]), "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_1, REG_0, REG_15,")
	if gen < 0 || store < 0 {
		t.Fatal("real file lacks the generator's backchain store")
	}
	line := strings.Count(string(src[:gen+store]), "\n") + 1
	for _, args := range [][]string{
		{"check", "--checks=trampexec", "--tree", tree, path},
		{"check", "--checks=trampexec", path},
	} {
		out, errs, code := runCLI(t, "", args...)
		want := ":" + strconv.Itoa(line) + ":"
		found, byRef := false, false
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.Contains(l, ": warning: ") {
				continue // the quoted source line and caret
			}
			if !strings.HasSuffix(l, " [trampcheck:trampexec]") || !knownExecFinding(l) {
				t.Errorf("%v: got line %q, want the two known findings (tail_call of args=none, ctx of a structure by reference) ending with [trampcheck:trampexec]", args, l)
			}
			if strings.Contains(l, want) && strings.Contains(l, "caller's tail call counter") {
				found = true
			}
			if strings.Contains(l, "ctx: ") {
				byRef = true
			}
		}
		if code != exitFindings || !found || !byRef {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d, the caller's counter at line %d and the context of a structure by reference", args, code, out, errs, exitFindings, line)
		}
	}
}

// TestXcheckExec: "xcheck --exec" runs trampexec after the comparison over
// the set: on the real file over the covering set, the comparison is clean
// and the emulator reports the tail call counter of trampolines without
// arguments and the context of a structure by reference (exit 1); without --exec nothing of trampexec is printed.
func TestXcheckExec(t *testing.T) {
	path := filepath.Join(ktree.Dir(t), ktree.JITFile)
	out, errs, code := runCLI(t, "", "xcheck", "--configs", "covering", "--exec", path)
	var execLines, summary int
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		switch {
		case strings.HasSuffix(l, " [trampcheck:trampexec]"):
			execLines++
			if !knownExecFinding(l) {
				t.Errorf("got %q, want only the tail call counter of configurations without arguments and the context of a structure by reference", l)
			}
		case strings.HasPrefix(l, "xcheck --exec: "+path+": "):
			summary++
			if !strings.Contains(l, "(covering set)") || strings.Contains(l, " 0 with violations") {
				t.Errorf("got summary %q, want the covering set and some configurations with violations", l)
			}
		case strings.HasPrefix(l, "xcheck: "+path+": "):
			if !strings.Contains(l, " 0 divergences") {
				t.Errorf("got %q, want no divergence", l)
			}
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if code != exitFindings || execLines == 0 || summary != 1 {
		t.Errorf("exit %d, %d trampexec lines, %d summaries, stderr %q; want %d, some, 1", code, execLines, summary, errs, exitFindings)
	}
	out, _, code = runCLI(t, "", "xcheck", "--configs", "covering", path)
	if code != exitClean || strings.Contains(out, "trampexec") || strings.Contains(out, "--exec") {
		t.Errorf("without --exec: exit %d, output %q; want 0 and no trampexec line", code, out)
	}
}

// TestTrampexecHostileGenerator: a generator that never stops is stopped
// by the interpreter's limit, and "check --checks=trampexec" (alone)
// reports it at the line, not silence.
func TestTrampexecHostileGenerator(t *testing.T) {
	src := strings.Replace(hostileGenerator, "BODY", "\tfor (;;)\n\t\tacc++;", 1)
	line := 1 + strings.Count(src[:strings.Index(src, "for (;;)")], "\n")
	in := writeFile(t, t.TempDir(), "gen.c", src)
	out, errs, code := runCLI(t, "", "check", "--checks=trampexec", in)
	want := in + ":" + strconv.Itoa(line) + ":"
	found := false
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, want) && strings.Contains(l, "the generator fails: ") && strings.Contains(l, "step limit") && strings.HasSuffix(l, "[trampcheck:trampexec]") {
			found = true
		}
	}
	if code != exitFindings || errs != "" || !found {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the step limit at %s", code, out, errs, want)
	}
}

// TestTrampexecWriteBackPatch is the acceptance case: a patch
// deleting the write-back of the tail call counter after the call of the
// original function (the mvc to tccnt_off from tail_call_cnt, found from
// the text), checked with --checks=trampexec alone, gives a new finding
// at the final copy of the counter to the caller's frame (as the patched
// file numbers it) for CALL_ORIG configurations.
func TestTrampexecWriteBackPatch(t *testing.T) {
	tree := ktree.Dir(t)
	src := string(ktree.JIT(t))
	gen := strings.Index(src, "static int __arch_prepare_bpf_trampoline(")
	if gen < 0 {
		t.Fatal("real file lacks the generator")
	}
	lines := strings.SplitAfter(src, "\n")
	start := strings.Count(src[:gen], "\n")
	patched := ""
	for i := start; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "_EMIT6(0xd203f000 | tjit->tccnt_off,") && strings.Contains(lines[i+1], "offsetof(struct prog_frame, tail_call_cnt));") {
			patched = strings.Join(append(slices.Clone(lines[:i]), lines[i+2:]...), "")
			break
		}
	}
	if patched == "" {
		t.Fatal("real file lacks the write-back of the tail call counter")
	}
	copyBack := strings.Index(patched[gen:], "_EMIT6(0xd203f000 | (tjit->stack_size +")
	if copyBack < 0 {
		t.Fatal("real file lacks the final copy of the tail call counter")
	}
	line := strings.Count(patched[:gen+copyBack], "\n") + 1
	patch := "Subject: [PATCH] s390/bpf: drop the tail call counter write-back\n\n---\n" +
		unifiedDiff(t, ktree.JITFile, src, patched)
	out, errs, code := runCLI(t, patch, "check", "--checks=trampexec", "--tree", tree, "-")
	news, _ := findingLines(out)
	want := ktree.JITFile + ":" + strconv.Itoa(line) + ":"
	found := false
	for _, l := range news {
		if strings.HasPrefix(l, want) && strings.Contains(l, "tail_call: caller's tail call counter") && strings.Contains(l, "CALL_ORIG") && strings.HasSuffix(l, "[trampcheck:trampexec]") {
			found = true
		}
	}
	if code != exitFindings || !found {
		t.Errorf("exit %d, new findings %q, stderr %q; want 1 and a new tail call finding at %s for CALL_ORIG", code, news, errs, want)
	}
}
