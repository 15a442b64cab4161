package cparse_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// tuFixture writes a file-mode project (a .c file and an include
// directory) and returns the .c path, its source and the options that make
// cparse build its translation unit.
func tuFixture(t *testing.T) (string, []byte, cparse.Options) {
	t.Helper()
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	for name, text := range map[string]string{
		"inc/api.h":  "#ifndef API_H\n#define API_H\n#include <more.h>\nint declared(void);\n#endif\n",
		"inc/more.h": "int more(void);\n",
		"main.c":     "#include <api.h>\nint declared(void) { return 0; }\nint more(void) { return 1; }\nint added(void) { return 2; }\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(dir, "main.c")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	return main, src, cparse.Options{IncludeDirs: []string{inc}}
}

// protoNames returns the names of the file's definitions without a
// previous prototype in its translation unit.
func protoNames(t *testing.T, name string, src []byte, opts cparse.Options) string {
	t.Helper()
	f, err := cparse.Parse(name, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.TU == nil {
		t.Fatalf("no translation unit: %v", f.TUErr)
	}
	seen := map[string]bool{}
	out := ""
	for _, d := range f.TU.Decls {
		if d.Def && !seen[d.Name] && f.TU.InFile(d.Pos) {
			out += d.Name + " "
		}
		if d.Prototype {
			seen[d.Name] = true
		}
	}
	return out
}

func TestTUCache(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	main, src, opts := tuFixture(t)
	inc := opts.IncludeDirs[0]
	h0 := cparse.TUCacheHits()
	first := protoNames(t, main, src, opts)
	if first != "added " {
		t.Fatalf("cold: got %q, want %q", first, "added ")
	}
	if got := protoNames(t, main, src, opts); got != first || cparse.TUCacheHits() != h0+1 {
		t.Fatalf("warm: got %q with %d hits, want %q from the cache", got, cparse.TUCacheHits()-h0, first)
	}
	// Each change below must be seen, never a stale entry.
	steps := []struct {
		what string
		do   func() error
		want string
	}{
		{"a header that gains a prototype", func() error {
			return os.WriteFile(filepath.Join(inc, "more.h"), []byte("int more(void);\nint added(void);\n"), 0o644)
		}, ""},
		{"a header that loses one", func() error {
			return os.WriteFile(filepath.Join(inc, "more.h"), []byte("int added(void);\n"), 0o644)
		}, "more "},
		{"a header that appears earlier in the search", func() error {
			return os.WriteFile(filepath.Join(filepath.Dir(main), "api.h"), []byte("int unrelated(void);\n"), 0o644)
		}, "more "}, // <...> includes do not search the file's directory: nothing changes
		{"a header removed", func() error {
			return os.Remove(filepath.Join(inc, "more.h"))
		}, "error"},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatal(err)
		}
		if st.want == "error" {
			f, err := cparse.Parse(main, src, opts)
			if err == nil && f.TU != nil {
				t.Errorf("%s: the translation unit was still built (stale)", st.what)
			}
			continue
		}
		if got := protoNames(t, main, src, opts); got != st.want {
			t.Errorf("%s: got %q, want %q", st.what, got, st.want)
		}
	}
	// A new header that a quoted include now finds first.
	quoted := []byte("#include \"api.h\"\nint declared(void) { return 0; }\n")
	if err := os.WriteFile(filepath.Join(inc, "more.h"), []byte("int more(void);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(filepath.Dir(main), "api.h")); err != nil {
		t.Fatal(err)
	}
	if got := protoNames(t, main, quoted, opts); got != "" {
		t.Fatalf("quoted include of inc/api.h: got %q, want none", got)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(main), "api.h"), []byte("int unrelated(void);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := protoNames(t, main, quoted, opts); got != "declared " {
		t.Errorf("a header that a quoted include now finds first: got %q, want %q", got, "declared ")
	}
}

func TestTUCacheOverlay(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	main, src, opts := tuFixture(t)
	if got := protoNames(t, main, src, opts); got != "added " {
		t.Fatalf("got %q", got)
	}
	// A patched header served by the reader (a series in memory) is a
	// different header: no stale hit.
	more := filepath.Join(opts.IncludeDirs[0], "more.h")
	read := func(p string) ([]byte, error) {
		if p == more {
			return []byte("int more(void);\nint added(void);\n"), nil
		}
		if p == main {
			return src, nil
		}
		return os.ReadFile(p)
	}
	res, err := cparse.ParseFiles(nil, []string{main}, read, opts)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Files[0]
	for _, d := range f.TU.Decls {
		if d.Name == "added" && d.Prototype && !f.TU.InFile(d.Pos) {
			return
		}
	}
	t.Errorf("the patched header's prototype of added is missing: a stale entry was served")
}

func TestTUCacheConcurrent(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	main, src, opts := tuFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := cparse.Parse(main, src, opts)
			if err != nil || f.TU == nil {
				errs <- fmt.Errorf("parse %d: %v %v", i, err, f.TUErr)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTUCacheTrimAndClear(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TRAMPCHECK_CACHE", dir)
	old := cparse.SetTUCacheLimit(1)
	defer cparse.SetTUCacheLimit(old)
	main, src, opts := tuFixture(t)
	for i := range 3 {
		// Different contents, different entries; each store trims to the
		// limit, so at most the newest entry is left.
		s := append([]byte(fmt.Sprintf("/* %d */\n", i)), src...)
		if _, err := cparse.Parse(main, s, opts); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	_ = filepath.WalkDir(cparse.TUCacheDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n > 1 {
		t.Errorf("%d entries after trimming to 1 byte, want at most 1", n)
	}
	if err := cparse.ClearTUCache(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cparse.TUCacheDir()); !os.IsNotExist(err) {
		t.Errorf("cache directory still there after ClearTUCache: %v", err)
	}
	t.Setenv("TRAMPCHECK_CACHE", "off")
	if d := cparse.TUCacheDir(); d != "" {
		t.Errorf("TRAMPCHECK_CACHE=off: dir %q, want none", d)
	}
}

// TestTUCacheTypeErrors: a unit read with SkipTypeErrors (no type errors
// in Diags, Typed false) is cached apart and never served to a run that
// wants them; a unit with them serves both.
func TestTUCacheTypeErrors(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	dir := t.TempDir()
	src := []byte("#include <s.h>\nint get(struct s *p) { return p->b; }\n")
	if err := os.WriteFile(filepath.Join(dir, "s.h"), []byte("struct s { int a; };\nint get(struct s *p);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.c")
	const want = "'struct s' has no member named 'b'"
	parse := func(skip bool) (*cparse.TU, string) {
		t.Helper()
		f, err := cparse.Parse(main, src, cparse.Options{IncludeDirs: []string{dir}, SkipTypeErrors: skip})
		if err != nil {
			t.Fatal(err)
		}
		if f.TU == nil {
			t.Fatalf("no translation unit: %v", f.TUErr)
		}
		msgs := ""
		for _, d := range f.TU.Diags {
			msgs += d.Msg + "\n"
		}
		return f.TU, msgs
	}
	h0 := cparse.TUCacheHits()
	if u, msgs := parse(true); u.Typed || msgs != "" {
		t.Fatalf("skipped: Typed %v, diags %q; want false and none", u.Typed, msgs)
	}
	if u, msgs := parse(true); u.Typed || cparse.TUCacheHits() != h0+1 {
		t.Fatalf("skipped again: Typed %v, %d hits (%q); want the cached entry", u.Typed, cparse.TUCacheHits()-h0, msgs)
	}
	// The cached entry without type errors must not answer this one.
	if u, msgs := parse(false); !u.Typed || msgs != want+"\n" || cparse.TUCacheHits() != h0+1 {
		t.Fatalf("typed after untyped: Typed %v, diags %q, %d hits; want true, %q, computed", u.Typed, msgs, cparse.TUCacheHits()-h0, want)
	}
	if u, msgs := parse(false); !u.Typed || msgs != want+"\n" || cparse.TUCacheHits() != h0+2 {
		t.Fatalf("typed again: Typed %v, diags %q, %d hits; want the cached typed entry", u.Typed, msgs, cparse.TUCacheHits()-h0)
	}
	// A fresh cache: the typed entry serves a run that skips.
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	h0 = cparse.TUCacheHits()
	parse(false)
	if u, _ := parse(true); !u.Typed || cparse.TUCacheHits() != h0+1 {
		t.Fatalf("skipped after typed: Typed %v, %d hits; want the typed entry", u.Typed, cparse.TUCacheHits()-h0)
	}
}
