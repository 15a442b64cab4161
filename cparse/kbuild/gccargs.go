package kbuild

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
)

// Compiler is the cross compiler Kbuild uses for ARCH=s390
// CROSS_COMPILE=s390x-linux-gnu-.
const Compiler = "s390x-linux-gnu-gcc"

// DirReader returns a read function for For and Built over the directory
// dir of the file system.
func DirReader(dir string) func(string) ([]byte, error) {
	return func(rel string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	}
}

// GCCArgs returns the argument vector of the kernel's real W=1 compile
// command for the tree-relative .c file rel of the tree at treeAbs, with
// -fsyntax-only in place of -c -o and without the dependency output, to be
// run by tests and CI with the tree root as working directory: the compiler
// then prints rel as the kernel build does. extra goes after the command's
// flags, before rel. It is for oracles, not for trampcheck itself: it needs
// s390x-linux-gnu-gcc and, for the generated headers, a prepared tree.
func GCCArgs(treeAbs, rel string, extra ...string) ([]string, error) {
	cmd, err := For(DirReader(treeAbs), rel)
	if err != nil {
		return nil, err
	}
	argv := append([]string{Compiler}, cmd.Args...)
	argv = append(argv, "-fsyntax-only")
	argv = append(argv, extra...)
	return append(argv, cmd.File), nil
}

// GCCStdinArgs is GCCArgs for a changed copy of rel fed on standard input,
// so that the tree is never written: the source is read from "-" as C, the
// directory of rel is searched first for #include "..." (-iquote, as the
// compiler would search the file's own directory), and the input must start
// with StdinLineMarker(rel) so that diagnostics name rel at its own lines.
func GCCStdinArgs(treeAbs, rel string, extra ...string) ([]string, error) {
	cmd, err := For(DirReader(treeAbs), rel)
	if err != nil {
		return nil, err
	}
	argv := append([]string{Compiler}, cmd.Args...)
	argv = append(argv, "-fsyntax-only", "-iquote", path.Dir(cmd.File))
	argv = append(argv, extra...)
	return append(argv, "-x", "c", "-"), nil
}

// StdinLineMarker is the first line of standard input for GCCStdinArgs: a
// line directive naming rel, so that the next line is line 1 of rel.
func StdinLineMarker(rel string) string {
	return fmt.Sprintf("#line 1 %q\n", rel)
}
