package kbuild

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func testEnv(name string) (string, bool) {
	v, ok := map[string]string{
		"CONFIG_A": "y", "CONFIG_B": "m", "CONFIG_HZ": "100", "srctree": ".", "src": "d", "obj": "d",
	}[name]
	return v, ok
}

// TestEvalMakefile evaluates small makefiles written for the test and
// reads one variable of each.
func TestEvalMakefile(t *testing.T) {
	for _, tc := range []struct {
		name, src, v, want, err string
	}{
		{"plain", "x := a b\n", "x", "a b", ""},
		{"append", "x := a\nx += b\n", "x", "a b", ""},
		{"recursive", "y = 1\nx = $(y) $(y)\n", "x", "1 1", ""},
		{"conditional assignment", "x := a\nx ?= b\ny ?= c\n", "x", "a", ""},
		{"computed name", "obj-$(CONFIG_A) += a.o\nobj-$(CONFIG_B) += b.o\nobj-$(CONFIG_C) += c.o\n", "obj-y", "a.o", ""},
		{"computed name m", "obj-$(CONFIG_A) += a.o\nobj-${CONFIG_B} += b.o\n", "obj-m", "b.o", ""},
		{"nested reference", "f-yy := -DF\nx := $(f-$(CONFIG_A)$(CONFIG_A))\n", "x", "-DF", ""},
		{"srctree", "ccflags-y := -I$(srctree)/$(src)/inc\n", "ccflags-y", "-I./d/inc", ""},
		{"continuation", "x := a \\\n\tb \\\n  c\n", "x", "a b c", ""},
		{"comment", "x := a # b\n# x := c\n", "x", "a", ""},
		{"escaped dollar", "x := $$y\n", "x", "$y", ""},
		{"ifdef", "ifdef CONFIG_A\nx := a\nelse\nx := b\nendif\n", "x", "a", ""},
		{"ifdef unset", "ifdef CONFIG_C\nx := a\nelse\nx := b\nendif\n", "x", "b", ""},
		{"ifndef", "ifndef CONFIG_C\nx := a\nendif\n", "x", "a", ""},
		{"ifeq paren", "ifeq ($(CONFIG_A)$(CONFIG_B),ym)\nx := a\nendif\n", "x", "a", ""},
		{"ifneq quotes", "ifneq \"$(CONFIG_A)\" \"y\"\nx := a\nelse\nx := b\nendif\n", "x", "b", ""},
		{"else if", "ifeq ($(CONFIG_A),n)\nx := a\nelse ifeq ($(CONFIG_A),y)\nx := b\nelse\nx := c\nendif\n", "x", "b", ""},
		{"nested false", "ifdef CONFIG_C\nifdef CONFIG_A\nx := a\nendif\nelse\nx := b\nendif\n", "x", "b", ""},
		{"recipe skipped", "t: d\n\tx := no\nx := yes\n", "x", "yes", ""},
		{"export", "export x := a\n", "x", "a", ""},
		{"target-specific ignored", "x := a\n$(obj)/t.o: x := b\n", "x", "a", ""},
		{"define skipped", "define y\nx := no\nendef\nx := yes\n", "x", "yes", ""},
		{"unset is empty", "", "x", "", ""},
		{"function", "x := $(call cc-option,-DX)\n", "x", "", "m:1: make function $(call ...) is not evaluated"},
		{"function in condition", "ifeq ($(filter y,$(CONFIG_A)),y)\nx := a\nendif\n", "x", "", "m:1: make function $(filter ...) is not evaluated"},
		{"function in outer condition", "ifeq ($(shell true),)\nifdef CONFIG_A\nx := a\nendif\nendif\n", "x", "", "$(shell ...) is not evaluated"},
		{"include", "include d/other.mk\n", "x", "", "m:1: include is not evaluated"},
		{"shell assignment", "x != echo -DX\n", "x", "", "m:1: a shell assignment (!=) is not evaluated"},
		{"define", "define x\na\nendef\n", "x", "", "m:1: define is not evaluated"},
	} {
		m, err := evalMakefile("m", []byte(tc.src), testEnv)
		if err != nil {
			t.Errorf("%s: evalMakefile(%q): %v", tc.name, tc.src, err)
			continue
		}
		got, err := m.get(tc.v)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: get(%s) of %q: got error %v, want one containing %q", tc.name, tc.v, tc.src, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: get(%s) of %q: got %q, %v, want %q", tc.name, tc.v, tc.src, got, err, tc.want)
		}
	}
}

// TestEvalMakefileBad gives makefiles the evaluator must refuse.
func TestEvalMakefileBad(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"ifdef A\nx := 1\n", "m: 1 conditional(s) without endif at end of file"},
		{"endif\n", "m:1: endif without if"},
		{"x := 1\nelse\n", "m:2: else without if"},
	} {
		_, err := evalMakefile("m", []byte(tc.src), testEnv)
		if err == nil || err.Error() != tc.want {
			t.Errorf("evalMakefile(%q): got %v, want %q", tc.src, err, tc.want)
		}
	}
}

// memTree is a tree in memory for For and Built.
type memTree map[string]string

func (m memTree) read(p string) ([]byte, error) {
	if s, ok := m[p]; ok {
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

// preparedMem is a small prepared tree: its own configuration and two
// levels of makefiles with the flags Kbuild gives a file.
func preparedMem() memTree {
	return memTree{
		autoconfH:          "#define CONFIG_FOO 1\n",
		autoConf:           "CONFIG_FOO=y\nCONFIG_BAR=m\n",
		"drivers/Makefile": "obj-y += foo/\nsubdir-ccflags-y := -DPARENT\n",
		"drivers/foo/Makefile": "obj-$(CONFIG_FOO) += a.o multi.o\nobj-$(CONFIG_BAR) += m.o\n" +
			"multi-y := b.o c-d.o\nccflags-y := -I$(src)/inc -DDIR=1 -Wno-x\nCFLAGS_a.o := -DFILE_A -include $(srctree)/include/x.h\n" +
			"CFLAGS_REMOVE_a.o := -Wno-x\nccflags-remove-y := -O2\n",
		"drivers/foo/a.c": "", "drivers/foo/b.c": "", "drivers/foo/c-d.c": "", "drivers/foo/m.c": "", "drivers/foo/s.S": "",
	}
}

// TestForFlags checks the -I, -include and -D options For reads from the
// makefiles, and the per-file defines, on a tree written for the test.
func TestForFlags(t *testing.T) {
	tree := preparedMem()
	for _, tc := range []struct {
		file     string
		includes []string // beyond LINUXINCLUDE
		forced   []string // beyond the three of every file
		defines  []string // beyond the global ones
		notArg   string   // an argument the command must not have
	}{
		{
			"drivers/foo/a.c",
			[]string{"drivers/foo/inc"},
			[]string{"include/x.h"},
			[]string{"PARENT", "DIR=1", "FILE_A", `KBUILD_MODFILE="drivers/foo/a"`, `KBUILD_BASENAME="a"`, `KBUILD_MODNAME="a"`, "__KBUILD_MODNAME=kmod_a"},
			"-Wno-x",
		},
		{
			"drivers/foo/c-d.c",
			[]string{"drivers/foo/inc"},
			nil,
			[]string{"PARENT", "DIR=1", `KBUILD_MODFILE="drivers/foo/multi"`, `KBUILD_BASENAME="c_d"`, `KBUILD_MODNAME="multi"`, "__KBUILD_MODNAME=kmod_multi"},
			"-O2",
		},
		{
			"drivers/foo/m.c",
			[]string{"drivers/foo/inc"},
			nil,
			[]string{"PARENT", "DIR=1", "MODULE", `KBUILD_BASENAME="m"`, `KBUILD_MODNAME="m"`, "__KBUILD_MODNAME=kmod_m"},
			"",
		},
	} {
		cmd, err := For(tree.read, tc.file)
		if err != nil {
			t.Errorf("For(%s): %v", tc.file, err)
			continue
		}
		if got := cmd.IncludeDirs[len(cmd.IncludeDirs)-len(tc.includes):]; !reflect.DeepEqual(got, tc.includes) {
			t.Errorf("For(%s).IncludeDirs: got %q ending, want %q", tc.file, cmd.IncludeDirs, tc.includes)
		}
		wantForced := append([]string{"include/linux/compiler-version.h", "include/linux/kconfig.h", "include/linux/compiler_types.h"}, tc.forced...)
		if !reflect.DeepEqual(cmd.ForcedIncludes, wantForced) {
			t.Errorf("For(%s).ForcedIncludes: got %q, want %q", tc.file, cmd.ForcedIncludes, wantForced)
		}
		var own []string
		for _, d := range cmd.Defines {
			if !strings.Contains(data().vars["KBUILD_CPPFLAGS"]+" "+data().vars["KBUILD_CFLAGS"], "-D"+d) {
				own = append(own, d)
			}
		}
		if !reflect.DeepEqual(own, tc.defines) {
			t.Errorf("For(%s).Defines beyond the global ones: got %q, want %q", tc.file, own, tc.defines)
		}
		for _, a := range cmd.Args {
			if tc.notArg != "" && a == tc.notArg {
				t.Errorf("For(%s).Args: got %s, want it removed", tc.file, a)
			}
		}
		if cmd.ConfigSource != autoconfH || len(cmd.Overlay) != 0 || cmd.Predefined == "" || len(cmd.SystemDirs) != 0 {
			t.Errorf("For(%s): got config %q, %d overlay files, %d bytes of predefined macros, system dirs %q; want %q, 0, some, none",
				tc.file, cmd.ConfigSource, len(cmd.Overlay), len(cmd.Predefined), cmd.SystemDirs, autoconfH)
		}
	}
	got, err := Built(tree.read, "drivers/foo")
	want := []string{"drivers/foo/a.c", "drivers/foo/b.c", "drivers/foo/c-d.c", "drivers/foo/m.c"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Built(drivers/foo): got %q, %v, want %q", got, err, want)
	}
}

// TestForBad gives For inputs it must refuse with one clear error.
func TestForBad(t *testing.T) {
	bad := func(edit func(memTree)) memTree {
		m := preparedMem()
		edit(m)
		return m
	}
	for _, tc := range []struct {
		tree memTree
		file string
		want string
	}{
		{preparedMem(), "../x.c", `"../x.c": not a path inside the tree`},
		{preparedMem(), "/abs/x.c", `"/abs/x.c": not a path inside the tree`},
		{preparedMem(), "", `"": not a path inside the tree`},
		{preparedMem(), "drivers/foo/x.h", "drivers/foo/x.h: not a .c file"},
		{preparedMem(), "nodir/x.c", "nodir: no Kbuild or Makefile: the directory is not built by Kbuild"},
		{
			bad(func(m memTree) { m["drivers/foo/Makefile"] += "CFLAGS_a.o += $(call cc-option,-DX)\n" }), "drivers/foo/a.c",
			"drivers/foo/Makefile: CFLAGS_a.o is not evaluated: drivers/foo/Makefile:8: make function $(call ...) is not evaluated",
		},
		{
			bad(func(m memTree) { m["drivers/Makefile"] += "include foo.mk\n" }), "drivers/foo/a.c",
			"drivers/Makefile: subdir-ccflags-y may be set by a file it includes: drivers/Makefile:3: include is not evaluated",
		},
		{
			bad(func(m memTree) { m["drivers/foo/Makefile"] += "KBUILD_CFLAGS += -DX\n" }), "drivers/foo/a.c",
			"drivers/foo/Makefile:8: assigns KBUILD_CFLAGS: directories that change Kbuild's global flags are not modelled",
		},
		{
			bad(func(m memTree) { m["drivers/foo/Makefile"] += "$(t:%=$(obj)/%.dbg): KBUILD_CFLAGS = -DX\n" }), "drivers/foo/a.c",
			"drivers/foo/Makefile:8: assigns KBUILD_CFLAGS: directories that change Kbuild's global flags are not modelled",
		},
		{
			bad(func(m memTree) { m["drivers/Makefile"] += "export KBUILD_CPPFLAGS := -DX\n" }), "drivers/foo/a.c",
			"drivers/Makefile:3: assigns KBUILD_CPPFLAGS: directories that change Kbuild's global flags are not modelled",
		},
		{
			bad(func(m memTree) { m["drivers/foo/Makefile"] += "ifeq (a\n" }), "drivers/foo/a.c",
			"drivers/foo/Makefile: 1 conditional(s) without endif at end of file",
		},
		{
			bad(func(m memTree) { m["drivers/foo/Makefile"] += "ccflags-y += -U FOO\n" }), "drivers/foo/a.c",
			"drivers/foo/a.c: -U FOO in the compile command is not modelled",
		},
		{
			bad(func(m memTree) { m[autoConf] += "CONFIG_KASAN=y\n" }), "drivers/foo/a.c",
			"drivers/foo/a.c: CONFIG_KASAN=y: the instrumentation flags Kbuild adds for it are not modelled",
		},
		{
			bad(func(m memTree) { delete(m, autoConf) }), "drivers/foo/a.c",
			"include/config/auto.conf: the tree has include/generated/autoconf.h but not include/config/auto.conf: prepare it again (make ARCH=s390 defconfig prepare)",
		},
		{bad(func(m memTree) { m[autoConf] = "FOO\n" }), "drivers/foo/a.c", "include/config/auto.conf:1: not a CONFIG_X=value line"},
		{
			memTree{"drivers/foo/Makefile": "obj-y += a.o\n", "drivers/foo/a.c": ""},
			"drivers/foo/a.c",
			"arch/s390/kernel/syscalls/syscall.tbl: open arch/s390/kernel/syscalls/syscall.tbl: file does not exist",
		},
	} {
		_, err := For(tc.tree.read, tc.file)
		if err == nil || err.Error() != tc.want {
			t.Errorf("For(%q): got error %v, want %q", tc.file, err, tc.want)
		}
	}
	// A read error other than a missing file is reported, not taken for one.
	failing := func(p string) ([]byte, error) { return nil, errors.New("disk on fire") }
	if _, err := For(failing, "drivers/foo/a.c"); err == nil || err.Error() != "include/generated/autoconf.h: disk on fire" {
		t.Errorf("For with a failing reader: got %v, want %q", err, "include/generated/autoconf.h: disk on fire")
	}
}

// TestParseShipped reads the embedded data and refuses damaged copies.
func TestParseShipped(t *testing.T) {
	d, err := parseShipped(defconfigData)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.kernel, "6.12.") || len(d.config) < 1000 || len(d.facts) != len(factHeaders) {
		t.Errorf("embedded data: got kernel %q, %d options, %d fact headers; want 6.12.y, over 1000, %d", d.kernel, len(d.config), len(d.facts), len(factHeaders))
	}
	for _, tc := range []struct{ src, want string }{
		{"kernel 6.12.1\nbogus x\n", `s390_defconfig.txt:2: unknown line kind "bogus"`},
		{"config CONFIG_X\n", "s390_defconfig.txt:1: config line without '='"},
		{"fact a b\n", "s390_defconfig.txt:1: fact line has 2 fields, want 3"},
		{"kernel 6.12.1\n", "s390_defconfig.txt: kernel version, configuration or KBUILD_CFLAGS missing"},
	} {
		if _, err := parseShipped(tc.src); err == nil || err.Error() != tc.want {
			t.Errorf("parseShipped(%q): got %v, want %q", tc.src, err, tc.want)
		}
	}
}

// FuzzEvalMakefile checks that any makefile gives a result or an error,
// never a panic or a hang, and that reading its flag variables does too.
func FuzzEvalMakefile(f *testing.F) {
	for _, s := range []string{
		"obj-$(CONFIG_A) += a.o\nccflags-y := -I$(src)\n",
		"ifeq ($(CONFIG_A),y)\nx := $(call f,a)\nelse ifdef B\nendif\n",
		"define x\n$(\nendef\n$(obj)/a.o: KBUILD_CFLAGS += -DX\n\trecipe\n",
		"x := $(a$(b)\\\n y\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := evalMakefile("m", []byte(src), testEnv)
		if err != nil {
			return
		}
		for _, v := range []string{"obj-y", "ccflags-y", "subdir-ccflags-y", "x"} {
			_, _ = m.get(v)
		}
		_ = m.checkGlobals()
		_, _ = dirObjects(m)
	})
}

// TestReader reads an overlay file and a tree file through Command.Reader.
func TestReader(t *testing.T) {
	c := &Command{Overlay: map[string][]byte{"include/generated/x.h": []byte("overlay")}}
	tree := memTree{"include/generated/x.h": "tree", "a.c": "source"}
	r := c.Reader(tree.read)
	for _, tc := range []struct{ path, want string }{{"include/generated/x.h", "overlay"}, {"./include/generated/x.h", "overlay"}, {"a.c", "source"}} {
		if b, err := r(tc.path); err != nil || string(b) != tc.want {
			t.Errorf("Reader(%s): got %q, %v, want %q", tc.path, b, err, tc.want)
		}
	}
	if _, err := r("missing.h"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Reader(missing.h): got %v, want fs.ErrNotExist", err)
	}
}
