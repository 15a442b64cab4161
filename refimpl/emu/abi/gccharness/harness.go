// Package gccharness is the GCC ground truth for BPF trampolines: a C
// program compiled with s390x-linux-gnu-gcc and run under qemu-s390x that
// enters trampolines the ftrace way from gcc-compiled callers, and the
// same observations made by the emulator (refimpl/emu/abi) running the
// same bytes.
//
// The harness does not generate trampolines: its user gives the bytes,
// generated for the configurations Harness.Config returns (the harness's
// fixed addresses: the image of case k at Base + k*Stride, the traced
// function, the enter and exit functions and the programs at the
// addresses nm gives for the static program). refimpl/emu/abi's tests give
// refimpl/tramp's bytes; checks/trampexec's give the bytes the kernel
// file's own generator emits under the C interpreter (what trampexec
// runs).
//
// The program is static, not position independent, with its text at
// 0x10000000, away from the emulator's regions; main maps the trampolines
// at their addresses (mmap MAP_FIXED, PROT_EXEC) from a file and calls,
// for every case that has bytes, a caller that keeps known values in
// %r7-%r10 and calls the traced function. The traced function's patch
// site is "brasl %r0,glue" (the ftrace convention: %r0 the address after
// the 6-byte site, %r14 the caller's return address), the glue jumps to
// the trampoline, and the function's body after the site is a
// gcc-compiled function (the original). The enter/exit functions and
// programs are gcc-compiled too. Every one of them prints observation
// lines "k what ..."; Harness.Emulate prints the emulator's in the same
// format.
package gccharness

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

	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Where the harness maps the trampolines: case k at Base + k*Stride (the
// emulator runs the same bytes at its own code address: without expolines
// the code is position independent).
const (
	Base   = 0x4000_0000
	Stride = 0x2000
)

// Kind is the kind of trampoline a case makes.
type Kind int

const (
	// CallOrig is fentry/fexit on a traced function:
	// CALL_ORIG|SKIP_FRAME|IP_ARG with one fentry and one fexit program.
	CallOrig Kind = iota
	// RestoreRegs is fentry alone: RESTORE_REGS with one fentry program;
	// the trampoline returns into the traced function.
	RestoreRegs
	// StructOps is a struct_ops trampoline: RET_FENTRY_RET|INDIRECT with
	// one fentry program, whose result (Case.ProgRet) the caller gets.
	StructOps
)

// String returns the kind's name.
func (k Kind) String() string {
	return [...]string{"CALL_ORIG", "RESTORE_REGS", "struct_ops"}[k]
}

// Case is one trampoline of the harness: a signature, the values the
// caller passes and the trampoline's kind.
type Case struct {
	Args     []abi.Value
	Ret      abi.Arg // Size 0: void
	Kind     Kind
	ProgRet  uint64 // what the fentry program returns (StructOps)
	RetBytes []byte // what the original function returns (big-endian, Ret.Size bytes)
	Cookie   uint64 // the fentry program's cookie (the fexit program's is Cookie+1)
}

// cType is the C type of an argument or return value.
func cType(a abi.Arg) string {
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
func randValue(rnd *rand.Rand, a abi.Arg) abi.Value {
	b := make([]byte, a.Size)
	for j := range b {
		b[j] = byte(rnd.Uint32())
	}
	if rnd.IntN(2) == 0 {
		b[0] |= 0x80
	}
	return abi.Value{Arg: a, Bytes: b}
}

func randScalar(rnd *rand.Rand) abi.Arg {
	return abi.Arg{Size: []int{1, 2, 4, 8}[rnd.IntN(4)], Signed: rnd.IntN(2) == 0}
}

// Cases returns the signatures of the comparison, each as every kind
// (StructOps only with a return value): 0 to 12 arguments of random
// scalars (1, 2, 4, 8 bytes, signed and unsigned) and structures, and
// for every structure size 1-16 a signature with it in a register
// (second argument) and on the stack (seventh); random values, return
// types (void one time in five) and cookies. 29 signatures, 79 cases.
func Cases(rnd *rand.Rand) []Case {
	var sigs [][]abi.Arg
	for n := 0; n <= 12; n++ {
		as := make([]abi.Arg, n)
		for i := range as {
			if rnd.IntN(4) == 0 {
				as[i] = abi.Arg{Size: 1 + rnd.IntN(16), Struct: true}
			} else {
				as[i] = randScalar(rnd)
			}
		}
		sigs = append(sigs, as)
	}
	for s := 1; s <= 16; s++ {
		as := make([]abi.Arg, 7)
		for i := range as {
			as[i] = randScalar(rnd)
		}
		as[1], as[6] = abi.Arg{Size: s, Struct: true}, abi.Arg{Size: s, Struct: true}
		sigs = append(sigs, as)
	}
	var out []Case
	for _, as := range sigs {
		ret := abi.Arg{}
		if rnd.IntN(5) != 0 {
			ret = randScalar(rnd)
		}
		for _, kind := range []Kind{CallOrig, RestoreRegs, StructOps} {
			if kind == StructOps && ret.Size == 0 {
				continue // struct_ops: only with a return value
			}
			c := Case{Ret: ret, Kind: kind, Cookie: rnd.Uint64()}
			if kind == StructOps {
				c.ProgRet = rnd.Uint64()
			}
			for _, a := range as {
				c.Args = append(c.Args, randValue(rnd, a))
			}
			if ret.Size > 0 {
				c.RetBytes = randValue(rnd, ret).Bytes
			}
			out = append(out, c)
		}
	}
	return out
}

// Describe returns the case's signature and kind: "(u4 0x..., s2 ...) ret
// u8, CALL_ORIG".
func (c Case) Describe() string {
	var s []string
	for _, v := range c.Args {
		s = append(s, v.String())
	}
	return fmt.Sprintf("(%s) ret %v, %v", strings.Join(s, ", "), c.Ret, c.Kind)
}

// Tools are the paths of the cross tools the harness runs.
type Tools struct {
	GCC, QEMU, NM string
}

// Harness is the compiled program for a list of cases.
type Harness struct {
	Cases []Case
	// Sym are the program's symbols (nm) by name.
	Sym   map[string]uint64
	tools Tools
	dir   string
	bin   string
}

// Build writes the harness for cases into dir, compiles it with
// s390x-linux-gnu-gcc -O2 (static, -no-pie, text at 0x10000000) and reads
// its symbols.
func Build(tools Tools, dir string, cases []Case) (*Harness, error) {
	h := &Harness{Cases: cases, Sym: map[string]uint64{}, tools: tools, dir: dir, bin: filepath.Join(dir, "tramp")}
	cfile := filepath.Join(dir, "tramp.c")
	if err := os.WriteFile(cfile, []byte(source(cases)), 0o644); err != nil {
		return nil, err
	}
	if msg, err := exec.Command(tools.GCC, "-static", "-no-pie", "-O2", "-Wl,-Ttext-segment=0x10000000", "-o", h.bin, cfile).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("s390x-linux-gnu-gcc %s: %v\n%s", cfile, err, msg)
	}
	out, err := exec.Command(tools.NM, h.bin).Output()
	if err != nil {
		return nil, fmt.Errorf("s390x-linux-gnu-nm %s: %v", h.bin, err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			if a, err := strconv.ParseUint(f[0], 16, 64); err == nil {
				h.Sym[f[2]] = a
			}
		}
	}
	for _, s := range []string{"im_obj", "progs", "tramp_enter", "tramp_exit", "prog_enter", "prog_exit", "prog_0", "prog_1"} {
		if h.Sym[s] == 0 {
			return nil, fmt.Errorf("%s: no symbol %s", h.bin, s)
		}
	}
	return h, nil
}

// progStride is the distance between the harness's struct bpf_prog
// objects (progs[k*progStride]), and im_obj's size: room for the C
// interpreter's model of struct bpf_prog and struct bpf_tramp_image (it
// refuses objects that overlap) and any offset of insnsi.
const progStride = 4096

// Config returns case k's trampoline configuration at the harness's
// addresses. Every program's Insnsi is left 0, for the generator's
// environment to place (tramp.Config.Resolved, interp.Env.ResolveTramp).
func (h *Harness) Config(k int) tramp.Config {
	c := h.Cases[k]
	tc := tramp.Config{
		RetSize: c.Ret.Size, RetSigned: c.Ret.Signed,
		FuncAddr: h.Sym[fmt.Sprintf("traced_%d", k)],
		Image:    Base + uint64(k)*Stride,
		Im:       h.Sym["im_obj"], TrampEnter: h.Sym["tramp_enter"], TrampExit: h.Sym["tramp_exit"],
	}
	for _, v := range c.Args {
		tc.Args = append(tc.Args, tramp.Arg{Size: v.Size, Signed: v.Signed, Struct: v.Struct})
	}
	prog := func(i int) tramp.Prog {
		return tramp.Prog{
			Jited: true, BpfFunc: h.Sym[fmt.Sprintf("prog_%d", i)], Cookie: c.Cookie + uint64(i),
			Addr:  h.Sym["progs"] + uint64(progStride*i),
			Enter: h.Sym["prog_enter"], Exit: h.Sym["prog_exit"],
		}
	}
	tc.FEntry = []tramp.Prog{prog(0)}
	switch c.Kind {
	case CallOrig:
		tc.Flags = tramp.FlagCallOrig | tramp.FlagSkipFrame | tramp.FlagIPArg
		tc.FExit = []tramp.Prog{prog(1)}
	case StructOps:
		tc.Flags = tramp.FlagRetFentryRet | tramp.FlagIndirect
	default:
		tc.Flags = tramp.FlagRestoreRegs
	}
	return tc
}

// source writes the harness: per case a caller, the traced function (a
// patch site "brasl %r0" to a glue that jumps to the trampoline, then
// "jg" to the body), the body (the original function) and a dump of the
// BPF context; shared enter/exit functions and programs.
func source(cases []Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
int cur;
unsigned char progs[%[1]d], im_obj[%[2]d];
`, 2*progStride, progStride)
	b.WriteString(`static void pb(const void *p, int n) { const unsigned char *c = p; printf(" "); for (int i = 0; i < n; i++) printf("%02x", c[i]); }
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
		fmt.Fprintf(&b, "\"\\t.globl traced_%[1]d\\n\\t.balign 8\\ntraced_%[1]d:\\n\\tbrasl %%r0,glue_%[1]d\\n\\tjg body_%[1]d\\nglue_%[1]d:\\n\\tlgrl %%r1,addr_%[1]d\\n\\tbr %%r1\\n\\t.balign 8\\naddr_%[1]d:\\n\\t.quad %[2]d\\n\"\n", k, Base+k*Stride)
	}
	b.WriteString(");\n")
	for k, c := range cases {
		var params, actuals, decls []string
		for i, v := range c.Args {
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
		rt := cType(c.Ret)
		fmt.Fprintf(&b, "%s traced_%d(%s);\n", rt, k, plist)
		// The original function.
		fmt.Fprintf(&b, "__attribute__((noinline, used)) %s body_%d(%s) {\n\tprintf(\"%%d orig\", cur);\n", rt, k, plist)
		for i, v := range c.Args {
			if v.Struct {
				fmt.Fprintf(&b, "\tpb(&a%d, %d);\n", i, v.Size)
			} else {
				fmt.Fprintf(&b, "\tpx((uint64_t)a%d);\n", i)
			}
		}
		b.WriteString("\tprintf(\"\\n\");\n")
		if c.Ret.Size > 0 {
			fmt.Fprintf(&b, "\treturn (%s)0x%sULL;\n", rt, hex.EncodeToString(c.RetBytes))
		}
		b.WriteString("}\n")
		// The BPF context a program sees.
		fmt.Fprintf(&b, "static void dump_%d(uint64_t *ctx, int fexit) {\n\tprintf(\"%%d prog%%d\", cur, fexit);\n", k)
		slot := 0
		for _, v := range c.Args {
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
		fmt.Fprintf(&b, "\tprintf(\" n\"); px(ctx[-1]);\n\tif (%d) { printf(\" ip\"); px(ctx[-2]); }\n", btoi(c.Kind == CallOrig))
		if c.Ret.Size > 0 && c.Kind == CallOrig {
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
		if c.Ret.Size > 0 {
			fmt.Fprintf(&b, "\t%s r = traced_%d(%s);\n", rt, k, strings.Join(actuals, ", "))
		} else {
			fmt.Fprintf(&b, "\ttraced_%d(%s);\n", k, strings.Join(actuals, ", "))
		}
		fmt.Fprintf(&b, "\t__asm__ volatile(\"\" : %s);\n\tint ok = %s;\n", strings.Join(cons, ", "), strings.Join(checks, " && "))
		if c.Ret.Size > 0 {
			b.WriteString("\tprintf(\"%d ret\", cur); px((uint64_t)r); printf(\"\\n\");\n")
		}
		b.WriteString("\tprintf(\"%d regs %s\\n\", cur, ok ? \"ok\" : \"changed\");\n}\n")
	}
	b.WriteString("uint64_t progrets[] = {")
	for _, c := range cases {
		fmt.Fprintf(&b, "0x%xULL, ", c.ProgRet)
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
`, len(cases), Stride, Base)
	for k := range cases {
		fmt.Fprintf(&b, "\tif (buf[%d]) call_%d();\n", k*Stride, k)
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

// RunQEMU maps codes[k] (the bytes of case k's trampoline, generated for
// Config(k); nil or empty: the case is not called) in the harness, runs
// it under qemu-s390x and returns the lines it printed, by case.
func (h *Harness) RunQEMU(codes [][]byte) ([][]string, error) {
	if len(codes) != len(h.Cases) {
		return nil, fmt.Errorf("%d trampolines for %d cases", len(codes), len(h.Cases))
	}
	image := make([]byte, len(h.Cases)*Stride)
	for k, code := range codes {
		if len(code) > Stride {
			return nil, fmt.Errorf("case %d: %d bytes of code, more than the %d of its place", k, len(code), Stride)
		}
		copy(image[k*Stride:], code)
	}
	blob := filepath.Join(h.dir, "tramp.bin")
	if err := os.WriteFile(blob, image, 0o644); err != nil {
		return nil, err
	}
	out, err := exec.Command(h.tools.QEMU, h.bin, blob).Output()
	if err != nil {
		return nil, fmt.Errorf("qemu-s390x %s: %v\n%s", h.bin, err, out)
	}
	got := make([][]string, len(h.Cases))
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, _, _ := strings.Cut(sc.Text(), " ")
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(h.Cases) {
			return nil, fmt.Errorf("qemu-s390x %s: the harness printed %q", h.bin, sc.Text())
		}
		got[i] = append(got[i], sc.Text())
	}
	return got, sc.Err()
}

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// Emulate runs code, case k's trampoline generated for Config(k), on the
// emulator with the same arguments and stubs at the harness's addresses,
// and returns the lines the harness prints for it.
func (h *Harness) Emulate(k int, code []byte) ([]string, error) {
	c := h.Cases[k]
	sym := h.Sym
	e, err := abi.NewEnv()
	if err != nil {
		return nil, err
	}
	e.BackchainOff = abi.PackedBackchain
	entry, err := e.Load(0, code)
	if err != nil {
		return nil, err
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
	u64 := func(addr uint64) uint64 {
		b := read(addr, 8)
		if len(b) != 8 {
			return 0xbad
		}
		return binary.BigEndian.Uint64(b)
	}
	pb := func(b []byte) string { return " " + hex.EncodeToString(b) }
	e.AddStubAt("tramp_enter", sym["tramp_enter"], func(e *abi.Env, sc *abi.StubCall) uint64 { line("tramp_enter%s", px(sc.Regs[2])); return 0 })
	e.AddStubAt("tramp_exit", sym["tramp_exit"], func(e *abi.Env, sc *abi.StubCall) uint64 { line("tramp_exit%s", px(sc.Regs[2])); return 0 })
	e.AddStubAt("prog_enter", sym["prog_enter"], func(e *abi.Env, sc *abi.StubCall) uint64 {
		line("enter%s%s", px(sc.Regs[2]), px(u64(sc.Regs[3])))
		return 1
	})
	e.AddStubAt("prog_exit", sym["prog_exit"], func(e *abi.Env, sc *abi.StubCall) uint64 { line("exit%s%s", px(sc.Regs[2]), px(sc.Regs[3])); return 0 })
	for p := range 2 {
		e.AddStubAt("prog", sym[fmt.Sprintf("prog_%d", p)], func(e *abi.Env, sc *abi.StubCall) uint64 {
			ctx := sc.Regs[2]
			s := fmt.Sprintf("prog%d", p)
			slot := uint64(0)
			for _, v := range c.Args {
				switch {
				case v.Size > 8:
					s += pb(read(ctx+8*slot, v.Size))
					slot += 2
					continue
				case v.ByRef():
					s += pb(read(u64(ctx+8*slot), v.Size))
				case v.Struct:
					s += pb(read(ctx+8*slot+uint64(8-v.Size), v.Size))
				default:
					s += px(u64(ctx + 8*slot))
				}
				slot++
			}
			s += " n" + px(u64(ctx-8))
			if c.Kind == CallOrig {
				s += " ip" + px(u64(ctx-16))
				if p == 1 && c.Ret.Size > 0 {
					s += " ret" + px(u64(ctx+8*slot))
				}
			}
			line("%s", s)
			if p == 0 {
				return c.ProgRet
			}
			return 0
		})
	}
	body := sym[fmt.Sprintf("traced_%d", k)] + abi.PatchSize
	e.AddStubAt("body", body, func(e *abi.Env, sc *abi.StubCall) uint64 {
		s := "orig"
		for i, v := range c.Args {
			img, _ := sc.Arg(i)
			switch {
			case v.ByRef():
				s += pb(read(img, v.Size))
			case v.Struct:
				s += pb(be64(img)[8-v.Size:])
			default:
				s += px(abi.Extend(v.Arg, be64(img)[8-v.Size:]))
			}
		}
		line("%s", s)
		if c.Ret.Size == 0 {
			return abi.Poison
		}
		return abi.Extend(c.Ret, c.RetBytes)
	})
	res, err := e.Call(entry, c.Args, 1_000_000, abi.WithReg(0, body))
	if err != nil {
		line("fault %v", err)
		return lines, nil
	}
	if c.Ret.Size > 0 {
		line("ret%s", px(abi.Extend(c.Ret, be64(res.Ret)[8-c.Ret.Size:])))
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
	return lines, nil
}

// Contract checks the lines a machine printed for case k against the
// values themselves: the original function gets the caller's arguments
// (not for StructOps, which does not call it), the caller gets the
// original's return value (StructOps: the fentry program's result,
// extended as the return type) and %r7-%r10 survive. It returns "" when
// they hold, else what is missing.
func (h *Harness) Contract(k int, got []string) string {
	c := h.Cases[k]
	orig := fmt.Sprintf("%d orig", k)
	for _, v := range c.Args {
		if v.Struct {
			orig += " " + hex.EncodeToString(v.Bytes)
		} else {
			orig += fmt.Sprintf(" %016x", abi.Extend(v.Arg, v.Bytes))
		}
	}
	tail := []string{fmt.Sprintf("%d regs ok", k)}
	ret := c.RetBytes
	if c.Kind == StructOps {
		ret, orig = be64(c.ProgRet)[8-c.Ret.Size:], ""
	}
	if c.Ret.Size > 0 {
		tail = append([]string{fmt.Sprintf("%d ret %016x", k, abi.Extend(c.Ret, ret))}, tail...)
	}
	if orig != "" && !slices.Contains(got, orig) || len(got) < len(tail) || !slices.Equal(got[len(got)-len(tail):], tail) {
		return fmt.Sprintf("want the line %q and the end %q", orig, tail)
	}
	return ""
}

// BreakArgSave returns a copy of code (a trampoline placed at image) in
// which the first "stmg %r2,..." (the save of the argument registers)
// is replaced by nops, and whether there was one: its programs then see
// stack garbage instead of the arguments, which the two machines hold
// differently.
func BreakArgSave(code []byte, image uint64) ([]byte, bool) {
	for off := 0; off < len(code); {
		text, n, err := refimpl.Disassemble(code[off:], int64(image)+int64(off))
		if err != nil || n <= 0 {
			return nil, false
		}
		if strings.HasPrefix(text, "stmg\t%r2,") {
			b := bytes.Clone(code)
			for i := range n {
				b[off+i] = []byte{0x07, 0x00}[i%2]
			}
			return b, true
		}
		off += n
	}
	return nil, false
}

// Observe runs codes (as RunQEMU) under qemu-s390x and each case that has
// bytes on the emulator, and returns both machines' lines by case.
func (h *Harness) Observe(codes [][]byte) (gcc, emu [][]string, err error) {
	if gcc, err = h.RunQEMU(codes); err != nil {
		return nil, nil, err
	}
	emu = make([][]string, len(codes))
	for k, code := range codes {
		if len(code) == 0 {
			continue
		}
		if emu[k], err = h.Emulate(k, code); err != nil {
			return nil, nil, fmt.Errorf("case %d: %v", k, err)
		}
	}
	return gcc, emu, nil
}
