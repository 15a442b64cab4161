package emitmacro

import (
	"sort"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestRealFile: the EMIT macros of Linux 6.12 encode every swept operand
// as the reference encoder does, and every macro of the table is swept.
func TestRealFile(t *testing.T) {
	f := jittest.Parse(t)
	if got := Check(f); len(got) != 0 {
		for _, fd := range got {
			t.Errorf("got finding at line %d: %s, want none", fd.Line, fd.Message)
		}
	}
	env := cexpr.NewEnv(f)
	for _, h := range []string{"reg", "reg_high"} {
		if env.Funcs[h] == nil {
			t.Errorf("got no definition of %s() read from the real file, want one", h)
		}
	}
	defined := map[string]bool{}
	for _, m := range f.Macros {
		defined[m.Name] = true
	}
	var missing []string
	for name := range specs {
		if !defined[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("got no definition of %v in the real file, want every macro of the table", missing)
	}
}

// TestRealMacrosGas is an oracle independent of refimpl: the bytes the real
// macros store for the swept cases are compared with GNU as on the
// reference instruction's text.
func TestRealMacrosGas(t *testing.T) {
	testtool.Path(t, "s390x-linux-gnu-as", "binutils-s390x-linux-gnu")
	f := jittest.Parse(t)
	env := cexpr.NewEnv(f)
	var lines []string
	var stored [][]byte
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := 0
		sweepMacro(env, name, specs[name], func(c sweepCase) bool {
			if c.msg != "" {
				t.Errorf("%s", c.msg)
				return false
			}
			lines = append(lines, c.text)
			stored = append(stored, c.got)
			n++
			return true
		})
		if n == 0 {
			t.Errorf("%s: got no evaluated case, want some", name)
		}
	}
	jittest.CompareGas(t, lines, stored, func(i int) string { return lines[i] }, "the real macro")
	t.Logf("%d swept macro calls agree with GNU as", len(lines))
}

func BenchmarkEmitmacroJIT(b *testing.B) {
	f := jittest.Parse(b)
	jittest.BenchCPU(b, func() { Check(f) })
}
