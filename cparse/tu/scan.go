package tu

import (
	"fmt"
	"hash/maphash"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
)

// Decl is one function declaration or definition at file scope.
type Decl struct {
	Name string
	// Index is the position of the name token in the scanned stream; Decls
	// and Uses are ordered by it.
	Index int
	// Pos is the spelling location of the name token and Exp its expansion
	// location (the outermost macro invocation, == Pos when no macro
	// produced it); Macro names that macro.
	Pos, Exp cpp.Pos
	Macro    string
	Def      bool // a definition (has a body)
	Static   bool // storage class static on this declaration
	Extern   bool // storage class extern on this declaration
	Inline   bool // inline (any spelling) on this declaration
	// Prototype: a parameter type list ("int f(void)", not "int f()"), or
	// a typedef or typeof of a prototyped function type ("fn_t f;").
	Prototype bool
	// Open and Close are the braces of a definition's body.
	Open, Close cpp.Pos
}

// Use is an identifier used in a function body or an initializer that
// names a function declared at file scope before it.
type Use struct {
	Name  string
	Index int
	Pos   cpp.Pos // spelling location
	Exp   cpp.Pos // expansion location
}

// Unit is what Scan found.
type Unit struct {
	Decls []Decl // in stream order
	Uses  []Use  // in stream order
	// Diags are the errors GCC reports that the scan can decide exactly
	// (see Diag), in stream order.
	Diags []Diag
}

// Error is a token stream that Scan cannot read as declarations (an
// unbalanced bracket), at the token where it went wrong.
type Error struct {
	Pos cpp.Pos
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// typeInfo describes a type named by declaration specifiers: whether it
// is a function type, and if so whether it has a parameter type list.
type typeInfo struct {
	fn, proto bool
}

// scanner holds the state of one Scan.
type scanner struct {
	toks     Tokens
	n        int // toks.Len()
	i        int
	typedefs map[string]typeInfo
	funcs    map[string]typeInfo // file-scope functions declared so far
	u        *Unit
	// cands are the calls that may be implicit declarations (see
	// implicitDecls); arity and defs what file-scope prototypes and
	// definitions said so far; declStart the first token of the current
	// external declaration.
	cands     []int
	arity     map[string]arity
	defs      map[string]defInfo
	declStart int
	seed      maphash.Seed
	// types says whether to decide the errors of function bodies (see
	// ScanTokensTypes).
	types bool
	// bodies are the function definitions, for package ctype.
	bodies []ctype.Body
}

// Tokens is a preprocessed token stream read by index, such as a
// *cpp.Stream: Text and Kind are what the scan reads of most tokens, Token
// the whole token (positions) for the few it records.
type Tokens = ctype.Tokens

// lite is what the scan reads of most tokens.
type lite struct {
	Text string
	Kind cpp.Kind
}

// lite returns token i's text and kind.
func (s *scanner) lite(i int) lite { return lite{s.toks.Text(i), s.toks.Kind(i)} }

// Scan reads the file-scope declarations of the preprocessed token
// stream toks.
func Scan(toks []cpp.Token) (*Unit, error) { return ScanTokens(ctype.Slice(toks)) }

// ScanTokens is Scan of a stream read by index (a *cpp.Stream: the unit's
// tokens are never materialized as a []cpp.Token).
func ScanTokens(toks Tokens) (*Unit, error) { return ScanTokensTypes(toks, true) }

// ScanTokensTypes is ScanTokens; types says whether to decide the errors
// of the function bodies: the argument counts and implicit declarations
// of calls, and the type errors that package ctype decides (unknown
// members, undefined struct types, undeclared identifiers). Without them
// the scan costs about 40% less on a kernel unit; Diags then hold only the
// errors of the declarations themselves (redefinitions, and what follows
// a syntax error). Only the builderrors check reads Diags.
func ScanTokensTypes(toks Tokens, types bool) (*Unit, error) {
	s := &scanner{
		toks: toks, n: toks.Len(), typedefs: map[string]typeInfo{}, funcs: map[string]typeInfo{}, u: &Unit{},
		arity: map[string]arity{}, defs: map[string]defInfo{}, seed: maphash.MakeSeed(), types: types,
	}
	for s.i < s.n {
		start := s.i
		s.declStart = start
		if err := s.external(); err != nil {
			return nil, err
		}
		if s.i == start { // never stall
			s.i++
		}
	}
	if types {
		s.implicitDecls()
		s.typeErrors()
	}
	s.afterSyntaxError()
	return s.u, nil
}

// tok returns the current token's text, "" at the end.
func (s *scanner) tok() string {
	if s.i < s.n {
		return s.toks.Text(s.i)
	}
	return ""
}

// peek returns the text of the token n after the current one.
func (s *scanner) peek(n int) string {
	if s.i+n < s.n {
		return s.toks.Text(s.i + n)
	}
	return ""
}

// isIdent reports whether the current token is an identifier.
func (s *scanner) isIdent() bool {
	return s.i < s.n && s.toks.Kind(s.i) == cpp.Ident
}

// skipBalanced skips from an opening bracket at s.i to just past its
// match, recording uses when uses is set.
func (s *scanner) skipBalanced(uses bool) error {
	if !uses {
		return s.balanced(nil)
	}
	return s.balanced(s.use)
}

// balanced moves from an opening bracket at s.i to just past its match,
// calling ident (when not nil) with the index of every identifier in
// between.
func (s *scanner) balanced(ident func(i int)) error {
	open := s.i
	depth := 0
	for ; s.i < s.n; s.i++ {
		t := s.lite(s.i)
		switch t.Kind {
		case cpp.Punct:
			switch t.Text {
			case "(", "[", "{", "<:", "<%":
				depth++
			case ")", "]", "}", ":>", "%>":
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
				if depth < 0 {
					return &Error{Pos: s.toks.Token(s.i).Pos, Msg: fmt.Sprintf("unbalanced '%s'", t.Text)}
				}
			}
		case cpp.Ident:
			if ident != nil {
				ident(s.i)
			}
		}
	}
	o := s.toks.Token(open)
	return &Error{Pos: o.Pos, Msg: fmt.Sprintf("'%s' is not closed before the end of the translation unit", o.Text)}
}

// use records toks[i] as a use when it names a known file-scope function
// and is not a member name.
func (s *scanner) use(i int) {
	if _, ok := s.funcs[s.toks.Text(i)]; !ok {
		return
	}
	if i > 0 {
		if p := s.toks.Text(i - 1); p == "." || p == "->" {
			return
		}
	}
	t := s.toks.Token(i)
	s.u.Uses = append(s.u.Uses, Use{Name: t.Text, Index: i, Pos: t.Pos, Exp: t.Exp})
}

// skipAttributes skips GNU attributes, asm labels and __extension__ at
// s.i.
func (s *scanner) skipAttributes() error {
	for {
		switch s.tok() {
		case "__attribute__", "__attribute", "asm", "__asm__", "__asm":
			s.i++
			if s.tok() == "volatile" || s.tok() == "__volatile__" || s.tok() == "inline" || s.tok() == "goto" {
				s.i++
			}
			if s.tok() == "(" {
				if err := s.skipBalanced(false); err != nil {
					return err
				}
			}
		case "__extension__":
			s.i++
		default:
			return nil
		}
	}
}

// specs is what the declaration specifiers said.
type specs struct {
	typedef, static, extern, inline bool
	sawType                         bool
	t                               typeInfo
}

// external reads one external declaration.
func (s *scanner) external() error {
	switch s.tok() {
	case ";":
		s.i++
		return nil
	case "_Static_assert", "static_assert", "asm", "__asm__", "__asm":
		// A file-scope assertion or asm statement: skip to its ';'.
		return s.skipTo(false)
	}
	sp, err := s.specifiers()
	if err != nil {
		return err
	}
	if s.tok() == ";" {
		s.i++
		return nil
	}
	for first := true; s.i < s.n; first = false {
		d, err := s.declarator()
		if err != nil {
			return err
		}
		if err := s.skipAttributes(); err != nil {
			return err
		}
		isFn := d.first == dFunc || d.first == dNone && sp.t.fn
		proto := d.first == dFunc && d.proto || d.first == dNone && sp.t.fn && sp.t.proto
		if d.name >= 0 {
			name := s.toks.Text(d.name)
			switch {
			case sp.typedef:
				s.typedefs[name] = typeInfo{fn: isFn, proto: proto}
			case isFn:
				s.declare(d.name, sp, proto)
				s.noteArity(name, d, proto)
			}
		}
		if first && isFn && d.first == dFunc && !proto && d.name >= 0 && !sp.typedef && s.knrBody() {
			s.noteDefinition(d.name, s.i, sp)
			return s.definition(d.name, d.params)
		}
		switch s.tok() {
		case "{":
			if first && isFn && d.name >= 0 && !sp.typedef {
				s.noteDefinition(d.name, s.i, sp)
				return s.definition(d.name, d.params)
			}
			// Not a function definition: skip the block as a whole.
			return s.skipBalanced(true)
		case "=":
			s.i++
			if err := s.initializer(); err != nil {
				return err
			}
		}
		switch s.tok() {
		case ",":
			s.i++
			continue
		case ";":
			s.i++
			return nil
		case "":
			return nil
		default:
			// Something this reader does not follow (a K&R declaration
			// list, a parse error GCC would report): resynchronise.
			return s.skipTo(true)
		}
	}
	return nil
}

// declare records a function declaration at name index i.
func (s *scanner) declare(i int, sp specs, proto bool) {
	t := s.toks.Token(i)
	s.u.Decls = append(s.u.Decls, Decl{
		Name: t.Text, Index: i, Pos: t.Pos, Exp: t.Exp, Macro: t.Macro,
		Static: sp.static, Extern: sp.extern, Inline: sp.inline, Prototype: proto,
	})
	prev := s.funcs[t.Text]
	s.funcs[t.Text] = typeInfo{fn: true, proto: prev.proto || proto}
}

// definition marks the last declaration as a definition and skips its
// body, which starts at s.i.
func (s *scanner) definition(name, params int) error {
	d := &s.u.Decls[len(s.u.Decls)-1]
	if d.Index != name {
		return &Error{Pos: s.toks.Token(name).Pos, Msg: "internal: definition without its declaration"}
	}
	d.Def = true
	d.Open = s.toks.Token(s.i).Pos
	// Parameters and locals shadow file-scope functions: their names
	// are not uses.
	shadow := map[string]bool{}
	if params >= 0 {
		depth := 0
		for i := params; i < s.n; i++ {
			switch s.toks.Text(i) {
			case "(":
				depth++
			case ")":
				depth--
			}
			if depth == 0 {
				break
			}
			if depth == 1 && s.toks.Kind(i) == cpp.Ident && i+1 < s.n {
				switch s.toks.Text(i + 1) {
				case ",", ")", "[":
					shadow[s.toks.Text(i)] = true
				}
			}
		}
	}
	open := s.i
	err := s.balanced(func(i int) {
		switch name := s.toks.Text(i); {
		case shadow[name]:
		case s.declaredHere(i):
			shadow[name] = true
		default:
			s.use(i)
		}
	})
	if err != nil {
		return err
	}
	d.Close = s.toks.Token(s.i - 1).Pos
	if s.types {
		s.bodyErrors(params, open, s.i-1)
	}
	s.bodies = append(s.bodies, ctype.Body{Params: params, Open: open, Close: s.i - 1})
	return nil
}

// declaredHere reports whether the identifier at i is being declared (a
// local variable: a type name or '*' before it, '=', ';', ',', '[' or ')'
// after it).
func (s *scanner) declaredHere(i int) bool {
	if i == 0 || i+1 >= s.n {
		return false
	}
	switch s.toks.Text(i + 1) {
	case "=", ";", ",", "[", ")":
	default:
		return false
	}
	j := i - 1
	for j > 0 && (s.toks.Text(j) == "*" || otherSpecKw[s.toks.Text(j)]) {
		j--
	}
	p := s.lite(j)
	if p.Kind != cpp.Ident {
		return false
	}
	_, isType := s.typedefs[p.Text]
	return isType || typeKw[p.Text] || j > 0 && tagKw[s.toks.Text(j-1)]
}

// initializer skips an initializer up to the ',' or ';' that ends it.
func (s *scanner) initializer() error {
	for s.i < s.n {
		switch s.tok() {
		case ",", ";":
			return nil
		case "(", "[", "{":
			if err := s.skipBalanced(true); err != nil {
				return err
			}
		case ")", "]", "}":
			return &Error{Pos: s.toks.Token(s.i).Pos, Msg: fmt.Sprintf("unbalanced '%s'", s.tok())}
		default:
			if s.isIdent() {
				s.use(s.i)
			}
			s.i++
		}
	}
	return nil
}

// skipTo skips to just past the next ';' outside brackets.
func (s *scanner) skipTo(uses bool) error {
	for s.i < s.n {
		switch s.tok() {
		case ";":
			s.i++
			return nil
		case "(", "[", "{":
			if err := s.skipBalanced(uses); err != nil {
				return err
			}
		case ")", "]", "}":
			return &Error{Pos: s.toks.Token(s.i).Pos, Msg: fmt.Sprintf("unbalanced '%s'", s.tok())}
		default:
			if uses && s.isIdent() {
				s.use(s.i)
			}
			s.i++
		}
	}
	return nil
}

// knrBody reports whether an old-style definition's declaration list
// ("int f(a) int a; { ... }") starts at s.i, and if so moves to the body's
// '{'. Otherwise s.i is unchanged.
func (s *scanner) knrBody() bool {
	switch s.tok() {
	case ";", ",", "=", "{", "":
		return false
	}
	save := s.i
	for s.i < s.n && s.isIdent() {
		if err := s.skipTo(false); err != nil {
			break
		}
		if s.tok() == "{" {
			return true
		}
	}
	s.i = save
	return false
}
