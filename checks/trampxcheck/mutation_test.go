package trampxcheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// mutation is a one-line edit of the real file: in the first line that
// contains Line, at or after the first line that contains After, replace
// Old by New.
type mutation struct {
	name  string
	after string
	line  string
	old   string
	new   string
}

// apply returns the mutated source and the 1-based line it changed.
func (mu mutation) apply(src []byte) ([]byte, int, error) {
	lines := strings.SplitAfter(string(src), "\n")
	start := 0
	if mu.after != "" {
		start = -1
		for i, l := range lines {
			if strings.Contains(l, mu.after) {
				start = i
				break
			}
		}
		if start < 0 {
			return nil, 0, fmt.Errorf("no line contains %q", mu.after)
		}
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], mu.line) {
			if !strings.Contains(lines[i], mu.old) {
				return nil, 0, fmt.Errorf("line %d %q does not contain %q", i+1, lines[i], mu.old)
			}
			lines[i] = strings.Replace(lines[i], mu.old, mu.new, 1)
			return []byte(strings.Join(lines, "")), i + 1, nil
		}
	}
	return nil, 0, fmt.Errorf("no line contains %q", mu.line)
}

const gen = "static int __arch_prepare_bpf_trampoline("

// mutations are realistic one-line codegen bugs of the trampoline.
var mutations = []mutation{
	{"aghi sign", gen, "EMIT4_IMM(0xa70b0000, REG_15, -tjit->stack_size)", "-tjit->stack_size", "tjit->stack_size"},
	{"backchain slot", gen, "tjit->backchain_off = ", "sizeof(u64)", "2 * sizeof(u64)"},
	{"ip slot size", gen, "tjit->ip_off = alloc_stack", "sizeof(u64)", "2 * sizeof(u64)"},
	{"16-byte arg slots", gen, "nr_bpf_args += 2;", "+= 2", "+= 1"},
	{"arg size bound", gen, "if (m->arg_size[i] <= 8)", "<= 8", "< 8"},
	{"arg count value", gen, "EMIT4_IMM(0xa7090000, REG_0, nr_bpf_args);", "nr_bpf_args", "m->nr_args"},
	{"stmg end register", gen, "REG_2 + (nr_reg_args - 1), REG_15,", "(nr_reg_args - 1)", "nr_reg_args"},
	{"arg register", gen, "arg = REG_2 + i;", "REG_2", "REG_3"},
	{"stack arg offset", gen, "(i - MAX_NR_REG_ARGS) * sizeof(u64);", "(i - MAX_NR_REG_ARGS)", "(i - MAX_NR_REG_ARGS + 1)"},
	{"mvc length 8", gen, "_EMIT6(0xd207f000 | bpf_arg_off,", "0xd207f000", "0xd203f000"},
	{"mvc length 16", gen, "_EMIT6(0xd20ff000 | bpf_arg_off,", "0xd20ff000", "0xd207f000"},
	{"stmg r7-r8", gen, "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,", "REG_8", "REG_7"},
	{"stg r14 opcode", gen, "REG_14, REG_0, REG_15, tjit->r14_off);", "0x0024", "0x0004"},
	{"return address", gen, "load_imm64(jit, REG_8, (u64)func_addr + S390X_PATCH_SIZE);", " + S390X_PATCH_SIZE", ""},
	{"ip flag", gen, "if (flags & BPF_TRAMP_F_IP_ARG) {", "BPF_TRAMP_F_IP_ARG", "BPF_TRAMP_F_CALL_ORIG"},
	{"enter argument", gen, "load_imm64(jit, REG_2, (u64)im);", "REG_2", "REG_3"},
	{"fentry save_ret", gen, "flags & BPF_TRAMP_F_RET_FENTRY_RET))", "BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_CALL_ORIG"},
	{"xc length", gen, "_EMIT6(0xd707f000 | tjit->retval_off,", "0xd707f000", "0xd703f000"},
	{"fmod_ret mask", gen, "EMIT6_PCREL_RILC(0xc0040000, 7, tjit->do_fexit);", ", 7,", ", 8,"},
	{"tail call mvc", gen, "_EMIT6(0xd203f000 | offsetof(struct prog_frame, tail_call_cnt),", "0xd203f000", "0xd207f000"},
	{"orig call register", gen, "EMIT4(0xb9040000, REG_1, REG_8);", "REG_8", "REG_7"},
	{"epilogue nop mask", gen, "EMIT6_PCREL_RILC(0xc0040000, 0, (u64)im->ip_epilogue);", ", 0,", ", 15,"},
	{"ip_after_call past the nop", gen, "im->ip_after_call = jit->prg_buf + jit->prg;", "jit->prg;", "jit->prg + 6;"},
	{"ip_epilogue before the call", gen, "im->ip_epilogue = jit->prg_buf + jit->prg;", "jit->prg_buf + jit->prg", "jit->prg_buf + jit->prg - 6"},
	{"restore without args", gen, "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)", "(flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args", "flags & BPF_TRAMP_F_RESTORE_REGS"},
	{"skip frame test", gen, "if (!(flags & BPF_TRAMP_F_SKIP_FRAME))", "!(flags & BPF_TRAMP_F_SKIP_FRAME)", "(flags & BPF_TRAMP_F_SKIP_FRAME)"},
	{"retval reload", gen, "if (flags & (BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_RET_FENTRY_RET))", " | BPF_TRAMP_F_RET_FENTRY_RET", ""},
	{"frame release", gen, "EMIT4_IMM(0xa70b0000, REG_15, tjit->stack_size);", "tjit->stack_size)", "tjit->stack_size + 8)"},
	{"return register", "if (flags & BPF_TRAMP_F_SKIP_FRAME)\n", "_EMIT2(0x07fe);", "0x07fe", "0x07f1"},
	{"run_ctx register", "static int invoke_bpf_prog(", "EMIT4_DISP(0x41000000, REG_3, REG_15, tjit->run_ctx_off);", "REG_3", "REG_4"},
	{"skip patch shift", "static int invoke_bpf_prog(", "*(u32 *)&jit->prg_buf[patch + 2]", ">> 1", ">> 2"},
	{"insnsi test", "static int invoke_bpf_prog(", "if (!p->jited)", "!p->jited", "p->jited"},
	{"cookie member", "static int invoke_bpf_prog(", "offsetof(struct bpf_tramp_run_ctx, bpf_cookie);", "bpf_cookie", "saved_run_ctx"},
	{"sign extension", "static int sign_zero_extend(", "EMIT4(0xb9060000, r, r);", "0xb9060000", "0xb9840000"},
	{"high half", "static void load_imm64(", "EMIT6_IMM(0xc00e0000, dst_reg, (val >> 32));", ">> 32", ">> 31"},
	{"basr register", "static void call_r1(", "EMIT2(0x0d00, REG_14, REG_1);", "REG_1)", "REG_2)"},
	{"expoline target", "static void emit_expoline(", "EMIT6_PCREL_RIL(0xc6000000, jit->prg + 10);", "+ 10", "+ 12"},
	{"EMIT6_DISP_LH base field", "#define EMIT6_DISP_LH(", "reg_high(b3) << 8, op2, disp);", "<< 8", "<< 4"},
	{"caller area reuse", gen, "tjit->stack_size -= STACK_FRAME_OVERHEAD - sizeof(u64);", " - sizeof(u64)", ""},
}

// TestMutations checks that every mutation gives at least one finding and
// that a finding names the mutated line.
func TestMutations(t *testing.T) {
	src := ktree.JIT(t)
	cfgs := tramp.Covering()
	if len(mutations) < 25 {
		t.Fatalf("got %d mutations, want at least 25", len(mutations))
	}
	for _, mu := range mutations {
		t.Run(mu.name, func(t *testing.T) {
			msrc, line, err := mu.apply(src)
			if err != nil {
				// The lines mutated are those of the file the
				// mutations were written for; a later 6.12.y may
				// have changed one.
				if !ktree.JITAsWritten(t) {
					t.Skipf("mutation not applicable to this release: %v", err)
				}
				t.Fatal(err)
			}
			f, err := cparse.Parse(ktree.JITFile, msrc, cparse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			findings, sum, err := Check(f, cfgs, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) == 0 {
				t.Fatalf("line %d %q -> %q: got no findings over %d configurations, want at least one", line, mu.old, mu.new, sum.Configs)
			}
			named := false
			for _, fd := range findings {
				t.Logf("%d: %s", fd.Line, fd.Message)
				if fd.Line == line || names(fd.Message, line) || macroSpans(f, fd.Message, line) {
					named = true
				}
			}
			if !named {
				var got []string
				for _, fd := range findings {
					got = append(got, fmt.Sprintf("%d: %s", fd.Line, fd.Message))
				}
				t.Errorf("mutated line %d: got findings\n%s\nwant one naming line %d", line, strings.Join(got, "\n"), line)
			}
		})
	}
}

var lineRef = regexp.MustCompile(`\blines? (\d+)(?:-(\d+))?`)

// names reports whether msg names line, alone or in a range "lines a-b".
func names(msg string, line int) bool {
	for _, m := range lineRef.FindAllStringSubmatch(msg, -1) {
		lo, _ := strconv.Atoi(m[1])
		hi := lo
		if m[2] != "" {
			hi, _ = strconv.Atoi(m[2])
		}
		if lo <= line && line <= hi {
			return true
		}
	}
	return false
}

// macroSpans reports whether msg names a macro whose definition spans line.
func macroSpans(f *cparse.File, msg string, line int) bool {
	for _, m := range f.Macros {
		if m.Pos.Line <= line && line <= m.EndLine && strings.Contains(msg, fmt.Sprintf("lines %d-%d", m.Pos.Line, m.EndLine)) {
			return true
		}
	}
	return false
}

// TestRealFileClean checks that the unmodified file gives no finding.
func TestRealFileClean(t *testing.T) {
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(t), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	findings, sum, err := Check(f, tramp.Covering(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range findings {
		t.Errorf("line %d: %s", fd.Line, fd.Message)
	}
	if sum.Configs != len(tramp.Covering()) || sum.Divergences != 0 {
		t.Errorf("got %+v, want %d configurations and no divergence", sum, len(tramp.Covering()))
	}
}

// TestCheckDiffN checks that the one-pass CheckDiffN finds what Diff and
// CheckN find separately, on the real file against mutants of it: the
// same changed configurations, first difference and common features, and
// the same findings; and no change of the real file against itself.
func TestCheckDiffN(t *testing.T) {
	src := ktree.JIT(t)
	base, err := cparse.Parse(ktree.JITFile, src, cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bprog, err := interp.Compile(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	cov := tramp.Covering()
	cfg := func(i int) tramp.Config { return cov[i] }
	for _, mu := range append([]mutation{{name: "none"}}, mutations[:8]...) {
		msrc := src
		if mu.line != "" {
			if msrc, _, err = mu.apply(src); err != nil {
				t.Fatal(err)
			}
		}
		f, err := cparse.Parse(ktree.JITFile, msrc, cparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		prog, err := interp.Compile(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantD, err := Diff(bprog, prog, len(cov), cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantF, wantS, err := CheckN(f, prog, len(cov), cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		gotF, gotS, gotD, err := CheckDiffN(f, bprog, prog, len(cov), cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(gotD) != fmt.Sprint(wantD) || fmt.Sprint(gotF) != fmt.Sprint(wantF) || gotS != wantS {
			t.Errorf("%s: CheckDiffN gives %+v, %+v, %+v; Diff and CheckN give %+v, %+v, %+v", mu.name, gotD, gotS, gotF, wantD, wantS, wantF)
		}
		if changed := gotD.Changed > 0; changed != (mu.line != "") {
			t.Errorf("%s: %d configurations changed", mu.name, gotD.Changed)
		}
	}
}
