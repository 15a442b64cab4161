package trampxcheck

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Finding is one divergence of the file's generator from the reference, or
// one broken frame invariant, grouped over the configurations it affects.
type Finding struct {
	Line    int    // C line of the EMIT call (or statement) at fault
	Kind    string // "code", "result", "failure" or "frame"
	Message string // for the first configuration, with the configuration in brackets
	// Configs counts the configurations with this finding; First is the
	// index of the first one in the checked list.
	Configs int
	First   int
}

// traceWhy re-runs one configuration with a trace and explains p.
func traceWhy(m *interp.Machine, tc tramp.Config, p problem, skip func(int) bool) string {
	_, cfg, err := envConfig(m, tc)
	if err != nil {
		return ""
	}
	_, events, err := m.RunTrace(&cfg)
	if err != nil {
		return ""
	}
	return explain(events, p, m.FrameDefs(), m.Deps(), skip)
}

// Summary counts what a check did.
type Summary struct {
	Configs     int // configurations run
	Divergences int // configurations whose code or result differs, or that break an invariant
	Findings    int // findings after grouping
}

// problem is what went wrong with one configuration.
type problem struct {
	line  int
	kind  string
	key   string // grouping key
	msg   string
	chain string // call chain of the site, for the message
	macro string // the EMIT macro of the site
	off   int    // image offset of the diverging instruction (code problems)
	// fields are the struct bpf_tramp_jit members a frame problem is about.
	fields []string
}

// Check runs the file's generator and the reference over cfgs on workers
// goroutines (0: GOMAXPROCS) and returns the grouped findings, sorted by
// line. An error means the file could not be compiled or the tool failed.
func Check(f *cparse.File, cfgs []tramp.Config, workers int) ([]Finding, Summary, error) {
	prog, err := interp.Compile(f, nil)
	if err != nil {
		return nil, Summary{}, err
	}
	return CheckProgram(f, prog, cfgs, workers)
}

// CheckProgram is Check for f already compiled into prog.
func CheckProgram(f *cparse.File, prog *interp.Program, cfgs []tramp.Config, workers int) ([]Finding, Summary, error) {
	return CheckN(f, prog, len(cfgs), func(i int) tramp.Config { return cfgs[i] }, workers)
}

// group accumulates the configurations that share a finding.
type group struct {
	first, count int
	p            problem
	mixed        bool // the configurations reach the site by different calls
}

// CheckN checks the n configurations that cfg returns (cfg must be safe for
// concurrent use); only diverging configurations are kept in memory, so n
// may be the whole matrix.
func CheckN(f *cparse.File, prog *interp.Program, n int, cfg func(i int) tramp.Config, workers int) ([]Finding, Summary, error) {
	fds, sum, _, err := checkN(f, prog, nil, n, cfg, workers, nil)
	return fds, sum, err
}

// CheckDiffN is CheckN for a patched file that also reports the codegen
// difference from its base (as Diff does), in one pass: each
// configuration runs the base and the patched generator once and the
// reference once, where Diff followed by CheckN would run the patched
// generator twice.
func CheckDiffN(f *cparse.File, base, patched *interp.Program, n int, cfg func(i int) tramp.Config, workers int) ([]Finding, Summary, DiffSummary, error) {
	return checkN(f, patched, base, n, cfg, workers, nil)
}

// RunSink makes, once per worker goroutine, the function that gets each
// run of the file's generator that a comparison makes: configuration i,
// resolved, and the result (valid only during the call) or the
// interpreter's error. An error it returns stops the comparison.
type RunSink func() (func(i int, tc tramp.Config, res *interp.Result, rerr error) error, error)

// CheckDiffNSink is CheckDiffN (base may be nil) that also hands every
// run of the patched generator to sink: "xcheck --exec" runs trampexec on
// the comparison's runs (trampexec.Stream), so that the generator runs
// once per configuration for both checks.
func CheckDiffNSink(f *cparse.File, base, patched *interp.Program, n int, cfg func(i int) tramp.Config, workers int, sink RunSink) ([]Finding, Summary, DiffSummary, error) {
	return checkN(f, patched, base, n, cfg, workers, sink)
}

// groupSet accumulates the problems of the configurations checked, by
// grouping key.
type groupSet struct {
	mu          sync.Mutex
	groups      map[string]*group
	divergences int
}

// add counts configuration i with problems ps (none: a clean one).
func (gs *groupSet) add(i int, ps []problem) {
	if len(ps) == 0 {
		return
	}
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.divergences++
	for _, p := range ps {
		g, ok := gs.groups[p.key]
		if !ok {
			gs.groups[p.key] = &group{first: i, count: 1, p: p}
			continue
		}
		g.count++
		if g.p.chain != p.chain {
			g.mixed = true
		}
		if i < g.first {
			g.first, g.p = i, p
		}
	}
}

// checkN is CheckN, and CheckDiffN when base is not nil; sink, when not
// nil, gets every run of prog.
func checkN(f *cparse.File, prog, base *interp.Program, n int, cfg func(i int) tramp.Config, workers int, sink RunSink) ([]Finding, Summary, DiffSummary, error) {
	var acc *diffAcc
	if base != nil {
		acc = newDiffAcc(n)
	}
	fds, sum, err := judgeAll(f, prog, n, cfg, workers, func() runFunc {
		m := prog.NewMachine(interp.Limits{})
		var mb *interp.Machine
		if base != nil {
			mb = base.NewMachine(interp.Limits{})
		}
		var also func(i int, tc tramp.Config, res *interp.Result, rerr error) error
		if sink != nil {
			var err error
			if also, err = sink(); err != nil {
				return func(int) (tramp.Config, *interp.Result, error, error) { return tramp.Config{}, nil, nil, err }
			}
		}
		return func(i int) (tramp.Config, *interp.Result, error, error) {
			raw := cfg(i)
			tc, c, err := envConfig(m, raw)
			if err != nil {
				return tc, nil, nil, err
			}
			res, rerr := m.Run(&c)
			if also != nil {
				if err := also(i, tc, res, rerr); err != nil {
					return tc, nil, nil, err
				}
			}
			if mb != nil {
				// The base in its own environment model.
				_, cb, err := envConfig(mb, raw)
				if err != nil {
					return tc, nil, nil, err
				}
				rb, errb := mb.Run(&cb)
				acc.add(i, tc, rb, errb, res, rerr)
			}
			return tc, res, rerr, nil
		}
	})
	if err != nil {
		return nil, Summary{}, DiffSummary{}, err
	}
	var d DiffSummary
	if acc != nil {
		d = acc.summary()
	}
	return fds, sum, d, nil
}

// CheckRuns is CheckN for the runs of a file's generator that trampgen
// made (rs.CompileErr must be nil): only the reference runs here.
func CheckRuns(rs *trampgen.Runs, workers int) ([]Finding, Summary, error) {
	cfg := func(i int) tramp.Config { return rs.Configs[i] }
	return judgeAll(rs.File, rs.Prog, len(rs.Runs), cfg, workers, func() runFunc {
		return func(i int) (tramp.Config, *interp.Result, error, error) {
			r := rs.Runs[i]
			return r.Config, r.Res, r.Err, nil
		}
	})
}

// runFunc returns configuration i resolved, the generator's run of it
// (the result, or the interpreter's error rerr), or the tool's error.
type runFunc func(i int) (tc tramp.Config, res *interp.Result, rerr, err error)

// judgeAll judges the runs of the n configurations of cfg that the
// functions mk makes (one per worker) return, and groups the problems.
func judgeAll(f *cparse.File, prog *interp.Program, n int, cfg func(i int) tramp.Config, workers int, mk func() runFunc) ([]Finding, Summary, error) {
	fl := newFieldLines(f)
	gs := &groupSet{groups: map[string]*group{}}
	err := trampgen.Parallel(n, workers, func() (func(i int) error, error) {
		run := mk()
		return func(i int) error {
			tc, res, rerr, err := run(i)
			if err != nil {
				return err
			}
			ps, err := judge(res, rerr, tc, fl)
			if err != nil {
				return err
			}
			gs.add(i, ps)
			return nil
		}, nil
	})
	if err != nil {
		return nil, Summary{}, err
	}
	return findings(f, prog, gs.groups, cfg), Summary{Configs: n, Divergences: gs.divergences, Findings: len(gs.groups)}, nil
}

// findings turns the groups into findings sorted by line, explaining each
// from a traced run of its first configuration.
func findings(f *cparse.File, prog *interp.Program, groups map[string]*group, cfg func(int) tramp.Config) []Finding {
	macroLines := map[string]string{}
	for _, m := range f.Macros {
		macroLines[m.Name] = fmt.Sprintf("%s defined at lines %d-%d", m.Name, m.Pos.Line, m.EndLine)
	}
	var tracer *interp.Machine // made for the first finding to explain
	// The drivers' own lines (memset, the two calls) are in every
	// dependence chain; leave them out of the explanations.
	skip := func(line int) bool {
		for _, fn := range f.Funcs {
			if fn.Def && (fn.Name == interp.EntrySize || fn.Name == interp.EntryPrepare) && fn.BodyStart <= line && line <= fn.BodyEnd {
				return true
			}
		}
		return false
	}
	// A problem without a line of its own (the two passes disagree on
	// the size) is reported at the generator's definition.
	genLine := 0
	for _, fn := range f.Funcs {
		if fn.Def && fn.Name == Generator {
			genLine = fn.Pos.Line
		}
	}
	out := make([]Finding, 0, len(groups))
	for _, g := range groups {
		p := g.p
		if p.line == 0 {
			p.line = genLine
		}
		c := cfg(g.first)
		fd := Finding{Line: p.line, Kind: p.kind, Message: p.msg + " [" + Describe(c) + "]", First: g.first, Configs: g.count}
		var notes []string
		if p.chain != "" && !g.mixed {
			notes = append(notes, p.chain)
		}
		if p.macro != "" && macroLines[p.macro] != "" {
			notes = append(notes, macroLines[p.macro])
		}
		if p.kind == "code" || p.kind == "frame" {
			if tracer == nil {
				tracer = prog.NewMachine(interp.Limits{})
			}
			if why := traceWhy(tracer, c, p, skip); why != "" {
				notes = append(notes, why)
			}
		}
		if len(notes) > 0 {
			fd.Message += " (" + strings.Join(notes, "; ") + ")"
		}
		if g.count > 1 {
			fd.Message += fmt.Sprintf(" and %d more configurations", g.count-1)
		}
		out = append(out, fd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].First < out[j].First
	})
	return out
}

// compare runs one configuration through both generators.
func compare(m *interp.Machine, tc tramp.Config, fl fieldLines) ([]problem, error) {
	tc, cfg, err := envConfig(m, tc)
	if err != nil {
		return nil, err
	}
	res, rerr := m.Run(&cfg)
	return judge(res, rerr, tc, fl)
}

// judge compares one run of the file's generator (res, or the run's error
// rerr) for resolved configuration tc with the reference.
func judge(res *interp.Result, rerr error, tc tramp.Config, fl fieldLines) ([]problem, error) {
	// Without the listing: codeProblem needs the reference's
	// instructions only when the code differs.
	ref, referr := tramp.GenerateCode(tc)
	var rej *tramp.RejectError
	if referr != nil && !errors.As(referr, &rej) {
		return nil, fmt.Errorf("reference: %v", referr)
	}
	if rerr != nil {
		var re *interp.RuntimeError
		if errors.As(rerr, &re) {
			return []problem{{
				line: re.Line, kind: "failure", key: fmt.Sprintf("failure:%d", re.Line),
				msg: "the generator fails: " + re.Msg,
			}}, nil
		}
		return nil, rerr
	}
	var out []problem
	switch {
	case rej != nil && res.Ret != -int(rej.Errno):
		out = append(out, resultProblem(res, fmt.Sprintf("returns %s, reference rejects with -%s", retText(res), rej.Errno)))
	case rej == nil && res.Ret < 0:
		out = append(out, resultProblem(res, fmt.Sprintf("returns %s, reference generates %d bytes", retText(res), ref.Size)))
	case rej == nil:
		if !bytes.Equal(res.Code, ref.Code) {
			if ref, referr = tramp.Generate(tc); referr != nil {
				return nil, fmt.Errorf("reference: %v", referr)
			}
		}
		p, codeDiffers := codeProblem(res, ref, tc.Resolved().Image)
		if codeDiffers {
			out = append(out, p)
		} else if res.Size != res.Ret {
			out = append(out, problem{kind: "result", key: "size", msg: fmt.Sprintf("the sizing pass gives %d bytes, the writing pass %d", res.Size, res.Ret)})
		}
		out = append(out, frameProblems(res, ref, fl)...)
		// The addresses in im are offsets into the code: when the code
		// already differs they follow from that difference and are not
		// a finding of their own.
		if !codeDiffers {
			out = append(out, imProblems(res, ref, tc.Image, fl)...)
		}
	}
	return out, nil
}

// imProblems compares im->ip_after_call and im->ip_epilogue, the
// addresses the kernel patches later (bpf_tramp_image_put turns the
// no-op branch at ip_after_call into a jump to ip_epilogue), with the
// reference's labels.
// A missing store is reported at the line that assigns the member in the
// source, if any.
func imProblems(res *interp.Result, ref *tramp.Program, image uint64, fl fieldLines) []problem {
	var out []problem
	for _, f := range []struct {
		name string
		got  uint64
		off  int
		line int
	}{
		{"ip_after_call", res.IPAfterCall, ref.IPAfterCall, res.IPAfterCallLine},
		{"ip_epilogue", res.IPEpilogue, ref.IPEpilogue, res.IPEpilogueLine},
	} {
		want := uint64(0)
		if f.off >= 0 {
			want = image + uint64(f.off)
		}
		if f.got == want {
			continue
		}
		if f.line == 0 {
			f.line = fl.line("im->" + f.name)
		}
		out = append(out, problem{
			line: f.line, kind: "result", key: fmt.Sprintf("im:%s:%d", f.name, f.line),
			msg: fmt.Sprintf("stores im->%s = %s, reference %s", f.name, imText(f.got, image), imText(want, image)),
		})
	}
	return out
}

// imText shows an address stored in struct bpf_tramp_image relative to
// the image when it points into it.
func imText(a, image uint64) string {
	switch {
	case a == 0:
		return "NULL (not stored)"
	case a >= image && a-image < 1<<20:
		return fmt.Sprintf("image+%d", a-image)
	}
	return fmt.Sprintf("%#x", a)
}

func retText(res *interp.Result) string {
	if res.Ret < 0 {
		for _, e := range []tramp.Errno{tramp.E2BIG, tramp.EINVAL, tramp.ENOTSUPP} {
			if -res.Ret == int(e) {
				return "-" + e.String()
			}
		}
		return fmt.Sprint(res.Ret)
	}
	return fmt.Sprintf("%d bytes", res.Ret)
}

func resultProblem(res *interp.Result, msg string) problem {
	return problem{line: res.RetLine, kind: "result", key: fmt.Sprintf("result:%d:%s", res.RetLine, msg), msg: msg}
}

// codeProblem compares the code bytes and describes the first difference.
func codeProblem(res *interp.Result, ref *tramp.Program, image uint64) (problem, bool) {
	got, want := res.Code, ref.Code
	if bytes.Equal(got, want) {
		return problem{}, false
	}
	// Find the first instruction that differs other than in the target of a
	// relative branch: a wrong size moves every later branch target, and
	// the instruction that moved them is the one to report.
	start, branch := -1, -1
	for _, in := range ref.Insns {
		end := in.Off + len(in.Bytes)
		if end > len(got) {
			if in.Off >= len(got) || !bytes.Equal(got[in.Off:], in.Bytes[:len(got)-in.Off]) {
				start = in.Off
			}
			break
		}
		if bytes.Equal(got[in.Off:end], in.Bytes) {
			continue
		}
		if isRelBranch(in.Bytes) && len(in.Bytes) >= 4 && got[in.Off] == in.Bytes[0] && got[in.Off+1] == in.Bytes[1] {
			if branch < 0 {
				branch = in.Off
			}
			continue
		}
		start = in.Off
		break
	}
	if start < 0 {
		switch {
		case len(got) != len(want):
			start = min(len(got), len(want))
		case branch >= 0:
			start = branch
		default:
			start = 0
		}
	}
	i := start
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	var site *interp.Site
	switch {
	case res.Site(i) != nil:
		site = res.Site(i)
	case start < res.Len():
		site = res.Site(start)
	case res.Len() > 0:
		site = res.Site(res.Len() - 1)
	}
	gotText := insnText(got, start, image)
	wantText := insnText(want, start, image)
	var msg string
	switch {
	case start >= len(got):
		msg = fmt.Sprintf("ends after %d bytes, reference continues with %s", len(got), wantText)
	case start >= len(want):
		msg = fmt.Sprintf("emits %s after the end of the reference (%d bytes)", gotText, len(want))
	default:
		msg = fmt.Sprintf("emits %s, reference %s", gotText, wantText)
	}
	p := problem{kind: "code", msg: msg, off: start}
	if site != nil {
		p.line = site.Line
		p.chain = chainText(site)
		p.macro = site.Macro
		p.key = fmt.Sprintf("code:%d:%s", site.Line, site.Macro)
	} else {
		p.key = "code:?"
	}
	return p, true
}

// chainText describes the calls that led to site: "in load_imm64 called
// from line 2778".
func chainText(s *interp.Site) string {
	var via []string
	for x := s.Parent; x != nil && x.Parent != nil; x = x.Parent {
		if x.Func != "" && x.Func != "__arch_prepare_bpf_trampoline" {
			via = append(via, fmt.Sprintf("%s called from line %d", x.Func, x.Line))
		}
	}
	if len(via) == 0 {
		return ""
	}
	return "in " + strings.Join(via, ", ")
}

func insnText(code []byte, off int, image uint64) string {
	if off >= len(code) {
		return "nothing"
	}
	text, _, err := refimpl.Disassemble(code[off:], int64(image)+int64(off))
	if err != nil {
		n := min(len(code)-off, refimpl.LengthOf(code[off]))
		return fmt.Sprintf(".byte 0x%x", code[off:off+n])
	}
	return strings.ReplaceAll(text, "\t", " ")
}

// Describe renders a configuration the short way findings show it:
// "args=8,16,8 flags=CALL_ORIG fentry=1 expolines".
func Describe(c tramp.Config) string {
	var parts []string
	if len(c.Args) > 0 {
		sizes := make([]string, len(c.Args))
		for i, a := range c.Args {
			sizes[i] = fmt.Sprint(a.Size)
			if a.Signed {
				sizes[i] += "s"
			}
		}
		parts = append(parts, "args="+strings.Join(sizes, ","))
	} else {
		parts = append(parts, "args=none")
	}
	if c.RetSize != 0 {
		r := fmt.Sprint(c.RetSize)
		if c.RetSigned {
			r += "s"
		}
		parts = append(parts, "ret="+r)
	}
	parts = append(parts, "flags="+tramp.FlagString(c.Flags))
	for _, k := range []struct {
		name string
		ps   []tramp.Prog
	}{{"fentry", c.FEntry}, {"fmod_ret", c.FModRet}, {"fexit", c.FExit}} {
		if len(k.ps) > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k.name, len(k.ps)))
		}
	}
	if c.Expolines {
		parts = append(parts, "expolines")
	}
	if c.FuncAddr == 0 {
		parts = append(parts, "func_addr=NULL")
	}
	return strings.Join(parts, " ")
}

// fieldLines maps a member of struct bpf_tramp_jit ("ip_off") or of
// struct bpf_tramp_image ("im->ip_epilogue") to the first line that
// assigns it in the file (for frame and im findings).
type fieldLines map[string]int

func newFieldLines(f *cparse.File) fieldLines {
	fl := fieldLines{}
	for i := range f.Lines {
		end := len(f.Src)
		if i+1 < len(f.Lines) {
			end = f.Lines[i+1]
		}
		line := string(f.Src[f.Lines[i]:end])
		for _, base := range []string{"tjit->", "im->"} {
			j := strings.Index(line, base)
			if j < 0 || (j > 0 && isIdent(line[j-1])) {
				continue
			}
			rest := line[j+len(base):]
			k := 0
			for k < len(rest) && isIdent(rest[k]) {
				k++
			}
			name, after := rest[:k], strings.TrimLeft(rest[k:], " \t")
			if base != "tjit->" {
				name = base + name
			}
			if strings.HasPrefix(after, "=") && !strings.HasPrefix(after, "==") {
				if _, seen := fl[name]; !seen {
					fl[name] = i + 1
				}
			}
		}
	}
	return fl
}

func (fl fieldLines) line(name string) int { return fl[name] }

// isIdent reports whether c may be part of a C identifier.
func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Frame invariants, in terms of struct bpf_tramp_jit.
const (
	stackFrameOverhead = 160
	dispMax12          = 4095
)

// frameProblems checks the layout of struct bpf_tramp_jit after the
// writing pass: the contract's fixed slots (ip at ctx-16, the argument
// count at ctx-8, %r14 at the bottom), no overlapping slots, 8-byte
// alignment and displacements that fit their instructions.
func frameProblems(res *interp.Result, ref *tramp.Program, fl fieldLines) []problem {
	if len(res.Frame) == 0 {
		return nil
	}
	v := frameValues(res.Frame)
	var out []problem
	bad := func(field, inv, format string, args ...any) {
		fields := []string{field}
		switch inv {
		case "ip", "argcnt":
			fields = append(fields, "bpf_args_off")
		case "r14", "origargs":
			fields = append(fields, "stack_size")
		}
		out = append(out, problem{
			line: fl.line(field), kind: "frame", key: "frame:" + inv,
			msg: "frame invariant broken: " + fmt.Sprintf(format, args...), fields: fields,
		})
	}
	need := func(names ...string) bool {
		for _, n := range names {
			if _, ok := v.get(n); !ok {
				return false
			}
		}
		return true
	}
	if need("ip_off", "bpf_args_off") && v.val("ip_off") != v.val("bpf_args_off")-16 {
		bad("ip_off", "ip", "ip_off is %d, must be at ctx-16 = %d", v.val("ip_off"), v.val("bpf_args_off")-16)
	}
	if need("arg_cnt_off", "bpf_args_off") && v.val("arg_cnt_off") != v.val("bpf_args_off")-8 {
		bad("arg_cnt_off", "argcnt", "arg_cnt_off is %d, must be at ctx-8 = %d", v.val("arg_cnt_off"), v.val("bpf_args_off")-8)
	}
	if need("r14_off", "stack_size") && v.val("r14_off")+16 != v.val("stack_size")+stackFrameOverhead-8 {
		bad("r14_off", "r14", "r14_off is %d, must be at the bottom of the frame = %d", v.val("r14_off"), v.val("stack_size")+stackFrameOverhead-8-16)
	}
	if need("backchain_off") && v.val("backchain_off") != stackFrameOverhead-8 {
		bad("backchain_off", "backchain", "backchain_off is %d, must be the last 8 bytes of the callee area = %d", v.val("backchain_off"), stackFrameOverhead-8)
	}
	fr := ref.Frame
	slots := []struct {
		name string
		size int64
	}{
		{"stack_args_off", int64(8 * fr.NrStackArgs)},
		{"reg_args_off", int64(8 * fr.NrRegArgs)},
		{"ip_off", 8},
		{"arg_cnt_off", 8},
		{"bpf_args_off", int64(8 * fr.NrBPFArgs)},
		{"retval_off", 8},
		{"r7_r8_off", 16},
		{"run_ctx_off", 16},
		{"tccnt_off", 8},
		{"r14_off", 16},
	}
	type span struct {
		name   string
		lo, hi int64
	}
	var buf [16]span // no allocation: at most 1+len(slots) spans
	spans := append(buf[:0], span{"the callee area", 0, stackFrameOverhead})
	for _, s := range slots {
		off, ok := v.get(s.name)
		if !ok {
			continue
		}
		if off%8 != 0 {
			bad(s.name, "align:"+s.name, "%s is %d, not 8-byte aligned", s.name, off)
		}
		if s.size > 0 && off+s.size-1 > dispMax12 {
			bad(s.name, "disp:"+s.name, "%s+%d is %d, beyond the 12-bit displacement of mvc/la", s.name, s.size, off+s.size)
		}
		if s.size == 0 {
			continue
		}
		for _, o := range spans {
			if off < o.hi && o.lo < off+s.size {
				bad(s.name, "overlap:"+s.name+":"+o.name, "%s [%d,%d) overlaps %s [%d,%d)", s.name, off, off+s.size, o.name, o.lo, o.hi)
			}
		}
		spans = append(spans, span{s.name, off, off + s.size})
	}
	if ss, ok := v.get("stack_size"); ok {
		if ss%8 != 0 {
			bad("stack_size", "align:stack_size", "stack_size is %d, not a multiple of 8", ss)
		}
		if ss+64+4-1 > dispMax12 {
			bad("stack_size", "disp:stack_size", "stack_size+tail_call_cnt is %d, beyond the 12-bit displacement of mvc", ss+64)
		}
		if ss > 32767 {
			bad("stack_size", "imm:stack_size", "stack_size %d does not fit the 16-bit immediate of aghi", ss)
		}
		if o, ok := v.get("orig_stack_args_off"); ok && o != ss+stackFrameOverhead {
			bad("orig_stack_args_off", "origargs", "orig_stack_args_off is %d, the caller's stack arguments are at stack_size+%d = %d", o, stackFrameOverhead, ss+stackFrameOverhead)
		}
	}
	return out
}

// isRelBranch reports whether b starts a relative branch whose target is
// its last 16 or 32 bits: brc, brcl, brasl, exrl, j.
func isRelBranch(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	switch {
	case b[0] == 0xa7 && b[1]&0x0f == 0x04: // brc (RI-c)
		return true
	case b[0] == 0xc0 && (b[1]&0x0f == 0x04 || b[1]&0x0f == 0x05): // brcl, brasl
		return true
	case b[0] == 0xc6 && b[1]&0x0f == 0x00: // exrl
		return true
	}
	return false
}

// explain names the statements a divergence depends on, from a traced run
// of its configuration: the inputs of the diverging EMIT and the
// conditions decided since the previous instruction was emitted.
func explain(events []interp.Event, p problem, defs map[string]interp.Span, deps map[interp.Span][]interp.Span, skip func(int) bool) string {
	var roots []interp.Span
	if p.kind == "frame" {
		var parts []string
		for _, f := range p.fields {
			if sp := defs[f]; sp.Lo > 0 {
				parts = append(parts, fmt.Sprintf("%s from %s", f, sp))
				roots = append(roots, sp)
			}
		}
		if t := transitive(deps, roots, roots, skip); t != "" {
			parts = append(parts, t)
		}
		return strings.Join(parts, ", ")
	}
	if p.kind != "code" {
		return ""
	}
	var ev []interp.Event
	for _, e := range events {
		if e.Pass == 2 && !e.InEmit {
			ev = append(ev, e)
		}
	}
	k := -1
	for j := len(ev) - 1; j >= 0; j-- {
		if ev[j].Kind == interp.EventStore && (ev[j].Off == p.off || k < 0 && ev[j].Off < p.off) {
			if ev[j].Off == p.off || k < 0 {
				k = j
			}
			if ev[j].Off == p.off {
				break
			}
		}
	}
	if k < 0 {
		return ""
	}
	seen := map[string]bool{}
	var inputs, conds []string
	stmt := ""
	addInputs := func(ins []interp.Input) {
		for _, in := range ins {
			if in.Def.Lo == 0 {
				continue
			}
			roots = append(roots, in.Def)
			t := fmt.Sprintf("%s from %s", in.Name, in.Def)
			if !seen[t] {
				seen[t] = true
				inputs = append(inputs, t)
			}
		}
	}
	j := k - 1
	for ; j >= 0; j-- {
		if ev[j].Kind == interp.EventEmit {
			addInputs(ev[j].Inputs)
			roots = append(roots, ev[j].Span)
			if sp := ev[j].Span; sp.Hi > sp.Lo {
				stmt = "statement at " + sp.String()
			}
			break
		}
	}
	for j--; j >= 0; j-- {
		e := ev[j]
		if e.Kind == interp.EventStore && e.Off < p.off {
			break
		}
		if e.Kind == interp.EventBranch {
			t := "condition at " + e.Span.String()
			roots = append(roots, e.Span)
			if !seen[t] {
				seen[t] = true
				conds = append(conds, t)
			}
			addInputs(e.Inputs)
		}
	}
	var parts []string
	if stmt != "" {
		parts = append(parts, stmt)
	}
	if len(inputs) > 0 {
		parts = append(parts, "inputs: "+strings.Join(inputs, ", "))
	}
	if len(conds) > 0 {
		parts = append(parts, strings.Join(conds, ", "))
	}
	if t := transitive(deps, roots, roots[:0:0], skip); t != "" {
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

// transitive follows the statement dependences from roots and renders the
// statements reached, other than shown, as merged line ranges.
func transitive(deps map[interp.Span][]interp.Span, roots, shown []interp.Span, skip func(int) bool) string {
	const maxDepth, maxLines = 8, 40
	seen := map[interp.Span]bool{}
	for _, s := range shown {
		seen[s] = true
	}
	lines := map[int]bool{}
	frontier := roots
	for d := 0; d < maxDepth && len(frontier) > 0; d++ {
		var next []interp.Span
		for _, s := range frontier {
			for _, x := range deps[s] {
				if seen[x] {
					continue
				}
				seen[x] = true
				next = append(next, x)
				for l := x.Lo; l <= x.Hi && len(lines) < maxLines; l++ {
					if !skip(l) {
						lines[l] = true
					}
				}
			}
		}
		frontier = next
	}
	for _, s := range shown {
		for l := s.Lo; l <= s.Hi; l++ {
			delete(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	ls := make([]int, 0, len(lines))
	for l := range lines {
		ls = append(ls, l)
	}
	sort.Ints(ls)
	var rs []string
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 {
			j++
		}
		rs = append(rs, interp.Span{Lo: ls[i], Hi: ls[j]}.String())
		i = j + 1
	}
	return "depends on " + strings.Join(rs, ", ")
}

// frameValues gives the members of struct bpf_tramp_jit by name without
// building a map (this runs for every configuration).
type frameValues []interp.FrameField

func (fv frameValues) val(name string) int64 {
	x, _ := fv.get(name)
	return x
}

func (fv frameValues) get(name string) (int64, bool) {
	for _, f := range fv {
		if f.Name == name {
			return f.Value, true
		}
	}
	return 0, false
}
