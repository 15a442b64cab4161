package asmcomment

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/ktree"
)

// realFindings are the findings on the unmodified Linux 6.12.117/118 file
// (ktree.JITSHA256), each a defect of the kernel source, with the reason.
// The list is pinned to that file: a later 6.12.y may fix a comment or add
// one, so on another file TestRealFile logs the differences, and
// TestRealFindingsGas still confirms every finding with GNU as.
var realFindings = []struct {
	fn, msg    string
	gasRejects bool // GNU as rejects the comment (symbols made numbers)
	why        string
}{
	{
		"bpf_skip", "comment says brcl (c0.4) but EMIT6_PCREL_RIL emits f4 (unknown opcode): opcode constant 0xc0f4000000 is wider than 32 bits", false,
		"the opcode has one 00 byte too many: EMIT6_PCREL_RIL stores op1 as a u32, so 0xc0f4000000 becomes 0xf4000000 (f4 is unassigned) " +
			"where brcl 15 (c0f4) was meant; bpf_skip takes this path only to pad more than 65534 bytes (bpf_set_addr when the final pass " +
			"shrinks the code by that much at one instruction), so the bug is latent",
	},
	{
		"bpf_skip", `comment "bcr 0,%0" is not valid assembly for bcr: operand 2 (R2) must be a register, not %0`, true,
		"%0 is no register name (gas: bad expression); the nop is bcr 0,%r0 (0700)",
	},
	{
		"bpf_jit_probe_emit_nop", `comment "bcr 0,%0" is not valid assembly for bcr`, true,
		"the same typo as in bpf_skip",
	},
	{
		"bpf_jit_insn", "comment says lhgi, which is not an s390x mnemonic, but EMIT4_IMM emits lghi (a7.9)", true,
		"typo: lhgi for lghi (gas: Unrecognized opcode); the code is right",
	},
	{
		"bpf_jit_insn", `comment "sra %dst,%dst,0(%src)" is not valid assembly for sra: sra takes 2 operands (R1,D(B2)), the comment has 3`, true,
		"sra is RS-a with two operands (R1,D2(B2)); the three-operand form was copied from the srag comment of the 64-bit case",
	},
	{
		"bpf_jit_insn", `comment "mvc frame_off+tail_call_cnt(%r15), tail_call_cnt(4,%r15)" is not valid assembly for mvc: operand 1 (D1(L,B1)) lacks its length`, true,
		"the length belongs to the first operand, mvc D1(L,B1),D2(B2) (gas: invalid length field); the code copies 4 bytes to frame_off+tail_call_cnt as meant",
	},
	{
		"__arch_prepare_bpf_trampoline", `comment "mvc tccnt_off(%r15),tail_call_cnt(4,%r15)" is not valid assembly for mvc: operand 1 (D1(L,B1)) lacks its length`, true,
		"the same misplaced length; the code copies tail_call_cnt(4,%r15) to tccnt_off(%r15) as meant",
	},
}

// TestRealFile checks that the findings on the real file are exactly the
// explained true positives (on the file they were explained for; see
// realFindings).
func TestRealFile(t *testing.T) {
	f := jittest.Parse(t)
	got := Check(f)
	report := t.Errorf
	if !ktree.JITAsWritten(t) {
		report = t.Logf
	}
	used := make([]bool, len(got))
	for _, w := range realFindings {
		found := false
		for i, g := range got {
			if !used[i] && g.Func == w.fn && strings.Contains(g.Message, w.msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			report("got no finding in %s containing %q, want one (%s)", w.fn, w.msg, w.why)
		}
	}
	for i, g := range got {
		if !used[i] {
			report("got unexplained finding %s:%d in %s: %s, want none", ktree.JITFile, g.Line, g.Func, g.Message)
		}
	}
}

var symbolRE = regexp.MustCompile(`0x[0-9a-fA-F]+|\d+|%[a-zA-Z_]\w*|[A-Za-z_][A-Za-z0-9_]*(->[A-Za-z_]\w*|\.[A-Za-z_]\w*)*`)

// concretize makes a comment assemblable: symbolic registers become %r2,
// symbolic values 8.
func concretize(text string) string {
	sp := strings.IndexByte(text, ' ')
	if sp < 0 {
		return text
	}
	ops := symbolRE.ReplaceAllStringFunc(text[sp:], func(s string) string {
		if regexp.MustCompile(`^(%r\d+|0x[0-9a-fA-F]+|\d+)$`).MatchString(s) {
			return s
		}
		if strings.HasPrefix(s, "%") {
			return "%r2"
		}
		return "8"
	})
	return text[:sp] + ops
}

// TestRealFindingsGas confirms with GNU as that the comments reported as
// malformed are not assembly, and that the one reported for its opcode
// assembles to another opcode than the call emits.
func TestRealFindingsGas(t *testing.T) {
	f := jittest.Parse(t)
	for _, g := range Check(f) {
		text := concretize(g.Comment)
		_, err := jittest.Assemble(t, []string{text})
		// A finding not in the list (a file other than the one it was
		// written for): comments reported as no assembly must be rejected.
		want := strings.Contains(g.Message, "is not valid assembly") || strings.Contains(g.Message, "not an s390x mnemonic")
		for _, w := range realFindings {
			if w.fn == g.Func && strings.Contains(g.Message, w.msg) {
				want = w.gasRejects
			}
		}
		if (err != nil) != want {
			t.Errorf("%s: gas on %q: got error %v, want rejection %v", g.Func, text, err, want)
		}
	}
}

// TestRealSilentGas is the oracle for the silent side: every comment on
// the real file that the check accepts and that names only concrete
// operands is assembled with GNU as, and the bytes are compared with what
// the EMIT call stores when evaluated with the file's own macros.
func TestRealSilentGas(t *testing.T) {
	f := jittest.Parse(t)
	reported := map[int]bool{}
	for _, g := range Check(f) {
		reported[g.Offset] = true
	}
	env := cexpr.NewEnv(f)
	c := &checker{f: f, env: env, m: env.Machine(), fn: map[string]string{}}
	concrete := regexp.MustCompile(`^[a-z]+( ((%r\d+|-?\d+|0x[0-9a-f]+|\.([+-]\d+)?)(\((%r\d+)(,%r\d+)?\))?,?)*)?$`)
	var lines []string
	var want [][]byte
	ef := emit.Find(f)
	for i := range ef.Sites {
		site := &ef.Sites[i]
		call := site.Call
		text, ok := commentOf(site)
		if !ok || reported[call.Pos.Offset] {
			continue
		}
		cm := parseComment(text)
		if cm == nil || len(cm.Mnemonics) != 1 {
			continue
		}
		// The kernel's register aliases (%w1, %l, %b0) as numbers.
		asm := symRegRE().ReplaceAllStringFunc(strings.ReplaceAll(cm.Text, ", ", ","), func(r string) string {
			if v := c.commentReg(r); v.known {
				return fmt.Sprintf("%%r%d", v.n)
			}
			return r
		})
		if !concrete.MatchString(asm) {
			continue
		}
		var args []string
		for _, a := range call.Args {
			args = append(args, a.Text)
		}
		m := env.Machine()
		m.Vars = map[string]cexpr.Value{
			"jit->prg_buf": {Bits: cexpr.BufBase, T: cexpr.TUlong},
			"jit->prg":     {T: cexpr.TInt},
			"jit->seen":    {T: cexpr.TUint},
		}
		if _, err := m.EvalText(call.Name + "(" + strings.Join(args, ", ") + ")"); err != nil {
			continue // operands only known at run time
		}
		var b bytes.Buffer
		buf := map[int64]byte{}
		for _, s := range m.Stores {
			for k := range s.Size {
				buf[s.Off+int64(k)] = byte(s.Val >> (8 * (s.Size - 1 - k)))
			}
		}
		for k := int64(0); k < int64(len(buf)); k++ {
			b.WriteByte(buf[k])
		}
		lines = append(lines, asm)
		want = append(want, b.Bytes())
	}
	if len(lines) < 10 {
		t.Fatalf("got %d concrete comment/EMIT pairs, want at least 10", len(lines))
	}
	// Assemble each line at its own location so that ".+N" is relative to
	// the instruction.
	jittest.CompareGas(t, lines, want, func(i int) string { return fmt.Sprintf("comment %q", lines[i]) }, "the EMIT call")
	t.Logf("%d comment/EMIT pairs agree with GNU as", len(lines))
}

func TestRealSurvey(t *testing.T) {
	f := jittest.Parse(t)
	for _, fd := range Check(f) {
		t.Logf("%d %s %s: %s", fd.Line, fd.Func, fd.Call, fd.Message)
	}
}

func BenchmarkAsmcommentJIT(b *testing.B) {
	f := jittest.Parse(b)
	jittest.BenchCPU(b, func() { Check(f) })
}

// TestRealCoverage reports how many EMIT calls of the real file the check
// compares, and requires that nearly every commented call is compared.
func TestRealCoverage(t *testing.T) {
	f := jittest.Parse(t)
	env := cexpr.NewEnv(f)
	c := &checker{f: f, env: env, m: env.Machine(), fn: map[string]string{}}
	var calls, commented, asm, compared int
	ef := emit.Find(f)
	for i := range ef.Sites {
		site := &ef.Sites[i]
		call := site.Call
		if _, ok := lookupSpec(call.Name); !ok {
			continue
		}
		calls++
		text, ok := commentOf(site)
		if !ok {
			continue
		}
		commented++
		if parseComment(text) == nil {
			continue
		}
		asm++
		if emits(c.m, site) != nil {
			compared++
		}
	}
	t.Logf("%d instruction EMIT calls, %d with a comment, %d of them assembly, %d compared", calls, commented, asm, compared)
	if compared != asm {
		t.Errorf("got %d assembly comments compared, want all %d", compared, asm)
	}
}
