package tu

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
	"github.com/trampcheck/trampcheck/cparse/ctype"
)

// Diag is an error that GCC 12 reports for the unit and that Scan can
// decide exactly from the token stream: "implicit declaration of function
// 'f'", "too many arguments to function 'f'", "too few arguments to
// function 'f'" and "redefinition of 'f'". Scan reports only what it is
// sure of; where the tokens leave a doubt (a name produced by a macro, a
// local declaration that may shadow, a prototype it cannot count), it
// says nothing. See errors.go for the rules.
type Diag struct {
	Index int     // token index of the token GCC points at
	Pos   cpp.Pos // its spelling location, GCC's position
	// Exp is its expansion location (== Pos when no macro produced it).
	// The type errors of package ctype may be spelled in a macro
	// definition (in a header) and expanded in the file.
	Exp cpp.Pos
	// Col is GCC's display column of Pos when the front end set it (a
	// position in a header); 0: computed from the file.
	Col int
	// Msg is GCC's text after "error: ", with the option in brackets
	// where GCC prints one.
	Msg string
}

// arity is what the file-scope prototypes of a function say about its
// parameters.
type arity struct {
	n        int  // fixed parameters
	variadic bool // ends with "..."
	bad      bool // not countable (typedef'd type, inconsistent lists)
	ok       bool // at least one countable prototype seen
}

// defInfo is a function's first definition.
type defInfo struct {
	head         uint64 // a hash of its tokens from the declaration's start to the body
	externInline bool
}

// gccKeywords are the C keywords and GNU keywords of GCC 12 in gnu11 mode
// that can precede '(' in a body without naming a function.
var gccKeywords = map[string]bool{
	"if": true, "while": true, "for": true, "switch": true, "return": true, "sizeof": true,
	"_Alignof": true, "__alignof__": true, "__alignof": true, "_Generic": true,
	"_Static_assert": true, "static_assert": true, "asm": true, "__asm__": true, "__asm": true,
	"__attribute__": true, "__attribute": true, "__extension__": true, "__real__": true,
	"__imag__": true, "__real": true, "__imag": true, "do": true, "else": true, "case": true,
	"default": true, "goto": true, "break": true, "continue": true, "__label__": true,
	"__func__": true, "__FUNCTION__": true, "__PRETTY_FUNCTION__": true, "_Noreturn": true,
	"__builtin_offsetof": true, "__builtin_va_arg": true, "__builtin_types_compatible_p": true,
	"__builtin_choose_expr": true, "__builtin_complex": true, "__builtin_shuffle": true,
	"__builtin_convertvector": true, "__builtin_tgmath": true, "__builtin_call_with_static_chain": true,
	"__builtin_has_attribute": true, "__builtin_assoc_barrier": true, "__builtin_shufflevector": true,
}

// gccDeclared reports whether GCC declares name itself (its builtins):
// such a name is never implicitly declared. Unknown names with these
// prefixes get a GCC suggestion this reader does not reproduce, so they
// are left alone too.
func gccDeclared(name string) bool {
	return strings.HasPrefix(name, "__builtin_") || strings.HasPrefix(name, "__atomic_") ||
		strings.HasPrefix(name, "__sync_") || strings.HasPrefix(name, "__has_")
}

// keyword reports whether name is a keyword of any kind.
func keyword(name string) bool { return gccKeywords[name] || isSpecKeyword(name) }

// noteArity records what the declarator d of the file-scope function
// declaration of name says about its parameters.
func (s *scanner) noteArity(name string, d decl, proto bool) {
	a := s.arity[name]
	switch {
	case !proto:
		// "int f();" or an identifier list: no parameter information.
	case d.first != dFunc || d.params < 0:
		a.bad = true // a typedef or typeof of a function type
	default:
		n, variadic, ok := s.countParams(d.params)
		switch {
		case !ok:
			a.bad = true
		case a.ok && (a.n != n || a.variadic != variadic):
			a.bad = true
		default:
			a.n, a.variadic, a.ok = n, variadic, true
		}
	}
	s.arity[name] = a
}

// countParams counts the parameters of the list opening at index open:
// "(void)" has none, "(int, ...)" one and is variadic.
func (s *scanner) countParams(open int) (n int, variadic, ok bool) {
	if open+2 < s.n && s.toks.Text(open+1) == "void" && s.toks.Text(open+2) == ")" {
		return 0, false, true
	}
	depth := 0
	n = 1
	for i := open; i < s.n; i++ {
		switch s.toks.Text(i) {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return n, variadic, true
			}
		case ",":
			if depth == 1 {
				n++
			}
		case "...":
			if depth == 1 {
				variadic = true
				n--
			}
		}
	}
	return 0, false, false
}

// matching returns the index of the bracket closing the one at i, or -1.
func (s *scanner) matching(i int) int { return ctype.Match(s.toks, i) }

// direct reports whether toks[i] was written in the source as it stands
// (no macro produced it).
func (s *scanner) direct(i int) bool {
	t := s.toks.Token(i)
	return t.Macro == "" && t.Pos == t.Exp
}

// noteDefinition reports "redefinition of 'f'" for a second definition
// whose declaration is token for token the first one's (then GCC's types
// are the same, and the error is not "conflicting types"). A first
// definition that is extern inline (GNU inline semantics, as the kernel's
// inline) may be redefined; that is left alone.
func (s *scanner) noteDefinition(name, open int, sp specs) {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for i := s.declStart; i < open; i++ {
		_, _ = h.WriteString(s.toks.Text(i))
		_ = h.WriteByte(' ')
	}
	head := h.Sum64()
	n := s.toks.Text(name)
	prev, ok := s.defs[n]
	if !ok {
		s.defs[n] = defInfo{head: head, externInline: sp.extern && sp.inline}
		return
	}
	if prev.externInline || sp.extern && sp.inline || prev.head != head || !s.direct(name) {
		return
	}
	p := s.toks.Token(name).Pos
	s.u.Diags = append(s.u.Diags, Diag{Index: name, Pos: p, Exp: p, Msg: fmt.Sprintf("redefinition of '%s'", n)})
}

// bodyErrors reports the argument counts that GCC checks for direct
// calls in the body between the braces open and close of a definition
// whose parameter list opens at params, and records the calls that may be
// implicit declarations (decided at the end of Scan, see implicitDecls).
//
// A call is "f (" in the body, f not a member name, not a keyword and not
// after a token that could make it a declaration (a type name or other
// identifier, '*', an attribute). Argument count: f has countable
// file-scope prototypes declared before, and within this function every
// token spelling f (parameters included), other than as a member name, is
// such a call, so nothing local shadows it.
func (s *scanner) bodyErrors(params, open, close int) {
	type call struct{ i, args int }
	var calls []call
	// One pass with a stack of open brackets: a call's '(' frame counts
	// the commas at its level, and its ')' gives the argument count.
	type frame struct{ open, commas, call int }
	var stack []frame
	attrEnd := -1
	pending := -1 // a call-shaped name whose '(' is the next token
	for i := open + 1; i < close; i++ {
		t := s.lite(i)
		switch t.Kind {
		case cpp.Punct:
			switch t.Text {
			case "(", "[", "{", "<:", "<%":
				stack = append(stack, frame{open: i, call: pending})
			case ")", "]", "}", ":>", "%>":
				n := len(stack)
				if n == 0 {
					return // unbalanced: say nothing
				}
				f := stack[n-1]
				stack = stack[:n-1]
				if f.call >= 0 {
					args := 0
					if i > f.open+1 {
						args = f.commas + 1
					}
					calls = append(calls, call{f.call, args})
				}
			case ",":
				if n := len(stack); n > 0 {
					stack[n-1].commas++
				}
			}
			pending = -1
			continue
		case cpp.Ident:
		default:
			pending = -1
			continue
		}
		pending = -1
		if (t.Text == "__attribute__" || t.Text == "__attribute") && s.toks.Text(i+1) == "(" {
			if end := s.matching(i + 1); end > 0 && end < close {
				attrEnd, i = end, end
			}
			continue
		}
		if s.toks.Text(i+1) != "(" {
			continue
		}
		prev := s.lite(i - 1)
		if prev.Text == "." || prev.Text == "->" || i-1 == attrEnd || prev.Text == "*" || keyword(t.Text) {
			continue
		}
		if prev.Kind == cpp.Ident && prev.Text != "return" && prev.Text != "else" && prev.Text != "do" &&
			prev.Text != "case" && prev.Text != "sizeof" {
			continue
		}
		pending = i
	}
	if len(stack) > 0 {
		return
	}
	slices.SortFunc(calls, func(a, b call) int { return a.i - b.i })
	from := open
	if params >= 0 {
		from = params
	}
	// The names whose argument counts can be checked, then whether
	// anything in the function other than these calls spells them.
	var names []string
	for _, c := range calls {
		name := s.toks.Text(c.i)
		_, isFunc := s.funcs[name]
		if !isFunc {
			if _, isType := s.typedefs[name]; !isType && !gccDeclared(name) && !s.spelledIn(name, from, c.i) {
				s.cands = append(s.cands, c.i)
			}
			continue
		}
		if a := s.arity[name]; a.ok && !a.bad && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	unsafe := map[string]bool{}
	for j := from; j < close; j++ {
		t := s.lite(j)
		if t.Kind != cpp.Ident || !slices.Contains(names, t.Text) {
			continue
		}
		if _, isCall := slices.BinarySearchFunc(calls, j, func(c call, j int) int { return c.i - j }); isCall {
			continue
		}
		if p := s.toks.Text(j - 1); j > open && (p == "." || p == "->") {
			continue
		}
		unsafe[t.Text] = true
	}
	for _, c := range calls {
		t := s.lite(c.i)
		name := t.Text
		a := s.arity[name]
		if unsafe[name] || !a.ok || a.bad || !s.direct(c.i) {
			continue
		}
		switch {
		case c.args < a.n:
			p := s.toks.Token(c.i).Pos
			s.u.Diags = append(s.u.Diags, Diag{Index: c.i, Pos: p, Exp: p, Msg: fmt.Sprintf("too few arguments to function '%s'", name)})
		case c.args > a.n && !a.variadic:
			p := s.toks.Token(c.i).Pos
			s.u.Diags = append(s.u.Diags, Diag{Index: c.i, Pos: p, Exp: p, Msg: fmt.Sprintf("too many arguments to function '%s'", name)})
		}
	}
}

// spelledIn reports whether a token in [from, to) spells name: then the
// name at to is not the unit's first.
func (s *scanner) spelledIn(name string, from, to int) bool {
	for j := from; j < to; j++ {
		if t := s.lite(j); t.Kind == cpp.Ident && t.Text == name {
			return true
		}
	}
	return false
}

// implicitDecls reports "implicit declaration of function 'f'" for the
// candidate calls of bodyErrors that are the first token of the whole
// unit spelling f (so nothing declared it, at any scope) and that no macro
// produced; GCC reports only the first call of a name. It runs once, at
// the end of Scan, over the tokens up to the last candidate.
func (s *scanner) implicitDecls() {
	if len(s.cands) == 0 {
		return
	}
	want := map[string]int{} // name -> index of its first token
	var filter [64][256]bool // length and first byte of the names, to skip most tokens unhashed
	for _, i := range s.cands {
		name := s.toks.Text(i)
		want[name] = -1
		if len(name) < 64 {
			filter[len(name)][name[0]] = true
		}
	}
	last := s.cands[len(s.cands)-1]
	for j := 0; j <= last; j++ {
		t := s.lite(j)
		if t.Kind != cpp.Ident || len(t.Text) < 64 && !filter[len(t.Text)][t.Text[0]] {
			continue
		}
		if f, ok := want[t.Text]; ok && f < 0 {
			want[t.Text] = j
		}
	}
	for _, i := range s.cands {
		t := s.toks.Token(i)
		if want[t.Text] != i || !s.direct(i) {
			continue
		}
		msg := fmt.Sprintf("implicit declaration of function '%s' [-Werror=implicit-function-declaration]", t.Text)
		s.u.Diags = append(s.u.Diags, Diag{Index: i, Pos: t.Pos, Exp: t.Pos, Msg: msg})
	}
	slices.SortFunc(s.u.Diags, func(a, b Diag) int { return a.Index - b.Index })
}

// typeErrors adds the type errors that package ctype decides on the
// function bodies (unknown members, undefined struct types) to the
// unit's diagnostics.
func (s *scanner) typeErrors() {
	ds := ctype.Check(s.toks, s.bodies, func(name string) bool {
		_, ok := s.typedefs[name]
		return ok
	})
	if len(ds) == 0 {
		return
	}
	for _, d := range ds {
		t := s.toks.Token(d.Index)
		s.u.Diags = append(s.u.Diags, Diag{Index: d.Index, Pos: t.Pos, Exp: t.Exp, Msg: d.Msg})
	}
	slices.SortStableFunc(s.u.Diags, func(a, b Diag) int { return a.Index - b.Index })
}

// afterSyntaxError drops the diagnostics that follow a call of an
// implicitly declared function followed by '{' (an iterator macro such as
// unwind_for_each_frame used without its header): GCC reports "expected
// ';' before '{' token" there and its view of what follows, after its
// error recovery, is not the scanner's.
func (s *scanner) afterSyntaxError() {
	cut := -1
	for _, d := range s.u.Diags {
		if !strings.HasPrefix(d.Msg, "implicit declaration of function ") {
			continue
		}
		if end := s.matching(d.Index + 1); end > 0 && end+1 < s.toks.Len() && s.toks.Text(end+1) == "{" {
			cut = end
			break
		}
	}
	if cut < 0 {
		return
	}
	s.u.Diags = slices.DeleteFunc(s.u.Diags, func(d Diag) bool { return d.Index > cut })
}
