package emitmacro_test

import (
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
)

func TestFixtures(t *testing.T) {
	for _, fx := range checktest.Glob(t, "../../testdata/emitmacro/*.c") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			checktest.Run(t, fx, emitmacro.Analyzer)
		})
	}
}
