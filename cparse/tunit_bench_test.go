package cparse_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// BenchmarkTranslationUnitCold parses the JIT file and kernel/bpf/btf.c
// of the prepared tree in tree mode with the translation-unit cache off:
// the file read as its real translation unit (preprocessed and scanned)
// beside the hermetic parse. B/op is what one state of a patch allocates;
// trampcheck runs with the garbage collector off below a memory limit, so
// two states read at once (base and patched) bound its peak heap.
func BenchmarkTranslationUnitCold(b *testing.B) {
	tree := ktree.Prepared(b)
	b.Setenv("TRAMPCHECK_CACHE", "off")
	for _, rel := range []string{ktree.JITFile, "kernel/bpf/btf.c"} {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(rel), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree})
				if err != nil {
					b.Fatal(err)
				}
				if f.TU == nil {
					b.Fatalf("%s: no translation unit (%v)", rel, f.TUErr)
				}
			}
		})
	}
}
