package cpp

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

// mapConfig returns a Config reading from an in-memory file map.
func mapConfig(files map[string]string) *Config {
	return &Config{Read: func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}}
}

func texts(u *Unit) string {
	var b []string
	for _, t := range u.Tokens {
		b = append(b, t.Text)
	}
	return strings.Join(b, " ")
}

// TestUnitContents checks Files, Macros, Pragmas, Warnings and the
// command-line options on a small multi-file unit.
func TestUnitContents(t *testing.T) {
	cfg := mapConfig(map[string]string{
		"dir/main.c":  "#include \"a.h\"\n#include <b.h>\n#pragma GCC diagnostic push\nint x = D + U0;\n#warning careful\n#define pr(fmt, args...) f(fmt, ##args)\n#define R 1\n#define R 2\nFORCED\n",
		"dir/a.h":     "#pragma once\nint a;\n",
		"inc/b.h":     "#include \"a.h\"\nint b;\n",
		"./forced.h":  "#define FORCED forced_ok\n",
		"inc/a.h":     "wrong\n",
		"unused/b.h":  "wrong\n",
		"dir/skipped": "",
	})
	cfg.IncludeDirs = []string{"inc", "unused"}
	cfg.Defines = []string{"D=4", "U0"}
	cfg.Undefs = []string{"U0"}
	cfg.ForcedIncludes = []string{"forced.h"}
	u, err := Preprocess(cfg, "dir/main.c")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := texts(u), "int a ; wrong int b ; int x = 4 + U0 ; forced_ok"; got != want {
		t.Errorf("tokens: got %q, want %q", got, want)
	}
	if want := []string{"dir/main.c", "./forced.h", "dir/a.h", "inc/b.h", "inc/a.h"}; !reflect.DeepEqual(u.Files, want) {
		t.Errorf("Files: got %q, want %q", u.Files, want)
	}
	m := u.Macros["pr"]
	if m == nil || !m.FnLike || !m.Variadic || !reflect.DeepEqual(m.Params, []string{"fmt", "args"}) || m.Pos.String() != "dir/main.c:6:9" {
		t.Errorf("Macros[pr]: got %+v", m)
	}
	if len(u.Pragmas) != 2 || u.Pragmas[1].Text != "GCC diagnostic push" || u.Pragmas[1].Index != 7 {
		t.Errorf("Pragmas: got %+v", u.Pragmas)
	}
	var ws []string
	for _, w := range u.Warnings {
		ws = append(ws, w.Error())
	}
	if want := []string{"dir/main.c:5:2: warning: #warning careful", `dir/main.c:8:9: warning: "R" redefined`}; !reflect.DeepEqual(ws, want) {
		t.Errorf("Warnings: got %q, want %q", ws, want)
	}
}

// TestReadErrors checks that a missing include is a fatal *Error naming
// the file, and that a read error other than fs.ErrNotExist stops the
// search instead of being taken for a missing file.
func TestReadErrors(t *testing.T) {
	cfg := mapConfig(map[string]string{"m.c": "\n  #include <x.h>\n"})
	_, err := Preprocess(cfg, "m.c")
	var e *Error
	if !errors.As(err, &e) || !e.Fatal || e.Error() != "m.c:2:12: fatal error: x.h: No such file or directory" {
		t.Errorf("missing include: got %v", err)
	}
	boom := errors.New("permission denied")
	cfg.IncludeDirs = []string{"i"}
	inner := cfg.Read
	cfg.Read = func(p string) ([]byte, error) {
		if p == "i/x.h" {
			return nil, boom
		}
		return inner(p)
	}
	_, err = Preprocess(cfg, "m.c")
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "permission denied") {
		t.Errorf("read error: got %v", err)
	}
}

// TestWorkLimit checks that runaway expansion is an error, not a hang.
func TestWorkLimit(t *testing.T) {
	src := "#define a x x x x x x x x x x\n#define b a a a a a a a a a a\n#define c b b b b b b b b b b\n#define d c c c c c c c c c c\nd d d d d d d d d d\n"
	cfg := mapConfig(map[string]string{"m.c": src})
	cfg.MaxWork = 5000
	_, err := Preprocess(cfg, "m.c")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "work limit") {
		t.Errorf("got %v, want a work limit error", err)
	}
	cfg.MaxWork = 0
	u, err := Preprocess(cfg, "m.c")
	if err != nil || len(u.Tokens) != 100000 {
		t.Errorf("without a small limit: got %v and %d tokens, want 100000", err, len(u.Tokens))
	}
}

// TestStream checks that PreprocessStream gives Preprocess's unit: the
// same tokens (texts from files, from pastes and stringizing, from #line
// and built-in macros, with positions through expansion), files, pragmas
// and warnings.
func TestStream(t *testing.T) {
	files := map[string]string{
		"main.c": "#include \"a.h\"\n#define CAT(a, b) a ## b\n#define STR(x) #x\n#define CALL(f, ...) f(__VA_ARGS__)\n" +
			"int CAT(foo, bar) = CALL(g, 1, STR(two words));\n#line 40 \"other.c\"\nint line = __LINE__;\n_Pragma(\"GCC diagnostic push\")\n#warning note\nA_H_MACRO\n",
		"a.h": "#define A_H_MACRO int from_a_h(void);\nstatic int a;\n",
	}
	u, err := Preprocess(mapConfig(files), "main.c")
	if err != nil {
		t.Fatal(err)
	}
	s, err := PreprocessStream(mapConfig(files), "main.c")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(u.Tokens) || len(u.Pragmas) != 1 || len(u.Warnings) != 1 {
		t.Fatalf("stream has %d tokens, unit %d (%d pragmas, %d warnings)", s.Len(), len(u.Tokens), len(u.Pragmas), len(u.Warnings))
	}
	for i, want := range u.Tokens {
		if got := s.Token(i); got != want {
			t.Errorf("token %d: %+v, want %+v", i, got, want)
		}
		if s.Text(i) != want.Text || s.Kind(i) != want.Kind {
			t.Errorf("token %d: Text/Kind %q/%v, want %q/%v", i, s.Text(i), s.Kind(i), want.Text, want.Kind)
		}
	}
	if !reflect.DeepEqual(s.Tokens(), u.Tokens) {
		t.Error("Stream.Tokens differs from Unit.Tokens")
	}
	if !reflect.DeepEqual(s.Files, u.Files) || !reflect.DeepEqual(s.Pragmas, u.Pragmas) || !reflect.DeepEqual(s.Warnings, u.Warnings) {
		t.Errorf("files/pragmas/warnings: %v %v %v, want %v %v %v", s.Files, s.Pragmas, s.Warnings, u.Files, u.Pragmas, u.Warnings)
	}
	if got := texts(u); !strings.Contains(got, "int foobar = g ( 1 , \"two words\" ) ;") || !strings.Contains(got, "int line = 40 ;") {
		t.Errorf("unexpected expansion: %s", got)
	}
}
