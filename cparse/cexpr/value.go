package cexpr

import "github.com/trampcheck/trampcheck/cparse/cvalue"

// Type is a C integer type of the value model (cparse/cvalue). Pointers
// are unsigned 64-bit.
type Type = cvalue.Type

// Value is an integer value of a C type (cparse/cvalue).
type Value = cvalue.Value

// C integer types of s390x (LP64).
var (
	TInt   = cvalue.Int
	TUint  = cvalue.UInt
	TLong  = cvalue.Long
	TUlong = cvalue.ULong
)

// kernelTypes are the kernel's integer typedef names a fragment may use.
var kernelTypes = map[string]Type{
	"u8": cvalue.UChar, "__u8": cvalue.UChar, "u16": cvalue.UShort, "__u16": cvalue.UShort,
	"u32": cvalue.UInt, "__u32": cvalue.UInt, "u64": cvalue.ULong, "__u64": cvalue.ULong,
	"size_t": cvalue.ULong, "s8": cvalue.SChar, "s16": cvalue.Short, "s32": cvalue.Int,
	"s64": cvalue.Long, "bool": cvalue.Bool,
}

// The value model's operations, through variables so that the
// differential test can put the rules cexpr had before beside them.
var (
	convert = cvalue.Convert
	binop   = cvalue.Binary
	unop    = cvalue.Unary
	typeOf  = typeOfWords
)

// TypeOf returns the integer type named by words ("unsigned", "int", a
// kernel typedef such as u32); ok is false for a type that is not an
// integer (a struct, void).
func TypeOf(words []string) (Type, bool) { return typeOf(words) }

func typeOfWords(words []string) (Type, bool) {
	for _, w := range words {
		if t, ok := kernelTypes[w]; ok {
			return t, true
		}
	}
	if t, ok := cvalue.Specifiers(words); ok {
		return t, true
	}
	return TUlong, false
}

// Int returns an int value.
func Int(v int64) Value { return cvalue.MakeInt(v) }

// Convert converts v to type t as a C cast does.
func Convert(v Value, t Type) Value { return convert(v, t) }

// ParseNum parses a C integer constant with the type C gives it.
func ParseNum(s string) (Value, error) { return cvalue.Constant(s) }
