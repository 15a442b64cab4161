package kbuild

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The directories whose compile commands the tests compare with Kbuild's.
var testDirs = []string{"kernel/bpf", "arch/s390/net", "arch/s390/kernel"}

// requireKernel skips, or fails when CI requires the kernel.
func requireKernel(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// preparedPath returns the tree .ci/kernel-prepared makes, or
// TRAMPCHECK_PREPARED_TREE, or "" when there is none.
func preparedPath() string {
	if d := os.Getenv("TRAMPCHECK_PREPARED_TREE"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	cache := filepath.Join(wd, "..", "..", ".cache", "kernel", "prepared")
	if _, err := os.Stat(filepath.Join(cache, ".prepared")); err != nil {
		return ""
	}
	return filepath.Join(cache, "linux-source-6.12")
}

// preparedDir returns the prepared tree (read-only for tests), or skips
// (fails under TRAMPCHECK_REQUIRE_KERNEL=1) when there is none.
func preparedDir(tb testing.TB) string {
	tb.Helper()
	d := preparedPath()
	if d == "" {
		requireKernel(tb, "no prepared kernel tree: run .ci/kernel-prepared")
	}
	return d
}

// needTool skips (or fails under CI) when a program is not installed.
func needTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		requireKernel(tb, "%s not installed", name)
	}
}

var (
	realOnce sync.Once
	realCmds map[string][]string
	realErr  string
)

// realCommands returns Kbuild's own compile commands (argv) for every .c
// file of testDirs, keyed by tree-relative path: make -n V=1 W=1 run in a
// tree of symbolic links to the prepared tree made in a temporary
// directory, so that the prepared tree is never written (make's compiler
// probes create files where it runs). Objects, .cmd files and archives of
// testDirs are left out of the copy so that make lists every command.
func realCommands(t *testing.T) map[string][]string {
	t.Helper()
	tree := preparedDir(t)
	needTool(t, "make")
	needTool(t, Compiler)
	realOnce.Do(func() {
		farm, err := os.MkdirTemp("", "kbuild-farm-")
		if err != nil {
			realErr = err.Error()
			return
		}
		defer func() { _ = os.RemoveAll(farm) }()
		if err := symlinkFarm(tree, farm); err != nil {
			realErr = "making the symlink tree: " + err.Error()
			return
		}
		args := append([]string{"-n", "-C", farm, "ARCH=s390", "CROSS_COMPILE=s390x-linux-gnu-", "W=1", "V=1"}, dirTargets()...)
		cmd := exec.Command("make", args...)
		cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
		out, err := cmd.Output()
		if err != nil {
			realErr = "make -n: " + err.Error()
			return
		}
		realCmds = parseMakeN(out)
	})
	if realErr != "" {
		t.Fatal(realErr)
	}
	return realCmds
}

func dirTargets() []string {
	var out []string
	for _, d := range testDirs {
		out = append(out, d+"/")
	}
	return out
}

// farmWhole are the directories make reads whole for the targets of
// realCommands; elsewhere it reads only makefiles and Kconfig files (the
// configuration depends on every Kconfig file: were one missing, make would
// run syncconfig).
var farmWhole = []string{"arch/s390", "include", "scripts", "kernel", "lib", "init", "usr"}

// symlinkFarm mirrors src into dst: directories are made, files are
// symbolic links, except the build products of testDirs, which are left
// out, and outside farmWhole everything but makefiles and Kconfig files.
func symlinkFarm(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		n := d.Name()
		whole := !strings.Contains(rel, "/") // top-level files
		for _, w := range farmWhole {
			if strings.HasPrefix(rel, w+"/") {
				whole = true
			}
		}
		if !whole && !strings.HasPrefix(n, "Kconfig") && !strings.HasPrefix(n, "Makefile") && !strings.HasPrefix(n, "Kbuild") {
			return nil
		}
		dir := path.Dir(rel)
		for _, td := range testDirs {
			if dir == td {
				if strings.HasSuffix(n, ".o") || strings.HasSuffix(n, ".cmd") || strings.HasSuffix(n, ".a") ||
					strings.HasSuffix(n, ".d") || n == "modules.order" {
					return nil
				}
			}
		}
		return os.Symlink(p, target)
	})
}

// parseMakeN finds the compile commands (compiler, ..., -c -o X.o X.c) in
// make -n output.
func parseMakeN(out []byte) map[string][]string {
	cmds := map[string][]string{}
	for _, line := range bytes.Split(out, []byte("\n")) {
		words := shellWords(string(line))
		for i := 0; i < len(words); i++ {
			if words[i] != Compiler {
				continue
			}
			j := i + 1
			for j < len(words) && words[j] != ";" {
				j++
			}
			argv := words[i:j]
			i = j
			n := len(argv)
			if n < 4 || argv[n-4] != "-c" || argv[n-3] != "-o" || !strings.HasSuffix(argv[n-1], ".c") {
				continue
			}
			cmds[argv[n-1]] = argv
		}
	}
	return cmds
}

// shellWords splits a shell command line into words, with single and
// double quotes and backslashes as sh reads them, and an unquoted ; (or
// && or ||) as a word of its own.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in := false
	flush := func() {
		if in {
			words = append(words, cur.String())
			cur.Reset()
			in = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == ';':
			flush()
			words = append(words, ";")
		case c == '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			in = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			in = true
			i++
			cur.WriteByte(s[i])
		default:
			in = true
			cur.WriteByte(c)
		}
	}
	flush()
	return words
}
