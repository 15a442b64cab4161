package mutation_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// trampolineFuncs are the functions of the trampoline generator.
var trampolineFuncs = map[string]bool{"__arch_prepare_bpf_trampoline": true, "invoke_bpf_prog": true, "load_imm64": true}

// tjitMembers are the frame offsets of struct bpf_tramp_jit that EMIT calls
// of the trampoline use as displacements.
var tjitMembers = []string{
	"retval_off", "r14_off", "r7_r8_off", "run_ctx_off", "bpf_args_off", "reg_args_off", "stack_args_off",
	"ip_off", "arg_cnt_off", "tccnt_off", "backchain_off", "stack_size", "orig_stack_args_off",
}

// regNames are register arguments; REG_W0/REG_0 and REG_W1/REG_1 name the
// same register, so a replacement never goes between them.
var regNames = []string{"REG_0", "REG_1", "REG_2", "REG_3", "REG_4", "REG_7", "REG_8", "REG_14", "REG_15"}

const hexDigits = "0123456789abcdef"

var (
	hexRE = regexp.MustCompile(`0x[0-9a-f]{4,8}`)
	regRE = map[string]*regexp.Regexp{}
)

func init() {
	for _, r := range append(regNames, "REG_W0", "REG_W1") {
		regRE[r] = regexp.MustCompile(`\b` + r + `\b`)
	}
}

// generate returns the mutants of one source line of an EMIT call: every
// tjit member swapped for another, every register for another, every
// opcode constant with one bit of its last non-trivial nibble flipped.
func generate(l string) []string {
	var out []string
	for _, m := range tjitMembers {
		if strings.Contains(l, "tjit->"+m+")") || strings.Contains(l, "tjit->"+m+",") {
			for _, m2 := range tjitMembers {
				if m2 != m && !strings.Contains(m2, m) && !strings.Contains(m, m2) {
					out = append(out, strings.Replace(l, "tjit->"+m, "tjit->"+m2, 1))
					break
				}
			}
		}
	}
	same := map[string]string{"REG_W0": "REG_0", "REG_W1": "REG_1"}
	for _, r := range append(regNames, "REG_W0", "REG_W1") {
		if !regRE[r].MatchString(l) {
			continue
		}
		for _, r2 := range regNames {
			if r2 != r && r2 != same[r] && same[r2] != r {
				out = append(out, regRE[r].ReplaceAllLiteralString(l, r2))
				break
			}
		}
	}
	for _, h := range hexRE.FindAllString(l, -1) {
		b := []byte(h)
		for k := 2; k < len(b); k++ {
			if b[k] != '0' && b[k] != 'f' {
				v := strings.IndexByte(hexDigits, b[k]) ^ 1
				b[k] = hexDigits[v]
				break
			}
		}
		out = append(out, strings.Replace(l, h, string(b), 1))
	}
	return out
}

// TestGeneratedTrampolineMutations applies generated one-line bugs to every
// EMIT call of the trampoline generator (the first two lines of each call)
// and requires a new finding for each. Skipped with -short.
func TestGeneratedTrampolineMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: about 150 runs of the checks over the real file")
	}
	src := ktree.JIT(t)
	base := findings(t, src)
	f := jittest.ParseSrc(t, src)
	lines := strings.SplitAfter(string(src), "\n")
	total := 0
	for _, e := range f.Emits {
		if !trampolineFuncs[e.Func] {
			continue
		}
		for d := range 2 {
			li := e.Pos.Line - 1 + d
			if d > 0 && !strings.HasPrefix(strings.TrimSpace(lines[li]), "tjit->") && !strings.Contains(lines[li-1], ",\n") {
				continue
			}
			mutants := slices.DeleteFunc(generate(lines[li]), func(ml string) bool { return ml == lines[li] })
			total += requireNew(t, lines, li, mutants, base)
		}
	}
	if total < 100 {
		t.Errorf("got %d generated mutants, want at least 100", total)
	}
	t.Logf("%d generated mutants of the trampoline's EMIT calls, each with a new finding", total)
}
