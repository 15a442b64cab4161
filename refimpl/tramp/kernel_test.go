package tramp_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// kernelRegion is a part of the real JIT file that the kernel oracle
// compiles: from the line starting with first to the line that closes it.
type kernelRegion struct {
	first string // prefix of the region's first line
	// untilFunc, when set, extends the region to the end of the function
	// whose definition starts with this prefix.
	untilFunc string
	// untilMacro, when set, extends the region to the end of this macro's
	// definition.
	untilMacro string
}

// kernelRegions are the parts of arch/s390/net/bpf_jit_comp.c the
// trampoline generator consists of: the JIT state and its EMIT macros, the
// frame of JITed programs, the four helpers the trampoline shares with the
// program JIT, and the trampoline code itself.
var kernelRegions = []kernelRegion{
	{first: "struct bpf_jit {", untilMacro: "#define EMIT_ZERO("},
	{first: "struct prog_frame {"},
	{first: "static void emit_expoline("},
	{first: "static void emit_r1_thunk("},
	{first: "static void call_r1("},
	{first: "static int sign_zero_extend("},
	{first: "struct bpf_tramp_jit {", untilFunc: "int arch_prepare_bpf_trampoline("},
}

// extractKernel returns the regions of the real JIT file as C source with
// #line directives pointing into the real file.
func extractKernel(path string, src []byte) (string, error) {
	lines := strings.Split(string(src), "\n")
	find := func(prefix string, from int) int {
		for i := from; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], prefix) {
				return i
			}
		}
		return -1
	}
	// closing returns the line that closes the block opened at or after
	// line i: the first line starting with "}" at column 0.
	closing := func(i int) int {
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "}") {
				return j
			}
		}
		return -1
	}
	var out strings.Builder
	for _, r := range kernelRegions {
		start := find(r.first, 0)
		if start < 0 {
			return "", fmt.Errorf("%s: no line starting with %q", path, r.first)
		}
		var end int
		switch {
		case r.untilMacro != "":
			m := find(r.untilMacro, start)
			if m < 0 {
				return "", fmt.Errorf("%s: no %q", path, r.untilMacro)
			}
			end = m
			for end < len(lines) && strings.HasSuffix(lines[end], "\\") {
				end++
			}
		case r.untilFunc != "":
			f := find(r.untilFunc, start)
			if f < 0 {
				return "", fmt.Errorf("%s: no %q", path, r.untilFunc)
			}
			end = closing(f)
		default:
			end = closing(start)
		}
		if end < 0 {
			return "", fmt.Errorf("%s: region %q does not end", path, r.first)
		}
		fmt.Fprintf(&out, "#line %d %q\n", start+1, path)
		for _, l := range lines[start : end+1] {
			out.WriteString(l + "\n")
		}
	}
	return out.String(), nil
}

// kernelOracle builds the kernel's own trampoline generator for s390x and
// returns the path of the static harness binary and the qemu-s390x to run
// it with. It skips when the cross compiler or qemu is missing.
func kernelOracle(t *testing.T) (qemu, bin string) {
	t.Helper()
	jit := ktree.JIT(t)
	var missing []string
	gcc, err := exec.LookPath("s390x-linux-gnu-gcc")
	if err != nil {
		missing = append(missing, "s390x-linux-gnu-gcc (gcc-s390x-linux-gnu, libc6-dev-s390x-cross)")
	}
	qemu, err = exec.LookPath("qemu-s390x")
	if err != nil {
		missing = append(missing, "qemu-s390x (qemu-user)")
	}
	if len(missing) > 0 {
		if os.Getenv("TRAMPCHECK_REQUIRE_KERNEL") == "1" {
			t.Fatalf("kernel oracle needs %s", strings.Join(missing, ", "))
		}
		t.Skipf("kernel oracle needs %s", strings.Join(missing, ", "))
	}
	code, err := extractKernel(filepath.Join(ktree.Dir(t), ktree.JITFile), jit)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kernel_tramp.c")
	if err := os.WriteFile(kc, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	td, err := filepath.Abs(filepath.Join("..", "..", "testdata", "tramp"))
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "harness")
	cmd := exec.Command(gcc, "-std=gnu11", "-O1", "-static", "-w", "-I", td,
		"-DKERNEL_CODE=\""+kc+"\"", "-o", bin, filepath.Join(td, "kharness.c"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compiling the kernel's trampoline generator: %v\n%s", err, out)
	}
	return qemu, bin
}

// kernelResult is what the kernel's generator did for one configuration.
type kernelResult struct {
	im    uint64
	progs map[[2]int][2]uint64 // (kind, index) -> (p, p->insnsi)
	size  int                  // arch_bpf_trampoline_size
	errno int                  // 0 or the negative return value
	code  []byte
}

// harnessLine writes c in the harness's input format.
func harnessLine(c tramp.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", len(c.Args))
	for _, a := range c.Args {
		var f int
		if a.Struct {
			f |= 1
		}
		if a.Signed {
			f |= 2
		}
		fmt.Fprintf(&b, " %d %d", a.Size, f)
	}
	rf := 0
	if c.RetSigned {
		rf = 2
	}
	exp := 0
	if c.Expolines {
		exp = 1
	}
	r := c.Resolved()
	fmt.Fprintf(&b, " %d %d %d %d %#x %#x %#x %d", c.RetSize, rf, c.Flags, exp, c.FuncAddr,
		r.TrampEnter, r.TrampExit, len(c.FEntry)+len(c.FModRet)+len(c.FExit))
	for _, k := range []struct {
		kind  tramp.Kind
		progs []tramp.Prog
	}{{tramp.KindFEntry, r.FEntry}, {tramp.KindFExit, r.FExit}, {tramp.KindFModRet, r.FModRet}} {
		for _, p := range k.progs {
			j := 0
			if p.Jited {
				j = 1
			}
			fmt.Fprintf(&b, " %d %d %#x %#x %#x %#x", k.kind, j, p.BpfFunc, p.Cookie, p.Enter, p.Exit)
		}
	}
	return b.String()
}

// runKernel runs the harness on cfgs and returns one result each.
func runKernel(t *testing.T, qemu, bin string, cfgs []tramp.Config) []kernelResult {
	t.Helper()
	var in bytes.Buffer
	for _, c := range cfgs {
		in.WriteString(harnessLine(c) + "\n")
	}
	cmd := exec.Command(qemu, bin)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness: %v\n%s", err, stderr.Bytes())
	}
	var res []kernelResult
	cur := kernelResult{progs: map[[2]int][2]uint64{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		u := func(s string) uint64 {
			v, err := strconv.ParseUint(s, 0, 64)
			if err != nil {
				t.Fatalf("harness output %q: %v", sc.Text(), err)
			}
			return v
		}
		i := func(s string) int {
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("harness output %q: %v", sc.Text(), err)
			}
			return v
		}
		switch f[0] {
		case "im":
			cur.im = u(f[1])
		case "prog":
			cur.progs[[2]int{i(f[1]), i(f[2])}] = [2]uint64{u(f[3]), u(f[4])}
		case "size":
			cur.size = i(f[1])
		case "error":
			cur.errno = i(f[1])
		case "code":
			b, err := hex.DecodeString(f[1])
			if err != nil {
				t.Fatal(err)
			}
			cur.code = b
		case "end":
			res = append(res, cur)
			cur = kernelResult{progs: map[[2]int][2]uint64{}}
		}
	}
	if len(res) != len(cfgs) {
		t.Fatalf("harness: got %d results for %d configurations\n%s", len(res), len(cfgs), stderr.Bytes())
	}
	return res
}

// withKernelAddrs returns c with the addresses the harness used for its
// image and programs.
func withKernelAddrs(c tramp.Config, r kernelResult) tramp.Config {
	c = c.Resolved()
	c.Im = r.im
	set := func(ps []tramp.Prog, k tramp.Kind) []tramp.Prog {
		out := append([]tramp.Prog(nil), ps...)
		for i := range out {
			a := r.progs[[2]int{int(k), i}]
			out[i].Addr, out[i].Insnsi = a[0], a[1]
		}
		return out
	}
	c.FEntry = set(c.FEntry, tramp.KindFEntry)
	c.FModRet = set(c.FModRet, tramp.KindFModRet)
	c.FExit = set(c.FExit, tramp.KindFExit)
	return c
}

// TestKernelOracle compiles the kernel's own trampoline generator, read
// from the real tree, for s390x, runs it under qemu-s390x on the covering
// configurations and a random sample of the matrix, and compares its bytes,
// sizes and errors with Generate's.
func TestKernelOracle(t *testing.T) {
	qemu, bin := kernelOracle(t)
	m := tramp.Matrix()
	cfgs := append([]tramp.Config(nil), tramp.Covering()...)
	var descs []string
	for _, p := range tramp.CoveringPoints() {
		descs = append(descs, m.Describe(p))
	}
	rng := rand.New(rand.NewSource(7))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		p := m.Point(rng.Intn(m.Len()))
		cfgs = append(cfgs, m.Config(p))
		descs = append(descs, m.Describe(p))
	}
	// Explicit addresses and cookies with both halves set, and the hand
	// configurations.
	cfgs = append(cfgs, tramp.Config{
		Args: []tramp.Arg{{Size: 16}, {Size: 8}}, RetSize: 8, Flags: tramp.FlagCallOrig | tramp.FlagIPArg,
		FEntry:   []tramp.Prog{{Jited: true, BpfFunc: 0xfedcba98_76543210, Cookie: 0x80000000_80000000, Enter: 0x7fffffff_ffffffff, Exit: 1}},
		FuncAddr: 0xffffffff_fffffff0, TrampEnter: 0x12345678_9abcdef0, TrampExit: 0x0fedcba9_87654321,
	})
	descs = append(descs, "explicit addresses")
	// The largest configurations: 12 arguments of 16 bytes, 27 programs of
	// each kind, every flag.
	big := make([]tramp.Arg, tramp.MaxFuncArgs)
	for i := range big {
		big[i].Size = 16
	}
	many := func(jited bool) []tramp.Prog {
		ps := make([]tramp.Prog, tramp.MaxTrampLinks)
		for i := range ps {
			ps[i] = tramp.Prog{Jited: jited != (i%3 == 0), Cookie: uint64(i) << 40}
		}
		return ps
	}
	for _, exp := range []bool{false, true} {
		cfgs = append(cfgs, tramp.Config{
			Args: big, RetSize: 2, RetSigned: true, Flags: 0x1ff, Expolines: exp,
			FEntry: many(true), FModRet: many(false), FExit: many(true), FuncAddr: 0x3ff_8000_0000,
		})
		descs = append(descs, fmt.Sprintf("largest, expolines %v", exp))
	}
	res := runKernel(t, qemu, bin, cfgs)
	agree, rejected := 0, 0
	for i, c := range cfgs {
		r := res[i]
		kc := withKernelAddrs(c, r)
		p, err := tramp.Generate(kc)
		var re *tramp.RejectError
		switch {
		case r.errno != 0:
			rejected++
			if !errors.As(err, &re) || -int(re.Errno) != r.errno {
				t.Errorf("%s: kernel returns %d, got %v", descs[i], r.errno, err)
			}
			if size, serr := tramp.Size(kc); r.size < 0 && (serr == nil || !errors.As(serr, &re) || -int(re.Errno) != r.size) {
				t.Errorf("%s: arch_bpf_trampoline_size returns %d, Size gives %d, %v", descs[i], r.size, size, serr)
			}
		case err != nil:
			t.Errorf("%s: kernel writes %d bytes, got %v", descs[i], len(r.code), err)
		case !bytes.Equal(p.Code, r.code):
			t.Errorf("%s: got %d bytes, kernel writes %d; first difference at %s", descs[i], len(p.Code), len(r.code), firstDiff(p, r.code))
		case r.size != p.Size:
			t.Errorf("%s: arch_bpf_trampoline_size returns %d, got %d", descs[i], r.size, p.Size)
		default:
			agree++
		}
	}
	t.Logf("%d configurations: %d identical trampolines, %d rejected identically", len(cfgs), agree, rejected)
}

// firstDiff describes the first instruction whose bytes differ.
func firstDiff(p *tramp.Program, want []byte) string {
	for _, in := range p.Insns {
		end := in.Off + len(in.Bytes)
		if end > len(want) || !bytes.Equal(in.Bytes, want[in.Off:end]) {
			got := want[in.Off:min(end, len(want))]
			return fmt.Sprintf("offset %d: got % x %q, kernel % x", in.Off, in.Bytes, in.Text, got)
		}
	}
	return fmt.Sprintf("offset %d (length)", len(p.Code))
}
