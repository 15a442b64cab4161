// Package cvaluetest holds the edge cases of the C integer value model
// (cparse/cvalue) and writes them as a C program, so that tests can hold
// the model, and every evaluator built on it, to GCC's values.
package cvaluetest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
)

// Type is an integer type of the model with its C spelling.
type Type struct {
	T cvalue.Type
	C string
}

// Types are the integer types of s390x, each width signed and unsigned,
// and _Bool (plain char is unsigned char on s390x, so it is left out: the
// host's char may be signed).
var Types = []Type{
	{cvalue.Bool, "_Bool"},
	{cvalue.SChar, "signed char"},
	{cvalue.UChar, "unsigned char"},
	{cvalue.Short, "short"},
	{cvalue.UShort, "unsigned short"},
	{cvalue.Int, "int"},
	{cvalue.UInt, "unsigned int"},
	{cvalue.Long, "long"},
	{cvalue.ULong, "unsigned long"},
}

// Patterns are 64-bit values that sit at the edges of the types' ranges
// and of the shift counts; each operand is one of them converted to its
// type.
var Patterns = []uint64{
	0, 1, 2, 5, 31, 32, 63, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff,
	0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
	0x8000000000000000, 1<<64 - 1, 1<<64 - 5,
}

// BinaryOps and UnaryOps are the operators of the model; "cast" converts
// the operand of type A to type B.
var (
	BinaryOps = []string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}
	UnaryOps  = []string{"-", "+", "~", "!"}
)

// Group is one loop of the program: an operator over types A and B (for
// unary operators B is unused) and every pair of patterns.
type Group struct {
	Op    string
	Unary bool
	A, B  Type
}

// Groups returns every binary operator over every pair of types, every
// unary operator over every type and every conversion between two types.
func Groups() []Group {
	var gs []Group
	for _, op := range BinaryOps {
		for _, a := range Types {
			for _, b := range Types {
				gs = append(gs, Group{Op: op, A: a, B: b})
			}
		}
	}
	for _, op := range UnaryOps {
		for _, a := range Types {
			gs = append(gs, Group{Op: op, Unary: true, A: a})
		}
	}
	for _, a := range Types {
		for _, b := range Types {
			gs = append(gs, Group{Op: "cast", A: a, B: b})
		}
	}
	return gs
}

// Program returns a C program that prints, for each group and each pattern
// x (and y for binary operators) in order, one line: the result's size in
// bytes, 1 when its type is signed, and its value as 64 bits in hex (sign
// extended from a signed type); or "div0" or "shift" where C leaves the
// operation undefined, "trap" for the signed quotient of the type's minimum
// by -1. Compile it with -fwrapv (signed overflow wraps, as in the model).
func Program(groups []Group) string {
	var b strings.Builder
	b.WriteString("#include <stdio.h>\n\n")
	b.WriteString("static const unsigned long long P[] = {")
	for i, p := range Patterns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%#xULL", p)
	}
	b.WriteString("};\n#define N (sizeof P / sizeof P[0])\n")
	b.WriteString("#define OUT(e) printf(\"%d %d %llx\\n\", (int)sizeof(e), (__typeof__(e))-1 < 0, (unsigned long long)(long long)(e))\n\n")
	b.WriteString("int main(void)\n{\n\tunsigned i, j;\n\n")
	for _, g := range groups {
		switch {
		case g.Op == "cast":
			fmt.Fprintf(&b, "\tfor (i = 0; i < N; i++) {\n\t\t%s a = (%s)P[i];\n\t\tOUT((%s)a);\n\t}\n", g.A.C, g.A.C, g.B.C)
		case g.Unary:
			fmt.Fprintf(&b, "\tfor (i = 0; i < N; i++) {\n\t\t%s a = (%s)P[i];\n\t\tOUT(%sa);\n\t}\n", g.A.C, g.A.C, g.Op)
		default:
			fmt.Fprintf(&b, "\tfor (i = 0; i < N; i++) for (j = 0; j < N; j++) {\n\t\t%s a = (%s)P[i];\n\t\t%s b = (%s)P[j];\n", g.A.C, g.A.C, g.B.C, g.B.C)
			switch g.Op {
			case "/", "%":
				b.WriteString("\t\t__typeof__(a + b) ra = a, rb = b;\n")
				b.WriteString("\t\tif (rb == 0) puts(\"div0\");\n")
				b.WriteString("\t\telse if ((__typeof__(ra))-1 < 0 && rb == (__typeof__(ra))-1 && ra == (__typeof__(ra))(1ULL << (8 * sizeof(ra) - 1))) puts(\"trap\");\n")
				fmt.Fprintf(&b, "\t\telse OUT(a %s b);\n", g.Op)
			case "<<", ">>":
				b.WriteString("\t\tif ((long long)+b < 0 || (unsigned long long)+b >= 8 * sizeof(+a)) puts(\"shift\");\n")
				fmt.Fprintf(&b, "\t\telse OUT(a %s b);\n", g.Op)
			default:
				fmt.Fprintf(&b, "\t\tOUT(a %s b);\n", g.Op)
			}
			b.WriteString("\t}\n")
		}
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// Model returns the lines Program prints for g, by the model.
func Model(g Group) []string {
	var out []string
	line := func(v cvalue.Value, err error) string {
		switch {
		case errors.Is(err, cvalue.ErrDivZero):
			return "div0"
		case errors.Is(err, cvalue.ErrShift):
			return "shift"
		case err != nil:
			return "error " + err.Error()
		}
		return fmt.Sprintf("%d %d %x", v.T.Size(), b2i(v.T.Signed), v.Bits)
	}
	for _, p := range Patterns {
		a := cvalue.Make(g.A.T, p)
		switch {
		case g.Op == "cast":
			out = append(out, line(cvalue.Convert(a, g.B.T), nil))
		case g.Unary:
			out = append(out, line(cvalue.Unary(g.Op, a)))
		default:
			for _, q := range Patterns {
				b := cvalue.Make(g.B.T, q)
				if trap(g.Op, a, b) {
					out = append(out, "trap")
					continue
				}
				out = append(out, line(cvalue.Binary(g.Op, a, b)))
			}
		}
	}
	return out
}

// trap reports whether a op b is the signed quotient or remainder of the
// type's minimum by -1 (undefined; the host's division traps).
func trap(op string, a, b cvalue.Value) bool {
	if op != "/" && op != "%" {
		return false
	}
	t := cvalue.Arith(a.T, b.T)
	return t.Signed && cvalue.Convert(b, t).Int64() == -1 && cvalue.Convert(a, t).Bits == cvalue.Norm(t, 1<<(t.Bits-1))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
