package tu_test

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/cparse/tu"
)

// BenchmarkScanJIT scans the real JIT file's whole translation unit
// (preprocessed once, with the kernel's flags): declarations, uses and
// the errors of Diags.
func BenchmarkScanJIT(b *testing.B) {
	tree := ktree.Prepared(b)
	const rel = "arch/s390/net/bpf_jit_comp.c"
	read := kbuild.DirReader(tree)
	cmd, err := kbuild.For(read, rel)
	if err != nil {
		b.Fatal(err)
	}
	unit, err := cpp.Preprocess(&cpp.Config{
		Read: read, IncludeDirs: cmd.IncludeDirs, SystemDirs: cmd.SystemDirs,
		ForcedIncludes: cmd.ForcedIncludes, Predefined: cmd.Predefined, Defines: cmd.Defines,
	}, rel)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tu.Scan(unit.Tokens); err != nil {
			b.Fatal(err)
		}
	}
}
