package cparse_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/trampcheck/trampcheck/cparse"
)

// sameCTime reports whether the file p has the change time of fi.
func sameCTime(t *testing.T, p string, fi fs.FileInfo) bool {
	t.Helper()
	now, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return now.Sys().(*syscall.Stat_t).Ctim == fi.Sys().(*syscall.Stat_t).Ctim
}

// TestTUCacheStat: dependencies whose identity on disk is old enough are
// checked by it, without reading them; a rewrite of the same size with
// the modification time set back still invalidates the entry (the change
// time moves), and a rewrite within the same second as the first write,
// same size and same modification time, is seen by the content check
// (such a file has no identity record: it is too recent).
func TestTUCacheStat(t *testing.T) {
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	main, src, opts := tuFixture(t)
	more := filepath.Join(opts.IncludeDirs[0], "more.h")
	// The same-second rewrite, with the real margin.
	h0, s0 := cparse.TUCacheHits(), cparse.StatHits()
	if got := protoNames(t, main, src, opts); got != "added " {
		t.Fatalf("cold: got %q", got)
	}
	fi, err := os.Stat(more)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(more, []byte("int mor2(void);\n"), 0o644); err != nil { // same size
		t.Fatal(err)
	}
	if err := os.Chtimes(more, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got := protoNames(t, main, src, opts); got != "more added " || cparse.TUCacheHits() != h0 || cparse.StatHits() != s0 {
		t.Fatalf("same-second rewrite: got %q, %d hits, %d by identity; want %q, recomputed",
			got, cparse.TUCacheHits()-h0, cparse.StatHits()-s0, "more added ")
	}
	// Old enough files (margin lowered): checked by identity.
	defer cparse.SetStatMargin(cparse.SetStatMargin(-time.Hour))
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	protoNames(t, main, src, opts)
	h0, s0 = cparse.TUCacheHits(), cparse.StatHits()
	if got := protoNames(t, main, src, opts); got != "more added " || cparse.TUCacheHits() != h0+1 || cparse.StatHits() == s0 {
		t.Fatalf("warm: got %q, %d hits, %d by identity; want the entry, by identity", got, cparse.TUCacheHits()-h0, cparse.StatHits()-s0)
	}
	before, err := os.Stat(more)
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // until the change time moves (file systems keep coarse times)
		if err := os.WriteFile(more, []byte("int more(void);\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(more, before.ModTime(), before.ModTime()); err != nil {
			t.Fatal(err)
		}
		if !sameCTime(t, more, before) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := protoNames(t, main, src, opts); got != "added " {
		t.Fatalf("rewrite with the modification time set back: got %q, want %q", got, "added ")
	}
}
