package cexpr

import "fmt"

// SetTrace makes every Eval report its node and result to fn (nil: off).
func SetTrace(fn func(n Node, v Value, err error)) { traceEval = fn }

// UseOldMacros switches macro evaluation to the expander cexpr had before
// it used the preprocessor (true) or back (false).
func UseOldMacros(on bool) {
	oldMacros = nil
	if on {
		oldMacros = &oldExpander{ident: oldIdent, call: oldCall}
	}
}

// oldMaxDepth bounded the old expander's nesting.
const oldMaxDepth = 64

// oldIdent is the old expander's use of an object-like macro: its body as
// written, parsed, evaluated with the macro hidden from its own expansion.
func oldIdent(m *Machine, d *MacroDef) (Value, error) {
	name := d.Name
	if m.depth >= oldMaxDepth {
		return Value{}, fmt.Errorf("macro expansion too deep at %s", name)
	}
	body, err := d.Parsed()
	if err != nil {
		return Value{}, unknownf("macro %s: %v", name, err)
	}
	m.depth++
	defer func() { m.depth-- }()
	saved := m.Macros[name]
	m.Macros[name] = nil
	defer func() { m.Macros[name] = saved }()
	return m.eval(body)
}

// oldCall is the old expander's call of a function-like macro: the
// arguments evaluated in the caller's scope and bound to the parameters'
// names, the body as written evaluated with the macro hidden.
func oldCall(m *Machine, d *MacroDef, c *Call) (Value, error) {
	if m.depth >= oldMaxDepth {
		return Value{}, fmt.Errorf("macro expansion too deep at %s", d.Name)
	}
	mark := len(m.locals)
	for i, a := range c.Args {
		v, err := m.eval(a)
		if err != nil {
			m.locals = m.locals[:mark]
			return Value{}, err
		}
		m.locals = append(m.locals, local{"\x00" + d.Params[i], v})
	}
	for i := mark; i < len(m.locals); i++ {
		m.locals[i].name = m.locals[i].name[1:]
	}
	body, err := d.Parsed()
	if err != nil {
		return Value{}, fmt.Errorf("macro %s: %v", d.Name, err)
	}
	m.depth++
	saved := m.Macros[c.Fn]
	m.Macros[c.Fn] = nil
	defer func() {
		m.Macros[c.Fn] = saved
		m.locals = m.locals[:mark]
		m.depth--
	}()
	return m.eval(body)
}
