package cexpr

import (
	"fmt"
	"strings"
)

// Node is an expression or statement of a parsed fragment.
type Node interface{ node() }

type (
	// Num is an integer constant.
	Num struct {
		Val  Value
		Text string
	}
	// Ident is an identifier.
	Ident struct{ Name string }
	// Unary is a prefix operator: - + ~ ! * &.
	Unary struct {
		Op string
		X  Node
	}
	// Cast is (T)X; Ptr counts the '*' of a pointer type.
	Cast struct {
		T   Type
		Ptr int
		X   Node
	}
	// Binary is X op Y, assignments included (=, +=, ...).
	Binary struct {
		Op   string
		X, Y Node
	}
	// Cond is C ? T : F.
	Cond struct{ C, T, F Node }
	// Call is a call of a named function or macro.
	Call struct {
		Fn   string
		Args []Node
		// Texts holds each argument's source text, trimmed.
		Texts []string
	}
	// Index is X[I].
	Index struct{ X, I Node }
	// Member is X.Name or X->Name.
	Member struct {
		X     Node
		Name  string
		Arrow bool
	}
	// Sizeof is sizeof(type) with a known size (0 when unknown).
	Sizeof struct {
		T    Type
		Ptr  int
		Text string
	}
	// StmtExpr is a GNU statement expression ({ ... }).
	StmtExpr struct{ Body *Block }
	// Block is { stmts }.
	Block struct{ Stmts []Node }
	// Decl declares a local with an initializer.
	Decl struct {
		T    Type
		Ptr  int
		Name string
		Init Node
	}
	// If is an if statement.
	If struct {
		C          Node
		Then, Else Node
	}
	// DoWhile is do Body while (C).
	DoWhile struct {
		Body Node
		C    Node
	}
	// ExprStmt is an expression statement.
	ExprStmt struct{ X Node }
	// Empty is an empty statement.
	Empty struct{}
	// Return is a return statement.
	Return struct{ X Node }
)

func (*Num) node()      {}
func (*Ident) node()    {}
func (*Unary) node()    {}
func (*Cast) node()     {}
func (*Binary) node()   {}
func (*Cond) node()     {}
func (*Call) node()     {}
func (*Index) node()    {}
func (*Member) node()   {}
func (*Sizeof) node()   {}
func (*StmtExpr) node() {}
func (*Block) node()    {}
func (*Decl) node()     {}
func (*If) node()       {}
func (*DoWhile) node()  {}
func (*ExprStmt) node() {}
func (*Empty) node()    {}
func (*Return) node()   {}

// typeWords are the identifiers that may start a type name in a fragment.
var typeWords = map[string]bool{
	"u8": true, "u16": true, "u32": true, "u64": true, "s8": true, "s16": true, "s32": true, "s64": true,
	"int": true, "unsigned": true, "signed": true, "long": true, "short": true, "char": true,
	"bool": true, "size_t": true, "const": true, "volatile": true, "struct": true, "void": true,
	"__u8": true, "__u16": true, "__u32": true, "__u64": true,
}

type parser struct {
	src  string
	toks []Token
	pos  int
}

// ParseExpr parses one C expression.
func ParseExpr(src string) (Node, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().Kind != tEOF {
		return nil, p.errf("unexpected %q", p.peek().Text)
	}
	return n, nil
}

// ParseBody parses a macro replacement list: an expression (statement
// expressions included) or a statement such as do { ... } while (0).
func ParseBody(src string) (Node, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	var n Node
	if t := p.peek(); t.Text == "do" || t.Text == "{" || t.Text == "if" {
		n, err = p.stmt()
	} else {
		n, err = p.expr()
	}
	if err != nil {
		return nil, err
	}
	if p.peek().Text == ";" {
		p.pos++
	}
	if p.peek().Kind != tEOF {
		return nil, p.errf("unexpected %q", p.peek().Text)
	}
	return n, nil
}

func newParser(src string) (*parser, error) {
	toks, err := Lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks}, nil
}

func (p *parser) peek() Token { return p.toks[p.pos] }
func (p *parser) peekN(n int) Token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() Token {
	t := p.toks[p.pos]
	if t.Kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) errf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.peek().Off, fmt.Sprintf(format, args...))
}

func (p *parser) want(s string) error {
	if p.peek().Text != s || p.peek().Kind == tStr {
		return p.errf("want %q, got %q", s, p.peek().Text)
	}
	p.pos++
	return nil
}

// isTypeStart reports whether the tokens at the cursor start a type name.
func (p *parser) isTypeStart() bool {
	t := p.peek()
	return t.Kind == tIdent && typeWords[t.Text]
}

// typeName parses a type name: words and trailing '*'s.
func (p *parser) typeName() (Type, int, string, error) {
	var words []string
	for p.isTypeStart() {
		w := p.next().Text
		if w == "struct" {
			if p.peek().Kind != tIdent {
				return Type{}, 0, "", p.errf("struct without a name")
			}
			w += " " + p.next().Text
		}
		words = append(words, w)
	}
	ptr := 0
	for p.peek().Text == "*" {
		p.next()
		ptr++
	}
	if len(words) == 0 {
		return Type{}, 0, "", p.errf("want a type name")
	}
	t, _ := TypeOf(words)
	return t, ptr, strings.Join(words, " "), nil
}

func (p *parser) stmt() (Node, error) {
	t := p.peek()
	switch {
	case t.Text == "{":
		return p.block()
	case t.Text == ";":
		p.next()
		return &Empty{}, nil
	case t.Kind == tIdent && t.Text == "return":
		p.next()
		r := &Return{}
		if p.peek().Text != ";" {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			r.X = x
		}
		return r, p.want(";")
	case t.Kind == tIdent && t.Text == "if":
		p.next()
		if err := p.want("("); err != nil {
			return nil, err
		}
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.want(")"); err != nil {
			return nil, err
		}
		th, err := p.stmt()
		if err != nil {
			return nil, err
		}
		n := &If{C: c, Then: th}
		if p.peek().Text == "else" {
			p.next()
			if n.Else, err = p.stmt(); err != nil {
				return nil, err
			}
		}
		return n, nil
	case t.Kind == tIdent && t.Text == "do":
		p.next()
		body, err := p.stmt()
		if err != nil {
			return nil, err
		}
		if p.next().Text != "while" {
			return nil, p.errf("want while")
		}
		if err := p.want("("); err != nil {
			return nil, err
		}
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.want(")"); err != nil {
			return nil, err
		}
		if p.peek().Text == ";" {
			p.next()
		}
		return &DoWhile{Body: body, C: c}, nil
	case p.isTypeStart():
		ty, ptr, _, err := p.typeName()
		if err != nil {
			return nil, err
		}
		name := p.next()
		if name.Kind != tIdent {
			return nil, p.errf("want a declarator name")
		}
		d := &Decl{T: ty, Ptr: ptr, Name: name.Text}
		if p.peek().Text == "=" {
			p.next()
			if d.Init, err = p.assign(); err != nil {
				return nil, err
			}
		}
		return d, p.want(";")
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().Text == ";" {
		p.next()
	} else if p.peek().Text != "}" && p.peek().Kind != tEOF {
		return nil, p.errf("want ';', got %q", p.peek().Text)
	}
	return &ExprStmt{X: x}, nil
}

func (p *parser) block() (*Block, error) {
	if err := p.want("{"); err != nil {
		return nil, err
	}
	b := &Block{}
	for p.peek().Text != "}" {
		if p.peek().Kind == tEOF {
			return nil, p.errf("unterminated block")
		}
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		b.Stmts = append(b.Stmts, s)
	}
	p.next()
	return b, nil
}

func (p *parser) expr() (Node, error) {
	x, err := p.assign()
	if err != nil {
		return nil, err
	}
	for p.peek().Text == "," && p.peek().Kind == tPunct {
		p.next()
		y, err := p.assign()
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: ",", X: x, Y: y}
	}
	return x, nil
}

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true, "&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true}

func (p *parser) assign() (Node, error) {
	x, err := p.cond()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind == tPunct && assignOps[t.Text] {
		p.next()
		y, err := p.assign()
		if err != nil {
			return nil, err
		}
		return &Binary{Op: t.Text, X: x, Y: y}, nil
	}
	return x, nil
}

func (p *parser) cond() (Node, error) {
	c, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if p.peek().Text != "?" {
		return c, nil
	}
	p.next()
	t, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.want(":"); err != nil {
		return nil, err
	}
	f, err := p.cond()
	if err != nil {
		return nil, err
	}
	return &Cond{C: c, T: t, F: f}, nil
}

var binPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

func (p *parser) binary(min int) (Node, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		prec, ok := binPrec[t.Text]
		if t.Kind != tPunct || !ok || prec <= min {
			return x, nil
		}
		p.next()
		y, err := p.binary(prec)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: t.Text, X: x, Y: y}
	}
}

func (p *parser) unary() (Node, error) {
	t := p.peek()
	if t.Kind == tPunct {
		switch t.Text {
		case "-", "+", "~", "!", "*", "&":
			p.next()
			x, err := p.unary()
			if err != nil {
				return nil, err
			}
			return &Unary{Op: t.Text, X: x}, nil
		case "(":
			if p.peekN(1).Kind == tIdent && typeWords[p.peekN(1).Text] {
				p.next()
				ty, ptr, _, err := p.typeName()
				if err != nil {
					return nil, err
				}
				if err := p.want(")"); err != nil {
					return nil, err
				}
				x, err := p.unary()
				if err != nil {
					return nil, err
				}
				return &Cast{T: ty, Ptr: ptr, X: x}, nil
			}
		}
	}
	if t.Kind == tIdent && t.Text == "sizeof" {
		p.next()
		if p.peek().Text == "(" && p.peekN(1).Kind == tIdent && typeWords[p.peekN(1).Text] {
			p.next()
			ty, ptr, text, err := p.typeName()
			if err != nil {
				return nil, err
			}
			return &Sizeof{T: ty, Ptr: ptr, Text: text}, p.want(")")
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Call{Fn: "sizeof", Args: []Node{x}, Texts: []string{""}}, nil
	}
	return p.postfix()
}

func (p *parser) postfix() (Node, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.Text == "[" && t.Kind == tPunct:
			p.next()
			i, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.want("]"); err != nil {
				return nil, err
			}
			x = &Index{X: x, I: i}
		case (t.Text == "." || t.Text == "->") && t.Kind == tPunct:
			p.next()
			n := p.next()
			if n.Kind != tIdent {
				return nil, p.errf("want a member name")
			}
			x = &Member{X: x, Name: n.Text, Arrow: t.Text == "->"}
		case (t.Text == "++" || t.Text == "--") && t.Kind == tPunct:
			p.next()
			x = &Binary{Op: t.Text[:1] + "=", X: x, Y: &Num{Val: Int(1), Text: "1"}}
		case t.Text == "(" && t.Kind == tPunct:
			id, ok := x.(*Ident)
			if !ok {
				return nil, p.errf("call of a non-identifier")
			}
			c, err := p.callArgs(id.Name)
			if err != nil {
				return nil, err
			}
			x = c
		default:
			return x, nil
		}
	}
}

// callArgs parses the arguments of a call whose '(' is at the cursor. An
// argument that is not an expression (a type, as in offsetof(struct s, m))
// is kept as text only, with a nil node.
func (p *parser) callArgs(fn string) (*Call, error) {
	p.next()
	c := &Call{Fn: fn}
	if p.peek().Text == ")" {
		p.next()
		return c, nil
	}
	for {
		start := p.pos
		// Find the end of this argument at depth 0.
		depth, end := 0, p.pos
		for ; ; end++ {
			t := p.toks[end]
			if t.Kind == tEOF {
				return nil, p.errf("unterminated call of %s", fn)
			}
			if t.Kind == tPunct {
				switch t.Text {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					depth--
				}
				if depth < 0 || depth == 0 && t.Text == "," {
					break
				}
			}
		}
		text := strings.TrimSpace(p.src[p.toks[start].Off:p.toks[end].Off])
		var n Node
		sub := &parser{src: p.src, toks: append(append([]Token(nil), p.toks[start:end]...), Token{Kind: tEOF, Off: p.toks[end].Off})}
		if e, err := sub.expr(); err == nil && sub.peek().Kind == tEOF {
			n = e
		}
		c.Args = append(c.Args, n)
		c.Texts = append(c.Texts, text)
		p.pos = end
		if p.next().Text == ")" {
			return c, nil
		}
	}
}

func (p *parser) primary() (Node, error) {
	start := p.pos
	t := p.next()
	switch t.Kind {
	case tNum:
		v, err := ParseNum(t.Text)
		if err != nil {
			return nil, err
		}
		return &Num{Val: v, Text: t.Text}, nil
	case tIdent:
		return &Ident{Name: t.Text}, nil
	case tStr:
		return &Num{Val: Int(0), Text: t.Text}, nil
	case tPunct:
		if t.Text == "(" {
			if p.peek().Text == "{" {
				b, err := p.block()
				if err != nil {
					return nil, err
				}
				return &StmtExpr{Body: b}, p.want(")")
			}
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			return x, p.want(")")
		}
	}
	p.pos = start
	if t.Kind == tEOF {
		return nil, p.errf("unexpected end")
	}
	return nil, p.errf("unexpected %q", t.Text)
}
