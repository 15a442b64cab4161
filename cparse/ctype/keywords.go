package ctype

// Keyword classes, as GCC 12 spells them in gnu11 mode (with the GNU
// alternate spellings).
var (
	// attrKw introduce a parenthesised GNU attribute or asm label.
	attrKw = map[string]bool{
		"__attribute__": true, "__attribute": true, "asm": true, "__asm__": true, "__asm": true,
	}
	// parenKw are specifiers with a parenthesised operand.
	parenKw = ParenKeywords
	// typeKw name a type.
	typeKw = TypeKeywords
	// qualKw are qualifiers and function specifiers.
	qualKw = map[string]bool{
		"const": true, "__const": true, "__const__": true, "volatile": true, "__volatile": true,
		"__volatile__": true, "restrict": true, "__restrict": true, "__restrict__": true,
		"_Noreturn": true, "inline": true, "__inline": true, "__inline__": true,
	}
	// storageKw are the storage classes.
	storageKw = map[string]bool{
		"typedef": true, "extern": true, "static": true, "auto": true, "register": true,
		"_Thread_local": true, "__thread": true,
	}
	// exprKw can precede an identifier in an expression or statement.
	exprKw = map[string]bool{
		"return": true, "sizeof": true, "case": true, "goto": true, "else": true, "do": true,
		"_Alignof": true, "__alignof__": true, "__alignof": true, "__extension__": true,
		"__real__": true, "__imag__": true, "__real": true, "__imag": true,
	}
	// keywords are every keyword above and the other reserved words.
	keywords = map[string]bool{
		"struct": true, "union": true, "enum": true, "if": true, "while": true, "for": true,
		"switch": true, "break": true, "continue": true, "default": true, "_Generic": true,
		"_Static_assert": true, "static_assert": true, "__label__": true, "__func__": true,
		"__FUNCTION__": true, "__PRETTY_FUNCTION__": true, "__builtin_offsetof": true,
		"__builtin_va_arg": true, "__builtin_types_compatible_p": true, "__builtin_choose_expr": true,
	}
)

func init() {
	for _, m := range []map[string]bool{attrKw, parenKw, typeKw, qualKw, storageKw, exprKw} {
		for k := range m {
			keywords[k] = true
		}
	}
}

// ParenKeywords are the GNU C specifiers with a parenthesised operand
// (typeof, _Atomic(T), _Alignas), shared with package tu; read only.
var ParenKeywords = map[string]bool{
	"typeof": true, "__typeof__": true, "__typeof": true, "typeof_unqual": true,
	"__typeof_unqual__": true, "_Atomic": true, "_Alignas": true, "__alignas": true,
}

// TypeKeywords are the GNU C keywords that name a type, shared with
// package tu; read only.
var TypeKeywords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "float": true,
	"double": true, "signed": true, "__signed": true, "__signed__": true, "unsigned": true,
	"_Bool": true, "_Complex": true, "__complex__": true, "__int128": true, "_Float32": true,
	"_Float64": true, "_Float128": true, "_Float32x": true, "_Float64x": true, "__float128": true,
	"_Decimal32": true, "_Decimal64": true, "_Decimal128": true, "__builtin_va_list": true,
	"__auto_type": true, "_Imaginary": true,
}
