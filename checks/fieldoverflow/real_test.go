package fieldoverflow

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
		t.Logf("%d %s: %s", fd.Line, fd.Func, fd.Message)
	}
}
