package kbuild

import (
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestForMatchesKbuild compares the compile command For composes for every
// .c file Kbuild builds in testDirs with the one make runs.
func TestForMatchesKbuild(t *testing.T) {
	real := realCommands(t)
	tree := preparedDir(t)
	read := DirReader(tree)
	n := 0
	for file, argv := range real {
		if !inTestDirs(file) {
			continue
		}
		n++
		want := append([]string{}, argv[1:len(argv)-4]...) // without compiler and -c -o X.o X.c
		if len(want) > 0 && strings.HasPrefix(want[0], "-Wp,-MMD,") {
			want = want[1:]
		}
		cmd, err := For(read, file)
		if err != nil {
			t.Errorf("For(%s): %v", file, err)
			continue
		}
		if !reflect.DeepEqual(cmd.Args, want) {
			t.Errorf("For(%s).Args:\n got %q\nwant %q", file, cmd.Args, want)
		}
		if cmd.ConfigSource != autoconfH || len(cmd.Overlay) != 0 {
			t.Errorf("For(%s): got config %q and %d overlay files, want %q and none on a prepared tree", file, cmd.ConfigSource, len(cmd.Overlay), autoconfH)
		}
	}
	t.Logf("compared %d compile commands", n)
	if n < 100 {
		t.Errorf("got %d compile commands from make -n in %v, want more than 100", n, testDirs)
	}
}

func inTestDirs(file string) bool {
	for _, d := range testDirs {
		if path.Dir(file) == d {
			return true
		}
	}
	return false
}

// TestBuiltMatchesKbuild compares Built with the .c files make compiles.
func TestBuiltMatchesKbuild(t *testing.T) {
	real := realCommands(t)
	read := DirReader(preparedDir(t))
	for _, dir := range testDirs {
		var want []string
		for file := range real {
			if path.Dir(file) == dir {
				want = append(want, file)
			}
		}
		sort.Strings(want)
		got, err := Built(read, dir)
		if err != nil {
			t.Errorf("Built(%s): %v", dir, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Built(%s):\n got %q\nwant %q", dir, got, want)
		}
	}
}

// TestForVDSO checks that For refuses a directory that replaces Kbuild's
// global flags (the vDSO's) rather than give a wrong command, and that
// Built refuses it too (its makefile includes another).
func TestForVDSO(t *testing.T) {
	read := DirReader(preparedDir(t))
	const file = "arch/s390/kernel/vdso64/getcpu.c"
	_, err := For(read, file)
	if err == nil || !strings.HasPrefix(err.Error(), "arch/s390/kernel/vdso64/Makefile:") ||
		!strings.Contains(err.Error(), "directories that change Kbuild's global flags are not modelled") {
		t.Errorf("For(%s): got %v, want an error naming arch/s390/kernel/vdso64/Makefile and the global flags", file, err)
	}
	if got, err := Built(read, "arch/s390/kernel/vdso64"); err == nil || !strings.Contains(err.Error(), "include is not evaluated") {
		t.Errorf("Built(arch/s390/kernel/vdso64): got %q, %v, want an error about its include", got, err)
	}
}
