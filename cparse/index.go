package cparse

import (
	_ "embed" // the prototype index
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ../cmd/trampcheck protoindex --tree ../.cache/kernel/linux-source-6.12 -o protoindex.txt

// RegenerateIndexCommand is the command, run at the repository root, that
// regenerates the embedded index from the tree that .ci/kernel-tree
// extracts from the installed linux-source-6.12.
const RegenerateIndexCommand = ".ci/kernel-tree && go generate ./cparse"

// protoIndex is the embedded prototype index: for the include closure of
// arch/s390/net/bpf_jit_comp.c in Linux 6.12, the names of the functions
// declared with a prototype with the headers declaring each, and the
// include graph of those headers. It holds facts (names and paths), not
// source text, and records the kernel version it was made from. Regenerate
// it with go generate, which runs "trampcheck protoindex"
// (RegenerateIndexCommand).
//
//go:embed protoindex.txt
var protoIndex string

var (
	indexOnce sync.Once
	indexVal  *Index
	indexErr  error
)

// embeddedIndex returns the parsed embedded index.
func embeddedIndex() (*Index, error) {
	indexOnce.Do(func() { indexVal, indexErr = ParseIndex(protoIndex) })
	return indexVal, indexErr
}

// EmbeddedIndex returns the text of the embedded prototype index.
func EmbeddedIndex() string { return protoIndex }

// Index is a prototype index: which headers declare which functions, and
// which headers include which.
type Index struct {
	// Kernel is the version of the tree the index was made from, as its
	// Makefile gives it (KernelVersion); Debian is the version of Debian's
	// linux-source-6.12 package that tree came from. Either is "" when the
	// index does not record it.
	Kernel, Debian string
	// Protos maps a function name to the headers that declare it with a
	// prototype, sorted.
	Protos map[string][]string
	// Includes maps every header of the index (and the indexed file) to
	// the headers its #include lines resolve to.
	Includes map[string][]string
}

// ParseIndex parses the text of a prototype index: comment lines starting
// with '#', of which "# kernel-version: V" and "# debian-version: V" record
// where the index came from ("none" for not known); "NAME HEADER..." lines,
// one per function with the headers that declare it; "> FILE HEADER..."
// lines, one per header (and the indexed file) with the headers it
// includes.
func ParseIndex(text string) (*Index, error) {
	idx := &Index{Protos: map[string][]string{}, Includes: map[string][]string{}}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if c, ok := strings.CutPrefix(line, "#"); ok {
			k, v, _ := strings.Cut(strings.TrimSpace(c), ":")
			if v = strings.TrimSpace(v); v == "none" {
				v = ""
			}
			switch k {
			case "kernel-version":
				idx.Kernel = v
			case "debian-version":
				idx.Debian = v
			}
			continue
		}
		f := strings.Fields(line)
		if f[0] == ">" {
			if len(f) < 2 {
				return nil, fmt.Errorf("prototype index:%d: want \"> FILE HEADER...\", got %q", i+1, line)
			}
			idx.Includes[f[1]] = f[2:]
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("prototype index:%d: want \"NAME HEADER...\", got %q", i+1, line)
		}
		idx.Protos[f[0]] = f[1:]
	}
	return idx, nil
}

// visible returns the names of the functions with a prototype in the
// include closure of a file named name (tree-relative) whose #include
// lines are incs, resolved in the index's include graph with the kernel's
// include directories (after extra). When an include does not resolve to a
// header of the index, the closure is unknown and every name of the index
// is returned: more prototypes rather than false reports.
func (idx *Index) visible(name string, incs []include, extra []string) map[string]bool {
	dirs := append(append([]string(nil), extra...), KernelIncludeDirs...)
	var work []string
	for _, in := range incs {
		found := idx.resolve(name, in, dirs)
		if found == "" {
			all := make(map[string]bool, len(idx.Protos))
			for n := range idx.Protos {
				all[n] = true
			}
			return all
		}
		work = append(work, found)
	}
	for _, h := range KernelForcedIncludes {
		if _, ok := idx.Includes[h]; ok {
			work = append(work, h)
		}
	}
	closure := map[string]bool{}
	for len(work) > 0 {
		h := work[len(work)-1]
		work = work[:len(work)-1]
		if closure[h] {
			continue
		}
		closure[h] = true
		work = append(work, idx.Includes[h]...)
	}
	names := map[string]bool{}
	for n, hs := range idx.Protos {
		for _, h := range hs {
			if closure[h] {
				names[n] = true
				break
			}
		}
	}
	return names
}

// resolve returns the header of the index's include graph that the
// #include in of the file name resolves to in the include directories
// dirs, or "".
func (idx *Index) resolve(name string, in include, dirs []string) string {
	var cands []string
	if !in.angled {
		cands = append(cands, path.Join(path.Dir(filepath.ToSlash(name)), in.path))
	}
	for _, d := range dirs {
		cands = append(cands, path.Join(filepath.ToSlash(d), in.path))
	}
	for _, c := range cands {
		if _, ok := idx.Includes[c]; ok {
			return c
		}
	}
	return ""
}

// IndexFile is the tree-relative path of the file the embedded index is
// built for.
const IndexFile = "arch/s390/net/bpf_jit_comp.c"

// GenerateIndex scans the include closure of IndexFile in tree and returns
// the text of a prototype index. The output is sorted and deterministic.
// Its header records the tree's version (KernelVersion) and debian, the
// version of the Debian package the tree came from ("" for not known; see
// DebianSourceVersion).
func GenerateIndex(tree, debian string) (string, error) {
	src, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(IndexFile)))
	if err != nil {
		return "", err
	}
	kernel, err := KernelVersion(tree)
	if err != nil {
		return "", err
	}
	if debian == "" {
		debian = "none"
	}
	hs, roots, err := includeGraph(tree, IndexFile, src, Options{Tree: tree}, nil)
	if err != nil {
		return "", err
	}
	protos := map[string][]string{}
	for _, h := range hs { // sorted by path
		for _, n := range h.Protos {
			if l := protos[n]; len(l) == 0 || l[len(l)-1] != h.Path {
				protos[n] = append(l, h.Path)
			}
		}
	}
	names := make([]string, 0, len(protos))
	for n := range protos {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# Code generated by \"trampcheck protoindex\"; DO NOT EDIT.\n")
	fmt.Fprintf(&b, "# kernel-version: %s\n", kernel)
	fmt.Fprintf(&b, "# debian-version: %s\n", debian)
	fmt.Fprintf(&b, "# (VERSION.PATCHLEVEL.SUBLEVEL of the tree's Makefile; the %s package it came from.)\n", DebianSourcePackage)
	fmt.Fprintf(&b, "# Functions declared with a prototype in the include closure of %s\n", IndexFile)
	fmt.Fprintf(&b, "# (Linux 6.12, %d headers): \"NAME HEADER...\" lines, then the include graph,\n", len(hs))
	b.WriteString("# \"> FILE HEADER...\". Names and paths only: no source text.\n")
	for _, n := range names {
		fmt.Fprintf(&b, "%s %s\n", n, strings.Join(protos[n], " "))
	}
	edge := func(from string, to []string) {
		to = append([]string(nil), to...)
		sort.Strings(to)
		to = compactStrings(to)
		b.WriteString("> " + from)
		for _, t := range to {
			b.WriteString(" " + t)
		}
		b.WriteString("\n")
	}
	edge(IndexFile, roots)
	for _, h := range hs {
		edge(h.Path, h.Includes)
	}
	return b.String(), nil
}

// compactStrings removes adjacent duplicates of a sorted slice.
func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
