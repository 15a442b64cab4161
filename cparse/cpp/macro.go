package cpp

import (
	"sort"
	"strconv"
	"strings"
)

// kindPlacemarker is the internal placemarker of C11 6.10.3.3.
const kindPlacemarker Kind = kindHeader + 1

// hideset is an interned, sorted set of macro names (Prosser's algorithm).
type hideset struct {
	names []string
}

type hsPair struct{ a, b *hideset }

type hsAddKey struct {
	a    *hideset
	name string
}

// hsTable interns hide sets and caches their operations.
type hsTable struct {
	byKey map[string]*hideset
	add   map[hsAddKey]*hideset
	union map[hsPair]*hideset
	inter map[hsPair]*hideset
}

func (h *hsTable) init() {
	h.byKey = map[string]*hideset{}
	h.add = map[hsAddKey]*hideset{}
	h.union = map[hsPair]*hideset{}
	h.inter = map[hsPair]*hideset{}
}

func (h *hsTable) intern(names []string) *hideset {
	if len(names) == 0 {
		return nil
	}
	key := strings.Join(names, "\x00")
	if s, ok := h.byKey[key]; ok {
		return s
	}
	s := &hideset{names: names}
	h.byKey[key] = s
	return s
}

func (s *hideset) has(name string) bool {
	if s == nil {
		return false
	}
	i := sort.SearchStrings(s.names, name)
	return i < len(s.names) && s.names[i] == name
}

// with returns s ∪ {name}.
func (h *hsTable) with(s *hideset, name string) *hideset {
	k := hsAddKey{s, name}
	if r, ok := h.add[k]; ok {
		return r
	}
	var names []string
	if s == nil {
		names = []string{name}
	} else if s.has(name) {
		h.add[k] = s
		return s
	} else {
		names = make([]string, 0, len(s.names)+1)
		names = append(names, s.names...)
		names = append(names, name)
		sort.Strings(names)
	}
	r := h.intern(names)
	h.add[k] = r
	return r
}

// unite returns a ∪ b.
func (h *hsTable) unite(a, b *hideset) *hideset {
	if a == nil || a == b {
		return b
	}
	if b == nil {
		return a
	}
	k := hsPair{a, b}
	if r, ok := h.union[k]; ok {
		return r
	}
	names := make([]string, 0, len(a.names)+len(b.names))
	names = append(names, a.names...)
	for _, n := range b.names {
		if !a.has(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	r := h.intern(names)
	h.union[k] = r
	return r
}

// intersect returns a ∩ b.
func (h *hsTable) intersect(a, b *hideset) *hideset {
	if a == nil || b == nil {
		return nil
	}
	if a == b {
		return a
	}
	k := hsPair{a, b}
	if r, ok := h.inter[k]; ok {
		return r
	}
	var names []string
	for _, n := range a.names {
		if b.has(n) {
			names = append(names, n)
		}
	}
	r := h.intern(names)
	h.inter[k] = r
	return r
}

// expandNext returns the next fully macro-expanded token.
func (p *pp) expandNext() ptok {
	for {
		t := p.next()
		if t.Kind != Ident || t.f&flagNoExpand != 0 {
			return t
		}
		if t.Text == "_Pragma" && !p.inDir {
			p.pragmaOperator(t)
			continue
		}
		if !p.mayBeMacro.has(t.Text) {
			return t
		}
		m := p.macros[t.Text]
		if m == nil {
			return t
		}
		if t.hs.has(t.Text) {
			t.f |= flagNoExpand
			return t
		}
		if !p.expandMacro(t, m) {
			return t
		}
	}
}

// pragmaOperator carries out _Pragma ( string-literal ).
func (p *pp) pragmaOperator(t ptok) {
	lp := p.expandNext()
	s := p.expandNext()
	rp := p.expandNext()
	for _, b := range []*ptok{&lp, &s, &rp} {
		if b == &lp && lp.Text == "(" || b == &s && s.Kind == String || b == &rp && rp.Text == ")" {
			continue
		}
		at := b.Pos
		if b.Kind == EOF {
			at = p.last
		}
		p.fail(at, false, "_Pragma takes a parenthesized string literal")
	}
	text := s.Text
	if text[0] != '"' {
		text = text[strings.IndexByte(text, '"'):]
	}
	body := unquote(text)
	ftoks, spliced, err := lexFile(p.names[t.Pos.file], body)
	if err != nil {
		p.fail(t.Pos, false, "%s", err.Msg)
	}
	cf := &cachedFile{src: body, spliced: spliced, toks: ftoks, id: t.Pos.file}
	toks := make([]ptok, len(ftoks))
	for i := range toks {
		toks[i] = cf.tok(i)
	}
	p.doPragma(t.Pos, toks)
}

// origin returns the expansion location and macro name that tokens made
// by expanding t's macro carry.
func (p *pp) origin(t *ptok, m *macro) (lpos, uint32) {
	if t.macro == 0 {
		if m.id == 0 {
			m.id = p.macroID(t.Text)
		}
		return t.Pos, m.id
	}
	return t.Exp, t.macro
}

// withSelf returns hs ∪ {name} for the macro m named name.
func (p *pp) withSelf(hs *hideset, m *macro, name string) *hideset {
	if hs == nil {
		if m.self == nil {
			m.self = p.hs.with(nil, name)
		}
		return m.self
	}
	return p.hs.with(hs, name)
}

// expandMacro expands the macro named by t, pushing the result. It
// reports false when t is a function-like macro's name not followed by
// '(' (t is then an ordinary identifier).
func (p *pp) expandMacro(t ptok, m *macro) bool {
	if m.builtin != bNone {
		return p.expandBuiltin(t, m)
	}
	if !m.pub.FnLike {
		hs := p.withSelf(t.hs, m, t.Text)
		out := p.subst(m, t, nil, t, hs, false)
		p.push(out)
		p.putBuf(out)
		return true
	}
	nt := p.next()
	if nt.Kind != Punct || nt.Text != "(" {
		p.unread(nt)
		return false
	}
	mark := len(p.slab)
	args, absent, rparen := p.collectArgs(t, m)
	hs := p.withSelf(p.hs.intersect(t.hs, rparen.hs), m, t.Text)
	out := p.subst(m, t, args, rparen, hs, absent)
	p.push(out)
	p.putBuf(out)
	clear(p.slab[mark:])
	p.slab = p.slab[:mark]
	return true
}

// collectArgs reads the arguments of a function-like macro invocation
// after its '('. absent reports that the variadic argument was left out.
func (p *pp) collectArgs(name ptok, m *macro) ([][]ptok, bool, ptok) {
	nparams := len(m.pub.Params)
	args := make([][]ptok, 1, nparams+1)
	// The arguments' tokens go on the slab; starts[i] is where argument
	// i begins.
	starts := make([]int, 1, nparams+1)
	starts[0] = len(p.slab)
	depth := 0
	var rparen ptok
	for {
		t := p.next()
		if t.Kind == EOF {
			if !p.isolated && !p.inDir {
				p.unread(t)
			}
			p.fail(p.last, false, `unterminated argument list invoking macro "%s"`, name.Text)
		}
		p.work++
		if p.work > p.maxWork {
			p.fail(name.Pos, false, "macro expansion of \"%s\" exceeds the work limit of %d tokens", name.Text, p.maxWork)
		}
		if t.Kind == Punct {
			switch t.Text {
			case "(":
				depth++
			case ")":
				if depth == 0 {
					rparen = t
					goto done
				}
				depth--
			case ",":
				if depth == 0 && (!m.pub.Variadic || len(args) != nparams) {
					args = append(args, nil)
					starts = append(starts, len(p.slab))
					continue
				}
			}
		}
		if t.f&flagBOL != 0 {
			t.f = t.f&^flagBOL | flagSpace
		}
		p.slab = append(p.slab, t)
	}
done:
	for i := range args {
		end := len(p.slab)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		if starts[i] < end {
			args[i] = p.slab[starts[i]:end:end]
		}
	}
	absent := false
	switch {
	case nparams == 0:
		if len(args) == 1 && len(args[0]) == 0 {
			return nil, false, rparen
		}
		p.fail(p.last, false, `macro "%s" passed %d arguments, but takes just 0`, name.Text, len(args))
	case len(args) < nparams:
		if m.pub.Variadic && len(args) == nparams-1 {
			args = append(args, nil)
			absent = true
			break
		}
		p.fail(p.last, false, `macro "%s" requires %d arguments, but only %d given`, name.Text, nparams, len(args))
	case len(args) > nparams:
		p.fail(p.last, false, `macro "%s" passed %d arguments, but takes just %d`, name.Text, len(args), nparams)
	}
	if m.pub.Variadic && nparams == 1 && len(args[0]) == 0 {
		absent = true
	}
	return args, absent, rparen
}

// expandArg fully macro-expands an argument in isolation.
func (p *pp) expandArg(arg []ptok) ([]ptok, bool) {
	if len(arg) == 0 {
		return nil, false
	}
	// Nothing to expand: no identifier that names a macro.
	plain := true
	for i := range arg {
		if arg[i].Kind == Ident && arg[i].f&flagNoExpand == 0 {
			if !p.mayBeMacro.has(arg[i].Text) && arg[i].Text != "_Pragma" {
				continue
			}
			if _, ok := p.macros[arg[i].Text]; ok || arg[i].Text == "_Pragma" {
				plain = false
				break
			}
		}
	}
	if plain {
		return arg, false
	}
	savedBase, savedIso := p.pendBase, p.isolated
	p.pendBase = len(p.pending)
	p.isolated = true
	p.push(arg)
	out := p.getBuf()
	for {
		t := p.expandNext()
		if t.Kind == EOF {
			break
		}
		out = append(out, t)
	}
	p.pending = p.pending[:p.pendBase]
	p.pendBase, p.isolated = savedBase, savedIso
	return out, true
}

// subst builds a macro's replacement (C11 6.10.3.1-3), with every token's
// hide set extended by hs.
func (p *pp) subst(m *macro, name ptok, args [][]ptok, rparen ptok, hs *hideset, absent bool) []ptok {
	var borrowed [][]ptok
	s := substState{p: p, m: m, args: args, rparen: rparen, absent: absent, borrowed: &borrowed}
	if args != nil {
		s.expanded = make([][]ptok, len(args))
		s.done = make([]bool, len(args))
	}
	s.out = p.getBuf()
	s.run(0, len(m.body))
	for _, b := range borrowed {
		p.putBuf(b)
	}
	exp, mac := p.origin(&name, m)
	out := s.out[:0]
	first := true
	for _, t := range s.out {
		if t.Kind == kindPlacemarker {
			continue
		}
		t.hs = p.hs.unite(t.hs, hs)
		t.Exp = exp
		t.macro = mac
		if first {
			t.f = t.f&^(flagSpace|flagBOL) | name.f&(flagSpace|flagBOL)
			first = false
		} else {
			t.f &^= flagBOL
		}
		out = append(out, t)
	}
	p.work += len(out)
	if p.work > p.maxWork {
		p.fail(name.Pos, false, "macro expansion of \"%s\" exceeds the work limit of %d tokens", name.Text, p.maxWork)
	}
	return out
}

type substState struct {
	p        *pp
	m        *macro
	args     [][]ptok
	expanded [][]ptok
	done     []bool
	rparen   ptok
	absent   bool
	out      []ptok
	borrowed *[][]ptok // buffers to give back when the substitution is done
}

func (s *substState) exp(i int) []ptok {
	if !s.done[i] {
		var own bool
		s.expanded[i], own = s.p.expandArg(s.args[i])
		if own {
			*s.borrowed = append(*s.borrowed, s.expanded[i])
		}
		s.done[i] = true
	}
	return s.expanded[i]
}

func isPaste(t *ptok) bool {
	return t.Kind == Punct && (t.Text == "##" || t.Text == "%:%:")
}

func isHash(t *ptok) bool {
	return t.Kind == Punct && (t.Text == "#" || t.Text == "%:")
}

// vaOptEnd returns the index of the ')' closing __VA_OPT__ at body[i].
func (s *substState) vaOptEnd(i, hi int) int {
	body := s.m.body
	if i+1 >= hi || body[i+1].Text != "(" {
		s.p.fail(body[i].Pos, false, "__VA_OPT__ must be followed by an open parenthesis")
	}
	depth := 0
	for k := i + 1; k < hi; k++ {
		switch body[k].Text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	s.p.fail(body[i].Pos, false, "unterminated __VA_OPT__")
	return 0
}

func (s *substState) isVaOpt(i int) bool {
	return s.m.pub.Variadic && s.m.body[i].Kind == Ident && s.m.body[i].Text == "__VA_OPT__"
}

// vaOptOn reports whether __VA_OPT__ keeps its content: the variadic
// argument has tokens once expanded (GCC 12).
func (s *substState) vaOptOn() bool {
	return len(s.exp(s.m.vaIdx)) > 0
}

// operand returns the tokens of the operand at body[i] for ## or #: the
// raw argument for a parameter, the content for __VA_OPT__, the token
// itself otherwise; next is the index after it.
func (s *substState) operand(i, hi int) (toks []ptok, next int) {
	body := s.m.body
	if pi := s.m.param[i]; pi >= 0 {
		return s.args[pi], i + 1
	}
	if s.isVaOpt(i) {
		end := s.vaOptEnd(i, hi)
		if !s.vaOptOn() {
			return nil, end + 1
		}
		sub := substState{p: s.p, m: s.m, args: s.args, expanded: s.expanded, done: s.done, rparen: s.rparen, absent: s.absent, borrowed: s.borrowed}
		sub.run(i+2, end)
		return sub.out, end + 1
	}
	return body[i : i+1], i + 1
}

// run substitutes body[lo:hi] into s.out.
func (s *substState) run(lo, hi int) {
	body := s.m.body
	for i := lo; i < hi; {
		bt := &body[i]
		// # param
		if s.m.pub.FnLike && isHash(bt) && i+1 < hi && s.m.param[i+1] >= 0 {
			str := stringize(s.args[s.m.param[i+1]])
			t := ptok{Kind: String, Text: str, Pos: s.rparen.Pos, f: bt.f & flagSpace}
			s.out = append(s.out, t)
			i += 2
			continue
		}
		// # __VA_OPT__ ( ... ) (C2x, GCC 12)
		if isHash(bt) && i+1 < hi && s.isVaOpt(i+1) {
			toks, nextI := s.operand(i+1, hi)
			t := ptok{Kind: String, Text: stringize(toks), Pos: s.rparen.Pos, f: bt.f & flagSpace}
			s.out = append(s.out, t)
			i = nextI
			continue
		}
		// ## operand
		if isPaste(bt) && i+1 < hi {
			rhsIdx := i + 1
			// GNU comma elision: , ## __VA_ARGS__
			if pi := s.m.param[rhsIdx]; pi >= 0 && pi == s.m.vaIdx && len(s.out) > 0 &&
				s.out[len(s.out)-1].Kind == Punct && s.out[len(s.out)-1].Text == "," {
				if s.absent {
					s.out = s.out[:len(s.out)-1]
				} else {
					s.out = append(s.out, s.args[pi]...)
				}
				i = rhsIdx + 1
				continue
			}
			rhs, nextI := s.operand(rhsIdx, hi)
			i = nextI
			if len(rhs) == 0 {
				continue // placemarker on the right: the left stays
			}
			if len(s.out) == 0 || s.out[len(s.out)-1].Kind == kindPlacemarker {
				if len(s.out) > 0 {
					s.out = s.out[:len(s.out)-1]
				}
				s.appendOperand(rhs, body[rhsIdx].f&flagSpace)
				continue
			}
			lhs := &s.out[len(s.out)-1]
			s.paste(lhs, &rhs[0])
			s.out = append(s.out, rhs[1:]...)
			continue
		}
		followedByPaste := i+1 < hi && isPaste(&body[i+1])
		// parameter
		if pi := s.m.param[i]; pi >= 0 {
			var toks []ptok
			if followedByPaste {
				toks = s.args[pi]
			} else {
				toks = s.exp(pi)
			}
			if len(toks) == 0 {
				if followedByPaste {
					s.out = append(s.out, ptok{Kind: kindPlacemarker})
				}
			} else {
				s.appendOperand(toks, bt.f&flagSpace)
			}
			i++
			continue
		}
		// __VA_OPT__ ( ... )
		if s.isVaOpt(i) {
			toks, nextI := s.operand(i, hi)
			if len(toks) == 0 {
				if followedByPasteAt(body, nextI, hi) {
					s.out = append(s.out, ptok{Kind: kindPlacemarker})
				}
			} else {
				s.appendOperand(toks, bt.f&flagSpace)
			}
			i = nextI
			continue
		}
		s.out = append(s.out, *bt)
		i++
	}
}

func followedByPasteAt(body []ptok, i, hi int) bool {
	return i < hi && isPaste(&body[i])
}

// appendOperand appends tokens of an argument; the first takes the
// white space of the parameter it replaces.
func (s *substState) appendOperand(toks []ptok, space tokFlags) {
	n := len(s.out)
	s.out = append(s.out, toks...)
	s.out[n].f = s.out[n].f&^flagSpace | space
}

// paste pastes rhs onto lhs in place (C11 6.10.3.3).
func (s *substState) paste(lhs, rhs *ptok) {
	text := lhs.Text + rhs.Text
	kind, ok := lexOne(text)
	if !ok {
		s.p.fail(lhs.Pos, false, `pasting "%s" and "%s" does not give a valid preprocessing token`, lhs.Text, rhs.Text)
	}
	lhs.Kind = kind
	lhs.Text = text
	lhs.src = 0
	lhs.hs = nil
	lhs.f &^= flagNoExpand
}

// stringize implements the # operator (C11 6.10.3.2).
func stringize(arg []ptok) string {
	var b strings.Builder
	b.WriteByte('"')
	first := true
	for i := range arg {
		t := &arg[i]
		if t.Kind == kindPlacemarker {
			continue
		}
		if !first && t.f&(flagSpace|flagBOL) != 0 {
			b.WriteByte(' ')
		}
		first = false
		if t.Kind == String || t.Kind == Char {
			for k := 0; k < len(t.Text); k++ {
				c := t.Text[k]
				if c == '"' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
			continue
		}
		b.WriteString(t.Text)
	}
	b.WriteByte('"')
	return b.String()
}

// expandBuiltin expands __LINE__ and the other built-in macros.
func (p *pp) expandBuiltin(t ptok, m *macro) bool {
	exp, mac := p.origin(&t, m)
	r := ptok{Pos: t.Pos, Exp: exp, macro: mac, f: t.f & (flagSpace | flagBOL), hs: t.hs}
	switch m.builtin {
	case bLine:
		r.Kind, r.Text = Number, strconv.Itoa(int(t.Exp.line))
	case bFile:
		r.Kind, r.Text = String, stringLit(p.names[t.Exp.file])
	case bBaseFile:
		r.Kind, r.Text = String, stringLit(p.baseFile)
	case bCounter:
		r.Kind, r.Text = Number, strconv.Itoa(p.counter)
		p.counter++
	case bIncludeLevel:
		r.Kind, r.Text = Number, strconv.Itoa(len(p.frames)-1)
	case bDate:
		r.Kind, r.Text = String, fixedDate
	case bTime:
		r.Kind, r.Text = String, fixedTime
	case bTimestamp:
		r.Kind, r.Text = String, fixedTimestamp
	default:
		// __has_include and the __has_* tests are evaluated by #if.
		return false
	}
	p.unread(r)
	return true
}
