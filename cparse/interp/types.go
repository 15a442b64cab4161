package interp

import (
	"fmt"
	"strings"
)

// kind classifies a C type.
type kind uint8

const (
	kVoid kind = iota
	kInt
	kPtr
	kArray
	kStruct
	kFunc
)

// ctype is a C type as the interpreter needs it: size, alignment,
// signedness and, for derived types, the element or the struct layout.
type ctype struct {
	kind   kind
	size   int
	align  int
	signed bool
	isBool bool
	elem   *ctype      // pointer target, array element, function result
	n      int         // array length (-1 when unknown / flexible)
	st     *structType // struct or union
	name   string
}

// field is one member of a struct or union.
type field struct {
	name string
	typ  *ctype
	off  int
}

// structType is the layout of a struct or union.
type structType struct {
	name     string
	union    bool
	complete bool
	fields   []*field
	size     int
	align    int
}

func (s *structType) field(name string) (*field, bool) {
	for _, f := range s.fields {
		if f.name == name {
			return f, true
		}
	}
	// Anonymous members (unions inside structs) are searched recursively.
	for _, f := range s.fields {
		if f.name == "" && f.typ.kind == kStruct {
			if g, ok := f.typ.st.field(name); ok {
				return &field{name: g.name, typ: g.typ, off: f.off + g.off}, true
			}
		}
	}
	return nil, false
}

// Basic types of the s390x LP64 ABI (big-endian, char unsigned).
var (
	tVoid   = &ctype{kind: kVoid, size: 1, align: 1, name: "void"}
	tBool   = &ctype{kind: kInt, size: 1, align: 1, isBool: true, name: "_Bool"}
	tChar   = &ctype{kind: kInt, size: 1, align: 1, name: "char"}
	tSChar  = &ctype{kind: kInt, size: 1, align: 1, signed: true, name: "signed char"}
	tUChar  = &ctype{kind: kInt, size: 1, align: 1, name: "unsigned char"}
	tShort  = &ctype{kind: kInt, size: 2, align: 2, signed: true, name: "short"}
	tUShort = &ctype{kind: kInt, size: 2, align: 2, name: "unsigned short"}
	tInt    = &ctype{kind: kInt, size: 4, align: 4, signed: true, name: "int"}
	tUInt   = &ctype{kind: kInt, size: 4, align: 4, name: "unsigned int"}
	tLong   = &ctype{kind: kInt, size: 8, align: 8, signed: true, name: "long"}
	tULong  = &ctype{kind: kInt, size: 8, align: 8, name: "unsigned long"}
)

func ptrTo(t *ctype) *ctype {
	return &ctype{kind: kPtr, size: 8, align: 8, elem: t}
}

func arrayOf(t *ctype, n int) *ctype {
	size := 0
	if n > 0 {
		size = n * t.size
	}
	return &ctype{kind: kArray, size: size, align: t.align, elem: t, n: n}
}

func (t *ctype) String() string {
	switch t.kind {
	case kPtr:
		return t.elem.String() + " *"
	case kArray:
		return fmt.Sprintf("%s[%d]", t.elem, t.n)
	case kStruct:
		if t.st.union {
			return "union " + t.st.name
		}
		return "struct " + t.st.name
	case kFunc:
		return "function returning " + t.elem.String()
	}
	return t.name
}

func (t *ctype) isScalar() bool { return t.kind == kInt || t.kind == kPtr }

// norm converts the 64-bit representation v to the canonical
// representation of t: truncated to its size, then sign- or zero-extended.
func norm(t *ctype, v uint64) uint64 {
	if t.kind != kInt {
		return v
	}
	if t.isBool {
		if v != 0 {
			return 1
		}
		return 0
	}
	switch t.size {
	case 1:
		if t.signed {
			return uint64(int64(int8(v)))
		}
		return uint64(uint8(v))
	case 2:
		if t.signed {
			return uint64(int64(int16(v)))
		}
		return uint64(uint16(v))
	case 4:
		if t.signed {
			return uint64(int64(int32(v)))
		}
		return uint64(uint32(v))
	}
	return v
}

// normFunc returns a specialised normaliser for t (nil when none is needed).
func normFunc(t *ctype) func(uint64) uint64 {
	if t.kind != kInt {
		return nil
	}
	if t.isBool {
		return func(v uint64) uint64 {
			if v != 0 {
				return 1
			}
			return 0
		}
	}
	switch {
	case t.size == 1 && t.signed:
		return func(v uint64) uint64 { return uint64(int64(int8(v))) }
	case t.size == 1:
		return func(v uint64) uint64 { return uint64(uint8(v)) }
	case t.size == 2 && t.signed:
		return func(v uint64) uint64 { return uint64(int64(int16(v))) }
	case t.size == 2:
		return func(v uint64) uint64 { return uint64(uint16(v)) }
	case t.size == 4 && t.signed:
		return func(v uint64) uint64 { return uint64(int64(int32(v))) }
	case t.size == 4:
		return func(v uint64) uint64 { return uint64(uint32(v)) }
	}
	return nil
}

// promote applies the integer promotions.
func promote(t *ctype) *ctype {
	if t.kind == kInt && t.size < 4 {
		return tInt
	}
	return t
}

// arith applies the usual arithmetic conversions to two integer types.
func arith(a, b *ctype) *ctype {
	a, b = promote(a), promote(b)
	if a.size == 8 || b.size == 8 {
		if (a.size == 8 && !a.signed) || (b.size == 8 && !b.signed) {
			return tULong
		}
		return tLong
	}
	if !a.signed || !b.signed {
		return tUInt
	}
	return tInt
}

// typedefNames maps the integer type specifier combinations to types.
func basicType(words []string) (*ctype, bool) {
	signed, unsigned := false, false
	longs, short, char, intw, boolw, void := 0, false, false, false, false, false
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
		case "int":
			intw = true
		case "_Bool":
			boolw = true
		case "void":
			void = true
		default:
			return nil, false
		}
	}
	_ = intw
	switch {
	case void:
		return tVoid, true
	case boolw:
		return tBool, true
	case char && unsigned:
		return tUChar, true
	case char && signed:
		return tSChar, true
	case char:
		return tChar, true
	case short && unsigned:
		return tUShort, true
	case short:
		return tShort, true
	case longs > 0 && unsigned:
		return tULong, true
	case longs > 0:
		return tLong, true
	case unsigned:
		return tUInt, true
	}
	return tInt, true
}

// layout computes offsets, size and alignment of a struct from its fields.
func (s *structType) layout(packed bool) {
	off, align := 0, 1
	for _, f := range s.fields {
		a := f.typ.align
		if packed {
			a = 1
		}
		if s.union {
			f.off = 0
			off = max(off, f.typ.size)
		} else {
			off = (off + a - 1) / a * a
			f.off = off
			off += f.typ.size
		}
		align = max(align, a)
	}
	s.size = (off + align - 1) / align * align
	s.align = align
	s.complete = true
}

// newStruct builds a struct type from "type name[@offset]" field specs;
// used by the environment model.
func newStruct(name string, size int, specs ...fieldSpec) *ctype {
	st := &structType{name: name, complete: true, size: size, align: 8}
	for _, sp := range specs {
		st.fields = append(st.fields, &field{name: sp.name, typ: sp.typ, off: sp.off})
	}
	if size == 0 {
		st.layout(false)
	}
	return &ctype{kind: kStruct, size: st.size, align: st.align, st: st, name: "struct " + name}
}

type fieldSpec struct {
	name string
	typ  *ctype
	off  int
}

func describe(words []string) string { return strings.Join(words, " ") }
