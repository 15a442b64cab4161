package cparse_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// jitSeed is JIT-like C written for these tests (not kernel source): a
// tiny emitter with EMIT macros, a frame layout and a trampoline-shaped
// generator, the constructs the front end must survive mutated.
const jitSeed = `#include <linux/types.h>
#include <asm/demo.h>

#define REG_W0 0
#define REG_SP 15
#define STK_OFF 160

#define _EMIT2(op)				\
({						\
	if (jit->prg_buf)			\
		*(u16 *) (jit->prg_buf + jit->prg) = (op); \
	jit->prg += 2;				\
})

#define EMIT6_DISP_LH(op1, op2, b1, b2, b3, disp)	\
({							\
	_EMIT6((op1) | reg(b1, b2) << 16 |		\
	       (b3) << 12 | ((disp) & 0xfff), (op2) | ((disp) >> 12) << 8); \
	REG_SET_SEEN(b1);				\
})

struct demo_jit {
	u8 *prg_buf;
	u32 prg;
	u32 seen;
	int stack_size;
};

struct tramp_frame {
	int stack_size;
	int regs_off;
	int ip_off;
	int bpf_args_off;
};

static int reg(int a, int b)
{
	return a << 4 | b;
}

/* save the argument registers */
static void save_regs(struct demo_jit *jit, struct tramp_frame *tf, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		/* stg %r2,regs_off(%r15) */
		EMIT6_DISP_LH(0xe3000000, 0x0024, 2 + i, REG_W0, REG_SP,
			      tf->regs_off + i * sizeof(u64));
	}
}

static int invoke(struct demo_jit *jit, struct tramp_frame *tf, u64 addr)
{
	if (!addr)
		return -22;
	_EMIT2(0x0de1); /* basr %r14,%r1 */
	return 0;
}

int demo_prepare(struct demo_jit *jit, struct tramp_frame *tf, int nr_args,
		 u32 flags, u64 addr)
{
	int ret;

	tf->stack_size = STK_OFF + nr_args * 8;
	tf->regs_off = STK_OFF;
	tf->ip_off = tf->regs_off + nr_args * 8;
	save_regs(jit, tf, nr_args);
	switch (flags & 3) {
	case 1:
		ret = invoke(jit, tf, addr);
		break;
	default:
		ret = 0;
	}
	return ret < 0 ? ret : (int)jit->prg;
}
`

// checkParsed fails unless Parse returned a file or a one-line *Error
// naming the input, and every position it reports lies in the file.
func checkParsed(t *testing.T, name string, src []byte, f *cparse.File, err error) {
	t.Helper()
	if err != nil {
		var pe *cparse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("got error %T %q, want *cparse.Error", err, err)
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, name+":") {
			t.Fatalf("got error %q, want one line starting with %q", msg, name+":")
		}
		if f != nil {
			t.Fatalf("got a file and error %v, want one of them", err)
		}
		return
	}
	if f == nil {
		t.Fatal("got neither a file nor an error")
	}
	inFile := func(what string, p cparse.Pos) {
		if p.Line < 1 || p.Line > len(f.Lines) || p.Offset < 0 || p.Offset > len(src) || p.Col < 1 {
			t.Fatalf("%s: got position %+v, want one inside the file (%d lines, %d bytes)", what, p, len(f.Lines), len(src))
		}
	}
	for _, fn := range f.Funcs {
		if fn.Header == "" && !fn.FromMacro {
			inFile("func "+fn.Name, fn.Pos)
		}
	}
	for _, e := range f.Emits {
		inFile("emit "+e.Name, e.Pos)
		for _, a := range e.Args {
			inFile("argument of "+e.Name, a.Pos)
		}
	}
	for _, m := range f.Macros {
		inFile("macro "+m.Name, m.Pos)
	}
}

// FuzzParseJIT mutates the JIT-like seed: delete del bytes at off and
// insert ins there. Mutations of well-formed code reach the collectors
// (functions, EMIT calls, comments, macros) that random bytes rarely do.
func FuzzParseJIT(f *testing.F) {
	f.Add(uint16(0), uint8(0), []byte(""))
	f.Add(uint16(strings.Index(jitSeed, "for (i")), uint8(3), []byte("while"))
	f.Add(uint16(strings.Index(jitSeed, "EMIT6_DISP_LH(0xe3")), uint8(14), []byte("EMIT6_DISP_LH((("))
	f.Add(uint16(strings.Index(jitSeed, "struct tramp_frame {")), uint8(0), []byte("#define X ((((X))))\n"))
	f.Add(uint16(strings.Index(jitSeed, "static int reg")), uint8(6), []byte("inline"))
	f.Add(uint16(strings.Index(jitSeed, "/* save")), uint8(2), []byte("//"))
	f.Add(uint16(strings.Index(jitSeed, "\\\n")), uint8(1), []byte("\\\r\n"))
	f.Add(uint16(strings.Index(jitSeed, "return a << 4")), uint8(0), []byte("typedef foo_t bar_t;\n"))
	f.Fuzz(func(t *testing.T, off uint16, del uint8, ins []byte) {
		src := mutate(jitSeed, int(off), int(del), ins)
		file, err := cparse.Parse("arch/s390/net/bpf_jit_comp.c", src, cparse.Options{})
		checkParsed(t, "arch/s390/net/bpf_jit_comp.c", src, file, err)
	})
}

// mutate replaces del bytes of seed at off (both clamped) by ins.
func mutate(seed string, off, del int, ins []byte) []byte {
	off = min(off, len(seed))
	end := min(off+del, len(seed))
	out := make([]byte, 0, len(seed)+len(ins))
	out = append(out, seed[:off]...)
	out = append(out, ins...)
	return append(out, seed[end:]...)
}

// TestParseJITSeed keeps the seed meaningful: it parses, and the front end
// sees its functions and EMIT calls.
func TestParseJITSeed(t *testing.T) {
	f, err := cparse.Parse("seed.c", []byte(jitSeed), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(f.Emits), 2; got != want {
		t.Errorf("got %d EMIT calls, want %d", got, want)
	}
	var defs []string
	for _, fn := range f.Funcs {
		if fn.Def {
			defs = append(defs, fn.Name)
		}
	}
	if got, want := strings.Join(defs, " "), "reg save_regs invoke demo_prepare"; got != want {
		t.Errorf("got definitions %q, want %q", got, want)
	}
}

// TestParseHostile checks the limits of the front end on inputs that would
// exhaust the stack, memory or time: each gives one *cparse.Error naming
// the file (and a line where one makes sense), never a crash.
func TestParseHostile(t *testing.T) {
	const n = 100_000
	macroChain := func(levels, parens int) string {
		var b strings.Builder
		b.WriteString("#define N0 1\n")
		for k := 1; k <= levels; k++ {
			fmt.Fprintf(&b, "#define N%d %sN%d%s\n", k, strings.Repeat("(", parens), k-1, strings.Repeat(")", parens))
		}
		fmt.Fprintf(&b, "int x = N%d;\n", levels)
		return b.String()
	}
	objChain := func(levels int) string {
		var b strings.Builder
		b.WriteString("#define N0 1\n")
		for k := 1; k <= levels; k++ {
			fmt.Fprintf(&b, "#define N%d N%d N%d\n", k, k-1, k-1)
		}
		fmt.Fprintf(&b, "int x = N%d;\n", levels)
		return b.String()
	}
	for _, tc := range []struct {
		name string
		src  string
		ok   bool // valid C within the limits: parsed
		line bool // the error names a line
	}{
		{name: "parentheses", src: "int f(void) { return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "; }\n", line: true},
		{name: "braces", src: "void f(void) " + strings.Repeat("{", n) + strings.Repeat("}", n) + "\n", line: true},
		{name: "brackets", src: "int a = " + strings.Repeat("a[", n) + "0" + strings.Repeat("]", n) + ";\n", line: true},
		{name: "unbalanced parentheses", src: "int f(void) { return " + strings.Repeat("(", n) + "1; }\n", line: true},
		{name: "initializer braces", src: "int a = " + strings.Repeat("{", n) + "1" + strings.Repeat("}", n) + ";\n", line: true},
		{name: "macro bodies nesting per level", src: macroChain(800, 190), line: true},
		{name: "macro chain", src: macroChain(30_000, 1), line: true},
		{name: "exponential object-like macros", src: objChain(60), line: true},
		{name: "nested function-like macros", src: "#define P(x) ((((((((((x))))))))))\nint x = " + strings.Repeat("P(", 150) + "1" + strings.Repeat(")", 150) + ";\n", ok: true},
		{name: "long operator chain", src: "int x = " + strings.Repeat("1 + ", 4*n) + "1;\n", line: true},
		{name: "long comma chain", src: "void f(int x) { x = 1" + strings.Repeat(", 1", 4*n) + "; }\n", line: true},
		{name: "long else-if chain", src: "void f(int x) { if (x) x = 0;" + strings.Repeat(" else if (x) x = 0;", n) + " }\n", line: true},
		{name: "long initializer", src: "int a[] = { 0" + strings.Repeat(", 0", 4*n) + " };\n", line: true},
		{name: "many statements", src: "void f(int x) {" + strings.Repeat(" x++;", 4*n) + " }\n", line: true},
		{name: "array dimensions", src: "int a" + strings.Repeat("[1]", 1000) + ";\n", ok: true},
		{name: "NUL bytes", src: "int x;\x00\x00int y;\n"},
		{name: "unterminated string", src: "char *s = \"" + strings.Repeat("x", n) + "\n", line: true},
		{name: "unterminated comment", src: "int x; /*" + strings.Repeat("*", n)},
		{name: "too large", src: "int x;\n" + strings.Repeat(" ", cparse.MaxFileSize)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			f, err := cparse.Parse("hostile.c", src, cparse.Options{})
			checkParsed(t, "hostile.c", src, f, err)
			switch {
			case tc.ok && err != nil:
				t.Fatalf("got %v, want no error", err)
			case !tc.ok && err == nil:
				t.Fatalf("got no error, want one")
			case err == nil:
				return
			}
			var pe *cparse.Error
			errors.As(err, &pe)
			if tc.line && pe.Line == 0 {
				t.Errorf("got %q, want an error with a line", err)
			}
		})
	}
}
