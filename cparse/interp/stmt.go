package interp

import (
	"modernc.org/cc/v4"
)

func seq(stmts []stmtFn) stmtFn {
	switch len(stmts) {
	case 0:
		return func(*frame) ctl { return ctlNext }
	case 1:
		return stmts[0]
	case 2:
		a, b := stmts[0], stmts[1]
		return func(fr *frame) ctl {
			if r := a(fr); r != ctlNext {
				return r
			}
			return b(fr)
		}
	}
	return func(fr *frame) ctl {
		for _, s := range stmts {
			if r := s(fr); r != ctlNext {
				return r
			}
		}
		return ctlNext
	}
}

// compound compiles a block; newScope is false for a function body whose
// scope already holds the parameters.
func (c *compiler) compound(cs *cc.CompoundStatement, newScope bool) (stmtFn, error) {
	if newScope {
		c.sc = &scope{parent: c.sc, names: map[string]*local{}}
		defer func() { c.sc = c.sc.parent }()
	}
	var items []*cc.BlockItem
	for l := cs.BlockItemList; l != nil; l = l.BlockItemList {
		items = append(items, l.BlockItem)
	}
	stmts, err := c.items(items)
	if err != nil {
		return nil, err
	}
	return seq(stmts), nil
}

func (c *compiler) items(items []*cc.BlockItem) ([]stmtFn, error) {
	var out []stmtFn
	for _, it := range items {
		if it == nil {
			continue
		}
		switch it.Case {
		case cc.BlockItemDecl:
			ss, err := c.declaration(it.Declaration)
			if err != nil {
				return nil, err
			}
			out = append(out, ss...)
		case cc.BlockItemStmt:
			s, err := c.stmt(it.Statement)
			if err != nil {
				return nil, err
			}
			if s != nil {
				out = append(out, s)
			}
		default:
			return nil, c.errf(it, "unsupported block item")
		}
	}
	return out, nil
}

// declaration compiles a block-scope declaration into initialising statements.
func (c *compiler) declaration(d *cc.Declaration) ([]stmtFn, error) {
	if d.Case != cc.DeclarationDecl {
		return nil, nil // static assertions and auto declarations need no code
	}
	ds := d.DeclarationSpecifiers
	if hasStorage(ds, cc.StorageClassSpecifierTypedef) {
		return nil, c.errf(d, "block-scope typedefs are not supported")
	}
	c.scanSpecs(ds)
	base, err := c.specType(ds)
	if err != nil {
		return nil, err
	}
	var out []stmtFn
	for il := d.InitDeclaratorList; il != nil; il = il.InitDeclaratorList {
		id := il.InitDeclarator
		name, t, err := c.declType(base, id.Declarator)
		if err != nil {
			return nil, err
		}
		if t.kind == kFunc || name == "__func__" {
			continue // a block-scope function declaration, cc's implicit __func__
		}
		if t.kind == kArray && t.n < 0 && id.Initializer != nil {
			n, err := c.initLen(id.Initializer)
			if err != nil {
				return nil, err
			}
			t = arrayOf(t.elem, n)
		}
		if t.kind == kStruct && !t.st.complete {
			return nil, c.errf(id, "variable %s has incomplete %s", name, t)
		}
		if hasStorage(ds, cc.StorageClassSpecifierStatic) {
			return nil, c.errf(id, "static local %s is not supported", name)
		}
		var init *expr
		var list bool
		if in := id.Initializer; in != nil {
			if in.Case == cc.InitializerExpr {
				if init, err = c.exprNode(in.AssignmentExpression); err != nil {
					return nil, err
				}
			} else {
				list = true
			}
		}
		// Declare after compiling the initializer: "int x = x" is not ours.
		l := c.declare(name, t)
		l.noInit = l.slot >= 0 && id.Initializer == nil
		le := localExpr(l)
		line := c.span(id)
		switch {
		case init != nil:
			if t.kind == kStruct {
				e, err := c.structCopy(id, le, init)
				if err != nil {
					return nil, err
				}
				ev := e.eval
				out = append(out, func(fr *frame) ctl { ev(fr); return ctlNext })
				continue
			}
			st, err := c.storer(le, id)
			if err != nil {
				return nil, err
			}
			v, err := c.convert(init, t, id)
			if err != nil {
				return nil, err
			}
			if s := le.slot; s >= 0 {
				// st inline: the register local's store.
				out = append(out, c.traced(id, line, func(fr *frame) ctl {
					x := v(fr)
					fr.s[s] = x
					if fr.m.trace {
						fr.m.slotDef[fr.so+s] = fr.m.cur
					}
					return ctlNext
				}))
				continue
			}
			out = append(out, c.traced(id, line, func(fr *frame) ctl { st(fr, v(fr)); return ctlNext }))
		case list:
			s, err := c.localInit(le, id.Initializer)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		case l.slot >= 0:
			s := l.slot
			out = append(out, func(fr *frame) ctl { fr.s[s] = unassigned; return ctlNext })
		}
		// Memory locals are zeroed at function entry.
	}
	return out, nil
}

// localInit zeroes a local aggregate and stores the listed scalars.
func (c *compiler) localInit(le *expr, in *cc.Initializer) (stmtFn, error) {
	type part struct {
		off  uint64
		size int
		v    evalFn
	}
	var parts []part
	var collect func(t *ctype, off int, in *cc.Initializer) error
	collect = func(t *ctype, off int, in *cc.Initializer) error {
		if in.Case == cc.InitializerExpr {
			e, err := c.exprNode(in.AssignmentExpression)
			if err != nil {
				return err
			}
			if !t.isScalar() {
				return c.errf(in, "unsupported initializer for %s", t)
			}
			v, err := c.convert(e, t, in)
			if err != nil {
				return err
			}
			parts = append(parts, part{uint64(off), t.size, v})
			return nil
		}
		idx := 0
		for l := in.InitializerList; l != nil; l = l.InitializerList {
			if l.Designation != nil {
				return c.errf(l, "designated initializers of locals are not supported")
			}
			switch t.kind {
			case kArray:
				if err := collect(t.elem, off+idx*t.elem.size, l.Initializer); err != nil {
					return err
				}
			case kStruct:
				if idx >= len(t.st.fields) {
					return c.errf(l, "too many initializers")
				}
				f := t.st.fields[idx]
				if err := collect(f.typ, off+f.off, l.Initializer); err != nil {
					return err
				}
			default:
				if idx == 0 {
					if err := collect(t, off, l.Initializer); err != nil {
						return err
					}
				}
			}
			idx++
		}
		return nil
	}
	if err := collect(le.t, 0, in); err != nil {
		return nil, err
	}
	if le.slot >= 0 {
		s := le.slot
		var v evalFn
		if len(parts) > 0 {
			v = parts[0].v
		}
		return func(fr *frame) ctl {
			fr.s[s] = 0
			if v != nil {
				fr.s[s] = v(fr)
			}
			return ctlNext
		}, nil
	}
	addr, size := le.addr, le.t.size
	return func(fr *frame) ctl {
		a := addr(fr)
		b, _, _ := fr.m.mem.bytes(a, size)
		clear(b)
		for _, p := range parts {
			fr.m.mem.store(a+p.off, p.size, p.v(fr))
		}
		return ctlNext
	}, nil
}

// lined wraps a statement so that it records its C line (for the sites of
// stores outside EMIT macros and for error messages).
func (c *compiler) lined(sp Span, s stmtFn) stmtFn {
	if c.inMacro > 0 {
		return s
	}
	return func(fr *frame) ctl {
		fr.m.cur = sp
		return s(fr)
	}
}

// traced is lined for a statement whose inputs a traced run records (the
// variables n reads and the condition the statement runs under).
func (c *compiler) traced(n cc.Node, sp Span, s stmtFn) stmtFn {
	if c.inMacro > 0 {
		return s
	}
	ws := c.watches(n)
	return func(fr *frame) ctl {
		m := fr.m
		m.cur = sp
		if m.trace {
			m.noteStmt(fr, sp, ws)
		}
		return s(fr)
	}
}

// condSpan is the span of a statement's keyword and condition.
func (c *compiler) condSpan(kw cc.Token, conds ...cc.ExpressionNode) Span {
	if c.inMacro > 0 {
		return Span{c.siteLine, c.siteLine}
	}
	sp := Span{kw.Position().Line, kw.Position().Line}
	for _, e := range conds {
		if e == nil {
			continue
		}
		s := spanOf(e)
		if s.Lo > 0 {
			sp.Lo, sp.Hi = min(sp.Lo, s.Lo), max(sp.Hi, s.Hi)
		}
	}
	return sp
}

// branch returns cond wrapped to record its decisions in traced runs.
func (c *compiler) branch(sp Span, n cc.Node, cond evalFn) evalFn {
	ws := c.watches(n)
	inMacro := c.inMacro > 0
	return func(fr *frame) uint64 {
		v := cond(fr)
		if m := fr.m; m.trace {
			m.event(Event{Kind: EventBranch, Span: sp, Taken: v != 0, Inputs: m.inputs(fr, ws)})
			if !inMacro {
				m.noteStmt(fr, sp, ws)
			}
		}
		return v
	}
}

func (c *compiler) stmt(s *cc.Statement) (stmtFn, error) {
	switch s.Case {
	case cc.StatementCompound:
		return c.compound(s.CompoundStatement, true)
	case cc.StatementExpr:
		es := s.ExpressionStatement
		if es.ExpressionList == nil {
			return nil, nil
		}
		e, err := c.exprNode(es.ExpressionList)
		if err != nil {
			return nil, err
		}
		ev := e.eval
		if c.inMacro > 0 {
			return func(fr *frame) ctl { ev(fr); return ctlNext }, nil
		}
		sp, ws := c.span(es), c.watches(es)
		return func(fr *frame) ctl {
			m := fr.m
			m.cur = sp
			if m.trace {
				m.noteStmt(fr, sp, ws)
			}
			ev(fr)
			return ctlNext
		}, nil
	case cc.StatementSelection:
		return c.selection(s.SelectionStatement)
	case cc.StatementIteration:
		return c.iteration(s.IterationStatement)
	case cc.StatementJump:
		return c.jump(s.JumpStatement)
	case cc.StatementLabeled:
		return nil, c.errf(s, "labels outside a switch are not supported")
	case cc.StatementAsm:
		return nil, c.errf(s, "inline assembly is not supported")
	}
	return nil, c.errf(s, "unsupported statement")
}

// condOf compiles a controlling expression; the result is only tested
// against zero.
func (c *compiler) condOf(n cc.ExpressionNode, at cc.Node) (evalFn, error) {
	e, err := c.exprNode(n)
	if err != nil {
		return nil, err
	}
	if !valueType(e).isScalar() {
		return nil, c.errf(at, "%s used as a condition", e.t)
	}
	return e.eval, nil
}

func (c *compiler) selection(s *cc.SelectionStatement) (stmtFn, error) {
	cond, err := c.condOf(s.ExpressionList, s)
	if err != nil {
		return nil, err
	}
	line := c.condSpan(s.Token, s.ExpressionList)
	raw := cond
	if s.Case != cc.SelectionStatementSwitch {
		cond = c.branch(line, s.ExpressionList, cond)
	}
	switch s.Case {
	case cc.SelectionStatementIf, cc.SelectionStatementIfElse:
		then, err := c.stmtOrEmpty(s.Statement)
		if err != nil {
			return nil, err
		}
		els := func(*frame) ctl { return ctlNext }
		if s.Case == cc.SelectionStatementIfElse {
			if els, err = c.stmtOrEmpty(s.Statement2); err != nil {
				return nil, err
			}
		}
		// The untraced run takes one closure for lined, branch and the
		// selection: it sets the line (as lined does outside macros) and
		// evaluates the bare condition (branch records only when tracing).
		// A traced run takes the general path below.
		hasElse := s.Case == cc.SelectionStatementIfElse
		general := c.lined(line, func(fr *frame) ctl {
			m := fr.m
			taken := cond(fr) != 0
			if m.trace {
				m.ctrl = append(m.ctrl, line)
				var r ctl
				if taken {
					r = then(fr)
				} else {
					r = els(fr)
				}
				m.ctrl = m.ctrl[:len(m.ctrl)-1]
				return r
			}
			if taken {
				return then(fr)
			}
			return els(fr)
		})
		inMacro := c.inMacro > 0
		return func(fr *frame) ctl {
			m := fr.m
			if m.trace {
				return general(fr)
			}
			if !inMacro {
				m.cur = line
			}
			if raw(fr) != 0 {
				return then(fr)
			}
			if hasElse {
				return els(fr)
			}
			return ctlNext
		}, nil
	case cc.SelectionStatementSwitch:
		return c.switchStmt(s)
	}
	return nil, c.errf(s, "unsupported selection statement")
}

func (c *compiler) stmtOrEmpty(s *cc.Statement) (stmtFn, error) {
	f, err := c.stmt(s)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return func(*frame) ctl { return ctlNext }, nil
	}
	return f, nil
}

// switchStmt flattens the body of a switch into a statement list with the
// case labels as entry points.
func (c *compiler) switchStmt(s *cc.SelectionStatement) (stmtFn, error) {
	e, err := c.exprNode(s.ExpressionList)
	if err != nil {
		return nil, err
	}
	t := promote(valueType(e))
	val, err := c.convert(e, t, s)
	if err != nil {
		return nil, err
	}
	if s.Statement.Case != cc.StatementCompound {
		return nil, c.errf(s, "switch without a block is not supported")
	}
	c.sc = &scope{parent: c.sc, names: map[string]*local{}}
	defer func() { c.sc = c.sc.parent }()
	var body []stmtFn
	cases := map[uint64]int{}
	def := -1
	for l := s.Statement.CompoundStatement.BlockItemList; l != nil; l = l.BlockItemList {
		it := l.BlockItem
		st := it.Statement
		for it.Case == cc.BlockItemStmt && st.Case == cc.StatementLabeled {
			ls := st.LabeledStatement
			switch ls.Case {
			case cc.LabeledStatementCaseLabel:
				ce, err := c.exprNode(ls.ConstantExpression)
				if err != nil {
					return nil, err
				}
				if !ce.isConst {
					return nil, c.errf(ls, "case label is not constant")
				}
				cases[norm(t, ce.c)] = len(body)
			case cc.LabeledStatementDefault:
				def = len(body)
			default:
				return nil, c.errf(ls, "unsupported label in switch")
			}
			st = ls.Statement
		}
		if it.Case == cc.BlockItemStmt {
			f, err := c.stmt(st)
			if err != nil {
				return nil, err
			}
			if f == nil {
				f = func(*frame) ctl { return ctlNext }
			}
			body = append(body, f)
			continue
		}
		ss, err := c.items([]*cc.BlockItem{it})
		if err != nil {
			return nil, err
		}
		body = append(body, ss...)
	}
	sp := c.condSpan(s.Token, s.ExpressionList)
	ws := c.watches(s.ExpressionList)
	return c.lined(sp, func(fr *frame) ctl {
		v := val(fr)
		if m := fr.m; m.trace {
			m.event(Event{Kind: EventBranch, Span: sp, Taken: true, Inputs: m.inputs(fr, ws)})
		}
		start, ok := cases[v]
		if !ok {
			if def < 0 {
				return ctlNext
			}
			start = def
		}
		for _, f := range body[start:] {
			switch r := f(fr); r {
			case ctlBreak:
				return ctlNext
			case ctlNext:
			default:
				return r
			}
		}
		return ctlNext
	}), nil
}

func (c *compiler) iteration(s *cc.IterationStatement) (stmtFn, error) {
	c.sc = &scope{parent: c.sc, names: map[string]*local{}}
	defer func() { c.sc = c.sc.parent }()
	var init stmtFn
	var cond, post evalFn
	var err error
	switch s.Case {
	case cc.IterationStatementFor:
		if s.ExpressionList != nil {
			e, err := c.exprNode(s.ExpressionList)
			if err != nil {
				return nil, err
			}
			ev := e.eval
			init = func(fr *frame) ctl { ev(fr); return ctlNext }
		}
		if s.ExpressionList2 != nil {
			if cond, err = c.condOf(s.ExpressionList2, s); err != nil {
				return nil, err
			}
		}
		if s.ExpressionList3 != nil {
			e, err := c.exprNode(s.ExpressionList3)
			if err != nil {
				return nil, err
			}
			post = e.eval
		}
	case cc.IterationStatementForDecl:
		ss, err := c.declaration(s.Declaration)
		if err != nil {
			return nil, err
		}
		init = seq(ss)
		if s.ExpressionList != nil {
			if cond, err = c.condOf(s.ExpressionList, s); err != nil {
				return nil, err
			}
		}
		if s.ExpressionList2 != nil {
			e, err := c.exprNode(s.ExpressionList2)
			if err != nil {
				return nil, err
			}
			post = e.eval
		}
	case cc.IterationStatementWhile, cc.IterationStatementDo:
		if cond, err = c.condOf(s.ExpressionList, s); err != nil {
			return nil, err
		}
	}
	hdr := c.condSpan(s.Token, s.ExpressionList, s.ExpressionList2, s.ExpressionList3)
	if s.Case == cc.IterationStatementDo {
		hdr = c.condSpan(s.Token2, s.ExpressionList)
	}
	if cond != nil {
		var cn cc.Node = s.ExpressionList
		if s.Case == cc.IterationStatementFor {
			cn = s.ExpressionList2
		}
		cond = c.branch(hdr, cn, cond)
	}
	body, err := c.stmtOrEmpty(s.Statement)
	if err != nil {
		return nil, err
	}
	do := s.Case == cc.IterationStatementDo
	return c.lined(hdr, func(fr *frame) ctl {
		m := fr.m
		if init != nil {
			init(fr)
		}
		first := do
		for {
			if !first && cond != nil && cond(fr) == 0 {
				return ctlNext
			}
			first = false
			if m.trace {
				m.ctrl = append(m.ctrl, hdr)
			}
			m.steps--
			if m.steps < 0 {
				m.cur = hdr
				m.fail("step limit of %d exceeded (runaway loop?)", m.lim.Steps)
			}
			r := body(fr)
			if m.trace {
				m.ctrl = m.ctrl[:len(m.ctrl)-1]
			}
			switch r {
			case ctlBreak:
				return ctlNext
			case ctlReturn:
				return ctlReturn
			}
			if post != nil {
				post(fr)
			}
		}
	}), nil
}

func (c *compiler) jump(s *cc.JumpStatement) (stmtFn, error) {
	switch s.Case {
	case cc.JumpStatementBreak:
		return func(*frame) ctl { return ctlBreak }, nil
	case cc.JumpStatementContinue:
		return func(*frame) ctl { return ctlContinue }, nil
	case cc.JumpStatementReturn:
		if s.ExpressionList == nil {
			return func(*frame) ctl { return ctlReturn }, nil
		}
		e, err := c.exprNode(s.ExpressionList)
		if err != nil {
			return nil, err
		}
		rt := c.fn.ret
		if c.inMacro > 0 {
			return nil, c.errf(s, "return inside a macro expansion is not supported")
		}
		v, err := c.convert(e, rt, s)
		if err != nil {
			return nil, err
		}
		line := c.line(s)
		sp := c.span(s)
		if rt.kind == kInt && rt.signed {
			return c.traced(s, sp, func(fr *frame) ctl {
				fr.ret = v(fr)
				if int64(fr.ret) < 0 && fr.m.negLine == 0 {
					fr.m.negLine = line
				}
				return ctlReturn
			}), nil
		}
		return c.traced(s, sp, func(fr *frame) ctl { fr.ret = v(fr); return ctlReturn }), nil
	}
	return nil, c.errf(s, "goto is not supported")
}
