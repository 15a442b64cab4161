package cexpr

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse/interp"
)

// TestKernelConsts: the constants the encoding checks evaluate with are
// Linux 6.12's (the values docs/kernel-ground-truth.md records), and those
// of the environment model come from it.
func TestKernelConsts(t *testing.T) {
	want := map[string]int64{
		"BPF_REG_0": 0, "BPF_REG_1": 1, "BPF_REG_2": 2, "BPF_REG_3": 3, "BPF_REG_4": 4,
		"BPF_REG_5": 5, "BPF_REG_6": 6, "BPF_REG_7": 7, "BPF_REG_8": 8, "BPF_REG_9": 9,
		"BPF_REG_10": 10, "BPF_REG_FP": 10, "BPF_REG_AX": 11,
		"MAX_BPF_REG": 11, "MAX_BPF_EXT_REG": 12, "MAX_BPF_JIT_REG": 12,
		"STACK_FRAME_OVERHEAD": 160, "MAX_TAIL_CALL_CNT": 33, "MAX_BPF_FUNC_ARGS": 12,
		"BPF_MAX_TRAMP_LINKS": 27, "BPF_FETCH": 1, "BPF_ADD": 0, "true": 1, "false": 0, "NULL": 0,
	}
	for name, v := range want {
		if got, ok := KernelConsts[name]; !ok || got != v {
			t.Errorf("%s: got %d (present %v), want %d", name, got, ok, v)
		}
	}
	if len(KernelConsts) != len(want) {
		t.Errorf("got %d constants, want %d", len(KernelConsts), len(want))
	}
	model := interp.DefaultEnv()
	for _, name := range modelConsts {
		if _, ok := model.Const(name); !ok {
			t.Errorf("%s: got no value in the environment model, want one", name)
		}
	}
}
