package cexpr

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is a C integer type: its width in bits and signedness. Pointers are
// unsigned 64-bit.
type Type struct {
	Bits   uint8
	Signed bool
}

// C integer types of s390x (LP64).
var (
	TInt   = Type{32, true}
	TUint  = Type{32, false}
	TLong  = Type{64, true}
	TUlong = Type{64, false}
)

// TypeOf returns the integer type named by words ("unsigned", "int"); ok
// is false for a type that is not an integer (a struct, void).
func TypeOf(words []string) (Type, bool) {
	unsigned, long, short, char := false, 0, false, false
	for _, w := range words {
		switch w {
		case "u8", "__u8":
			return Type{8, false}, true
		case "u16", "__u16":
			return Type{16, false}, true
		case "u32", "__u32":
			return TUint, true
		case "u64", "__u64", "size_t":
			return TUlong, true
		case "s8":
			return Type{8, true}, true
		case "s16":
			return Type{16, true}, true
		case "s32":
			return TInt, true
		case "s64":
			return TLong, true
		case "bool":
			return Type{8, false}, true
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
		t = Type{8, true}
	case short:
		t = Type{16, true}
	case long > 0:
		t = TLong
	}
	t.Signed = !unsigned
	return t, true
}

// Value is an integer value of a C type. Bits holds the value truncated to
// the type's width (sign-extended for signed types).
type Value struct {
	Bits uint64
	T    Type
}

// Int returns an int value.
func Int(v int64) Value { return Convert(Value{uint64(v), TLong}, TInt) }

// Convert converts v to type t as a C cast does.
func Convert(v Value, t Type) Value {
	b := v.Bits
	if t.Bits < 64 {
		m := uint64(1)<<t.Bits - 1
		b &= m
		if t.Signed && b>>(t.Bits-1)&1 == 1 {
			b |= ^m
		}
	}
	return Value{b, t}
}

// Int64 returns the value as a signed 64-bit integer.
func (v Value) Int64() int64 { return int64(v.Bits) }

// Uint64 returns the value's bits as unsigned (the two's complement of the
// type's width for negative values of narrower types).
func (v Value) Uint64() uint64 {
	if v.T.Bits < 64 {
		return v.Bits & (uint64(1)<<v.T.Bits - 1)
	}
	return v.Bits
}

// String formats the value in hex.
func (v Value) String() string {
	if v.T.Signed && int64(v.Bits) < 0 {
		return fmt.Sprintf("-%#x", uint64(-int64(v.Bits)))
	}
	return fmt.Sprintf("%#x", v.Uint64())
}

// ParseNum parses a C integer constant with the type C gives it.
func ParseNum(s string) (Value, error) {
	t := strings.ToLower(s)
	unsigned, long := false, false
	for len(t) > 0 {
		switch t[len(t)-1] {
		case 'u':
			unsigned = true
		case 'l':
			long = true
		default:
			goto done
		}
		t = t[:len(t)-1]
	}
done:
	decimal := !strings.HasPrefix(t, "0") || t == "0"
	v, err := strconv.ParseUint(t, 0, 64)
	if err != nil {
		return Value{}, fmt.Errorf("bad integer constant %q", s)
	}
	// C's rules for the type of an integer constant.
	var cands []Type
	switch {
	case unsigned && long:
		cands = []Type{TUlong}
	case unsigned:
		cands = []Type{TUint, TUlong}
	case long && decimal:
		cands = []Type{TLong}
	case long:
		cands = []Type{TLong, TUlong}
	case decimal:
		cands = []Type{TInt, TLong}
	default:
		cands = []Type{TInt, TUint, TLong, TUlong}
	}
	for _, c := range cands {
		if fits(v, c) {
			return Value{v, c}, nil
		}
	}
	return Value{v, TUlong}, nil
}

func fits(v uint64, t Type) bool {
	if t.Signed {
		return v <= uint64(1)<<(t.Bits-1)-1
	}
	return t.Bits == 64 || v <= uint64(1)<<t.Bits-1
}

// promote applies the integer promotions.
func promote(v Value) Value {
	if v.T.Bits < 32 {
		return Convert(v, TInt)
	}
	return v
}

// common returns the type of the usual arithmetic conversions.
func common(a, b Type) Type {
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
		return Type{a.Bits, false}
	}
	if a.Bits > b.Bits {
		return a
	}
	return b
}

func boolVal(b bool) Value {
	if b {
		return Int(1)
	}
	return Int(0)
}

// binop evaluates x op y with C semantics.
func binop(op string, x, y Value) (Value, error) {
	switch op {
	case "<<", ">>":
		x = promote(x)
		n := promote(y).Int64()
		if n < 0 || n >= int64(x.T.Bits) {
			return Value{}, fmt.Errorf("shift count %d out of range for %d-bit operand", n, x.T.Bits)
		}
		if op == "<<" {
			return Convert(Value{x.Bits << uint(n), x.T}, x.T), nil
		}
		if x.T.Signed {
			return Convert(Value{uint64(int64(x.Bits) >> uint(n)), x.T}, x.T), nil
		}
		return Convert(Value{x.Uint64() >> uint(n), x.T}, x.T), nil
	case "&&":
		return boolVal(x.Bits != 0 && y.Bits != 0), nil
	case "||":
		return boolVal(x.Bits != 0 || y.Bits != 0), nil
	}
	t := common(x.T, y.T)
	x, y = Convert(x, t), Convert(y, t)
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
		return boolVal(a == b), nil
	case "!=":
		return boolVal(a != b), nil
	case "<", ">", "<=", ">=":
		var lt, eq bool
		if t.Signed {
			lt, eq = int64(a) < int64(b), a == b
		} else {
			lt, eq = x.Uint64() < y.Uint64(), a == b
		}
		switch op {
		case "<":
			return boolVal(lt), nil
		case ">":
			return boolVal(!lt && !eq), nil
		case "<=":
			return boolVal(lt || eq), nil
		}
		return boolVal(!lt), nil
	default:
		return Value{}, fmt.Errorf("unsupported operator %q", op)
	}
	return Convert(Value{r, t}, t), nil
}
