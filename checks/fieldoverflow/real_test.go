package fieldoverflow

import (
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
)

// TestRealFile: in Linux 6.12 every bounded operand fits its field (the mvc
// length of the trampoline's stack arguments reaches 255 exactly).
func TestRealFile(t *testing.T) {
	for _, fd := range Check(jittest.Parse(t)) {
		t.Errorf("got finding at line %d in %s: %s, want none", fd.Line, fd.Func, fd.Message)
	}
}

// TestRealBound checks the bound the check derives for the trampoline's
// stack argument copy against the value computed by hand from the file's
// constants: MAX_NR_STACK_ARGS = MAX_MVC_SIZE / sizeof(u64) = 256 / 8.
func TestRealBound(t *testing.T) {
	f := jittest.Parse(t)
	b := newBounder(f, nil)
	hi, why, ok := b.guard("__arch_prepare_bpf_trampoline", "nr_stack_args")
	if !ok || hi != 256/8 {
		t.Errorf("got bound %d (%s, ok %v) for nr_stack_args, want %d", hi, why, ok, 256/8)
	}
}

func BenchmarkFieldoverflowJIT(b *testing.B) {
	f := jittest.Parse(b)
	jittest.BenchCPU(b, func() { Check(f) })
}
