package cparse

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSameHeaders: parses that share an include closure under
// Options.SameHeaders see the same header prototypes as separate parses,
// and a new run's Closures does not hold the old closure (a changed header
// is seen).
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
	memo := &Closures{}
	parseWith := func(same bool) map[string]string {
		f, err := Parse(filepath.Join(tree, "x.c"), src, Options{Tree: tree, SameHeaders: same, Closures: memo})
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
	memo = &Closures{}
	if got := parseWith(true); got["other"] == "" || got["from_header"] != "" {
		t.Errorf("in a new run after a changed header: got %v, want only other", got)
	}
}
