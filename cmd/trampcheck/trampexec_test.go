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

// TestTrampexecOptIn: trampexec is not in the default set, is known to
// --checks, and "check --checks=trampexec" on the real file (with the tree
// and alone) reports the tail call counter of trampolines without
// arguments, at the final copy to the caller's frame, with the flag.
func TestTrampexecOptIn(t *testing.T) {
	def, err := namedChecks("")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(def, trampexec.Analyzer) {
		t.Errorf("default checks include trampexec, want it opt-in")
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
	copyBack := strings.Index(string(src[gen:]), "_EMIT6(0xd203f000 | (tjit->stack_size +")
	if gen < 0 || copyBack < 0 {
		t.Fatal("real file lacks the generator's final copy of the tail call counter")
	}
	line := strings.Count(string(src[:gen+copyBack]), "\n") + 1
	for _, args := range [][]string{
		{"check", "--checks=trampexec", "--tree", tree, path},
		{"check", "--checks=trampexec", path},
	} {
		out, errs, code := runCLI(t, "", args...)
		want := ":" + strconv.Itoa(line) + ":"
		found := false
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.Contains(l, ": warning: ") {
				continue // the quoted source line and caret
			}
			if !strings.HasSuffix(l, " [trampcheck:trampexec]") || !strings.Contains(l, "tail_call: ") || !strings.Contains(l, "args=none") {
				t.Errorf("%v: got line %q, want tail_call findings of args=none ending with [trampcheck:trampexec]", args, l)
			}
			if strings.Contains(l, want) && strings.Contains(l, "caller's tail call counter") {
				found = true
			}
		}
		if code != exitFindings || !found {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and the caller's counter at line %d", args, code, out, errs, exitFindings, line)
		}
	}
}
