// Package cvalue is the one C integer value model of trampcheck: the
// integer types of s390x (LP64, char unsigned), the conversion of a value
// to a type, the integer promotions, the usual arithmetic conversions, the
// type of an integer constant and the unary and binary operators, with the
// cases C leaves undefined that it refuses (division by zero, a shift count
// out of range).
//
// Both evaluators use it: cparse/cexpr (the encoding checks' evaluation of
// EMIT arguments and macro bodies) calls it for every operation, and
// cparse/interp (the trampoline generator) folds constants through it and
// builds its specialised closures from Norm and NormFunc. A value is held
// as 64 bits: the value truncated to its type's width, then sign-extended
// for signed types and zero-extended otherwise (a _Bool holds 0 or 1).
// Signed overflow wraps, as GCC's -fwrapv makes it.
package cvalue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Type is a C integer type: its width in bits (8, 16, 32 or 64), its
// signedness, and whether it is _Bool (8 bits, unsigned, values 0 and 1).
// Pointers are unsigned 64-bit.
type Type struct {
	Bits   uint8
	Signed bool
	Bool   bool
}

// The integer types of s390x (LP64; plain char is unsigned).
var (
	Bool   = Type{Bits: 8, Bool: true}
	Char   = Type{Bits: 8}
	SChar  = Type{Bits: 8, Signed: true}
	UChar  = Type{Bits: 8}
	Short  = Type{Bits: 16, Signed: true}
	UShort = Type{Bits: 16}
	Int    = Type{Bits: 32, Signed: true}
	UInt   = Type{Bits: 32}
	Long   = Type{Bits: 64, Signed: true}
	ULong  = Type{Bits: 64}
)

// Size returns the type's size in bytes.
func (t Type) Size() int { return int(t.Bits) / 8 }

// String names the type as C spells it ("unsigned int", "_Bool").
func (t Type) String() string {
	if t.Bool {
		return "_Bool"
	}
	var name string
	switch t.Bits {
	case 8:
		name = "char"
		if t.Signed {
			return "signed char"
		}
	case 16:
		name = "short"
	case 32:
		name = "int"
	case 64:
		name = "long"
	default:
		return fmt.Sprintf("int%d", t.Bits)
	}
	if !t.Signed {
		return "unsigned " + name
	}
	return name
}

// Specifiers returns the integer type the C type specifiers words name
// ("unsigned", "long", "int"; "const" and "volatile" are passed over); ok
// is false when a word is not an integer type specifier (void, a typedef
// name, struct).
func Specifiers(words []string) (t Type, ok bool) {
	signed, unsigned, longs, short, char, boolw := false, false, 0, false, false, false
	for _, w := range words {
		switch w {
		case "signed":
			signed = true
		case "unsigned":
			unsigned = true
		case "long":
			longs++
		case "short":
			short = true
		case "char":
			char = true
		case "_Bool":
			boolw = true
		case "int", "const", "volatile":
		default:
			return Type{}, false
		}
	}
	switch {
	case boolw:
		return Bool, true
	case char && unsigned:
		return UChar, true
	case char && signed:
		return SChar, true
	case char:
		return Char, true
	case short:
		t = Short
	case longs > 0:
		t = Long
	default:
		t = Int
	}
	t.Signed = !unsigned
	return t, true
}

// Norm returns the representation of v converted to t: truncated to t's
// width, then sign- or zero-extended; for _Bool, 1 when v is not 0.
func Norm(t Type, v uint64) uint64 {
	if t.Bool {
		if v != 0 {
			return 1
		}
		return 0
	}
	switch t.Bits {
	case 8:
		if t.Signed {
			return uint64(int64(int8(v)))
		}
		return uint64(uint8(v))
	case 16:
		if t.Signed {
			return uint64(int64(int16(v)))
		}
		return uint64(uint16(v))
	case 32:
		if t.Signed {
			return uint64(int64(int32(v)))
		}
		return uint64(uint32(v))
	}
	return v
}

// NormFunc returns Norm for t as a function of one argument, nil when it is
// the identity (64-bit types), for evaluators that specialise on the type.
func NormFunc(t Type) func(uint64) uint64 {
	switch {
	case t.Bool:
		return func(v uint64) uint64 {
			if v != 0 {
				return 1
			}
			return 0
		}
	case t.Bits == 8 && t.Signed:
		return func(v uint64) uint64 { return uint64(int64(int8(v))) }
	case t.Bits == 8:
		return func(v uint64) uint64 { return uint64(uint8(v)) }
	case t.Bits == 16 && t.Signed:
		return func(v uint64) uint64 { return uint64(int64(int16(v))) }
	case t.Bits == 16:
		return func(v uint64) uint64 { return uint64(uint16(v)) }
	case t.Bits == 32 && t.Signed:
		return func(v uint64) uint64 { return uint64(int64(int32(v))) }
	case t.Bits == 32:
		return func(v uint64) uint64 { return uint64(uint32(v)) }
	}
	return nil
}

// Promote applies the integer promotions: types narrower than int become
// int.
func Promote(t Type) Type {
	if t.Bits < 32 {
		return Int
	}
	return t
}

// Arith returns the type of the usual arithmetic conversions of a and b.
func Arith(a, b Type) Type {
	a, b = Promote(a), Promote(b)
	if a.Bits != b.Bits {
		if a.Bits > b.Bits {
			return a
		}
		return b
	}
	return Type{Bits: a.Bits, Signed: a.Signed && b.Signed}
}

// Value is an integer value of a C type; Bits holds its representation
// (see Norm).
type Value struct {
	Bits uint64
	T    Type
}

// Make returns v converted to t.
func Make(t Type, v uint64) Value { return Value{Norm(t, v), t} }

// MakeInt returns the int value of v.
func MakeInt(v int64) Value { return Make(Int, uint64(v)) }

// FromBool returns the int 1 or 0, the value of C's comparisons.
func FromBool(b bool) Value {
	if b {
		return Value{1, Int}
	}
	return Value{0, Int}
}

// Convert converts v to type t as a C cast does.
func Convert(v Value, t Type) Value { return Value{Norm(t, v.Bits), t} }

// Int64 returns the value as a signed 64-bit integer (the representation's
// bits).
func (v Value) Int64() int64 { return int64(v.Bits) }

// Uint64 returns the value's bits as unsigned: the two's complement of the
// type's width for negative values of narrower types.
func (v Value) Uint64() uint64 {
	if v.T.Bits < 64 {
		return v.Bits & (uint64(1)<<v.T.Bits - 1)
	}
	return v.Bits
}

// String formats the value in hex ("-0x1" for negative values).
func (v Value) String() string {
	if v.T.Signed && int64(v.Bits) < 0 {
		return fmt.Sprintf("-%#x", uint64(-int64(v.Bits)))
	}
	return fmt.Sprintf("%#x", v.Uint64())
}

// Constant returns the value and type C gives the integer constant s
// (decimal, octal or hex, with u/l suffixes): the first type of the
// suffix's list that holds it (C11 6.4.4.1), unsigned long when none does.
func Constant(s string) (Value, error) {
	lit := strings.ToLower(s)
	unsigned, long := false, false
	for lit != "" {
		switch lit[len(lit)-1] {
		case 'u':
			unsigned = true
		case 'l':
			long = true
		default:
			goto done
		}
		lit = lit[:len(lit)-1]
	}
done:
	v, err := strconv.ParseUint(lit, 0, 64)
	if err != nil {
		return Value{}, fmt.Errorf("bad integer constant %q", s)
	}
	decimal := !strings.HasPrefix(lit, "0") || lit == "0"
	var cands []Type
	switch {
	case unsigned && long:
		cands = []Type{ULong}
	case unsigned:
		cands = []Type{UInt, ULong}
	case long && decimal:
		cands = []Type{Long}
	case long:
		cands = []Type{Long, ULong}
	case decimal:
		cands = []Type{Int, Long}
	default:
		cands = []Type{Int, UInt, Long, ULong}
	}
	for _, c := range cands {
		if fits(v, c) {
			return Value{v, c}, nil
		}
	}
	return Value{v, ULong}, nil
}

// fits reports whether t holds the non-negative value v.
func fits(v uint64, t Type) bool {
	if t.Signed {
		return v <= uint64(1)<<(t.Bits-1)-1
	}
	return t.Bits == 64 || v <= uint64(1)<<t.Bits-1
}

// ErrDivZero and ErrShift are the undefined cases Binary refuses.
var (
	ErrDivZero = errors.New("division by zero")
	ErrShift   = errors.New("shift count out of range")
)

// shiftError is ErrShift with the count and the operand's width.
type shiftError struct {
	n    int64
	bits uint8
}

func (e shiftError) Error() string {
	return fmt.Sprintf("shift count %d out of range for %d-bit operand", e.n, e.bits)
}

// Is makes errors.Is(err, ErrShift) hold.
func (e shiftError) Is(target error) bool { return target == ErrShift }

// Unary evaluates op x for op "-", "+", "~" or "!".
func Unary(op string, x Value) (Value, error) {
	if op == "!" {
		return FromBool(x.Bits == 0), nil
	}
	t := Promote(x.T)
	switch op {
	case "+":
		return Convert(x, t), nil
	case "-":
		return Make(t, -x.Bits), nil
	case "~":
		return Make(t, ^x.Bits), nil
	}
	return Value{}, fmt.Errorf("unsupported operator %q", op)
}

// Binary evaluates x op y with C's conversions, for the arithmetic,
// bitwise, shift, comparison and logical operators. Division by zero and a
// shift count that is negative or not less than the promoted left operand's
// width are errors (wrapping ErrDivZero, ErrShift).
func Binary(op string, x, y Value) (Value, error) {
	switch op {
	case "<<", ">>":
		t := Promote(x.T)
		a := Norm(t, x.Bits)
		n := Convert(y, Promote(y.T)).Int64()
		if n < 0 || n >= int64(t.Bits) {
			return Value{}, shiftError{n, t.Bits}
		}
		if op == "<<" {
			return Make(t, a<<uint(n)), nil
		}
		if t.Signed {
			return Make(t, uint64(int64(a)>>uint(n))), nil
		}
		return Make(t, a>>uint(n)), nil
	case "&&":
		return FromBool(x.Bits != 0 && y.Bits != 0), nil
	case "||":
		return FromBool(x.Bits != 0 || y.Bits != 0), nil
	}
	t := Arith(x.T, y.T)
	a, b := Norm(t, x.Bits), Norm(t, y.Bits)
	switch op {
	case "+":
		return Make(t, a+b), nil
	case "-":
		return Make(t, a-b), nil
	case "*":
		return Make(t, a*b), nil
	case "/", "%":
		if b == 0 {
			return Value{}, ErrDivZero
		}
		var r uint64
		switch {
		case t.Signed && op == "/":
			r = uint64(int64(a) / int64(b))
		case t.Signed:
			r = uint64(int64(a) % int64(b))
		case op == "/":
			r = a / b
		default:
			r = a % b
		}
		return Make(t, r), nil
	case "&":
		return Value{a & b, t}, nil
	case "|":
		return Value{a | b, t}, nil
	case "^":
		return Value{a ^ b, t}, nil
	case "==":
		return FromBool(a == b), nil
	case "!=":
		return FromBool(a != b), nil
	case "<", ">", "<=", ">=":
		return FromBool(Compare(op, t.Signed, a, b)), nil
	}
	return Value{}, fmt.Errorf("unsupported operator %q", op)
}

// Compare applies the relational operator op ("<", ">", "<=", ">=") to the
// representations a and b of one type, signed or not.
func Compare(op string, signed bool, a, b uint64) bool {
	var lt bool
	if signed {
		lt = int64(a) < int64(b)
	} else {
		lt = a < b
	}
	switch op {
	case "<":
		return lt
	case ">":
		return !lt && a != b
	case "<=":
		return lt || a == b
	}
	return !lt
}
