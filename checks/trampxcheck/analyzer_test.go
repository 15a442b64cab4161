package trampxcheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	mut "github.com/trampcheck/trampcheck/checks/mutation"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestAnalyzer runs the Analyzer through the checktest harness on the real
// file (no diagnostic expected) and on the file with a wrong sign at the
// frame allocation, with the expectation written onto that line at test time.
func TestAnalyzer(t *testing.T) {
	src := ktree.JIT(t)
	aghi := mut.At("aghi sign", gen, "EMIT4_IMM(0xa70b0000, REG_15, -tjit->stack_size)", "-tjit->stack_size", "tjit->stack_size")
	bad, err := aghi.ApplyWant(src, `^emits aghi %r15,\d+, reference aghi %r15,-\d+ \[args=`)
	if err != nil {
		t.Fatal(err)
	}
	// REG_9 is defined nowhere: the generator cannot run (nor compile).
	undef := mut.At("undefined register", gen, "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,", "REG_8", "REG_9")
	ubad, err := undef.ApplyWant(src, `^cannot execute the trampoline generator: identifier REG_9 is neither in the file nor in the environment model`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  []byte
	}{
		{"real.c", src},
		{"aghi.c", bad},
		{"undef.c", ubad},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.src, 0o644); err != nil {
				t.Fatal(err)
			}
			checktest.Run(t, path, Analyzer)
		})
	}
}
