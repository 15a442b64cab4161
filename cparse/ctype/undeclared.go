package ctype

import (
	"sort"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// undeclared reports "'X' undeclared (first use in this function)" for
// identifiers used in the function bodies of the main file (the file of
// the unit's last token) that no earlier token of the unit spells, so that
// nothing declared them at any scope: GCC's error at the first use in each
// function, while no other occurrence could have declared the name. Only
// occurrences that are clearly uses count: written in the file as they
// stand (no macro produced them), not a member name, label, tag,
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
						k = end
					}
				}
				continue
			}
			if seen[t.Text] {
				continue
			}
			seen[t.Text] = true
			if c.clearUse(k, true) {
				cands = append(cands, cand{k, bi})
			}
		}
	}
	if len(cands) == 0 {
		return
	}
	// The first token of the unit spelling each candidate's name.
	want := map[string]int{}
	var filter [64][256]bool
	for _, cd := range cands {
		name := c.toks.Text(cd.i)
		want[name] = -1
		if len(name) < 64 {
			filter[len(name)][name[0]] = true
		}
	}
	last := cands[len(cands)-1].i
	for j := 0; j <= last; j++ {
		t := c.tok(j)
		if t.Kind != cpp.Ident || len(t.Text) < 64 && !filter[len(t.Text)][t.Text[0]] {
			continue
		}
		if f, ok := want[t.Text]; ok && f < 0 {
			want[t.Text] = j
		}
	}
	// A name whose first spelling is a clear use is undeclared there and
	// in every later function whose first occurrence of it is a clear use
	// too, until an occurrence that could declare it. A use that a macro
	// produced in a function already reported is passed over (GCC reports
	// once per function); anywhere else it stops the search.
	for _, cd := range cands {
		name := c.toks.Text(cd.i)
		if want[name] != cd.i {
			continue
		}
		c.report(cd.i, "'%s' undeclared (first use in this function)", name)
		reported := cd.body
		for j := cd.i + 1; j < c.toks.Len(); j++ {
			if c.toks.Kind(j) != cpp.Ident || c.toks.Text(j) != name {
				continue
			}
			bi := sort.Search(len(bodies), func(n int) bool { return bodies[n].Close > j })
			if bi == len(bodies) || j <= bodies[bi].Open {
				break // outside function bodies
			}
			if bi == reported && c.clearUse(j, false) {
				continue
			}
			if bi == reported || c.toks.Token(bodies[bi].Open).Exp.File != main || !c.clearUse(j, true) {
				break
			}
			c.report(j, "'%s' undeclared (first use in this function)", name)
			reported = bi
		}
	}
}

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
		strings.HasPrefix(t.Text, "__atomic_") || strings.HasPrefix(t.Text, "__sync_") || strings.HasPrefix(t.Text, "__has_") {
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

// asmQual are the qualifiers between asm and its operands.
var asmQual = map[string]bool{
	"volatile": true, "__volatile__": true, "__volatile": true, "inline": true,
	"__inline__": true, "__inline": true, "goto": true,
}
