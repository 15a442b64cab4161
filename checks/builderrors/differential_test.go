package builderrors_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
var ourClass = regexp.MustCompile(`: error: (redefinition of '|implicit declaration of function '|too (many|few) arguments to function '|'[^']*' undeclared \(first use in this function\)|'[^']*' undeclared here \(not in a function\)|'(const |volatile )*(struct|union) [^']*' has no member named '|invalid use of undefined type '|invalid application of 'sizeof' to incomplete type ')`)

// typeClass matches the type errors of cparse/ctype, which may be
// reported in a header's macro.
var typeClass = regexp.MustCompile(`: error: ('(const |volatile )*(struct|union) [^']*' has no member named '|invalid use of undefined type '|invalid application of 'sizeof' to incomplete type ')`)

// memberSuggestion matches a member error with GCC's suggestion, which
// the check leaves out on purpose (see cparse/ctype).
var memberSuggestion = regexp.MustCompile(`has no member named '[^']*'; did you mean`)

// strictKinds are the mutant kinds for which every GCC error line of the
// classes must be reported; for the others (whose errors also come
// through macros, typedefs and globals the resolver leaves alone) the
// lines missed are counted.
var strictKinds = map[string]bool{
	"duplicate definition": true, "macro arity +1": true, "macro arity -1": true,
	"prototype deleted": true, "prototype renamed": true, "call +1 argument": true, "call -1 argument": true,
	"initializer renamed": true,
}

// suggestion is GCC's spelling suggestion, which the check leaves out.
var suggestion = regexp.MustCompile(`; did you mean '[^']*'\?`)

// TestDifferential compares the check with the kernel's own compiler on
// mechanical mutants of real files: a definition duplicated, a macro's
// arity changed (both ways), a called function's header prototype deleted
// or renamed (through an overlay directory given to GCC with -I first;
// the tree is never written), a call given one argument more or one less,
// a name in a file-scope initializer renamed (and the type mutants below).
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
	if re := os.Getenv("TRAMPCHECK_MUTANTS_MATCH"); re != "" {
		// A debugging aid: only the mutants whose "kind file" matches.
		keep := regexp.MustCompile(re)
		ms = slices.DeleteFunc(ms, func(m mutant) bool { return !keep.MatchString(m.kind + " " + m.rel) })
	}
	ms = sample(ms)
	start := time.Now()
	var mu sync.Mutex
	counts := map[string]int{}
	kinds := map[string]int{}
	// perKind counts, by mutant kind: gcc lines of the classes, lines
	// reported identically, gcc lines missed, lines gcc does not print.
	perKind := map[string]*[4]int{}
	parallel(ms, func(m mutant) {
		wantE, all, err := mutantGCC(tree, m)
		if err != nil {
			t.Error(err)
			return
		}
		var want []string
		for _, e := range wantE {
			want = append(want, e.line)
		}
		got, cppErr, gotE, err := oursEntries(filepath.Join(tree, m.rel), m.src, cparse.Options{Tree: tree, Overlay: m.headers}, m.rel)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			// The front end gives up (the driver names the file, exit
			// status 2): nothing is reported, which must be a kind
			// whose misses are only counted.
			if strictKinds[m.kind] {
				t.Error(err)
			}
			counts["front end failed"]++
			counts["missed one to one"] += len(want)
			return
		}
		kinds[m.kind]++
		pk := perKind[m.kind]
		if pk == nil {
			pk = &[4]int{}
			perKind[m.kind] = pk
		}
		pk[0] += len(want)
		if os.Getenv("TRAMPCHECK_MISSED") != "" {
			t.Logf("mutant (%s) %s: %d gcc lines of the classes, %d reported", m.kind, m.rel, len(want), len(got))
		}
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
			pk[1]++
		default:
			for _, g := range got {
				if !slices.Contains(want, g) {
					if !strictKinds[m.kind] && afterSyntaxError(all, g) {
						// GCC's parser recovered from a syntax error
						// before this line: what it checks after it
						// is not what the file says.
						counts["after a gcc syntax error"]++
						continue
					}
					pk[3]++
					t.Errorf("%s (%s): got %s, which gcc does not print; gcc:\n\t%s", m.rel, m.kind, g, strings.Join(all, "\n\t"))
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					if strictKinds[m.kind] {
						t.Errorf("%s (%s): gcc prints %s, got none", m.rel, m.kind, w)
					}
					if os.Getenv("TRAMPCHECK_MISSED") != "" {
						t.Logf("missed (%s): %s\n\t%s", m.kind, w, srcLine(m.src, lineOf(w)))
					}
				}
			}
			if len(all) == 0 && len(got) > 0 {
				t.Errorf("%s (%s): gcc compiles it cleanly, got %q", m.rel, m.kind, got)
			}
			// Identical and missed lines one to one (GCC may print a
			// line several times, at several expansions).
			paired, ident, missed, wrong := compareNotes(gotE, wantE)
			counts["identical"] += paired
			pk[1] += paired
			counts["missed one to one"] += len(want) - paired
			pk[2] += len(want) - paired
			counts["notes identical"] += ident
			counts["notes missed"] += missed
			counts["notes wrong"] += len(wrong)
			for _, w := range wrong {
				t.Errorf("%s (%s): notes gcc does not print after %s", m.rel, m.kind, w)
			}
			if os.Getenv("TRAMPCHECK_MISSED") != "" && missed > 0 {
				t.Logf("notes missed (%s) %s: %d", m.kind, m.rel, missed)
			}
		}
	})
	for _, k := range slices.Sorted(maps.Keys(perKind)) {
		pk := perKind[k]
		t.Logf("%s: %d mutants, %d gcc lines of the classes, %d reported identically, %d missed, %d not gcc's", k, kinds[k], pk[0], pk[1], pk[2], pk[3])
	}
	t.Logf("gcc's macro expansion notes after the error lines of the classes: %d printed identically, %d missed, %d wrong", counts["notes identical"], counts["notes missed"], counts["notes wrong"])
	t.Logf("%d mutants (%v): %d gcc error lines of the check's classes, %d preprocessing errors, %d lines reported identically, %d gcc lines of the classes not reported (non-strict kinds), %d mutants gcc compiles without error, %d the front end cannot read (exit status 2), %d lines reported after a gcc syntax error (not printed by gcc, which recovered); %s",
		counts["mutants"], kinds, counts["gcc error lines of the classes"], counts["preprocessing errors"], counts["identical"], counts["missed one to one"], counts["gcc clean"], counts["front end failed"], counts["after a gcc syntax error"], time.Since(start).Round(time.Second))
}

// syntaxError matches GCC's syntax errors, after which its parser
// recovers by skipping tokens.
var syntaxError = regexp.MustCompile(`: error: (expected |unknown type name )`)

// lineOf returns the line number of a GCC error line in the file.
func lineOf(l string) int {
	f := strings.SplitN(l, ":", 3)
	if len(f) < 3 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// afterSyntaxError reports whether GCC printed a syntax error in the file
// at or before the line of g.
func afterSyntaxError(all []string, g string) bool {
	for _, l := range all {
		if syntaxError.MatchString(l) && !strings.HasPrefix(l, "./") && lineOf(l) <= lineOf(g) {
			return true
		}
	}
	return false
}

// first returns the first of lines, "" for none.
func first(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// mutantGCC runs the kernel's compile command on a copy of the mutant
// in a temporary directory (the tree is never written; GCC reads the
// changed lines for its columns), with an overlay directory for its
// headers first on the include path, and returns GCC's error lines in
// the file of the check's classes (suggestions removed, member errors
// with a suggestion left out) with their macro expansion notes, and all
// of its error lines in the file.
func mutantGCC(tree string, m mutant) (classes []entry, all []string, err error) {
	dir, err := os.MkdirTemp("", "builderrors-mutant")
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	dst := filepath.Join(dir, "src", filepath.FromSlash(m.rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(dst, m.src, 0o644); err != nil {
		return nil, nil, err
	}
	argv, err := kbuild.GCCArgs(tree, m.rel, "-iquote", path.Dir(m.rel))
	if err != nil {
		return nil, nil, err
	}
	argv[len(argv)-1] = dst
	if len(m.headers) > 0 {
		for p, b := range m.headers {
			inc := includeRel(p)
			if inc == "" {
				return nil, nil, fmt.Errorf("%s: not under an include directory", p)
			}
			dst := filepath.Join(dir, "inc", filepath.FromSlash(inc))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, nil, err
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				return nil, nil, err
			}
		}
		argv = append([]string{argv[0], "-I", filepath.Join(dir, "inc")}, argv[1:]...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, _ := cmd.CombinedOutput() // errors are what is compared
	text := strings.ReplaceAll(string(out), filepath.Join(dir, "src")+string(filepath.Separator), "")
	for p := range m.headers {
		// The overlay's headers by the names GCC gives the tree's.
		text = strings.ReplaceAll(text, filepath.Join(dir, "inc", filepath.FromSlash(includeRel(p))), "./"+p)
	}
	// The file's errors, and the type errors GCC reports in a header's
	// macro expanded in the file (offsetof, container_of).
	es := gccEntries(text, func(l string) bool {
		mm := errorLine.FindStringSubmatch(l)
		return mm[1] == m.rel || strings.HasPrefix(mm[1], "./") && typeClass.MatchString(l)
	})
	for _, e := range es {
		member := memberSuggestion.MatchString(e.line)
		e.line = suggestion.ReplaceAllString(e.line, "")
		all = append(all, e.line)
		if ourClass.MatchString(e.line) && !member {
			classes = append(classes, e)
		}
	}
	return classes, all, nil
}

// compareNotes pairs the check's errors (got) with GCC's (want, the
// classes' errors with their notes), each of ours with an unpaired GCC
// error of the same line (one with the same notes first), and counts
// GCC's macro expansion notes: printed identically, missed (ours has
// none, or the error is not reported), and the notes ours prints that
// GCC does not, or an error line ours prints more often than GCC
// (wrong).
func compareNotes(got, want []entry) (paired, ident, missed int, wrong []string) {
	pairedAt := make([]bool, len(want))
	for _, g := range got {
		idx := -1
		for k, w := range want {
			if !pairedAt[k] && w.line == g.line && slices.Equal(w.notes, g.notes) {
				idx = k
				break
			}
		}
		if idx < 0 {
			for k, w := range want {
				if !pairedAt[k] && w.line == g.line {
					idx = k
					break
				}
			}
		}
		if idx < 0 {
			if slices.ContainsFunc(want, func(w entry) bool { return w.line == g.line }) {
				// GCC prints this line fewer times.
				wrong = append(wrong, g.line+" (once more than gcc prints it)")
			}
			continue // otherwise a line GCC does not print: counted apart
		}
		pairedAt[idx] = true
		paired++
		w := want[idx]
		switch {
		case slices.Equal(w.notes, g.notes):
			ident += len(g.notes)
		case len(g.notes) == 0:
			missed += len(w.notes)
		default:
			wrong = append(wrong, fmt.Sprintf("%s\n\tgot notes %q\n\tgcc's %q", g.line, g.notes, w.notes))
		}
	}
	for k, w := range want {
		if !pairedAt[k] {
			missed += len(w.notes)
		}
	}
	return paired, ident, missed, wrong
}

// sample keeps a deterministic sample of the mutants, at most
// $TRAMPCHECK_MUTANTS of them (default 40, "all" for every one): every
// k-th of each kind's list, so that each kind is represented.
func sample(ms []mutant) []mutant {
	n := 40
	switch v := os.Getenv("TRAMPCHECK_MUTANTS"); v {
	case "":
	case "all":
		return ms
	default:
		if k, err := strconv.Atoi(v); err == nil && k > 0 {
			n = k
		}
	}
	if len(ms) <= n {
		return ms
	}
	byKind := map[string][]mutant{}
	var kinds []string
	for _, m := range ms {
		if _, ok := byKind[m.kind]; !ok {
			kinds = append(kinds, m.kind)
		}
		byKind[m.kind] = append(byKind[m.kind], m)
	}
	var out []mutant
	for len(out) < n {
		added := false
		for _, k := range kinds {
			if len(byKind[k]) > 0 && len(out) < n {
				// Take from the middle outwards: files and places spread.
				l := byKind[k]
				i := len(l) / 2
				out = append(out, l[i])
				byKind[k] = append(l[:i:i], l[i+1:]...)
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
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
		if !d.Def || !f.TU.InFile(d.Pos) || d.Macro != "" || d.Pos.Line < 2 || dup >= 3 {
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
		if more < 3 {
			more++
			np := params + ", zz_extra"
			if strings.TrimSpace(params) == "" {
				np = "zz_extra"
			}
			add("macro arity +1", text[:m[4]]+np+text[m[5]:], nil)
		}
		if i := strings.LastIndex(params, ","); i > 0 && less < 3 {
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
		if seen[name] || defined[name] || protos >= 3 {
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
		if calls >= 3 || strings.HasPrefix(strings.TrimSpace(l), "#") || strings.HasSuffix(strings.TrimSpace(l), "\\") || li == 0 ||
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
	out = append(out, typeMutants(text, lines, rel)...)
	return out
}

// structRE matches a struct definition at file scope: its tag and body.
var structRE = regexp.MustCompile(`(?ms)^struct (\w+) \{\n(.*?)^\}[^;\n]*;\n`)

// memberRE matches a one-line member declaration: its name.
var memberRE = regexp.MustCompile(`^\t(?:struct \w+|unsigned \w+|\w+)[ \t]+\**(\w+);`)

// localRE matches a one-line local declaration at the start of a
// function body: its name.
var localRE = regexp.MustCompile(`^\t(?:struct \w+ \*|const \w+ |u8 |u16 |u32 |u64 |s16 |s32 |s64 |int |long |bool |void \*)(\w+)(?: = [^;]*)?;\n$`)

// initStartRE matches the first line of a file-scope declaration with a
// braced initializer.
var initStartRE = regexp.MustCompile(`^[a-z][^(;]*= \{\n$`)

// initElemRE matches a designated element whose value is a name: the name.
var initElemRE = regexp.MustCompile(`^\t+\.\w+\s*=\s*([a-z_]\w*),\s*$`)

// typeMutants returns the mutants for the type errors and undeclared
// identifiers: a struct member used as ->m or .m deleted, a struct
// definition deleted, a local variable's declaration renamed (its uses
// become undeclared), a name in a file-scope initializer renamed, an
// #include dropped.
func typeMutants(text string, lines []string, rel string) []mutant {
	var out []mutant
	add := func(kind, s string) { out = append(out, mutant{rel: rel, kind: kind, src: []byte(s)}) }
	members := 0
	for _, m := range structRE.FindAllStringSubmatchIndex(text, -1) {
		tag := text[m[2]:m[3]]
		if strings.Count(text, "struct "+tag) > 1 {
			add("struct deleted", text[:m[0]]+text[m[1]:])
		}
		body := text[m[4]:m[5]]
		for off := 0; off < len(body); {
			end := strings.IndexByte(body[off:], '\n') + off + 1
			if end <= off {
				break
			}
			l := body[off:end]
			open := strings.Contains(l, "/*") && !strings.Contains(l, "*/") // a comment going on below
			if mm := memberRE.FindStringSubmatch(l); mm != nil && !open && members < 12 && (strings.Contains(text, "->"+mm[1]) || strings.Contains(text, "."+mm[1])) {
				members++
				add("member deleted", text[:m[4]+off]+text[m[4]+end:])
			}
			off = end
		}
	}
	renamed := 0
	for i, l := range lines {
		if i == 0 || renamed >= 12 {
			continue
		}
		mm := localRE.FindStringSubmatchIndex(l)
		if mm == nil || !strings.HasSuffix(lines[i-1], "{\n") && localRE.FindString(lines[i-1]) == "" {
			continue
		}
		renamed++
		pre := strings.Join(lines[:i], "")
		add("local renamed", pre+l[:mm[3]]+"_zz"+l[mm[3]:]+strings.Join(lines[i+1:], ""))
	}
	// A name in a file-scope initializer's designated element renamed:
	// "'x_zz' undeclared here (not in a function)".
	inits, inInit := 0, false
	for i, l := range lines {
		switch {
		case initStartRE.MatchString(l):
			inInit = true
		case strings.HasPrefix(l, "}"):
			inInit = false
		case inInit && inits < 4:
			if mm := initElemRE.FindStringSubmatchIndex(l); mm != nil {
				inits++
				add("initializer renamed", strings.Join(lines[:i], "")+l[:mm[3]]+"_zz"+l[mm[3]:]+strings.Join(lines[i+1:], ""))
			}
		}
	}
	dropped := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "#include <") && dropped < 8 {
			dropped++
			add("include dropped", strings.Join(lines[:i], "")+"\n"+strings.Join(lines[i+1:], ""))
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

// srcLine returns line n (1-based) of src, trimmed, "" out of range.
func srcLine(src []byte, n int) string {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}
