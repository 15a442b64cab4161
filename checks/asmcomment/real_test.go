package asmcomment

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

func TestRealSurvey(t *testing.T) {
	src := ktree.JIT(t)
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range Check(f) {
		t.Logf("%d %s %s: %s", fd.Line, fd.Func, fd.Call, fd.Message)
	}
}

func BenchmarkAsmcommentJIT(b *testing.B) {
	src := ktree.JIT(b)
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Check(f)
	}
}
