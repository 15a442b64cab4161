package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/internal/testtool"
	"github.com/trampcheck/trampcheck/refimpl"
)

// asmCLI runs a subcommand in-process with stdin and returns stdout,
// stderr and the exit status.
func asmCLI(stdin string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(&env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return out.String(), errb.String(), code
}

const refimplGolden = "../../testdata/refimpl/insns.golden"

// goldenInputs returns the GNU as inputs and the oracle's hex of
// testdata/refimpl/insns.golden (written by GNU as and objdump).
func goldenInputs(t *testing.T) (inputs, hexes []string) {
	t.Helper()
	data, err := os.ReadFile(refimplGolden)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		f := strings.Split(l, " | ")
		if len(f) != 4 {
			t.Fatalf("bad golden line %q", l)
		}
		hexes = append(hexes, f[1])
		inputs = append(inputs, f[2])
	}
	return inputs, hexes
}

func TestAsmGolden(t *testing.T) {
	inputs, hexes := goldenInputs(t)
	out, errOut, code := asmCLI(strings.Join(inputs, "\n")+"\n", "asm")
	if code != exitClean || errOut != "" {
		t.Fatalf("asm: exit %d, stderr %q", code, errOut)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(hexes) {
		t.Fatalf("got %d lines, want %d", len(got), len(hexes))
	}
	for i := range got {
		if got[i] != hexes[i] {
			t.Errorf("asm %q: got %s, want %s (GNU as)", inputs[i], got[i], hexes[i])
		}
	}
}

func TestAsmArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"stg %r2,160(%r15)"}, "e320f0a00024\n"},
		{[]string{"lmg %r7,%r8,208(%r15)", "brcl 7,.+36"}, "eb78f0d00004\nc07400000012\n"},
		{[]string{"exrl %r0,.+10", "j ."}, "c60000000005\na7f40000\n"},
		{[]string{"--origin", "0x100", "jg 0x100", "jg 0x100"}, "c0f400000000\nc0f4fffffffd\n"},
		{[]string{".long 0x89123456"}, "89123456\n"},
	}
	for _, tt := range tests {
		out, errOut, code := asmCLI("", append([]string{"asm"}, tt.args...)...)
		if out != tt.want || code != exitClean {
			t.Errorf("asm %q: got %q (exit %d, %s), want %q", tt.args, out, code, errOut, tt.want)
		}
	}
}

func TestAsmErrors(t *testing.T) {
	tests := []struct {
		stdin   string
		args    []string
		wantOut string
		wantErr string
	}{
		{
			"lgr %r1,%r2\nlgr %r3,%r4\nstg %r2,600000(%r15)\n", nil, "b9040012\nb9040034\n",
			`trampcheck asm: line 3: "stg %r2,600000(%r15)": displacement 600000 out of range -524288..524287` + "\n",
		},
		{
			"",
			[]string{"lgr %r1,%r2", "frob %r1"},
			"b9040012\n",
			`trampcheck asm: argument 2: "frob %r1": unknown mnemonic "frob"` + "\n",
		},
		{"la %r1,4096(%r2)\n", nil, "", `trampcheck asm: line 1: "la %r1,4096(%r2)": displacement 4096 out of range 0..4095` + "\n"},
		{"dsgr %r3,%r4\n", nil, "", `trampcheck asm: line 1: "dsgr %r3,%r4": register 3 is odd but names a register pair` + "\n"},
		{"mvc 0(257,%r1),0(%r2)\n", nil, "", `trampcheck asm: line 1: "mvc 0(257,%r1),0(%r2)": length 257 out of range 1..256` + "\n"},
		{"lhi %r1,32768\n", nil, "", `trampcheck asm: line 1: "lhi %r1,32768": immediate 32768 out of range -32768..32767` + "\n"},
		{"brc 16,.+8\n", nil, "", `trampcheck asm: line 1: "brc 16,.+8": mask 16 out of range 0..15` + "\n"},
		{"j .+65536\n", nil, "", `trampcheck asm: line 1: "j .+65536": relative offset 65536 out of range -65536..65534` + "\n"},
		{"lgr %r1\n", nil, "", `trampcheck asm: line 1: "lgr %r1": lgr takes 2 operands, got 1` + "\n"},
		{"lgr %r1,%r16\n", nil, "", `trampcheck asm: line 1: "lgr %r1,%r16": operand 2 "%r16": bad register "%r16"` + "\n"},
	}
	for _, tt := range tests {
		out, errOut, code := asmCLI(tt.stdin, append([]string{"asm"}, tt.args...)...)
		if out != tt.wantOut || errOut != tt.wantErr || code != exitError {
			t.Errorf("asm %q %q: got %q, %q, exit %d; want %q, %q, exit %d", tt.args, tt.stdin, out, errOut, code, tt.wantOut, tt.wantErr, exitError)
		}
	}
}

func TestAsmHelp(t *testing.T) {
	for _, args := range [][]string{{"asm", "--help"}, {"disasm", "--help"}, {"help", "asm"}} {
		out, _, code := asmCLI("", args...)
		if code != exitClean || !strings.HasPrefix(out, "usage: trampcheck "+args[len(args)-1]) && !strings.HasPrefix(out, "usage: trampcheck "+args[0]) {
			t.Errorf("%q: exit %d, output %q", args, code, firstLine(out))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// binutilsOrSkip returns the paths of s390x-linux-gnu-as and objdump; it
// skips without them, and fails when TRAMPCHECK_REQUIRE_KERNEL=1 (CI).
func binutilsOrSkip(t *testing.T) (as, objdump string) {
	t.Helper()
	var paths []string
	for _, name := range []string{"s390x-linux-gnu-as", "s390x-linux-gnu-objdump"} {
		paths = append(paths, testtool.Path(t, name, "binutils-s390x-linux-gnu"))
	}
	return paths[0], paths[1]
}

// assembleWithGas assembles lines with GNU as and returns objdump -d's
// output.
func assembleWithGas(t *testing.T, lines []string) string {
	t.Helper()
	as, objdump := binutilsOrSkip(t)
	dir := t.TempDir()
	src, obj := filepath.Join(dir, "x.s"), filepath.Join(dir, "x.o")
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-march=z196", "-o", obj, src).CombinedOutput(); err != nil {
		t.Fatalf("gas: %v\n%s", err, out)
	}
	dis, err := exec.Command(objdump, "-d", obj).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	return string(dis)
}

// TestAsmReadsObjdump pipes objdump -d output into asm --origin 0 and
// checks that the bytes objdump shows come back.
func TestAsmReadsObjdump(t *testing.T) {
	inputs, _ := goldenInputs(t)
	var kept, want []string
	for _, l := range strings.Split(assembleWithGas(t, inputs), "\n") {
		if strings.Contains(l, "\tnop\t") && !strings.HasSuffix(l, ")") && strings.Contains(l, "(") {
			continue // objdump's truncated "nop 16(%r2" cannot be read back
		}
		kept = append(kept, l)
		if objdumpLineRE().MatchString(l) {
			f := strings.Split(l, "\t")
			want = append(want, strings.ReplaceAll(strings.TrimSpace(f[1]), " ", ""))
		}
	}
	out, errOut, code := asmCLI(strings.Join(kept, "\n"), "asm", "--origin", "0")
	if code != exitClean {
		t.Fatalf("asm: exit %d: %s", code, errOut)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %s, want %s (objdump's bytes)", i+1, got[i], want[i])
		}
	}
}

// emitCallRE finds the EMIT macro calls of the real JIT.
var emitCallRE = regexp.MustCompile(`\b(_?EMIT(?:2|4|6)\w*|EMIT_ATOMIC)\(`)

// callArgs returns the argument text of the call whose "(" is just before
// src[start:], up to the matching ")".
func callArgs(src string, start int) string {
	depth := 1
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return src[start:i]
			}
		}
	}
	return src[start:]
}

// firstArg returns the first top-level argument of an argument list.
func firstArg(args string) string {
	depth := 0
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				return args[:i]
			}
		}
	}
	return args
}

// TestTableCoversRealJIT reads the real arch/s390/net/bpf_jit_comp.c and
// checks that every opcode literal of its EMIT calls identifies an
// instruction of the refimpl table, and that every instruction the encoding
// notes mark as emitted (JIT column) is among them or named in a comment.
func TestTableCoversRealJIT(t *testing.T) {
	src := string(ktree.JIT(t))
	op2RE := regexp.MustCompile(`\b0x00[0-9a-fA-F]{2}\b`)
	found := map[string]bool{}
	check := func(code []byte, where string) {
		in, err := refimpl.Identify(code)
		if err != nil {
			t.Errorf("%s: opcode bytes % x: %v", where, code, err)
			return
		}
		found[in.Mnemonic] = true
	}
	litRE := regexp.MustCompile(`\b0x[0-9a-fA-F]+\b`)
	calls := 0
	for _, m := range emitCallRE.FindAllStringSubmatchIndex(src, -1) {
		macro := src[m[2]:m[3]]
		eol := strings.IndexByte(src[m[0]:], '\n')
		if eol < 0 || strings.HasSuffix(strings.TrimSpace(src[m[0]:m[0]+eol]), "\\") {
			continue // inside a macro definition
		}
		line := 1 + strings.Count(src[:m[0]], "\n")
		args := callArgs(src, m[1])
		first := firstArg(args)
		if macro == "EMIT_ATOMIC" {
			first = args // EMIT_ATOMIC(op32, op64)
		}
		for _, lit := range litRE.FindAllString(first, -1) {
			where := fmt.Sprintf("%s:%d: %s(%s", ktree.JITFile, line, macro, lit)
			v, err := strconv.ParseUint(lit, 0, 64)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if v < 0x100 && macro != "EMIT_ATOMIC" {
				continue // a mask or shift count, not an opcode
			}
			calls++
			switch {
			case macro == "EMIT_ATOMIC":
				check([]byte{0xeb, 0, 0, 0, 0, byte(v)}, where)
			case v > 0xffffffff:
				// bpf_skip's EMIT6_PCREL_RIL(0xc0f4000000, ...) stores the
				// literal through a u32, which drops its top byte.
				t.Logf("%s: literal wider than 32 bits (the u32 store truncates it to %#x)", where, uint32(v))
			case strings.Contains(macro, "EMIT2"):
				check([]byte{byte(v >> 8), byte(v)}, where)
			case strings.Contains(macro, "EMIT4"):
				check([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, where)
			default: // EMIT6: OP2 in the second argument for E3, EB, EC
				w := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v), 0, 0}
				if w[0] == 0xe3 || w[0] == 0xeb || w[0] == 0xec {
					for _, l := range op2RE.FindAllString(args, -1) {
						op2, _ := strconv.ParseUint(l, 0, 16)
						w[5] = byte(op2)
						check(append([]byte(nil), w...), where)
					}
				} else {
					check(w, where)
				}
			}
		}
	}
	if calls < 100 {
		t.Fatalf("found only %d EMIT calls with opcode literals", calls)
	}
	// Instructions the encoding notes mark as emitted must show up as a
	// literal or in the GNU-syntax comments above the EMIT calls.
	commentRE := regexp.MustCompile(`/\*\s*([a-z]+)\s`)
	for _, m := range commentRE.FindAllStringSubmatch(src, -1) {
		if in, ok := refimpl.Lookup(m[1]); ok {
			found[in.Mnemonic] = true
		} else if a, ok := refimpl.LookupAlias(m[1]); ok {
			found[a.Insn.Mnemonic] = true
		}
	}
	for _, in := range refimpl.Insns() {
		if in.JIT != "" && !found[in.Mnemonic] {
			t.Errorf("%s is marked as emitted by the JIT (%s) but the real file neither emits its opcode literally nor names it", in.Mnemonic, in.JIT)
		}
	}
	t.Logf("%d EMIT calls, %d instructions seen", calls, len(found))
}

// TestAsmReadsObjdumpWithSymbols checks objdump output of an object with
// symbols, whose targets carry "<sym+off>" annotations.
func TestAsmReadsObjdumpWithSymbols(t *testing.T) {
	lines := []string{".globl f", "f:", "lgr %r1,%r2", "g:", "jg .+12", "brasl %r14,.-6", "j .", "exrl %r0,.+10", "larl %r1,.+8"}
	dis := assembleWithGas(t, lines)
	if !strings.Contains(dis, "<") {
		t.Fatalf("objdump printed no symbol annotation:\n%s", dis)
	}
	var want []string
	for _, l := range strings.Split(dis, "\n") {
		if objdumpLineRE().MatchString(l) {
			want = append(want, strings.ReplaceAll(strings.TrimSpace(strings.Split(l, "\t")[1]), " ", ""))
		}
	}
	out, errOut, code := asmCLI(dis, "asm", "--origin", "0")
	if code != exitClean {
		t.Fatalf("asm: exit %d: %s", code, errOut)
	}
	if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q (objdump's bytes)", got, want)
	}
}
