package ctype

import (
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// conflictPrefix starts GCC's "conflicting types for 'f'; have 'T'".
const conflictPrefix = "conflicting types for '"

// conflicts reports "conflicting types for 'f'; have 'T'" (with " {aka
// 'A'}" when typedefs make the spellings differ) at the name of a
// file-scope declaration or definition of f in the main file whose type
// differs from that of the declarations of f before it, when the front end
// is sure: every file-scope declaration of f up to it is one that
// funcDecl reads (a single declarator, a prototype), the earlier ones
// have one type, f's first token in the unit is such a declaration (no
// implicit declaration came first), no type involved has an enum (an
// enum is compatible with its integer type) or a top-level qualifier on
// a parameter (which does not count), and the new declaration is not
// static after a non-static one (another error). Only the first conflict
// of each name is reported (GCC's view of f changes after it).
func (c *checker) conflicts(main string) {
	// Candidates: file-scope "f (" outside brackets, by name.
	cands := map[string][]int{}
	depth := 0
	n := c.toks.Len()
	for k := 0; k < n; k++ {
		switch c.toks.Text(k) {
		case "(", "[", "{":
			depth++
			continue
		case ")", "]", "}":
			depth--
			continue
		}
		if depth == 0 && c.toks.Kind(k) == cpp.Ident && c.text(k+1) == "(" && !keywords[c.toks.Text(k)] {
			cands[c.toks.Text(k)] = append(cands[c.toks.Text(k)], k)
		}
	}
	// Names with a direct declaration in the main file after another.
	want := map[string]int{}
	for name, ks := range cands {
		for _, k := range ks[1:] {
			if c.direct(k) && c.toks.Token(k).Exp.File == main {
				want[name] = -1
				break
			}
		}
	}
	if len(want) == 0 {
		return
	}
	for k := 0; k < n; k++ {
		if c.toks.Kind(k) != cpp.Ident {
			continue
		}
		if first, ok := want[c.toks.Text(k)]; ok && first < 0 {
			want[c.toks.Text(k)] = k
		}
	}
	tds := c.typedefs(n)
	for name, first := range want {
		ks := cands[name]
		if ks[0] != first {
			continue
		}
		var prev funcDecl
		prevAt := -1
		for _, k := range ks {
			d, ok := c.funcDecl(k, tds)
			if !ok || d.empty || !plainParams(d.aka) {
				break
			}
			if prevAt < 0 {
				prev, prevAt = d, k
				continue
			}
			if d.aka == prev.aka {
				prev, prevAt = d, k
				continue
			}
			if d.static && !prev.static || !c.direct(k) || c.toks.Token(k).Exp.File != main || !c.direct(prevAt) {
				break
			}
			msg := conflictPrefix + name + "'; have '" + d.typ + "'"
			if d.aka != d.typ {
				msg += " {aka '" + d.aka + "'}"
			}
			c.diags = append(c.diags, Diag{Index: k, Msg: msg})
			break
		}
	}
}

// direct reports whether token i was written in the source as it stands
// (no macro produced it).
func (c *checker) direct(i int) bool {
	t := c.toks.Token(i)
	return t.Macro == "" && t.Pos == t.Exp
}

// plainParams reports whether a resolved function type spelling (aka)
// has no enum anywhere and no parameter with a top-level qualifier (a
// qualifier in a parameter without '*').
func plainParams(aka string) bool {
	if strings.Contains(aka, "enum ") {
		return false
	}
	open := strings.IndexByte(aka, '(')
	if open < 0 {
		return false
	}
	for _, p := range strings.Split(strings.TrimSuffix(aka[open+1:], ")"), ",") {
		if !strings.Contains(p, "*") && (strings.Contains(p, "const") || strings.Contains(p, "volatile")) {
			return false
		}
	}
	return true
}

// PreviousDeclaration returns GCC's note after "conflicting types for
// 'f'" at token index i of toks (an error of Check): the index of the
// last file-scope declaration of f before i and the note's text
// ("previous declaration of 'f' with type 'T'", "previous definition
// ...", with " {aka 'A'}" when typedefs make the spellings differ); ok is
// false when i is no such error or the declaration cannot be spelled.
func PreviousDeclaration(toks Tokens, i int, msg string) (at int, note string, ok bool) {
	if !strings.HasPrefix(msg, conflictPrefix) {
		return 0, "", false
	}
	c := &checker{toks: toks}
	name := c.text(i)
	depth := 0
	at = -1
	for k := 0; k < i; k++ {
		switch c.toks.Text(k) {
		case "(", "[", "{":
			depth++
			continue
		case ")", "]", "}":
			depth--
			continue
		}
		if depth == 0 && c.toks.Text(k) == name && c.text(k+1) == "(" {
			at = k
		}
	}
	if at < 0 {
		return 0, "", false
	}
	d, ok := c.funcDecl(at, c.typedefs(at))
	if !ok {
		return 0, "", false
	}
	kind := "declaration"
	if d.def {
		kind = "definition"
	}
	note = "previous " + kind + " of '" + name + "' with type '" + d.typ + "'"
	if d.aka != d.typ {
		note += " {aka '" + d.aka + "'}"
	}
	return at, note, true
}
