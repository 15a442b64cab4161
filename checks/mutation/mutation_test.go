package mutation_test

import (
	"runtime/debug"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/checks/asmcomment"
	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/emitmacro"
	"github.com/trampcheck/trampcheck/checks/fieldoverflow"
	mutationpkg "github.com/trampcheck/trampcheck/checks/mutation"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// mutation is a one-line edit of the real file: in the first line that
// contains Line at or after the first line containing After (the start of
// the file when After is empty), replace Old by New.
type mutation struct {
	Name  string
	Check string // the analyzer that must report it
	After string
	Line  string
	Old   string
	New   string
}

// apply returns src with m applied (mutation.Edit).
func apply(src []byte, m mutation) ([]byte, error) {
	out, _, err := mutationpkg.At(m.Name, m.After, m.Line, m.Old, m.New).Apply(src)
	return out, err
}

// comment class: the EMIT call changes, its comment does not (or the
// other way round).
var commentMutations = []mutation{
	{"stg becomes lg", "asmcomment", "/* stg %r2,retval_off(%r15) */", "EMIT6_DISP_LH(", "0x0024", "0x0004"},
	{"ltg becomes lg", "asmcomment", "/* ltg %r0,retval_off(%r15) */", "EMIT6_DISP_LH(", "0x0002", "0x0004"},
	{"lmg becomes stmg", "asmcomment", "/* lmg %r7,%r8,r7_r8_off(%r15) */", "EMIT6_DISP_LH(", "0x0004", "0x0024"},
	{"lgr becomes ltgr", "asmcomment", "/* lgr %r3,%r7 */", "EMIT4(", "0xb9040000", "0xb9020000"},
	{"xc becomes mvc", "asmcomment", "/* xc retval_off(8,%r15),retval_off(%r15) */", "_EMIT6(", "0xd707f000", "0xd207f000"},
	{"llihf becomes llilf", "asmcomment", "/* llihf %dst_reg,val_hi */", "EMIT6_IMM(", "0xc00e0000", "0xc00f0000"},
	{"br %r1 becomes br %r14", "asmcomment", "/* br %r1 */", "_EMIT2(", "0x07f1", "0x07fe"},
	{"llgc becomes llgh", "asmcomment", "/* llgc %dst,off(%src,%arena) */", "EMIT6_DISP_LH(", "0x0090", "0x0091"},
	{"stg of r14 stores r1", "asmcomment", "/* stg %r14,r14_off(%r15) */", "EMIT6_DISP_LH(", "REG_14", "REG_1"},
	{"stmg r7-r8 becomes r7-r7", "asmcomment", "/* stmg %r7,%r8,r7_r8_off(%r15) */", "EMIT6_DISP_LH(", "REG_8", "REG_7"},
	{"ltgr operands swapped", "asmcomment", "/* ltgr %r7,%r2 */", "EMIT4(", "REG_7, REG_2", "REG_2, REG_7"},
	{"la run_ctx base r1", "asmcomment", "/* la %r3,run_ctx_off(%r15) */", "EMIT4_DISP(", "REG_15", "REG_1"},
	{"la bpf_args into r3", "asmcomment", "/* la %r2,bpf_args_off(%r15) */", "EMIT4_DISP(", "REG_2", "REG_3"},
	{"lghi nr_bpf_args into r1", "asmcomment", "/* lghi %r0,nr_bpf_args */", "EMIT4_IMM(", "REG_0", "REG_1"},
	{"lgr r1,r8 under if reads r7", "asmcomment", "if (!(flags & BPF_TRAMP_F_SKIP_FRAME))", "EMIT4(", "REG_8", "REG_7"},
	{"lg r14 from retval_off", "asmcomment", "/* lg %r14,r14_off(%r15) */", "EMIT6_DISP_LH(", "tjit->r14_off", "tjit->retval_off"},
	{"stg ip to arg_cnt_off", "asmcomment", "/* stg %r0,ip_off(%r15) */", "tjit->ip_off", "ip_off", "arg_cnt_off"},
	{"mvc from retval_off", "asmcomment", "/* mvc tail_call_cnt(4,%r15),tccnt_off(%r15) */", "0xf000 | tjit->", "tccnt_off", "retval_off"},
	{"stg arg to a local", "asmcomment", "/* stg %arg,bpf_arg_off(%r15) */", "REG_0, REG_15, bpf_arg_off", "bpf_arg_off", "arg"},
	{"aghi loses its minus", "asmcomment", "/* aghi %r15,-stack_size */", "EMIT4_IMM(", "-tjit->stack_size", "tjit->stack_size"},
	{"brcl 7 becomes brcl 8", "asmcomment", "/* brcl 7,do_fexit */", "EMIT6_PCREL_RILC(", ", 7,", ", 8,"},
	{"brcl 0 nop becomes brcl 15", "asmcomment", "/* brcl 0,im->ip_epilogue */", "EMIT6_PCREL_RILC(", "0xc0040000, 0", "0xc0040000, 15"},
	{"brc 4 becomes brc 8", "asmcomment", "/* brc 4,0b */", "EMIT4_PCREL_RIC(", "0xa7040000, 4", "0xa7040000, 8"},
	{"brcl thunk mask 7", "asmcomment", "/* brcl 0xf,__s390_indirect_jump_r1 */", "EMIT6_PCREL_RILC(", "0xf", "0x7"},
	{"mvc 8 becomes 16", "asmcomment", "/* mvc bpf_arg_off(8,%r15),arg(%r15) */", "_EMIT6(", "0xd207f000", "0xd20ff000"},
	{"mvc tccnt 4 becomes 8", "asmcomment", "/* mvc tccnt_off(4,%r15),stack_size+tail_call_cnt(%r15) */", "_EMIT6(", "0xd203f000", "0xd207f000"},
	{"mvc 16 becomes 8", "asmcomment", "/* mvc bpf_arg_off(16,%r15),0(%r1) */", "_EMIT6(", "0xd20ff000", "0xd207f000"},
	{"exrl target .+12", "asmcomment", "/* exrl %r0,.+10 */", "EMIT6_PCREL_RIL(", "jit->prg + 10", "jit->prg + 12"},
	{"lgr dst,src swapped", "asmcomment", "/* lgr %dst,%src */", "EMIT4(", "dst_reg, src_reg", "src_reg, dst_reg"},
	{"lmg reg_args under if becomes stmg", "asmcomment", "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)", "EMIT6_DISP_LH(", "0x0004", "0x0024"},
	{"cookie stored to run_ctx_off", "asmcomment", "/* stg %r0,cookie_off(%r15) */", "EMIT6_DISP_LH(", "cookie_off);", "tjit->run_ctx_off);"},
	{"mvc source tail_call_cnt becomes r6", "asmcomment", "/* mvc tccnt_off(4,%r15),stack_size+tail_call_cnt(%r15) */", "offsetof(struct prog_frame, tail_call_cnt)", "tail_call_cnt)", "r6)"},
	{"mvc stack args to orig_stack_args_off", "asmcomment", "/* mvc stack_args_off(N,%r15),orig_stack_args_off(%r15) */", "tjit->stack_args_off,", "tjit->stack_args_off", "tjit->orig_stack_args_off"},
	{"llihf loads val >> 16", "asmcomment", "/* llihf %dst_reg,val_hi */", "EMIT6_IMM(", "(val >> 32)", "(val >> 16)"},
	{"oilf into a fixed register", "asmcomment", "/* oilf %rdst_reg,val_lo */", "EMIT6_IMM(", "dst_reg, val", "REG_1, val"},
	{"oilf loads the high word", "asmcomment", "/* oilf %rdst_reg,val_lo */", "EMIT6_IMM(", "dst_reg, val)", "dst_reg, val >> 32)"},
	{"stmg args to stack_args_off", "asmcomment", "/* stmg %r2,%rN,fwd_reg_args_off(%r15) */", "tjit->reg_args_off", "reg_args_off", "stack_args_off"},
	{"mvc with a malformed comment copies 8", "asmcomment", "/* mvc tccnt_off(%r15),tail_call_cnt(4,%r15) */", "_EMIT6(", "0xd203f000", "0xd207f000"},
	{"lhgi line loads w0", "asmcomment", "/* lhgi %dst,0 */", "EMIT4_IMM(", "dst_reg", "REG_W0"},
	{"llgfr dst,dst reads src", "asmcomment", "/* llgfr %dst,%dst */", "EMIT4(", "dst_reg, dst_reg", "dst_reg, src_reg"},
	{"atomic and becomes or", "asmcomment", "/* {lan|lang} */", "EMIT_ATOMIC(", "0x00f4, 0x00e4", "0x00f6, 0x00e4"},
	{"atomic 64-bit add becomes xor", "asmcomment", "/* {laal|laalg} */", "EMIT_ATOMIC(", "0x00ea", "0x00e7"},
	{"cgr in the else branch becomes clgr", "asmcomment", "/* cr or cgr %dst,%src */", "EMIT4(", "0xb9200000", "0xb9210000"},
	{"aghi frame 8 bytes larger", "asmcomment", "/* aghi %r15,-stack_size */", "EMIT4_IMM(", "-tjit->stack_size", "-tjit->stack_size - 8"},
	{"mvc source loses stack_size", "asmcomment", "/* mvc tccnt_off(4,%r15),stack_size+tail_call_cnt(%r15) */", "0xf000 | (tjit->stack_size +", "tjit->stack_size +", ""},
	{"brcl to the wrong member", "asmcomment", "/* brcl 7,do_fexit */", "EMIT6_PCREL_RILC(", "tjit->do_fexit", "tjit->retval_off"},
	{"brcl 8,skip becomes brcl 7", "asmcomment", "/* brcl 8,skip */", "EMIT6_PCREL_RILC(", ", 8, 0", ", 7, 0"},
}

// macro class: a shift, mask or field position inside an EMIT macro.
var macroMutations = []mutation{
	{"EMIT2 registers swapped", "emitmacro", "#define EMIT2(op, b1, b2)", "_EMIT2(", "reg(b1, b2)", "reg(b2, b1)"},
	{"EMIT4 registers swapped", "emitmacro", "#define EMIT4(op, b1, b2)", "_EMIT4(", "reg(b1, b2)", "reg(b2, b1)"},
	{"EMIT4_RRF R3 shift", "emitmacro", "#define EMIT4_RRF(", "reg_high(b3)", "<< 8", "<< 4"},
	{"_EMIT4_DISP mask", "emitmacro", "#define _EMIT4_DISP(", "__disp = (disp)", "0xfff", "0xff"},
	{"EMIT4_DISP R1 shift", "emitmacro", "#define EMIT4_DISP(", "reg_high(b1) << 16", "<< 16", "<< 20"},
	{"EMIT4_DISP B2 shift", "emitmacro", "#define EMIT4_DISP(", "reg_high(b2)", "<< 8", "<< 4"},
	{"EMIT4_IMM mask", "emitmacro", "#define EMIT4_IMM(", "__imm = (imm)", "0xffff", "0xfff"},
	{"EMIT4_IMM R1 shift", "emitmacro", "#define EMIT4_IMM(", "reg_high(b1) << 16", "<< 16", "<< 12"},
	{"EMIT4_PCREL halfword shift", "emitmacro", "#define EMIT4_PCREL(", "__pcrel = ", ">> 1", ">> 2"},
	{"EMIT4_PCREL_RIC mask shift", "emitmacro", "#define EMIT4_PCREL_RIC(", "(mask) << 20", "<< 20", "<< 16"},
	{"_EMIT6 second store offset", "emitmacro", "#define _EMIT6(", "jit->prg + 4", "+ 4", "+ 2"},
	{"_EMIT4 advance", "emitmacro", "#define _EMIT4(", "jit->prg += 4", "+= 4", "+= 2"},
	{"_EMIT2 store width", "emitmacro", "#define _EMIT2(", "*(u16 *)", "u16", "u8"},
	{"_EMIT6_DISP mask", "emitmacro", "#define _EMIT6_DISP(", "__disp = (disp)", "0xfff", "0x7ff"},
	{"_EMIT6_DISP_LH DH mask", "emitmacro", "#define _EMIT6_DISP_LH(", "__disp_h =", "0xff000", "0x7f000"},
	{"_EMIT6_DISP_LH DL mask", "emitmacro", "#define _EMIT6_DISP_LH(", "__disp_l =", "0x00fff", "0x01fff"},
	{"_EMIT6_DISP_LH DH shift", "emitmacro", "#define _EMIT6_DISP_LH(", "__disp_h >> 4", ">> 4", ">> 8"},
	{"EMIT6_DISP_LH registers shift", "emitmacro", "#define EMIT6_DISP_LH(", "reg(b1, b2) << 16", "<< 16", "<< 12"},
	{"EMIT6_DISP_LH B2 shift", "emitmacro", "#define EMIT6_DISP_LH(", "reg_high(b3) << 8", "<< 8", "<< 4"},
	{"EMIT6_PCREL_RIEB mask shift", "emitmacro", "#define EMIT6_PCREL_RIEB(", "(mask) << 12", "<< 12", "<< 8"},
	{"EMIT6_PCREL_RIEC imm shift", "emitmacro", "#define EMIT6_PCREL_RIEC(", "((imm) & 0xff) << 8", "<< 8", "<< 4"},
	{"EMIT6_PCREL_RIEC mask position", "emitmacro", "#define EMIT6_PCREL_RIEC(", "(reg_high(b1) | (mask)) << 16", "(mask)) << 16", "(mask) << 4) << 16"},
	{"EMIT6_PCREL rel mask", "emitmacro", "#define EMIT6_PCREL(", "(rel & 0xffff)", "0xffff", "0x7fff"},
	{"EMIT6_PCREL_RILB high half", "emitmacro", "#define EMIT6_PCREL_RILB(", "rel >> 16", ">> 16", ">> 15"},
	{"EMIT6_PCREL_RIL signed rel", "emitmacro", "#define EMIT6_PCREL_RIL(", "unsigned int rel", "unsigned int rel", "int rel"},
	{"EMIT6_PCREL_RILC mask shift", "emitmacro", "#define EMIT6_PCREL_RILC(", "(mask) << 20", "<< 20", "<< 16"},
	{"_EMIT6_IMM high half", "emitmacro", "#define _EMIT6_IMM(", "__imm >> 16", ">> 16", ">> 15"},
	{"EMIT6_IMM R1 shift", "emitmacro", "#define EMIT6_IMM(", "reg_high(b1) << 16", "<< 16", "<< 12"},
	{"reg() R1 shift", "emitmacro", "static inline u32 reg(u32 dst_reg, u32 src_reg)", "reg2hex[dst_reg] << 4", "<< 4", "<< 8"},
	{"reg_high() shift", "emitmacro", "static inline u32 reg_high(u32 reg)", "reg2hex[reg] << 4", "<< 4", "<< 5"},
	{"_EMIT_CONST_U32 advance", "emitmacro", "#define _EMIT_CONST_U32(", "jit->lit32 += 4", "+= 4", "+= 8"},
	{"_EMIT_CONST_U64 store width", "emitmacro", "#define _EMIT_CONST_U64(", "*(u64 *)", "*(u64 *)", "*(u32 *)"},
	{"EMIT_CONST_U64 base", "emitmacro", "#define EMIT_CONST_U64(", "_EMIT_CONST_U64(val) - jit->base_ip", "- jit->base_ip", "- jit->prg"},
	{"EMIT4 marks b1 twice", "emitmacro", "#define EMIT4(op, b1, b2)", "REG_SET_SEEN(b2);", "b2", "b1"},
	{"EMIT6_DISP_LH forgets the base", "emitmacro", "#define EMIT6_DISP_LH(", "REG_SET_SEEN(b3);", "REG_SET_SEEN(b3);", ";"},
	{"reg_set_seen range", "emitmacro", "static inline void reg_set_seen(", "if (r1 >= 6 && r1 <= 15)", "r1 >= 6", "r1 >= 7"},
	{"EMIT_ATOMIC fetch operand swapped", "emitmacro", "#define EMIT_ATOMIC(op32, op64)", "(insn->imm & BPF_FETCH) ? src_reg : REG_W0", "src_reg : REG_W0", "REG_W0 : src_reg"},
	{"EMIT_ATOMIC bcr mask", "emitmacro", "#define EMIT_ATOMIC(op32, op64)", "_EMIT2(0x07e0);", "0x07e0", "0x07f0"},
	{"EMIT_ZERO opcode", "emitmacro", "#define EMIT_ZERO(", "EMIT4(0xb9160000", "0xb9160000", "0xb9140000"},
}

// field overflow class: the bounds that keep operands inside their fields.
var overflowMutations = []mutation{
	{"MAX_MVC_SIZE doubled", "fieldoverflow", "", "#define MAX_MVC_SIZE", "256", "512"},
	{"stack args guard off by one", "fieldoverflow", "", "if (nr_stack_args > MAX_NR_STACK_ARGS)", "MAX_NR_STACK_ARGS", "MAX_NR_STACK_ARGS + 1"},
	{"mvc length without the -1", "fieldoverflow", "/* mvc stack_args_off(N,%r15),orig_stack_args_off(%r15) */", "(nr_stack_args * sizeof(u64) - 1) << 16", " - 1)", ")"},
}

var analyzers = []*analysis.Analyzer{asmcomment.Analyzer, emitmacro.Analyzer, fieldoverflow.Analyzer}

// findings runs the checks over src and returns the findings keyed by
// check, function and message (lines shift with edits; these do not).
func findings(t *testing.T, src []byte) map[string]int {
	t.Helper()
	out, err := checktest.RunSource(ktree.JITFile, src, cparse.Options{}, analyzers...)
	if err != nil {
		t.Fatalf("checking: %v", err)
	}
	got := map[string]int{}
	for _, d := range out.Diagnostics {
		got[d.Analyzer+": "+enclosing(out.Parsed, d.Line)+": "+d.Message]++
	}
	return got
}

// killed checks src with line i (0-based) of lines replaced by ml, and
// reports whether a finding is new against base (findings of the
// unmodified file); an error is reported and counts as not run.
func killed(t *testing.T, lines []string, i int, ml string, base map[string]int) (ran, fresh bool) {
	t.Helper()
	mut := append([]string(nil), lines...)
	mut[i] = ml
	out, err := checktest.RunSource(ktree.JITFile, []byte(strings.Join(mut, "")), cparse.Options{}, analyzers...)
	if err != nil {
		t.Errorf("line %d: %q: %v", i+1, strings.TrimSpace(ml), err)
		return false, false
	}
	got := map[string]int{}
	for _, d := range out.Diagnostics {
		got[d.Analyzer+": "+enclosing(out.Parsed, d.Line)+": "+d.Message]++
	}
	for k, n := range got {
		if n > base[k] {
			return true, true
		}
	}
	return true, false
}

// requireNew runs each mutant of line i (0-based) of lines and requires
// a new finding against base for each (see killed); it returns how many
// ran.
func requireNew(t *testing.T, lines []string, i int, mutants []string, base map[string]int) int {
	t.Helper()
	n := 0
	for _, ml := range mutants {
		ran, fresh := killed(t, lines, i, ml, base)
		if !ran {
			continue
		}
		n++
		if !fresh {
			t.Errorf("line %d mutated to %q: got no new finding, want one", i+1, strings.TrimSpace(ml))
		}
	}
	return n
}

// enclosing names the function definition around line n ("" outside one;
// macro definitions are at file scope).
func enclosing(res *cparse.Result, n int) string {
	for _, f := range res.Files {
		for _, fn := range f.Funcs {
			if fn.Def && !fn.BlockScope && fn.Pos.Line <= n && n <= fn.BodyEnd {
				return fn.Name
			}
		}
	}
	return ""
}

func TestMutations(t *testing.T) {
	src := ktree.JIT(t)
	base := findings(t, src)
	all := append(append(append([]mutation(nil), commentMutations...), macroMutations...), overflowMutations...)
	if n := len(commentMutations) + len(macroMutations); n < 25 {
		t.Fatalf("got %d comment and macro mutations, want at least 25", n)
	}
	for _, m := range all {
		t.Run(m.Name, func(t *testing.T) {
			mut, err := apply(src, m)
			if err != nil {
				// The anchors are lines of the file the mutations
				// were written for; a later 6.12.y may have changed
				// one (a comment typo fixed).
				if !ktree.JITAsWritten(t) {
					t.Skipf("mutation not applicable to this release: %v", err)
				}
				t.Fatalf("applying: %v", err)
			}
			got := findings(t, mut)
			var fresh []string
			for k, n := range got {
				if n > base[k] && strings.HasPrefix(k, m.Check+": ") {
					fresh = append(fresh, k)
				}
			}
			if len(fresh) == 0 {
				t.Errorf("got no new %s finding, want one", m.Check)
			}
			for _, f := range fresh {
				t.Logf("%s", f)
			}
		})
	}
}

// TestRandomEditsNoPanic applies random one-character edits to the lines
// of the real file that the checks read most (EMIT macros, EMIT calls and
// their comments) and runs the checks: whatever the edit, they report or
// stay silent, or the front end rejects the file; they never panic.
func TestRandomEditsNoPanic(t *testing.T) {
	src := ktree.JIT(t)
	lines := strings.SplitAfter(string(src), "\n")
	var targets []int
	for i, l := range lines {
		if strings.Contains(l, "EMIT") || strings.Contains(l, "/* ") && strings.Contains(l, "%r") {
			targets = append(targets, i)
		}
	}
	const alphabet = "0123456789abcdefx|&<>()+-*/%,;{}[]\\ REGW_"
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	for k := range 80 {
		i := targets[next(len(targets))]
		l := []byte(lines[i])
		if len(l) < 2 {
			continue
		}
		pos := next(len(l) - 1)
		l[pos] = alphabet[next(len(alphabet))]
		mut := append([]string(nil), lines...)
		mut[i] = string(l)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("edit %d (line %d: %q): panic: %v\n%s", k, i+1, strings.TrimSpace(string(l)), r, debug.Stack())
				}
			}()
			_, _ = checktest.RunSource(ktree.JITFile, []byte(strings.Join(mut, "")), cparse.Options{}, analyzers...)
		}()
	}
}
