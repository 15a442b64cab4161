package abi

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/emu/internal/qemutest"
)

// TestLocateGCC checks Locate and Extend against s390x-linux-gnu-gcc: a
// generated C program calls an assembler probe, through function pointers
// of random signatures (0-12 arguments: signed and unsigned scalars of 1,
// 2, 4, 8 and 16 bytes, structures of 1 to 16 bytes), with random values; the
// probe saves %r0-%r15 and 256 bytes from the caller's %r15, and the
// program prints the argument registers, the stack slots and the bytes
// behind the by-reference arguments. It runs under qemu-s390x. Skipped
// without the tools unless TRAMPCHECK_REQUIRE_QEMU=1.
func TestLocateGCC(t *testing.T) {
	gcc := tool(t, "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu")
	qemu := tool(t, "qemu-s390x", "qemu-user")
	rnd := rand.New(rand.NewPCG(13, 1))
	const ncases = 300
	type tcase struct {
		vals []Value
		locs []Loc
	}
	cases := make([]tcase, ncases)
	var src strings.Builder
	src.WriteString(`#include <stdint.h>
#include <stdio.h>
uint64_t p_regs[16];
unsigned char p_stk[256];
void probe(void);
__asm__(".text\n.globl probe\nprobe:\n larl %r1,p_regs\n stmg %r0,%r15,0(%r1)\n"
	" larl %r1,p_stk\n mvc 0(256,%r1),0(%r15)\n br %r14\n");
static uint64_t slot(int off) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = v << 8 | p_stk[off + i]; return v; }
static void ref(int i, const unsigned char *p, int n) { printf("ref %d ", i); for (int k = 0; k < n; k++) printf("%02x", p[k]); printf("\n"); }
`)
	for n := 1; n <= 16; n++ {
		fmt.Fprintf(&src, "struct s%d { unsigned char b[%d]; };\n", n, n)
	}
	for k := range cases {
		n := rnd.IntN(13)
		vals := make([]Value, n)
		for i := range vals {
			var a Arg
			if rnd.IntN(3) == 0 {
				a = Arg{Size: 1 + rnd.IntN(16), Struct: true}
			} else {
				a = Arg{Size: []int{1, 2, 4, 8, 16}[rnd.IntN(5)], Signed: rnd.IntN(2) == 0}
			}
			b := make([]byte, a.Size)
			for j := range b {
				b[j] = byte(rnd.Uint32())
			}
			if rnd.IntN(3) == 0 {
				b[0] |= 0x80 // negative
			}
			vals[i] = Value{a, b}
		}
		cases[k] = tcase{vals, Locate(argsOf(vals))}
		var params, actuals, decls []string
		for i, v := range vals {
			if v.Struct {
				params = append(params, fmt.Sprintf("struct s%d", v.Size))
				var bs []string
				for _, c := range v.Bytes {
					bs = append(bs, fmt.Sprintf("0x%02x", c))
				}
				decls = append(decls, fmt.Sprintf("\tstruct s%d a%d = {{%s}};\n", v.Size, i, strings.Join(bs, ",")))
				actuals = append(actuals, fmt.Sprintf("a%d", i))
				continue
			}
			if v.Size == 16 {
				ty := "__int128"
				if !v.Signed {
					ty = "unsigned __int128"
				}
				params = append(params, ty)
				actuals = append(actuals, fmt.Sprintf("(%s)((unsigned __int128)0x%sULL << 64 | 0x%sULL)", ty, hex.EncodeToString(v.Bytes[:8]), hex.EncodeToString(v.Bytes[8:])))
				continue
			}
			ty := fmt.Sprintf("int%d_t", 8*v.Size)
			if !v.Signed {
				ty = "u" + ty
			}
			params = append(params, ty)
			actuals = append(actuals, fmt.Sprintf("(%s)0x%sULL", ty, hex.EncodeToString(v.Bytes)))
		}
		if len(params) == 0 {
			params = []string{"void"}
		}
		fmt.Fprintf(&src, "static void case%d(void) {\n%s\t((void (*)(%s))probe)(%s);\n", k, strings.Join(decls, ""), strings.Join(params, ", "), strings.Join(actuals, ", "))
		fmt.Fprintf(&src, "\tprintf(\"case %d\\n\");\n", k)
		fmt.Fprintf(&src, "\tfor (int r = 2; r <= 6; r++) printf(\"reg %%d %%016llx\\n\", r, (unsigned long long)p_regs[r]);\n")
		fmt.Fprintf(&src, "\tfor (int o = 160; o < %d; o += 8) printf(\"slot %%d %%016llx\\n\", o, (unsigned long long)slot(o));\n", 160+8*max(0, n-5))
		for i, l := range cases[k].locs {
			if !l.ByRef {
				continue
			}
			ptr := fmt.Sprintf("p_regs[%d]", l.Reg)
			if l.Reg == 0 {
				ptr = fmt.Sprintf("slot(%d)", l.Stack)
			}
			fmt.Fprintf(&src, "\tref(%d, (const unsigned char *)%s, %d);\n", i, ptr, vals[i].Size)
		}
		src.WriteString("}\n")
	}
	src.WriteString("int main(void) {\n")
	for k := range cases {
		fmt.Fprintf(&src, "\tcase%d();\n", k)
	}
	src.WriteString("\treturn 0;\n}\n")

	dir := t.TempDir()
	cfile, bin := filepath.Join(dir, "abi.c"), filepath.Join(dir, "abi")
	if err := os.WriteFile(cfile, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(gcc, "-static", "-O1", "-o", bin, cfile).CombinedOutput(); err != nil {
		t.Fatalf("s390x-linux-gnu-gcc: %v\n%s", err, msg)
	}
	out, err := exec.Command(qemu, bin).Output()
	if err != nil {
		t.Fatalf("qemu-s390x: %v", err)
	}

	// Parse: per case, registers, slots, referenced bytes.
	type obs struct {
		regs  [7]uint64
		slots map[int]uint64
		refs  map[int][]byte
	}
	seen := make([]*obs, ncases)
	var cur *obs
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			t.Fatalf("bad line %q", sc.Text())
		}
		a, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "case":
			cur = &obs{slots: map[int]uint64{}, refs: map[int][]byte{}}
			seen[a] = cur
		case "reg":
			cur.regs[a], _ = strconv.ParseUint(f[2], 16, 64)
		case "slot":
			cur.slots[a], _ = strconv.ParseUint(f[2], 16, 64)
		case "ref":
			b, _ := hex.DecodeString(f[2])
			cur.refs[a] = b
		}
	}
	var extendedOnStack, notExtendedOnStack int
	for k, c := range cases {
		o := seen[k]
		if o == nil {
			t.Fatalf("case %d: no output", k)
		}
		for i, v := range c.vals {
			l := c.locs[i]
			img := o.slots[l.Stack]
			if l.Reg != 0 {
				img = o.regs[l.Reg]
			}
			want := Extend(v.Arg, v.Bytes)
			mask := ^uint64(0)
			if v.Size < 8 {
				mask = 1<<(8*v.Size) - 1
			}
			switch {
			case l.ByRef:
				if got := o.refs[i]; !bytes.Equal(got, v.Bytes) {
					t.Errorf("case %d argument %d (%v) at %v: got bytes % x, want % x", k, i, v.Arg, l, got, v.Bytes)
				}
			case l.Reg != 0 && !v.Struct:
				if img != want {
					t.Errorf("case %d argument %d (%v) in %v: got %#x, want %#x (extended)", k, i, v.Arg, l, img, want)
				}
			default: // structures in registers, everything on the stack: the low bytes
				if img&mask != want&mask {
					t.Errorf("case %d argument %d (%v) at %v: got %#x, want %#x in the low %d bytes", k, i, v.Arg, l, img, want, v.Size)
				}
				if l.Reg == 0 && !v.Struct && v.Size < 8 {
					if img == want {
						extendedOnStack++
					} else {
						notExtendedOnStack++
					}
				}
			}
		}
	}
	t.Logf("%d signatures; scalars under 8 bytes on the stack: %d extended to 64 bits, %d not", ncases, extendedOnStack, notExtendedOnStack)
}

// tool returns the path of a cross tool of the GCC comparisons (see
// qemutest.Tool).
func tool(t *testing.T, name, pkg string) string { return qemutest.Tool(t, name, pkg, "GCC") }
