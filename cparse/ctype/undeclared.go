package ctype

import (
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// undeclared reports "'X' undeclared (first use in this function)" for
// identifiers used in the function bodies of the main file (the file of
// the unit's last token) where nothing could have declared them: no
// earlier occurrence in the function (parameters included), and none
// outside function bodies that could declare at file scope (see
// declSites: parameter lists, member lists, initializers and keyword
// operands declare nothing visible); GCC's error at the first use in
// each function. Only
// occurrences that are clearly uses count: written in the file as they
// stand, or carried by a macro's argument or a macro defined in the file
// with their own spelling (see carried; GCC then adds the macro
// expansion notes), not a member name, label, tag,
// designator, attribute or asm operand, not called (that is an implicit
// declaration), not followed by ':' and not where a declaration could
// declare them. GCC's spelling suggestion is not reproduced: the message
// is printed without it.
func (c *checker) undeclared(bodies []Body) {
	if c.toks.Len() == 0 {
		return
	}
	main := c.toks.Token(c.toks.Len() - 1).Exp.File
	// Candidates: clear uses in the main file's bodies, by body.
	type cand struct{ i, body int }
	var cands []cand
	for bi, b := range bodies {
		if c.toks.Token(b.Open).Exp.File != main {
			continue
		}
		// Names spelled earlier in the function (its parameters, its
		// locals) are not their unit's first spelling: a cheap filter
		// before the pass over the unit.
		seen := map[string]bool{}
		from := b.Open
		if b.Params >= 0 {
			from = b.Params
		}
		for k := from; k < b.Open; k++ {
			if c.toks.Kind(k) == cpp.Ident {
				seen[c.toks.Text(k)] = true
			}
		}
		for k := b.Open + 1; k < b.Close; k++ {
			t := c.tok(k)
			if t.Kind != cpp.Ident {
				continue
			}
			if attrKw[t.Text] || t.Text == "__builtin_offsetof" || t.Text == "_Generic" {
				// Attributes, asm statements (with their qualifiers)
				// and operands, offsetof's member designator.
				j := k + 1
				for asmQual[c.text(j)] {
					j++
				}
				if c.text(j) == "(" {
					if end := c.match(j); end > 0 {
						k = end
					}
				}
				continue
			}
			if t.Text == "enum" {
				// A local enum's enumerators are declared here.
				j := c.skipAttrs(k + 1)
				if c.ident(j) {
					j = c.skipAttrs(j + 1)
				}
				if c.text(j) == "{" {
					if end := c.match(j); end > 0 {
						for ; j < end; j++ {
							if c.toks.Kind(j) == cpp.Ident {
								seen[c.toks.Text(j)] = true
							}
						}
						k = end
					}
				}
				continue
			}
			if seen[t.Text] {
				continue
			}
			seen[t.Text] = true
			if c.carried(k, main) && c.clearUse(k, false) {
				cands = append(cands, cand{k, bi})
			}
		}
	}
	// File-scope candidates: clear uses in initializers of the main
	// file's file-scope declarations (body -1).
	last := -1
	if len(cands) > 0 {
		last = cands[len(cands)-1].i
	}
	for _, i := range c.inits {
		cands = append(cands, cand{i, -1})
		last = max(last, i)
	}
	if len(cands) == 0 {
		return
	}
	// The first place in the unit where each candidate's name could be
	// declared visibly in the functions: file scope outside the bodies,
	// but not struct and union member lists and parameter lists.
	want := map[string]int{}
	var filter [64][256]bool
	for _, cd := range cands {
		name := c.toks.Text(cd.i)
		want[name] = -1
		if len(name) < 64 {
			filter[len(name)][name[0]] = true
		}
	}
	c.declSites(bodies, last+1, func(j int) {
		t := c.toks.Text(j)
		if len(t) < 64 && !filter[len(t)][t[0]] {
			return
		}
		if f, ok := want[t]; ok && f < 0 {
			want[t] = j
		}
	})
	// A candidate is the first occurrence of its name in its function
	// (parameters included), a clear use: undeclared when no file-scope
	// declaration site precedes it. GCC reports it once per function.
	// A file-scope use is reported when it is the name's first site (GCC
	// then declares the name at file scope: no later use is reported,
	// in a function either).
	for _, cd := range cands {
		f := want[c.toks.Text(cd.i)]
		switch {
		case cd.body < 0 && (f < 0 || f >= cd.i):
			c.report(cd.i, "'%s' undeclared here (not in a function)", c.toks.Text(cd.i))
		case cd.body >= 0 && (f < 0 || f > cd.i):
			c.report(cd.i, "'%s' undeclared (first use in this function)", c.toks.Text(cd.i))
		}
	}
}

// declSites calls site for every identifier before token index last, outside
// the function bodies, that could declare an ordinary identifier visible
// in a later function: not inside a parameter list (prototype scope), the
// operand of an attribute, sizeof or a similar keyword, or the braces of a
// struct or union member list or an initializer (enumerator lists count:
// they declare at file scope). Where the kind of a bracket is not clear,
// its identifiers count.
func (c *checker) declSites(bodies []Body, last int, site func(int)) {
	// quiet[d] says whether the bracket at depth d (and so everything in
	// it) declares nothing visible; enum marks the innermost brace of an
	// enumerator list, which counts even inside a member list.
	type frame struct{ quiet, brace bool }
	var stack []frame
	quiet := func() bool {
		// The innermost brace decides, unless a parameter list or an
		// operand is around it.
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].quiet && !stack[i].brace {
				return true
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].brace {
				return stack[i].quiet
			}
		}
		return false
	}
	bi := 0
	for j := 0; j < last; j++ {
		for bi < len(bodies) && bodies[bi].Close < j {
			bi++
		}
		if bi < len(bodies) && bodies[bi].Open == j {
			j = bodies[bi].Close
			continue
		}
		t := c.tok(j)
		switch t.Kind {
		case cpp.Ident:
			if !keywords[t.Text] && !quiet() {
				// Not a member designator or a tag.
				switch c.text(j - 1) {
				case ".", "->", "struct", "union", "enum":
				default:
					site(j)
				}
			}
		case cpp.Punct:
			switch t.Text {
			case "(":
				stack = append(stack, frame{quiet: c.paramList(j)})
			case "[":
				stack = append(stack, frame{})
			case "{":
				stack = append(stack, frame{quiet: c.memberList(j), brace: true})
			case ")", "]", "}":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
		}
	}
}

// paramList reports whether the '(' at j, outside function bodies, surely
// opens a parameter list or the operand of a keyword (attribute, sizeof,
// typeof, _Static_assert, asm), not a parenthesised declarator.
func (c *checker) paramList(j int) bool {
	if j == 0 {
		return false
	}
	p := c.tok(j - 1)
	switch {
	case p.Text == ")" || p.Text == "]":
		return true // (*fp)(int x), (*a[2])(int x)
	case p.Kind != cpp.Ident:
		return false
	case keywords[p.Text]:
		return !typeKw[p.Text] && !qualKw[p.Text] && !storageKw[p.Text] && !tagKw(p.Text)
	}
	// A name before '(' is a declarator's (a function's) unless it is a
	// type: a typedef name, or a tag.
	return !c.typedef(p.Text) && !tagKw(c.text(j-2))
}

// memberList reports whether the '{' at j, outside function bodies,
// surely opens a struct or union member list, not an enumerator list or
// an initializer (where a use of an undeclared name binds it at file
// scope for GCC, which reports no later use).
func (c *checker) memberList(j int) bool {
	p := c.text(j - 1)
	switch {
	case p == "struct" || p == "union":
		return true
	case c.ident(j - 1):
		k := c.text(j - 2)
		return k == "struct" || k == "union"
	}
	return false
}

// tagKw reports whether s is struct, union or enum.
func tagKw(s string) bool { return s == "struct" || s == "union" || s == "enum" }

// clearUse reports whether the identifier at k is surely a use of an
// ordinary identifier (see undeclared); direct: written in the file as it
// stands, no macro produced it.
func (c *checker) clearUse(k int, direct bool) bool {
	t := c.tok(k)
	if direct {
		if full := c.toks.Token(k); full.Macro != "" || full.Pos != full.Exp {
			return false
		}
	}
	if keywords[t.Text] || strings.HasPrefix(t.Text, "__builtin_") ||
		t.Text == "__int128_t" || t.Text == "__uint128_t" || strings.HasPrefix(t.Text, "__atomic_") || strings.HasPrefix(t.Text, "__sync_") || strings.HasPrefix(t.Text, "__has_") {
		return false
	}
	switch c.text(k - 1) {
	case ".", "->", "goto", "struct", "union", "enum", "&&", "__label__":
		return false
	}
	switch c.text(k + 1) {
	case "(", ":":
		return false
	}
	return !c.declLike(k)
}

// spelled is implemented by token streams that know whether a token's
// text is written at its spelling position (cpp.Stream).
type spelled interface{ Spelled(i int) bool }

// carried reports whether the identifier at k is written in the main
// file as it stands: directly, or in a macro's argument or a macro's
// definition in the file, with its own spelling (not made by ##). GCC
// reports an error at such a token at its place in the file, followed by
// the macro expansion notes. A stream that cannot tell (a []cpp.Token)
// gives only the tokens no macro produced.
func (c *checker) carried(k int, main string) bool {
	full := c.toks.Token(k)
	if full.Macro == "" && full.Pos == full.Exp {
		return true
	}
	sp, ok := c.toks.(spelled)
	return ok && full.Pos.File == main && sp.Spelled(k)
}

// asmQual are the qualifiers between asm and its operands.
var asmQual = map[string]bool{
	"volatile": true, "__volatile__": true, "__volatile": true, "inline": true,
	"__inline__": true, "__inline": true, "goto": true,
}
