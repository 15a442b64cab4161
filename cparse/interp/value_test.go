package interp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
	"github.com/trampcheck/trampcheck/cparse/cvalue/cvaluetest"
)

// TestValueModel holds the interpreter's compiled operators, conversions
// and promotions to the value model (cparse/cvalue, itself held to host gcc
// by its TestAgainstGCC) on every type pair and edge pattern of
// cvaluetest: each group of cases is a function that folds the results of
// its defined cases (value, size, signedness) into a hash, once with both
// operands variables and once with the right operand a constant (the
// interpreter's specialised closures), and the hash must equal the model's.
func TestValueModel(t *testing.T) {
	groups := cvaluetest.Groups()
	var src strings.Builder
	src.WriteString("static unsigned long P[] = {")
	for i, p := range cvaluetest.Patterns {
		if i > 0 {
			src.WriteString(", ")
		}
		fmt.Fprintf(&src, "%#xUL", p)
	}
	src.WriteString("};\n\n")
	var names []string
	for k, g := range groups {
		for _, constant := range []bool{false, true} {
			if constant && !constantGroup(g) {
				continue
			}
			name := fmt.Sprintf("g%d_%v", k, constant)
			names = append(names, name)
			valueFunc(&src, name, g, constant)
		}
	}
	p, err := compile(parseSrc(t, "values.c", []byte(src.String())), nil, names)
	if err != nil {
		t.Fatal(err)
	}
	m := p.NewMachine(Limits{Steps: 1 << 20})
	n := 0
	for k, g := range groups {
		for _, constant := range []bool{false, true} {
			if constant && !constantGroup(g) {
				continue
			}
			want := modelHash(g, constant)
			got, err := m.callFunc(fmt.Sprintf("g%d_%v", k, constant))
			n++
			if err != nil {
				t.Errorf("%s %s %s (right operand constant %v): %v", g.A.C, g.Op, g.B.C, constant, err)
				continue
			}
			if got != want {
				t.Errorf("%s %s %s (right operand constant %v): got hash %#x, want %#x (cvalue)", g.A.C, g.Op, g.B.C, constant, got, want)
			}
		}
	}
	t.Logf("%d functions over %d patterns compared", n, len(cvaluetest.Patterns))
}

// valueFunc writes the function name of group g: a loop over the patterns
// of the left operand (and of the right one, unless constant: then one
// statement a pattern) hashing each defined result.
func valueFunc(b *strings.Builder, name string, g cvaluetest.Group, constant bool) {
	fmt.Fprintf(b, "unsigned long %s(void)\n{\n\tunsigned long h = 0;\n\tint i, j;\n\n", name)
	fmt.Fprintf(b, "\tfor (i = 0; i < %d; i++) {\n\t\t%s a = (%s)P[i];\n", len(cvaluetest.Patterns), g.A.C, g.A.C)
	hash := func(e, sign string) {
		fmt.Fprintf(b, "\t\th = h * 1000003 + (unsigned long)(long)(%s);\n", e)
		fmt.Fprintf(b, "\t\th = h * 31 + sizeof(%s) * 2 + (%s);\n", e, sign)
	}
	switch {
	case g.Op == "cast":
		hash(fmt.Sprintf("(%s)a", g.B.C), fmt.Sprintf("(%s)-1 < 0", g.B.C))
		b.WriteString("\t}\n\treturn h;\n}\n\n")
		return
	case g.Unary:
		hash(g.Op+"a", fmt.Sprintf("(%sa) * 0 - 1 < 0", g.Op))
		b.WriteString("\t}\n\treturn h;\n}\n\n")
		return
	}
	// The cases C leaves undefined are skipped; the types they depend on
	// come from the model.
	rt := cvalue.Arith(g.A.T, g.B.T)
	r := cname(rt)
	body := func(indent, bx string) {
		cond := "1"
		switch g.Op {
		case "/", "%":
			cond = fmt.Sprintf("!((%s)(%s) == 0 || ((%s)-1 < 0 && (%s)(%s) == (%s)-1 && (%s)a == (%s)(1UL << %d)))",
				r, bx, r, r, bx, r, r, r, rt.Bits-1)
		case "<<", ">>":
			cond = fmt.Sprintf("!((long)(%s) < 0 || (unsigned long)(%s) >= %d)", bx, bx, cvalue.Promote(g.A.T).Bits)
		}
		e := fmt.Sprintf("(a %s %s)", g.Op, bx)
		fmt.Fprintf(b, "%sif (%s) {\n", indent, cond)
		fmt.Fprintf(b, "%s\th = h * 1000003 + (unsigned long)(long)%s;\n", indent, e)
		fmt.Fprintf(b, "%s\th = h * 31 + sizeof%s * 2 + (%s * 0 - 1 < 0);\n", indent, e, e)
		fmt.Fprintf(b, "%s}\n", indent)
	}
	if constant {
		for _, j := range constPatterns {
			body("\t\t", fmt.Sprintf("(%s)%#xUL", g.B.C, cvaluetest.Patterns[j]))
		}
	} else {
		fmt.Fprintf(b, "\t\tfor (j = 0; j < %d; j++) {\n\t\t\t%s b = (%s)P[j];\n\n", len(cvaluetest.Patterns), g.B.C, g.B.C)
		body("\t\t\t", "b")
		b.WriteString("\t\t}\n")
	}
	b.WriteString("\t}\n\treturn h;\n}\n\n")
}

// cname spells the model's type t in C.
func cname(t cvalue.Type) string {
	for _, c := range cvaluetest.Types {
		if c.T == t {
			return c.C
		}
	}
	panic(fmt.Sprintf("no C name for %v", t))
}

// constPatterns are the indexes in cvaluetest.Patterns of the constant
// right operands: the edges of the shift counts and of the 32- and 64-bit
// ranges.
var constPatterns = []int{0, 1, 3, 4, 5, 6, 12, 13, 14, 18}

// constantGroup reports whether g is tested with a constant right operand
// too: the binary operators the interpreter specialises on one (not / % &&
// ||), with the types a C constant takes and unsigned char.
func constantGroup(g cvaluetest.Group) bool {
	if g.Unary || g.Op == "cast" || g.Op == "/" || g.Op == "%" || g.Op == "&&" || g.Op == "||" {
		return false
	}
	switch g.B.T {
	case cvalue.Int, cvalue.UInt, cvalue.Long, cvalue.ULong, cvalue.UChar:
		return true
	}
	return false
}

// modelHash folds the model's results of g's defined cases as the
// functions of valueFunc do (for a constant right operand, those of
// constPatterns).
func modelHash(g cvaluetest.Group, constant bool) uint64 {
	var h uint64
	n := len(cvaluetest.Patterns)
	for i, l := range cvaluetest.Model(g) {
		if constant && !slices.Contains(constPatterns, i%n) {
			continue
		}
		f := strings.Fields(l)
		if len(f) != 3 {
			continue // undefined: div0, shift, trap
		}
		size, _ := strconv.ParseUint(f[0], 10, 64)
		sign, _ := strconv.ParseUint(f[1], 10, 64)
		v, _ := strconv.ParseUint(f[2], 16, 64)
		h = h*1000003 + v
		h = h*31 + size*2 + sign
	}
	return h
}

// TestUndefinedFails checks that the operations the value model refuses
// fail when they run, with its message, and compile when they do not run.
func TestUndefinedFails(t *testing.T) {
	src := `
static int n = 32, z;
long shl(void) { return 1 << n; }
long shr(void) { unsigned long x = 8; return x >> (n + 32); }
long neg(void) { return 4 >> (z - 1); }
long constant(void) { if (z) return 1 << 40; return 7; }
long constant_run(void) { return 1 << 40; }
long div0(void) { return 5 / z; }
long ok(void) { return (1 << (n - 1)) + (1UL << 63 >> n); }
`
	names := []string{"shl", "shr", "neg", "constant", "constant_run", "div0", "ok"}
	p, err := compile(parseSrc(t, "undefined.c", []byte(src)), nil, names)
	if err != nil {
		t.Fatal(err)
	}
	m := p.NewMachine(Limits{})
	for _, c := range []struct {
		name, want string
		val        int64
	}{
		{"shl", "shift count 32 out of range for 32-bit operand", 0},
		{"shr", "shift count 64 out of range for 64-bit operand", 0},
		{"neg", "shift count -1 out of range for 32-bit operand", 0},
		{"constant", "", 7},
		{"constant_run", "shift count 40 out of range for 32-bit operand", 0},
		{"div0", "division by zero", 0},
		{"ok", "", -0x80000000 + 0x80000000},
	} {
		got, err := m.callFunc(c.name)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: got error %v, want %d", c.name, err, c.val)
		case c.want == "" && int64(got) != c.val:
			t.Errorf("%s: got %d, want %d", c.name, int64(got), c.val)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %d, %v, want the error %q", c.name, int64(got), err, c.want)
		}
	}
}
