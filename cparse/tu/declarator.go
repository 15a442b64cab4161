package tu

import (
	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
)

// Keyword classes of declaration specifiers, as GCC 12 spells them in
// gnu11 mode (with the GNU alternate spellings).
var (
	storageKw = map[string]bool{
		"typedef": true, "extern": true, "static": true, "auto": true, "register": true,
		"_Thread_local": true, "__thread": true,
	}
	inlineKw = map[string]bool{"inline": true, "__inline": true, "__inline__": true}
	// otherSpecKw are specifiers that neither name a type nor end the
	// specifiers: function specifiers and qualifiers.
	otherSpecKw = map[string]bool{
		"_Noreturn": true, "const": true, "__const": true, "__const__": true,
		"volatile": true, "__volatile": true, "__volatile__": true,
		"restrict": true, "__restrict": true, "__restrict__": true,
		"__extension__": true, "__label__": true,
	}
	typeKw = ctype.TypeKeywords
	// parenSpecKw take a parenthesised operand: typeof, _Atomic(T),
	// _Alignas.
	parenSpecKw = ctype.ParenKeywords
	tagKw       = map[string]bool{"struct": true, "union": true, "enum": true}
)

// isSpecKeyword reports whether name can only be a declaration specifier.
func isSpecKeyword(name string) bool {
	return storageKw[name] || inlineKw[name] || otherSpecKw[name] || typeKw[name] ||
		parenSpecKw[name] || tagKw[name] || name == "__attribute__" || name == "__attribute"
}

// specifiers reads declaration specifiers at s.i, stopping at the first
// token that starts a declarator (or ends the declaration).
func (s *scanner) specifiers() (specs, error) {
	var sp specs
	for s.i < s.n {
		name := s.tok()
		if !s.isIdent() {
			return sp, nil
		}
		switch {
		case storageKw[name]:
			switch name {
			case "typedef":
				sp.typedef = true
			case "static":
				sp.static = true
			case "extern":
				sp.extern = true
			}
			s.i++
		case inlineKw[name]:
			sp.inline = true
			s.i++
		case otherSpecKw[name]:
			s.i++
		case name == "__attribute__" || name == "__attribute" || name == "asm" || name == "__asm__":
			if err := s.skipAttributes(); err != nil {
				return sp, err
			}
		case typeKw[name]:
			sp.sawType = true
			s.i++
		case parenSpecKw[name]:
			s.i++
			if s.tok() != "(" {
				// _Atomic as a qualifier.
				continue
			}
			if name != "_Alignas" && name != "__alignas" {
				sp.sawType = true
				sp.t = s.typeofOperand()
			}
			if err := s.skipBalanced(false); err != nil {
				return sp, err
			}
		case tagKw[name]:
			sp.sawType = true
			s.i++
			if err := s.skipAttributes(); err != nil {
				return sp, err
			}
			if s.isIdent() && !isSpecKeyword(s.tok()) {
				s.i++ // the tag
			}
			if err := s.skipAttributes(); err != nil {
				return sp, err
			}
			if s.tok() == "{" {
				if err := s.skipBalanced(false); err != nil {
					return sp, err
				}
			}
		default:
			if t, ok := s.typedefs[name]; ok && !sp.sawType {
				sp.sawType = true
				sp.t = t
				s.i++
				continue
			}
			return sp, nil
		}
	}
	return sp, nil
}

// typeofOperand returns the type a typeof operand at s.i (the '(')
// names, when it is a single identifier naming a function or a typedef of
// a function type.
func (s *scanner) typeofOperand() typeInfo {
	if s.peek(2) != ")" {
		return typeInfo{}
	}
	n := s.peek(1)
	if t, ok := s.typedefs[n]; ok {
		return t
	}
	return s.funcs[n]
}

// Derivation kinds: the first type derivation applied to a declarator's
// name.
const (
	dNone = iota
	dPointer
	dArray
	dFunc
)

// decl is a parsed declarator.
type decl struct {
	name   int // index of the name token, -1 for an abstract declarator
	first  int // the derivation that applies to the name first
	proto  bool
	params int // index of the '(' of the function suffix, -1 if none
}

// declarator parses a declarator at s.i: pointers, then a name or a
// parenthesised declarator, then array and function suffixes.
func (s *scanner) declarator() (decl, error) {
	ptr := false
pointers:
	for s.i < s.n {
		t := s.tok()
		switch {
		case t == "*" || t == "^":
			ptr = true
			s.i++
		case s.isIdent() && (otherSpecKw[t] || t == "_Atomic" && s.peek(1) != "("):
			s.i++
		case t == "__attribute__" || t == "__attribute" || t == "__extension__":
			if err := s.skipAttributes(); err != nil {
				return decl{}, err
			}
		default:
			break pointers
		}
	}
	d := decl{name: -1, params: -1}
	grouped := false
	var inner decl
	switch {
	case s.tok() == "(" && s.groupingParen():
		s.i++
		var err error
		inner, err = s.declarator()
		if err != nil {
			return decl{}, err
		}
		if err := s.skipAttributes(); err != nil {
			return decl{}, err
		}
		if s.tok() != ")" {
			return d, s.skipToDeclEnd()
		}
		s.i++
		grouped = true
		d.name = inner.name
	case s.isIdent() && !isSpecKeyword(s.tok()):
		d.name = s.i
		s.i++
	}
	suffix := dNone
	suffixProto := false
	suffixParams := -1
	for {
		switch s.tok() {
		case "[":
			if err := s.skipBalanced(true); err != nil {
				return decl{}, err
			}
			if suffix == dNone {
				suffix = dArray
			}
			continue
		case "(":
			proto := s.paramsPrototype()
			open := s.i
			if err := s.skipBalanced(false); err != nil {
				return decl{}, err
			}
			if suffix == dNone {
				suffix, suffixProto, suffixParams = dFunc, proto, open
			}
			continue
		}
		break
	}
	switch {
	case grouped && inner.first != dNone:
		d.first, d.proto, d.params = inner.first, inner.proto, inner.params
	case suffix != dNone:
		d.first, d.proto, d.params = suffix, suffixProto, suffixParams
	case ptr:
		d.first = dPointer
	}
	return d, nil
}

// skipToDeclEnd moves to the next ',' or ';' outside brackets, for a
// declarator this reader cannot follow.
func (s *scanner) skipToDeclEnd() error {
	for s.i < s.n {
		switch s.tok() {
		case ",", ";", "{", "=":
			return nil
		case "(", "[":
			if err := s.skipBalanced(false); err != nil {
				return err
			}
		default:
			s.i++
		}
	}
	return nil
}

// groupingParen reports whether the '(' at s.i groups a declarator (as in
// "(*fp)(int)" or "(f)(void)") rather than opening a parameter list.
func (s *scanner) groupingParen() bool {
	n := s.i + 1
	if n >= s.n {
		return false
	}
	t := s.lite(n)
	switch t.Text {
	case "*", "^", "(", "__attribute__", "__attribute":
		return true
	}
	if t.Kind != cpp.Ident {
		return false
	}
	if isSpecKeyword(t.Text) {
		return false
	}
	_, isType := s.typedefs[t.Text]
	return !isType
}

// paramsPrototype reports whether the parameter list opening at s.i is a
// parameter type list: not empty, and not an identifier list ("f(a, b)",
// names that are not types).
func (s *scanner) paramsPrototype() bool {
	first := s.peek(1)
	if first == ")" || first == "" {
		return false
	}
	if s.i+1 < s.n && s.toks.Kind(s.i+1) == cpp.Ident && !isSpecKeyword(first) && first != "..." {
		if _, isType := s.typedefs[first]; !isType {
			if next := s.peek(2); next == "," || next == ")" {
				return false // an identifier list
			}
		}
	}
	return true
}
