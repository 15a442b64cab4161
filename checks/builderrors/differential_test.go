package builderrors_test

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// mutantFiles are the real files the differential test mutates (present
// in every 6.12.y release).
var mutantFiles = []string{
	"arch/s390/net/bpf_jit_comp.c",
	"arch/s390/net/pnet.c",
	"kernel/bpf/core.c",
	"kernel/bpf/helpers.c",
	"kernel/bpf/arraymap.c",
	"kernel/bpf/hashtab.c",
}

// mutant is one mechanical change of a real file: its new contents, and
// header contents that replace the tree's (tree-relative path).
type mutant struct {
	rel, kind string
	src       []byte
	headers   map[string][]byte
}

// ourClass matches the error texts this check implements (besides the
// preprocessing errors, compared as GCC's first error).
var ourClass = regexp.MustCompile(`: error: (redefinition of '|implicit declaration of function '|too (many|few) arguments to function ')`)

// suggestion is GCC's spelling suggestion, which the check leaves out.
var suggestion = regexp.MustCompile(`; did you mean '[^']*'\?`)

// TestDifferential compares the check with the kernel's own compiler on
// mechanical mutants of real files: a definition duplicated, a macro's
// arity changed (both ways), a called function's header prototype deleted
// or renamed (through an overlay directory given to GCC with -I first;
// the tree is never written), a call given one argument more or one less.
// Where the check reports a preprocessing error it must be GCC's first
// error line; otherwise every error line it reports must be one of GCC's,
// every GCC error line of its classes must be reported, and where GCC
// compiles cleanly it must report nothing.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	tree := ktree.Prepared(t)
	crossGCC(t)
	t.Setenv("TRAMPCHECK_CACHE", t.TempDir())
	var ms []mutant
	for _, rel := range mutantFiles {
		src, err := os.ReadFile(filepath.Join(tree, rel))
		if err != nil {
			t.Fatal(err)
		}
		f, err := cparse.Parse(filepath.Join(tree, rel), src, cparse.Options{Tree: tree})
		if err != nil || f.TU == nil {
			t.Fatalf("%s: %v %v", rel, err, f.TUErr)
		}
		ms = append(ms, mutants(t, tree, rel, src, f)...)
	}
	var mu sync.Mutex
	counts := map[string]int{}
	kinds := map[string]int{}
	parallel(ms, func(m mutant) {
		want, all, err := mutantGCC(tree, m)
		if err != nil {
			t.Error(err)
			return
		}
		got, cppErr := ours(t, filepath.Join(tree, m.rel), m.src, cparse.Options{Tree: tree, Overlay: m.headers}, m.rel)
		mu.Lock()
		defer mu.Unlock()
		kinds[m.kind]++
		counts["mutants"]++
		counts["gcc error lines of the classes"] += len(want)
		if len(all) == 0 {
			counts["gcc clean"]++
		}
		switch {
		case cppErr:
			counts["preprocessing errors"]++
			if len(all) == 0 || !slices.Equal(got, all[:1]) {
				t.Errorf("%s (%s): got %q, want gcc's first error %q", m.rel, m.kind, got, first(all))
				return
			}
			counts["identical"]++
		default:
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("%s (%s): got %s, which gcc does not print; gcc:\n\t%s", m.rel, m.kind, g, strings.Join(all, "\n\t"))
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s (%s): gcc prints %s, got none", m.rel, m.kind, w)
				}
			}
			counts["identical"] += len(got)
		}
	})
	t.Logf("%d mutants (%v): %d gcc error lines of the check's classes, %d preprocessing errors, %d lines reported identically, %d mutants gcc compiles without error",
		counts["mutants"], kinds, counts["gcc error lines of the classes"], counts["preprocessing errors"], counts["identical"], counts["gcc clean"])
}

// first returns the first of lines, "" for none.
func first(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// mutantGCC runs the kernel's compile command on the mutant through
// standard input, with an overlay directory for its headers first on the
// include path, and returns GCC's error lines in the file of the check's
// classes (suggestions removed) and all of its error lines in the file.
func mutantGCC(tree string, m mutant) (classes, all []string, err error) {
	argv, err := kbuild.GCCStdinArgs(tree, m.rel)
	if err != nil {
		return nil, nil, err
	}
	if len(m.headers) > 0 {
		dir, err := os.MkdirTemp("", "builderrors-overlay")
		if err != nil {
			return nil, nil, err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		for p, b := range m.headers {
			inc := includeRel(p)
			if inc == "" {
				return nil, nil, fmt.Errorf("%s: not under an include directory", p)
			}
			dst := filepath.Join(dir, filepath.FromSlash(inc))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, nil, err
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				return nil, nil, err
			}
		}
		argv = append([]string{argv[0], "-I", dir}, argv[1:]...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	cmd.Stdin = strings.NewReader(kbuild.StdinLineMarker(m.rel) + string(m.src))
	out, _ := cmd.CombinedOutput() // errors are what is compared
	for _, l := range gccErrors(string(out), m.rel) {
		l = suggestion.ReplaceAllString(l, "")
		all = append(all, l)
		if ourClass.MatchString(l) {
			classes = append(classes, l)
		}
	}
	return classes, all, nil
}

// includeRel returns the path of a header under the include directory
// that holds it ("linux/filter.h" for "include/linux/filter.h"), "" when
// it is under none of the directories handled.
func includeRel(p string) string {
	for _, d := range []string{"arch/s390/include/", "include/"} {
		if strings.HasPrefix(p, d) && !strings.Contains(p, "/generated/") {
			return strings.TrimPrefix(p, d)
		}
	}
	return ""
}

// defineRE matches a function-like #define: name and parameters.
var defineRE = regexp.MustCompile(`(?m)^#define ([A-Za-z_]\w*)\(([^)]*)\)`)

// callRE matches a call's name.
var callRE = regexp.MustCompile(`\b([a-z_][a-z0-9_]*)\(`)

// mutants returns the mutants of the file rel (contents src, read as f).
func mutants(t *testing.T, tree, rel string, src []byte, f *cparse.File) []mutant {
	t.Helper()
	text := string(src)
	lines := strings.SplitAfter(text, "\n")
	var out []mutant
	add := func(kind, s string, h map[string][]byte) {
		out = append(out, mutant{rel: rel, kind: kind, src: []byte(s), headers: h})
	}
	// A definition duplicated at the end of the file: the first whose
	// declaration starts its line after a blank line, a comment or a '}'.
	defined := map[string]bool{}
	dup := 0
	for _, d := range f.TU.Decls {
		if d.Def && f.TU.InFile(d.Pos) {
			defined[d.Name] = true
		}
		if !d.Def || !f.TU.InFile(d.Pos) || d.Macro != "" || d.Pos.Line < 2 || dup >= 1 {
			continue
		}
		head := lines[d.Pos.Line-1]
		prev := strings.TrimSpace(lines[d.Pos.Line-2])
		if head == "" || head[0] == ' ' || head[0] == '\t' || head[0] == '#' ||
			(prev != "" && prev != "}" && !strings.HasSuffix(prev, "*/")) {
			continue
		}
		dup++
		add("duplicate definition", text+"\n"+strings.Join(lines[d.Pos.Line-1:d.Close.Line], ""), nil)
	}
	// A function-like macro of the file that the file uses, with one
	// parameter more, and one less.
	more, less := 0, 0
	for _, m := range defineRE.FindAllStringSubmatchIndex(text, -1) {
		name, params := text[m[2]:m[3]], text[m[4]:m[5]]
		if strings.Contains(params, "...") || strings.Count(text, name+"(") < 2 {
			continue
		}
		if more < 1 {
			more++
			np := params + ", zz_extra"
			if strings.TrimSpace(params) == "" {
				np = "zz_extra"
			}
			add("macro arity +1", text[:m[4]]+np+text[m[5]:], nil)
		}
		if i := strings.LastIndex(params, ","); i > 0 && less < 1 {
			less++
			add("macro arity -1", text[:m[4]]+params[:i]+text[m[5]:], nil)
		}
	}
	// A called function's one-line header prototype deleted, and renamed.
	var headers []string
	for _, h := range f.TU.Files[1:] {
		if strings.HasSuffix(h, ".h") && includeRel(h) != "" {
			headers = append(headers, h)
		}
	}
	seen := map[string]bool{}
	protos := 0
	for _, c := range callRE.FindAllStringSubmatch(text, -1) {
		name := c[1]
		if seen[name] || defined[name] || protos >= 1 {
			continue
		}
		seen[name] = true
		h, i, hl := headerProto(tree, headers, name)
		if h == "" {
			continue
		}
		protos++
		del := strings.Join(slices.Concat(hl[:i], []string{"\n"}, hl[i+1:]), "")
		add("prototype deleted", text, map[string][]byte{h: []byte(del)})
		ren := slices.Clone(hl)
		ren[i] = strings.Replace(ren[i], name+"(", name+"_renamed(", 1)
		add("prototype renamed", text, map[string][]byte{h: []byte(strings.Join(ren, ""))})
	}
	// A direct call of a function the file defines, on one line, with an
	// argument more and one less.
	calls := 0
	for li, l := range lines {
		if calls >= 1 || strings.HasPrefix(strings.TrimSpace(l), "#") || strings.HasSuffix(strings.TrimSpace(l), "\\") || li == 0 ||
			strings.HasSuffix(strings.TrimSpace(lines[li-1]), "\\") {
			continue
		}
		for _, m := range callRE.FindAllStringSubmatchIndex(l, -1) {
			name := l[m[2]:m[3]]
			if !defined[name] || m[2] > 0 && strings.ContainsAny(l[m[2]-1:m[2]], "*.>&") {
				continue
			}
			end := closeParen(l, m[1]-1)
			if end < 0 || end == m[1] || !l2body(l, m[2]) {
				continue
			}
			args := l[m[1]:end]
			calls++
			pre := strings.Join(lines[:li], "")
			post := strings.Join(lines[li+1:], "")
			add("call +1 argument", pre+l[:m[1]]+args+", 0"+l[end:]+post, nil)
			if i := topComma(args); i >= 0 {
				add("call -1 argument", pre+l[:m[1]]+args[:i]+l[end:]+post, nil)
			}
			break
		}
	}
	return out
}

// headerProto finds a one-line prototype of name in one of the headers
// (tree-relative): the header, the line's index and the header's lines.
func headerProto(tree string, headers []string, name string) (string, int, []string) {
	re := regexp.MustCompile(`^(extern )?[a-z][\w ]*[ *]` + regexp.QuoteMeta(name) + `\([^;{}]*\);\s*$`)
	for _, h := range headers {
		b, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(path.Clean(h))))
		if err != nil {
			continue
		}
		hl := strings.SplitAfter(string(b), "\n")
		for i, l := range hl {
			if re.MatchString(l) && !strings.HasPrefix(l, "static") {
				return h, i, hl
			}
		}
	}
	return "", 0, nil
}

// closeParen returns the index of the ')' closing the '(' at open in l,
// -1 when it is not on the line.
func closeParen(l string, open int) int {
	depth := 0
	for i := open; i < len(l); i++ {
		switch l[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		case '"', '\'':
			return -1
		}
	}
	return -1
}

// topComma returns the index of the last comma outside brackets in args,
// -1 if none.
func topComma(args string) int {
	depth, at := 0, -1
	for i, c := range args {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				at = i
			}
		}
	}
	return at
}

// l2body reports whether the call whose name starts at i of the line l is
// in an expression of a function body: an indented line, the name first
// on it or after an operator, '(' or return.
func l2body(l string, i int) bool {
	if !strings.HasPrefix(l, "\t") {
		return false
	}
	before := strings.TrimSpace(l[:i])
	if before == "" {
		return true
	}
	for _, s := range []string{"=", "(", "return", ",", "!", "&&", "||", "?", ":"} {
		if strings.HasSuffix(before, s) {
			return true
		}
	}
	return false
}
