package cexpr

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
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
	consts := Consts(nil)
	for name, v := range want {
		if got, ok := consts[name]; !ok || got.Value != v {
			t.Errorf("%s: got %d (present %v), want %d", name, got.Value, ok, v)
		}
	}
	if len(consts) != len(want) {
		t.Errorf("got %d constants, want %d", len(consts), len(want))
	}
	model := interp.DefaultEnv()
	for _, name := range KernelNames {
		if _, ok := model.Const(name); !ok {
			t.Errorf("%s: got no value in the environment model, want one", name)
		}
		if src := consts[name].Source; src != interp.DocumentedSource {
			t.Errorf("%s: got source %q, want %q", name, src, interp.DocumentedSource)
		}
	}
	for _, name := range []string{"true", "false", "NULL"} {
		if src := consts[name].Source; src != LanguageSource {
			t.Errorf("%s: got source %q, want %q", name, src, LanguageSource)
		}
	}
}

// TestConstsFromTree: with a tree's model every kernel constant has the
// tree's value and names the header line that defines it; a header patch
// that changes STACK_FRAME_OVERHEAD changes the value the checks see.
func TestConstsFromTree(t *testing.T) {
	dir := ktree.Dir(t)
	const ptrace = "arch/s390/include/uapi/asm/ptrace.h"
	orig, err := os.ReadFile(filepath.Join(dir, ptrace))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(orig), "#define STACK_FRAME_OVERHEAD\t160") {
		t.Fatalf("%s: no \"#define STACK_FRAME_OVERHEAD\\t160\"", ptrace)
	}
	for _, tt := range []struct {
		name string
		over map[string]string
		want int64
	}{
		{"unchanged tree", nil, 160},
		{"patched header", map[string]string{ptrace: strings.Replace(string(orig), "#define STACK_FRAME_OVERHEAD\t160", "#define STACK_FRAME_OVERHEAD\t168", 1)}, 168},
	} {
		t.Run(tt.name, func(t *testing.T) {
			model, err := interp.EnvFromTree(func(name string) ([]byte, error) {
				if s, ok := tt.over[name]; ok {
					return []byte(s), nil
				}
				return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			})
			if err != nil {
				t.Fatal(err)
			}
			consts := Consts(model)
			if got := consts["STACK_FRAME_OVERHEAD"].Value; got != tt.want {
				t.Errorf("STACK_FRAME_OVERHEAD: got %d, want %d", got, tt.want)
			}
			def := Consts(nil)
			for _, name := range KernelNames {
				c := consts[name]
				if name != "STACK_FRAME_OVERHEAD" && c.Value != def[name].Value {
					t.Errorf("%s: got %d, want the documented %d", name, c.Value, def[name].Value)
				}
				file, line, ok := strings.Cut(c.Source, ":")
				var n int
				if _, err := fmt.Sscanf(line, "%d", &n); !ok || err != nil {
					t.Errorf("%s: source %q is not FILE:LINE", name, c.Source)
					continue
				}
				src, err := os.ReadFile(filepath.Join(dir, file))
				if s, ok := tt.over[file]; ok {
					src, err = []byte(s), nil
				}
				if err != nil {
					t.Errorf("%s: source %s: %v", name, c.Source, err)
					continue
				}
				lines := strings.Split(string(src), "\n")
				if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], name) {
					t.Errorf("%s: source %s does not mention it", name, c.Source)
				}
			}
		})
	}
}
