package fieldoverflow_test

import (
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
)

func TestFixtures(t *testing.T) {
	for _, fx := range checktest.Glob(t, "../../testdata/fieldoverflow/*.c") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			checktest.Run(t, fx, fieldoverflow.Analyzer)
		})
	}
}
