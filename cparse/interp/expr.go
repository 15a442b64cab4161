package interp

import (
	"strconv"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
	"modernc.org/cc/v4"
)

// evalFn computes a value in a frame.
type evalFn func(*frame) uint64

// expr is a compiled C expression.
type expr struct {
	t    *ctype
	eval evalFn // rvalue; for arrays and structs the address
	// Lvalues: addr computes the address of a memory object; slot >= 0 names
	// a register local of the frame.
	addr    evalFn
	slot    int
	isConst bool
	c       uint64
	fn      *function // function designator of the file
	builtin string    // name of an environment function designator
	// site is set on a macro invocation's value: its eval records the
	// invocation (even when the value is constant), so a constant site is
	// not folded where the generic code runs eval.
	site bool
	// raw, when set, evaluates a signed integer load without its sign
	// extension (the bits zero-extended).
	raw evalFn
	// regName is the name of the register local that slot names, for
	// the message of a read before assignment.
	regName string
	// noInit is set when slot names a register local declared without an
	// initializer, whose reads check that it was assigned.
	noInit bool
}

// sext sign-extends the low size bytes of v (size 1, 2 or 4).
func sext(v uint64, size int) uint64 {
	switch size {
	case 1:
		return uint64(int64(int8(v)))
	case 2:
		return uint64(int64(int16(v)))
	case 4:
		return uint64(int64(int32(v)))
	}
	return v
}

func constExpr(t *ctype, v uint64) *expr {
	v = norm(t, v)
	return &expr{t: t, eval: func(*frame) uint64 { return v }, slot: -1, isConst: true, c: v}
}

// valueType is the type of e used as an rvalue (arrays and functions decay).
func valueType(e *expr) *ctype {
	switch e.t.kind {
	case kArray:
		return ptrTo(e.t.elem)
	case kFunc:
		return ptrTo(e.t)
	}
	return e.t
}

// memLvalue builds the expression for the object of type t at addr.
func memLvalue(t *ctype, addr evalFn) *expr {
	return memLvalueAt(t, addr, addrDyn, nil, 0)
}

// addrKind says how a memory lvalue's address is formed, so that its load
// can compute the address inline instead of through the addr closure.
type addrKind uint8

const (
	addrDyn    addrKind = iota // addr(fr)
	addrFrame                  // fr.base + off
	addrGlobal                 // fr.m.gbase + off
	addrConst                  // off
	addrBase                   // base(fr) + off
)

// memLvalueAt is memLvalue with the shape of addr given (kind, base, off):
// addr must compute the same address; the load uses the shape directly.
func memLvalueAt(t *ctype, addr evalFn, kind addrKind, base evalFn, off uint64) *expr {
	e := &expr{t: t, addr: addr, slot: -1}
	switch {
	case t.kind == kArray || t.kind == kStruct:
		e.eval = addr
	case t.kind == kInt && t.size == 1 && t.isBool:
		e.eval = func(fr *frame) uint64 { return norm(tBool, fr.m.mem.load(addr(fr), 1)) }
	default:
		// A load zero-extends, which is already the value of an unsigned
		// integer or a pointer; a signed integer narrower than 64 bits is
		// sign-extended inline.
		size := t.size
		if t.kind != kInt || !t.signed || size >= 8 {
			switch kind {
			case addrFrame:
				e.eval = func(fr *frame) uint64 { return fr.m.mem.load(fr.base+off, size) }
			case addrGlobal:
				e.eval = func(fr *frame) uint64 { return fr.m.mem.load(fr.m.gbase+off, size) }
			case addrConst:
				e.eval = func(fr *frame) uint64 { return fr.m.mem.load(off, size) }
			case addrBase:
				e.eval = func(fr *frame) uint64 { return fr.m.mem.load(base(fr)+off, size) }
			default:
				e.eval = func(fr *frame) uint64 { return fr.m.mem.load(addr(fr), size) }
			}
			break
		}
		// raw is the load without the sign extension: the value of the
		// same-size unsigned type, which convert uses directly.
		switch kind {
		case addrFrame:
			e.eval = func(fr *frame) uint64 { return sext(fr.m.mem.load(fr.base+off, size), size) }
			e.raw = func(fr *frame) uint64 { return fr.m.mem.load(fr.base+off, size) }
		case addrGlobal:
			e.eval = func(fr *frame) uint64 { return sext(fr.m.mem.load(fr.m.gbase+off, size), size) }
			e.raw = func(fr *frame) uint64 { return fr.m.mem.load(fr.m.gbase+off, size) }
		case addrConst:
			e.eval = func(fr *frame) uint64 { return sext(fr.m.mem.load(off, size), size) }
			e.raw = func(fr *frame) uint64 { return fr.m.mem.load(off, size) }
		case addrBase:
			e.eval = func(fr *frame) uint64 { return sext(fr.m.mem.load(base(fr)+off, size), size) }
			e.raw = func(fr *frame) uint64 { return fr.m.mem.load(base(fr)+off, size) }
		default:
			e.eval = func(fr *frame) uint64 { return sext(fr.m.mem.load(addr(fr), size), size) }
			e.raw = func(fr *frame) uint64 { return fr.m.mem.load(addr(fr), size) }
		}
	}
	return e
}

// convert returns the evaluator of e converted to type t.
func (c *compiler) convert(e *expr, t *ctype, n cc.Node) (evalFn, error) {
	vt := valueType(e)
	if t.kind == kVoid {
		return e.eval, nil
	}
	if !t.isScalar() {
		if t.kind == kStruct && vt.kind == kStruct && vt.st == t.st {
			return e.eval, nil
		}
		return nil, c.errf(n, "cannot convert %s to %s", vt, t)
	}
	if !vt.isScalar() {
		return nil, c.errf(n, "cannot convert %s to %s", vt, t)
	}
	if e.isConst {
		v := norm(t, e.c)
		return func(*frame) uint64 { return v }, nil
	}
	f := normFunc(t)
	if f == nil || (vt.kind == kInt && !t.isBool && (vt.size < t.size && !vt.signed)) ||
		(vt.kind == kInt && vt.size == t.size && vt.signed == t.signed && vt.isBool == t.isBool) {
		return e.eval, nil
	}
	if e.raw != nil && t.kind == kInt && !t.signed && !t.isBool && t.size == vt.size {
		// A signed load converted to the unsigned type of its size: the
		// loaded bits, zero-extended.
		return e.raw, nil
	}
	if s := e.slot; s >= 0 && t.kind == kInt && !t.isBool && t.size == 4 {
		// A register local narrowed to 32 bits, read in the same closure.
		name := e.regName
		if !e.noInit {
			if t.signed {
				return func(fr *frame) uint64 { return uint64(int64(int32(fr.s[s]))) }, nil
			}
			return func(fr *frame) uint64 { return uint64(uint32(fr.s[s])) }, nil
		}
		if t.signed {
			return func(fr *frame) uint64 {
				v := fr.s[s]
				if v == unassigned {
					fr.m.fail("%s is read before it is assigned", name)
				}
				return uint64(int64(int32(v)))
			}, nil
		}
		return func(fr *frame) uint64 {
			v := fr.s[s]
			if v == unassigned {
				fr.m.fail("%s is read before it is assigned", name)
			}
			return uint64(uint32(v))
		}, nil
	}
	return convFunc(t, e.eval), nil
}

// convFunc returns ev followed by normFunc(t) (which must be non-nil), with
// the normalization inlined rather than called through a closure.
func convFunc(t *ctype, ev evalFn) evalFn {
	switch {
	case t.isBool:
		return func(fr *frame) uint64 {
			if ev(fr) != 0 {
				return 1
			}
			return 0
		}
	case t.size == 1 && t.signed:
		return func(fr *frame) uint64 { return uint64(int64(int8(ev(fr)))) }
	case t.size == 1:
		return func(fr *frame) uint64 { return uint64(uint8(ev(fr))) }
	case t.size == 2 && t.signed:
		return func(fr *frame) uint64 { return uint64(int64(int16(ev(fr)))) }
	case t.size == 2:
		return func(fr *frame) uint64 { return uint64(uint16(ev(fr))) }
	case t.size == 4 && t.signed:
		return func(fr *frame) uint64 { return uint64(int64(int32(ev(fr)))) }
	case t.size == 4:
		return func(fr *frame) uint64 { return uint64(uint32(ev(fr))) }
	}
	f := normFunc(t)
	return func(fr *frame) uint64 { return f(ev(fr)) }
}

// truth returns an evaluator of e as a condition (0 or 1).
func (c *compiler) truth(e *expr, n cc.Node) (evalFn, error) {
	if !valueType(e).isScalar() {
		return nil, c.errf(n, "%s used as a condition", e.t)
	}
	ev := e.eval
	return func(fr *frame) uint64 {
		if ev(fr) != 0 {
			return 1
		}
		return 0
	}, nil
}

func (c *compiler) exprNode(n cc.ExpressionNode) (*expr, error) {
	switch x := n.(type) {
	case *cc.ExpressionList:
		return c.exprList(x)
	case *cc.AssignmentExpression:
		switch x.Case {
		case cc.AssignmentExpressionCond:
			return c.exprNode(x.ConditionalExpression)
		}
		return c.assign(x)
	case *cc.ConditionalExpression:
		if x.Case == cc.ConditionalExpressionLOr {
			return c.exprNode(x.LogicalOrExpression)
		}
		return c.cond(x)
	case *cc.ConstantExpression:
		return c.exprNode(x.ConditionalExpression)
	case *cc.LogicalOrExpression:
		if x.Case == cc.LogicalOrExpressionLAnd {
			return c.exprNode(x.LogicalAndExpression)
		}
		return c.logical(x, x.LogicalOrExpression, x.LogicalAndExpression, true)
	case *cc.LogicalAndExpression:
		if x.Case == cc.LogicalAndExpressionOr {
			return c.exprNode(x.InclusiveOrExpression)
		}
		return c.logical(x, x.LogicalAndExpression, x.InclusiveOrExpression, false)
	case *cc.InclusiveOrExpression:
		if x.Case == cc.InclusiveOrExpressionXor {
			return c.exprNode(x.ExclusiveOrExpression)
		}
		return c.binary(x, "|", x.InclusiveOrExpression, x.ExclusiveOrExpression)
	case *cc.ExclusiveOrExpression:
		if x.Case == cc.ExclusiveOrExpressionAnd {
			return c.exprNode(x.AndExpression)
		}
		return c.binary(x, "^", x.ExclusiveOrExpression, x.AndExpression)
	case *cc.AndExpression:
		if x.Case == cc.AndExpressionEq {
			return c.exprNode(x.EqualityExpression)
		}
		return c.binary(x, "&", x.AndExpression, x.EqualityExpression)
	case *cc.EqualityExpression:
		switch x.Case {
		case cc.EqualityExpressionEq:
			return c.binary(x, "==", x.EqualityExpression, x.RelationalExpression)
		case cc.EqualityExpressionNeq:
			return c.binary(x, "!=", x.EqualityExpression, x.RelationalExpression)
		}
		return c.exprNode(x.RelationalExpression)
	case *cc.RelationalExpression:
		ops := map[cc.RelationalExpressionCase]string{
			cc.RelationalExpressionLt: "<", cc.RelationalExpressionGt: ">",
			cc.RelationalExpressionLeq: "<=", cc.RelationalExpressionGeq: ">=",
		}
		if op, ok := ops[x.Case]; ok {
			return c.binary(x, op, x.RelationalExpression, x.ShiftExpression)
		}
		return c.exprNode(x.ShiftExpression)
	case *cc.ShiftExpression:
		switch x.Case {
		case cc.ShiftExpressionLsh:
			return c.binary(x, "<<", x.ShiftExpression, x.AdditiveExpression)
		case cc.ShiftExpressionRsh:
			return c.binary(x, ">>", x.ShiftExpression, x.AdditiveExpression)
		}
		return c.exprNode(x.AdditiveExpression)
	case *cc.AdditiveExpression:
		switch x.Case {
		case cc.AdditiveExpressionAdd:
			return c.binary(x, "+", x.AdditiveExpression, x.MultiplicativeExpression)
		case cc.AdditiveExpressionSub:
			return c.binary(x, "-", x.AdditiveExpression, x.MultiplicativeExpression)
		}
		return c.exprNode(x.MultiplicativeExpression)
	case *cc.MultiplicativeExpression:
		switch x.Case {
		case cc.MultiplicativeExpressionMul:
			return c.binary(x, "*", x.MultiplicativeExpression, x.CastExpression)
		case cc.MultiplicativeExpressionDiv:
			return c.binary(x, "/", x.MultiplicativeExpression, x.CastExpression)
		case cc.MultiplicativeExpressionMod:
			return c.binary(x, "%", x.MultiplicativeExpression, x.CastExpression)
		}
		return c.exprNode(x.CastExpression)
	case *cc.CastExpression:
		if x.Case == cc.CastExpressionUnary {
			return c.exprNode(x.UnaryExpression)
		}
		return c.cast(x)
	case *cc.UnaryExpression:
		return c.unary(x)
	case *cc.PostfixExpression:
		return c.postfix(x)
	case *cc.PrimaryExpression:
		return c.primary(x)
	case nil:
		return nil, c.errf(nil, "missing expression")
	}
	return nil, c.errf(n, "unsupported expression %T", n)
}

func (c *compiler) exprList(x *cc.ExpressionList) (*expr, error) {
	var parts []*expr
	for l := x; l != nil; l = l.ExpressionList {
		e, err := c.exprNode(l.AssignmentExpression)
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	last := parts[len(parts)-1]
	evs := make([]evalFn, len(parts)-1)
	for i, p := range parts[:len(parts)-1] {
		evs[i] = p.eval
	}
	lv := last.eval
	return &expr{t: valueType(last), slot: -1, eval: func(fr *frame) uint64 {
		for _, e := range evs {
			e(fr)
		}
		return lv(fr)
	}}, nil
}

func (c *compiler) cond(x *cc.ConditionalExpression) (*expr, error) {
	ce, err := c.exprNode(x.LogicalOrExpression)
	if err != nil {
		return nil, err
	}
	cv, err := c.truth(ce, x)
	if err != nil {
		return nil, err
	}
	var a *expr
	if x.ExpressionList != nil {
		if a, err = c.exprNode(x.ExpressionList); err != nil {
			return nil, err
		}
	} else {
		a = ce // GNU a ?: b
	}
	b, err := c.exprNode(x.ConditionalExpression)
	if err != nil {
		return nil, err
	}
	at, bt := valueType(a), valueType(b)
	var t *ctype
	switch {
	case at.kind == kInt && bt.kind == kInt:
		t = arith(at, bt)
	case at.kind == kPtr:
		t = at
	case bt.kind == kPtr:
		t = bt
	case at.kind == kVoid || bt.kind == kVoid:
		t = tVoid
	default:
		t = at
	}
	av, err := c.convert(a, t, x)
	if err != nil {
		return nil, err
	}
	bv, err := c.convert(b, t, x)
	if err != nil {
		return nil, err
	}
	if x.ExpressionList == nil {
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 {
			if v := av(fr); v != 0 {
				return v
			}
			return bv(fr)
		}}, nil
	}
	return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 {
		if cv(fr) != 0 {
			return av(fr)
		}
		return bv(fr)
	}}, nil
}

func (c *compiler) logical(n cc.Node, l, r cc.ExpressionNode, or bool) (*expr, error) {
	a, err := c.exprNode(l)
	if err != nil {
		return nil, err
	}
	b, err := c.exprNode(r)
	if err != nil {
		return nil, err
	}
	av, err := c.truth(a, n)
	if err != nil {
		return nil, err
	}
	bv, err := c.truth(b, n)
	if err != nil {
		return nil, err
	}
	if or {
		return &expr{t: tInt, slot: -1, eval: func(fr *frame) uint64 {
			if av(fr) != 0 {
				return 1
			}
			return bv(fr)
		}}, nil
	}
	return &expr{t: tInt, slot: -1, eval: func(fr *frame) uint64 {
		if av(fr) == 0 {
			return 0
		}
		return bv(fr)
	}}, nil
}

func (c *compiler) binary(n cc.Node, op string, l, r cc.ExpressionNode) (*expr, error) {
	a, err := c.exprNode(l)
	if err != nil {
		return nil, err
	}
	b, err := c.exprNode(r)
	if err != nil {
		return nil, err
	}
	return c.binop(n, op, a, b)
}

// binop compiles a op b with C's conversions; constant operands fold.
func (c *compiler) binop(n cc.Node, op string, a, b *expr) (*expr, error) {
	e, err := c.binop1(n, op, a, b)
	if err != nil {
		return nil, err
	}
	if !a.isConst || !b.isConst {
		return e, nil
	}
	at, bt := valueType(a), valueType(b)
	if at.kind == kInt && bt.kind == kInt {
		// Integer constants fold by the value model; an operation it
		// refuses (division by zero, a shift count out of range) is left
		// to fail when it runs.
		v, err := cvalue.Binary(op, cvalue.Value{Bits: a.c, T: at.ival()}, cvalue.Value{Bits: b.c, T: bt.ival()})
		if err != nil {
			return e, nil
		}
		return constExpr(e.t, v.Bits), nil
	}
	if (op == "/" || op == "%") && b.c == 0 {
		return e, nil
	}
	return constExpr(e.t, e.eval(nil)), nil
}

func (c *compiler) binop1(n cc.Node, op string, a, b *expr) (*expr, error) {
	at, bt := valueType(a), valueType(b)
	av, bv := a.eval, b.eval
	// Pointer arithmetic and comparisons.
	if at.kind == kPtr || bt.kind == kPtr {
		switch op {
		case "+", "-":
			if at.kind == kPtr && bt.kind == kInt {
				sz := uint64(elemSize(at))
				bc, err := c.convert(b, tLong, n)
				if err != nil {
					return nil, err
				}
				if b.isConst {
					k := norm(tLong, b.c) * sz
					if op == "+" {
						return &expr{t: at, slot: -1, eval: func(fr *frame) uint64 { return av(fr) + k }}, nil
					}
					return &expr{t: at, slot: -1, eval: func(fr *frame) uint64 { return av(fr) - k }}, nil
				}
				if op == "+" {
					return &expr{t: at, slot: -1, eval: func(fr *frame) uint64 { return av(fr) + bc(fr)*sz }}, nil
				}
				return &expr{t: at, slot: -1, eval: func(fr *frame) uint64 { return av(fr) - bc(fr)*sz }}, nil
			}
			if op == "+" && bt.kind == kPtr && at.kind == kInt {
				return c.binop1(n, op, b, a)
			}
			if op == "-" && at.kind == kPtr && bt.kind == kPtr {
				sz := int64(elemSize(at))
				return &expr{t: tLong, slot: -1, eval: func(fr *frame) uint64 {
					return uint64((int64(av(fr)) - int64(bv(fr))) / sz)
				}}, nil
			}
		case "==", "!=", "<", ">", "<=", ">=":
			if b.isConst && !b.site {
				return cmpConst(op, false, av, b.c), nil
			}
			return cmpExpr(op, false, av, bv), nil
		case "&", "|", "^":
			// Not C, but harmless on the integer value of a pointer.
		default:
			return nil, c.errf(n, "invalid operands to %s (%s and %s)", op, at, bt)
		}
	}
	if !at.isScalar() || !bt.isScalar() {
		return nil, c.errf(n, "invalid operands to %s (%s and %s)", op, at, bt)
	}
	if op == "<<" || op == ">>" {
		t := promote(at)
		if f := shiftConst(op, t, av, b); f != nil {
			return &expr{t: t, slot: -1, eval: f}, nil
		}
		nf := normFunc(t)
		if nf == nil {
			nf = func(v uint64) uint64 { return v }
		}
		// A count out of range (negative, or not less than the width) is
		// undefined; it fails with the value model's message.
		bits, ct := uint64(t.size*8), bt.ival()
		count := func(fr *frame) uint64 {
			k := bv(fr)
			if k >= bits {
				_, err := cvalue.Binary(op, cvalue.Value{T: t.ival()}, cvalue.Value{Bits: k, T: ct})
				fr.m.fail("%v", err)
			}
			return k
		}
		if op == "<<" {
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return nf(av(fr) << count(fr)) }}, nil
		}
		if t.signed {
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return uint64(int64(av(fr)) >> count(fr)) }}, nil
		}
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return av(fr) >> count(fr) }}, nil
	}
	t := arith(at, bt)
	if at.kind == kPtr || bt.kind == kPtr {
		t = tULong
	}
	ac, err := c.convert(a, t, n)
	if err != nil {
		return nil, err
	}
	bc, err := c.convert(b, t, n)
	if err != nil {
		return nil, err
	}
	if f := addSubMul(op, t, ac, bc, b); f != nil {
		return &expr{t: t, slot: -1, eval: f}, nil
	}
	if b.isConst {
		// As below, with the converted constant in the closure.
		k := norm(t, b.c)
		switch op {
		case "&":
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) & k }}, nil
		case "|":
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) | k }}, nil
		case "^":
			return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) ^ k }}, nil
		}
	}
	nf := normFunc(t)
	if nf == nil {
		nf = func(v uint64) uint64 { return v }
	}
	switch op {
	case "==", "!=", "<", ">", "<=", ">=":
		if b.isConst {
			return cmpConst(op, t.signed, ac, norm(t, b.c)), nil
		}
		return cmpExpr(op, t.signed, ac, bc), nil
	case "+":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return nf(ac(fr) + bc(fr)) }}, nil
	case "-":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return nf(ac(fr) - bc(fr)) }}, nil
	case "*":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return nf(ac(fr) * bc(fr)) }}, nil
	case "&":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) & bc(fr) }}, nil
	case "|":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) | bc(fr) }}, nil
	case "^":
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 { return ac(fr) ^ bc(fr) }}, nil
	case "/", "%":
		signed, div := t.signed, op == "/"
		return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 {
			x, y := ac(fr), bc(fr)
			if y == 0 {
				fr.m.fail("%v", cvalue.ErrDivZero)
			}
			switch {
			case signed && div:
				return nf(uint64(int64(x) / int64(y)))
			case signed:
				return nf(uint64(int64(x) % int64(y)))
			case div:
				return nf(x / y)
			}
			return nf(x % y)
		}}, nil
	}
	return nil, c.errf(n, "unsupported operator %s", op)
}

// shiftConst returns the evaluator of av op b for a shift by a constant b
// in the promoted type t (32 or 64 bits; nil otherwise), with the shift
// count and the normalization inline: the same values as binop1's generic
// form, in fewer calls.
func shiftConst(op string, t *ctype, av evalFn, b *expr) evalFn {
	if !b.isConst || b.site || t.kind != kInt || t.isBool || (t.size != 4 && t.size != 8) || b.c >= uint64(t.size*8) {
		return nil
	}
	k := b.c
	switch {
	case op == "<<" && t.size == 8:
		return func(fr *frame) uint64 { return av(fr) << k }
	case op == "<<" && t.signed:
		return func(fr *frame) uint64 { return uint64(int64(int32(av(fr) << k))) }
	case op == "<<":
		return func(fr *frame) uint64 { return uint64(uint32(av(fr) << k)) }
	case t.signed:
		return func(fr *frame) uint64 { return uint64(int64(av(fr)) >> k) }
	}
	return func(fr *frame) uint64 { return av(fr) >> k }
}

// addSubMul returns the evaluator of ac op bc in type t for op "+", "-"
// or "*" when t is a 64-bit or 32-bit integer type (nil otherwise), with the
// normalization to t inline and a constant right operand b folded into the
// closure: the same values as binop1's generic form, in fewer calls.
func addSubMul(op string, t *ctype, ac, bc evalFn, b *expr) evalFn {
	if op != "+" && op != "-" && op != "*" {
		return nil
	}
	if t.kind == kInt && t.isBool {
		return nil
	}
	var mode int // 0: 64-bit, 1: int32, 2: uint32
	switch {
	case normFunc(t) == nil:
	case t.kind == kInt && t.size == 4 && t.signed:
		mode = 1
	case t.kind == kInt && t.size == 4:
		mode = 2
	default:
		return nil
	}
	if b.isConst {
		k := norm(t, b.c)
		switch op + string(rune('0'+mode)) {
		case "+0":
			return func(fr *frame) uint64 { return ac(fr) + k }
		case "+1":
			return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) + k))) }
		case "+2":
			return func(fr *frame) uint64 { return uint64(uint32(ac(fr) + k)) }
		case "-0":
			return func(fr *frame) uint64 { return ac(fr) - k }
		case "-1":
			return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) - k))) }
		case "-2":
			return func(fr *frame) uint64 { return uint64(uint32(ac(fr) - k)) }
		case "*0":
			return func(fr *frame) uint64 { return ac(fr) * k }
		case "*1":
			return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) * k))) }
		case "*2":
			return func(fr *frame) uint64 { return uint64(uint32(ac(fr) * k)) }
		}
		return nil
	}
	switch op + string(rune('0'+mode)) {
	case "+0":
		return func(fr *frame) uint64 { return ac(fr) + bc(fr) }
	case "+1":
		return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) + bc(fr)))) }
	case "+2":
		return func(fr *frame) uint64 { return uint64(uint32(ac(fr) + bc(fr))) }
	case "-0":
		return func(fr *frame) uint64 { return ac(fr) - bc(fr) }
	case "-1":
		return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) - bc(fr)))) }
	case "-2":
		return func(fr *frame) uint64 { return uint64(uint32(ac(fr) - bc(fr))) }
	case "*0":
		return func(fr *frame) uint64 { return ac(fr) * bc(fr) }
	case "*1":
		return func(fr *frame) uint64 { return uint64(int64(int32(ac(fr) * bc(fr)))) }
	case "*2":
		return func(fr *frame) uint64 { return uint64(uint32(ac(fr) * bc(fr))) }
	}
	return nil
}

// cmpConst is cmpExpr with a constant right operand k (the value b would
// return), held in the closure.
func cmpConst(op string, signed bool, a evalFn, k uint64) *expr {
	var f evalFn
	b2u := func(x bool) uint64 {
		if x {
			return 1
		}
		return 0
	}
	sk := int64(k)
	switch op {
	case "==":
		f = func(fr *frame) uint64 { return b2u(a(fr) == k) }
	case "!=":
		f = func(fr *frame) uint64 { return b2u(a(fr) != k) }
	case "<":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) < sk) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) < k) }
		}
	case ">":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) > sk) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) > k) }
		}
	case "<=":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) <= sk) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) <= k) }
		}
	case ">=":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) >= sk) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) >= k) }
		}
	}
	return &expr{t: tInt, slot: -1, eval: f}
}

func cmpExpr(op string, signed bool, a, b evalFn) *expr {
	var f evalFn
	b2u := func(x bool) uint64 {
		if x {
			return 1
		}
		return 0
	}
	switch op {
	case "==":
		f = func(fr *frame) uint64 { return b2u(a(fr) == b(fr)) }
	case "!=":
		f = func(fr *frame) uint64 { return b2u(a(fr) != b(fr)) }
	case "<":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) < int64(b(fr))) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) < b(fr)) }
		}
	case ">":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) > int64(b(fr))) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) > b(fr)) }
		}
	case "<=":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) <= int64(b(fr))) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) <= b(fr)) }
		}
	case ">=":
		if signed {
			f = func(fr *frame) uint64 { return b2u(int64(a(fr)) >= int64(b(fr))) }
		} else {
			f = func(fr *frame) uint64 { return b2u(a(fr) >= b(fr)) }
		}
	}
	return &expr{t: tInt, slot: -1, eval: f}
}

func elemSize(p *ctype) int {
	if p.elem == nil || p.elem.kind == kVoid || p.elem.kind == kFunc || p.elem.size == 0 {
		return 1
	}
	return p.elem.size
}

// store returns a function storing a value (already converted to e.t) into
// the lvalue e.
func (c *compiler) storer(e *expr, n cc.Node) (func(fr *frame, v uint64), error) {
	if e.slot >= 0 {
		s := e.slot
		return func(fr *frame, v uint64) {
			fr.s[s] = v
			if fr.m.trace {
				fr.m.slotDef[fr.so+s] = fr.m.cur
			}
		}, nil
	}
	if e.addr == nil {
		return nil, c.errf(n, "assignment to a value that is not an lvalue")
	}
	if !e.t.isScalar() {
		return nil, c.errf(n, "assignment of %s is not supported", e.t)
	}
	addr, size := e.addr, e.t.size
	return func(fr *frame, v uint64) { fr.m.mem.store(addr(fr), size, v) }, nil
}

func (c *compiler) assign(x *cc.AssignmentExpression) (*expr, error) {
	l, err := c.exprNode(x.UnaryExpression)
	if err != nil {
		return nil, err
	}
	r, err := c.exprNode(x.AssignmentExpression)
	if err != nil {
		return nil, err
	}
	if l.t.kind == kStruct && x.Case == cc.AssignmentExpressionAssign {
		return c.structCopy(x, l, r)
	}
	var pre evalFn
	if x.Case != cc.AssignmentExpressionAssign {
		l, pre = c.onceAddr(l)
	}
	st, err := c.storer(l, x)
	if err != nil {
		return nil, err
	}
	var val *expr
	if x.Case == cc.AssignmentExpressionAssign {
		val = r
	} else {
		op := map[cc.AssignmentExpressionCase]string{
			cc.AssignmentExpressionMul: "*", cc.AssignmentExpressionDiv: "/",
			cc.AssignmentExpressionMod: "%", cc.AssignmentExpressionAdd: "+",
			cc.AssignmentExpressionSub: "-", cc.AssignmentExpressionLsh: "<<",
			cc.AssignmentExpressionRsh: ">>", cc.AssignmentExpressionAnd: "&",
			cc.AssignmentExpressionXor: "^", cc.AssignmentExpressionOr: "|",
		}[x.Case]
		if val, err = c.binop1(x, op, l, r); err != nil {
			return nil, err
		}
	}
	v, err := c.convert(val, l.t, x)
	if err != nil {
		return nil, err
	}
	if pre != nil {
		return &expr{t: l.t, slot: -1, eval: func(fr *frame) uint64 {
			pre(fr)
			x := v(fr)
			st(fr, x)
			return x
		}}, nil
	}
	return &expr{t: l.t, slot: -1, eval: func(fr *frame) uint64 {
		x := v(fr)
		st(fr, x)
		return x
	}}, nil
}

// onceAddr rewrites a memory lvalue so that its address is computed once
// (by the returned pre function) for a read-modify-write: "a[i++] += 1".
func (c *compiler) onceAddr(l *expr) (*expr, evalFn) {
	if l.addr == nil || l.slot >= 0 || c.fn == nil {
		return l, nil
	}
	tmp := c.fn.nslots
	c.fn.nslots++
	addr := l.addr
	nl := memLvalue(l.t, func(fr *frame) uint64 { return fr.s[tmp] })
	return nl, func(fr *frame) uint64 {
		fr.s[tmp] = addr(fr)
		return 0
	}
}

func (c *compiler) structCopy(n cc.Node, l, r *expr) (*expr, error) {
	if r.t.kind != kStruct || r.t.st != l.t.st || l.addr == nil {
		return nil, c.errf(n, "cannot assign %s to %s", r.t, l.t)
	}
	la, ra, size := l.addr, r.eval, l.t.size
	return &expr{t: l.t, slot: -1, addr: la, eval: func(fr *frame) uint64 {
		mem := &fr.m.mem
		d, _, _ := mem.bytes(la(fr), size)
		s, _, _ := mem.bytes(ra(fr), size)
		copy(d, s)
		return la(fr)
	}}, nil
}

func (c *compiler) cast(x *cc.CastExpression) (*expr, error) {
	t, err := c.typeName(x.TypeName)
	if err != nil {
		return nil, err
	}
	e, err := c.exprNode(x.CastExpression)
	if err != nil {
		return nil, err
	}
	if t.kind == kVoid {
		return &expr{t: tVoid, slot: -1, eval: e.eval}, nil
	}
	v, err := c.convert(e, t, x)
	if err != nil {
		return nil, err
	}
	if e.isConst {
		return constExpr(t, e.c), nil
	}
	return &expr{t: t, slot: -1, eval: v}, nil
}

func (c *compiler) unary(x *cc.UnaryExpression) (*expr, error) {
	switch x.Case {
	case cc.UnaryExpressionPostfix:
		return c.exprNode(x.PostfixExpression)
	case cc.UnaryExpressionInc, cc.UnaryExpressionDec:
		e, err := c.exprNode(x.UnaryExpression)
		if err != nil {
			return nil, err
		}
		return c.incdec(x, e, x.Case == cc.UnaryExpressionInc, true)
	case cc.UnaryExpressionSizeofExpr:
		e, err := c.sizeofExpr(x.UnaryExpression)
		if err != nil {
			return nil, err
		}
		return constExpr(tULong, uint64(e.t.size)), nil
	case cc.UnaryExpressionSizeofType:
		t, err := c.typeName(x.TypeName)
		if err != nil {
			return nil, err
		}
		if t.kind == kStruct && !t.st.complete {
			return nil, c.errf(x, "sizeof of incomplete %s (not in the file or the environment model)", t)
		}
		return constExpr(tULong, uint64(t.size)), nil
	case cc.UnaryExpressionAlignofType:
		t, err := c.typeName(x.TypeName)
		if err != nil {
			return nil, err
		}
		return constExpr(tULong, uint64(t.align)), nil
	}
	e, err := c.exprNode(x.CastExpression)
	if err != nil {
		return nil, err
	}
	switch x.Case {
	case cc.UnaryExpressionAddrof:
		if e.t.kind == kFunc || e.builtin != "" {
			return &expr{t: ptrTo(e.t), slot: -1, eval: e.eval, fn: e.fn, builtin: e.builtin}, nil
		}
		if e.addr == nil {
			return nil, c.errf(x, "cannot take the address of this expression")
		}
		return &expr{t: ptrTo(e.t), slot: -1, eval: e.addr}, nil
	case cc.UnaryExpressionDeref:
		vt := valueType(e)
		if vt.kind != kPtr {
			return nil, c.errf(x, "dereference of %s", vt)
		}
		if vt.elem.kind == kVoid {
			return nil, c.errf(x, "dereference of void pointer")
		}
		return memLvalue(vt.elem, e.eval), nil
	case cc.UnaryExpressionPlus:
		return c.binop(x, "+", constExpr(tInt, 0), e)
	case cc.UnaryExpressionMinus:
		t := promote(valueType(e))
		if t.kind != kInt {
			return nil, c.errf(x, "unary minus on %s", t)
		}
		return c.binop(x, "-", constExpr(t, 0), e)
	case cc.UnaryExpressionCpl:
		t := promote(valueType(e))
		if t.kind != kInt {
			return nil, c.errf(x, "~ on %s", t)
		}
		return c.binop(x, "^", constExpr(t, ^uint64(0)), e)
	case cc.UnaryExpressionNot:
		tv, err := c.truth(e, x)
		if err != nil {
			return nil, err
		}
		r := &expr{t: tInt, slot: -1, eval: func(fr *frame) uint64 { return tv(fr) ^ 1 }}
		if e.isConst {
			return constExpr(tInt, r.eval(nil)), nil
		}
		return r, nil
	}
	return nil, c.errf(x, "unsupported unary expression %v", x.Case)
}

// sizeofExpr compiles the operand of sizeof only for its type.
func (c *compiler) sizeofExpr(n cc.ExpressionNode) (*expr, error) {
	return c.exprNode(n)
}

func (c *compiler) incdec(n cc.Node, e *expr, inc, prefix bool) (*expr, error) {
	e, pre := c.onceAddr(e)
	st, err := c.storer(e, n)
	if err != nil {
		return nil, err
	}
	t := e.t
	d := uint64(1)
	if t.kind == kPtr {
		d = uint64(elemSize(t))
	}
	if !inc {
		d = -d
	}
	ev := e.eval
	return &expr{t: t, slot: -1, eval: func(fr *frame) uint64 {
		if pre != nil {
			pre(fr)
		}
		old := ev(fr)
		nv := norm(t, old+d)
		st(fr, nv)
		if prefix {
			return nv
		}
		return old
	}}, nil
}

func (c *compiler) postfix(x *cc.PostfixExpression) (*expr, error) {
	switch x.Case {
	case cc.PostfixExpressionPrimary:
		return c.exprNode(x.PrimaryExpression)
	case cc.PostfixExpressionCall:
		return c.call(x)
	case cc.PostfixExpressionIndex:
		a, err := c.exprNode(x.PostfixExpression)
		if err != nil {
			return nil, err
		}
		i, err := c.exprNode(x.ExpressionList)
		if err != nil {
			return nil, err
		}
		p, err := c.binop1(x, "+", a, i)
		if err != nil {
			return nil, err
		}
		if p.t.kind != kPtr {
			return nil, c.errf(x, "subscript of %s", a.t)
		}
		return memLvalue(p.t.elem, p.eval), nil
	case cc.PostfixExpressionSelect, cc.PostfixExpressionPSelect:
		b, err := c.exprNode(x.PostfixExpression)
		if err != nil {
			return nil, err
		}
		st := b.t
		if x.Case == cc.PostfixExpressionPSelect {
			vt := valueType(b)
			if vt.kind != kPtr {
				return nil, c.errf(x, "-> on %s", vt)
			}
			st = vt.elem
		} else if b.addr == nil && b.t.kind == kStruct {
			return nil, c.errf(x, ". on a struct value that is not in memory")
		}
		if st.kind != kStruct {
			return nil, c.errf(x, "member %s of %s", x.Token2.SrcStr(), st)
		}
		if !st.st.complete {
			return nil, c.errf(x, "%s is not defined in the file or the environment model", st)
		}
		name := x.Token2.SrcStr()
		f, ok := st.st.field(name)
		if !ok {
			return nil, c.errf(x, "%s has no member %s in the environment model", st, name)
		}
		base, off := b.eval, uint64(f.off)
		if b.isConst {
			bc := b.c + off
			return memLvalueAt(f.typ, func(*frame) uint64 { return bc }, addrConst, nil, bc), nil
		}
		return memLvalueAt(f.typ, func(fr *frame) uint64 { return base(fr) + off }, addrBase, base, off), nil
	case cc.PostfixExpressionInc, cc.PostfixExpressionDec:
		e, err := c.exprNode(x.PostfixExpression)
		if err != nil {
			return nil, err
		}
		return c.incdec(x, e, x.Case == cc.PostfixExpressionInc, false)
	}
	return nil, c.errf(x, "unsupported postfix expression %v", x.Case)
}

func (c *compiler) primary(x *cc.PrimaryExpression) (*expr, error) {
	switch x.Case {
	case cc.PrimaryExpressionIdent:
		return c.ident(x, x.Token.SrcStr())
	case cc.PrimaryExpressionInt:
		return c.intConst(x, x.Token.SrcStr())
	case cc.PrimaryExpressionChar:
		s := x.Token.SrcStr()
		v, _, _, err := strconv.UnquoteChar(strings.Trim(s, "'"), '\'')
		if err != nil {
			return nil, c.errf(x, "bad character constant %s", s)
		}
		return constExpr(tInt, uint64(v)), nil
	case cc.PrimaryExpressionExpr:
		return c.exprNode(x.ExpressionList)
	case cc.PrimaryExpressionStmt:
		return c.stmtExpr(x.CompoundStatement)
	}
	return nil, c.errf(x, "unsupported primary expression %v", x.Case)
}

func (c *compiler) intConst(n cc.Node, s string) (*expr, error) {
	v, err := cvalue.Constant(s)
	if err != nil {
		return nil, c.errf(n, "bad integer constant %s", s)
	}
	return constExpr(intType(v.T), v.Bits), nil
}
