package abi

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Where the GCC harness maps the trampolines: case k at gccTrampBase +
// k*gccTrampStride (the emulator runs the same bytes at CodeBase: the code
// is position independent without expolines).
const (
	gccTrampBase   = 0x4000_0000
	gccTrampStride = 0x2000
)

// gccCase is one trampoline of the GCC comparison: a signature and a kind
// of trampoline.
type gccCase struct {
	args []Value
	ret  Arg // Size 0: void
	// callOrig: CALL_ORIG|SKIP_FRAME|IP_ARG with an fentry and an fexit
	// program (fentry/fexit on a traced function); else RESTORE_REGS with
	// an fentry program (the trampoline returns into the function).
	callOrig bool
	// structOps: RET_FENTRY_RET|INDIRECT with an fentry program whose
	// result (progRet) the caller gets (a struct_ops trampoline; callOrig
	// is false).
	structOps bool
	progRet   uint64
	retBytes  []byte
	cookie    uint64
}

// cType is the C type of an argument or return value.
func cType(a Arg) string {
	switch {
	case a.Size == 0:
		return "void"
	case a.Struct:
		return fmt.Sprintf("struct s%d", a.Size)
	case a.Signed:
		return fmt.Sprintf("int%d_t", 8*a.Size)
	}
	return fmt.Sprintf("uint%d_t", 8*a.Size)
}

// randValue returns a value of a with random bytes (negative half the
// time for signed scalars).
func randValue(rnd *rand.Rand, a Arg) Value {
	b := make([]byte, a.Size)
	for j := range b {
		b[j] = byte(rnd.Uint32())
	}
	if rnd.IntN(2) == 0 {
		b[0] |= 0x80
	}
	return Value{a, b}
}

func randScalar(rnd *rand.Rand) Arg {
	return Arg{Size: []int{1, 2, 4, 8}[rnd.IntN(4)], Signed: rnd.IntN(2) == 0}
}

// gccCases are the signatures of the comparison, each as both kinds:
// 0 to 12 arguments of random scalars and structures, and for every
// structure size 1-16 a signature with it in a register (second argument)
// and on the stack (seventh).
func gccCases(rnd *rand.Rand) []gccCase {
	var sigs [][]Arg
	for n := 0; n <= 12; n++ {
		as := make([]Arg, n)
		for i := range as {
			if rnd.IntN(4) == 0 {
				as[i] = Arg{Size: 1 + rnd.IntN(16), Struct: true}
			} else {
				as[i] = randScalar(rnd)
			}
		}
		sigs = append(sigs, as)
	}
	for s := 1; s <= 16; s++ {
		as := make([]Arg, 7)
		for i := range as {
			as[i] = randScalar(rnd)
		}
		as[1], as[6] = Arg{Size: s, Struct: true}, Arg{Size: s, Struct: true}
		sigs = append(sigs, as)
	}
	var out []gccCase
	for _, as := range sigs {
		ret := Arg{}
		if rnd.IntN(5) != 0 {
			ret = randScalar(rnd)
		}
		for kind := range 3 {
			if kind == 2 && ret.Size == 0 {
				continue // struct_ops: only with a return value
			}
			c := gccCase{ret: ret, callOrig: kind == 0, structOps: kind == 2, cookie: rnd.Uint64()}
			if c.structOps {
				c.progRet = rnd.Uint64()
			}
			for _, a := range as {
				c.args = append(c.args, randValue(rnd, a))
			}
			if ret.Size > 0 {
				c.retBytes = randValue(rnd, ret).Bytes
			}
			out = append(out, c)
		}
	}
	return out
}

// gccSyms are the harness's addresses the trampolines refer to.
type gccSyms map[string]uint64

// config returns the trampoline configuration of case k at the harness's
// addresses.
func (c gccCase) config(k int, sym gccSyms) tramp.Config {
	tc := tramp.Config{
		RetSize: c.ret.Size, RetSigned: c.ret.Signed,
		FuncAddr: sym[fmt.Sprintf("traced_%d", k)],
		Image:    gccTrampBase + uint64(k)*gccTrampStride,
		Im:       sym["im_obj"], TrampEnter: sym["tramp_enter"], TrampExit: sym["tramp_exit"],
	}
	for _, v := range c.args {
		tc.Args = append(tc.Args, tramp.Arg{Size: v.Size, Signed: v.Signed, Struct: v.Struct})
	}
	prog := func(i int) tramp.Prog {
		return tramp.Prog{
			Jited: true, BpfFunc: sym[fmt.Sprintf("prog_%d", i)], Cookie: c.cookie + uint64(i),
			Addr: sym["progs"] + uint64(64*i), Insnsi: sym["progs"] + uint64(64*i+32),
			Enter: sym["prog_enter"], Exit: sym["prog_exit"],
		}
	}
	tc.FEntry = []tramp.Prog{prog(0)}
	switch {
	case c.callOrig:
		tc.Flags = tramp.FlagCallOrig | tramp.FlagSkipFrame | tramp.FlagIPArg
		tc.FExit = []tramp.Prog{prog(1)}
	case c.structOps:
		tc.Flags = tramp.FlagRetFentryRet | tramp.FlagIndirect
	default:
		tc.Flags = tramp.FlagRestoreRegs
	}
	return tc
}

// gccSource writes the harness: per case a caller, the traced function
// (a patch site "brasl %r0" to a glue that jumps to the trampoline, then
// "jg" to the body), the body (the original function) and a dump of the
// BPF context; shared enter/exit functions and programs. Everything
// prints observation lines "k what ..." in the format gccObserve prints
// the emulator's.
func gccSource(cases []gccCase) string {
	var b strings.Builder
	b.WriteString(`#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
int cur;
unsigned char progs[128], im_obj[64];
static void pb(const void *p, int n) { const unsigned char *c = p; printf(" "); for (int i = 0; i < n; i++) printf("%02x", c[i]); }
static void px(uint64_t v) { printf(" %016llx", (unsigned long long)v); }
typedef void dumpf(uint64_t *ctx, int fexit);
extern dumpf *dumps[];
uint64_t tramp_enter(void *im) { printf("%d tramp_enter", cur); px((uint64_t)im); printf("\n"); return 0; }
uint64_t tramp_exit(void *im) { printf("%d tramp_exit", cur); px((uint64_t)im); printf("\n"); return 0; }
uint64_t prog_enter(void *p, uint64_t *rctx) { printf("%d enter", cur); px((uint64_t)p); px(rctx[0]); printf("\n"); return 1; }
uint64_t prog_exit(void *p, uint64_t start, void *rctx) { printf("%d exit", cur); px((uint64_t)p); px(start); printf("\n"); return 0; }
extern uint64_t progrets[];
uint64_t prog_0(uint64_t *ctx, void *insnsi) { dumps[cur](ctx, 0); return progrets[cur]; }
uint64_t prog_1(uint64_t *ctx, void *insnsi) { dumps[cur](ctx, 1); return 0; }
`)
	for n := 1; n <= 16; n++ {
		fmt.Fprintf(&b, "struct s%d { unsigned char b[%d]; };\n", n, n)
	}
	b.WriteString("__asm__(\".text\\n\"\n")
	for k := range cases {
		fmt.Fprintf(&b, "\"\\t.globl traced_%[1]d\\n\\t.balign 8\\ntraced_%[1]d:\\n\\tbrasl %%r0,glue_%[1]d\\n\\tjg body_%[1]d\\nglue_%[1]d:\\n\\tlgrl %%r1,addr_%[1]d\\n\\tbr %%r1\\n\\t.balign 8\\naddr_%[1]d:\\n\\t.quad %[2]d\\n\"\n", k, gccTrampBase+k*gccTrampStride)
	}
	b.WriteString(");\n")
	for k, c := range cases {
		var params, actuals, decls []string
		for i, v := range c.args {
			params = append(params, fmt.Sprintf("%s a%d", cType(v.Arg), i))
			if v.Struct {
				var bs []string
				for _, x := range v.Bytes {
					bs = append(bs, fmt.Sprintf("0x%02x", x))
				}
				decls = append(decls, fmt.Sprintf("\tstruct s%d v%d = {{%s}};\n", v.Size, i, strings.Join(bs, ",")))
				actuals = append(actuals, fmt.Sprintf("v%d", i))
			} else {
				actuals = append(actuals, fmt.Sprintf("(%s)0x%sULL", cType(v.Arg), hex.EncodeToString(v.Bytes)))
			}
		}
		plist := strings.Join(params, ", ")
		if plist == "" {
			plist = "void"
		}
		rt := cType(c.ret)
		fmt.Fprintf(&b, "%s traced_%d(%s);\n", rt, k, plist)
		// The original function.
		fmt.Fprintf(&b, "__attribute__((noinline, used)) %s body_%d(%s) {\n\tprintf(\"%%d orig\", cur);\n", rt, k, plist)
		for i, v := range c.args {
			if v.Struct {
				fmt.Fprintf(&b, "\tpb(&a%d, %d);\n", i, v.Size)
			} else {
				fmt.Fprintf(&b, "\tpx((uint64_t)a%d);\n", i)
			}
		}
		b.WriteString("\tprintf(\"\\n\");\n")
		if c.ret.Size > 0 {
			fmt.Fprintf(&b, "\treturn (%s)0x%sULL;\n", rt, hex.EncodeToString(c.retBytes))
		}
		b.WriteString("}\n")
		// The BPF context a program sees.
		fmt.Fprintf(&b, "static void dump_%d(uint64_t *ctx, int fexit) {\n\tprintf(\"%%d prog%%d\", cur, fexit);\n", k)
		slot := 0
		for _, v := range c.args {
			switch {
			case v.Size > 8:
				fmt.Fprintf(&b, "\tpb(&ctx[%d], %d);\n", slot, v.Size)
				slot += 2
				continue
			case v.ByRef():
				fmt.Fprintf(&b, "\tpb((void *)ctx[%d], %d);\n", slot, v.Size)
			case v.Struct:
				fmt.Fprintf(&b, "\tpb((char *)&ctx[%d] + %d, %d);\n", slot, 8-v.Size, v.Size)
			default:
				fmt.Fprintf(&b, "\tpx(ctx[%d]);\n", slot)
			}
			slot++
		}
		fmt.Fprintf(&b, "\tprintf(\" n\"); px(ctx[-1]);\n\tif (%d) { printf(\" ip\"); px(ctx[-2]); }\n", btoi(c.callOrig))
		if c.ret.Size > 0 && c.callOrig {
			fmt.Fprintf(&b, "\tif (fexit) { printf(\" ret\"); px(ctx[%d]); }\n", slot)
		}
		b.WriteString("\tprintf(\"\\n\");\n}\n")
		// The caller: %r7-%r10 hold known values across the call (a
		// register variable's register is only reserved in the asm
		// statements: GCC may still take %r11-%r13 as frame or literal
		// pool pointers, so those are left alone).
		fmt.Fprintf(&b, "static void call_%d(void) {\n%s", k, strings.Join(decls, ""))
		var regs, cons, checks []string
		for r := 7; r <= 10; r++ {
			regs = append(regs, fmt.Sprintf("\tregister uint64_t r%d __asm__(\"r%d\") = 0x%02x%02x%02x%02x00c0ffeeULL;\n", r, r, r, r, r, r))
			cons = append(cons, fmt.Sprintf("\"+r\"(r%d)", r))
			checks = append(checks, fmt.Sprintf("r%d == 0x%02x%02x%02x%02x00c0ffeeULL", r, r, r, r, r))
		}
		b.WriteString(strings.Join(regs, ""))
		fmt.Fprintf(&b, "\t__asm__ volatile(\"\" : %s);\n\tcur = %d;\n", strings.Join(cons, ", "), k)
		if c.ret.Size > 0 {
			fmt.Fprintf(&b, "\t%s r = traced_%d(%s);\n", rt, k, strings.Join(actuals, ", "))
		} else {
			fmt.Fprintf(&b, "\ttraced_%d(%s);\n", k, strings.Join(actuals, ", "))
		}
		fmt.Fprintf(&b, "\t__asm__ volatile(\"\" : %s);\n\tint ok = %s;\n", strings.Join(cons, ", "), strings.Join(checks, " && "))
		if c.ret.Size > 0 {
			b.WriteString("\tprintf(\"%d ret\", cur); px((uint64_t)r); printf(\"\\n\");\n")
		}
		b.WriteString("\tprintf(\"%d regs %s\\n\", cur, ok ? \"ok\" : \"changed\");\n}\n")
	}
	b.WriteString("uint64_t progrets[] = {")
	for _, c := range cases {
		fmt.Fprintf(&b, "0x%xULL, ", c.progRet)
	}
	b.WriteString("};\n")
	b.WriteString("dumpf *dumps[] = {")
	for k := range cases {
		fmt.Fprintf(&b, "dump_%d, ", k)
	}
	b.WriteString("};\n")
	// main maps the trampolines from the file argv[1] (case k's bytes at
	// its address; a case without bytes is not called) and calls.
	fmt.Fprintf(&b, `int main(int argc, char **argv) {
	static unsigned char buf[%[1]d * %[2]d];
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof buf) != sizeof buf) { perror(argv[1]); return 2; }
	void *m = mmap((void *)%[3]dUL, sizeof buf, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (m != (void *)%[3]dUL) { perror("mmap"); return 2; }
	memcpy(m, buf, sizeof buf);
	setvbuf(stdout, NULL, _IOLBF, 0);
`, len(cases), gccTrampStride, gccTrampBase)
	for k := range cases {
		fmt.Fprintf(&b, "\tif (buf[%d]) call_%d();\n", k*gccTrampStride, k)
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gccObserve runs case k's trampoline on the emulator with the same
// arguments and stubs at the harness's addresses, and returns the lines
// the harness prints for it.
func gccObserve(t *testing.T, k int, c gccCase, tc tramp.Config, code []byte, sym gccSyms) []string {
	t.Helper()
	e, err := NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	e.BackchainOff = PackedBackchain
	entry, err := e.Load(0, code)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	line := func(format string, a ...any) { lines = append(lines, fmt.Sprintf("%d ", k)+fmt.Sprintf(format, a...)) }
	px := func(v uint64) string { return fmt.Sprintf(" %016x", v) }
	read := func(addr uint64, n int) []byte {
		b, err := e.Mem.Read(addr, n)
		if err != nil {
			return []byte("unreadable")
		}
		return b
	}
	pb := func(b []byte) string { return " " + hex.EncodeToString(b) }
	e.AddStubAt("tramp_enter", sym["tramp_enter"], func(e *Env, sc *StubCall) uint64 { line("tramp_enter%s", px(sc.Regs[2])); return 0 })
	e.AddStubAt("tramp_exit", sym["tramp_exit"], func(e *Env, sc *StubCall) uint64 { line("tramp_exit%s", px(sc.Regs[2])); return 0 })
	e.AddStubAt("prog_enter", sym["prog_enter"], func(e *Env, sc *StubCall) uint64 {
		line("enter%s%s", px(sc.Regs[2]), px(binary.BigEndian.Uint64(read(sc.Regs[3], 8))))
		return 1
	})
	e.AddStubAt("prog_exit", sym["prog_exit"], func(e *Env, sc *StubCall) uint64 { line("exit%s%s", px(sc.Regs[2]), px(sc.Regs[3])); return 0 })
	for p := range 2 {
		e.AddStubAt("prog", sym[fmt.Sprintf("prog_%d", p)], func(e *Env, sc *StubCall) uint64 {
			ctx := sc.Regs[2]
			s := fmt.Sprintf("prog%d", p)
			slot := uint64(0)
			for _, v := range c.args {
				switch {
				case v.Size > 8:
					s += pb(read(ctx+8*slot, v.Size))
					slot += 2
					continue
				case v.ByRef():
					s += pb(read(binary.BigEndian.Uint64(read(ctx+8*slot, 8)), v.Size))
				case v.Struct:
					s += pb(read(ctx+8*slot+uint64(8-v.Size), v.Size))
				default:
					s += px(binary.BigEndian.Uint64(read(ctx+8*slot, 8)))
				}
				slot++
			}
			s += " n" + px(binary.BigEndian.Uint64(read(ctx-8, 8)))
			if c.callOrig {
				s += " ip" + px(binary.BigEndian.Uint64(read(ctx-16, 8)))
				if p == 1 && c.ret.Size > 0 {
					s += " ret" + px(binary.BigEndian.Uint64(read(ctx+8*slot, 8)))
				}
			}
			line("%s", s)
			if p == 0 {
				return c.progRet
			}
			return 0
		})
	}
	body := tc.FuncAddr + PatchSize
	e.AddStubAt("body", body, func(e *Env, sc *StubCall) uint64 {
		s := "orig"
		for i, v := range c.args {
			img, _ := sc.Arg(i)
			switch {
			case v.ByRef():
				s += pb(read(img, v.Size))
			case v.Struct:
				s += pb(be64(img)[8-v.Size:])
			default:
				s += px(Extend(v.Arg, be64(img)[8-v.Size:]))
			}
		}
		line("%s", s)
		if c.ret.Size == 0 {
			return Poison
		}
		return Extend(c.ret, c.retBytes)
	})
	res, err := e.Call(entry, c.args, 1_000_000, WithReg(0, body))
	if err != nil {
		line("fault %v", err)
		return lines
	}
	if c.ret.Size > 0 {
		line("ret%s", px(Extend(c.ret, be64(res.Ret)[8-c.ret.Size:])))
	}
	changed := false
	for _, r := range res.Clobbered {
		if r >= 7 && r <= 10 {
			changed = true
		}
	}
	if changed {
		line("regs changed")
	} else {
		line("regs ok")
	}
	return lines
}

// TestTrampolinesGCC is the ground truth for the trampoline ABI:
// refimpl/tramp's trampolines (the 6.12 code, which trampxcheck keeps
// equal to the kernel file's generator), mapped at fixed addresses in a
// static program compiled with s390x-linux-gnu-gcc and run under
// qemu-s390x, are entered the ftrace way ("brasl %r0" at the traced
// function's patch site) from gcc-compiled callers, and call gcc-compiled
// enter/exit functions, programs and original functions; every
// observation (what each program sees in its BPF context, the cookie, the
// original's arguments as C reads them, the caller's return value, and
// whether %r7-%r10 survived the call) must equal what the emulator
// (refimpl/emu/abi) observes running the same bytes with the same
// arguments. 79 trampolines: 0-12 arguments and every structure size
// 1-16 in a register and on the stack, each as fentry/fexit with
// CALL_ORIG, as fentry with RESTORE_REGS and, with a return value, as a
// struct_ops trampoline (RET_FENTRY_RET|INDIRECT: the caller gets the
// fentry program's result). The observations are also checked against
// the values themselves (the original's arguments, the caller's return
// value, %r7-%r10), and a second run with one trampoline broken must make
// the two machines differ on it. Skipped without the tools unless
// TRAMPCHECK_REQUIRE_QEMU=1; about 2-3 s.
func TestTrampolinesGCC(t *testing.T) {
	gcc := tool(t, "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu")
	qemu := tool(t, "qemu-s390x", "qemu-user")
	nm := tool(t, "s390x-linux-gnu-nm", "binutils-s390x-linux-gnu")
	cases := gccCases(rand.New(rand.NewPCG(13, 5)))
	t.Logf("%d trampolines", len(cases))
	dir := t.TempDir()
	cfile, bin, blob := filepath.Join(dir, "tramp.c"), filepath.Join(dir, "tramp"), filepath.Join(dir, "tramp.bin")
	if err := os.WriteFile(cfile, []byte(gccSource(cases)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Static, not position independent, and away from the emulator's
	// regions: the addresses nm gives are the ones the program runs at.
	if msg, err := exec.Command(gcc, "-static", "-no-pie", "-O2", "-Wl,-Ttext-segment=0x10000000", "-o", bin, cfile).CombinedOutput(); err != nil {
		t.Fatalf("s390x-linux-gnu-gcc: %v\n%s", err, msg)
	}
	out, err := exec.Command(nm, bin).Output()
	if err != nil {
		t.Fatalf("nm: %v", err)
	}
	sym := gccSyms{}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			if a, err := strconv.ParseUint(f[0], 16, 64); err == nil {
				sym[f[2]] = a
			}
		}
	}
	codes := make([][]byte, len(cases))
	cfgs := make([]tramp.Config, len(cases))
	for k, c := range cases {
		cfgs[k] = c.config(k, sym)
		p, err := tramp.Generate(cfgs[k])
		if err != nil {
			t.Fatalf("case %d: %v", k, err)
		}
		if len(p.Code) > gccTrampStride {
			t.Fatalf("case %d: %d bytes of code", k, len(p.Code))
		}
		codes[k] = p.Code
	}
	// A broken copy: in the first case with arguments and CALL_ORIG the
	// stmg that saves the argument registers is a nop, so what its
	// programs see (stack garbage) differs between the two machines.
	broken := -1
	for k, c := range cases {
		if len(c.args) >= 2 && c.callOrig && broken < 0 {
			p, _ := tramp.Generate(cfgs[k])
			for _, in := range p.Insns {
				if strings.HasPrefix(in.Text, "stmg\t%r2,") {
					b := bytes.Clone(codes[k])
					for i := range in.Bytes {
						b[in.Off+i] = []byte{0x07, 0x00}[i%2]
					}
					codes[k], broken = b, k
					break
				}
			}
		}
	}
	if broken < 0 {
		t.Fatal("no case to break")
	}
	for _, run := range []struct {
		name   string
		broken bool
	}{{"6.12 trampolines", false}, {"one broken", true}} {
		image := make([]byte, len(cases)*gccTrampStride)
		for k := range cases {
			code := codes[k]
			if k == broken && !run.broken {
				p, _ := tramp.Generate(cfgs[k])
				code = p.Code
			}
			copy(image[k*gccTrampStride:], code)
		}
		got := gccRun(t, qemu, bin, blob, image, len(cases))
		for k, c := range cases {
			code := image[k*gccTrampStride:][:len(codes[k])]
			want := gccObserve(t, k, c, cfgs[k], code, sym)
			same := strings.Join(got[k], "\n") == strings.Join(want, "\n")
			switch {
			case run.broken && k == broken:
				if same {
					t.Errorf("%s: case %d: both machines observe the same with a broken trampoline:\n  %s", run.name, k, strings.Join(want, "\n  "))
				}
				continue
			case !same:
				t.Errorf("%s: case %d (%s, ret %v, callOrig %v, struct_ops %v): GCC and qemu observe\n  %s\nthe emulator\n  %s", run.name, k, argsText(c.args), c.ret, c.callOrig, c.structOps,
					strings.Join(got[k], "\n  "), strings.Join(want, "\n  "))
			}
			// The contract, from the values themselves: the original
			// function gets the caller's arguments, the caller its
			// return value, %r7-%r10 survive.
			orig := fmt.Sprintf("%d orig", k)
			for _, v := range c.args {
				if v.Struct {
					orig += " " + hex.EncodeToString(v.Bytes)
				} else {
					orig += fmt.Sprintf(" %016x", Extend(v.Arg, v.Bytes))
				}
			}
			tail := []string{fmt.Sprintf("%d regs ok", k)}
			ret := c.retBytes
			if c.structOps {
				// The fentry program's result, as the return type.
				ret, orig = be64(c.progRet)[8-c.ret.Size:], ""
			}
			if c.ret.Size > 0 {
				tail = append([]string{fmt.Sprintf("%d ret %016x", k, Extend(c.ret, ret))}, tail...)
			}
			if orig != "" && !slices.Contains(got[k], orig) || len(got[k]) < len(tail) || !slices.Equal(got[k][len(got[k])-len(tail):], tail) {
				t.Errorf("%s: case %d: GCC observes\n  %s\nwant the line %q and the end %q", run.name, k, strings.Join(got[k], "\n  "), orig, tail)
			}
		}
	}
}

// gccRun writes image to blob, runs the harness under qemu and returns
// its lines by case.
func gccRun(t *testing.T, qemu, bin, blob string, image []byte, n int) [][]string {
	t.Helper()
	if err := os.WriteFile(blob, image, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(qemu, bin, blob).Output()
	if err != nil {
		t.Fatalf("qemu-s390x: %v\n%s", err, out)
	}
	got := make([][]string, n)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, _, _ := strings.Cut(sc.Text(), " ")
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= n {
			t.Fatalf("harness printed %q", sc.Text())
		}
		got[i] = append(got[i], sc.Text())
	}
	return got
}

func argsText(vs []Value) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.String())
	}
	return "(" + strings.Join(s, ", ") + ")"
}
