package interp

import (
	"errors"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
)

// fuzzJIT is a trampoline-shaped generator written for the fuzzers (not
// kernel source): its own EMIT macros, a frame struct, a helper whose body
// FuzzInterpBody replaces (at BODY), and the two entry points driven as
// the kernel drives them.
const fuzzJIT = `struct bpf_jit {
	u8 *prg_buf;
	int prg;
	int frame[8];
};

#define _EMIT2(op)						\
({								\
	if (jit->prg_buf)					\
		*(u16 *) (jit->prg_buf + jit->prg) = (op);	\
	jit->prg += 2;						\
})

#define EMIT6_DISP(op1, op2, r, d)				\
({								\
	if (jit->prg_buf) {					\
		*(u32 *) (jit->prg_buf + jit->prg) = (op1) | (r) << 20 | 0xf000 | ((d) & 0xfff); \
		*(u16 *) (jit->prg_buf + jit->prg + 4) = (op2);	\
	}							\
	jit->prg += 6;						\
})

static int helper(struct bpf_jit *jit, const struct btf_func_model *m, int n)
{
	int i, acc = 0;
BODY
	return acc;
}

static int gen(struct bpf_jit *jit, const struct btf_func_model *m, u32 flags)
{
	int i, ret;

	for (i = 0; i < m->nr_args && i < 5; i++)
		/* stg %r(2+i),off(%r15) */
		EMIT6_DISP(0xe3000000, 0x0024, 2 + i, 160 + 8 * i);
	ret = helper(jit, m, m->nr_args);
	if (ret < 0)
		return ret;
	/* br %r14 */
	_EMIT2(0x07fe);
	return 0;
}

int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,
			     struct bpf_tramp_links *tlinks, void *orig_call)
{
	struct bpf_jit jit;
	int ret;

	memset(&jit, 0, sizeof(jit));
	ret = gen(&jit, m, flags);
	return ret < 0 ? ret : jit.prg;
}

int arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, void *image,
				void *image_end, const struct btf_func_model *m,
				u32 flags, struct bpf_tramp_links *tlinks,
				void *func_addr)
{
	struct bpf_jit jit;
	int ret;

	memset(&jit, 0, sizeof(jit));
	jit.prg_buf = image;
	ret = gen(&jit, m, flags);
	return ret < 0 ? ret : jit.prg;
}
`

// fuzzBodies are helper bodies: plain code, and code that hits each limit.
var fuzzBodies = []string{
	"",
	"\tfor (i = 0; i < n; i++)\n\t\tacc += m->arg_size[i];\n",
	"\tfor (;;)\n\t\tacc++;\n",                                        // steps
	"\tif (n < 1000)\n\t\tacc = helper(jit, m, n + 1);\n",             // depth
	"\tu8 big[1 << 22];\n\tbig[0] = 1;\n\tacc = big[0];\n",            // stack
	"\tjit->prg += 1 << 24;\n",                                        // image
	"\tacc = 10 / (n - n);\n",                                         // division by zero
	"\tacc = *(int *)0;\n",                                            // NULL
	"\tjit->frame[n * 1000000] = 1;\n",                                // out of bounds
	"\tacc = -22;\n",                                                  // an errno
	"\tswitch (n) {\n\tcase 1: acc = 1;\n\tdefault: acc += 2;\n\t}\n", // fallthrough
	"\tacc = n ? n << 40 : (int)sizeof(struct bpf_jit);\n",
	"\tdo { acc--; } while (acc > -5);\n\tacc = 0;\n",
	"\tgoto out;\n\tacc = 1;\nout:\n\tacc += 2;\n",
	"\tint *p = &acc;\n\t*p = NOT_MODELLED;\n",
}

// fuzzConfig is the configuration the fuzzers run: three arguments.
func fuzzConfig() *Config {
	cfg := &Config{Image: 0x3ff80000000, Im: 0x10000, FuncAddr: 0x1000}
	cfg.Model.NrArgs = 3
	copy(cfg.Model.ArgSize[:], []uint8{8, 4, 16})
	return cfg
}

// fuzzLimits keep each run small.
var fuzzLimits = Limits{Steps: 20_000, Depth: 32, Stack: 64 << 10, Image: 64 << 10}

// runFuzz parses, compiles and runs src: each step gives a result or a
// one-line error naming the file, never a panic and never the
// interpreter's internal error.
func runFuzz(t *testing.T, src []byte) {
	t.Helper()
	f, err := cparse.Parse("fuzz.c", src, cparse.Options{})
	if err != nil {
		return // the front end's own fuzzers cover this
	}
	p, err := Compile(f, nil)
	if err != nil {
		checkOneLine(t, err)
		return
	}
	for range 2 { // a second run on the same machine must not see the first
		res, err := p.NewMachine(fuzzLimits).Run(fuzzConfig())
		if err != nil {
			checkOneLine(t, err)
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("got %q, want no internal error", err)
			}
			continue
		}
		if res.Ret > 0 && (len(res.Code) != res.Ret || res.Ret > fuzzLimits.Image) {
			t.Fatalf("got %d bytes of code for return value %d (limit %d)", len(res.Code), res.Ret, fuzzLimits.Image)
		}
	}
}

// checkOneLine fails unless err is one line naming the file.
func checkOneLine(t *testing.T, err error) {
	t.Helper()
	var ce *CompileError
	var re *RuntimeError
	msg := err.Error()
	switch {
	case strings.Contains(msg, "\n"):
		t.Fatalf("got a multi-line error %q", msg)
	case (errors.As(err, &ce) || errors.As(err, &re)) && !strings.HasPrefix(msg, "fuzz.c:"):
		t.Fatalf("got %q, want it to start with fuzz.c:", msg)
	}
}

// FuzzInterpBody runs the generator with arbitrary helper bodies.
func FuzzInterpBody(f *testing.F) {
	for _, b := range fuzzBodies {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		runFuzz(t, []byte(strings.Replace(fuzzJIT, "BODY\n", body+"\n", 1)))
	})
}

// FuzzInterp runs arbitrary files (seeded with the generator).
func FuzzInterp(f *testing.F) {
	for _, b := range fuzzBodies[:4] {
		f.Add([]byte(strings.Replace(fuzzJIT, "BODY\n", b+"\n", 1)))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		runFuzz(t, src)
	})
}

// TestInterpLimitsHostile checks that each limit stops a hostile body with
// a RuntimeError naming the file and the line (a runaway generator must
// not hang or exhaust memory).
func TestInterpLimitsHostile(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"steps", fuzzBodies[2], "step limit"},
		{"depth", fuzzBodies[3], "call depth limit"},
		{"stack", fuzzBodies[4], "stack limit"},
		{"image", fuzzBodies[5], "image limit"},
		{"division", fuzzBodies[6], "division by zero"},
		{"null", fuzzBodies[7], "NULL pointer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(fuzzJIT, "BODY\n", tc.body+"\n", 1)
			_, err := compileSrc(t, "fuzz.c", []byte(src)).NewMachine(fuzzLimits).Run(fuzzConfig())
			var re *RuntimeError
			if !errors.As(err, &re) || !strings.Contains(re.Msg, tc.want) || re.Line == 0 {
				t.Fatalf("got %v, want a RuntimeError with a line about %q", err, tc.want)
			}
		})
	}
	t.Run("plain body runs", func(t *testing.T) {
		src := strings.Replace(fuzzJIT, "BODY\n", fuzzBodies[1]+"\n", 1)
		res, err := compileSrc(t, "fuzz.c", []byte(src)).NewMachine(fuzzLimits).Run(fuzzConfig())
		if err != nil {
			t.Fatal(err)
		}
		// Three 6-byte stores and a 2-byte br.
		if got, want := res.Ret, 3*6+2; got != want {
			t.Errorf("got %d bytes, want %d", got, want)
		}
	})
}
