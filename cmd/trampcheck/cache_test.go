package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheCommand(t *testing.T) {
	base := t.TempDir()
	t.Setenv("TRAMPCHECK_CACHE", base)
	out, errs, code := runCLI(t, "", "cache")
	if want := filepath.Join(base, "tu") + "\n"; code != exitClean || out != want {
		t.Errorf("cache: got exit %d, %q (stderr %q); want 0, %q", code, out, errs, want)
	}
	entry := filepath.Join(base, "tu", "ab", "abcdef")
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "", "cache", "clear"); code != exitClean {
		t.Fatalf("cache clear: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("entry survived cache clear: %v", err)
	}
	if _, errs, code := runCLI(t, "", "cache", "bogus"); code != exitError || !strings.Contains(errs, "usage: trampcheck cache") {
		t.Errorf("cache bogus: got exit %d, stderr %q; want 2 and the usage", code, errs)
	}
	t.Setenv("TRAMPCHECK_CACHE", "off")
	if out, _, _ := runCLI(t, "", "cache", "dir"); out != "off\n" {
		t.Errorf("cache dir with the cache off: got %q, want off", out)
	}
}
