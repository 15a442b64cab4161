package trampexec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/checks/checktest"
	"github.com/trampcheck/trampcheck/checks/internal/jittest"
	mut "github.com/trampcheck/trampcheck/checks/mutation"
	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// compile parses and compiles src as the JIT file.
func compile(tb testing.TB, src []byte) (*cparse.File, *interp.Program) {
	tb.Helper()
	f := jittest.ParseSrc(tb, src)
	prog, err := interp.Compile(f, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return f, prog
}

// lineOf returns the 1-based line of the first line containing text at
// or after the first line containing after.
func lineOf(tb testing.TB, src []byte, after, text string) int {
	tb.Helper()
	lines := strings.Split(string(src), "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, after) })
	if start < 0 {
		tb.Fatalf("no line contains %q", after)
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], text) {
			return i + 1
		}
	}
	tb.Fatalf("no line after %q contains %q", after, text)
	return 0
}

const gen = "static int __arch_prepare_bpf_trampoline("

// backchainStore is the first line of the store of the backchain (the
// caller's %r15 in %r1) into the trampoline's frame.
const backchainStore = "EMIT6_DISP_LH(0xe3000000, 0x0024, REG_1, REG_0, REG_15,"

// finalCopy is the first line of the copy of the tail call counter back
// to the caller's frame, the last instruction before the frame goes.
const finalCopy = "_EMIT6(0xd203f000 | (tjit->stack_size +"

// byRefStruct reports whether one of args is a structure of 3, 5, 6 or 7
// bytes, which the s390x ABI passes by reference.
func byRefStruct(args []abi.Arg) bool {
	return slices.ContainsFunc(args, func(a abi.Arg) bool { return a.Struct && a.Size < 8 && a.ByRef() })
}

func argsOf(c tramp.Config) []abi.Arg {
	return abi.NewTrampoline(nil, c).Args
}

// argCopies are the first lines of the copies of an argument of up to 8
// bytes into the BPF context: from its register (stg) and from the
// caller's stack slot (mvc).
var argCopies = []string{
	"EMIT6_DISP_LH(0xe3000000, 0x0024, arg,",
	"_EMIT6(0xd207f000 | bpf_arg_off,",
}

// TestRealFile: on the unmodified file every finding is one of the two
// documented in the package: the tail call counter of a configuration
// without arguments, every configuration without arguments has one, and
// the caller's counter is reported at the backchain store that overwrites
// it before the trampoline saves it; and the context slot of a 3, 5, 6 or
// 7-byte structure, which holds the address of the caller's copy,
// reported at one of the argument copies, only for configurations with
// such a structure, and found in the covering set.
func TestRealFile(t *testing.T) {
	src := ktree.JIT(t)
	_, prog := compile(t, src)
	cov := tramp.Covering()
	fds, sum, err := Check(prog, cov, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", sum)
	var copyLines []int
	for _, c := range argCopies {
		copyLines = append(copyLines, lineOf(t, src, gen, c))
	}
	flagged := map[int]bool{}
	callerLine, byRef := false, 0
	for _, fd := range fds {
		t.Logf("%d: %s", fd.Line, fd.Message)
		switch fd.Rule {
		case abi.RuleTailCall:
			for _, i := range fd.Indices {
				flagged[i] = true
				if len(cov[i].Args) != 0 {
					t.Errorf("line %d: configuration %d has %d arguments, want only configurations without: %s", fd.Line, i, len(cov[i].Args), fd.Message)
				}
			}
			if fd.Line == lineOf(t, src, gen, backchainStore) && strings.Contains(fd.Message, "caller's tail call counter") {
				callerLine = true
			}
			if !strings.HasPrefix(fd.Message, "tail_call: ") || !strings.Contains(fd.Message, "args=none") {
				t.Errorf("line %d: got message %q, want it to start with the rule and name the configuration", fd.Line, fd.Message)
			}
		case abi.RuleCtx:
			byRef += fd.Configs
			if !slices.Contains(copyLines, fd.Line) || !strings.Contains(fd.Message, "is the address of the caller's copy") {
				t.Errorf("line %d: got %q, want the context of a structure passed by reference at an argument copy (lines %v)", fd.Line, fd.Message, copyLines)
			}
			for _, i := range fd.Indices {
				if !byRefStruct(argsOf(cov[i])) {
					t.Errorf("line %d: configuration %d (%s) has no 3, 5, 6 or 7-byte structure: %s", fd.Line, i, trampxcheck.Describe(cov[i]), fd.Message)
				}
			}
		default:
			t.Errorf("line %d: got rule %s, want only %s or %s: %s", fd.Line, fd.Rule, abi.RuleTailCall, abi.RuleCtx, fd.Message)
		}
	}
	zero := 0
	for i, c := range cov {
		if len(c.Args) == 0 && generates(t, prog, c) {
			zero++
			if !flagged[i] {
				t.Errorf("configuration %d (%s): no finding, want the tail call counter finding of no arguments", i, trampxcheck.Describe(c))
			}
		}
	}
	if zero == 0 || !callerLine || byRef == 0 {
		t.Errorf("got %d configurations without arguments, caller's counter at the backchain store %v, %d configurations with the context finding of a structure by reference; want some, true, some", zero, callerLine, byRef)
	}
}

// TestCheckRuns: CheckRuns over trampgen's runs (what the analyzer does)
// finds what Check finds running the generator itself, on the real file
// and without the write-back, with two seeds.
func TestCheckRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short (the race run, where TestAnalyzer covers the same concurrent path)")
	}
	src := ktree.JIT(t)
	cov := tramp.Covering()
	for _, s := range [][]byte{src, deleteWriteBack(t, src)} {
		f, prog := compile(t, s)
		want, wantSum, err := Check(prog, cov, Options{Seeds: 2})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := trampgen.Generate(f, nil, cov, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, gotSum, err := CheckRuns(rs, Options{Seeds: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) || gotSum != wantSum {
			t.Errorf("CheckRuns gives %+v %+v, Check gives %+v %+v; want the same, not empty", gotSum, got, wantSum, want)
		}
	}
}

// generates reports whether the file's generator makes code for c.
func generates(tb testing.TB, prog *interp.Program, c tramp.Config) bool {
	m := prog.NewMachine(interp.Limits{})
	ic, err := m.Env().FromTramp(m.Env().ResolveTramp(c))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := m.Run(&ic)
	return err == nil && res.Ret > 0
}

// deleteWriteBack returns src without the write-back (the only _EMIT6 to
// tccnt_off whose source is tail_call_cnt), keeping the line numbers.
func deleteWriteBack(tb testing.TB, src []byte) []byte {
	tb.Helper()
	lines := strings.SplitAfter(string(src), "\n")
	start := lineOf(tb, src, gen, "call_r1(jit);") // ... the traced function's call comes later
	for i := start; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "_EMIT6(0xd203f000 | tjit->tccnt_off,") && strings.Contains(lines[i+1], "offsetof(struct prog_frame, tail_call_cnt));") {
			lines[i], lines[i+1] = "\n", "\n"
			return []byte(strings.Join(lines, ""))
		}
	}
	tb.Fatal("no write-back of the tail call counter found")
	return nil
}

// byRefFix returns src with a fix of the context of a structure passed
// by reference written into the generator: for a 3, 5, 6 or 7-byte
// structure argument, load the address the caller passed, clear the
// context slot and copy the structure's bytes into its low-order bytes.
// (Written here as the fix a patch would make; the unmodified file stores
// the address.)
func byRefFix(tb testing.TB, src []byte) []byte {
	tb.Helper()
	lines := strings.SplitAfter(string(src), "\n")
	at := lineOf(tb, src, gen, argCopies[0]) // the branch is just above the copy
	for i := at - 1; i > 0; i-- {
		if strings.Contains(lines[i-1], "if (m->arg_size[i] <= 8) {") {
			lines[i-1] = strings.Replace(lines[i-1], "if (m->arg_size[i] <= 8) {", `if ((m->arg_flags[i] & BTF_FMODEL_STRUCT_ARG) &&
		    (m->arg_size[i] == 3 || m->arg_size[i] == 5 ||
		     m->arg_size[i] == 6 || m->arg_size[i] == 7)) {
			if (i < MAX_NR_REG_ARGS)
				/* lgr %r1,%arg */
				EMIT4(0xb9040000, REG_1, arg);
			else
				/* lg %r1,arg(%r15) */
				EMIT6_DISP_LH(0xe3000000, 0x0004, REG_1, REG_0,
					      REG_15, arg);
			/* xc bpf_arg_off(8,%r15),bpf_arg_off(%r15) */
			_EMIT6(0xd707f000 | bpf_arg_off, 0xf000 | bpf_arg_off);
			/* mvc bpf_arg_off+8-size(size,%r15),0(%r1) */
			_EMIT6(0xd200f000 | (m->arg_size[i] - 1) << 16 |
			       (bpf_arg_off + 8 - m->arg_size[i]), 0x1000);
			j += 1;
		} else if (m->arg_size[i] <= 8) {`, 1)
			return []byte(strings.Join(lines, ""))
		}
	}
	tb.Fatal("no branch on an argument of up to 8 bytes found")
	return nil
}

// TestByRefFixed: with the fix of byRefFix the context finding of a
// structure passed by reference goes, over the covering set and the
// configurations with such a structure of a matrix sample, and nothing
// else changes (the tail call counter of no arguments stays); the rule is
// thereby seen silent on a trampoline that gives the structure's value.
func TestByRefFixed(t *testing.T) {
	src := ktree.JIT(t)
	_, base := compile(t, src)
	_, prog := compile(t, byRefFix(t, src))
	cfgs := tramp.Covering()
	m := tramp.Matrix()
	rnd := rand.New(rand.NewPCG(5, 7))
	for len(cfgs) < 257+300 {
		if c := m.Config(m.Point(rnd.IntN(m.Len()))); byRefStruct(argsOf(c)) {
			cfgs = append(cfgs, c)
		}
	}
	rules := func(p *interp.Program) map[string]int {
		fds, _, err := Check(p, cfgs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, fd := range fds {
			n[fd.Rule] += fd.Configs
			if fd.Rule == abi.RuleCtx && p == prog {
				t.Errorf("fixed: line %d: %s", fd.Line, fd.Message)
			}
		}
		return n
	}
	before, after := rules(base), rules(prog)
	t.Logf("configurations with findings by rule: unmodified %v, fixed %v", before, after)
	if before[abi.RuleCtx] == 0 {
		t.Error("the unmodified file has no context finding on these configurations")
	}
	if before[abi.RuleTailCall] == 0 || after[abi.RuleTailCall] != before[abi.RuleTailCall] || len(after) != 1 {
		t.Errorf("fixed: findings by rule %v, want only the tail call counter's %d", after, before[abi.RuleTailCall])
	}
}

// TestWriteBackDeleted deletes the write-back: the caller's counter is
// then wrong for configurations that call the original function, and
// only for them, reported at the final copy to the caller's frame (the
// last writer), or for those without arguments at the backchain store
// that already lost it (the caller then gets that value instead of what
// the original function left).
func TestWriteBackDeleted(t *testing.T) {
	src := ktree.JIT(t)
	_, base := compile(t, src)
	_, prog := compile(t, deleteWriteBack(t, src))
	cov := tramp.Covering()
	old := baseline(t, base, cov, Options{})
	after, _, err := Check(prog, cov, Options{})
	if err != nil {
		t.Fatal(err)
	}
	line, bcLine := lineOf(t, src, gen, finalCopy), lineOf(t, src, gen, backchainStore)
	added := 0
	for _, fd := range after {
		for _, i := range fd.Indices {
			if old[fmt.Sprint(fd.Rule, fd.Line, i)] {
				continue
			}
			added++
			c := cov[i]
			want := line
			if len(c.Args) == 0 {
				want = bcLine
			}
			if c.Flags&tramp.FlagCallOrig == 0 || fd.Rule != abi.RuleTailCall || fd.Line != want {
				t.Errorf("configuration %d (%s): got %s at line %d, want only tail_call at line %d for CALL_ORIG", i, trampxcheck.Describe(c), fd.Rule, fd.Line, want)
			}
		}
		t.Logf("%d: %s", fd.Line, fd.Message)
	}
	if added == 0 {
		t.Errorf("write-back deleted: got no new finding, want the caller's tail call counter at line %d", line)
	}
	// The example of a configuration with arguments (the grouped finding
	// shows the first configuration, one without).
	var withArgs []tramp.Config
	for _, c := range cov {
		if len(c.Args) > 0 && c.Flags&tramp.FlagCallOrig != 0 {
			withArgs = append(withArgs, c)
		}
	}
	fds, _, err := Check(prog, withArgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		t.Logf("with arguments: %d: %s", fd.Line, fd.Message)
	}
}

// TestAnalyzer runs the Analyzer through the checktest harness: the file
// without the write-back, with the expectations written at test time onto
// the lines found from the text (the final copy to the caller's frame;
// the calls in call_r1, where the original function of a configuration
// without arguments gets the wrong counter; the copy of a structure passed
// by reference into the context); a generator that cannot run;
// and a C file that is not the JIT.
func TestAnalyzer(t *testing.T) {
	src := deleteWriteBack(t, ktree.JIT(t))
	lines := strings.SplitAfter(string(src), "\n")
	want := func(line int, re string) {
		lines[line-1] = strings.TrimRight(lines[line-1], "\n") + " // want `" + re + "`\n"
	}
	want(lineOf(t, src, gen, finalCopy), `^tail_call: caller's tail call counter [0-9a-f ]+, want \d+ \(last written here\); at \+\d+ mvc \d+\(4,%r15\),\d+\(%r15\) \[args=.*flags=.*\]; calls: .* and \d+ more configurations$`)
	want(lineOf(t, src, gen, backchainStore), `^tail_call: caller's tail call counter 00 00 03 ff, want \d+ \(last written here\); at the store over the caller's counter before it was saved \+8 stg %r1,\d+\(%r15\), the last \+\d+ mvc .* \(line \d+\) \[args=none `)
	want(lineOf(t, src, "static void call_r1(", "EMIT6_PCREL_RILB(0xc0050000, REG_14,"), `^tail_call: original function: tail call counter at 0x[0-9a-f]+: 00 00 03 ff, want \d+; at the call \+\d+ brasl %r14,.* \(in call_r1 called from line \d+\) \[args=none .*expolines.*\]`)
	want(lineOf(t, src, "static void call_r1(", "EMIT2(0x0d00, REG_14, REG_1);"), `^tail_call: original function: tail call counter at 0x[0-9a-f]+: 00 00 03 ff, want \d+; at the call \+\d+ basr %r14,%r1 \(in call_r1 called from line \d+\) \[args=none `)
	// The structure passed by reference (the covering set has it only in
	// a stack position: the mvc from the caller's slot).
	want(lineOf(t, src, gen, argCopies[1]), `^ctx: \w+: argument \d+ \(struct[3567]\): context slot 0x[0-9a-f]+ is the address of the caller's copy \(the s390x ABI passes a [3567]-byte structure by reference\), want the structure's bytes [0-9a-f ]+; at \+\d+ mvc \d+\(8,%r15\),\d+\(%r15\) \[args=`)

	undef := mut.At("undefined register", gen, "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,", "REG_8", "REG_9")
	ubad, err := undef.ApplyWant(ktree.JIT(t), `^cannot execute the trampoline generator: identifier REG_9 is neither in the file nor in the environment model`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  []byte
	}{
		{"writeback.c", []byte(strings.Join(lines, ""))},
		{"undef.c", ubad},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.src, 0o644); err != nil {
				t.Fatal(err)
			}
			checktest.Run(t, path, Analyzer)
		})
	}
	t.Run("notjit.c", func(t *testing.T) {
		checktest.Run(t, "testdata/notjit.c", Analyzer)
	})
}

// TestStream: a Stream fed by trampxcheck's comparison (CheckDiffNSink,
// what "xcheck --exec" does: one run of the generator per configuration
// for both checks) finds what CheckN finds running the generator itself,
// on the real file and without the write-back, with two seeds, and the
// comparison's own result is unchanged by the sink.
func TestStream(t *testing.T) {
	if testing.Short() {
		t.Skip("the kernel oracle runs in the full test run, not in -short")
	}
	src := ktree.JIT(t)
	cov := tramp.Covering()
	cfg := func(i int) tramp.Config { return cov[i] }
	for _, s := range [][]byte{src, deleteWriteBack(t, src)} {
		f, prog := compile(t, s)
		want, wantSum, err := CheckN(prog, len(cov), cfg, Options{Seeds: 2})
		if err != nil {
			t.Fatal(err)
		}
		st := NewStream(Options{Seeds: 2})
		xf, xsum, _, err := trampxcheck.CheckDiffNSink(f, nil, prog, len(cov), cfg, 0, st.Worker)
		if err != nil {
			t.Fatal(err)
		}
		got, gotSum := st.Findings()
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) || gotSum != wantSum {
			t.Errorf("the Stream on the comparison's runs gives %+v %+v, CheckN gives %+v %+v; want the same, not empty", gotSum, got, wantSum, want)
		}
		xwant, xwantSum, err := trampxcheck.CheckN(f, prog, len(cov), cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(xf) != fmt.Sprint(xwant) || xsum != xwantSum {
			t.Errorf("the comparison with the sink gives %+v %v, without %+v %v; want the same", xsum, xf, xwantSum, xwant)
		}
	}
}
