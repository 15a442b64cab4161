package cparse

import (
	"path/filepath"
	"testing"
)

// TestJoinTree: joinTree gives filepath.Join's answer for the paths the
// tree readers pass it (clean, relative, inside the tree).
func TestJoinTree(t *testing.T) {
	for _, root := range []string{"/", "/src/linux", "linux", "."} {
		for _, p := range []string{".", "include/linux/bpf.h", "a", "arch/s390/include/generated/asm/x.h"} {
			if got, want := joinTree(root, p), filepath.Join(root, p); got != want {
				t.Errorf("joinTree(%q, %q) = %q, want %q", root, p, got, want)
			}
		}
	}
}
