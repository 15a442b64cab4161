package ctype

import (
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// FuncType returns the type of the function whose definition names it at
// token index name, as GCC 12 prints it in "previous definition of 'f'
// with type '...'": the type as written with typedef names (typ, "u32(u32,
// struct S *)") and with every typedef resolved (aka: GCC adds "{aka
// '...'}" when the two differ). ok is false when the reader cannot spell
// it with certainty: a declaration it does not read (a function pointer
// parameter, typeof, a typedef of anything but a plain type, a qualifier
// after '*', an old-style definition, anything after the parameter list
// but attributes before the body).
func FuncType(toks Tokens, name int) (typ, aka string, ok bool) {
	c := &checker{toks: toks}
	if !c.ident(name) || c.text(name+1) != "(" {
		return "", "", false
	}
	start := c.declStart(name)
	if start < 0 {
		return "", "", false
	}
	d, ok := c.funcDecl(name, c.typedefs(start))
	if !ok || !d.def {
		return "", "", false
	}
	return d.typ, d.aka, true
}

// funcDecl is a file-scope declaration or definition of a function read
// by (*checker).funcDecl.
type funcDecl struct {
	typ, aka string // GCC's spellings of its type, as FuncType
	def      bool   // a definition (a body follows)
	static   bool   // storage class static
	empty    bool   // an empty parameter list "()" (no prototype)
}

// funcDecl reads the declaration whose only declarator names a function
// at token index name, with the typedefs tds: a definition (the
// parameter list followed by attributes and '{') or a prototype (followed
// by attributes and ';'); ok is false for any other form, and where
// FuncType could not spell the type.
func (c *checker) funcDecl(name int, tds map[string]string) (funcDecl, bool) {
	start := c.declStart(name)
	if start < 0 || !c.ident(name) || c.text(name+1) != "(" {
		return funcDecl{}, false
	}
	ret, next, ok := c.specs(start, name, tds, true)
	if !ok {
		return funcDecl{}, false
	}
	ptr, k, ok := c.stars(next)
	if !ok || k != name {
		return funcDecl{}, false
	}
	close := c.match(name + 1)
	if close < 0 {
		return funcDecl{}, false
	}
	var d funcDecl
	switch c.text(c.skipAttrs(close + 1)) {
	case "{":
		d.def = true
	case ";":
	default:
		return funcDecl{}, false
	}
	params, pAka, ok := c.params(name+1, close, tds)
	if !ok {
		return funcDecl{}, false
	}
	for i := start; i < name; i++ {
		if c.text(i) == "static" {
			d.static = true
		}
	}
	d.empty = close == name+2
	retT, retA := ret.spell(ptr)
	d.typ, d.aka = retT+"("+params+")", retA+"("+pAka+")"
	return d, true
}

// spec is a type specifier as GCC spells it, with typedef names (as) and
// resolved (aka).
type spec struct{ as, aka string }

// spell returns the spellings of the spec with ptr levels of '*'.
func (s spec) spell(ptr int) (string, string) {
	if ptr == 0 {
		return s.as, s.aka
	}
	stars := " " + strings.Repeat("*", ptr)
	return s.as + stars, s.aka + stars
}

// declStart returns the index of the first token of the external
// declaration holding index i: after the last ';' or '}' at file scope
// before it (brackets skipped backwards), or 0.
func (c *checker) declStart(i int) int {
	depth := 0
	for k := i - 1; k >= 0; k-- {
		switch c.text(k) {
		case ")", "]":
			depth++
		case "(", "[":
			depth--
			if depth < 0 {
				return -1
			}
		case ";", "}":
			if depth == 0 {
				return k + 1
			}
		case "{":
			if depth == 0 {
				return -1
			}
		}
	}
	return 0
}

// typedefs returns GCC's spelling of the plain typedefs ("typedef
// unsigned int __u32;", "typedef __u32 u32;") declared at file scope
// before index end; a typedef of any other form maps to "" (unknown).
func (c *checker) typedefs(end int) map[string]string {
	out := map[string]string{}
	depth := 0
	for k := 0; k < end; k++ {
		switch t := c.text(k); t {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case "typedef":
			if depth != 0 {
				continue
			}
			s, next, ok := c.specs(k+1, end, out, false)
			name := ""
			if c.ident(next) && c.text(next+1) == ";" {
				name = c.text(next)
			} else if c.ident(next) {
				name = c.text(next) // a declarator the reader does not follow
				ok = false
			}
			if name == "" {
				continue
			}
			switch {
			case !ok || s.as == "":
				out[name] = ""
			default:
				out[name] = s.aka
			}
		}
	}
	return out
}

// specs reads declaration specifiers from i (storage classes, inline,
// attributes and qualifiers, type keywords, struct/union/enum tags
// without a body, one typedef name) up to at most end, and returns GCC's
// spelling of the type and the index after them.
func (c *checker) specs(i, end int, tds map[string]string, storage bool) (spec, int, bool) {
	var n struct{ signed, unsigned, short, long, int, char, boolean, void, float, double int }
	quals := 0
	tag, tdName, tdAka := "", "", ""
	for ; i < end; i++ {
		t := c.text(i)
		if attrKw[t] {
			i = c.skipAttrs(i) - 1
			continue
		}
		switch t {
		case "static", "extern", "inline", "__inline", "__inline__", "register", "auto", "_Noreturn", "__extension__":
			if !storage && t != "register" && t != "__extension__" {
				return spec{}, i, false
			}
			continue
		case "const", "__const", "__const__":
			quals |= qConst
			continue
		case "volatile", "__volatile", "__volatile__":
			quals |= qVolatile
			continue
		case "signed", "__signed", "__signed__":
			n.signed++
			continue
		case "unsigned":
			n.unsigned++
			continue
		case "short":
			n.short++
			continue
		case "long":
			n.long++
			continue
		case "int":
			n.int++
			continue
		case "char":
			n.char++
			continue
		case "_Bool":
			n.boolean++
			continue
		case "void":
			n.void++
			continue
		case "float":
			n.float++
			continue
		case "double":
			n.double++
			continue
		case "struct", "union", "enum":
			if tag != "" || !c.ident(i+1) {
				return spec{}, i, false
			}
			k := c.skipAttrs(i + 2)
			if c.text(k) == "{" {
				return spec{}, i, false
			}
			tag = t + " " + c.text(i+1)
			i = k - 1
			continue
		}
		if c.toks.Kind(i) != cpp.Ident {
			break
		}
		if keywords[t] {
			// Another keyword (typeof, restrict, _Atomic, __thread,
			// ...): not spelled here.
			return spec{}, i, false
		}
		base := n.signed + n.unsigned + n.short + n.long + n.int + n.char + n.boolean + n.void + n.float + n.double
		if a, isTD := tds[t]; isTD && tdName == "" && tag == "" && base == 0 {
			if a == "" {
				return spec{}, i, false
			}
			tdName, tdAka = t, a
			continue
		}
		break
	}
	q := ""
	if quals&qConst != 0 {
		q = "const "
	}
	if quals&qVolatile != 0 {
		q += "volatile "
	}
	base := ""
	kinds := 0
	for _, v := range []int{n.char, n.boolean, n.void, n.float, n.double} {
		if v > 0 {
			kinds++
		}
	}
	if tag != "" {
		kinds++
	}
	if tdName != "" {
		kinds++
	}
	sign := n.signed + n.unsigned
	switch {
	case kinds > 1 || n.signed > 1 || n.unsigned > 1 || n.signed > 0 && n.unsigned > 0 || n.short > 1 || n.long > 2 || n.int > 1:
		return spec{}, i, false
	case tdName != "" || tag != "":
		if sign+n.short+n.long+n.int > 0 {
			return spec{}, i, false
		}
		if tag != "" {
			return spec{q + tag, q + tag}, i, true
		}
		return spec{q + tdName, q + tdAka}, i, true
	case n.void+n.boolean+n.float > 0:
		if sign+n.short+n.long+n.int > 0 || n.void+n.boolean+n.float > 1 {
			return spec{}, i, false
		}
		switch {
		case n.void > 0:
			base = "void"
		case n.boolean > 0:
			base = "_Bool"
		default:
			base = "float"
		}
	case n.double > 0:
		if sign+n.short+n.int > 0 || n.long > 1 {
			return spec{}, i, false
		}
		base = "double"
		if n.long == 1 {
			base = "long double"
		}
	case n.char > 0:
		if n.short+n.long+n.int > 0 {
			return spec{}, i, false
		}
		switch {
		case n.unsigned > 0:
			base = "unsigned char"
		case n.signed > 0:
			base = "signed char"
		default:
			base = "char"
		}
	case n.short > 0 && n.long > 0:
		return spec{}, i, false
	case n.short > 0:
		base = "short int"
		if n.unsigned > 0 {
			base = "short unsigned int"
		}
	case n.long > 0:
		base = strings.Repeat("long ", n.long) + "int"
		if n.unsigned > 0 {
			base = strings.Repeat("long ", n.long) + "unsigned int"
		}
	case sign+n.int > 0:
		base = "int"
		if n.unsigned > 0 {
			base = "unsigned int"
		}
	default:
		return spec{}, i, false // no type (implicit int)
	}
	return spec{q + base, q + base}, i, true
}

// stars reads the '*'s of a declarator from i (attributes allowed,
// qualifiers after a '*' not) and returns their number and the index
// after them.
func (c *checker) stars(i int) (int, int, bool) {
	n := 0
	for {
		i = c.skipAttrs(i)
		switch t := c.text(i); {
		case t == "*":
			n++
			i++
		case qualKw[t]:
			return 0, i, false
		default:
			return n, i, true
		}
	}
}

// params spells the parameter list between the parentheses open and
// close: "int,  int", "struct S *, int", "void", "int, ...", "" for ().
func (c *checker) params(open, close int, tds map[string]string) (string, string, bool) {
	if close == open+1 {
		return "", "", true
	}
	var as, aka strings.Builder
	sep := func(prev string) string {
		if prev == "" {
			return ""
		}
		if last := prev[len(prev)-1]; last == '*' {
			return ", "
		}
		return ",  "
	}
	prevAs, prevAka := "", ""
	for i := open + 1; i < close; {
		end := i
		for depth := 0; end < close; end++ {
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
		if c.text(i) == "..." && end == i+1 {
			if prevAs == "" {
				return "", "", false
			}
			as.WriteString(", ...")
			aka.WriteString(", ...")
			i = end + 1
			continue
		}
		s, next, ok := c.specs(i, end, tds, false)
		if !ok {
			return "", "", false
		}
		ptr, k, ok := c.stars(next)
		if !ok {
			return "", "", false
		}
		if c.ident(k) {
			k = c.skipAttrs(k + 1)
		}
		for c.text(k) == "[" {
			e := c.match(k)
			if e < 0 || e >= end {
				return "", "", false
			}
			ptr++
			k = c.skipAttrs(e + 1)
		}
		if k != end {
			return "", "", false // a function pointer, or a form not read
		}
		if s.as == "void" && ptr == 0 && (prevAs != "" || end != close) {
			return "", "", false
		}
		pa, pk := s.spell(ptr)
		as.WriteString(sep(prevAs) + pa)
		aka.WriteString(sep(prevAka) + pk)
		prevAs, prevAka = pa, pk
		i = end + 1
	}
	return as.String(), aka.String(), true
}
