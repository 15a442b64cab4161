package cpp

import (
	"errors"
	"strconv"
	"strings"
)

// evalIf evaluates the controlling expression of #if or #elif.
func (p *pp) evalIf(f *frame, dirTok ptok) bool {
	toks := p.ifTokens(f)
	if len(toks) == 0 {
		p.fail(p.last, false, "#%s with no expression", dirTok.Text)
	}
	e := &evaluator{p: p, toks: toks, unsignedChar: p.macros["__CHAR_UNSIGNED__"] != nil}
	v := e.comma(true)
	if e.i < len(e.toks) {
		t := e.toks[e.i]
		if t.Text == ")" {
			p.fail(t.Pos, false, "missing '(' in expression")
		}
		p.fail(t.Pos, false, `missing binary operator before token "%s"`, t.Text)
	}
	return v.v != 0
}

// ifTokens macro-expands the #if line, replacing defined, __has_include
// and the __has_* tests by their values.
func (p *pp) ifTokens(f *frame) []ptok {
	p.inDir = true
	defer func() { p.inDir = false }()
	var out []ptok
	for {
		t := p.expandNext()
		if t.Kind == EOF {
			return out
		}
		if t.Kind == Ident {
			switch t.Text {
			case "defined":
				out = append(out, p.definedOp(t))
				continue
			case "__has_include", "__has_include_next":
				out = append(out, p.hasInclude(f, t))
				continue
			case "__has_attribute", "__has_cpp_attribute", "__has_c_attribute", "__has_builtin":
				if m := p.macros[t.Text]; m != nil && m.builtin != bNone {
					out = append(out, p.hasFeature(t))
					continue
				}
			}
		}
		out = append(out, t)
	}
}

func number(t ptok, v bool) ptok {
	r := t
	r.Kind = Number
	r.Text = "0"
	if v {
		r.Text = "1"
	}
	return r
}

// definedOp reads the operand of defined, unexpanded.
func (p *pp) definedOp(t ptok) ptok {
	n := p.next()
	paren := n.Text == "("
	if paren {
		n = p.next()
	}
	if n.Kind != Ident {
		at := n.Pos
		if n.Kind == EOF {
			at = p.last
		}
		p.fail(at, false, "operator \"defined\" requires an identifier")
	}
	if paren {
		if c := p.next(); c.Text != ")" {
			p.fail(t.Pos, false, "missing ')' after \"defined\"")
		}
	}
	_, ok := p.macros[n.Text]
	return number(t, ok)
}

// hasInclude evaluates __has_include ( header-name ).
func (p *pp) hasInclude(f *frame, t ptok) ptok {
	if n := p.next(); n.Text != "(" {
		p.fail(t.Pos, false, `missing '(' before "%s" operand`, t.Text)
	}
	var toks []ptok
	first := p.next()
	if first.Kind == String || first.Text == "<" {
		toks = append(toks, first)
		if first.Text == "<" {
			for {
				n := p.next()
				if n.Kind == EOF {
					break
				}
				toks = append(toks, n)
				if n.Text == ">" {
					break
				}
			}
		}
	} else {
		p.unread(first)
		for {
			n := p.expandNext()
			if n.Kind == EOF || n.Text == ")" {
				p.unread(n)
				break
			}
			toks = append(toks, n)
		}
	}
	name, angle, ok := headerFromTokens(toks)
	if !ok {
		p.fail(t.Pos, false, `operator "%s" requires a header-name`, t.Text)
	}
	if c := p.next(); c.Text != ")" {
		p.fail(t.Pos, false, `missing ')' after "%s" operand`, t.Text)
	}
	found, _, _ := p.search(f, name, angle, t.Text == "__has_include_next", t.Pos)
	return number(t, found)
}

// hasFeature evaluates __has_attribute and the other __has_* tests.
func (p *pp) hasFeature(t ptok) ptok {
	if n := p.expandNext(); n.Text != "(" {
		p.fail(t.Pos, false, `missing '(' after "%s"`, t.Text)
	}
	var name strings.Builder
	for {
		n := p.expandNext()
		if n.Kind == EOF {
			p.fail(t.Pos, false, `missing ')' after "%s" operand`, t.Text)
		}
		if n.Text == ")" {
			break
		}
		name.WriteString(n.Text)
	}
	var v int
	if t.Text == "__has_builtin" {
		if p.cfg.HasBuiltin != nil {
			v = p.cfg.HasBuiltin(name.String())
		} else {
			v = gccHas("builtin", name.String())
		}
	} else {
		kind := strings.TrimPrefix(strings.TrimSuffix(t.Text[len("__has_"):], "_attribute"), "_")
		if kind == "" {
			kind = "attribute"
		}
		if p.cfg.HasAttribute != nil {
			v = p.cfg.HasAttribute(name.String())
		} else {
			v = gccHas(kind, name.String())
		}
	}
	r := t
	r.Kind = Number
	r.Text = strconv.Itoa(v)
	return r
}

// value is an #if value: intmax_t or uintmax_t.
type value struct {
	v        uint64
	unsigned bool
}

// evaluator evaluates an #if expression by precedence climbing.
type evaluator struct {
	p            *pp
	toks         []ptok
	i            int
	unsignedChar bool
}

func (e *evaluator) peek() *ptok {
	if e.i < len(e.toks) {
		return &e.toks[e.i]
	}
	return nil
}

func (e *evaluator) lastPos() lpos {
	if e.i < len(e.toks) {
		return e.toks[e.i].Pos
	}
	if len(e.toks) > 0 {
		return e.toks[len(e.toks)-1].Pos
	}
	return lpos{}
}

func (e *evaluator) isOp(s string) bool {
	t := e.peek()
	return t != nil && t.Kind == Punct && t.Text == s
}

// comma: the comma operator (GCC accepts it in #if).
func (e *evaluator) comma(eval bool) value {
	v := e.cond(eval)
	for e.isOp(",") {
		e.i++
		v = e.cond(eval)
	}
	return v
}

func (e *evaluator) cond(eval bool) value {
	c := e.binary(0, eval)
	if !e.isOp("?") {
		return c
	}
	e.i++
	a := e.comma(eval && c.v != 0)
	if !e.isOp(":") {
		e.p.fail(e.lastPos(), false, "'?' without following ':'")
	}
	e.i++
	b := e.cond(eval && c.v == 0)
	r := b
	if c.v != 0 {
		r = a
	}
	r.unsigned = a.unsigned || b.unsigned
	return r
}

var binPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

func (e *evaluator) binary(minPrec int, eval bool) value {
	l := e.unary(eval)
	for {
		t := e.peek()
		if t == nil || t.Kind != Punct {
			return l
		}
		prec, ok := binPrec[t.Text]
		if !ok || prec <= minPrec {
			return l
		}
		op := t.Text
		opTok := *t
		e.i++
		switch op {
		case "&&":
			r := e.binary(prec, eval && l.v != 0)
			l = value{v: b2u(l.v != 0 && r.v != 0)}
			continue
		case "||":
			r := e.binary(prec, eval && l.v == 0)
			l = value{v: b2u(l.v != 0 || r.v != 0)}
			continue
		}
		r := e.binary(prec, eval)
		l = e.apply(op, l, r, eval, opTok)
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (e *evaluator) apply(op string, l, r value, eval bool, at ptok) value {
	u := l.unsigned || r.unsigned
	switch op {
	case "<<", ">>":
		// The result has the left operand's type.
		u = l.unsigned
		n := r.v
		if !r.unsigned && int64(n) < 0 {
			if op == "<<" {
				op = ">>"
			} else {
				op = "<<"
			}
			n = -n
		}
		if op == "<<" {
			if n >= 64 {
				return value{0, u}
			}
			return value{l.v << n, u}
		}
		if n >= 64 {
			if !u && int64(l.v) < 0 {
				return value{^uint64(0), u}
			}
			return value{0, u}
		}
		if u {
			return value{l.v >> n, u}
		}
		return value{uint64(int64(l.v) >> n), u}
	case "*":
		return value{l.v * r.v, u}
	case "/", "%":
		if r.v == 0 {
			if eval {
				e.p.fail(at.Pos, false, "division by zero in #if")
			}
			return value{0, u}
		}
		if u {
			if op == "/" {
				return value{l.v / r.v, u}
			}
			return value{l.v % r.v, u}
		}
		a, b := int64(l.v), int64(r.v)
		if b == -1 {
			if op == "/" {
				return value{uint64(-a), u}
			}
			return value{0, u}
		}
		if op == "/" {
			return value{uint64(a / b), u}
		}
		return value{uint64(a % b), u}
	case "+":
		return value{l.v + r.v, u}
	case "-":
		return value{l.v - r.v, u}
	case "<", ">", "<=", ">=":
		var lt, eq bool
		if u {
			lt, eq = l.v < r.v, l.v == r.v
		} else {
			lt, eq = int64(l.v) < int64(r.v), l.v == r.v
		}
		var res bool
		switch op {
		case "<":
			res = lt
		case ">":
			res = !lt && !eq
		case "<=":
			res = lt || eq
		default:
			res = !lt
		}
		return value{v: b2u(res)}
	case "==":
		return value{v: b2u(l.v == r.v)}
	case "!=":
		return value{v: b2u(l.v != r.v)}
	case "&":
		return value{l.v & r.v, u}
	case "^":
		return value{l.v ^ r.v, u}
	case "|":
		return value{l.v | r.v, u}
	}
	return value{}
}

func (e *evaluator) unary(eval bool) value {
	t := e.peek()
	if t == nil {
		e.p.fail(e.lastPos(), false, "#if with no expression")
	}
	e.i++
	switch t.Kind {
	case Punct:
		switch t.Text {
		case "+":
			return e.unary(eval)
		case "-":
			v := e.unary(eval)
			return value{-v.v, v.unsigned}
		case "~":
			v := e.unary(eval)
			return value{^v.v, v.unsigned}
		case "!":
			v := e.unary(eval)
			return value{v: b2u(v.v == 0)}
		case "(":
			if e.isOp(")") {
				e.p.fail(t.Pos, false, "missing expression between '(' and ')'")
			}
			v := e.comma(eval)
			if !e.isOp(")") {
				e.p.fail(t.Pos, false, "missing ')' in expression")
			}
			e.i++
			return v
		}
		e.p.fail(t.Pos, false, `operator '%s' has no left operand`, t.Text)
	case Number:
		return e.number(t)
	case Char:
		return e.char(t)
	case Ident:
		// Identifiers that are not macros are 0 (assertions, true and
		// false included in C).
		if e.isOp("(") {
			e.p.fail(t.Pos, false, `missing binary operator before token "("`)
		}
		return value{}
	}
	e.p.fail(t.Pos, false, `token "%s" is not valid in preprocessor expressions`, t.Text)
	return value{}
}

// number parses an integer constant of #if.
func (e *evaluator) number(t *ptok) value {
	s := t.Text
	// Suffixes.
	end := len(s)
	unsigned := false
	for end > 0 {
		c := s[end-1]
		if c != 'u' && c != 'U' && c != 'l' && c != 'L' {
			break
		}
		if c == 'u' || c == 'U' {
			unsigned = true
		}
		end--
	}
	digits := s[:end]
	base := 10
	switch {
	case len(digits) > 2 && (digits[:2] == "0x" || digits[:2] == "0X"):
		base, digits = 16, digits[2:]
	case len(digits) > 2 && (digits[:2] == "0b" || digits[:2] == "0B"):
		base, digits = 2, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, digits = 8, digits[1:]
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			e.p.fail(t.Pos, false, "integer constant is too large for its type")
		}
		if strings.ContainsAny(s, ".") || base != 16 && strings.ContainsAny(s, "eE") || base == 16 && strings.ContainsAny(s, "pP") {
			e.p.fail(t.Pos, false, "floating constant in preprocessor expression")
		}
		if base == 8 {
			e.p.fail(t.Pos, false, `invalid digit "%c" in octal constant`, firstBad(digits, 8))
		}
		e.p.fail(t.Pos, false, `invalid suffix "%s" on integer constant`, suffixOf(t.Text))
	}
	if !unsigned && int64(v) < 0 {
		// "integer constant is so large that it is unsigned"
		unsigned = true
	}
	return value{v, unsigned}
}

func firstBad(s string, base int) byte {
	for i := 0; i < len(s); i++ {
		if int(s[i]-'0') >= base {
			return s[i]
		}
	}
	return '?'
}

func suffixOf(s string) string {
	i := 0
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		i = 2
		for i < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[i]) >= 0 {
			i++
		}
	} else {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return s[i:]
}

// char evaluates a character constant as GCC does.
func (e *evaluator) char(t *ptok) value {
	s := t.Text
	q := strings.IndexByte(s, '\'')
	prefix := s[:q]
	body := s[q+1 : len(s)-1]
	var chars []uint64
	for i := 0; i < len(body); {
		c, n := escape(body[i:])
		chars = append(chars, c)
		i += n
	}
	if len(chars) == 0 {
		e.p.fail(t.Pos, false, "empty character constant")
	}
	switch prefix {
	case "":
		// int; each char is 8 bits, later chars lower.
		var v uint64
		for _, c := range chars {
			v = v<<8 | c&0xff
		}
		if len(chars) == 1 {
			if !e.unsignedChar {
				return value{uint64(int64(int8(v))), false}
			}
			return value{v, false}
		}
		return value{uint64(int64(int32(v))), false}
	case "L":
		// wchar_t: int on the targets we read (GCC uses the last char).
		return value{uint64(int64(int32(chars[len(chars)-1]))), false}
	case "u", "u8":
		return value{chars[len(chars)-1] & 0xffff, false}
	default: // U
		return value{chars[len(chars)-1] & 0xffffffff, false}
	}
}

// escape decodes one (possibly escaped) character.
func escape(s string) (uint64, int) {
	if s[0] != '\\' || len(s) < 2 {
		return uint64(s[0]), 1
	}
	switch c := s[1]; c {
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case 'a':
		return 7, 2
	case 'b':
		return 8, 2
	case 'f':
		return 12, 2
	case 'v':
		return 11, 2
	case 'e', 'E':
		return 27, 2
	case 'x':
		var v uint64
		i := 2
		for i < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[i]) >= 0 {
			d, _ := strconv.ParseUint(s[i:i+1], 16, 8)
			v = v<<4 | d
			i++
		}
		return v, i
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if len(s) >= 2+n {
			v, err := strconv.ParseUint(s[2:2+n], 16, 32)
			if err == nil {
				return v, 2 + n
			}
		}
		return uint64(c), 2
	default:
		if c >= '0' && c <= '7' {
			var v uint64
			i := 1
			for i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '7' {
				v = v<<3 | uint64(s[i]-'0')
				i++
			}
			return v, i
		}
		return uint64(c), 2
	}
}
