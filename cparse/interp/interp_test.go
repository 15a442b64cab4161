package interp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/refimpl/gastest"
)

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "interp", name) }

// parseSrc parses the C source src, named name, alone (hermetic mode);
// it fails tb when the front end cannot.
func parseSrc(tb testing.TB, name string, src []byte) *cparse.File {
	tb.Helper()
	f, err := cparse.Parse(name, src, cparse.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// parseFixture reads and parses testdata/interp/name (see parseSrc).
func parseFixture(tb testing.TB, name string) *cparse.File {
	tb.Helper()
	src, err := os.ReadFile(fixture(name))
	if err != nil {
		tb.Fatal(err)
	}
	return parseSrc(tb, name, src)
}

// compileSrc parses src (see parseSrc) and compiles it in the documented
// environment model; it fails tb when either step fails.
func compileSrc(tb testing.TB, name string, src []byte) *Program {
	tb.Helper()
	p, err := Compile(parseSrc(tb, name, src), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestLimits checks that runaway code stops with a clear error naming the
// line, and never hangs or panics.
func TestLimits(t *testing.T) {
	tests := []struct {
		fn   string
		args []uint64
		lim  Limits
		want string // substring of the error
		at   string // text of the line the error names ("" for none)
	}{
		{"spin", nil, Limits{Steps: 1000}, "step limit of 1000 exceeded", "for (;;)"},
		{"deep", []uint64{0}, Limits{Depth: 50}, "call depth limit of 50 exceeded", "return deep(n + 1) + 1;"},
		{"big", nil, Limits{Stack: 1 << 20}, "stack limit of 1048576 bytes exceeded in big", ""},
		{"nullp", nil, Limits{}, "NULL pointer dereference", "return *p;"},
		{"divz", []uint64{0}, Limits{}, "division by zero", "return 10 / d;"},
	}
	src, err := os.ReadFile(fixture("limits.c"))
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(text string) int {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.Contains(l, text) {
				return i + 1
			}
		}
		t.Fatalf("fixture has no line %q", text)
		return 0
	}
	p := compileFixture(t, fixture("limits.c"), []string{"spin", "deep", "big", "nullp", "divz"})
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			m := p.NewMachine(tt.lim)
			_, err := m.callFunc(tt.fn, tt.args...)
			var re *RuntimeError
			if !errors.As(err, &re) {
				t.Fatalf("got error %v, want a *RuntimeError", err)
			}
			if !strings.Contains(re.Msg, tt.want) {
				t.Errorf("got %q, want it to contain %q", re.Msg, tt.want)
			}
			if tt.at != "" && re.Line != lineOf(tt.at) {
				t.Errorf("got line %d, want %d (%s)", re.Line, lineOf(tt.at), tt.at)
			}
		})
	}
}

// TestUnassignedLocals checks that reading a local before any store is a
// runtime error at the reading line, and that the same functions run when
// every read follows a store.
func TestUnassignedLocals(t *testing.T) {
	p := compileFixture(t, fixture("limits.c"), []string{"unset", "loopunset"})
	for _, tt := range []struct {
		fn   string
		arg  uint64
		want uint64 // result when err is ""
		err  string
		at   string // the line the error names
	}{
		{"unset", 1, 2, "", ""},
		{"unset", 0, 0, "x is read before it is assigned", "return x + 1;"},
		{"loopunset", 1, 5, "", ""},
		{"loopunset", 2, 0, "y is read before it is assigned", "s += y;"},
	} {
		m := p.NewMachine(Limits{})
		got, err := m.callFunc(tt.fn, tt.arg)
		var re *RuntimeError
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s(%d): got %d, %v; want %d", tt.fn, tt.arg, got, err, tt.want)
		case tt.err != "" && (!errors.As(err, &re) || !strings.Contains(re.Msg, tt.err)):
			t.Errorf("%s(%d): got %d, %v; want the error %q", tt.fn, tt.arg, got, err, tt.err)
		case tt.err != "" && re.Line != lineIn(t, fixture("limits.c"), tt.at):
			t.Errorf("%s(%d): got the error at line %d, want the line of %q", tt.fn, tt.arg, re.Line, tt.at)
		}
	}
}

// lineIn returns the number of the first line of file that contains text.
func lineIn(t *testing.T, file, text string) int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line %q", file, text)
	return 0
}

// TestUnknownIdentifier checks the error for what the model lacks.
func TestUnknownIdentifier(t *testing.T) {
	f := parseFixture(t, "unknown.c")
	_, err := compile(f, nil, []string{"f"})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CompileError", err)
	}
	if got, want := ce.Error(), "unknown.c:4: identifier NOT_MODELLED is neither in the file nor in the environment model"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := Compile(f, nil); err == nil || !strings.Contains(err.Error(), "defines no function arch_bpf_trampoline_size") {
		t.Errorf("got %v, want the missing entry point named", err)
	}
}

// TestMacrosFromDefinitions runs a tiny generator whose EMIT macros are
// defined in the fixture, checks its bytes with GNU as, and checks that an
// edit of the macro definition changes the code.
func TestMacrosFromDefinitions(t *testing.T) {
	src, err := os.ReadFile(fixture("tinyjit.c"))
	if err != nil {
		t.Fatal(err)
	}
	want := gastest.Text(t, "lghi %r2,8\nlghi %r3,4\nlghi %r4,16\nend:\n")
	cfg := &Config{Image: 0x3ff80000000, Im: 0x10000}
	cfg.Model.NrArgs = 3
	copy(cfg.Model.ArgSize[:], []uint8{8, 4, 16})
	run := func(src []byte) *Result {
		t.Helper()
		r, err := compileSrc(t, "tinyjit.c", src).NewMachine(Limits{}).Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := run(src)
	if !bytes.Equal(r.Code, want) || r.Size != len(want) {
		t.Fatalf("got code %x (size %d), want %x (GNU as)", r.Code, r.Size, want)
	}
	emitLine := 1 + bytes.Count(src[:bytes.Index(src, []byte("EMIT4_IMM(0xa7090000"))], []byte("\n"))
	for i := 0; i < r.Len(); i++ {
		if s := r.Site(i); s == nil || s.Line != emitLine || s.Macro != "EMIT4_IMM" {
			t.Fatalf("byte %d: got site %v, want EMIT4_IMM at line %d", i, s, emitLine)
		}
	}
	// The same file with "<< 20" turned into "<< 16" in EMIT4_IMM's body.
	lines := strings.SplitAfter(string(src), "\n")
	edited := false
	for i, l := range lines {
		if strings.Contains(l, "_EMIT4((op) | (b1) << 20 | __imm);") {
			lines[i] = strings.Replace(l, "<< 20", "<< 16", 1)
			edited = true
		}
	}
	if !edited {
		t.Fatal("fixture lost the EMIT4_IMM body line")
	}
	r2 := run([]byte(strings.Join(lines, "")))
	if bytes.Equal(r2.Code, want) {
		t.Errorf("got the same code after editing the macro, want a difference")
	}
	// A limit on the image size stops the run with an error.
	p := compileSrc(t, "tinyjit.c", src)
	if _, err := p.NewMachine(Limits{Image: 8}).Run(cfg); err == nil || !strings.Contains(err.Error(), "exceeds the image limit of 8 bytes") {
		t.Errorf("got %v, want the image limit error", err)
	}
}
