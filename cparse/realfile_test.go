package cparse_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// stripC returns src with comments, string and character literals replaced
// by spaces (newlines kept): an independent, regexp-free-of-the-parser view
// for counting call sites.
func stripC(src []byte) []byte {
	out := bytes.Clone(src)
	for i := 0; i < len(out); i++ {
		switch {
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '*':
			e := bytes.Index(out[i+2:], []byte("*/"))
			end := len(out)
			if e >= 0 {
				end = i + 2 + e + 2
			}
			blankRange(out, i, end)
			i = end - 1
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '/':
			e := bytes.IndexByte(out[i:], '\n')
			end := len(out)
			if e >= 0 {
				end = i + e
			}
			blankRange(out, i, end)
			i = end - 1
		case out[i] == '"' || out[i] == '\'':
			q := out[i]
			j := i + 1
			for j < len(out) && out[j] != q && out[j] != '\n' {
				if out[j] == '\\' {
					j++
				}
				j++
			}
			blankRange(out, i, min(j+1, len(out)))
			i = j
		}
	}
	return out
}

func blankRange(b []byte, from, to int) {
	for i := from; i < to; i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
}

var (
	emitCallText = regexp.MustCompile(`\b(_?EMIT[A-Z0-9_]*|REG_SET_SEEN)\s*\(`)
	defineLine   = regexp.MustCompile(`^\s*#\s*define\s+(\w+)`)
)

// textEmits counts EMIT-family call sites by text: lines of the stripped
// source outside the #define blocks of EMIT-family macros.
func textEmits(src []byte) (lines []int) {
	inDefine := false
	skip := false
	for i, line := range strings.Split(string(stripC(src)), "\n") {
		if !inDefine {
			if m := defineLine.FindStringSubmatch(line); m != nil {
				inDefine = true
				skip = regexp.MustCompile(`^(_?EMIT[A-Z0-9_]*|REG_SET_SEEN)$`).MatchString(m[1])
			}
		}
		if !inDefine || !skip {
			body := line
			if inDefine {
				// A #define of another macro: its body counts as
				// code only after the name.
				body = defineLine.ReplaceAllString(line, "")
			}
			for range emitCallText.FindAllStringIndex(body, -1) {
				lines = append(lines, i+1)
			}
		}
		if inDefine && !strings.HasSuffix(strings.TrimRight(line, " \t"), "\\") {
			inDefine = false
		}
	}
	return lines
}

func TestRealFileHermetic(t *testing.T) {
	src := ktree.JIT(t)
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Guessed != nil {
		t.Errorf("guessed declarations: got %q, want none (the stub is enough for the JIT)", f.Guessed)
	}
	want := textEmits(src)
	asWritten := ktree.JITAsWritten(t) // else: no counts measured on 6.12.118
	if got := len(f.Emits); got != len(want) || asWritten && got != 291 {
		t.Errorf("EMIT call sites: got %d, want %d by text (291 measured on 6.12.118)", got, len(want))
	}
	for i := 0; i < min(len(want), len(f.Emits)); i++ {
		if f.Emits[i].Pos.Line != want[i] {
			t.Errorf("EMIT %d: got line %d, want %d", i, f.Emits[i].Pos.Line, want[i])
			break
		}
	}
	lines := strings.Split(string(src), "\n")
	for _, e := range f.Emits {
		if !strings.HasPrefix(string(src[e.Pos.Offset:]), e.Name+"(") && !strings.HasPrefix(string(src[e.Pos.Offset:]), e.Name+" (") {
			t.Errorf("%d:%d: got %s, source says %q", e.Pos.Line, e.Pos.Col, e.Name, lines[e.Pos.Line-1])
		}
		if e.End <= e.Pos.Offset || src[e.End-1] != ')' {
			t.Errorf("%d: %s: End %d does not follow a ')'", e.Pos.Line, e.Name, e.End)
		}
		// The independent comment oracle: the nearest non-blank line
		// above the call ends a comment and no code sits between.
		above := ""
		for l := e.Pos.Line - 2; l >= 0; l-- {
			if s := strings.TrimSpace(lines[l]); s != "" {
				above = s
				break
			}
		}
		prefix := strings.TrimSpace(lines[e.Pos.Line-1][:e.Pos.Col-1])
		wantAbove := strings.HasSuffix(above, "*/") && prefix == "" || strings.HasSuffix(prefix, "*/")
		gotAbove := e.Comment != nil && !e.Comment.SameLine
		if gotAbove != wantAbove {
			t.Errorf("%d: %s: comment above: got %v, want %v (line above %q)", e.Pos.Line, e.Name, gotAbove, wantAbove, above)
		}
		if gotAbove {
			ct := e.Comment.Text
			if !strings.Contains(above, ct) && !strings.Contains(string(src[e.Comment.Pos.Offset:e.Pos.Offset]), ct) {
				t.Errorf("%d: %s: comment %q not found above", e.Pos.Line, e.Name, ct)
			}
		}
	}
	// The trampoline's stores carry their assembler comments.
	found := false
	for _, e := range f.Emits {
		if e.Func == "__arch_prepare_bpf_trampoline" && e.Comment != nil && strings.HasPrefix(e.Comment.Text, "stg %r2,retval_off(%r15)") {
			found = true
		}
	}
	if !found {
		t.Errorf("no EMIT in __arch_prepare_bpf_trampoline with the comment 'stg %%r2,retval_off(%%r15)'")
	}
	// The EMITs inside EMIT_ATOMIC's replacement list (a macro defined in
	// bpf_jit_insn), each checked against the source line it names.
	var atomic []string
	for _, e := range f.MacroEmits {
		if e.Macro != "EMIT_ATOMIC" {
			continue
		}
		atomic = append(atomic, e.Name)
		if e.Func != "bpf_jit_insn" || e.Call != nil || !strings.Contains(lines[e.Pos.Line-1], e.Name+"(") {
			t.Errorf("EMIT_ATOMIC: %s at %d: got func %q, line %q", e.Name, e.Pos.Line, e.Func, lines[e.Pos.Line-1])
		}
		if e.Comment != nil && !strings.Contains(lines[e.Comment.Pos.Line-1], e.Comment.Text) {
			t.Errorf("EMIT_ATOMIC: %s: comment %q not on line %d", e.Name, e.Comment.Text, e.Comment.Pos.Line)
		}
		if e.Name == "EMIT6_DISP_LH" && (len(e.Args) != 6 || e.Comment == nil || !strings.Contains(e.Comment.Text, "%arena")) {
			t.Errorf("EMIT_ATOMIC: EMIT6_DISP_LH: got %d args, comment %+v; want 6 and the %%arena comment", len(e.Args), e.Comment)
		}
	}
	if want := []string{"EMIT6_DISP_LH", "_EMIT2", "EMIT_ZERO"}; strings.Join(atomic, " ") != strings.Join(want, " ") {
		t.Errorf("EMIT_ATOMIC body: got %v, want %v", atomic, want)
	}
	// Functions: the non-static definitions.
	var global []string
	for _, fn := range f.Funcs {
		if fn.Def && !fn.Static && !fn.BlockScope {
			global = append(global, fn.Name)
		}
	}
	if len(global) == 0 || asWritten && len(global) != 13 {
		t.Errorf("non-static definitions: got %d %v, want 13 (6.12.118), at least one in any 6.12.y", len(global), global)
	}
	// The trampoline builder: where its definition's line says, name at
	// column 12 after "static int ".
	defLine := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "static int __arch_prepare_bpf_trampoline(") {
			defLine = i + 1
		}
	}
	if defLine == 0 || asWritten && defLine != 2609 {
		t.Fatalf("the real file defines __arch_prepare_bpf_trampoline at line %d, want a line starting \"static int __arch_prepare_bpf_trampoline(\" (2609 in 6.12.118)", defLine)
	}
	for _, fn := range f.Funcs {
		if fn.Name == "__arch_prepare_bpf_trampoline" && fn.Def {
			if fn.Pos.Line != defLine || fn.Pos.Col != 12 || !fn.Static || fn.BodyStart == 0 {
				t.Errorf("__arch_prepare_bpf_trampoline: got %+v, want static at %d:12", fn, defLine)
			}
		}
	}
	// Macros: the file's own #defines, EMIT family included.
	names := map[string]bool{}
	for _, m := range f.Macros {
		names[m.Name] = true
		if m.Name == "EMIT6_DISP_LH" && (len(m.Params) != 6 || !m.FnLike || m.EndLine <= m.Pos.Line) {
			t.Errorf("EMIT6_DISP_LH: got %+v", m)
		}
	}
	defs := 0
	for _, line := range lines {
		if defineLine.MatchString(line) {
			defs++
		}
	}
	if len(f.Macros) != defs {
		t.Errorf("macros: got %d, want %d #define lines", len(f.Macros), defs)
	}
	// Without a tree, the embedded index supplies the header prototypes.
	for _, n := range global {
		if f.HeaderProtos[n] == "" {
			t.Errorf("%s: no header prototype from the index", n)
		}
	}
}

func TestRealFileTree(t *testing.T) {
	tree := ktree.Dir(t)
	src := ktree.JIT(t)
	f, err := cparse.Parse(filepath.Join(tree, ktree.JITFile), src, cparse.Options{Tree: tree})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != ktree.JITFile {
		t.Errorf("name: got %q, want %q", f.Name, ktree.JITFile)
	}
	want := map[string]string{
		"arch_prepare_bpf_trampoline": "include/linux/bpf.h",
		"arch_bpf_trampoline_size":    "include/linux/bpf.h",
		"bpf_int_jit_compile":         "include/linux/filter.h",
		"ex_handler_bpf":              "arch/s390/include/asm/extable.h",
	}
	for n, h := range want {
		if got := f.HeaderProtos[n]; got != h {
			t.Errorf("HeaderProtos[%s]: got %q, want %q", n, got, h)
		}
	}
	for _, n := range []string{"invoke_bpf_prog", "__arch_prepare_bpf_trampoline"} {
		if h, ok := f.HeaderProtos[n]; ok {
			t.Errorf("HeaderProtos[%s]: got %q, want none", n, h)
		}
	}
	// An overlay replaces a tree header: a patch adding a prototype.
	bpfh, err := os.ReadFile(filepath.Join(tree, "include/linux/bpf.h"))
	if err != nil {
		t.Fatal(err)
	}
	patched := append(bytes.Clone(bpfh), []byte("\nint invoke_bpf_prog(void *tjit);\n")...)
	f2, err := cparse.Parse(ktree.JITFile, src, cparse.Options{
		Tree:    tree,
		Overlay: map[string][]byte{"include/linux/bpf.h": patched},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f2.HeaderProtos["invoke_bpf_prog"]; got != "include/linux/bpf.h" {
		t.Errorf("with overlay: HeaderProtos[invoke_bpf_prog]: got %q, want include/linux/bpf.h", got)
	}
}

// TestIndexUpToDate compares the embedded prototype index with the real
// tree. When the tree has the kernel and Debian versions the index
// records, the regenerated index must equal it byte for byte. Otherwise (a
// later 6.12.y: Debian replaces point releases) the drift is logged with
// the command that regenerates the index, and what users rely on must
// still hold: the properties of cparse.CompareIndex (no false
// -Wmissing-prototypes on the real JIT file without a tree, every name
// attributed to a header that declares it).
func TestIndexUpToDate(t *testing.T) {
	tree := ktree.Dir(t)
	kernel, err := cparse.KernelVersion(tree)
	if err != nil {
		t.Fatal(err)
	}
	d, err := cparse.CompareIndex(cparse.EmbeddedIndex(), tree, cparse.DebianSourceVersion(tree, kernel))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(d)
	for _, p := range d.Problems {
		t.Errorf("embedded index: %s", p)
	}
	got := d.Regenerated
	if !d.SameVersion() {
		t.Logf("versions differ: byte comparison skipped, properties checked")
	} else if got != cparse.EmbeddedIndex() {
		gl, wl := strings.Split(got, "\n"), strings.Split(cparse.EmbeddedIndex(), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("same version %s, but the regenerated index differs at line %d: got %q, want (embedded) %q; run %s", d.Tree, i+1, g, w, cparse.RegenerateIndexCommand)
			}
		}
	}
	idx, err := cparse.ParseIndex(got)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Kernel != kernel || !strings.HasPrefix(kernel, "6.12.") {
		t.Errorf("regenerated index: kernel-version %q, want the tree's %q (a 6.12.y)", idx.Kernel, kernel)
	}
	if h := idx.Protos["bpf_int_jit_compile"]; !slices.Contains(h, "include/linux/filter.h") {
		t.Errorf("index: bpf_int_jit_compile: got %q, want include/linux/filter.h among them", h)
	}
	// The index's include graph matches the tree's closure.
	hs, err := cparse.IncludeClosure(tree, ktree.JITFile, ktree.JIT(t), cparse.Options{Tree: tree}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Includes) != len(hs)+1 {
		t.Errorf("index: got %d files in the include graph, want %d headers and the JIT", len(idx.Includes), len(hs))
	}
}

// TestCompareIndexDamaged breaks the index regenerated from the real tree
// in the ways that would mislead users, and checks that CompareIndex
// reports each; a drift that harms nothing (older version, names the JIT
// does not need) is no problem.
func TestCompareIndexDamaged(t *testing.T) {
	tree := ktree.Dir(t)
	kernel, err := cparse.KernelVersion(tree)
	if err != nil {
		t.Fatal(err)
	}
	deb := cparse.DebianSourceVersion(tree, kernel)
	base, err := cparse.CompareIndex(cparse.EmbeddedIndex(), tree, deb)
	if err != nil {
		t.Fatal(err)
	}
	good := base.Regenerated
	dropLine := func(s, prefix string) string {
		t.Helper()
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, prefix) {
				out = append(out, l)
			}
		}
		if len(out) == strings.Count(s, "\n")+1 {
			t.Fatalf("the regenerated index has no line starting %q", prefix)
		}
		return strings.Join(out, "\n")
	}
	replaceLine := func(s, old, repl string) string {
		t.Helper()
		if !strings.Contains(s, "\n"+old+"\n") {
			t.Fatalf("the regenerated index has no line %q", old)
		}
		return strings.Replace(s, "\n"+old+"\n", "\n"+repl+"\n", 1)
	}
	older := strings.Replace(good, "# kernel-version: "+kernel+"\n", "# kernel-version: 6.12.0\n", 1)
	idx, err := cparse.ParseIndex(good)
	if err != nil {
		t.Fatal(err)
	}
	// A name the JIT file does not mention, as a point release adds.
	src := string(ktree.JIT(t))
	var unused string
	for _, n := range slices.Sorted(maps.Keys(idx.Protos)) {
		if !strings.Contains(src, n) {
			unused = n
			break
		}
	}
	filterLine := "bpf_int_jit_compile " + strings.Join(idx.Protos["bpf_int_jit_compile"], " ")
	for _, tc := range []struct {
		name  string
		text  string
		want  string // in a problem; "" for none
		same  bool   // SameVersion
		added string // in Added
	}{
		{"intact", good, "", true, ""},
		{"older version", older, "", false, ""},
		{"older version without a name the JIT does not use", dropLine(older, unused+" "), "", false, unused},
		{"prototype of a JIT function gone", dropLine(good, "bpf_int_jit_compile "), "bpf_int_jit_compile: defined non-static in arch/s390/net/bpf_jit_comp.c with a prototype in include/linux/filter.h, but the index gives it none", true, "bpf_int_jit_compile"},
		{"wrong header", replaceLine(good, filterLine, "bpf_int_jit_compile include/linux/types.h"), "bpf_int_jit_compile: the index says include/linux/types.h, the tree declares it in include/linux/filter.h", true, ""},
		{"name in a header the graph lacks", replaceLine(good, filterLine, "bpf_int_jit_compile include/no/such.h"), "bpf_int_jit_compile: attributed to include/no/such.h, which the include graph does not hold", true, ""},
		{"header's includes gone", dropLine(good, "> include/linux/filter.h "), "attributed to include/linux/filter.h, which the include graph does not hold", true, ""},
		{"JIT's includes gone", dropLine(good, "> "+ktree.JITFile+" "), "include graph: no entry for " + ktree.JITFile, true, ""},
		{"include graph cut off", good[:strings.Index(good, "\n> ")+1], "include graph: no entry for " + ktree.JITFile, true, ""},
		{"not an index", good + "x\n", `want "NAME HEADER..."`, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := cparse.CompareIndex(tc.text, tree, deb)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" && len(d.Problems) > 0 {
				t.Errorf("got problems %q, want none", d.Problems)
			}
			if tc.want != "" && !slices.ContainsFunc(d.Problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("got problems %q, want one with %q", d.Problems, tc.want)
			}
			if d.SameVersion() != tc.same {
				t.Errorf("SameVersion: got %v, want %v (%s)", d.SameVersion(), tc.same, d)
			}
			if tc.added != "" && !slices.Contains(d.Added, tc.added) {
				t.Errorf("Added: got %q, want %s among them", d.Added, tc.added)
			}
			if tc.text == good && strings.Contains(d.String(), "regenerate") {
				t.Errorf("summary: got %q, want no regenerate advice for an up-to-date index", d)
			}
			if !tc.same && !strings.Contains(d.String(), cparse.RegenerateIndexCommand) {
				t.Errorf("summary: got %q, want the regenerate command", d)
			}
		})
	}
}

// TestHermeticIndexClosure checks that without a tree a file sees the
// prototypes of the closure of its own includes in the index's graph, and
// all of them when an include is not in the index.
func TestHermeticIndexClosure(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      map[string]bool // name -> visible
	}{
		{"jit includes", "#include <linux/filter.h>\n#include <linux/bpf.h>\n", map[string]bool{"bpf_int_jit_compile": true, "arch_prepare_bpf_trampoline": true}},
		{"types only", "#include <linux/types.h>\n", map[string]bool{"bpf_int_jit_compile": false, "arch_prepare_bpf_trampoline": false}},
		{"unknown header", "#include <linux/types.h>\n#include <no/such/header.h>\n", map[string]bool{"bpf_int_jit_compile": true}},
		{"no includes", "int x;\n", map[string]bool{"bpf_int_jit_compile": false}},
	} {
		f, err := cparse.Parse("arch/s390/net/x.c", []byte(tc.src), cparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for n, want := range tc.want {
			if _, got := f.HeaderProtos[n]; got != want {
				t.Errorf("%s: %s visible: got %v, want %v", tc.name, n, got, want)
			}
		}
	}
}

// TestConcurrentParse parses base and patched states in parallel, as the
// driver does; run with -race.
func TestConcurrentParse(t *testing.T) {
	src := ktree.JIT(t)
	patched := bytes.Replace(src, []byte("static int invoke_bpf_prog("), []byte("int invoke_bpf_prog("), 1)
	// The count of the unmodified file, parsed alone (13 in 6.12.118).
	f, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := 0
	for _, fn := range f.Funcs {
		if fn.Def && !fn.Static {
			base++
		}
	}
	var wg sync.WaitGroup
	counts := make([]int, 8)
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := src
			if i%2 == 1 {
				s = patched
			}
			f, err := cparse.Parse(ktree.JITFile, s, cparse.Options{})
			errs[i] = err
			if err == nil {
				for _, fn := range f.Funcs {
					if fn.Def && !fn.Static {
						counts[i]++
					}
				}
			}
		}()
	}
	wg.Wait()
	for i := range 8 {
		want := base + i%2
		if errs[i] != nil || counts[i] != want {
			t.Errorf("parse %d: got %d non-static definitions (err %v), want %d", i, counts[i], errs[i], want)
		}
	}
}

func BenchmarkParseJIT(b *testing.B) {
	src := ktree.JIT(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := cparse.Parse(ktree.JITFile, src, cparse.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHeaderProtos measures the include closure scan in tree mode:
// cold (every header read and scanned) and cached (headers unchanged since
// the last call, as when the driver checks base and patched states).
func BenchmarkHeaderProtos(b *testing.B) {
	tree := ktree.Dir(b)
	src := ktree.JIT(b)
	for _, bc := range []struct {
		name  string
		cache bool
	}{{"cold", false}, {"cached", true}} {
		b.Run(bc.name, func(b *testing.B) {
			cparse.SetHeaderCache(bc.cache)
			defer cparse.SetHeaderCache(true)
			for b.Loop() {
				hs, err := cparse.IncludeClosure(tree, ktree.JITFile, src, cparse.Options{Tree: tree}, nil)
				if err != nil || len(hs) < 100 {
					b.Fatalf("closure: %d headers, err %v", len(hs), err)
				}
			}
		})
	}
}
