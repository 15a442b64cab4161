package trampxcheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// generatorFuncs are the functions of the real file that only the
// trampoline generator runs; TestCoveringStrength mutates their lines.
var generatorFuncs = []string{
	"__arch_prepare_bpf_trampoline", "invoke_bpf_prog", "invoke_bpf", "alloc_stack", "sign_zero_extend",
}

var (
	decimalRE = regexp.MustCompile(`\b([0-9]+)\b`)
	regArgRE  = regexp.MustCompile(`\bREG_([0-9]+)\b`)
	flagRE    = regexp.MustCompile(`\bBPF_TRAMP_F_[A-Z_]+\b`)
	memberRE  = regexp.MustCompile(`tjit->([a-z0-9_]+)`)
	// frameMembers are the frame offsets of struct bpf_tramp_jit.
	frameMembers = []string{
		"stack_size", "backchain_off", "stack_args_off", "reg_args_off", "ip_off", "arg_cnt_off",
		"bpf_args_off", "retval_off", "r7_r8_off", "run_ctx_off", "tccnt_off", "r14_off",
	}
	trampFlag = []string{
		"BPF_TRAMP_F_RESTORE_REGS", "BPF_TRAMP_F_CALL_ORIG", "BPF_TRAMP_F_SKIP_FRAME", "BPF_TRAMP_F_IP_ARG",
		"BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_ORIG_STACK", "BPF_TRAMP_F_INDIRECT",
	}
)

// operatorMutants returns mechanical mutants of a line of C code
// (comments are not passed in): each relational, arithmetic and logical
// operator swapped for its usual slip, each decimal constant off by one,
// each register, frame member and trampoline flag replaced by the next
// one, and a one-line statement left out.
func operatorMutants(code string) []string {
	var out []string
	swap := func(old, new string) {
		for i := 0; ; {
			j := strings.Index(code[i:], old)
			if j < 0 {
				return
			}
			j += i
			out = append(out, code[:j]+new+code[j+len(old):])
			i = j + len(old)
		}
	}
	for _, p := range [][2]string{
		{" < ", " <= "},
		{" <= ", " < "},
		{" > ", " >= "},
		{" >= ", " > "},
		{" == ", " != "},
		{" != ", " == "},
		{" + ", " - "},
		{" - ", " + "},
		{" && ", " || "},
		{" || ", " && "},
		{"!(", "("},
	} {
		swap(p[0], p[1])
	}
	for _, m := range decimalRE.FindAllStringSubmatchIndex(code, -1) {
		v, err := strconv.Atoi(code[m[2]:m[3]])
		if err != nil || (m[2] > 0 && (code[m[2]-1] == '_' || code[m[2]-1] == 'x')) {
			continue
		}
		out = append(out, code[:m[2]]+strconv.Itoa(v+1)+code[m[3]:])
	}
	for _, m := range regArgRE.FindAllStringSubmatchIndex(code, -1) {
		v, _ := strconv.Atoi(code[m[2]:m[3]])
		out = append(out, code[:m[2]]+strconv.Itoa((v+1)%16)+code[m[3]:])
	}
	for _, m := range memberRE.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		for k, mem := range frameMembers {
			if mem == name {
				out = append(out, code[:m[2]]+frameMembers[(k+1)%len(frameMembers)]+code[m[3]:])
			}
		}
	}
	// A whole statement left out: a line that is one complete call or
	// assignment.
	if t := strings.TrimSpace(code); strings.HasSuffix(t, ");") || (strings.Contains(t, " = ") && strings.HasSuffix(t, ";")) {
		if strings.Count(t, "(") == strings.Count(t, ")") && !strings.HasPrefix(t, "return") && !strings.Contains(t, "int ") && !strings.Contains(t, "u32 ") && !strings.Contains(t, "u64 ") {
			out = append(out, code[:strings.Index(code, t)]+";"+strings.Repeat(" ", len(t)-1))
		}
	}
	for _, m := range flagRE.FindAllStringIndex(code, -1) {
		for k, fl := range trampFlag {
			if fl == code[m[0]:m[1]] {
				out = append(out, code[:m[0]]+trampFlag[(k+1)%len(trampFlag)]+code[m[1]:])
			}
		}
	}
	return out
}

// TestCoveringStrength measures the covering set that trampcheck check
// runs against points spread over the whole matrix: every mechanical
// mutant of the generator's lines (operatorMutants) that some of 3,000
// matrix points tell from the reference must also be told apart by the
// covering set. Mutants no point kills are counted (most are equivalent:
// a changed bound that no configuration reaches, a register the code does
// not depend on) and logged with -v.
func TestCoveringStrength(t *testing.T) {
	if testing.Short() {
		t.Skip("mutant sweep: not with -short")
	}
	src := ktree.JIT(t)
	f := jittest.ParseSrc(t, src)
	lines := strings.SplitAfter(string(src), "\n")
	type span struct{ lo, hi int }
	var spans []span
	for _, fn := range f.Funcs {
		for _, g := range generatorFuncs {
			if fn.Def && fn.Name == g {
				spans = append(spans, span{fn.BodyStart, fn.BodyEnd})
			}
		}
	}
	if len(spans) < 4 {
		t.Fatalf("found %d of the generator's functions, want at least 4", len(spans))
	}
	cov := tramp.Covering()
	m := tramp.Matrix()
	const samples = 3000
	step := m.Len() / samples
	sample := func(i int) tramp.Config { return m.Config(m.Point(i*step + i%step)) }
	var total, compiled, byCovering, bySample, none int
	inComment := false
	for _, sp := range spans {
		for ln := sp.lo + 1; ln < sp.hi; ln++ {
			l := lines[ln-1]
			code := l
			// Leave comments alone: mutate only code before any comment.
			if inComment {
				if k := strings.Index(code, "*/"); k >= 0 {
					inComment = false
				}
				continue
			}
			if k := strings.Index(code, "/*"); k >= 0 {
				if !strings.Contains(code[k:], "*/") {
					inComment = true
				}
				code = code[:k]
			}
			if k := strings.Index(code, "//"); k >= 0 {
				code = code[:k]
			}
			rest := l[len(code):]
			for _, mc := range operatorMutants(code) {
				total++
				lines[ln-1] = mc + rest
				msrc := []byte(strings.Join(lines, ""))
				lines[ln-1] = l
				mf, err := cparse.Parse(ktree.JITFile, msrc, cparse.Options{})
				if err != nil {
					continue
				}
				prog, err := interp.Compile(mf, nil)
				if err != nil {
					continue
				}
				compiled++
				_, s, err := CheckProgram(mf, prog, cov, 0)
				if err != nil {
					t.Fatalf("line %d %q: %v", ln, mc, err)
				}
				if s.Divergences > 0 {
					byCovering++
					continue
				}
				_, s, err = CheckN(mf, prog, samples, sample, 0)
				if err != nil {
					t.Fatalf("line %d %q: %v", ln, mc, err)
				}
				if s.Divergences > 0 {
					bySample++
					t.Errorf("line %d: %q -> %q: %d of %d matrix points diverge, none of the %d covering configurations",
						ln, strings.TrimSpace(l), strings.TrimSpace(mc), s.Divergences, samples, len(cov))
					continue
				}
				none++
				t.Logf("line %d: %q -> %q: no point diverges", ln, strings.TrimSpace(l), strings.TrimSpace(mc))
			}
		}
	}
	if compiled < 250 {
		t.Errorf("got %d compiled mutants of %d, want at least 250", compiled, total)
	}
	fmt.Printf("covering strength: %d mutants, %d compiled; covering set kills %d, only the matrix sample %d, neither %d\n",
		total, compiled, byCovering, bySample, none)
}
