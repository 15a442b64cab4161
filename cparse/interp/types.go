package interp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
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

// ival returns the integer type of the value model (cparse/cvalue) that a
// scalar type is: pointers are unsigned long.
func (t *ctype) ival() cvalue.Type {
	if t.kind == kPtr {
		return cvalue.ULong
	}
	return cvalue.Type{Bits: uint8(t.size * 8), Signed: t.signed, Bool: t.isBool}
}

// intType returns the interpreter's type for the value model's integer
// type it (unsigned char for plain char's).
func intType(it cvalue.Type) *ctype {
	switch it {
	case cvalue.Bool:
		return tBool
	case cvalue.SChar:
		return tSChar
	case cvalue.UChar:
		return tUChar
	case cvalue.Short:
		return tShort
	case cvalue.UShort:
		return tUShort
	case cvalue.Int:
		return tInt
	case cvalue.UInt:
		return tUInt
	case cvalue.Long:
		return tLong
	}
	return tULong
}

// norm converts the 64-bit representation v to the canonical
// representation of t (cvalue.Norm); other than integers, v.
func norm(t *ctype, v uint64) uint64 {
	if t.kind != kInt {
		return v
	}
	return cvalue.Norm(t.ival(), v)
}

// normFunc returns a specialised normaliser for t (nil when none is needed).
func normFunc(t *ctype) func(uint64) uint64 {
	if t.kind != kInt {
		return nil
	}
	return cvalue.NormFunc(t.ival())
}

// promote applies the integer promotions (cvalue.Promote).
func promote(t *ctype) *ctype {
	if t.kind == kInt && cvalue.Promote(t.ival()) != t.ival() {
		return tInt
	}
	return t
}

// arith applies the usual arithmetic conversions (cvalue.Arith) to two
// scalar types.
func arith(a, b *ctype) *ctype {
	return intType(cvalue.Arith(a.ival(), b.ival()))
}

// basicType returns the type the type specifiers words name.
func basicType(words []string) (*ctype, bool) {
	if len(words) == 1 && words[0] == "void" {
		return tVoid, true
	}
	it, ok := cvalue.Specifiers(words)
	switch {
	case !ok:
		return nil, false
	case it == cvalue.Char && !slices.Contains(words, "unsigned"):
		return tChar, true
	}
	return intType(it), true
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
