package trampxcheck

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	mut "github.com/trampcheck/trampcheck/checks/mutation"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// mutation is a one-line edit of the real file (checks/mutation.Edit,
// shared by the mutation suites).
type mutation = mut.Edit

const gen = "static int __arch_prepare_bpf_trampoline("

// mutations are realistic one-line codegen bugs of the trampoline: the
// ones trampexec's suite also runs (mut.Trampoline) and these.
var mutations = append(slices.Clone(mut.Trampoline), []mutation{
	mut.At("16-byte arg slots", gen, "nr_bpf_args += 2;", "+= 2", "+= 1"),
	mut.At("arg size bound", gen, "if (m->arg_size[i] <= 8)", "<= 8", "< 8"),
	mut.At("tail call mvc", gen, "_EMIT6(0xd203f000 | offsetof(struct prog_frame, tail_call_cnt),", "0xd203f000", "0xd207f000"),
	mut.At("ip_after_call past the nop", gen, "im->ip_after_call = jit->prg_buf + jit->prg;", "jit->prg;", "jit->prg + 6;"),
	mut.At("ip_epilogue before the call", gen, "im->ip_epilogue = jit->prg_buf + jit->prg;", "jit->prg_buf + jit->prg", "jit->prg_buf + jit->prg - 6"),
	mut.At("restore without args", gen, "if ((flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args)", "(flags & BPF_TRAMP_F_RESTORE_REGS) && nr_reg_args", "flags & BPF_TRAMP_F_RESTORE_REGS"),
	mut.At("sign extension", "static int sign_zero_extend(", "EMIT4(0xb9060000, r, r);", "0xb9060000", "0xb9840000"),
	mut.At("EMIT6_DISP_LH base field", "#define EMIT6_DISP_LH(", "reg_high(b3) << 8, op2, disp);", "<< 8", "<< 4"),
}...)

// TestMutations checks that every mutation gives at least one finding and
// that a finding names the mutated line.
func TestMutations(t *testing.T) {
	src := ktree.JIT(t)
	cfgs := tramp.Covering()
	if len(mutations) < 25 {
		t.Fatalf("got %d mutations, want at least 25", len(mutations))
	}
	for _, mu := range mutations {
		t.Run(mu.Name, func(t *testing.T) {
			msrc, line, err := mu.Apply(src)
			if err != nil {
				// The lines mutated are those of the file the
				// mutations were written for; a later 6.12.y may
				// have changed one.
				if !ktree.JITAsWritten(t) {
					t.Skipf("mutation not applicable to this release: %v", err)
				}
				t.Fatal(err)
			}
			f := jittest.ParseSrc(t, msrc)
			findings, sum, err := Check(f, cfgs, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) == 0 {
				t.Fatalf("line %d %q -> %q: got no findings over %d configurations, want at least one", line, mu.Old, mu.New, sum.Configs)
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
	f := jittest.Parse(t)
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
// CheckN find separately, and CheckRuns (the analyzer's, over trampgen's
// runs) what CheckN finds, on the real file against mutants of it: the
// same changed configurations, first difference and common features, and
// the same findings; and no change of the real file against itself.
func TestCheckDiffN(t *testing.T) {
	src := ktree.JIT(t)
	base := jittest.ParseSrc(t, src)
	bprog, err := interp.Compile(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	cov := tramp.Covering()
	cfg := func(i int) tramp.Config { return cov[i] }
	for _, mu := range append([]mutation{{Name: "none"}}, mutations[:8]...) {
		msrc := src
		if mu.Line != "" {
			if msrc, _, err = mu.Apply(src); err != nil {
				t.Fatal(err)
			}
		}
		f := jittest.ParseSrc(t, msrc)
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
		rs, err := trampgen.Generate(f, nil, cov, 0)
		if err != nil {
			t.Fatal(err)
		}
		runF, runS, err := CheckRuns(rs, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(runF) != fmt.Sprint(wantF) || runS != wantS {
			t.Errorf("%s: CheckRuns over trampgen's runs gives %+v, %+v; CheckN gives %+v, %+v", mu.Name, runS, runF, wantS, wantF)
		}
		if fmt.Sprint(gotD) != fmt.Sprint(wantD) || fmt.Sprint(gotF) != fmt.Sprint(wantF) || gotS != wantS {
			t.Errorf("%s: CheckDiffN gives %+v, %+v, %+v; Diff and CheckN give %+v, %+v, %+v", mu.Name, gotD, gotS, gotF, wantD, wantS, wantF)
		}
		if changed := gotD.Changed > 0; changed != (mu.Line != "") {
			t.Errorf("%s: %d configurations changed", mu.Name, gotD.Changed)
		}
	}
}
