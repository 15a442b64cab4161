package interp

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// FuncModel mirrors struct btf_func_model.
type FuncModel struct {
	RetSize, RetFlags uint8
	NrArgs            uint8
	ArgSize           [12]uint8
	ArgFlags          [12]uint8
}

// Prog describes one BPF program of a link.
type Prog struct {
	Addr    uint64 // address of struct bpf_prog (0: placed by the machine)
	BpfFunc uint64 // p->bpf_func
	Jited   bool   // p->jited
	Enter   uint64 // what bpf_trampoline_enter(p) returns
	Exit    uint64 // what bpf_trampoline_exit(p) returns
}

// Link is one struct bpf_tramp_link.
type Link struct {
	Cookie uint64
	Prog   Prog
}

// Config is one input of the trampoline generator, as the kernel passes it
// to arch_bpf_trampoline_size and arch_prepare_bpf_trampoline.
type Config struct {
	Model FuncModel
	Flags uint32
	// Links holds the links indexed by BPF_TRAMP_FENTRY (0), FEXIT (1) and
	// MODIFY_RETURN (2).
	Links      [3][]Link
	FuncAddr   uint64 // func_addr / orig_call
	Image      uint64 // address of the image
	Im         uint64 // address of struct bpf_tramp_image
	TrampEnter uint64 // __bpf_tramp_enter
	TrampExit  uint64 // __bpf_tramp_exit
	Expolines  bool   // nospec_uses_trampoline()
}

// Limits bound one run.
type Limits struct {
	Steps int // loop iterations plus calls
	Depth int // call depth
	Stack int // bytes of stack for locals
	Image int // largest image the generator may ask for
}

// DefaultLimits are generous for the real generator (which needs a few
// thousand steps, depth 4 and under 1 KiB of stack). Steps stay low enough
// that a runaway generator, run over trampxcheck's covering set,
// fails in about a second rather than half a minute.
var DefaultLimits = Limits{Steps: 1 << 16, Depth: 64, Stack: 1 << 20, Image: 1 << 20}

// Site is where an emitted byte came from: a node of the tree of EMIT call
// sites and calls of file functions. An EMIT node has Macro set and Line is
// the line of the EMIT call; a call node has Func set and Line is the line
// of the call; a store outside any EMIT has neither.
type Site struct {
	Line   int
	Macro  string
	Func   string
	Parent *Site
	kids   []*Site
	id     int32 // index in the machine's site table
	// byID holds kids by compile-time site id: byID[i] is the child for
	// site id byLo+i (nil when not made yet).
	byID []*Site
	byLo int
}

// kidAt returns the child of s for compile-time site sid, or nil.
func (s *Site) kidAt(sid int) *Site {
	if i := sid - s.byLo; i >= 0 && i < len(s.byID) {
		return s.byID[i]
	}
	return nil
}

// setKid records k as the child of s for compile-time site sid.
func (s *Site) setKid(sid int, k *Site) {
	switch {
	case len(s.byID) == 0:
		s.byLo = sid
		s.byID = []*Site{k}
		return
	case sid < s.byLo:
		n := make([]*Site, s.byLo-sid+len(s.byID))
		copy(n[s.byLo-sid:], s.byID)
		s.byID, s.byLo = n, sid
	case sid-s.byLo >= len(s.byID):
		s.byID = append(s.byID, make([]*Site, sid-s.byLo+1-len(s.byID))...)
	}
	s.byID[sid-s.byLo] = k
}

// child returns the node below s for line, made on first use: an EMIT
// (macro set), a call (fn set) or a plain store (neither).
func (m *Machine) child(s *Site, line int, macro, fn string) *Site {
	for _, k := range s.kids {
		if k.Line == line && k.Macro == macro && k.Func == fn {
			return k
		}
	}
	k := &Site{Line: line, Macro: macro, Func: fn, Parent: s, id: int32(len(m.siteTab))}
	m.siteTab = append(m.siteTab, k)
	s.kids = append(s.kids, k)
	return k
}

// cachedChild is child for compile-time site sid, remembering the last
// parent of each site.
func (m *Machine) cachedChild(sid int, s *Site, line int, macro, fn string) *Site {
	if sid >= 0 && sid < len(m.siteCache) {
		if e := &m.siteCache[sid]; e.parent == s {
			return e.child
		}
	}
	if sid < 0 || sid >= len(m.siteCache) {
		return m.child(s, line, macro, fn)
	}
	// A compile-time site has one line, macro and function, so its child
	// under s is found by sid without comparing the kids.
	k := s.kidAt(sid)
	if k == nil {
		k = m.child(s, line, macro, fn)
		s.setKid(sid, k)
	}
	m.siteCache[sid] = siteCacheEntry{s, k}
	return k
}

type siteCacheEntry struct{ parent, child *Site }

// Chain returns the path from the outermost call to s, without the root.
func (s *Site) Chain() []*Site {
	var out []*Site
	for x := s; x != nil && x.Parent != nil; x = x.Parent {
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Key is a stable description of s: the lines of its chain.
func (s *Site) Key() string {
	var b strings.Builder
	for i, x := range s.Chain() {
		if i > 0 {
			b.WriteByte('/')
		}
		fmt.Fprintf(&b, "%d", x.Line)
	}
	return b.String()
}

// String describes s, innermost first: "EMIT6_DISP_LH at line 2504 (load_imm64, called from line 2778)".
func (s *Site) String() string {
	if s == nil {
		return "unknown site"
	}
	var b strings.Builder
	switch {
	case s.Macro != "":
		fmt.Fprintf(&b, "%s at line %d", s.Macro, s.Line)
	case s.Func != "":
		fmt.Fprintf(&b, "call of %s at line %d", s.Func, s.Line)
	default:
		fmt.Fprintf(&b, "store at line %d", s.Line)
	}
	var via []string
	for x := s.Parent; x != nil && x.Parent != nil; x = x.Parent {
		via = append(via, fmt.Sprintf("%s called from line %d", x.Func, x.Line))
	}
	if len(via) > 0 {
		fmt.Fprintf(&b, " (in %s)", strings.Join(via, ", "))
	}
	return b.String()
}

// Result is the outcome of one run. It is owned by the Machine and valid
// until its next run.
type Result struct {
	// Size is what arch_bpf_trampoline_size returned.
	Size int
	// Ret is what arch_prepare_bpf_trampoline returned: the length of the
	// code or a negative errno.
	Ret int
	// Code is the image, Ret bytes (nil when Ret <= 0). It is owned by the
	// Machine and valid until its next run.
	Code    []byte
	sites   []int32 // per byte of Code: site id + 1 of its last store, 0 for none
	siteTab []*Site
	// Steps is the number of steps the run took.
	Steps int
	// RetLine is the line of the first return statement that returned a
	// negative value (0 when none did).
	RetLine int
	// IPAfterCall and IPEpilogue are im->ip_after_call and
	// im->ip_epilogue after the writing pass (0 when the generator left
	// them alone): the addresses the kernel later patches.
	IPAfterCall, IPEpilogue uint64
	// IPAfterCallLine and IPEpilogueLine are the lines of the last
	// stores to them (0 for none).
	IPAfterCallLine, IPEpilogueLine int
	// Frame holds the integer members of the generator's struct
	// bpf_tramp_jit after the writing pass (ip_off, stack_size, ...), in
	// declaration order; empty when the file has no such local.
	Frame []FrameField
}

// Len returns the number of code bytes with sites (len(Code)).
func (r *Result) Len() int { return len(r.sites) }

// Site returns the site of the last store of code byte i (nil for bytes
// never stored).
func (r *Result) Site(i int) *Site {
	if i < 0 || i >= len(r.sites) || r.sites[i] == 0 {
		return nil
	}
	return r.siteTab[r.sites[i]-1]
}

// Clone returns a copy of r that stays valid after the Machine's next run
// (the code, the sites of its bytes and the frame are copied; the sites
// themselves are immutable and shared).
func (r *Result) Clone() *Result {
	c := *r
	c.Code = bytes.Clone(r.Code)
	c.sites = slices.Clone(r.sites)
	c.Frame = slices.Clone(r.Frame)
	return &c
}

// FrameField is one integer member of struct bpf_tramp_jit after a run.
type FrameField struct {
	Name  string
	Value int64
}

// RuntimeError is a failure of the C code while running: an invalid access,
// a division by zero or an exceeded limit.
type RuntimeError struct {
	File string
	Line int
	Msg  string
}

func (e *RuntimeError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// frame is the activation of a file function.
type frame struct {
	m    *Machine
	s    []uint64
	so   int // offset of s in the machine's slot stack
	base uint64
	ret  uint64
}

// Machine runs a Program. It is not safe for concurrent use; create one
// per goroutine.
type Machine struct {
	p       *Program
	lim     Limits
	mem     memory
	cfg     *Config
	steps   int
	depth   int
	cur     Span // the statement being executed
	negLine int
	site    *Site
	trace   bool
	pass    int
	events  []Event
	memDef  map[uint64]Span
	slotDef []Span
	deps    map[Span][]Span
	ctrl    []Span
	root    *Site

	slots  []uint64
	sp     int
	frames []*frame

	gbase   uint64
	gsize   uint64
	arena   *region
	stackLo uint64 // bottom of the stack (grows up)
	stackP  uint64
	heapP   uint64
	image   *region
	imStr   *region
	// ipAfterCallLine and ipEpilogueLine are the lines of the last stores
	// to im->ip_after_call and im->ip_epilogue in this run.
	ipAfterCallLine, ipEpilogueLine int
	progs                           map[uint64]*Prog
	progRegs                        map[uint64]*region // reused between runs
	siteCache                       []siteCacheEntry
	sites                           []int32
	siteTab                         []*Site
	res                             Result
}

func beUint(b []byte, size int) uint64 {
	var v uint64
	for i := range size {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// Address-space layout of a Machine (away from typical kernel addresses).
const (
	arenaBase = 0x0000_0200_0000_0000
	heapSize  = 64 << 10
)

// NewMachine returns a machine for p with limits lim (zero fields take
// DefaultLimits).
func (p *Program) NewMachine(lim Limits) *Machine {
	if lim.Steps <= 0 {
		lim.Steps = DefaultLimits.Steps
	}
	if lim.Depth <= 0 {
		lim.Depth = DefaultLimits.Depth
	}
	if lim.Stack <= 0 {
		lim.Stack = DefaultLimits.Stack
	}
	if lim.Image <= 0 {
		lim.Image = DefaultLimits.Image
	}
	m := &Machine{p: p, lim: lim}
	m.mem.m = m
	m.siteCache = make([]siteCacheEntry, p.nsite)
	m.root = &Site{}
	m.siteTab = []*Site{m.root}
	m.slots = make([]uint64, 4096)
	// One region holds the globals, then the heap, then the stack, so
	// that nearly every access outside the image hits the same region.
	m.gsize = (uint64(len(p.ginit)) + 7) &^ 7
	m.gbase = arenaBase
	m.arena = &region{name: "globals, heap and stack", base: arenaBase, buf: make([]byte, int(m.gsize)+heapSize+lim.Stack)}
	m.image = &region{name: "image"}
	m.imStr = &region{name: "struct bpf_tramp_image", buf: make([]byte, p.env.lay.imSize)}
	m.progs = map[uint64]*Prog{}
	m.progRegs = map[uint64]*region{}
	return m
}

// Env returns the environment model the machine's program was compiled
// with.
func (m *Machine) Env() *Env { return m.p.env }

// fail stops the run with a RuntimeError at the current line.
func (m *Machine) fail(format string, args ...any) {
	panic(&RuntimeError{File: m.p.file.Name, Line: m.cur.Lo, Msg: fmt.Sprintf(format, args...)})
}

func (m *Machine) storeSite() *Site {
	if m.site.Macro != "" {
		return m.site
	}
	return m.child(m.site, m.cur.Lo, "", "")
}

// imStore notes the line of a store at offset off of the struct
// bpf_tramp_image.
func (m *Machine) imStore(off int) {
	switch off {
	case m.p.env.lay.imIPAfterCall:
		m.ipAfterCallLine = m.cur.Lo
	case m.p.env.lay.imIPEpilogue:
		m.ipEpilogueLine = m.cur.Lo
	}
}

func (m *Machine) funcAddr(name string) uint64 {
	m.fail("the address of function %s is not modelled", name)
	return 0
}

func (m *Machine) progHook(p uint64, enter bool) uint64 {
	pr, ok := m.progs[p]
	if !ok {
		m.fail("bpf_trampoline_enter/exit of %#x, which is no program of the configuration", p)
	}
	if enter {
		return pr.Enter
	}
	return pr.Exit
}

func (m *Machine) memset(p uint64, v byte, n uint64) {
	if n > uint64(m.lim.Image)+uint64(m.lim.Stack) {
		m.fail("memset of %d bytes exceeds the memory limit", n)
	}
	b, r, off := m.mem.bytes(p, int(n))
	for i := range b {
		b[i] = v
	}
	if r != nil && r.sites != nil {
		s := m.storeSite().id + 1
		for i := range b {
			r.sites[off+i] = s
		}
	}
	if m.trace {
		for i := range min(len(b), 4096) {
			m.memDef[p+uint64(i)] = m.cur
		}
	}
}

// call runs file function fn with arguments vals (already converted).
func (m *Machine) call(fn *function, vals []uint64, line int, span Span, sid int) uint64 {
	m.depth++
	if m.depth > m.lim.Depth {
		m.fail("call depth limit of %d exceeded calling %s (runaway recursion?)", m.lim.Depth, fn.name)
	}
	m.steps--
	if m.steps < 0 {
		m.fail("step limit of %d exceeded", m.lim.Steps)
	}
	if fn.body == nil {
		m.fail("%s is not compiled", fn.name)
	}
	for len(m.frames) <= m.depth {
		m.frames = append(m.frames, &frame{m: m})
	}
	fr := m.frames[m.depth]
	sp := m.sp
	if sp+fn.nslots > len(m.slots) {
		m.fail("too many locals (call depth %d)", m.depth)
	}
	fr.s = m.slots[sp : sp+fn.nslots]
	fr.so = sp
	clear(fr.s)
	m.sp += fn.nslots
	stackP := m.stackP
	if fn.memSize > 0 {
		size := uint64(fn.memSize+7) &^ 7
		if m.stackP+size > m.stackLo+uint64(m.lim.Stack) {
			m.fail("stack limit of %d bytes exceeded in %s", m.lim.Stack, fn.name)
		}
		fr.base = m.stackP
		m.stackP += size
		off := fr.base - m.arena.base
		clear(m.arena.buf[off : off+size])
	}
	fr.ret = 0
	for i, p := range fn.params {
		if i >= len(vals) {
			break
		}
		if p.slot >= 0 {
			fr.s[p.slot] = vals[i]
			if m.trace {
				m.slotDef[sp+p.slot] = span
			}
		} else {
			savedCur := m.cur
			m.cur = span
			m.mem.store(fr.base+uint64(p.off), p.t.size, vals[i])
			m.cur = savedCur
		}
	}
	saved, savedCur := m.site, m.cur
	if line > 0 && (fn.calls || m.trace) {
		m.site = m.cachedChild(sid, saved, line, "", fn.name)
	}
	fn.body(fr)
	m.site, m.cur = saved, savedCur
	r := fr.ret
	m.sp = sp
	m.stackP = stackP
	m.depth--
	return r
}

// heapAlloc reserves n zeroed bytes of the heap part of the arena.
func (m *Machine) heapAlloc(n int) (uint64, error) {
	n = (n + 7) &^ 7
	if m.heapP+uint64(n) > arenaBase+m.gsize+heapSize {
		return 0, errors.New("configuration too large for the heap")
	}
	a := m.heapP
	m.heapP += uint64(n)
	return a, nil
}

// setup lays out the configuration in memory.
func (m *Machine) setup(cfg *Config) (mPtr, linksPtr uint64, err error) {
	m.cfg = cfg
	m.steps = m.lim.Steps
	m.depth, m.sp, m.cur, m.negLine, m.pass = 0, 0, Span{}, 0, 1
	m.site = m.root
	copy(m.arena.buf, m.p.ginit)
	if m.heapP > arenaBase {
		clear(m.arena.buf[m.gsize : m.heapP-arenaBase]) // what the last run used
	}
	m.heapP = arenaBase + m.gsize
	m.stackLo = arenaBase + m.gsize + heapSize
	m.stackP = m.stackLo
	clear(m.progs)
	m.mem.regs = m.mem.regs[:0]
	m.mem.last = nil
	_ = m.mem.add(m.arena)
	m.imStr.base = cfg.Im
	clear(m.imStr.buf)
	m.ipAfterCallLine, m.ipEpilogueLine = 0, 0
	if err := m.mem.add(m.imStr); err != nil {
		return 0, 0, fmt.Errorf("config: %v", err)
	}
	lay := &m.p.env.lay
	if mPtr, err = m.heapAlloc(lay.modelSize); err != nil {
		return 0, 0, err
	}
	mb := m.arena.buf[mPtr-arenaBase:]
	mb[lay.modelRetSize], mb[lay.modelRetFlags], mb[lay.modelNrArgs] = cfg.Model.RetSize, cfg.Model.RetFlags, cfg.Model.NrArgs
	copy(mb[lay.modelArgSize:lay.modelArgSize+min(lay.modelArgSizeN, len(cfg.Model.ArgSize))], cfg.Model.ArgSize[:])
	copy(mb[lay.modelArgFlags:lay.modelArgFlags+min(lay.modelArgFlagsN, len(cfg.Model.ArgFlags))], cfg.Model.ArgFlags[:])
	if linksPtr, err = m.heapAlloc(3 * lay.linksSize); err != nil {
		return 0, 0, err
	}
	for kind, links := range cfg.Links {
		if len(links) > lay.linksN {
			return 0, 0, fmt.Errorf("config: %d links of kind %d, at most %d", len(links), kind, lay.linksN)
		}
		tl := linksPtr + uint64(kind*lay.linksSize)
		putBE(m.arena.buf[tl+uint64(lay.linksNr)-arenaBase:], 4, uint64(len(links)))
		for i := range links {
			l := &links[i]
			la, err := m.heapAlloc(lay.tlinkSize)
			if err != nil {
				return 0, 0, err
			}
			putBE(m.arena.buf[tl+uint64(lay.linksLinks+8*i)-arenaBase:], 8, la)
			pa := l.Prog.Addr
			if pa == 0 {
				if pa, err = m.heapAlloc(lay.progSize); err != nil {
					return 0, 0, err
				}
			} else if _, dup := m.progs[pa]; !dup {
				r, ok := m.progRegs[pa]
				if !ok {
					if len(m.progRegs) > 1024 {
						clear(m.progRegs)
					}
					r = &region{name: fmt.Sprintf("struct bpf_prog at %#x", pa), base: pa, buf: make([]byte, lay.progSize)}
					m.progRegs[pa] = r
				}
				clear(r.buf)
				if err := m.mem.add(r); err != nil {
					return 0, 0, fmt.Errorf("config: %v", err)
				}
			}
			m.progs[pa] = &l.Prog
			putBE(m.arena.buf[la+uint64(lay.tlinkLink+lay.linkProg)-arenaBase:], 8, pa)
			putBE(m.arena.buf[la+uint64(lay.tlinkCookie)-arenaBase:], 8, l.Cookie)
			m.mem.store(pa+uint64(lay.progBpfFunc), 8, l.Prog.BpfFunc)
			// The jited bit-field is modelled as the byte at the offset
			// of its storage unit (see ProgJitedOff).
			if l.Prog.Jited {
				m.mem.store(pa+uint64(lay.progJited), 1, 1)
			} else {
				m.mem.store(pa+uint64(lay.progJited), 1, 0)
			}
		}
	}
	return mPtr, linksPtr, nil
}

// callFunc runs the file function name with integer arguments on an empty
// configuration (for tests of the C semantics).
func (m *Machine) callFunc(name string, args ...uint64) (r uint64, err error) {
	defer func() {
		if x := recover(); x != nil {
			re, ok := x.(*RuntimeError)
			if !ok {
				panic(x)
			}
			err = re
		}
	}()
	fn, ok := m.p.funcs[name]
	if !ok {
		return 0, fmt.Errorf("%s is not compiled", name)
	}
	if _, _, err := m.setup(&Config{Im: 0x10000}); err != nil {
		return 0, err
	}
	return m.call(fn, args, 0, Span{}, -1), nil
}

// Run executes arch_bpf_trampoline_size and then arch_prepare_bpf_trampoline
// of the file for cfg, with image_end = image + size, as the kernel does.
// Errors are *RuntimeError (the C code failed) or configuration errors.
func (m *Machine) Run(cfg *Config) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, ok := r.(*RuntimeError)
			if !ok {
				re = &RuntimeError{File: m.p.file.Name, Line: m.cur.Lo, Msg: fmt.Sprintf("internal error of the interpreter: %v", r)}
			}
			res, err = nil, re
		}
	}()
	if m.p.sizeFn == nil || m.p.prepFn == nil {
		return nil, fmt.Errorf("%s: the file defines no %s or %s", m.p.file.Name, EntrySize, EntryPrepare)
	}
	mPtr, linksPtr, err := m.setup(cfg)
	if err != nil {
		return nil, err
	}
	flags := uint64(cfg.Flags)
	size := int64(int32(m.call(m.p.sizeFn, []uint64{mPtr, flags, linksPtr, cfg.FuncAddr}, 0, Span{}, -1)))
	res = &m.res
	*res = Result{Size: int(size), Frame: res.Frame[:0]}
	if size < 0 {
		res.Ret = int(size)
		res.Steps = m.lim.Steps - m.steps
		res.RetLine = m.negLine
		return res, nil
	}
	if size > int64(m.lim.Image) {
		return nil, &RuntimeError{
			File: m.p.file.Name, Line: m.p.sizeFn.line,
			Msg: fmt.Sprintf("trampoline size %d exceeds the image limit of %d bytes", size, m.lim.Image),
		}
	}
	// The region is larger than the image so that a writing pass that emits
	// more than the sizing pass is seen (as a divergence), not a crash.
	n := int(size)*2 + 64
	if cap(m.image.buf) < n {
		m.image.buf = make([]byte, n)
		m.sites = make([]int32, n)
	}
	m.image.buf = m.image.buf[:n]
	m.image.sites = m.sites[:n]
	clear(m.image.buf)
	clear(m.image.sites)
	m.image.base = cfg.Image
	if err := m.mem.add(m.image); err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	m.site = m.root
	m.cur = Span{}
	m.pass = 2
	ret := int64(int32(m.call(m.p.prepFn, []uint64{cfg.Im, cfg.Image, cfg.Image + uint64(size), mPtr, flags, linksPtr, cfg.FuncAddr}, 0, Span{}, -1)))
	res.Ret = int(ret)
	res.Steps = m.lim.Steps - m.steps
	res.RetLine = m.negLine
	lay := &m.p.env.lay
	res.IPAfterCall = beUint(m.imStr.buf[lay.imIPAfterCall:], 8)
	res.IPEpilogue = beUint(m.imStr.buf[lay.imIPEpilogue:], 8)
	res.IPAfterCallLine, res.IPEpilogueLine = m.ipAfterCallLine, m.ipEpilogueLine
	if l := m.p.frame; l != nil {
		// The prepare function ran at depth 1: its locals start at the
		// bottom of the stack, and nothing ran after it returned.
		base := m.stackLo + uint64(l.off) - m.arena.base
		for _, f := range m.p.frameFields {
			v := norm(f.typ, beUint(m.arena.buf[base+uint64(f.off):], f.typ.size))
			res.Frame = append(res.Frame, FrameField{Name: f.name, Value: int64(v)})
		}
	}
	if ret > 0 {
		if ret > int64(n) {
			ret = int64(n)
		}
		res.Code = m.image.buf[:ret]
		res.sites = m.image.sites[:ret]
		res.siteTab = m.siteTab
	}
	return res, nil
}
