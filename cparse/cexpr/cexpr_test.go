package cexpr

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/internal/testtool"
)

// exprs are C integer expressions whose values the evaluator must agree on
// with a C compiler (LP64, as s390x).
var exprs = []string{
	"0xe3000000 | 2 << 20 | 15 << 12",
	"(u32)-1 >> 4",
	"-1 >> 4",
	"(int)((0u - 6u)) / 2",
	"(unsigned int)(int)(-6) / 2",
	"(unsigned int)((int)(-6) / 2) >> 16",
	"((unsigned int)((int)(-6) / 2)) & 0xffff",
	"(u16)0x12345",
	"(u8)-1 + 1",
	"(s16)0x8000",
	"(long)(-1) & 0xffff",
	"((-4096L) >> 1) & 0xffff",
	"0xc0f4000000 | 1",
	"(u32)(0xc0f4000000 | 1)",
	"0x7fffffff + 1u",
	"1 ? 0xb9160000 : 0xb9040000",
	"(0xff000 & (u32)(-524288)) >> 4",
	"(u32)(-524288) & 0x00fff",
	"-2147483647 - 1",
	"(10 > 3) + (3 >= 3) + (2 < 1) + (1 == 1) + (1 != 1)",
	"5 % 3 - -5 % 3 + -5 / 3",
	"~0u ^ 0xf0f0f0f0",
	"sizeof(u64) * 32 - 1",
	"(unsigned long)-1 >> 60",
	"!0 && 2 || 0",
	"(s8)0x80 * 2",
}

// TestEvalGCC compares the evaluator with the host C compiler.
func TestEvalGCC(t *testing.T) {
	cc := testtool.Path(t, "gcc", "gcc")
	var b strings.Builder
	b.WriteString("#include <stdio.h>\ntypedef unsigned char u8; typedef unsigned short u16; typedef unsigned int u32;\n")
	b.WriteString("typedef unsigned long long u64; typedef signed char s8; typedef short s16;\nint main(void) {\n")
	for _, e := range exprs {
		fmt.Fprintf(&b, "\tprintf(\"%%llu %%d\\n\", (unsigned long long)(%s), (int)sizeof(%s));\n", e, e)
	}
	b.WriteString("\treturn 0;\n}\n")
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "e.c"), filepath.Join(dir, "e")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-w", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v: %s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var m Machine
	for i, e := range exprs {
		f := strings.Fields(lines[i])
		want, _ := strconv.ParseUint(f[0], 10, 64)
		size, _ := strconv.Atoi(f[1])
		v, err := m.EvalText(e)
		if err != nil {
			t.Errorf("%s: got error %v, want %d", e, err, want)
			continue
		}
		if got := uint64(v.Int64()); got != want || int(v.T.Bits/8) != size {
			t.Errorf("%s: got %d (%d bytes), want %d (%d bytes, gcc)", e, got, v.T.Bits/8, want, size)
		}
	}
}

// TestMacroStores evaluates a statement-expression macro that stores
// through a casted pointer, as the EMIT macros do.
func TestMacroStores(t *testing.T) {
	m := &Machine{
		Macros: map[string]*MacroDef{
			"PUT4": {
				Name: "PUT4", Params: []string{"op"}, FnLike: true,
				Body: "({ if (jit->prg_buf) *(u32 *)(jit->prg_buf + jit->prg) = (op); jit->prg += 4; })",
			},
			"PUT4R": {
				Name: "PUT4R", Params: []string{"op", "r"}, FnLike: true,
				Body: "({ unsigned int __r = (r) & 0xf; PUT4((op) | __r << 4); })",
			},
		},
		Vars: map[string]Value{"jit->prg_buf": {Bits: BufBase, T: TUlong}, "jit->prg": Int(8)},
	}
	if _, err := m.EvalText("PUT4R(0xb9040000, 0x13)"); err != nil {
		t.Fatal(err)
	}
	if len(m.Stores) != 1 || m.Stores[0] != (Store{Off: 8, Size: 4, Val: 0xb9040030}) {
		t.Errorf("got stores %+v, want one of 0xb9040030 at 8", m.Stores)
	}
	if got := m.Vars["jit->prg"].Int64(); got != 12 {
		t.Errorf("got jit->prg %d, want 12", got)
	}
}

// TestBadFragments: malformed input gives errors, not panics.
func TestBadFragments(t *testing.T) {
	for _, s := range []string{"(", "1 +", "a ? b", "f(1,", "({ int x = ; })", "0x", "1 << 99", "1 / 0", "'", "/* x", "(u32 *)"} {
		var m Machine
		if _, err := m.EvalText(s); err == nil {
			t.Errorf("%q: got no error, want one", s)
		}
	}
}
