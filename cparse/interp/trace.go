package interp

import (
	"fmt"

	"modernc.org/cc/v4"
)

// Span is a range of C lines, Lo <= Hi; the zero Span is unknown.
type Span struct{ Lo, Hi int }

func (s Span) String() string {
	switch s.Lo {
	case 0:
		return "no line"
	case s.Hi:
		return fmt.Sprintf("line %d", s.Lo)
	}
	return fmt.Sprintf("lines %d-%d", s.Lo, s.Hi)
}

// Input is a variable or member an EMIT or a condition reads, with the
// statement that last wrote it (zero when the configuration set it).
type Input struct {
	Name string
	Def  Span
}

// Event kinds of a trace.
const (
	EventEmit   = 'e' // an EMIT call site is entered
	EventBranch = 'b' // a condition of if, switch or a loop was decided
	EventStore  = 's' // bytes were stored into the image
)

// Event is one step of a traced run (RunTrace), in execution order.
type Event struct {
	Kind   byte
	Pass   int   // 1 for arch_bpf_trampoline_size, 2 for the writing call
	Site   *Site // EventEmit, EventStore
	Span   Span  // the condition (EventBranch) or the statement
	Taken  bool  // EventBranch
	Off    int   // EventStore: image offset
	Inputs []Input
	// InEmit is set for conditions decided inside an EMIT macro or a
	// function it calls (the macros' own bookkeeping); EventBranch only.
	InEmit bool
}

// watch is an lvalue whose last writer a traced run reports.
type watch struct {
	name string
	slot int
	addr evalFn
}

// watches compiles the plain variables and member chains that n reads.
func (c *compiler) watches(n cc.Node) []watch {
	var out []watch
	seen := map[string]bool{}
	walk(n, func(x any) bool {
		switch y := x.(type) {
		case *cc.PostfixExpression:
			if y.Case != cc.PostfixExpressionSelect && y.Case != cc.PostfixExpressionPSelect {
				return true
			}
			if base := chainBase(y); base == "" {
				return true
			}
			name := exprText(y)
			if seen[name] {
				return false
			}
			seen[name] = true
			saved := c.inMacro
			e, err := c.exprNode(y)
			c.inMacro = saved
			if err == nil && e.addr != nil && e.t.isScalar() {
				out = append(out, watch{name: name, slot: -1, addr: e.addr})
			}
			return false
		case *cc.PrimaryExpression:
			if y.Case != cc.PrimaryExpressionIdent {
				return true
			}
			name := y.Token.SrcStr()
			l, ok := c.lookupLocal(name)
			if !ok || seen[name] || !l.t.isScalar() {
				return true
			}
			seen[name] = true
			if l.slot >= 0 {
				out = append(out, watch{name: name, slot: l.slot})
			} else {
				e := localExpr(l)
				out = append(out, watch{name: name, slot: -1, addr: e.addr})
			}
		}
		return true
	})
	return out
}

// chainBase returns the identifier at the root of a member chain.
func chainBase(n cc.ExpressionNode) string {
	for {
		p, ok := n.(*cc.PostfixExpression)
		if !ok {
			return identOf(n)
		}
		switch p.Case {
		case cc.PostfixExpressionSelect, cc.PostfixExpressionPSelect:
			n = p.PostfixExpression
		case cc.PostfixExpressionPrimary:
			return identOf(p)
		default:
			return ""
		}
	}
}

// exprText renders a member chain ("tjit->retval_off").
func exprText(n cc.ExpressionNode) string {
	if p, ok := n.(*cc.PostfixExpression); ok {
		switch p.Case {
		case cc.PostfixExpressionSelect, cc.PostfixExpressionPSelect:
			return exprText(p.PostfixExpression) + p.Token.SrcStr() + p.Token2.SrcStr()
		}
	}
	return identOf(n)
}

// inputs evaluates the watches of a traced run.
func (m *Machine) inputs(fr *frame, ws []watch) []Input {
	out := make([]Input, 0, len(ws))
	for _, w := range ws {
		in := Input{Name: w.name}
		if w.slot >= 0 {
			in.Def = m.slotDef[fr.so+w.slot]
		} else {
			func() {
				defer func() { _ = recover() }()
				in.Def = m.memDef[w.addr(fr)]
			}()
		}
		out = append(out, in)
	}
	return out
}

func (m *Machine) event(e Event) {
	e.Pass = m.pass
	for s := m.site; s != nil && e.Kind == EventBranch; s = s.Parent {
		if s.Macro != "" {
			e.InEmit = true
			break
		}
	}
	m.events = append(m.events, e)
}

// RunTrace is Run with a trace: EMIT sites entered (with the statements
// that last wrote what their arguments read), conditions decided and image
// stores, for explaining a divergence. It is much slower than Run.
func (m *Machine) RunTrace(cfg *Config) (*Result, []Event, error) {
	m.trace = true
	m.events = m.events[:0]
	if m.memDef == nil {
		m.memDef = map[uint64]Span{}
	}
	clear(m.memDef)
	if m.slotDef == nil {
		m.slotDef = make([]Span, len(m.slots))
	}
	clear(m.slotDef)
	m.deps = map[Span][]Span{}
	m.ctrl = m.ctrl[:0]
	defer func() { m.trace = false }()
	res, err := m.Run(cfg)
	return res, m.events, err
}

// FrameDefs returns, after RunTrace, the statement that last wrote each
// integer member of the generator's struct bpf_tramp_jit.
func (m *Machine) FrameDefs() map[string]Span {
	out := map[string]Span{}
	l := m.p.frame
	if l == nil || m.memDef == nil {
		return out
	}
	base := m.stackLo + uint64(l.off)
	for _, f := range m.p.frameFields {
		out[f.name] = m.memDef[base+uint64(f.off)]
	}
	return out
}

// noteStmt records what a statement read and the condition it ran under.
func (m *Machine) noteStmt(fr *frame, sp Span, ws []watch) {
	d := m.deps[sp]
	add := func(x Span) {
		if x.Lo == 0 || x == sp {
			return
		}
		for _, y := range d {
			if y == x {
				return
			}
		}
		d = append(d, x)
	}
	for _, in := range m.inputs(fr, ws) {
		add(in.Def)
	}
	if n := len(m.ctrl); n > 0 {
		add(m.ctrl[n-1])
	}
	m.deps[sp] = d
}

// Deps returns, after RunTrace, the statement-level dependences of the
// run: for each statement (by its lines), the statements that last wrote
// what it read and the condition it ran under.
func (m *Machine) Deps() map[Span][]Span { return m.deps }
