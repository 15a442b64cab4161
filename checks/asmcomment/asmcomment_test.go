package asmcomment_test

import (
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/checktest"
)

func TestFixtures(t *testing.T) {
	for _, fx := range checktest.Glob(t, "../../testdata/asmcomment/*.c") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			checktest.Run(t, fx, asmcomment.Analyzer)
		})
	}
}
