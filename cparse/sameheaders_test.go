package cparse

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSameHeaders: parses that share an include closure under
// Options.SameHeaders see the same header prototypes as separate parses,
// and Configure forgets the shared closure (a changed header is seen).
func TestSameHeaders(t *testing.T) {
	tree := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(tree, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("include/linux/a.h", "int from_header(void);\n")
	src := []byte("#include <linux/a.h>\nint from_header(void) { return 0; }\nint other(void) { return 1; }\n")
	parseWith := func(same bool) map[string]string {
		Configure(Options{Tree: tree, SameHeaders: same})
		defer Configure(Options{})
		f, err := Parse(filepath.Join(tree, "x.c"), src, FlagOptions())
		if err != nil {
			t.Fatal(err)
		}
		return f.HeaderProtos
	}
	want := parseWith(false)
	if _, ok := want["from_header"]; !ok {
		t.Fatalf("separate parse: got %v, want from_header", want)
	}
	for range 2 {
		if got := parseWith(true); len(got) != len(want) || got["from_header"] != want["from_header"] {
			t.Errorf("shared closure: got %v, want %v", got, want)
		}
	}
	write("include/linux/a.h", "int other(void);\n")
	if got := parseWith(true); got["other"] == "" || got["from_header"] != "" {
		t.Errorf("after Configure and a changed header: got %v, want only other", got)
	}
}
