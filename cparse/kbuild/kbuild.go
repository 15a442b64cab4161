package kbuild

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Command is what a C preprocessor needs of Kbuild's compile command for
// one .c file of an s390 build (W=1).
type Command struct {
	// File is the tree-relative path of the .c file.
	File string
	// IncludeDirs are the -I directories in command-line order,
	// tree-relative ("arch/s390/include", ..., "include/generated/uapi").
	IncludeDirs []string
	// SystemDirs are -isystem directories. Linux 6.12 passes none: it
	// compiles with -nostdinc and has its own include/linux/stdarg.h, so
	// no header of the compiler is ever searched.
	SystemDirs []string
	// ForcedIncludes are the -include files in order, tree-relative.
	ForcedIncludes []string
	// Defines are the -D options in command-line order, NAME or
	// NAME=VALUE, as the compiler receives them after the shell removed its
	// quotes (KBUILD_MODNAME="core").
	Defines []string
	// Predefined is GCC's own predefined macros under the command's
	// target and code generation flags (s390x-linux-gnu-gcc -dM -E), as
	// #define lines.
	Predefined string
	// Overlay holds the generated files an unprepared tree lacks,
	// tree-relative path -> content; empty for a prepared tree.
	Overlay map[string][]byte
	// ConfigSource says where the configuration came from:
	// "include/generated/autoconf.h" or ShippedConfigSource().
	ConfigSource string
	// Args is the whole command's argument list after the compiler name,
	// in order, without the dependency output (-Wp,-MMD,...), the source
	// file and -c -o: preprocessing and compiling flags alike.
	Args []string
}

//go:embed predefined_gcc12_s390x.h
var predefined string

// Predefined returns the macros s390x-linux-gnu-gcc 12 predefines under
// Kbuild's s390 code generation flags, as #define lines (what
// Command.Predefined holds; see gen_predefined.sh).
func Predefined() string { return predefined }

// compilerTypes is the -include Kbuild adds to every C file after
// LINUXINCLUDE (scripts/Makefile.lib: c_flags).
const compilerTypes = "./include/linux/compiler_types.h"

// For returns the compile command for the tree-relative .c file rel of the
// tree read reads. read takes a tree-relative path and returns the file's
// content, or an error wrapping fs.ErrNotExist when it is missing.
//
// The directory's Kbuild makefiles are read from the tree (see the package
// documentation); the global flags, the compiler's predefined macros and,
// for a tree that is not prepared, the configuration and compiler-computed
// headers come from data shipped with the package.
func For(read func(string) ([]byte, error), rel string) (*Command, error) {
	rel, err := cleanRel(rel)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(rel, ".c") {
		return nil, fmt.Errorf("%s: not a .c file", rel)
	}
	cfg, source, prepared, err := loadConfig(read)
	if err != nil {
		return nil, err
	}
	args, err := compileArgs(read, cfg, rel)
	if err != nil {
		return nil, err
	}
	cmd := &Command{File: rel, Predefined: predefined, ConfigSource: source, Args: args, Overlay: map[string][]byte{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s: compile command ends with %s", rel, a)
			}
			i++
			return args[i], nil
		}
		var v string
		switch {
		case a == "-I" || a == "-D" || a == "-include" || a == "-isystem" || a == "-U" || a == "-iquote" || a == "-idirafter":
			if v, err = next(); err != nil {
				return nil, err
			}
		case strings.HasPrefix(a, "-I") || strings.HasPrefix(a, "-D") || strings.HasPrefix(a, "-U"):
			v, a = a[2:], a[:2]
		case strings.HasPrefix(a, "-isystem") || strings.HasPrefix(a, "-iquote") || strings.HasPrefix(a, "-idirafter"):
			return nil, fmt.Errorf("%s: %s: write it as two arguments", rel, a)
		default:
			continue
		}
		switch a {
		case "-I":
			cmd.IncludeDirs = append(cmd.IncludeDirs, treePath(v))
		case "-isystem":
			cmd.SystemDirs = append(cmd.SystemDirs, v)
		case "-include":
			cmd.ForcedIncludes = append(cmd.ForcedIncludes, treePath(v))
		case "-D":
			cmd.Defines = append(cmd.Defines, v)
		default:
			return nil, fmt.Errorf("%s: %s %s in the compile command is not modelled", rel, a, v)
		}
	}
	if !prepared {
		ov, err := overlay(read, cfg)
		if err != nil {
			return nil, err
		}
		cmd.Overlay = ov
	}
	return cmd, nil
}

// treePath turns Kbuild's "./include" into "include".
func treePath(p string) string {
	p = path.Clean(p)
	return p
}

// cleanRel checks that rel is a clean tree-relative path.
func cleanRel(rel string) (string, error) {
	c := path.Clean(strings.TrimPrefix(rel, "./"))
	if rel == "" || path.IsAbs(c) || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%q: not a path inside the tree", rel)
	}
	return c, nil
}

// unsupportedConfig lists options whose instrumentation flags Kbuild adds per
// object (scripts/Makefile.lib) and that this package does not model.
var unsupportedConfig = []string{
	"CONFIG_GCOV_PROFILE_ALL", "CONFIG_KASAN", "CONFIG_KMSAN", "CONFIG_UBSAN",
	"CONFIG_KCOV_INSTRUMENT_ALL", "CONFIG_KCSAN", "CONFIG_LTO_CLANG", "CONFIG_CFI_CLANG",
}

// env returns the variables a directory's makefiles see without assigning
// them: the configuration and Kbuild's globals.
func env(cfg config, dir string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		switch name {
		case "srctree", "objtree":
			return ".", true
		case "src", "obj":
			return dir, true
		}
		if strings.HasPrefix(name, "CONFIG_") {
			v, ok := cfg[name]
			return v, ok
		}
		v, ok := data().vars[name]
		return v, ok
	}
}

// kbuildFile reads the Kbuild makefile of dir: dir/Kbuild, else
// dir/Makefile (scripts/Makefile.build's kbuild-file). The tree root's
// Makefile is the top makefile, not a Kbuild makefile, and is never read.
func kbuildFile(read func(string) ([]byte, error), dir string) (string, []byte, error) {
	names := []string{"Kbuild", "Makefile"}
	if dir == "." {
		names = names[:1]
	}
	for _, n := range names {
		p := path.Join(dir, n)
		b, err := read(p)
		if err == nil {
			return p, b, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("%s: %v", p, err)
		}
	}
	return "", nil, nil
}

// dirMakefiles evaluates the Kbuild makefiles from the tree root down to
// dir. The last one is dir's own; it must exist.
func dirMakefiles(read func(string) ([]byte, error), cfg config, dir string) ([]*makefile, error) {
	dirs := []string{"."}
	parts := strings.Split(dir, "/")
	for i := range parts {
		dirs = append(dirs, strings.Join(parts[:i+1], "/"))
	}
	var out []*makefile
	for i, d := range dirs {
		p, b, err := kbuildFile(read, d)
		if err != nil {
			return nil, err
		}
		if p == "" {
			if i == len(dirs)-1 {
				return nil, fmt.Errorf("%s: no Kbuild or Makefile: the directory is not built by Kbuild", dir)
			}
			continue
		}
		m, err := evalMakefile(p, b, env(cfg, d))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// compileArgs composes the compile command of rel as scripts/Makefile.lib
// does (c_flags), without -Wp,-MMD and the output and input files.
func compileArgs(read func(string) ([]byte, error), cfg config, rel string) ([]string, error) {
	for _, o := range unsupportedConfig {
		if v := cfg[o]; v == "y" || v == "m" {
			return nil, fmt.Errorf("%s: %s=%s: the instrumentation flags Kbuild adds for it are not modelled", rel, o, v)
		}
	}
	dir, file := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	stem := strings.TrimSuffix(file, ".c")
	mfs, err := dirMakefiles(read, cfg, dir)
	if err != nil {
		return nil, err
	}
	for _, m := range mfs {
		if err := m.checkGlobals(); err != nil {
			return nil, err
		}
	}
	own := mfs[len(mfs)-1]
	// KBUILD_CFLAGS grows by the subdir-ccflags-y of every directory on the
	// way down, this one's included.
	kcflags := strings.Fields(data().vars["KBUILD_CFLAGS"])
	for _, m := range mfs {
		w, err := m.words("subdir-ccflags-y")
		if err != nil {
			return nil, err
		}
		kcflags = append(kcflags, w...)
	}
	get := func(name string) ([]string, error) { return own.words(name) }
	ccflags, err := get("ccflags-y")
	if err != nil {
		return nil, err
	}
	extra, err := get("EXTRA_CFLAGS")
	if err != nil {
		return nil, err
	}
	ccflags = append(ccflags, extra...)
	ccremove, err := get("ccflags-remove-y")
	if err != nil {
		return nil, err
	}
	cflagsFile, err := get("CFLAGS_" + stem + ".o")
	if err != nil {
		return nil, err
	}
	cflagsRemove, err := get("CFLAGS_REMOVE_" + stem + ".o")
	if err != nil {
		return nil, err
	}
	objs, err := dirObjects(own)
	if err != nil {
		return nil, err
	}
	modnames, module := objs.owner(stem + ".o")

	var args []string
	args = append(args, strings.Fields(data().vars["NOSTDINC_FLAGS"])...)
	args = append(args, strings.Fields(data().vars["LINUXINCLUDE"])...)
	args = append(args, "-include", compilerTypes)
	cf := append(append(strings.Fields(data().vars["KBUILD_CPPFLAGS"]), kcflags...), ccflags...)
	cf = filterOut(ccremove, cf)
	cf = append(cf, cflagsFile...)
	args = append(args, filterOut(cflagsRemove, cf)...)
	fix := func(s string) string { return strings.NewReplacer("-", "_", ",", "_").Replace(s) }
	if module {
		args = append(args, strings.Fields(data().vars["KBUILD_CFLAGS_MODULE"])...)
		args = append(args, strings.Fields(data().vars["CFLAGS_MODULE"])...)
	} else {
		args = append(args, strings.Fields(data().vars["KBUILD_CFLAGS_KERNEL"])...)
		args = append(args, strings.Fields(data().vars["CFLAGS_KERNEL"])...)
		files := make([]string, len(modnames))
		for i, n := range modnames {
			files[i] = path.Join(dir, n)
		}
		args = append(args, `-DKBUILD_MODFILE="`+strings.Join(files, " ")+`"`)
	}
	fixed := make([]string, len(modnames))
	for i, n := range modnames {
		fixed[i] = fix(n)
	}
	modname := strings.Join(fixed, ":")
	args = append(args,
		`-DKBUILD_BASENAME="`+fix(stem)+`"`,
		`-DKBUILD_MODNAME="`+modname+`"`,
		"-D__KBUILD_MODNAME=kmod_"+modname)
	return args, nil
}

// filterOut is make's $(filter-out patterns,words): words matching no
// pattern (% matches any string).
func filterOut(patterns, words []string) []string {
	if len(patterns) == 0 {
		return words
	}
	var out []string
	for _, w := range words {
		drop := false
		for _, p := range patterns {
			if match(p, w) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, w)
		}
	}
	return out
}

func match(pattern, w string) bool {
	pre, suf, ok := strings.Cut(pattern, "%")
	if !ok {
		return pattern == w
	}
	return len(w) >= len(pre)+len(suf) && strings.HasPrefix(w, pre) && strings.HasSuffix(w, suf)
}

// objects is what a directory's makefile builds.
type objects struct {
	builtin, module []string            // obj-y (and lib-y), obj-m minus obj-y
	parts           map[string][]string // composite object -> its parts
}

// dirObjects reads obj-y, obj-m, lib-y and the composite objects of m, as
// scripts/Makefile.lib's real-search does (suffixes -objs, -y, -m).
func dirObjects(m *makefile) (*objects, error) {
	o := &objects{parts: map[string][]string{}}
	y, err := m.words("obj-y")
	if err != nil {
		return nil, err
	}
	lib, err := m.words("lib-y")
	if err != nil {
		return nil, err
	}
	mod, err := m.words("obj-m")
	if err != nil {
		return nil, err
	}
	o.builtin = append(y, lib...)
	in := map[string]bool{}
	for _, w := range o.builtin {
		in[w] = true
	}
	for _, w := range mod {
		if !in[w] {
			o.module = append(o.module, w)
		}
	}
	for _, w := range append(append([]string{}, o.builtin...), o.module...) {
		if !strings.HasSuffix(w, ".o") {
			continue
		}
		base := strings.TrimSuffix(w, ".o")
		var parts []string
		for _, suf := range []string{"-objs", "-y", "-m"} {
			p, err := m.words(base + suf)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p...)
		}
		if len(parts) > 0 {
			o.parts[w] = parts
		}
	}
	return o, nil
}

// owner returns the module names an object is part of (the composite
// objects listing it, else its own name) and whether it is built as part of
// a module.
func (o *objects) owner(obj string) (modnames []string, module bool) {
	for comp, parts := range o.parts {
		for _, p := range parts {
			if p == obj {
				modnames = append(modnames, strings.TrimSuffix(comp, ".o"))
			}
		}
	}
	sort.Strings(modnames)
	if len(modnames) == 0 {
		modnames = []string{strings.TrimSuffix(obj, ".o")}
	}
	for _, w := range o.real(o.module) {
		if w == obj {
			module = true
		}
	}
	for _, w := range o.real(o.builtin) {
		if w == obj {
			module = false
		}
	}
	return modnames, module
}

// real replaces composite objects by their parts.
func (o *objects) real(list []string) []string {
	var out []string
	for _, w := range list {
		if p, ok := o.parts[w]; ok {
			out = append(out, p...)
		} else {
			out = append(out, w)
		}
	}
	return out
}

// Built returns the tree-relative .c files that Kbuild compiles in the
// tree-relative directory dir for the tree's configuration (the shipped s390
// defconfig when the tree is not prepared): the objects of obj-y, obj-m and
// lib-y, composite objects replaced by their parts, whose source is a .c
// file of the tree (objects built from .S files and subdirectories are
// left out), sorted.
func Built(read func(string) ([]byte, error), dir string) ([]string, error) {
	dir, err := cleanRel(dir)
	if err != nil {
		return nil, err
	}
	cfg, _, _, err := loadConfig(read)
	if err != nil {
		return nil, err
	}
	mfs, err := dirMakefiles(read, cfg, dir)
	if err != nil {
		return nil, err
	}
	o, err := dirObjects(mfs[len(mfs)-1])
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, w := range append(o.real(o.builtin), o.real(o.module)...) {
		if !strings.HasSuffix(w, ".o") || seen[w] {
			continue
		}
		seen[w] = true
		c := path.Join(dir, strings.TrimSuffix(w, ".o")+".c")
		if _, err := read(c); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("%s: %v", c, err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}

// Reader returns a read function that gives the command's Overlay files and
// otherwise reads the tree through read: the tree as the compiler sees it.
func (c *Command) Reader(read func(string) ([]byte, error)) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if b, ok := c.Overlay[path.Clean(p)]; ok {
			return b, nil
		}
		return read(p)
	}
}
