package interp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// TestRealFileMatchesReference runs the real 6.12 generator over the
// covering configurations and compares with the Go reference.
func TestRealFileMatchesReference(t *testing.T) {
	m := compileSrc(t, ktree.JITFile, ktree.JIT(t)).NewMachine(Limits{})
	cov := tramp.Covering()
	bad := 0
	for i, tc := range cov {
		cfg, err := FromTramp(tc)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Run(&cfg)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		ref, rerr := tramp.Generate(tc)
		var rej *tramp.RejectError
		if errors.As(rerr, &rej) {
			if r.Ret != -int(rej.Errno) {
				bad++
				if bad < 5 {
					t.Errorf("config %d: got ret %d, want %v", i, r.Ret, rerr)
				}
			}
			continue
		}
		if rerr != nil {
			t.Fatal(rerr)
		}
		if !bytes.Equal(r.Code, ref.Code) || r.Size != ref.Size {
			bad++
			if bad < 5 {
				t.Errorf("config %d (%s): got code\n%x\nwant\n%x", i, tramp.Matrix().Describe(tramp.CoveringPoints()[i]), r.Code, ref.Code)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d configurations diverge", bad, len(cov))
	}
}

// TestDeletedLines deletes, one at a time, every fifth line of the
// trampoline code of the real file and checks that compiling and running
// the result never panics: it either works or fails with one error.
func TestDeletedLines(t *testing.T) {
	src := ktree.JIT(t)
	lines := bytes.SplitAfter(src, []byte("\n"))
	start, end := -1, -1
	for i, l := range lines {
		if bytes.Contains(l, []byte("static void load_imm64(")) {
			start = i
		}
		if bytes.Contains(l, []byte("bool bpf_jit_supports_subprog_tailcalls(")) {
			end = i
		}
	}
	if start < 0 || end < start {
		t.Fatal("the real file lost the trampoline code")
	}
	cfg, err := FromTramp(tramp.Covering()[7])
	if err != nil {
		t.Fatal(err)
	}
	compiled, failed := 0, 0
	for i := start; i < end; i += 5 {
		mut := bytes.Join(append(append([][]byte{}, lines[:i]...), lines[i+1:]...), nil)
		f, err := cparse.Parse(ktree.JITFile, mut, cparse.Options{})
		if err != nil {
			continue
		}
		p, err := Compile(f, nil)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Errorf("line %d deleted: %v", i+1, err)
			}
			failed++
			t.Logf("line %d deleted: %v", i+1, err)
			continue
		}
		compiled++
		if _, err := p.NewMachine(Limits{Steps: 100000}).Run(&cfg); err != nil && strings.Contains(err.Error(), "internal error") {
			t.Errorf("line %d deleted: %v", i+1, err)
		}
	}
	t.Logf("%d variants compiled, %d refused with an error", compiled, failed)
}
