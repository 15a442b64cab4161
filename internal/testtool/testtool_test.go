package testtool

import (
	"path/filepath"
	"testing"
)

// TestPath finds a program every test machine has and gets its absolute
// path back.
func TestPath(t *testing.T) {
	p := Path(t, "sh", "dash")
	if !filepath.IsAbs(p) {
		t.Errorf("Path(sh) = %q, want an absolute path", p)
	}
}

// TestMissing checks both outcomes for a program that does not exist: a
// skip normally, a failure when the oracles are required.
func TestMissing(t *testing.T) {
	for _, require := range []string{"", "1"} {
		t.Setenv("TRAMPCHECK_REQUIRE_KERNEL", require)
		ft := &fakeTB{TB: t}
		func() {
			defer func() { _ = recover() }()
			Path(ft, "trampcheck-no-such-program", "none")
		}()
		if require == "1" && (!ft.failed || ft.skipped) {
			t.Errorf("required: failed=%v skipped=%v, want a failure", ft.failed, ft.skipped)
		}
		if require == "" && (ft.failed || !ft.skipped) {
			t.Errorf("not required: failed=%v skipped=%v, want a skip", ft.failed, ft.skipped)
		}
	}
}

// fakeTB records Fatalf and Skipf instead of ending the test; it panics to
// stop Path where the real methods would call runtime.Goexit.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic("fatal") }

func (f *fakeTB) Skipf(string, ...any) { f.skipped = true; panic("skip") }
