package cpp

import (
	"testing"
)

// BenchmarkPreprocessJIT preprocesses the real JIT file's whole
// translation unit with the kernel's flags.
func BenchmarkPreprocessJIT(b *testing.B) {
	tree := preparedTree(b)
	cfg := kernelConfig(b, tree, "arch/s390/net/bpf_jit_comp.c")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Preprocess(cfg, "arch/s390/net/bpf_jit_comp.c"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreprocessStreamJIT is BenchmarkPreprocessJIT for the compact
// stream that the front end scans (no []Token, no macro table): compare
// B/op.
func BenchmarkPreprocessStreamJIT(b *testing.B) {
	tree := preparedTree(b)
	cfg := kernelConfig(b, tree, "arch/s390/net/bpf_jit_comp.c")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PreprocessStream(cfg, "arch/s390/net/bpf_jit_comp.c"); err != nil {
			b.Fatal(err)
		}
	}
}
