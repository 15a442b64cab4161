package cpp

import (
	"sort"
)

// MacroNote is one note of GCC 12's macro expansion trace after a
// diagnostic at a token a macro expansion produced: "in definition of
// macro 'M'" (Def) or "in expansion of macro 'M'", at Pos.
type MacroNote struct {
	Pos   Pos
	Def   bool
	Macro string
}

// vnode is a virtual location as GCC's line maps with
// -ftrack-macro-expansion=2 give a token of a macro expansion: the
// expansion (macro map) it belongs to, the location the token had before
// that expansion (x: a location in an outer expansion, or ordinary at
// xPos) and its location in the macro's definition (y: the token of the
// body, or the parameter an argument's token replaced).
type vnode struct {
	exp  *vexp
	x    *vnode
	xPos lpos
	y    lpos
}

// vexp is one macro expansion: the macro's name and its expansion point
// (the location of the macro name token: virtual, or ordinary at
// pointPos).
type vexp struct {
	name     string
	point    *vnode
	pointPos lpos
}

// ttok is a token of the tracing expander: an internal token with its
// virtual location (nil: ordinary at Pos). unsure marks a token made by
// ## or #, or by a built-in macro, whose text is not compared and whose
// history is not followed.
type ttok struct {
	ptok
	v      *vnode
	unsure bool
}

// traceFail stops the tracing expander where it cannot follow GCC.
type traceFail struct{}

// tracer re-expands one macro invocation of a file with the unit's final
// macro table, keeping every token's virtual location.
type tracer struct {
	s       *Stream
	hs      hsTable
	file    []ftok
	cf      *cachedFile
	k       int // next file token
	pending []ttok
	base    int
	iso     bool
	work    int
}

// MacroNotes returns the notes GCC 12 prints after a diagnostic at token i
// of the stream (a token a macro expansion produced), in GCC's order: it
// unwinds the token's expansion history as GCC's
// maybe_unwind_expanded_macro_loc does. The history is rebuilt by
// expanding the outermost invocation again, from the file's text, with
// the unit's macro table at its end; ok is false when that expansion does
// not give the stream's tokens (same texts and spelling positions: a
// macro redefined after the invocation, a directive inside its arguments)
// or when the token's history cannot be followed (a token made by ## or
// #, or by a built-in macro): then nothing is certain and no note is
// returned. A token no macro produced has no notes (ok true).
func (s *Stream) MacroNotes(i int) (notes []MacroNote, ok bool) {
	if i < 0 || i >= s.n {
		return nil, false
	}
	r := s.rec(i)
	if r.macro == 0 {
		return nil, true
	}
	if s.macros == nil {
		return nil, false
	}
	// The stream's tokens of the same outermost expansion.
	a, b := i, i+1
	for a > 0 && s.rec(a-1).exp == r.exp && s.rec(a-1).macro == r.macro {
		a--
	}
	for b < s.n && s.rec(b).exp == r.exp && s.rec(b).macro == r.macro {
		b++
	}
	t, ok := s.retrace(r.exp, b-a)
	if !ok || len(t) != b-a {
		return nil, false
	}
	for k := a; k < b; k++ {
		q := s.rec(k)
		if t[k-a].Pos != q.pos || !t[k-a].unsure && t[k-a].Text != s.Text(k) {
			return nil, false
		}
	}
	tok := t[i-a]
	if tok.unsure || tok.v == nil {
		return nil, false
	}
	return s.unwind(tok.v, tok.Pos)
}

// unwind follows GCC's maybe_unwind_expanded_macro_loc from the virtual
// location v of a token spelled at spell.
func (s *Stream) unwind(v *vnode, spell lpos) ([]MacroNote, bool) {
	var vec []*vnode
	for cur := v; cur != nil; {
		vec = append(vec, cur)
		switch {
		case cur.x != nil:
			cur = cur.x
		default:
			cur = cur.exp.point
		}
	}
	var notes []MacroNote
	for ix, n := range vec {
		def := n.y
		if ix == 0 && def.line != spell.line {
			notes = append(notes, MacroNote{Pos: s.pos(def), Def: true, Macro: n.exp.name})
			continue
		}
		at := n.exp.pointPos
		if n.exp.point != nil {
			at = n.exp.point.y
		}
		notes = append(notes, MacroNote{Pos: s.pos(at), Macro: n.exp.name})
	}
	return notes, true
}

// retrace expands the outermost invocation whose name is at exp again and
// returns its first want tokens.
func (s *Stream) retrace(exp lpos, want int) (out []ttok, ok bool) {
	if int(exp.file) >= len(s.srcs) || s.srcs[exp.file] == "" {
		return nil, false
	}
	src := s.srcs[exp.file]
	ftoks, spliced, err := lexFile(s.names[exp.file], src)
	if err != nil {
		return nil, false
	}
	k := sort.Search(len(ftoks), func(k int) bool {
		return ftoks[k].line > exp.line || ftoks[k].line == exp.line && ftoks[k].col >= exp.col
	})
	if k >= len(ftoks) || ftoks[k].line != exp.line || ftoks[k].col != exp.col || ftoks[k].kind != Ident {
		return nil, false
	}
	tr := &tracer{s: s, file: ftoks, cf: &cachedFile{src: src, spliced: spliced, toks: ftoks, id: exp.file}, k: k}
	tr.hs.init()
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(traceFail); !is {
				panic(r)
			}
			out, ok = nil, false
		}
	}()
	first := tr.next()
	if first.v != nil || s.macros[first.Text] == nil {
		return nil, false
	}
	tr.unread(first)
	for len(out) < want {
		t := tr.expandNext()
		if t.Kind == EOF || t.v == nil {
			return nil, false
		}
		out = append(out, t)
	}
	return out, true
}

// fail stops the trace.
func (tr *tracer) fail() { panic(traceFail{}) }

// next returns the next token: pending ones first, then the file's (a
// directive stops the trace).
func (tr *tracer) next() ttok {
	if n := len(tr.pending); n > tr.base {
		t := tr.pending[n-1]
		tr.pending = tr.pending[:n-1]
		return t
	}
	if tr.iso {
		return ttok{ptok: eofTok}
	}
	if tr.k >= len(tr.file) {
		tr.fail()
	}
	t := tr.cf.tok(tr.k)
	if t.f&flagBOL != 0 && t.Kind == Punct && (t.Text == "#" || t.Text == "%:") {
		tr.fail()
	}
	tr.k++
	return ttok{ptok: t}
}

func (tr *tracer) unread(t ttok) { tr.pending = append(tr.pending, t) }

func (tr *tracer) push(toks []ttok) {
	for i := len(toks) - 1; i >= 0; i-- {
		tr.pending = append(tr.pending, toks[i])
	}
}

// expandNext returns the next fully expanded token.
func (tr *tracer) expandNext() ttok {
	for {
		t := tr.next()
		if t.Kind != Ident || t.f&flagNoExpand != 0 {
			return t
		}
		if t.Text == "_Pragma" {
			tr.fail()
		}
		m := tr.s.macros[t.Text]
		if m == nil {
			return t
		}
		if t.hs.has(t.Text) {
			t.f |= flagNoExpand
			return t
		}
		if m.builtin != bNone {
			switch m.builtin {
			case bLine, bFile, bCounter, bIncludeLevel, bBaseFile, bDate, bTime, bTimestamp:
			default:
				return t
			}
			e := &vexp{name: t.Text, point: t.v, pointPos: t.Pos}
			r := ttok{ptok: ptok{Pos: t.Pos, Kind: Number, f: t.f & (flagSpace | flagBOL), hs: t.hs}, unsure: true}
			r.v = &vnode{exp: e, x: t.v, xPos: t.Pos, y: t.Pos}
			return r
		}
		if !m.pub.FnLike {
			tr.push(tr.subst(m, t, nil, t, tr.withSelf(t.hs, t.Text), false))
			continue
		}
		nt := tr.next()
		if nt.Kind != Punct || nt.Text != "(" {
			tr.unread(nt)
			return t
		}
		args, absent, rparen := tr.collectArgs(m)
		hs := tr.withSelf(tr.hs.intersect(t.hs, rparen.hs), t.Text)
		tr.push(tr.subst(m, t, args, rparen, hs, absent))
	}
}

func (tr *tracer) withSelf(hs *hideset, name string) *hideset { return tr.hs.with(hs, name) }

// collectArgs reads a function-like macro's arguments after its '('.
func (tr *tracer) collectArgs(m *macro) ([][]ttok, bool, ttok) {
	nparams := len(m.pub.Params)
	args := [][]ttok{nil}
	depth := 0
	var rparen ttok
	for {
		t := tr.next()
		if t.Kind == EOF {
			tr.fail()
		}
		tr.work++
		if tr.work > 1<<20 {
			tr.fail()
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
					continue
				}
			}
		}
		if t.f&flagBOL != 0 {
			t.f = t.f&^flagBOL | flagSpace
		}
		args[len(args)-1] = append(args[len(args)-1], t)
	}
done:
	absent := false
	switch {
	case nparams == 0:
		if len(args) == 1 && len(args[0]) == 0 {
			return nil, false, rparen
		}
		tr.fail()
	case len(args) < nparams:
		if m.pub.Variadic && len(args) == nparams-1 {
			args = append(args, nil)
			absent = true
			break
		}
		tr.fail()
	case len(args) > nparams:
		tr.fail()
	}
	if m.pub.Variadic && nparams == 1 && len(args[0]) == 0 {
		absent = true
	}
	return args, absent, rparen
}

// expandArg fully expands an argument in isolation.
func (tr *tracer) expandArg(arg []ttok) []ttok {
	if len(arg) == 0 {
		return nil
	}
	savedBase, savedIso := tr.base, tr.iso
	tr.base = len(tr.pending)
	tr.iso = true
	tr.push(arg)
	var out []ttok
	for {
		t := tr.expandNext()
		if t.Kind == EOF {
			break
		}
		out = append(out, t)
	}
	tr.pending = tr.pending[:tr.base]
	tr.base, tr.iso = savedBase, savedIso
	return out
}

// tsubst is the state of one substitution (as substState).
type tsubst struct {
	tr       *tracer
	m        *macro
	e        *vexp
	args     [][]ttok
	expanded [][]ttok
	done     []bool
	rparen   ttok
	absent   bool
	out      []ttok
}

// subst builds the replacement of m invoked by name, every token with
// its virtual location in the new expansion.
func (tr *tracer) subst(m *macro, name ttok, args [][]ttok, rparen ttok, hs *hideset, absent bool) []ttok {
	s := tsubst{tr: tr, m: m, args: args, rparen: rparen, absent: absent}
	s.e = &vexp{name: name.Text, point: name.v, pointPos: name.Pos}
	if args != nil {
		s.expanded = make([][]ttok, len(args))
		s.done = make([]bool, len(args))
	}
	s.run(0, len(m.body))
	out := s.out[:0]
	first := true
	for _, t := range s.out {
		if t.Kind == kindPlacemarker {
			continue
		}
		t.hs = tr.hs.unite(t.hs, hs)
		if first {
			t.f = t.f&^(flagSpace|flagBOL) | name.f&(flagSpace|flagBOL)
			first = false
		} else {
			t.f &^= flagBOL
		}
		out = append(out, t)
	}
	tr.work += len(out)
	if tr.work > 1<<20 {
		tr.fail()
	}
	return out
}

func (s *tsubst) exp(i int) []ttok {
	if !s.done[i] {
		s.expanded[i] = s.tr.expandArg(s.args[i])
		s.done[i] = true
	}
	return s.expanded[i]
}

// body returns the body token i with its location in this expansion.
func (s *tsubst) body(i int) ttok {
	b := s.m.body[i]
	return ttok{ptok: b, v: &vnode{exp: s.e, xPos: b.Pos, y: b.Pos}}
}

// argToks returns an argument's tokens placed in this expansion, as the
// parameter at body index i replaced them.
func (s *tsubst) argToks(toks []ttok, i int) []ttok {
	out := make([]ttok, len(toks))
	y := s.m.body[i].Pos
	for k, t := range toks {
		t.v = &vnode{exp: s.e, x: t.v, xPos: t.Pos, y: y}
		out[k] = t
	}
	return out
}

func (s *tsubst) isVaOpt(i int) bool {
	return s.m.pub.Variadic && s.m.body[i].Kind == Ident && s.m.body[i].Text == "__VA_OPT__"
}

func (s *tsubst) vaOptEnd(i, hi int) int {
	body := s.m.body
	if i+1 >= hi || body[i+1].Text != "(" {
		s.tr.fail()
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
	s.tr.fail()
	return 0
}

// operand returns the tokens of the operand of ## or # at body[i].
func (s *tsubst) operand(i, hi int) ([]ttok, int) {
	if pi := s.m.param[i]; pi >= 0 {
		return s.argToks(s.args[pi], i), i + 1
	}
	if s.isVaOpt(i) {
		end := s.vaOptEnd(i, hi)
		if len(s.exp(s.m.vaIdx)) == 0 {
			return nil, end + 1
		}
		sub := tsubst{tr: s.tr, m: s.m, e: s.e, args: s.args, expanded: s.expanded, done: s.done, rparen: s.rparen, absent: s.absent}
		sub.run(i+2, end)
		return sub.out, end + 1
	}
	return []ttok{s.body(i)}, i + 1
}

// run substitutes body[lo:hi] (as substState.run).
func (s *tsubst) run(lo, hi int) {
	body := s.m.body
	for i := lo; i < hi; {
		bt := &body[i]
		if s.m.pub.FnLike && isHash(bt) && i+1 < hi && s.m.param[i+1] >= 0 {
			s.out = append(s.out, s.made(String, s.rparen.Pos, bt.f&flagSpace))
			i += 2
			continue
		}
		if isHash(bt) && i+1 < hi && s.isVaOpt(i+1) {
			_, nextI := s.operand(i+1, hi)
			s.out = append(s.out, s.made(String, s.rparen.Pos, bt.f&flagSpace))
			i = nextI
			continue
		}
		if isPaste(bt) && i+1 < hi {
			rhsIdx := i + 1
			if pi := s.m.param[rhsIdx]; pi >= 0 && pi == s.m.vaIdx && len(s.out) > 0 &&
				s.out[len(s.out)-1].Kind == Punct && s.out[len(s.out)-1].Text == "," {
				if s.absent {
					s.out = s.out[:len(s.out)-1]
				} else {
					s.out = append(s.out, s.argToks(s.args[pi], rhsIdx)...)
				}
				i = rhsIdx + 1
				continue
			}
			rhs, nextI := s.operand(rhsIdx, hi)
			i = nextI
			if len(rhs) == 0 {
				continue
			}
			if len(s.out) == 0 || s.out[len(s.out)-1].Kind == kindPlacemarker {
				if len(s.out) > 0 {
					s.out = s.out[:len(s.out)-1]
				}
				s.appendOperand(rhs, body[rhsIdx].f&flagSpace)
				continue
			}
			lhs := &s.out[len(s.out)-1]
			text := lhs.Text + rhs[0].Text
			kind, ok := lexOne(text)
			if !ok {
				s.tr.fail()
			}
			lhs.Kind, lhs.Text, lhs.src, lhs.hs = kind, text, 0, nil
			lhs.f &^= flagNoExpand
			lhs.unsure = true
			s.out = append(s.out, rhs[1:]...)
			continue
		}
		followedByPaste := i+1 < hi && isPaste(&body[i+1])
		if pi := s.m.param[i]; pi >= 0 {
			var toks []ttok
			if followedByPaste {
				toks = s.args[pi]
			} else {
				toks = s.exp(pi)
			}
			if len(toks) == 0 {
				if followedByPaste {
					s.out = append(s.out, ttok{ptok: ptok{Kind: kindPlacemarker}})
				}
			} else {
				s.appendOperand(s.argToks(toks, i), bt.f&flagSpace)
			}
			i++
			continue
		}
		if s.isVaOpt(i) {
			toks, nextI := s.operand(i, hi)
			if len(toks) == 0 {
				if followedByPasteAt(body, nextI, hi) {
					s.out = append(s.out, ttok{ptok: ptok{Kind: kindPlacemarker}})
				}
			} else {
				s.appendOperand(toks, bt.f&flagSpace)
			}
			i = nextI
			continue
		}
		s.out = append(s.out, s.body(i))
		i++
	}
}

// made is a token the substitution makes (a string of #): its text is
// not compared and its history not followed.
func (s *tsubst) made(kind Kind, pos lpos, space tokFlags) ttok {
	return ttok{ptok: ptok{Kind: kind, Pos: pos, f: space}, v: &vnode{exp: s.e, xPos: pos, y: pos}, unsure: true}
}

func (s *tsubst) appendOperand(toks []ttok, space tokFlags) {
	n := len(s.out)
	s.out = append(s.out, toks...)
	s.out[n].f = s.out[n].f&^flagSpace | space
}
