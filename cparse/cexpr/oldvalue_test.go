package cexpr

import (
	"fmt"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
)

// This file keeps the integer rules cexpr had before the value model
// (cparse/cvalue) replaced them, frozen as the oracle of
// TestValuesDifferential.

// UseOldValues switches cexpr's operations to the rules it had before
// (true) or back to the value model (false). With the old rules, every
// operation is also done by the model, and check receives each one whose
// value, type or error differs.
func UseOldValues(on bool, check func(op string, old, cur string)) {
	if !on {
		convert, binop, unop, typeOf = cvalue.Convert, cvalue.Binary, cvalue.Unary, typeOfWords
		return
	}
	show := func(v Value, err error) string {
		if err != nil {
			return "error " + err.Error()
		}
		return fmt.Sprintf("%#x %d-bit signed %v", v.Bits, v.T.Bits, v.T.Signed)
	}
	convert = func(v Value, t Type) Value {
		o, c := oldConvert(v, t), cvalue.Convert(v, t)
		check(fmt.Sprintf("(%v)%s", t, show(v, nil)), show(o, nil), show(c, nil))
		return o
	}
	binop = func(op string, x, y Value) (Value, error) {
		o, oerr := oldBinop(op, x, y)
		c, cerr := cvalue.Binary(op, x, y)
		check(fmt.Sprintf("%s %s %s", show(x, nil), op, show(y, nil)), show(o, oerr), show(c, cerr))
		return o, oerr
	}
	unop = func(op string, x Value) (Value, error) {
		o, oerr := oldUnary(op, x)
		c, cerr := cvalue.Unary(op, x)
		check(fmt.Sprintf("%s%s", op, show(x, nil)), show(o, oerr), show(c, cerr))
		return o, oerr
	}
	typeOf = oldTypeOf
}

// oldTypeOf is TypeOf as it was: plain char signed, bool an unsigned char.
func oldTypeOf(words []string) (Type, bool) {
	unsigned, long, short, char := false, 0, false, false
	for _, w := range words {
		switch w {
		case "u8", "__u8":
			return Type{Bits: 8}, true
		case "u16", "__u16":
			return Type{Bits: 16}, true
		case "u32", "__u32":
			return TUint, true
		case "u64", "__u64", "size_t":
			return TUlong, true
		case "s8":
			return Type{Bits: 8, Signed: true}, true
		case "s16":
			return Type{Bits: 16, Signed: true}, true
		case "s32":
			return TInt, true
		case "s64":
			return TLong, true
		case "bool":
			return Type{Bits: 8}, true
		case "unsigned":
			unsigned = true
		case "long":
			long++
		case "short":
			short = true
		case "char":
			char = true
		case "int", "signed", "const", "volatile":
		default:
			return TUlong, false
		}
	}
	t := TInt
	switch {
	case char:
		t = Type{Bits: 8, Signed: true}
	case short:
		t = Type{Bits: 16, Signed: true}
	case long > 0:
		t = TLong
	}
	t.Signed = !unsigned
	return t, true
}

func oldConvert(v Value, t Type) Value {
	b := v.Bits
	if t.Bits < 64 {
		m := uint64(1)<<t.Bits - 1
		b &= m
		if t.Signed && b>>(t.Bits-1)&1 == 1 {
			b |= ^m
		}
	}
	return Value{Bits: b, T: t}
}

func oldPromote(v Value) Value {
	if v.T.Bits < 32 {
		return oldConvert(v, TInt)
	}
	return v
}

func oldCommon(a, b Type) Type {
	if a.Bits < 32 {
		a = TInt
	}
	if b.Bits < 32 {
		b = TInt
	}
	if a == b {
		return a
	}
	if a.Bits == b.Bits {
		return Type{Bits: a.Bits}
	}
	if a.Bits > b.Bits {
		return a
	}
	return b
}

func oldBool(b bool) Value {
	if b {
		return oldConvert(Value{Bits: 1, T: TLong}, TInt)
	}
	return oldConvert(Value{Bits: 0, T: TLong}, TInt)
}

// oldUnary is the unary operators of the old eval.
func oldUnary(op string, x Value) (Value, error) {
	x = oldPromote(x)
	switch op {
	case "-":
		return oldConvert(Value{Bits: -x.Bits, T: x.T}, x.T), nil
	case "~":
		return oldConvert(Value{Bits: ^x.Bits, T: x.T}, x.T), nil
	case "!":
		return oldBool(x.Bits == 0), nil
	}
	return x, nil
}

func oldBinop(op string, x, y Value) (Value, error) {
	switch op {
	case "<<", ">>":
		x = oldPromote(x)
		n := oldPromote(y).Int64()
		if n < 0 || n >= int64(x.T.Bits) {
			return Value{}, fmt.Errorf("shift count %d out of range for %d-bit operand", n, x.T.Bits)
		}
		if op == "<<" {
			return oldConvert(Value{Bits: x.Bits << uint(n), T: x.T}, x.T), nil
		}
		if x.T.Signed {
			return oldConvert(Value{Bits: uint64(int64(x.Bits) >> uint(n)), T: x.T}, x.T), nil
		}
		return oldConvert(Value{Bits: x.Uint64() >> uint(n), T: x.T}, x.T), nil
	case "&&":
		return oldBool(x.Bits != 0 && y.Bits != 0), nil
	case "||":
		return oldBool(x.Bits != 0 || y.Bits != 0), nil
	}
	t := oldCommon(x.T, y.T)
	x, y = oldConvert(x, t), oldConvert(y, t)
	a, b := x.Bits, y.Bits
	var r uint64
	switch op {
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/", "%":
		if b == 0 {
			return Value{}, fmt.Errorf("division by zero")
		}
		if t.Signed {
			if op == "/" {
				r = uint64(int64(a) / int64(b))
			} else {
				r = uint64(int64(a) % int64(b))
			}
		} else {
			ua, ub := x.Uint64(), y.Uint64()
			if op == "/" {
				r = ua / ub
			} else {
				r = ua % ub
			}
		}
	case "&":
		r = a & b
	case "|":
		r = a | b
	case "^":
		r = a ^ b
	case "==":
		return oldBool(a == b), nil
	case "!=":
		return oldBool(a != b), nil
	case "<", ">", "<=", ">=":
		var lt, eq bool
		if t.Signed {
			lt, eq = int64(a) < int64(b), a == b
		} else {
			lt, eq = x.Uint64() < y.Uint64(), a == b
		}
		switch op {
		case "<":
			return oldBool(lt), nil
		case ">":
			return oldBool(!lt && !eq), nil
		case "<=":
			return oldBool(lt || eq), nil
		}
		return oldBool(!lt), nil
	default:
		return Value{}, fmt.Errorf("unsupported operator %q", op)
	}
	return oldConvert(Value{Bits: r, T: t}, t), nil
}
