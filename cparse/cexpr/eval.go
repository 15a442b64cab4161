package cexpr

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
	"github.com/trampcheck/trampcheck/cparse/macroexp"
)

// MacroDef is one #define as the checks see it (see cparse.Macro).
type MacroDef struct {
	Name   string
	Params []string
	FnLike bool
	Body   string
	// Text is the directive as written in the file ("" spells it from the
	// fields above), Line its line (0: unknown); the machine's
	// preprocessor reads them.
	Text string
	Line int

	parsed bool
	node   Node
	err    error

	// The expansion of the macro applied to placeholders for its
	// parameters (object-like: of its name), parsed; made once, with the
	// table of the first machine that expands it.
	expanded bool
	xnode    Node
	xerr     error
}

// Parsed returns the parsed replacement list (parsed once).
func (d *MacroDef) Parsed() (Node, error) {
	if !d.parsed {
		d.parsed = true
		d.node, d.err = ParseBody(d.Body)
	}
	return d.node, d.err
}

// FuncDef is a function of the file that the machine can call: a static
// inline helper such as reg() or reg_high().
type FuncDef struct {
	Name   string
	Params []string
	Types  []Type
	Result Type
	Void   bool // returns nothing
	Body   *Block
}

// returned carries a return statement's value out of a function body.
type returned struct{ v Value }

// Error makes a return statement travel up the evaluation as an error
// until the enclosing function catches it.
func (r *returned) Error() string { return "return outside a function" }

// Store is one store through a pointer made by evaluated code.
type Store struct {
	Off  int64 // offset from BufBase
	Size int   // bytes
	Val  uint64
}

// BufBase is the address the machine gives jit->prg_buf.
const BufBase = 1 << 40

// ErrUnknown wraps failures caused by an identifier or construct the
// machine has no value for (as opposed to a malformed fragment).
var ErrUnknown = errors.New("unknown value")

// Machine evaluates fragments. Its zero value knows no names; fill Macros,
// Consts and Vars before use.
type Machine struct {
	// Macros holds the file's #defines by name.
	Macros map[string]*MacroDef
	// Consts holds constants from outside the file (kernel headers).
	Consts map[string]Value
	// Reg2Hex maps BPF register numbers to s390x registers (the file's
	// reg2hex array); reg() and reg_high() use it.
	Reg2Hex map[int64]int64
	// Vars holds named lvalues such as "jit->prg" (member paths as written).
	Vars map[string]Value
	// Funcs holds the file's helper functions (reg, reg_high); they take
	// precedence over the built-in versions.
	Funcs map[string]*FuncDef
	// Arrays serves element reads of named arrays ("addrs").
	Arrays map[string]func(i int64) (Value, error)
	// Stores collects the stores made through pointers, in order.
	Stores []Store
	// OpaqueCalls makes calls of unknown functions (not macros, not
	// Funcs) yield 0 without evaluating their arguments, for code that
	// calls bookkeeping functions around its EMITs.
	OpaqueCalls bool

	locals []local
	parsed map[string]parsedExpr
	depth  int
	steps  int
	// table is the preprocessor's view of Macros, made at the first
	// expansion; inExp counts the macro expansions being evaluated, whose
	// names are no longer macros (cpp expanded all that it could).
	table *macroexp.Table
	inExp int
}

// local is a local variable or macro parameter; the machine keeps them in a
// stack and looks names up from the top (macro expansion sees its
// caller's names).
type local struct {
	name string
	v    Value
}

// maxDepth bounds nested macro expansion; maxSteps bounds the work of one
// evaluation.
const (
	maxDepth = 64
	maxSteps = 100000
)

// Eval evaluates an expression or statement node.
func (m *Machine) Eval(n Node) (Value, error) {
	m.steps = 0
	v, err := m.eval(n)
	if traceEval != nil {
		traceEval(n, v, err)
	}
	return v, err
}

// Test hooks: traceEval sees every evaluation Eval finishes; oldMacros,
// when set, evaluates macro uses by the frozen copy of the expander cexpr
// had before it used the preprocessor (export_test.go), the oracle of the
// differential test.
var (
	traceEval func(n Node, v Value, err error)
	oldMacros *oldExpander
)

// oldExpander evaluates an object-like macro's use and a function-like
// macro's call.
type oldExpander struct {
	ident func(m *Machine, d *MacroDef) (Value, error)
	call  func(m *Machine, d *MacroDef, c *Call) (Value, error)
}

// EvalText parses and evaluates an expression; parses are cached.
func (m *Machine) EvalText(src string) (Value, error) {
	if m.parsed == nil {
		m.parsed = map[string]parsedExpr{}
	}
	p, ok := m.parsed[src]
	if !ok {
		p.n, p.err = ParseExpr(src)
		m.parsed[src] = p
	}
	if p.err != nil {
		return Value{}, p.err
	}
	return m.Eval(p.n)
}

type parsedExpr struct {
	n   Node
	err error
}

func unknownf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnknown, fmt.Sprintf(format, args...))
}

func (m *Machine) lookup(name string) (Value, bool) {
	for i := len(m.locals) - 1; i >= 0; i-- {
		if m.locals[i].name == name {
			return m.locals[i].v, true
		}
	}
	return Value{}, false
}

func (m *Machine) setLocal(name string, v Value) bool {
	for i := len(m.locals) - 1; i >= 0; i-- {
		if m.locals[i].name == name {
			m.locals[i].v = Convert(v, m.locals[i].v.T)
			return true
		}
	}
	return false
}

// Path renders an identifier/member chain ("jit->prg", "probe.arena_reg");
// ok is false for anything else.
func Path(n Node) (string, bool) {
	switch n := n.(type) {
	case *Ident:
		return n.Name, true
	case *Member:
		b, ok := Path(n.X)
		if !ok {
			return "", false
		}
		if n.Arrow {
			return b + "->" + n.Name, true
		}
		return b + "." + n.Name, true
	}
	return "", false
}

func (m *Machine) eval(n Node) (Value, error) {
	m.steps++
	if m.steps > maxSteps {
		return Value{}, fmt.Errorf("evaluation too long")
	}
	switch n := n.(type) {
	case nil:
		return Value{}, unknownf("no expression")
	case *Num:
		return n.Val, nil
	case *Ident:
		return m.ident(n.Name)
	case *Member:
		p, ok := Path(n)
		if !ok {
			return Value{}, unknownf("member of a computed value")
		}
		if v, ok := m.Vars[p]; ok {
			return v, nil
		}
		return Value{}, unknownf("%s", p)
	case *Unary:
		if n.Op == "*" {
			return Value{}, unknownf("load through a pointer")
		}
		if n.Op == "&" {
			return Value{}, unknownf("address of")
		}
		x, err := m.eval(n.X)
		if err != nil {
			return Value{}, err
		}
		return unop(n.Op, x)
	case *Cast:
		x, err := m.eval(n.X)
		if err != nil {
			return Value{}, err
		}
		if n.Ptr > 0 {
			return Convert(x, TUlong), nil
		}
		return Convert(x, n.T), nil
	case *Sizeof:
		if n.Ptr > 0 {
			return Value{Bits: 8, T: TUlong}, nil
		}
		if strings.HasPrefix(n.Text, "struct ") || n.Text == "void" {
			return Value{}, unknownf("sizeof(%s)", n.Text)
		}
		return Value{Bits: uint64(n.T.Size()), T: TUlong}, nil
	case *Binary:
		return m.binary(n)
	case *Cond:
		c, err := m.eval(n.C)
		if err != nil {
			return Value{}, err
		}
		if c.Bits != 0 {
			return m.eval(n.T)
		}
		return m.eval(n.F)
	case *Index:
		p, ok := Path(n.X)
		if !ok {
			return Value{}, unknownf("index of a computed value")
		}
		i, err := m.eval(n.I)
		if err != nil {
			return Value{}, err
		}
		if p == "reg2hex" && m.Reg2Hex != nil {
			h, ok := m.Reg2Hex[i.Int64()]
			if !ok {
				return Value{}, fmt.Errorf("reg2hex[%d] is not defined", i.Int64())
			}
			return Int(h), nil
		}
		if f := m.Arrays[p]; f != nil {
			return f(i.Int64())
		}
		return Value{}, unknownf("%s[]", p)
	case *Call:
		return m.call(n)
	case *StmtExpr:
		return m.block(n.Body)
	case *Block:
		return m.block(n)
	case *Decl:
		v := Int(0)
		if n.Init != nil {
			var err error
			if v, err = m.eval(n.Init); err != nil {
				return Value{}, err
			}
		}
		t := n.T
		if n.Ptr > 0 {
			t = TUlong
		}
		m.locals = append(m.locals, local{n.Name, Convert(v, t)})
		return Value{}, nil
	case *If:
		c, err := m.eval(n.C)
		if err != nil {
			return Value{}, err
		}
		if c.Bits != 0 {
			_, err = m.eval(n.Then)
		} else if n.Else != nil {
			_, err = m.eval(n.Else)
		}
		return Value{}, err
	case *DoWhile:
		for range 1000 {
			if _, err := m.eval(n.Body); err != nil {
				return Value{}, err
			}
			c, err := m.eval(n.C)
			if err != nil {
				return Value{}, err
			}
			if c.Bits == 0 {
				return Value{}, nil
			}
		}
		return Value{}, fmt.Errorf("loop does not end")
	case *ExprStmt:
		return m.eval(n.X)
	case *Empty:
		return Value{}, nil
	case *Return:
		v := Value{}
		if n.X != nil {
			var err error
			if v, err = m.eval(n.X); err != nil {
				return Value{}, err
			}
		}
		return Value{}, &returned{v}
	}
	return Value{}, fmt.Errorf("unsupported construct %T", n)
}

func (m *Machine) block(b *Block) (Value, error) {
	mark := len(m.locals)
	defer func() { m.locals = m.locals[:mark] }()
	var last Value
	for _, s := range b.Stmts {
		v, err := m.eval(s)
		if err != nil {
			return Value{}, err
		}
		last = v
		if _, ok := s.(*ExprStmt); !ok {
			last = Value{}
		}
	}
	return last, nil
}

func (m *Machine) ident(name string) (Value, error) {
	if v, ok := m.lookup(name); ok {
		return v, nil
	}
	if d := m.macro(name); d != nil && !d.FnLike {
		if oldMacros != nil {
			return oldMacros.ident(m, d)
		}
		body, err := m.expansion(d)
		if err != nil {
			return Value{}, unknownf("macro %s: %v", name, err)
		}
		m.inExp++
		defer func() { m.inExp-- }()
		return m.eval(body)
	}
	if v, ok := m.Consts[name]; ok {
		return v, nil
	}
	if v, ok := m.Vars[name]; ok {
		return v, nil
	}
	return Value{}, unknownf("%s", name)
}

func (m *Machine) binary(n *Binary) (Value, error) {
	if n.Op == "," {
		if _, err := m.eval(n.X); err != nil {
			return Value{}, err
		}
		return m.eval(n.Y)
	}
	if assignOps[n.Op] {
		y, err := m.eval(n.Y)
		if err != nil {
			return Value{}, err
		}
		if n.Op != "=" {
			x, err := m.eval(n.X)
			if err != nil {
				return Value{}, err
			}
			if y, err = binop(strings.TrimSuffix(n.Op, "="), x, y); err != nil {
				return Value{}, err
			}
		}
		return y, m.assign(n.X, y)
	}
	x, err := m.eval(n.X)
	if err != nil {
		return Value{}, err
	}
	if n.Op == "&&" && x.Bits == 0 || n.Op == "||" && x.Bits != 0 {
		return cvalue.FromBool(n.Op == "||"), nil
	}
	y, err := m.eval(n.Y)
	if err != nil {
		return Value{}, err
	}
	return binop(n.Op, x, y)
}

func (m *Machine) assign(lv Node, v Value) error {
	switch l := lv.(type) {
	case *Ident:
		if m.setLocal(l.Name, v) {
			return nil
		}
		if old, ok := m.Vars[l.Name]; ok {
			m.Vars[l.Name] = Convert(v, old.T)
			return nil
		}
	case *Member:
		p, _ := Path(l)
		if old, ok := m.Vars[p]; ok {
			m.Vars[p] = Convert(v, old.T)
			return nil
		}
		if m.Vars != nil && p != "" {
			m.Vars[p] = v
			return nil
		}
	case *Unary:
		if c, ok := l.X.(*Cast); ok && l.Op == "*" && c.Ptr == 1 {
			addr, err := m.eval(c.X)
			if err != nil {
				return err
			}
			size := int(c.T.Bits / 8)
			m.Stores = append(m.Stores, Store{Off: int64(addr.Bits) - BufBase, Size: size, Val: Convert(v, Type{Bits: c.T.Bits}).Uint64()})
			return nil
		}
	}
	return unknownf("assignment to %T", lv)
}

func (m *Machine) call(c *Call) (Value, error) {
	if fd := m.Funcs[c.Fn]; fd != nil && m.macro(c.Fn) == nil {
		return m.callFunc(fd, c)
	}
	switch c.Fn {
	case "reg", "reg_high":
		if m.macro(c.Fn) == nil {
			var regs []int64
			for _, a := range c.Args {
				v, err := m.eval(a)
				if err != nil {
					return Value{}, err
				}
				h, ok := m.Reg2Hex[v.Int64()]
				if !ok {
					return Value{}, fmt.Errorf("reg2hex[%d] is not defined", v.Int64())
				}
				regs = append(regs, h)
			}
			if c.Fn == "reg" && len(regs) == 2 {
				return Value{Bits: uint64(regs[0]<<4 | regs[1]), T: TUint}, nil
			}
			if c.Fn == "reg_high" && len(regs) == 1 {
				return Value{Bits: uint64(regs[0] << 4), T: TUint}, nil
			}
			return Value{}, fmt.Errorf("%s: wrong number of arguments", c.Fn)
		}
	case "reg_set_seen":
		return Value{}, nil
	case "BIT":
		if len(c.Args) == 1 && m.macro("BIT") == nil {
			v, err := m.eval(c.Args[0])
			if err != nil {
				return Value{}, err
			}
			return binop("<<", Value{Bits: 1, T: TUlong}, v)
		}
	case "BUILD_BUG_ON":
		if len(c.Args) == 1 {
			v, err := m.eval(c.Args[0])
			if err != nil {
				return Value{}, err
			}
			if v.Bits != 0 {
				return Value{}, fmt.Errorf("BUILD_BUG_ON(%s) fails", c.Texts[0])
			}
			return Value{}, nil
		}
	}
	d := m.macro(c.Fn)
	if d == nil || !d.FnLike {
		if c.Fn == "REG_SET_SEEN" {
			return Value{}, nil
		}
		if m.OpaqueCalls && d == nil && m.Funcs[c.Fn] == nil {
			return Int(0), nil
		}
		return Value{}, unknownf("call of %s", c.Fn)
	}
	if len(c.Args) != len(d.Params) {
		return Value{}, fmt.Errorf("macro %s takes %d arguments, got %d", d.Name, len(d.Params), len(c.Args))
	}
	if oldMacros != nil {
		return oldMacros.call(m, d, c)
	}
	body, err := m.expansion(d)
	if err != nil {
		return Value{}, fmt.Errorf("macro %s: %v", d.Name, err)
	}
	// The arguments are evaluated in the caller's scope, then bound to the
	// placeholders the expansion holds for the parameters.
	args := make([]local, len(c.Args))
	for i, a := range c.Args {
		v, err := m.eval(a)
		if err != nil {
			return Value{}, err
		}
		args[i] = local{placeholder(i), v}
	}
	mark := len(m.locals)
	m.locals = append(m.locals, args...)
	m.inExp++
	defer func() {
		m.locals = m.locals[:mark]
		m.inExp--
	}()
	return m.eval(body)
}

// macro returns the macro definition of name, nil when name is not a
// macro here (also inside an expansion: the preprocessor expanded every
// macro it could, what remains is not expanded again).
func (m *Machine) macro(name string) *MacroDef {
	if m.inExp > 0 {
		return nil
	}
	return m.Macros[name]
}

// placeholder names the i-th parameter of a macro in its expansion: a name
// no C file writes, so that no argument text or local of a nested macro
// can capture it.
func placeholder(i int) string { return fmt.Sprintf("__cexpr_arg%d", i) }

// expansion returns the parsed expansion of d by the preprocessor
// (cparse/cpp, through cparse/macroexp) over the machine's macros: the
// macro applied to placeholders for its parameters, or its name.
func (m *Machine) expansion(d *MacroDef) (Node, error) {
	if d.expanded {
		return d.xnode, d.xerr
	}
	if m.table == nil {
		m.table = tableOf(m.Macros)
		// Expand every macro in one run of the preprocessor.
		var sites []macroexp.Site
		for _, o := range m.Macros {
			if o != nil && !o.expanded {
				sites = append(sites, macroexp.Site{Text: invocation(o)})
			}
		}
		sort.Slice(sites, func(i, j int) bool { return sites[i].Text < sites[j].Text })
		m.table.Prefetch("", sites)
	}
	d.expanded = true
	text, err := m.table.Expand("", invocation(d), 0, 0)
	if err != nil {
		d.xerr = err
		return nil, err
	}
	d.xnode, d.xerr = ParseBody(text)
	return d.xnode, d.xerr
}

// invocation is the text whose expansion is d's: its name applied to
// placeholders for its parameters, or its name.
func invocation(d *MacroDef) string {
	if !d.FnLike {
		return d.Name
	}
	ph := make([]string, len(d.Params))
	for i := range ph {
		ph[i] = placeholder(i)
	}
	return d.Name + "(" + strings.Join(ph, ", ") + ")"
}

// tableOf gives the macros to the preprocessor in source order (by line,
// then by name for those without one).
func tableOf(macros map[string]*MacroDef) *macroexp.Table {
	ds := make([]*MacroDef, 0, len(macros))
	for _, d := range macros {
		if d != nil {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Line != ds[j].Line {
			return ds[i].Line < ds[j].Line
		}
		return ds[i].Name < ds[j].Name
	})
	defs := make([]macroexp.Def, len(ds))
	for i, d := range ds {
		text := d.Text
		if text == "" {
			text = macroexp.Define(d.Name, d.Params, d.FnLike, d.Body)
		}
		defs[i] = macroexp.Def{Name: d.Name, Line: d.Line, Text: text}
	}
	return macroexp.NewTable(defs)
}

// callFunc calls a helper function of the file.
func (m *Machine) callFunc(fd *FuncDef, c *Call) (Value, error) {
	if len(c.Args) != len(fd.Params) {
		return Value{}, fmt.Errorf("function %s takes %d arguments, got %d", fd.Name, len(fd.Params), len(c.Args))
	}
	if m.depth >= maxDepth {
		return Value{}, fmt.Errorf("calls too deep at %s", fd.Name)
	}
	var params []local
	for i, a := range c.Args {
		v, err := m.eval(a)
		if err != nil {
			// An opaque pointer passed on under its own name ("jit"):
			// the body reaches it through member paths (jit->seen_regs).
			if id, ok := a.(*Ident); ok && id.Name == fd.Params[i] && errors.Is(err, ErrUnknown) {
				continue
			}
			return Value{}, err
		}
		params = append(params, local{fd.Params[i], Convert(v, fd.Types[i])})
	}
	// A function sees only its parameters and locals, and its body is
	// file text, where macros expand.
	saved, savedExp := m.locals, m.inExp
	m.locals, m.inExp = params, 0
	m.depth++
	defer func() {
		m.locals, m.inExp = saved, savedExp
		m.depth--
	}()
	_, err := m.eval(fd.Body)
	var r *returned
	if errors.As(err, &r) {
		return Convert(r.v, fd.Result), nil
	}
	if err != nil {
		return Value{}, err
	}
	if fd.Void {
		return Value{}, nil
	}
	return Value{}, unknownf("%s returns no value", fd.Name)
}
