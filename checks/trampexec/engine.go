package trampexec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/checks/trampgen"
	"github.com/trampcheck/trampcheck/checks/trampxcheck"
	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/emu/abi"
	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

// Finding is one contract violation, grouped over the configurations
// whose runs break the same rule at the same C line.
type Finding struct {
	Line int    // C line of the EMIT that produced the responsible instruction
	Rule string // the contract rule (abi.Rule*)
	// Message describes the first configuration: the observed and the
	// expected values, the instruction, the configuration and the calls
	// the run made, then how many more configurations share it.
	Message string
	Configs int // configurations with this finding
	First   int // index of the first one in the checked list
	// Indices are the indices of all of them in the checked list, in
	// increasing order.
	Indices []int
}

// RuleGenerator is the Rule of a finding that the generator itself
// failed (an invalid access, a limit of the interpreter), so that there
// was nothing to run.
const RuleGenerator = "generator"

// Summary counts what a check did.
type Summary struct {
	Configs  int // configurations whose trampoline ran
	Skipped  int // configurations the generator rejects (a negative errno) or fails on
	Failed   int // configurations with at least one violation
	Findings int // findings after grouping
}

// Options tune a check.
type Options struct {
	// Workers is the number of goroutines (0: GOMAXPROCS).
	Workers int
	// Seeds is the number of runs per configuration, with seeds
	// 0..Seeds-1 added to the configuration's index (0: 1). The seed
	// chooses the argument and return values, which programs their enter
	// function skips and which fmod_ret programs return non-zero.
	Seeds int
	// NoIndices leaves Finding.Indices empty (a run over the whole
	// matrix keeps only counts).
	NoIndices bool
}

// Check runs the trampoline that prog (a compiled file) generates for
// each of cfgs on the emulator and returns the contract violations,
// grouped by rule and line and sorted by line. Configurations that the
// generator rejects are skipped; a generator that fails is a finding of
// RuleGenerator at the line that failed. An error means the tool failed.
func Check(prog *interp.Program, cfgs []tramp.Config, opt Options) ([]Finding, Summary, error) {
	return CheckN(prog, len(cfgs), func(i int) tramp.Config { return cfgs[i] }, opt)
}

// CheckN is Check for the n configurations that cfg returns (cfg must be
// safe for concurrent use): only the findings are kept in memory, so n
// may be the whole matrix (with NoIndices).
func CheckN(prog *interp.Program, n int, cfg func(i int) tramp.Config, opt Options) ([]Finding, Summary, error) {
	return check(n, opt, func() (func(i int) (tramp.Config, *interp.Result, error), error) {
		m := prog.NewMachine(interp.Limits{})
		return func(i int) (tramp.Config, *interp.Result, error) {
			env := m.Env()
			tc := env.ResolveTramp(cfg(i))
			ic, err := env.FromTramp(tc)
			if err != nil {
				return tc, nil, err
			}
			res, rerr := m.Run(&ic)
			return tc, res, rerr
		}, nil
	})
}

// CheckRuns is Check for the runs of a file's generator that trampgen
// made (rs.CompileErr must be nil): only the emulator runs here.
func CheckRuns(rs *trampgen.Runs, opt Options) ([]Finding, Summary, error) {
	return check(len(rs.Runs), opt, func() (func(i int) (tramp.Config, *interp.Result, error), error) {
		return func(i int) (tramp.Config, *interp.Result, error) {
			r := rs.Runs[i]
			return r.Config, r.Res, r.Err
		}, nil
	})
}

// check runs the trampolines of n configurations and groups the
// findings; gen makes, per worker, the function that returns the
// resolved configuration i and the generator's run of it (the result, or
// the interpreter's error).
func check(n int, opt Options, gen func() (func(i int) (tramp.Config, *interp.Result, error), error)) ([]Finding, Summary, error) {
	s := NewStream(opt)
	err := trampgen.Parallel(n, opt.Workers, func() (func(i int) error, error) {
		run1, err := gen()
		if err != nil {
			return nil, err
		}
		w, err := s.Worker()
		if err != nil {
			return nil, err
		}
		return func(i int) error {
			tc, res, rerr := run1(i)
			return w(i, tc, res, rerr)
		}, nil
	})
	if err != nil {
		return nil, Summary{}, err
	}
	fds, sum := s.Findings()
	return fds, sum, nil
}

// Stream checks the runs of a file's generator as another pass makes
// them: `xcheck --exec` hands it the runs of trampxcheck's comparison,
// so that the generator runs once per configuration for both checks.
// Check, CheckN and CheckRuns are a Stream fed by their own runs; the
// findings do not depend on who runs the generator.
type Stream struct {
	opt    Options
	mu     sync.Mutex
	groups map[string]*group
	sum    Summary
}

// group accumulates the configurations of one finding.
type group struct {
	first, count int
	msg          string
	indices      []int
}

// NewStream returns an empty Stream (opt.Workers is not used: the
// caller's pass has its own workers).
func NewStream(opt Options) *Stream {
	return &Stream{opt: opt, groups: map[string]*group{}}
}

// add counts configuration i in the group of key (under s.mu).
func (s *Stream) add(key, msg string, i int) {
	g, ok := s.groups[key]
	if !ok {
		g = &group{first: i, msg: msg}
		s.groups[key] = g
	}
	g.count++
	if !s.opt.NoIndices {
		g.indices = append(g.indices, i)
	}
	if i < g.first {
		g.first, g.msg = i, msg
	}
}

// Worker returns the function that checks one run, for one goroutine:
// configuration i (its index in the checked list), resolved as the
// program's environment model resolves it (interp.Env.ResolveTramp), and
// the generator's result res or the interpreter's error rerr. res is read
// only during the call (a machine may reuse it for its next run). An
// error means the tool failed.
func (s *Stream) Worker() (func(i int, tc tramp.Config, res *interp.Result, rerr error) error, error) {
	seeds := max(1, s.opt.Seeds)
	runner, err := abi.NewTrampRunner()
	if err != nil {
		return nil, err
	}
	// The worker's Env for the runs that locate a lost tail call
	// counter (counterClobber), made when first needed.
	var spare *abi.Env
	clobber := func(tp *abi.Trampoline) (int, bool) {
		if spare == nil {
			var err error
			if spare, err = abi.NewEnv(); err != nil {
				spare = nil
				return -1, false
			}
		}
		return counterClobber(spare, tp)
	}
	return func(i int, tc tramp.Config, res *interp.Result, rerr error) error {
		var seen map[string]bool // made at the first finding
		var local []struct{ key, msg string }
		var re *interp.RuntimeError
		switch {
		case errors.As(rerr, &re):
			// Nothing to run: said once per line, as trampxcheck
			// says it, so that trampexec alone is never silent.
			local = append(local, struct{ key, msg string }{
				fmt.Sprintf("%s:%d", RuleGenerator, re.Line),
				fmt.Sprintf("the generator fails: %s [%s]", re.Msg, trampxcheck.Describe(tc)),
			})
		case rerr != nil:
			return rerr
		}
		if rerr != nil || res.Ret <= 0 {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.sum.Skipped++
			for _, l := range local {
				s.add(l.key, l.msg, i)
			}
			return nil
		}
		tp := abi.NewTrampoline(res.Code, tc)
		for sd := range seeds {
			run, err := runner.Run(tp, uint64(i*seeds+sd))
			if err != nil {
				return fmt.Errorf("configuration %s: %v", trampxcheck.Describe(tc), err)
			}
			for _, fd := range run.Findings {
				line, msg := describe(res, tp, fd, run, tc, clobber)
				key := fmt.Sprintf("%s:%d", fd.Rule, line)
				if seen == nil {
					seen = map[string]bool{}
				}
				if !seen[key] {
					seen[key] = true
					local = append(local, struct{ key, msg string }{key, msg})
				}
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sum.Configs++
		if len(local) > 0 {
			s.sum.Failed++
		}
		for _, l := range local {
			s.add(l.key, l.msg, i)
		}
		return nil
	}, nil
}

// Findings returns the findings of the runs checked, grouped by rule and
// line and sorted by line, and the summary; call it after every worker
// has returned.
func (s *Stream) Findings() ([]Finding, Summary) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Finding, 0, len(s.groups))
	for key, g := range s.groups {
		rule, lineText, _ := strings.Cut(key, ":")
		var line int
		_, _ = fmt.Sscan(lineText, &line)
		msg := g.msg
		if g.count > 1 {
			msg += fmt.Sprintf(" and %d more configurations", g.count-1)
		}
		sort.Ints(g.indices)
		out = append(out, Finding{Line: line, Rule: rule, Message: msg, Configs: g.count, First: g.first, Indices: g.indices})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
	sum := s.sum
	sum.Findings = len(out)
	return out, sum
}

// responsible returns the offset of the instruction a finding blames and
// how it was found: the instruction at the finding's offset (a store, a
// fault, the last writer of the caller's tail call counter), the call
// instruction that ends there (a violation a stub saw during the call),
// or the last trampoline instruction the run executed (a violation seen
// after the trampoline returned: registers, the caller's return value,
// the call order, the traced function entered by the return).
func responsible(code []byte, fd abi.Finding, run *abi.TrampRun) (off int, how string) {
	last := func() (int, string) {
		if n := len(run.Trace); n > 0 {
			return run.Trace[n-1], "the last instruction run"
		}
		return -1, ""
	}
	switch {
	case fd.Off < 0 || fd.Rule == abi.RuleRegs || fd.Rule == abi.RuleOrder:
		return last()
	case fd.Rule == abi.RuleRet && strings.HasPrefix(fd.Text, "caller got"):
		return last()
	case fd.Rule == abi.RuleFault || fd.Rule == abi.RuleStore || fd.Store:
		return fd.Off, ""
	case fd.Rule == abi.RuleTailCall && strings.HasPrefix(fd.Text, "caller's"):
		return fd.Off, ""
	}
	// A return address: the call instruction ends at fd.Off.
	if s := insnStart(code, fd.Off-1); s >= 0 {
		return s, "the call"
	}
	return fd.Off, ""
}

// insnStart returns the start of the instruction that holds byte pos of
// code (instructions laid end to end from 0), or -1.
func insnStart(code []byte, pos int) int {
	for i := 0; i < len(code); {
		n := refimpl.LengthOf(code[i])
		if pos >= i && pos < i+n {
			return i
		}
		i += n
	}
	return -1
}

// describe returns the C line a finding of one run is reported at and its
// message for configuration tc; clobber is counterClobber in the worker's
// spare Env.
func describe(res *interp.Result, tp *abi.Trampoline, fd abi.Finding, run *abi.TrampRun, tc tramp.Config, clobber func(*abi.Trampoline) (int, bool)) (int, string) {
	code := res.Code
	off, how := responsible(code, fd, run)
	line := 0
	var b strings.Builder
	b.WriteString(fd.Rule)
	b.WriteString(": ")
	b.WriteString(strings.ReplaceAll(fd.Text, " (<nil>)", ""))
	last := -1
	if fd.Rule == abi.RuleTailCall && strings.HasPrefix(fd.Text, "caller's") {
		// The last writer is where the wrong value was copied back; a
		// store to the slot before the trampoline read it is where the
		// counter was lost.
		if first, ok := clobber(tp); ok && first != off {
			off, how, last = first, "the store over the caller's counter before it was saved", off
		}
	}
	if off >= 0 && off < len(code) {
		fmt.Fprintf(&b, "; %s +%d %s", whatOr(how, "at"), off, insnText(code, off, tc.Image))
		if s := res.Site(off); s != nil {
			line = s.Line
			if c := chainText(s); c != "" {
				b.WriteString(" " + c)
			}
		}
		if last >= 0 && last < len(code) {
			fmt.Fprintf(&b, ", the last +%d %s", last, insnText(code, last, tc.Image))
			if s := res.Site(last); s != nil {
				fmt.Fprintf(&b, " (line %d)", s.Line)
			}
		}
	}
	fmt.Fprintf(&b, " [%s]; calls: %s", trampxcheck.Describe(tc), callsText(run.Events))
	if fd.Rule == abi.RuleFault {
		b.WriteString("; trace: " + traceText(res, run.Trace, tc.Image))
	}
	return line, b.String()
}

// chainText describes the calls of file functions that led to site s:
// "(in call_r1 called from line 2836)".
func chainText(s *interp.Site) string {
	var via []string
	for x := s.Parent; x != nil && x.Parent != nil; x = x.Parent {
		if x.Func != "" && x.Func != trampxcheck.Generator {
			via = append(via, fmt.Sprintf("%s called from line %d", x.Func, x.Line))
		}
	}
	if len(via) == 0 {
		return ""
	}
	return "(in " + strings.Join(via, ", ") + ")"
}

func whatOr(how, dflt string) string {
	if how == "" {
		return dflt
	}
	return "at " + how
}

// callsText renders the calls of a run, without the enter/exit pairs
// around each program: "tramp_enter fentry0 body fexit0 tramp_exit".
func callsText(events []string) string {
	var out []string
	for _, e := range events {
		if e != "enter" && e != "exit" {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, " ")
}

// traceText renders the last few instructions a run executed with the C
// line that emitted each.
func traceText(res *interp.Result, trace []int, image uint64) string {
	const n = 4
	if len(trace) > n {
		trace = trace[len(trace)-n:]
	}
	parts := make([]string, 0, len(trace))
	for _, off := range trace {
		t := fmt.Sprintf("+%d %s", off, insnText(res.Code, off, image))
		if s := res.Site(off); s != nil {
			t += fmt.Sprintf(" (line %d)", s.Line)
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, ", ")
}

func insnText(code []byte, off int, image uint64) string {
	text, _, err := refimpl.Disassemble(code[off:], int64(image)+int64(off))
	if err != nil {
		n := min(len(code)-off, refimpl.LengthOf(code[off]))
		return fmt.Sprintf(".byte 0x%x", code[off:off+n])
	}
	return strings.ReplaceAll(text, "\t", " ")
}

// compileFile compiles f with the documented environment model.
func compileFile(f *cparse.File) (*interp.Program, error) { return interp.Compile(f, nil) }

// counterClobber runs tp once more, in e (reset first), with stubs
// that return 0 at every address it calls and zero arguments, and returns
// the offset of the trampoline instruction that stored into the caller's
// tail call counter (4 bytes at abi.PackedTailCallCnt of the caller's
// frame) before any mvc read it: the store that lost the counter before
// the trampoline saved it. ok is false when there is none or the run
// fails.
func counterClobber(e *abi.Env, tp *abi.Trampoline) (int, bool) {
	if err := e.Reset(); err != nil {
		return -1, false
	}
	e.BackchainOff = abi.PackedBackchain
	entry, err := e.Load(0, tp.Code)
	if err != nil {
		return -1, false
	}
	body := tp.FuncAddr + abi.PatchSize
	var opts []abi.CallOption
	if tp.Flags&abi.FlagOrigStack != 0 {
		if tp.FuncAddr == 0 {
			body = 0x0500_0000 + abi.PatchSize
		}
		opts = append(opts, abi.WithReg(0, body))
	}
	addrs := []uint64{tp.TrampEnter, tp.TrampExit, body}
	for _, ps := range [][]abi.TrampProg{tp.FEntry, tp.FModRet, tp.FExit} {
		for _, p := range ps {
			addrs = append(addrs, p.Enter, p.Exit, p.BpfFunc)
		}
	}
	for _, a := range addrs {
		if a != 0 {
			e.AddStubAt("stub", a, nil)
		}
	}
	args := make([]abi.Value, len(tp.Args))
	for i, a := range tp.Args {
		args[i] = abi.Value{Arg: a, Bytes: make([]byte, a.Size)}
	}
	// A budget of 0 sets the call up and runs nothing; the run goes on
	// below with a store hook that also sees what each mvc reads.
	res, _ := e.Call(entry, args, 0, opts...)
	if res == nil {
		return -1, false
	}
	slot := res.SP + abi.PackedTailCallCnt
	m := e.M
	read, clobber := false, -1
	m.OnStore = func(pc, addr, n uint64) {
		off := pc - entry
		if off >= uint64(len(tp.Code)) || read || clobber >= 0 {
			return
		}
		if in := tp.Code[off:]; len(in) >= 6 && in[0] == 0xd2 { // mvc d1(l,b1),d2(b2)
			b2, d2 := in[4]>>4, uint64(in[4]&0xf)<<8|uint64(in[5])
			src := d2
			if b2 != 0 {
				src += m.R[b2]
			}
			if src < slot+4 && slot < src+uint64(in[1])+1 {
				read = true
				return
			}
		}
		if addr < slot+4 && slot < addr+n {
			clobber = int(off)
		}
	}
	defer func() { m.OnStore = nil }()
	if err := m.Run(1_000_000); err != nil || clobber < 0 {
		return -1, false
	}
	return clobber, true
}
