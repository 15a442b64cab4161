package cexpr

import (
	"fmt"
	"strings"
)

// Term is an operand of unknown value OR-ed (or added) into an instruction
// word, shifted left by Shift bits.
type Term struct {
	Node  Node
	Text  string
	Shift int
}

// Sym is an instruction word as a known constant part and unknown terms.
type Sym struct {
	Const uint64
	Terms []Term
}

// Symbolic splits an expression such as 0xd203f000 | x << 16 | y into its
// constant bits and its unknown terms: what each operand contributes to the
// word, as far as it can be known without values for the operands.
func (m *Machine) Symbolic(n Node) Sym {
	if v, err := m.Eval(n); err == nil {
		return Sym{Const: v.Uint64()}
	}
	switch x := n.(type) {
	case *Binary:
		switch x.Op {
		case "|", "+":
			a, b := m.Symbolic(x.X), m.Symbolic(x.Y)
			c := a.Const | b.Const
			if x.Op == "+" {
				c = a.Const + b.Const
			}
			return Sym{Const: c, Terms: append(a.Terms, b.Terms...)}
		case "<<":
			if k, err := m.Eval(x.Y); err == nil {
				a := m.Symbolic(x.X)
				s := int(k.Int64())
				for i := range a.Terms {
					a.Terms[i].Shift += s
				}
				a.Const <<= uint(s)
				return a
			}
		}
	case *Cast:
		return m.Symbolic(x.X)
	}
	return Sym{Terms: []Term{{Node: n, Text: Format(n)}}}
}

// Format renders a node as C text (fully parenthesised where needed).
func Format(n Node) string {
	var b strings.Builder
	format(&b, n, 0)
	return b.String()
}

func format(b *strings.Builder, n Node, prec int) {
	switch n := n.(type) {
	case nil:
		b.WriteString("?")
	case *Num:
		b.WriteString(n.Text)
	case *Ident:
		b.WriteString(n.Name)
	case *Member:
		format(b, n.X, 100)
		if n.Arrow {
			b.WriteString("->")
		} else {
			b.WriteString(".")
		}
		b.WriteString(n.Name)
	case *Unary:
		b.WriteString(n.Op)
		format(b, n.X, 50)
	case *Cast:
		fmt.Fprintf(b, "(%s%s)", typeText(n.T), strings.Repeat(" *", n.Ptr))
		format(b, n.X, 50)
	case *Sizeof:
		fmt.Fprintf(b, "sizeof(%s%s)", n.Text, strings.Repeat(" *", n.Ptr))
	case *Binary:
		p := binPrec[n.Op]
		if p == 0 {
			p = -1
		}
		if p < prec {
			b.WriteString("(")
		}
		format(b, n.X, p)
		if n.Op == "," {
			b.WriteString(", ")
		} else {
			b.WriteString(" " + n.Op + " ")
		}
		format(b, n.Y, p+1)
		if p < prec {
			b.WriteString(")")
		}
	case *Cond:
		b.WriteString("(")
		format(b, n.C, 0)
		b.WriteString(" ? ")
		format(b, n.T, 0)
		b.WriteString(" : ")
		format(b, n.F, 0)
		b.WriteString(")")
	case *Index:
		format(b, n.X, 100)
		b.WriteString("[")
		format(b, n.I, 0)
		b.WriteString("]")
	case *Call:
		b.WriteString(n.Fn + "(" + strings.Join(n.Texts, ", ") + ")")
	default:
		fmt.Fprintf(b, "<%T>", n)
	}
}

func typeText(t Type) string {
	if t.Signed {
		return fmt.Sprintf("s%d", t.Bits)
	}
	return fmt.Sprintf("u%d", t.Bits)
}

// Idents returns the identifiers of a node (member names included, in
// order, without duplicates); call arguments kept as text are split into
// their identifiers too.
func Idents(n Node) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Ident:
			add(n.Name)
		case *Member:
			walk(n.X)
			add(n.Name)
		case *Unary:
			walk(n.X)
		case *Cast:
			walk(n.X)
		case *Binary:
			walk(n.X)
			walk(n.Y)
		case *Cond:
			walk(n.C)
			walk(n.T)
			walk(n.F)
		case *Index:
			walk(n.X)
			walk(n.I)
		case *Call:
			add(n.Fn)
			for i, a := range n.Args {
				if a != nil {
					walk(a)
					continue
				}
				toks, _ := Lex(n.Texts[i])
				for _, t := range toks {
					if t.Kind == tIdent {
						add(t.Text)
					}
				}
			}
		}
	}
	walk(n)
	return out
}

// Calls returns the names of the functions and macros that n calls.
func Calls(n Node) []string {
	var out []string
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Call:
			out = append(out, n.Fn)
			for _, a := range n.Args {
				walk(a)
			}
		case *Unary:
			walk(n.X)
		case *Cast:
			walk(n.X)
		case *Binary:
			walk(n.X)
			walk(n.Y)
		case *Cond:
			walk(n.C)
			walk(n.T)
			walk(n.F)
		case *Index:
			walk(n.X)
			walk(n.I)
		case *Member:
			walk(n.X)
		case *StmtExpr:
			walk(n.Body)
		case *Block:
			for _, s := range n.Stmts {
				walk(s)
			}
		case *Decl:
			walk(n.Init)
		case *If:
			walk(n.C)
			walk(n.Then)
			walk(n.Else)
		case *DoWhile:
			walk(n.Body)
			walk(n.C)
		case *ExprStmt:
			walk(n.X)
		}
	}
	walk(n)
	return out
}
