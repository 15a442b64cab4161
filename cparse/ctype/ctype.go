package ctype

import (
	"fmt"
	"sort"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// Diag is one type error GCC reports, at the token index GCC points at
// (its spelling location is GCC's position).
type Diag struct {
	Index int
	Msg   string
}

// Body is a function definition in the token stream: the index of the
// '(' of its parameter list (-1 when it has none the reader found) and
// of the braces of its body.
type Body struct {
	Params, Open, Close int
}

// typ is a resolved type: a tagged struct or union, or a pointer to one
// (ptr levels of '*'). The zero typ is unknown.
type typ struct {
	kind, tag string
	ptr       int
	// qual are the qualifiers of the struct or union itself (of the
	// pointee for a pointer): qConst, qVolatile.
	qual int
}

// Qualifiers GCC prints before a struct type's name.
const (
	qConst = 1 << iota
	qVolatile
)

// qualOf returns the qualifier bit of a keyword, 0 for others.
func qualOf(kw string) int {
	switch kw {
	case "const", "__const", "__const__":
		return qConst
	case "volatile", "__volatile", "__volatile__":
		return qVolatile
	}
	return 0
}

func (t typ) known() bool { return t.kind != "" }

// gccName is the type as GCC names it in messages: "struct bpf_jit",
// "const struct bpf_htab".
func (t typ) gccName() string {
	q := ""
	if t.qual&qConst != 0 {
		q = "const "
	}
	if t.qual&qVolatile != 0 {
		q += "volatile "
	}
	return q + t.kind + " " + t.tag
}

// agg is one definition of a struct or union outside function bodies.
type agg struct {
	kind  string
	close int // index of its '}': complete after it
	// members are its member names (those of nested anonymous structs and
	// unions included) with their types (zero when not of the simple form).
	members map[string]typ
	known   bool // every member declaration was read
}

// tagInfo is what the unit says about one tag.
type tagInfo struct {
	defs []agg // in stream order
	// kind is the keyword of the first definition; mixed is set when the
	// tag is defined with different keywords (struct and union, or enum).
	kind      string
	mixed     bool
	uncertain bool // declared or defined inside a function body
}

// Tokens is the unit's token stream as Check reads it: random access to
// every token's text and kind, and the whole token (positions) on demand.
// tu's compact stream (cpp.Stream) and Slice implement it.
type Tokens interface {
	Len() int
	Text(i int) string
	Kind(i int) cpp.Kind
	Token(i int) cpp.Token
}

// Slice is a []cpp.Token as Tokens.
type Slice []cpp.Token

// Len returns the number of tokens.
func (t Slice) Len() int { return len(t) }

// Text returns token i's spelling.
func (t Slice) Text(i int) string { return t[i].Text }

// Kind returns token i's kind.
func (t Slice) Kind(i int) cpp.Kind { return t[i].Kind }

// Token returns token i.
func (t Slice) Token(i int) cpp.Token { return t[i] }

// lite is what the checker reads of most tokens.
type lite struct {
	Text string
	Kind cpp.Kind
}

// tok returns token i's text and kind.
func (c *checker) tok(i int) lite { return lite{c.toks.Text(i), c.toks.Kind(i)} }

// checker holds the state of one Check.
type checker struct {
	toks    Tokens
	typedef func(string) bool
	tags    map[string]*tagInfo
	diags   []Diag
	// inits are the clear uses in file-scope initializers of the main
	// file (collectTags).
	inits []int
}

// Check reports the type errors of the function bodies of the unit toks
// (see the package documentation). typedef reports whether a name is a
// typedef name at file scope (to read member declarations).
func Check(toks Tokens, bodies []Body, typedef func(string) bool) []Diag {
	c := &checker{toks: toks, typedef: typedef, tags: map[string]*tagInfo{}}
	if toks.Len() == 0 {
		return nil
	}
	// Only the main file's functions are checked (the file of the unit's
	// last token): GCC's errors in a patched file are there.
	main := toks.Token(toks.Len() - 1).Exp.File
	inMain := make([]bool, len(bodies))
	for i, b := range bodies {
		inMain[i] = toks.Token(b.Open).Exp.File == main
	}
	c.collectTags(bodies, inMain, main)
	for i, b := range bodies {
		if inMain[i] {
			c.body(b)
		}
	}
	c.undeclared(bodies)
	c.conflicts(main)
	sort.SliceStable(c.diags, func(i, j int) bool { return c.diags[i].Index < c.diags[j].Index })
	c.genericRecovery()
	return c.diags
}

// genericRecovery drops the errors in the associations of a _Generic
// whose controlling expression has one: GCC's parser skips to the
// closing parenthesis after an erroneous controlling expression (as in
// the kernel's __unqual_scalar_typeof: only "_Generic((x)" is reported,
// not its "default: (x)").
func (c *checker) genericRecovery() {
	if len(c.diags) < 2 {
		return
	}
	type span struct{ from, to int }
	var skip []span
	for k, d := range c.diags {
		if k > 0 && c.diags[k-1].Index == d.Index {
			continue
		}
		// The innermost enclosing "_Generic (" whose controlling
		// expression holds the error, within the statement (a '{'
		// stops the walk: it costs the distance to it, not to the
		// unit's start).
		for open := c.enclosing(d.Index); open > 0 && c.text(open) != "{"; open = c.enclosing(open) {
			if c.text(open) != "(" || c.text(open-1) != "_Generic" {
				continue
			}
			end := c.match(open)
			comma := c.topComma(open, end)
			if end > 0 && comma > 0 && d.Index < comma {
				skip = append(skip, span{comma, end})
			}
			break
		}
	}
	if len(skip) == 0 {
		return
	}
	out := c.diags[:0]
	for _, d := range c.diags {
		drop := false
		for _, s := range skip {
			if s.from < d.Index && d.Index < s.to {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, d)
		}
	}
	c.diags = out
}

// topComma returns the index of the first ',' at the top level of the
// brackets open..end, -1 if none.
func (c *checker) topComma(open, end int) int {
	depth := 0
	for k := open + 1; k < end; k++ {
		switch c.text(k) {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ",":
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// text returns the text of token i, "" out of range.
func (c *checker) text(i int) string {
	if i >= 0 && i < c.toks.Len() {
		return c.toks.Text(i)
	}
	return ""
}

// ident reports whether token i is an identifier that is no keyword the
// reader knows.
func (c *checker) ident(i int) bool {
	return i >= 0 && i < c.toks.Len() && c.toks.Kind(i) == cpp.Ident && !keywords[c.toks.Text(i)]
}

// match returns the index of the bracket closing the one at i, -1 if
// none.
func (c *checker) match(i int) int { return Match(c.toks, i) }

// Match returns the index of the bracket closing the one at toks[i]
// (any of ( [ {, counted together, as the scanners of this front end
// count them), -1 if none.
func Match(toks Tokens, i int) int {
	depth := 0
	for n := toks.Len(); i < n; i++ {
		switch toks.Text(i) {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// skipAttrs returns the index after the GNU attributes starting at i.
func (c *checker) skipAttrs(i int) int {
	for attrKw[c.text(i)] && c.text(i+1) == "(" {
		end := c.match(i + 1)
		if end < 0 {
			return c.toks.Len()
		}
		i = end + 1
	}
	return i
}

// collectTags records every struct and union definition outside the
// function bodies, the clear uses in the main file's file-scope
// initializers (c.inits: after a '=' outside brackets, up to the ',' or
// ';' that ends the declarator), and the tags declared or defined inside
// the bodies of the main file (the bodies of other files are skipped: a tag declared
// there is local to them, and they are not checked).
func (c *checker) collectTags(bodies []Body, inMain []bool, main string) {
	bi := 0
	depth, init := 0, false
	for i := 0; i < c.toks.Len(); i++ {
		for bi < len(bodies) && bodies[bi].Close < i {
			bi++
		}
		if bi < len(bodies) && !inMain[bi] && bodies[bi].Open < i {
			i = bodies[bi].Close
			continue
		}
		t := c.tok(i)
		if bi >= len(bodies) || i < bodies[bi].Open {
			// File scope: the main file's initializer uses (this pass
			// reads every token).
			switch t.Kind {
			case cpp.Punct:
				switch t.Text {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					depth--
				case "=":
					init = init || depth == 0
				case ",", ";":
					if depth == 0 {
						init = false
					}
				}
			case cpp.Ident:
				if init && c.clearUse(i, true) && c.toks.Token(i).Pos.File == main && !c.typedef(t.Text) {
					c.inits = append(c.inits, i)
				}
			}
		} else {
			init = false
		}
		if t.Kind != cpp.Ident || len(t.Text) < 4 || len(t.Text) > 6 || t.Text[0] != 's' && t.Text[0] != 'u' && t.Text[0] != 'e' {
			continue
		}
		kw := t.Text
		if kw != "struct" && kw != "union" && kw != "enum" {
			continue
		}
		inBody := bi < len(bodies) && bodies[bi].Open < i && i < bodies[bi].Close
		j := c.skipAttrs(i + 1)
		if !c.ident(j) {
			continue // anonymous: read as a member of its enclosing aggregate
		}
		tag := c.text(j)
		k := c.skipAttrs(j + 1)
		def := c.text(k) == "{"
		if inBody {
			if def || c.text(k) == ";" {
				c.tag(tag).uncertain = true
			}
			continue
		}
		if !def {
			continue
		}
		ti := c.tag(tag)
		switch {
		case ti.kind == "":
			ti.kind = kw
		case ti.kind != kw:
			ti.mixed = true
		}
		if kw == "enum" {
			continue
		}
		end := c.match(k)
		if end < 0 {
			ti.uncertain = true
			continue
		}
		a := agg{kind: kw, close: end, members: map[string]typ{}, known: true}
		c.members(k, end, &a)
		ti.defs = append(ti.defs, a)
	}
}

// tag returns the information on tag, created empty.
func (c *checker) tag(tag string) *tagInfo {
	ti := c.tags[tag]
	if ti == nil {
		ti = &tagInfo{}
		c.tags[tag] = ti
	}
	return ti
}

// members reads the member declarations between the braces open and
// close into a; a.known is cleared for anything it cannot read.
func (c *checker) members(open, close int, a *agg) {
	for i := open + 1; i < close; {
		end := i
		for depth := 0; end < close; end++ {
			switch c.text(end) {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			case ";":
				if depth == 0 {
					goto found
				}
			}
		}
		a.known = false // tokens after the last ';'
		return
	found:
		c.member(i, end, a)
		i = end + 1
	}
}

// member reads one member declaration [from, to) into a.
func (c *checker) member(from, to int, a *agg) {
	j := from
	for {
		j = c.skipAttrs(j)
		if c.text(j) != "__extension__" {
			break
		}
		j++
	}
	if j >= to {
		return // an empty declaration
	}
	switch c.text(j) {
	case "_Static_assert", "static_assert":
		return
	}
	sawType := false
	spec := typ{}
	qual := 0
	anon := -1
	for j < to && c.toks.Kind(j) == cpp.Ident {
		name := c.text(j)
		switch {
		case attrKw[name]:
			j = c.skipAttrs(j)
			continue
		case parenKw[name]:
			if c.text(j+1) != "(" {
				a.known = false
				return
			}
			if name != "_Alignas" && name != "__alignas" {
				sawType = true
			}
			j = c.match(j+1) + 1
			if j <= 0 {
				a.known = false
				return
			}
			continue
		case name == "struct" || name == "union" || name == "enum":
			sawType = true
			k := c.skipAttrs(j + 1)
			tag := ""
			if c.ident(k) {
				tag = c.text(k)
				k = c.skipAttrs(k + 1)
			}
			if c.text(k) == "{" {
				end := c.match(k)
				if end < 0 || end >= to {
					a.known = false
					return
				}
				if tag == "" && name != "enum" {
					anon = k
				}
				k = end + 1
			}
			if tag != "" && name != "enum" {
				spec = typ{kind: name, tag: tag}
			}
			j = k
			continue
		case typeKw[name]:
			sawType = true
		case qualKw[name]:
			qual |= qualOf(name)
		case !sawType && c.typedef(name):
			sawType = true
		default:
			goto declarators
		}
		j++
	}
declarators:
	if j >= to {
		if anon >= 0 {
			c.members(anon, c.match(anon), a)
		}
		return
	}
	if !sawType {
		a.known = false
		return
	}
	// Declarators, separated by commas outside brackets.
	for j < to {
		end := j
		for depth := 0; end < to; end++ {
			t := c.text(end)
			if t == "," && depth == 0 {
				break
			}
			switch t {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			}
		}
		name, ptr, pq, simple, ok := c.declarator(j, end)
		if !ok {
			a.known = false
			return
		}
		if name != "" {
			t := typ{}
			if simple && spec.known() {
				t = spec
				t.ptr = ptr
				t.qual = qual | pq
			}
			a.members[name] = t
		}
		j = end + 1
	}
}

// declarator reads the declarator [from, to): the declared name ("" for
// an unnamed bit-field), the number of '*' before it, the qualifiers
// before the first '*' (of the struct itself), and whether it has the
// simple form ('*'s, qualifiers and attributes around the name, then at
// most a bit-field width or attributes).
func (c *checker) declarator(from, to int) (name string, ptr, qual int, simple, ok bool) {
	simple = true
	for k := from; k < to; k++ {
		t := c.text(k)
		switch {
		case t == "*":
			ptr++
		case qualKw[t]:
			if ptr == 0 {
				qual |= qualOf(t)
			}
		case attrKw[t]:
			k = c.skipAttrs(k) - 1
		case t == "(":
			simple = false
		case t == ":":
			return "", 0, 0, false, true // an unnamed bit-field
		case c.ident(k):
			rest := c.skipAttrs(k + 1)
			if rest < to && c.text(rest) != ":" {
				simple = false
			}
			return t, ptr, qual, simple, true
		default:
			return "", 0, 0, false, false
		}
	}
	return "", 0, 0, false, false
}

// state says what is known of a tag at a use.
type state int

const (
	uncertain  state = iota // say nothing
	incomplete              // no definition before the use
	complete                // defined before the use
)

// lookup returns the definition of t's tag in force at token index at.
func (c *checker) lookup(t typ, at int) (*agg, state) {
	ti := c.tags[t.tag]
	if ti == nil {
		return nil, incomplete
	}
	if ti.uncertain || ti.mixed || ti.kind != "" && ti.kind != t.kind {
		return nil, uncertain
	}
	var def *agg
	for i := range ti.defs {
		if ti.defs[i].close < at {
			def = &ti.defs[i]
		}
	}
	if def == nil {
		return nil, incomplete
	}
	return def, complete
}

// report adds a diagnostic at token index i.
func (c *checker) report(i int, format string, args ...any) {
	c.diags = append(c.diags, Diag{Index: i, Msg: fmt.Sprintf(format, args...)})
}

// access follows a chain of '->' and '.' member accesses on an operand
// of type t, the first operator at index k, and reports the first error.
func (c *checker) access(t typ, k int) {
	for {
		op := c.text(k)
		if op == "->" && t.ptr != 1 || op == "." && t.ptr != 0 || c.toks.Kind(k+1) != cpp.Ident {
			return
		}
		a, st := c.lookup(t, k)
		switch st {
		case uncertain:
			return
		case incomplete:
			if op == "->" {
				c.report(k, "invalid use of undefined type '%s'", t.gccName())
			}
			return
		}
		m := c.text(k + 1)
		mt, ok := a.members[m]
		if !ok {
			if a.known && !closeName(m, a.members) {
				c.report(k, "'%s' has no member named '%s'", t.gccName(), m)
			}
			return
		}
		next := c.text(k + 2)
		if !mt.known() || next != "->" && next != "." {
			return
		}
		if mt.ptr == 0 {
			// A struct member of a qualified object is qualified.
			mt.qual |= t.qual
		}
		t, k = mt, k+2
	}
}

// body checks the expressions of one function body.
func (c *checker) body(b Body) {
	vars := map[string][]scope{}
	typeOf := func(k int) (typ, bool) {
		name := c.text(k)
		if p := c.text(k - 1); p == "." || p == "->" || keywords[name] || c.typedef(name) {
			return typ{}, false
		}
		sc, ok := vars[name]
		if !ok {
			sc = c.declarations(b, name)
			vars[name] = sc
		}
		return inScope(sc, k)
	}
	for k := b.Open + 1; k < b.Close; k++ {
		t := c.tok(k)
		if t.Kind != cpp.Ident {
			if t.Kind == cpp.Punct && t.Text == "(" {
				c.castAccess(k, typeOf)
			}
			continue
		}
		switch next := c.text(k + 1); {
		case t.Text == "__builtin_offsetof":
			c.offsetof(k, typeOf)
		case t.Text == "sizeof":
			c.sizeofType(k)
			if c.text(k+1) == "(" && c.text(k+2) == "*" && c.toks.Kind(k+3) == cpp.Ident && c.text(k+4) == ")" {
				if vt, ok := typeOf(k + 3); ok {
					c.sizeofDeref(vt, k+1)
				}
			}
		case next == "->" || next == "." || c.parenthesised(k):
			op := k + 1
			if next == ")" {
				op = k + 2
			}
			if vt, ok := typeOf(k); ok {
				c.access(vt, op)
			}
		case next == "[":
			// x[i].m and x[i]->m: an element of an array or pointer.
			end, n := c.match(k+1), 1
			for end > 0 && c.text(end+1) == "[" {
				end, n = c.match(end+1), n+1
			}
			if end < 0 || c.text(end+1) != "." && c.text(end+1) != "->" {
				continue
			}
			if vt, ok := typeOf(k); ok && vt.ptr >= n {
				vt.ptr -= n
				c.access(vt, end+1)
			}
		}
	}
}

// sizeofDeref checks "sizeof(*x)" with x of type t, the '(' at k: GCC's
// error for a pointer to an incomplete struct, at the '('.
func (c *checker) sizeofDeref(t typ, k int) {
	if t.ptr != 1 {
		return
	}
	t.ptr = 0
	if _, st := c.lookup(t, k); st == incomplete {
		c.report(k, "invalid application of 'sizeof' to incomplete type '%s'", t.gccName())
	}
}

// parenthesised reports whether the identifier at k is "(x)" followed by
// '->' or '.', as macros write their arguments, and not a call's only
// argument.
func (c *checker) parenthesised(k int) bool {
	if c.text(k-1) != "(" || c.text(k+1) != ")" || c.text(k+2) != "->" && c.text(k+2) != "." {
		return false
	}
	if k < 2 {
		return true
	}
	p := c.tok(k - 2)
	return p.Kind != cpp.Ident || exprKw[p.Text]
}

// scope is one declaration of a local name: its type and the range of
// token indexes where it is visible. A zero type poisons the name.
type scope struct {
	t          typ
	from, upto int
}

// inScope returns the type of the name at token index k: every
// declaration has the same type (else the list is a single zero scope),
// and one of them is visible at k.
func inScope(sc []scope, k int) (typ, bool) {
	for _, s := range sc {
		if !s.t.known() {
			return typ{}, false
		}
	}
	for _, s := range sc {
		if s.from < k && k < s.upto {
			return s.t, true
		}
	}
	return typ{}, false
}

// declarations returns the declarations of name in the function b: one
// zero scope when an occurrence could declare it in a form the reader
// does not follow, or when two declarations disagree.
func (c *checker) declarations(b Body, name string) []scope {
	from := b.Open
	paramsEnd := -1
	if b.Params >= 0 {
		from = b.Params
		paramsEnd = c.match(b.Params)
	}
	poison := []scope{{}}
	var out []scope
	for j := from; j < b.Close; j++ {
		if c.toks.Kind(j) != cpp.Ident || c.toks.Text(j) != name {
			continue
		}
		if p := c.text(j - 1); p == "." || p == "->" || !c.declLike(j) {
			continue
		}
		inParams := j < b.Open
		if inParams && (j > paramsEnd || paramsEnd < 0) {
			return poison
		}
		t, ok := c.declType(j, b, inParams)
		if !ok && !inParams && c.notDecl(j, b) {
			continue
		}
		if !ok || len(out) > 0 && out[0].t != t {
			return poison
		}
		s := scope{t: t, from: j, upto: b.Close}
		if !inParams {
			open := c.enclosingBrace(j, b.Open)
			if open < 0 {
				return poison
			}
			s.upto = c.match(open)
		}
		out = append(out, s)
	}
	return out
}

// enclosingBrace returns the index of the innermost '{' around j, no
// further out than open.
func (c *checker) enclosingBrace(j, open int) int {
	depth := 0
	for k := j - 1; k >= open; k-- {
		switch c.text(k) {
		case "}":
			depth++
		case "{":
			if depth == 0 {
				return k
			}
			depth--
		}
	}
	return -1
}

// enclosing returns the index of the innermost open bracket around j,
// -1 if none.
func (c *checker) enclosing(j int) int {
	depth := 0
	for k := j - 1; k >= 0; k-- {
		switch c.text(k) {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			if depth == 0 {
				return k
			}
			depth--
		}
	}
	return -1
}

// declLike reports whether the identifier at j could be being declared:
// a type name, '*', ')', '}' or ',' before it, and after it what may
// follow a declarator.
func (c *checker) declLike(j int) bool {
	switch c.text(j + 1) {
	case ";", "=", ",", ")", "[", ":", "__attribute__", "__attribute", "asm", "__asm__", "__asm":
	default:
		return false
	}
	p := c.tok(j - 1)
	switch p.Text {
	case ",":
		// In a call's arguments (or a prototype's parameters, whose
		// names do not outlive it) the name is not declared here.
		open := c.enclosing(j - 1)
		return open < 0 || c.text(open) != "(" || c.text(open-1) == "for"
	case "*", ")", "}":
		return true
	}
	return p.Kind == cpp.Ident && !exprKw[p.Text]
}

// declType returns the type that the occurrence of a name at j declares
// when the declaration has the form "struct S *x" at the start of a
// statement or parameter (storage class and qualifiers allowed before).
func (c *checker) declType(j int, b Body, inParams bool) (typ, bool) {
	// Array dimensions after the name: each is a level of indexing.
	n, dims := c.skipAttrs(j+1), 0
	for c.text(n) == "[" {
		end := c.match(n)
		if end < 0 {
			return typ{}, false
		}
		n, dims = c.skipAttrs(end+1), dims+1
	}
	switch nt := c.text(n); {
	case inParams && nt != "," && nt != ")":
		return typ{}, false
	case !inParams && nt != ";" && nt != "=" && nt != ",":
		return typ{}, false
	}
	k := j - 1
	ptr, qual := dims, 0
	for ; c.text(k) == "*" || qualKw[c.text(k)]; k-- {
		switch {
		case c.text(k) == "*":
			ptr++
			qual = 0 // qualifiers after a '*' are the pointer's
		default:
			qual |= qualOf(c.text(k))
		}
	}
	if c.text(k) == "," && !inParams {
		// A later declarator of a list "struct S *a = e, *x;": the type
		// is the list's.
		k = c.listStart(k)
		if k < 0 {
			return typ{}, false
		}
	}
	if !c.ident(k) {
		return typ{}, false
	}
	tag := c.text(k)
	kw := c.text(k - 1)
	if kw != "struct" && kw != "union" {
		return typ{}, false
	}
	k -= 2
	for qualKw[c.text(k)] || storageKw[c.text(k)] {
		qual |= qualOf(c.text(k))
		k--
	}
	switch p := c.text(k); {
	case inParams && (k == b.Params || p == ","):
	case !inParams && (p == ";" || p == "{" || p == "}"):
	default:
		return typ{}, false
	}
	t := typ{kind: kw, tag: tag, ptr: ptr, qual: qual}
	if dims > 0 && dims == ptr {
		// An array of structs: its elements must be complete (else GCC's
		// first error is at the declaration).
		if _, st := c.lookup(typ{kind: kw, tag: tag}, j); st != complete {
			return typ{}, false
		}
	}
	// A tag first declared in a parameter list is another type than a
	// file-scope one defined later, but as incomplete in the body: with
	// no definition before the parameters, both give GCC's "invalid use
	// of undefined type" (lookup finds no definition before the use).
	return t, true
}

// listStart returns the index of the tag of a declaration "struct S
// d1, d2, ..." in a function body whose comma at k separates two
// declarators: the statement starts after ';', '{' or '}' with storage
// classes, qualifiers, struct or union and the tag, then a declarator
// ('*' or a name). -1 when the comma is not in such a list.
func (c *checker) listStart(k int) int {
	depth := 0
	for i := k - 1; i >= 0; i-- {
		switch c.text(i) {
		case ")", "]", "}":
			if depth == 0 && c.text(i) == "}" {
				return c.listHead(i + 1)
			}
			depth++
		case "(", "[", "{":
			if depth == 0 {
				if c.text(i) == "{" {
					return c.listHead(i + 1)
				}
				return -1 // in parentheses: a call's arguments or a for
			}
			depth--
		case ";":
			if depth == 0 {
				return c.listHead(i + 1)
			}
		}
	}
	return -1
}

// listHead returns the index of the tag when the statement at i starts
// "[storage|qualifier]... struct|union tag" followed by '*' or a name,
// -1 otherwise.
func (c *checker) listHead(i int) int {
	for storageKw[c.text(i)] || qualKw[c.text(i)] {
		i++
	}
	if kw := c.text(i); (kw == "struct" || kw == "union") && c.ident(i+1) && (c.text(i+2) == "*" || c.ident(i+2)) {
		return i + 1
	}
	return -1
}

// notDecl reports whether the occurrence at j of a name in the body b,
// in a form that declLike accepts but declType does not read, surely
// declares nothing: "*x" or a cast "(T)x" after an operator, '(' of an
// expression, '{', ';' or an expression keyword (sizeof(*x), y = *x,
// return *x;, (void *)x).
func (c *checker) notDecl(j int, b Body) bool {
	k := j - 1
	stars := 0
	for ; c.text(k) == "*" || qualKw[c.text(k)]; k-- {
		if c.text(k) == "*" {
			stars++
		}
	}
	if k <= b.Open {
		return false
	}
	switch q := c.text(k); {
	case q == ")":
		// A cast (T)x or (T)*x: the '(' must open an expression.
		open := c.enclosing(k)
		return open > b.Open && c.exprBefore(open)
	case stars == 0:
		return false
	case q == "(":
		// typeof(*x): a type name has no identifier, so *x is the
		// operand expression (list_for_each_entry's typeof(*pos)).
		return c.exprBefore(k) || typeofKw[c.text(k-1)]
	default:
		return c.exprAt(k)
	}
}

// exprBefore reports whether the '(' at k surely opens an expression
// (not a declarator): what comes before it is an operator, an
// expression keyword or another such '('.
func (c *checker) exprBefore(k int) bool {
	for ; c.text(k-1) == "("; k-- {
	}
	return c.exprAt(k - 1)
}

// exprAt reports whether token k can only be followed by an expression
// (an operator other than a closing bracket, ',' or '}', or an
// expression keyword such as return or sizeof).
func (c *checker) exprAt(k int) bool {
	t := c.tok(k)
	if t.Kind == cpp.Ident {
		return exprKw[t.Text] || t.Text == "if" || t.Text == "while" || t.Text == "switch"
	}
	if t.Kind != cpp.Punct {
		return false
	}
	switch t.Text {
	case ")", "]", "}", ",":
		return false
	}
	return true
}

// typeofKw are the spellings of typeof.
var typeofKw = map[string]bool{"typeof": true, "__typeof__": true, "__typeof": true}

// typeName reads the type name at k: "struct S" (or union), or
// "typeof(*x)" / "typeof(*(x))" with x of a pointer type to a struct or
// union that typeOf knows (list_for_each_entry's typeof(*pos)). It
// returns the struct type and the index after the type name.
func (c *checker) typeName(k int, typeOf func(int) (typ, bool)) (typ, int, bool) {
	switch kw := c.text(k); {
	case (kw == "struct" || kw == "union") && c.ident(k+1):
		return typ{kind: kw, tag: c.text(k + 1)}, k + 2, true
	case typeofKw[kw] && typeOf != nil && c.text(k+1) == "(" && c.text(k+2) == "*":
		x, end := k+3, k+4
		if c.text(k+3) == "(" && c.text(k+5) == ")" {
			x, end = k+4, k+6
		}
		if !c.ident(x) || c.text(end) != ")" || c.text(x-1) != "(" && c.text(x-1) != "*" {
			return typ{}, 0, false
		}
		t, ok := typeOf(x)
		if !ok || t.ptr != 1 {
			return typ{}, 0, false
		}
		t.ptr = 0
		return t, end + 1, true
	}
	return typ{}, 0, false
}

// castAccess checks "((struct S *)e)->m" (also with typeof(*x) for the
// type) with e a single token, at the first '(' k.
func (c *checker) castAccess(k int, typeOf func(int) (typ, bool)) {
	if c.text(k+1) != "(" {
		return
	}
	t, n, ok := c.typeName(k+2, typeOf)
	if !ok || c.text(n) != "*" || c.text(n+1) != ")" || c.text(n+3) != ")" || c.text(n+4) != "->" {
		return
	}
	switch c.toks.Kind(n + 2) {
	case cpp.Ident, cpp.Number:
	default:
		return
	}
	t.ptr = 1
	c.access(t, n+4)
}

// offsetof checks "__builtin_offsetof(struct S, m)" (also with
// typeof(*x) for the type) at k.
func (c *checker) offsetof(k int, typeOf func(int) (typ, bool)) {
	if c.text(k+1) != "(" {
		return
	}
	t, n, ok := c.typeName(k+2, typeOf)
	if !ok || c.text(n) != "," || !c.ident(n+1) || c.text(n+2) != ")" {
		return
	}
	m := c.text(n + 1)
	if t.qual != 0 {
		return // GCC's name of a qualified type here is not checked
	}
	a, st := c.lookup(t, k)
	switch st {
	case incomplete:
		c.report(k, "invalid use of undefined type '%s'", t.gccName())
	case complete:
		if _, ok := a.members[m]; !ok && a.known && !closeName(m, a.members) {
			c.report(k, "'%s' has no member named '%s'", t.gccName(), m)
		}
	}
}

// sizeofType checks "sizeof(struct S)" at k.
func (c *checker) sizeofType(k int) {
	if c.text(k+1) != "(" || c.text(k+4) != ")" || c.text(k+5) == "{" {
		return
	}
	kw := c.text(k + 2)
	if kw != "struct" && kw != "union" || !c.ident(k+3) {
		return
	}
	t := typ{kind: kw, tag: c.text(k + 3)}
	if _, st := c.lookup(t, k); st == incomplete {
		c.report(k+2, "invalid application of 'sizeof' to incomplete type '%s'", t.gccName())
	}
}

// closeName reports whether GCC might suggest one of the member names
// for m ("; did you mean 'n'?"): then the error is left out, its text
// would differ. GCC 12 offers the closest candidate whose edit distance
// is within a cutoff of about a third of the longer name (spellcheck's
// cutoff); a candidate within that cutoff by a distance that ignores
// case (never more than GCC's, with or without its case costs) is
// enough to suppress, so a plain error is printed only when GCC can
// suggest nothing.
func closeName(m string, members map[string]typ) bool {
	for n := range members {
		if Distance(m, n) <= Cutoff(len(m), len(n)) {
			return true
		}
	}
	return false
}

// Cutoff is the largest edit distance at which GCC 12 considers a
// candidate of length candLen a meaningful suggestion for a goal of
// length goalLen: none for two names of at most one letter, a third of
// the longer length (at least 1) when the lengths differ by at most one,
// else a third rounded up.
func Cutoff(goalLen, candLen int) int {
	long, short := max(goalLen, candLen), min(goalLen, candLen)
	switch {
	case long <= 1:
		return 0
	case long-short <= 1:
		return max(long/3, 1)
	}
	return (long + 2) / 3
}

// Distance is the optimal string alignment distance (Levenshtein with
// transpositions of adjacent letters, each edit costing 1) between a and
// b, comparing letters without case.
func Distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lower(a[i-1]) == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// lower folds an ASCII letter to lower case.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
