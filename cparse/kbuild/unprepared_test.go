package kbuild

import (
	"reflect"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// TestForUnprepared reads the JIT's command from the unprepared tree ktree
// locates (arch, include and the top Makefile only): the shipped
// configuration, an overlay, and the same command as on the prepared tree.
func TestForUnprepared(t *testing.T) {
	read := DirReader(ktree.Dir(t))
	cmd, err := For(read, ktree.JITFile)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.ConfigSource != ShippedConfigSource() {
		t.Errorf("ConfigSource: got %q, want %q", cmd.ConfigSource, ShippedConfigSource())
	}
	for _, p := range []string{
		autoconfH, "include/generated/asm-offsets.h", "include/generated/bounds.h",
		"include/generated/timeconst.h", genAsm + "/dis-defs.h", genAsm + "/facility-defs.h",
		genAsm + "/asm-offsets.h", genUapiAsm + "/unistd_64.h",
	} {
		if len(cmd.Overlay[p]) == 0 {
			t.Errorf("Overlay[%s]: missing", p)
		}
	}
	got, err := Built(read, "arch/s390/net")
	if err != nil || len(got) == 0 || got[0] != ktree.JITFile {
		t.Errorf("Built(arch/s390/net): got %q, %v, want the JIT first", got, err)
	}
	// The same command as on the prepared tree (prepared for the same
	// defconfig).
	if p := preparedPath(); p != "" {
		want, err := For(DirReader(p), ktree.JITFile)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cmd.Args, want.Args) {
			t.Errorf("Args on the unprepared tree:\n got %q\nwant %q (prepared tree)", cmd.Args, want.Args)
		}
	}
}

// BenchmarkForUnprepared measures For on the unprepared tree, where the
// overlay is built.
func BenchmarkForUnprepared(b *testing.B) {
	read := DirReader(ktree.Dir(b))
	for b.Loop() {
		if _, err := For(read, ktree.JITFile); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForPrepared measures For on the prepared tree.
func BenchmarkForPrepared(b *testing.B) {
	read := DirReader(preparedDir(b))
	for b.Loop() {
		if _, err := For(read, ktree.JITFile); err != nil {
			b.Fatal(err)
		}
	}
}
