package refimpl

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// exprVal is the value of an assembler expression: a constant plus a number
// of "." (location counter) terms.
type exprVal struct {
	c    int64
	dots int
}

type exprParser struct {
	s      string
	i      int
	dotsOK bool
	depth  int // of unary operators and parentheses, see maxExprDepth
}

// maxExprDepth bounds the nesting of unary operators and parentheses in an
// expression, so that a hostile line cannot exhaust the stack.
const maxExprDepth = 1000

// evalExpr evaluates an integer expression; with dotsOK, "." is allowed in
// sums and differences.
func evalExpr(s string, dotsOK bool, _ int) (exprVal, error) {
	p := &exprParser{s: s, dotsOK: dotsOK}
	p.skip()
	if p.i == len(p.s) {
		return exprVal{}, errors.New("missing value")
	}
	v, err := p.or()
	if err != nil {
		return exprVal{}, err
	}
	p.skip()
	if p.i != len(p.s) {
		return exprVal{}, fmt.Errorf("bad expression %q", clipText(strings.TrimSpace(s)))
	}
	return v, nil
}

func (p *exprParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) peek(op string) bool {
	p.skip()
	return strings.HasPrefix(p.s[p.i:], op)
}

func errNoDot() error { return errors.New("location counter \".\" not allowed here") }

type binop func(a, b int64) (int64, error)

func (p *exprParser) level(next func() (exprVal, error), ops map[string]binop, order []string) (exprVal, error) {
	v, err := next()
	if err != nil {
		return v, err
	}
	for {
		var op string
		for _, o := range order {
			if p.peek(o) {
				op = o
				break
			}
		}
		if op == "" {
			return v, nil
		}
		p.i += len(op)
		w, err := next()
		if err != nil {
			return v, err
		}
		if v.dots != 0 || w.dots != 0 {
			return v, errNoDot()
		}
		c, err := ops[op](v.c, w.c)
		if err != nil {
			return v, err
		}
		v = exprVal{c: c}
	}
}

var (
	opsBit = map[string]binop{
		"|": func(a, b int64) (int64, error) { return a | b, nil },
		"^": func(a, b int64) (int64, error) { return a ^ b, nil },
		"&": func(a, b int64) (int64, error) { return a & b, nil },
	}
	opsMul = map[string]binop{
		"<<": func(a, b int64) (int64, error) {
			if b < 0 || b > 63 {
				return 0, errors.New("bad shift count")
			}
			return a << b, nil
		},
		">>": func(a, b int64) (int64, error) {
			if b < 0 || b > 63 {
				return 0, errors.New("bad shift count")
			}
			return a >> b, nil
		},
		"*": func(a, b int64) (int64, error) {
			hi, lo := bits.Mul64(uint64(abs(a)), uint64(abs(b)))
			if hi != 0 || lo > 1<<62 {
				return 0, errors.New("value too large")
			}
			return a * b, nil
		},
		"/": func(a, b int64) (int64, error) {
			if b == 0 {
				return 0, errors.New("division by zero")
			}
			return a / b, nil
		},
		"%": func(a, b int64) (int64, error) {
			if b == 0 {
				return 0, errors.New("division by zero")
			}
			return a % b, nil
		},
	}
)

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// GNU as' precedence, unlike C's: * / % << >> bind tightest, then the
// bitwise | & ^ (one level, left to right), then + and -.

func (p *exprParser) or() (exprVal, error) {
	return p.sum()
}

const limit = 1 << 62

func (p *exprParser) sum() (exprVal, error) {
	v, err := p.bitwise()
	if err != nil {
		return v, err
	}
	for {
		var sign int64
		switch {
		case p.peek("+"):
			sign = 1
		case p.peek("-"):
			sign = -1
		default:
			return v, nil
		}
		p.i++
		w, err := p.bitwise()
		if err != nil {
			return v, err
		}
		v.c += sign * w.c
		v.dots += int(sign) * w.dots
		if v.c > limit || v.c < -limit {
			return v, errors.New("value too large")
		}
	}
}

func (p *exprParser) bitwise() (exprVal, error) {
	return p.level(p.product, opsBit, []string{"|", "^", "&"})
}

func (p *exprParser) product() (exprVal, error) {
	return p.level(p.unary, opsMul, []string{"*", "/", "%", "<<", ">>"})
}

func (p *exprParser) unary() (exprVal, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxExprDepth {
		return exprVal{}, fmt.Errorf("expression nested deeper than %d levels", maxExprDepth)
	}
	p.skip()
	if p.i >= len(p.s) {
		return exprVal{}, errors.New("missing value")
	}
	switch p.s[p.i] {
	case '-':
		p.i++
		v, err := p.unary()
		return exprVal{c: -v.c, dots: -v.dots}, err
	case '+':
		p.i++
		return p.unary()
	case '~':
		p.i++
		v, err := p.unary()
		if v.dots != 0 {
			return v, errNoDot()
		}
		return exprVal{c: ^v.c}, err
	case '(':
		p.i++
		v, err := p.or()
		if err != nil {
			return v, err
		}
		if !p.peek(")") {
			return v, errors.New("missing )")
		}
		p.i++
		return v, nil
	case '\'':
		// A character constant: 'a (GNU as also takes a closing quote).
		if p.i+1 >= len(p.s) {
			return exprVal{}, errors.New("missing character after '")
		}
		c := p.s[p.i+1]
		p.i += 2
		if p.i < len(p.s) && p.s[p.i] == '\'' {
			p.i++
		}
		return exprVal{c: int64(c)}, nil
	case '.':
		if !p.dotsOK {
			return exprVal{}, errNoDot()
		}
		p.i++
		return exprVal{dots: 1}, nil
	}
	return p.number()
}

// number parses decimal, 0x hex, 0b binary or 0-prefixed octal, as GNU as.
func (p *exprParser) number() (exprVal, error) {
	start := p.i
	for p.i < len(p.s) && isAlnum(p.s[p.i]) {
		p.i++
	}
	tok := p.s[start:p.i]
	if tok == "" {
		return exprVal{}, fmt.Errorf("bad expression %q", clipText(strings.TrimSpace(p.s)))
	}
	base, digits := 10, tok
	switch {
	case len(tok) > 2 && (tok[:2] == "0x" || tok[:2] == "0X"):
		base, digits = 16, tok[2:]
	case len(tok) > 2 && (tok[:2] == "0b" || tok[:2] == "0B"):
		base, digits = 2, tok[2:]
	case len(tok) > 1 && tok[0] == '0':
		base, digits = 8, tok[1:]
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		default:
			d = 99
		}
		if d >= int64(base) {
			return exprVal{}, fmt.Errorf("bad number %q", clipText(tok))
		}
		v = v*int64(base) + d
		if v > limit {
			return exprVal{}, fmt.Errorf("number %s too large", clipText(tok))
		}
	}
	return exprVal{c: v}, nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// clipText shortens s to at most 60 bytes for quoting in an error: a
// hostile operand may be a megabyte long.
func clipText(s string) string {
	if len(s) <= 60 {
		return s
	}
	return s[:57] + "..."
}
