package trampexec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// mutation is a one-line edit of the real file: in the first line that
// contains line, at or after the first line that contains after, replace
// old by new (the pattern of checks/trampxcheck's mutation tests).
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
	start := -1
	for i, l := range lines {
		if strings.Contains(l, mu.after) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, 0, fmt.Errorf("no line contains %q", mu.after)
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

const (
	invoke  = "static int invoke_bpf_prog("
	doFexit = "tjit->do_fexit = jit->prg;"
	// epilogue is a line of the generator's epilogue (after the programs).
	epilogue = "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)"
)

// mutations are semantic one-line mutants of the trampoline code: frame
// offsets, saved registers, argument copies, return paths, program calls.
// Each changes the generated code of some covering configuration.
var mutations = []mutation{
	// Frame offsets.
	{"aghi sign", gen, "EMIT4_IMM(0xa70b0000, REG_15, -tjit->stack_size)", "-tjit->stack_size", "tjit->stack_size"},
	{"backchain slot", gen, "tjit->backchain_off = ", "sizeof(u64)", "2 * sizeof(u64)"},
	{"ip slot size", gen, "tjit->ip_off = alloc_stack", "sizeof(u64)", "2 * sizeof(u64)"},
	{"caller area reuse", gen, "tjit->stack_size -= STACK_FRAME_OVERHEAD - sizeof(u64);", " - sizeof(u64)", ""},
	{"frame release", gen, "EMIT4_IMM(0xa70b0000, REG_15, tjit->stack_size);", "tjit->stack_size)", "tjit->stack_size + 8)"},
	{"orig stack args", gen, "tjit->orig_stack_args_off = tjit->stack_size + STACK_FRAME_OVERHEAD;", "+ STACK_FRAME_OVERHEAD", "+ STACK_FRAME_OVERHEAD - 8"},
	{"tail call copy-in", gen, "0xf000 | (tjit->stack_size +", "0xf000 | (tjit->stack_size +", "0xf000 | (tjit->stack_size + 4 +"},
	{"tail call copy-out", epilogue, "_EMIT6(0xd203f000 | (tjit->stack_size +", "(tjit->stack_size +", "(tjit->stack_size + 8 +"},
	{"tail call mvc length", gen, "_EMIT6(0xd203f000 | offsetof(struct prog_frame, tail_call_cnt),", "0xd203f000", "0xd201f000"},
	// Saved registers.
	{"stmg r7-r8", gen, "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,", "REG_8", "REG_7"},
	{"lmg r7-r8", epilogue, "EMIT6_DISP_LH(0xeb000000, 0x0004, REG_7, REG_8, REG_15,", "REG_8", "REG_7"},
	{"stg r14 opcode", gen, "REG_14, REG_0, REG_15, tjit->r14_off);", "0x0024", "0x0004"},
	{"lg r14 slot", epilogue, "EMIT6_DISP_LH(0xe3000000, 0x0004, REG_14, REG_0, REG_15, tjit->r14_off);", "tjit->r14_off)", "tjit->r14_off + 8)"},
	{"backchain register", gen, "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_1, REG_0, REG_15,", "REG_1, REG_0", "REG_15, REG_0"},
	{"lgr r1,r15", gen, "EMIT4(0xb9040000, REG_1, REG_15);", "REG_1, REG_15", "REG_1, REG_14"},
	// Argument copies.
	{"16-byte arg slots", gen, "j += 2;", "+= 2", "+= 1"},
	{"arg size bound", gen, "if (m->arg_size[i] <= 8) {", "<= 8", "< 8"},
	{"stmg end register", gen, "REG_2 + (nr_reg_args - 1), REG_15,", "(nr_reg_args - 1)", "nr_reg_args"},
	{"arg register", gen, "arg = REG_2 + i;", "REG_2", "REG_3"},
	{"stack arg offset", gen, "(i - MAX_NR_REG_ARGS) * sizeof(u64);", "(i - MAX_NR_REG_ARGS)", "(i - MAX_NR_REG_ARGS + 1)"},
	{"mvc length 8", gen, "_EMIT6(0xd207f000 | bpf_arg_off,", "0xd207f000", "0xd203f000"},
	{"mvc length 16", gen, "_EMIT6(0xd20ff000 | bpf_arg_off,", "0xd20ff000", "0xd207f000"},
	{"bpf arg slot", gen, "bpf_arg_off = tjit->bpf_args_off + j * sizeof(u64);", "j * sizeof(u64)", "i * sizeof(u64)"},
	{"lmg before the call", "retval = func_addr(args);", "EMIT6_DISP_LH(0xeb000000, 0x0004, REG_2,", "0x0004", "0x0024"},
	{"orig stack arg copy", gen, "(nr_stack_args * sizeof(u64) - 1) << 16 |", "- 1) << 16", "- 9) << 16"},
	{"arg count value", gen, "EMIT4_IMM(0xa7090000, REG_0, nr_bpf_args);", "nr_bpf_args", "m->nr_args"},
	{"ip flag", gen, "if (flags & BPF_TRAMP_F_IP_ARG) {", "BPF_TRAMP_F_IP_ARG", "BPF_TRAMP_F_CALL_ORIG"},
	{"restore without args", gen, "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)", "(flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args", "(flags & BPF_TRAMP_F_SKIP_FRAME) && nr_reg_args"},
	// Return paths.
	{"return address", gen, "load_imm64(jit, REG_8, (u64)func_addr + S390X_PATCH_SIZE);", " + S390X_PATCH_SIZE", ""},
	{"orig stack r0", gen, "EMIT4(0xb9040000, REG_8, REG_0);", "REG_8, REG_0", "REG_8, REG_14"},
	{"orig call register", gen, "EMIT4(0xb9040000, REG_1, REG_8);", "REG_8", "REG_7"},
	{"skip frame test", gen, "if (!(flags & BPF_TRAMP_F_SKIP_FRAME))", "!(flags & BPF_TRAMP_F_SKIP_FRAME)", "(flags & BPF_TRAMP_F_SKIP_FRAME)"},
	{"return register", "if (flags & BPF_TRAMP_F_SKIP_FRAME)\n", "_EMIT2(0x07fe);", "0x07fe", "0x07f1"},
	{"retval reload", gen, "if (flags & (BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_RET_FENTRY_RET))", " | BPF_TRAMP_F_RET_FENTRY_RET", ""},
	{"retval store", gen, "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,", "REG_2, REG_0", "REG_3, REG_0"},
	{"xc length", gen, "_EMIT6(0xd707f000 | tjit->retval_off,", "0xd707f000", "0xd703f000"},
	{"fmod_ret mask", gen, "EMIT6_PCREL_RILC(0xc0040000, 7, tjit->do_fexit);", ", 7,", ", 8,"},
	{"epilogue nop mask", gen, "EMIT6_PCREL_RILC(0xc0040000, 0, (u64)im->ip_epilogue);", ", 0,", ", 15,"},
	// Program calls.
	{"enter argument", gen, "load_imm64(jit, REG_2, (u64)im);", "REG_2", "REG_3"},
	{"fentry save_ret", gen, "flags & BPF_TRAMP_F_RET_FENTRY_RET))", "BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_CALL_ORIG"},
	{"run_ctx register", invoke, "EMIT4_DISP(0x41000000, REG_3, REG_15, tjit->run_ctx_off);", "REG_3", "REG_4"},
	{"skip patch shift", invoke, "*(u32 *)&jit->prg_buf[patch + 2]", ">> 1", ">> 2"},
	{"insnsi test", invoke, "if (!p->jited)", "!p->jited", "p->jited"},
	{"cookie member", invoke, "offsetof(struct bpf_tramp_run_ctx, bpf_cookie);", "bpf_cookie", "saved_run_ctx"},
	{"high half", "static void load_imm64(", "EMIT6_IMM(0xc00e0000, dst_reg, (val >> 32));", ">> 32", ">> 31"},
	{"basr register", "static void call_r1(", "EMIT2(0x0d00, REG_14, REG_1);", "REG_1)", "REG_2)"},
	{"expoline target", "static void emit_expoline(", "EMIT6_PCREL_RIL(0xc6000000, jit->prg + 10);", "+ 10", "+ 12"},
}

// equivalent are the mutants trampexec does not kill, with why: one is
// equivalent, two change what abi.RunTrampoline does not check (a limit
// of the contract model, not of this check's mapping).
var equivalent = map[string]string{
	// stmg %r2,%r(2+n) instead of %r(1+n) also stores the next register
	// into the slot after the saved arguments, ip_off: with IP_ARG the
	// function's address is stored there later, without it nothing reads
	// the slot. Equivalent.
	"stmg end register": "equivalent: the extra register lands in ip_off, written later or never read",
	// Both change the return value of a trampoline with RET_FENTRY_RET
	// and without CALL_ORIG (struct_ops): the caller's %r2 is then the
	// last fentry program's result. RunTrampoline compares the caller's
	// return value only for the two kinds the BPF core makes for traced
	// functions (CALL_ORIG|SKIP_FRAME, and RESTORE_REGS), and its fentry
	// programs return 0: not equivalent, a limit of the contract model.
	"retval reload":   "not checked: the caller's %r2 with RET_FENTRY_RET (struct_ops) is outside RunTrampoline's contract",
	"fentry save_ret": "not checked: the caller's %r2 with RET_FENTRY_RET (struct_ops) is outside RunTrampoline's contract",
}

// TestMutations applies every mutation to the real file and requires
// trampexec alone to report something the unmodified file does not (a
// new rule and line, or the same at more configurations), over the
// covering set with two seeds per configuration; the equivalent ones are
// listed with why.
func TestMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run)")
	}
	src := ktree.JIT(t)
	if len(mutations)-len(equivalent) < 30 || len(equivalent) > len(mutations) {
		t.Fatalf("got %d mutations (%d equivalent), want at least 30 that are killed", len(mutations), len(equivalent))
	}
	cov := tramp.Covering()
	opt := Options{Seeds: 2}
	_, base := compile(t, src)
	before, _, err := Check(base, cov, opt)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]bool{}
	for _, fd := range before {
		for _, i := range fd.Indices {
			old[fmt.Sprint(fd.Rule, fd.Line, i)] = true
		}
	}
	seen := map[string]bool{}
	for _, mu := range mutations {
		if seen[mu.name] {
			t.Fatalf("mutation %q twice", mu.name)
		}
		seen[mu.name] = true
		t.Run(mu.name, func(t *testing.T) {
			msrc, line, err := mu.apply(src)
			if err != nil {
				if !ktree.JITAsWritten(t) {
					t.Skipf("mutation not applicable to this release: %v", err)
				}
				t.Fatal(err)
			}
			_, prog := compile(t, msrc)
			fds, sum, err := Check(prog, cov, opt)
			if err != nil {
				t.Fatal(err)
			}
			var killers []string
			for _, fd := range fds {
				if fd.Rule == RuleGenerator {
					continue // not an execution's finding
				}
				for _, i := range fd.Indices {
					if !old[fmt.Sprint(fd.Rule, fd.Line, i)] {
						killers = append(killers, fmt.Sprintf("%d: %s", fd.Line, fd.Message))
						break
					}
				}
			}
			why, eq := equivalent[mu.name]
			switch {
			case len(killers) > 0 && eq:
				t.Errorf("line %d %q -> %q: killed, but listed as equivalent (%s):\n%s", line, mu.old, mu.new, why, strings.Join(killers, "\n"))
			case len(killers) == 0 && !eq:
				t.Errorf("line %d %q -> %q: survived (%+v), want a new finding", line, mu.old, mu.new, sum)
			case len(killers) > 0:
				t.Logf("line %d: killed by %s", line, killers[0])
			}
		})
	}
}
