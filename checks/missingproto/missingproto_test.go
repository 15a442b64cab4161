package missingproto_test

import (
	"path/filepath"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/missingproto"
)

func TestFixtures(t *testing.T) {
	for _, fx := range checktest.Glob(t, "../../testdata/missingproto/*.[ch]") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			checktest.Run(t, fx, missingproto.Analyzer)
		})
	}
	for _, fx := range checktest.Glob(t, "../../testdata/missingproto/*.txtar") {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			checktest.Run(t, fx, missingproto.Analyzer)
		})
	}
}
