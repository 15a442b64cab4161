package interp

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// dirReader reads the files of the tree at dir.
func dirReader(dir string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	}
}

// fixtureTree returns the files of testdata/envtree.txtar.
func fixtureTree(t *testing.T) map[string]string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "envtree.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range a.Files {
		files[f.Name] = string(f.Data)
	}
	return files
}

// mapReader reads files from a map; a missing file is fs.ErrNotExist.
func mapReader(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(s), nil
	}
}

// lineOf returns the 1-based line of the first line of src that contains
// text.
func lineOf(t *testing.T, src, text string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", text)
	return 0
}

func entries(e *Env) map[string]EnvEntry {
	m := map[string]EnvEntry{}
	for _, x := range e.Describe() {
		m[x.Name] = x
	}
	return m
}

// documentedKernels are the releases whose headers the documented model
// (DefaultEnv) was checked against value by value.
var documentedKernels = map[string]bool{"6.12.117": true, "6.12.118": true}

// TestEnvFromTreeMatchesDefault reads the model from the real 6.12 headers
// and checks that it equals the documented one in every constant (value and
// type) and layout value, and that every source names a line of a header
// that mentions the name. The values are compared exactly on the releases
// the model was checked against (documentedKernels); on another 6.12.y a
// differing value is logged, not failed (Debian replaces point releases:
// tree mode then reads the new value, and DefaultEnv is to be updated), and
// the sources are still checked.
func TestEnvFromTreeMatchesDefault(t *testing.T) {
	dir := ktree.Dir(t)
	kernel, err := cparse.KernelVersion(dir)
	if err != nil {
		t.Fatal(err)
	}
	exact := documentedKernels[kernel]
	if !exact {
		t.Logf("tree is Linux %s, the documented model was checked on 6.12.117/118: differing values are logged", kernel)
	}
	start := time.Now()
	env, err := EnvFromTree(dirReader(dir))
	t.Logf("EnvFromTree: %v", time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultEnv()
	got, want := env.Describe(), def.Describe()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	files := map[string][]string{}
	for i, w := range want {
		g := got[i]
		switch {
		case g.Name != w.Name:
			t.Errorf("got %s, want %s", g, w)
		case g.Value != w.Value && exact:
			t.Errorf("got %s, want %s", g, w)
		case g.Value != w.Value:
			t.Logf("Linux %s: got %s, documented %s", kernel, g, w)
		}
		if w.Source != DocumentedSource {
			t.Errorf("DefaultEnv: %s has source %q", w.Name, w.Source)
		}
		// The source is a line of a header that mentions the name (the
		// member for offsets, the tag for sizes).
		file, line, ok := strings.Cut(g.Source, ":")
		var n int
		if _, err := fmt.Sscanf(line, "%d", &n); !ok || err != nil || n < 1 {
			t.Errorf("%s: source %q is not FILE:LINE", g.Name, g.Source)
			continue
		}
		if files[file] == nil {
			b, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Errorf("%s: source %q: %v", g.Name, g.Source, err)
				continue
			}
			files[file] = strings.Split(string(b), "\n")
		}
		mention := g.Name
		if i := strings.Index(mention, "("); i >= 0 {
			inner := strings.TrimSuffix(mention[i+1:], ")")
			if _, m, ok := strings.Cut(inner, ", "); ok {
				mention = m
			} else {
				mention = inner
			}
		}
		if n > len(files[file]) || !strings.Contains(files[file][n-1], mention) {
			t.Errorf("%s: source %s does not mention %q", g.Name, g.Source, mention)
		}
	}
	for n, k := range def.consts {
		if gk := env.consts[n]; gk.Type != k.Type {
			t.Errorf("%s: got type %s, want %s", n, gk.Type, k.Type)
		}
	}
}

// TestEnvFromTreeRealFile compiles the real generator with the model read
// from the tree and with the documented one and checks that both produce
// the same images over a spread of the covering configurations.
func TestEnvFromTreeRealFile(t *testing.T) {
	dir := ktree.Dir(t)
	tenv, err := EnvFromTree(dirReader(dir))
	if err != nil {
		t.Fatal(err)
	}
	f := parseSrc(t, ktree.JITFile, ktree.JIT(t))
	pd, err := Compile(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := Compile(f, tenv)
	if err != nil {
		t.Fatal(err)
	}
	md, mt := pd.NewMachine(Limits{}), pt.NewMachine(Limits{})
	cov := tramp.Covering()
	ran := 0
	for i := 0; i < len(cov); i += 5 {
		cd, err := FromTramp(cov[i])
		if err != nil {
			t.Fatal(err)
		}
		ct, err := tenv.FromTramp(tenv.ResolveTramp(cov[i]))
		if err != nil {
			t.Fatal(err)
		}
		rd, err := md.Run(&cd)
		if err != nil {
			t.Fatalf("config %d: %v", i, err)
		}
		want := append([]byte(nil), rd.Code...)
		wantRet, wantSize := rd.Ret, rd.Size
		rt, err := mt.Run(&ct)
		if err != nil {
			t.Fatalf("config %d: %v", i, err)
		}
		if !bytes.Equal(rt.Code, want) || rt.Ret != wantRet || rt.Size != wantSize {
			t.Errorf("config %d: tree model gives ret %d size %d\n%x\ndocumented model ret %d size %d\n%x", i, rt.Ret, rt.Size, rt.Code, wantRet, wantSize, want)
		}
		ran++
	}
	if ran < 20 {
		t.Fatalf("only %d configurations ran", ran)
	}
}

// fixtureChanges are the values of the fixture tree that differ from
// Linux 6.12, with the header and a text of the line that defines them.
var fixtureChanges = []struct {
	name  string
	value int64
	file  string
	at    string
}{
	{"STACK_FRAME_OVERHEAD", 168, "arch/s390/include/uapi/asm/ptrace.h", "#define STACK_FRAME_OVERHEAD	(STACK_FRAME_BASE"},
	{"BPF_TRAMP_F_CALL_ORIG", 1 << 9, "include/linux/bpf.h", "#define BPF_TRAMP_F_CALL_ORIG"},
	{"BPF_MAX_TRAMP_LINKS", 20, "include/linux/bpf.h", "BPF_MAX_TRAMP_LINKS = 20"},
	{"MAX_TAIL_CALL_CNT", 40, "include/linux/bpf.h", "#define MAX_TAIL_CALL_CNT"},
	{"sizeof(struct bpf_tramp_links)", 168, "include/linux/bpf.h", "struct bpf_tramp_links {"},
	{"ARRAY_SIZE(struct bpf_tramp_links, links)", 20, "include/linux/bpf.h", "struct bpf_tramp_link *links["},
	{"offsetof(struct bpf_tramp_links, nr_links)", 160, "include/linux/bpf.h", "int nr_links;"},
	{"sizeof(struct bpf_tramp_run_ctx)", 24, "include/linux/bpf.h", "struct bpf_tramp_run_ctx {"},
	{"offsetof(struct bpf_tramp_run_ctx, bpf_cookie)", 8, "include/linux/bpf.h", "u64 bpf_cookie;"},
	{"offsetof(struct bpf_tramp_run_ctx, saved_run_ctx)", 16, "include/linux/bpf.h", "*saved_run_ctx;"},
	{"sizeof(struct bpf_prog)", 80, "include/linux/bpf.h", "struct bpf_prog {"},
	{"offsetof(struct bpf_prog, insnsi)", 80, "include/linux/bpf.h", "struct bpf_insn insnsi[]"},
	{"sizeof(struct bpf_link)", 128, "include/linux/bpf.h", "struct bpf_link {"},
	{"sizeof(struct bpf_tramp_link)", 192, "include/linux/bpf.h", "struct bpf_tramp_link {"},
	{"offsetof(struct bpf_tramp_link, cookie)", 144, "include/linux/bpf.h", "u64 cookie;"},
	{"sizeof(struct bpf_tramp_image)", 128, "include/linux/bpf.h", "struct bpf_tramp_image {"},
	{"offsetof(struct bpf_tramp_image, ip_after_call)", 32, "include/linux/bpf.h", "void *ip_after_call;"},
	{"offsetof(struct bpf_tramp_image, ip_epilogue)", 40, "include/linux/bpf.h", "void *ip_epilogue;"},
}

// TestEnvFromTreeFixture reads the fixture tree: the values it changes are
// seen with their sources, every other value is the documented one.
func TestEnvFromTreeFixture(t *testing.T) {
	files := fixtureTree(t)
	env, err := EnvFromTree(mapReader(files))
	if err != nil {
		t.Fatal(err)
	}
	got, def := entries(env), entries(DefaultEnv())
	changed := map[string]bool{}
	for _, c := range fixtureChanges {
		changed[c.name] = true
		g := got[c.name]
		if g.Value != c.value {
			t.Errorf("%s: got %d, want %d", c.name, g.Value, c.value)
		}
		if def[c.name].Value == c.value {
			t.Errorf("%s: the fixture value %d is the documented one", c.name, c.value)
		}
		if want := fmt.Sprintf("%s:%d", c.file, lineOf(t, files[c.file], c.at)); g.Source != want {
			t.Errorf("%s: got source %s, want %s", c.name, g.Source, want)
		}
	}
	for n, d := range def {
		if g, ok := got[n]; !changed[n] && (!ok || g.Value != d.Value) {
			t.Errorf("%s: got %d, want the documented %d", n, g.Value, d.Value)
		}
	}
	for _, tt := range []struct {
		name string
		typ  *ctype
	}{
		{"BPF_TRAMP_F_CALL_ORIG", tULong}, // BIT(9)
		{"BPF_TRAMP_F_INDIRECT", tInt},    // (1 << 8)
		{"STACK_FRAME_OVERHEAD", tInt},
		{"BPF_TRAMP_FEXIT", tInt},
	} {
		if typ := env.consts[tt.name].Type; typ != tt.typ {
			t.Errorf("%s: got type %s, want %s", tt.name, typ, tt.typ)
		}
	}
}

// TestEnvFromTreeOptional checks that MAX_BPF_FUNC_REG_ARGS, which a tree
// may lack, keeps its documented value and says so, while a tree that
// defines it gives its own.
func TestEnvFromTreeOptional(t *testing.T) {
	for _, tt := range []struct {
		def  string
		want int64
		src  string
	}{
		{"", 5, DocumentedSource},
		{"#define MAX_BPF_FUNC_REG_ARGS 7\n", 7, "include/linux/bpf.h:1"},
	} {
		files := fixtureTree(t)
		bpf := strings.Replace(files["include/linux/bpf.h"], "#define MAX_BPF_FUNC_REG_ARGS 5\n", "", 1)
		files["include/linux/bpf.h"] = tt.def + bpf
		env, err := EnvFromTree(mapReader(files))
		if err != nil {
			t.Fatal(err)
		}
		if g := entries(env)["MAX_BPF_FUNC_REG_ARGS"]; g.Value != tt.want || g.Source != tt.src {
			t.Errorf("got %s, want %d (%s)", g, tt.want, tt.src)
		}
	}
}

// TestEnvFromTreeErrors checks that broken trees give one error naming the
// header and line.
func TestEnvFromTreeErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		old  string // replaced by new in file; "" deletes the file
		new  string
		at   string // text of the line the error names ("" for none)
		atIn string // the file of that line, when not file
		want string // the error after "FILE[:LINE]: "
	}{
		{
			name: "missing header", file: "include/linux/bpf.h",
			want: "no such header in the tree",
		},
		{
			name: "missing required header", file: "include/linux/errno.h",
			want: "no such header in the tree",
		},
		{
			name: "undefined macro", file: "include/linux/bpf.h",
			old: "BIT(9)", new: "BIT(CALL_ORIG_BIT)", at: "#define BPF_TRAMP_F_CALL_ORIG",
			want: "BPF_TRAMP_F_CALL_ORIG: undefined: CALL_ORIG_BIT",
		},
		{
			name: "unparsable struct", file: "include/linux/bpf.h",
			old: "	u64 generation;\n	u64 bpf_cookie;", new: "	u64 generation\n	u64 bpf_cookie;", at: "u64 bpf_cookie;",
			want: "struct bpf_tramp_run_ctx: ",
		},
		{
			name: "unknown member type", file: "include/linux/bpf.h",
			old: "	u64 generation;\n	u64 bpf_cookie;", new: "	foo_t generation;\n	u64 bpf_cookie;", at: "foo_t generation;",
			want: "struct bpf_tramp_run_ctx: ",
		},
		{
			name: "incomplete member type", file: "include/linux/types.h",
			old: "struct list_head {", new: "struct list_head_renamed {", at: "struct list_head node;", atIn: "include/linux/bpf.h",
			want: "struct bpf_tramp_link: member link.node has incomplete type struct list_head",
		},
		{
			name: "undefined constant", file: "include/linux/bpf.h",
			old: "#define BPF_TRAMP_F_INDIRECT		(1 << 8)\n", new: "",
			want: "BPF_TRAMP_F_INDIRECT is not defined",
		},
		{
			name: "undefined struct", file: "include/linux/bpf.h",
			old: "struct bpf_tramp_image {", new: "struct bpf_tramp_img {",
			want: "struct bpf_tramp_image is not defined",
		},
		{
			name: "struct excluded by a conditional", file: "include/linux/bpf.h",
			old: "struct bpf_tramp_image {", new: "#ifdef CONFIG_NOT_SET\nstruct bpf_tramp_image {", at: "struct bpf_tramp_image {",
			want: "struct bpf_tramp_image: not defined (is its definition excluded by a conditional?)",
		},
		{
			name: "missing member", file: "include/linux/bpf.h",
			old: "	u64 cookie;", new: "	u64 bpf_cookie;", at: "struct bpf_tramp_link {",
			want: "struct bpf_tramp_link has no member cookie",
		},
		{
			name: "member of the wrong size", file: "include/linux/bpf.h",
			old: "	u64 cookie;", new: "	u32 cookie;", at: "u32 cookie;",
			want: "struct bpf_tramp_link: cookie is u32 (4 bytes), the model needs 8 bytes",
		},
		{
			name: "jited not a bit-field", file: "include/linux/bpf.h",
			old: "	u16			jited:1,\n				jit_requested:1;", new: "	u8			jited;", at: "u8			jited;",
			want: "struct bpf_prog: jited is not a bit-field, the model needs one",
		},
		{
			name: "not a constant", file: "arch/s390/include/uapi/asm/ptrace.h",
			old: "(STACK_FRAME_BASE + 8)", new: "(stack_frame_base())", at: "(stack_frame_base())",
			want: "STACK_FRAME_OVERHEAD: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fixtureTree(t)
			if tt.old == "" {
				delete(files, tt.file)
			} else {
				if !strings.Contains(files[tt.file], tt.old) {
					t.Fatalf("%s has no %q", tt.file, tt.old)
				}
				files[tt.file] = strings.Replace(files[tt.file], tt.old, tt.new, 1)
				if strings.HasPrefix(tt.new, "#ifdef") {
					// close the group after the struct
					files[tt.file] = strings.Replace(files[tt.file], "struct bpf_prog_stats;", "#endif\nstruct bpf_prog_stats;", 1)
				}
			}
			env, err := EnvFromTree(mapReader(files))
			if err == nil {
				t.Fatalf("got a model, want an error (%s)", env.Describe()[0])
			}
			prefix := tt.file + ": "
			if tt.at != "" {
				in := tt.file
				if tt.atIn != "" {
					in = tt.atIn
				}
				prefix = fmt.Sprintf("%s:%d: ", in, lineOf(t, files[in], tt.at))
			}
			t.Log(err)
			if got := err.Error(); !strings.HasPrefix(got, prefix+tt.want) || strings.Contains(got, "\n") {
				t.Errorf("got  %q\nwant %q", got, prefix+tt.want+"...")
			}
		})
	}
}

// lghi returns the encoding of "lghi %rR,IMM".
func lghi(r int, imm uint16) []byte {
	v := 0xa7090000 | uint32(r)<<20 | uint32(imm)
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func code(words ...[]byte) []byte { return bytes.Join(words, nil) }

// TestEnvGenerator runs a small generator whose code shows the values of
// the model it was compiled with, in the documented model and in the one
// read from the fixture tree.
func TestEnvGenerator(t *testing.T) {
	f := parseFixture(t, "envgen.c")
	fenv, err := EnvFromTree(mapReader(fixtureTree(t)))
	if err != nil {
		t.Fatal(err)
	}
	prog := tramp.Prog{Cookie: 0x1234, Jited: true, BpfFunc: 0x3ff_9000_0abc}
	withProg := tramp.Config{Args: []tramp.Arg{{Size: 4, Signed: true}}, Flags: tramp.FlagCallOrig, FEntry: []tramp.Prog{prog}}
	noProg := tramp.Config{Flags: tramp.FlagIPArg}
	tests := []struct {
		name string
		env  *Env
		tc   tramp.Config
		want []byte
	}{
		{"documented, a program", DefaultEnv(), withProg, code(
			lghi(1, 160), lghi(2, 0), lghi(3, 16), lghi(4, 1),
			lghi(5, 0x1234), lghi(6, 72), lghi(7, 1), lghi(8, 0xabc), lghi(9, 2), lghi(10, 27))},
		{"fixture, a program", fenv, withProg, code(
			lghi(1, 168), lghi(2, 8), lghi(3, 24), lghi(4, 1),
			lghi(5, 0x1234), lghi(6, 80), lghi(7, 1), lghi(8, 0xabc), lghi(9, 2), lghi(10, 20))},
		{"documented, no program", DefaultEnv(), noProg, code(
			lghi(1, 160), lghi(2, 0), lghi(3, 16), lghi(9, 0), lghi(10, 27))},
		{"fixture, no program", fenv, noProg, code(
			lghi(1, 168), lghi(2, 8), lghi(3, 24), lghi(9, 0), lghi(10, 20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(f, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			tc := tt.env.ResolveTramp(tt.tc)
			cfg, err := tt.env.FromTramp(tc)
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.NewMachine(Limits{}).Run(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.Code, tt.want) {
				t.Errorf("got  %x\nwant %x", r.Code, tt.want)
			}
		})
	}
}

// TestEnvFromTramp checks the translation of reference configurations:
// flags by name into the model's bits, insnsi at the model's offset.
func TestEnvFromTramp(t *testing.T) {
	fenv, err := EnvFromTree(mapReader(fixtureTree(t)))
	if err != nil {
		t.Fatal(err)
	}
	denv := DefaultEnv()
	tc := tramp.Config{Flags: tramp.FlagCallOrig | tramp.FlagIndirect, FEntry: []tramp.Prog{{}}, FExit: []tramp.Prog{{Addr: 0x5000}}}
	tests := []struct {
		env        *Env
		flags      uint32
		insnsiFrom uint64 // offset of insnsi from the program
	}{
		{denv, 1<<1 | 1<<8, 72},
		{fenv, 1<<9 | 1<<8, 80},
	}
	for _, tt := range tests {
		r := tt.env.ResolveTramp(tc)
		for _, p := range append(r.FEntry, r.FExit...) {
			if p.Insnsi != p.Addr+tt.insnsiFrom {
				t.Errorf("insnsi %#x, want %#x + %d", p.Insnsi, p.Addr, tt.insnsiFrom)
			}
		}
		c, err := tt.env.FromTramp(r)
		if err != nil {
			t.Fatal(err)
		}
		if c.Flags != tt.flags {
			t.Errorf("got flags %#x, want %#x", c.Flags, tt.flags)
		}
	}
	// The other model's insnsi is refused.
	if _, err := denv.FromTramp(fenv.ResolveTramp(tc)); err == nil || !strings.Contains(err.Error(), "is not at offset 72") {
		t.Errorf("got %v, want the insnsi offset refused", err)
	}
	if _, err := fenv.FromTramp(denv.ResolveTramp(tc)); err == nil || !strings.Contains(err.Error(), "is not at offset 80") {
		t.Errorf("got %v, want the insnsi offset refused", err)
	}
	// A model without a flag cannot translate it.
	files := fixtureTree(t)
	files["include/linux/bpf.h"] = strings.Replace(files["include/linux/bpf.h"], "BIT(9)", "BIT(40)", 1)
	wide, err := EnvFromTree(mapReader(files))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wide.FlagBits(tramp.FlagCallOrig); err == nil || !strings.Contains(err.Error(), "BPF_TRAMP_F_CALL_ORIG is 0x10000000000, which does not fit") {
		t.Errorf("got %v, want the wide flag refused", err)
	}
	if got, err := wide.FlagBits(tramp.FlagSkipFrame); err != nil || got != 1<<2 {
		t.Errorf("got %#x, %v, want 0x4", got, err)
	}
}

// TestEnvDescribe checks the listing of the model.
func TestEnvDescribe(t *testing.T) {
	s := DefaultEnv().String()
	for _, want := range []string{
		"BPF_TRAMP_F_CALL_ORIG = 2 (documented 6.12 value)\n",
		"STACK_FRAME_OVERHEAD = 160 (documented 6.12 value)\n",
		"offsetof(struct bpf_prog, insnsi) = 72 (documented 6.12 value)\n",
		"ARRAY_SIZE(struct bpf_tramp_links, links) = 27 (documented 6.12 value)\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Describe lacks %q", want)
		}
	}
}

// TestEnvFromTreeDeletedLines deletes, one at a time, every line of the
// fixture's include/linux/bpf.h and checks that EnvFromTree never panics
// and either reads a model or fails with one line naming the header.
func TestEnvFromTreeDeletedLines(t *testing.T) {
	files := fixtureTree(t)
	const h = "include/linux/bpf.h"
	lines := strings.SplitAfter(files[h], "\n")
	failed := 0
	for i := range lines {
		files[h] = strings.Join(append(append([]string{}, lines[:i]...), lines[i+1:]...), "")
		_, err := EnvFromTree(mapReader(files))
		if err == nil {
			continue
		}
		failed++
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "include/") && !strings.HasPrefix(msg, "arch/") {
			t.Errorf("line %d deleted: %q", i+1, msg)
		}
	}
	if failed == 0 {
		t.Error("no deletion failed")
	}
}

// BenchmarkEnvFromTree reads the model from the real tree.
func BenchmarkEnvFromTree(b *testing.B) {
	read := dirReader(ktree.Dir(b))
	for b.Loop() {
		if _, err := EnvFromTree(read); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEnvFromTreeGCC compiles the unit EnvFromTree synthesizes from the
// real tree with GCC for s390x, with static assertions of every value the
// model read (through cc/v4): GCC lays out and evaluates independently.
func TestEnvFromTreeGCC(t *testing.T) {
	gcc := testtool.Path(t, "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu")
	read := dirReader(ktree.Dir(t))
	env, err := EnvFromTree(read)
	if err != nil {
		t.Fatal(err)
	}
	b, err := newEnvBuilder(read)
	if err != nil {
		t.Fatal(err)
	}
	tu, _, _, err := b.unit()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString(tu)
	n := 0
	for _, x := range env.Describe() {
		expr := x.Name
		if x.Source == DocumentedSource {
			continue
		}
		if strings.HasPrefix(x.Name, "ARRAY_SIZE(") {
			tag, member, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(x.Name, "ARRAY_SIZE("), ")"), ", ")
			m := fmt.Sprintf("((%s *)0)->%s", tag, member)
			expr = fmt.Sprintf("(sizeof(%s) / sizeof(%s[0]))", m, m)
		} else if strings.HasPrefix(x.Name, "offsetof(") {
			if strings.HasSuffix(x.Name, ", jited)") || strings.HasSuffix(x.Name, ", dst_reg)") {
				continue // bit-fields have no offsetof
			}
			expr = "__builtin_" + x.Name
		}
		fmt.Fprintf(&sb, "_Static_assert((%s) == %d, \"%s\");\n", expr, x.Value, x.Name)
		n++
	}
	if n < 80 {
		t.Fatalf("only %d assertions", n)
	}
	file := filepath.Join(t.TempDir(), "env.c")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-std=gnu11", "-fsyntax-only", file).CombinedOutput(); err != nil {
		t.Errorf("gcc: %v\n%s", err, out)
	}
}
