package cpp

import (
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// maxIncludeDepth is GCC's default -fmax-include-depth.
const maxIncludeDepth = 200

// directive carries out the directive whose '#' (hash) was just read.
func (p *pp) directive(f *frame, hash ptok) {
	if f.i >= len(f.toks) || f.toks[f.i].f&flagBOL != 0 {
		return // null directive
	}
	nameTok := f.get(f.i)
	f.i++
	p.last = endOf(&nameTok)
	p.lastEnd = p.last
	if nameTok.Kind == Number {
		p.lineDirective(f, nameTok, true)
		return
	}
	if nameTok.Kind != Ident {
		p.fail(nameTok.Pos, false, "invalid preprocessing directive")
	}
	switch nameTok.Text {
	case "define":
		p.define(f, nameTok)
	case "undef":
		rest := p.restOfLine(f)
		if len(rest) == 0 {
			p.fail(p.last, false, "no macro name given in #undef directive")
		}
		if rest[0].Kind != Ident {
			p.fail(rest[0].Pos, false, "macro names must be identifiers")
		}
		if rest[0].Text == "defined" {
			p.fail(rest[0].Pos, false, `"defined" cannot be used as a macro name`)
		}
		delete(p.macros, rest[0].Text)
	case "include", "include_next", "import":
		p.include(f, nameTok)
	case "if":
		p.pushCond(f, "if", hash.Pos, p.evalIf(f, nameTok))
	case "ifdef", "ifndef":
		rest := p.restOfLine(f)
		if len(rest) == 0 {
			p.fail(p.last, false, "no macro name given in #%s directive", nameTok.Text)
		}
		if rest[0].Kind != Ident {
			p.fail(rest[0].Pos, false, "macro names must be identifiers")
		}
		_, def := p.macros[rest[0].Text]
		p.pushCond(f, nameTok.Text, hash.Pos, def == (nameTok.Text == "ifdef"))
	case "elif", "elifdef", "elifndef":
		if len(f.conds) == 0 {
			p.fail(nameTok.Pos, false, "#%s without #if", nameTok.Text)
		}
		c := &f.conds[len(f.conds)-1]
		if c.sawElse {
			p.fail(nameTok.Pos, false, "#%s after #else", nameTok.Text)
		}
		c.name = nameTok.Text
		if c.taken {
			skipLine(f)
			p.skipGroup(f)
			return
		}
		var val bool
		if nameTok.Text == "elif" {
			val = p.evalIf(f, nameTok)
		} else {
			rest := p.restOfLine(f)
			if len(rest) == 0 {
				p.fail(p.last, false, "no macro name given in #%s directive", nameTok.Text)
			}
			if rest[0].Kind != Ident {
				p.fail(rest[0].Pos, false, "macro names must be identifiers")
			}
			_, def := p.macros[rest[0].Text]
			val = def == (nameTok.Text == "elifdef")
		}
		if val {
			c.taken = true
			return
		}
		p.skipGroup(f)
	case "else":
		if len(f.conds) == 0 {
			p.fail(nameTok.Pos, false, "#else without #if")
		}
		c := &f.conds[len(f.conds)-1]
		if c.sawElse {
			p.fail(nameTok.Pos, false, "#else after #else")
		}
		c.sawElse = true
		c.name = "else"
		skipLine(f)
		if c.taken {
			p.skipGroup(f)
			return
		}
		c.taken = true
	case "endif":
		if len(f.conds) == 0 {
			p.fail(nameTok.Pos, false, "#endif without #if")
		}
		f.conds = f.conds[:len(f.conds)-1]
		skipLine(f)
	case "line":
		rest := p.expandLine(f)
		if len(rest) == 0 {
			p.fail(nameTok.Pos, false, `"" after #line is not a positive integer`)
		}
		p.applyLine(f, rest, false, nameTok)
	case "error":
		rest := p.restOfLine(f)
		p.fail(nameTok.Pos, false, "#error %s", spell(rest))
	case "warning":
		rest := p.restOfLine(f)
		p.warnings = append(p.warnings, &Error{Pos: p.pos(nameTok.Pos), Msg: "#warning " + spell(rest), Warning: true})
	case "pragma":
		p.pragma(f, nameTok)
	case "ident", "sccs", "assert", "unassert":
		skipLine(f)
	default:
		p.fail(nameTok.Pos, false, "invalid preprocessing directive #%s", nameTok.Text)
	}
}

// spell joins tokens with single spaces where white space separated them.
func spell(toks []ptok) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.f&flagSpace != 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// pushCond opens a conditional and skips its first group when false.
func (p *pp) pushCond(f *frame, name string, pos lpos, val bool) {
	f.conds = append(f.conds, cond{name: name, pos: pos, taken: val})
	if !val {
		p.skipGroup(f)
	}
}

// skipGroup skips lines up to the #elif, #else or #endif that ends the
// current group, leaving f.i at its '#'.
func (p *pp) skipGroup(f *frame) {
	depth := 0
	toks := f.toks
	for i := f.i; i < len(toks); i++ {
		if toks[i].f&flagBOL == 0 || !isDirective(f.cf, i) {
			continue
		}
		switch f.cf.text(i + 1) {
		case "if", "ifdef", "ifndef":
			depth++
		case "elif", "else", "elifdef", "elifndef":
			if depth == 0 {
				f.i = i
				return
			}
		case "endif":
			if depth == 0 {
				f.i = i
				return
			}
			depth--
		}
	}
	f.i = len(toks)
}

// lineDirective handles "# 33 "file" flags" and #line.
func (p *pp) lineDirective(f *frame, num ptok, marker bool) {
	rest := append([]ptok{num}, p.restOfLine(f)...)
	p.applyLine(f, rest, marker, num)
}

func (p *pp) applyLine(f *frame, rest []ptok, marker bool, at ptok) {
	num := rest[0]
	n, err := strconv.ParseUint(num.Text, 10, 32)
	if num.Kind != Number || err != nil {
		p.fail(num.Pos, false, `"%s" after #line is not a positive integer`, num.Text)
	}
	file := ""
	if len(rest) > 1 {
		s := rest[1]
		if s.Kind != String || s.Text[0] != '"' {
			p.fail(s.Pos, false, `invalid filename "%s"`, s.Text)
		}
		file = unquote(s.Text)
	}
	// The line after the directive gets number n.
	last := rest[len(rest)-1]
	physNext := last.Pos.line - f.delta + 1
	if !f.remap {
		physNext = last.Pos.line + 1
		f.presumed = p.fileID(f.path)
	}
	f.remap = true
	f.delta = int32(n) - physNext
	if file != "" {
		f.presumed = p.fileID(file)
	}
	_ = marker
	_ = at
}

// unquote removes the quotes of a string literal and resolves the escapes
// GCC resolves in #line file names (backslash-escaped characters).
func unquote(s string) string {
	if len(s) >= 2 {
		s = s[1 : len(s)-1]
	}
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// expandLine macro-expands the rest of the directive line.
func (p *pp) expandLine(_ *frame) []ptok {
	p.inDir = true
	defer func() { p.inDir = false }()
	var out []ptok
	for {
		t := p.expandNext()
		if t.Kind == EOF {
			return out
		}
		out = append(out, t)
	}
}

// define handles #define.
func (p *pp) define(f *frame, dirTok ptok) {
	rest := p.restOfLine(f)
	if len(rest) == 0 {
		p.fail(p.last, false, "no macro name given in #define directive")
	}
	name := rest[0]
	if name.Kind != Ident {
		p.fail(name.Pos, false, "macro names must be identifiers")
	}
	if name.Text == "defined" {
		p.fail(name.Pos, false, `"defined" cannot be used as a macro name`)
	}
	m := &macro{pub: &Macro{Name: name.Text, Pos: p.pos(name.Pos)}, vaIdx: -1}
	i := 1
	if i < len(rest) && rest[i].Text == "(" && rest[i].f&flagSpace == 0 {
		m.pub.FnLike = true
		i++
		params := []string{}
		for {
			if i >= len(rest) {
				p.fail(name.Pos, false, "missing ')' in macro parameter list")
			}
			t := rest[i]
			if t.Text == ")" && len(params) == 0 {
				i++
				break
			}
			switch {
			case t.Text == "...":
				params = append(params, "__VA_ARGS__")
				m.pub.Variadic = true
				i++
			case t.Kind == Ident:
				if t.Text == "__VA_ARGS__" {
					p.fail(t.Pos, false, "__VA_ARGS__ can not be used as a parameter name")
				}
				for _, q := range params {
					if q == t.Text {
						p.fail(t.Pos, false, `duplicate macro parameter "%s"`, t.Text)
					}
				}
				params = append(params, t.Text)
				i++
				if i < len(rest) && rest[i].Text == "..." {
					m.pub.Variadic = true
					i++
				}
			default:
				p.fail(t.Pos, false, `expected parameter name, found "%s"`, t.Text)
			}
			if i >= len(rest) {
				p.fail(name.Pos, false, "missing ')' in macro parameter list")
			}
			if rest[i].Text == ")" {
				i++
				break
			}
			if rest[i].Text != "," || m.pub.Variadic {
				if m.pub.Variadic {
					p.fail(rest[i].Pos, false, "expected ')' after \"...\"")
				}
				p.fail(rest[i].Pos, false, `expected ',' or ')', found "%s"`, rest[i].Text)
			}
			i++
		}
		m.pub.Params = params
		if m.pub.Variadic {
			m.vaIdx = len(params) - 1
		}
	}
	// GCC reports errors in the replacement list at the token before it.
	before := rest[i-1].Pos
	body := rest[i:] // restOfLine's slice is ours
	if len(body) > 0 {
		body[0].f &^= flagSpace | flagBOL
	}
	m.body = body
	m.param = make([]int, len(body))
	for k := range body {
		body[k].f &^= flagBOL
		m.param[k] = -1
		if m.pub.FnLike && body[k].Kind == Ident {
			for pi, q := range m.pub.Params {
				if q == body[k].Text {
					m.param[k] = pi
				}
			}
		}
	}
	for k := range body {
		if body[k].Kind != Punct {
			continue
		}
		switch body[k].Text {
		case "##", "%:%:":
			if k == 0 || k == len(body)-1 {
				p.fail(before, false, "'##' cannot appear at either end of a macro expansion")
			}
		case "#", "%:":
			if m.pub.FnLike && (k+1 >= len(body) || m.param[k+1] < 0 && (!m.pub.Variadic || body[k+1].Text != "__VA_OPT__")) {
				p.fail(before, false, "'#' is not followed by a macro parameter")
			}
		}
	}
	if m.pub.Variadic {
		depth := 0 // parentheses inside __VA_OPT__ ( ... ), 0 outside
		for k := 0; k < len(body); k++ {
			switch {
			case depth > 0 && body[k].Text == "(":
				depth++
			case depth > 0 && body[k].Text == ")":
				depth--
			case body[k].Kind == Ident && body[k].Text == "__VA_OPT__":
				if depth > 0 {
					p.fail(body[k].Pos, false, "__VA_OPT__ may not appear in a __VA_OPT__")
				}
				if k+1 < len(body) && body[k+1].Text == "(" {
					depth = 1
					k++
				}
			}
		}
	}
	if old, ok := p.macros[name.Text]; ok && !sameMacro(old, m) {
		p.warnings = append(p.warnings, &Error{Pos: p.pos(name.Pos), Msg: `"` + name.Text + `" redefined`, Warning: true})
	}
	p.macros[name.Text] = m
	p.mayBeMacro.add(name.Text)
}

// sameMacro reports whether two definitions are the same per C11 6.10.3p2.
func sameMacro(a, b *macro) bool {
	if a.builtin != b.builtin || a.pub.FnLike != b.pub.FnLike || a.pub.Variadic != b.pub.Variadic ||
		len(a.pub.Params) != len(b.pub.Params) || len(a.body) != len(b.body) {
		return false
	}
	for i := range a.pub.Params {
		if a.pub.Params[i] != b.pub.Params[i] {
			return false
		}
	}
	for i := range a.body {
		if a.body[i].Text != b.body[i].Text || i > 0 && a.body[i].f&flagSpace != b.body[i].f&flagSpace {
			return false
		}
	}
	return true
}

// include handles #include, #include_next and #import.
func (p *pp) include(f *frame, dirTok ptok) {
	name, angle, at := p.includeOperand(f, dirTok)
	next := dirTok.Text == "include_next"
	_ = at
	if len(p.frames) >= maxIncludeDepth {
		p.fail(p.last, false, "#include nested depth %d exceeds maximum of %d (use -fmax-include-depth=DEPTH to increase the maximum)", len(p.frames), maxIncludeDepth)
	}
	found, cf, idx := p.search(f, name, angle, next, at)
	if !found {
		p.fail(at, true, "%s: No such file or directory", name)
	}
	if dirTok.Text == "import" {
		if cf.once {
			return
		}
		cf.once = true
	}
	p.enter(cf, idx, false)
}

// enter starts reading an included file unless its guard or #pragma once
// makes that a no-op.
func (p *pp) enter(cf *cachedFile, idx int, forced bool) {
	if cf.once {
		return
	}
	if cf.guard != "" {
		if _, ok := p.macros[cf.guard]; ok {
			return
		}
	}
	// Entering a file is work too: a file that includes itself twice
	// would otherwise take 2^200 steps.
	p.work += len(cf.toks) + 1
	if p.work > p.maxWork {
		p.fail(p.last, false, "including %s exceeds the work limit of %d tokens", cf.name, p.maxWork)
	}
	p.frames = append(p.frames, &frame{path: cf.path(), toks: cf.toks, cf: cf, dirIdx: idx, forced: forced})
}

// path returns the name a cached file was opened with.
func (cf *cachedFile) path() string {
	return cf.name
}

// includeForced handles one -include FILE: the working directory first,
// then the "" chain.
func (p *pp) includeForced(name string) {
	// GCC opens a relative -include FILE found in the working directory
	// as "./FILE".
	cwdName := name
	if !path.IsAbs(name) && !strings.HasPrefix(name, "./") && !strings.HasPrefix(name, "../") {
		cwdName = "./" + name
	}
	if cf, err := p.load(cwdName); err == nil {
		p.enter(cf, -2, true)
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		p.fail(lpos{}, true, "%s: %v", cwdName, err)
	}
	main := p.frames[0]
	found, cf, idx := p.search(main, name, false, false, lpos{})
	if !found {
		p.fail(lpos{file: p.fileID("<command-line>")}, true, "%s: No such file or directory", name)
	}
	p.enter(cf, idx, true)
}

// search looks for an included file. idx is where it was found.
func (p *pp) search(f *frame, name string, angle, next bool, at lpos) (bool, *cachedFile, int) {
	if path.IsAbs(name) {
		cf, err := p.load(name)
		if err == nil {
			return true, cf, -2
		}
		p.checkReadErr(err, name, at)
		return false, nil, 0
	}
	start := 0
	if angle {
		start = p.nQuote
	}
	if next && f.dirIdx != -2 {
		start = f.dirIdx + 1
	} else if !angle {
		dir := path.Dir(f.path)
		if dir == "." && !strings.Contains(f.path, "/") {
			dir = ""
		}
		full := joinDir(dir, name)
		if cf, err := p.load(full); err == nil {
			return true, cf, -1
		} else {
			p.checkReadErr(err, full, at)
		}
	}
	for i := start; i < len(p.chain); i++ {
		full := joinDir(p.chain[i], name)
		if cf, err := p.load(full); err == nil {
			return true, cf, i
		} else {
			p.checkReadErr(err, full, at)
		}
	}
	return false, nil, 0
}

func (p *pp) checkReadErr(err error, name string, at lpos) {
	if !errors.Is(err, fs.ErrNotExist) {
		p.fail(at, true, "%s: %v", name, err)
	}
}

// includeOperand reads the operand of #include: "name", <name>, or macros
// that expand to either.
func (p *pp) includeOperand(f *frame, dirTok ptok) (string, bool, lpos) {
	if f.i >= len(f.toks) || f.toks[f.i].f&flagBOL != 0 {
		p.fail(dirTok.Pos, false, "#%s expects \"FILENAME\" or <FILENAME>", dirTok.Text)
	}
	t := f.get(f.i)
	var name string
	var angle bool
	p.last = endOf(&t)
	p.lastEnd = p.last
	switch {
	case t.Kind == kindHeader:
		f.i++
		skipLine(f)
		name, angle = t.Text[1:len(t.Text)-1], true
	case t.Kind == String && t.Text[0] == '"':
		f.i++
		skipLine(f)
		name = t.Text[1 : len(t.Text)-1]
	default:
		toks := p.expandLine(f)
		n, a, ok := headerFromTokens(toks)
		if !ok {
			p.fail(t.Pos, false, "#%s expects \"FILENAME\" or <FILENAME>", dirTok.Text)
		}
		name, angle = n, a
	}
	if name == "" {
		p.fail(t.Pos, false, "empty filename in #%s", dirTok.Text)
	}
	return name, angle, t.Pos
}

// headerFromTokens makes a header name of macro-expanded tokens: a string
// literal, or the spellings from '<' to '>' (a space where white space
// separated two tokens).
func headerFromTokens(toks []ptok) (string, bool, bool) {
	if len(toks) == 0 {
		return "", false, false
	}
	if toks[0].Kind == String && toks[0].Text[0] == '"' {
		return toks[0].Text[1 : len(toks[0].Text)-1], false, true
	}
	if toks[0].Text != "<" {
		return "", false, false
	}
	var b strings.Builder
	for i := 1; i < len(toks); i++ {
		if toks[i].Text == ">" {
			return b.String(), true, true
		}
		if i > 1 && toks[i].f&flagSpace != 0 {
			b.WriteByte(' ')
		}
		b.WriteString(toks[i].Text)
	}
	return "", false, false
}

// pragma handles #pragma: once, push_macro, pop_macro are carried out;
// every pragma is recorded and dropped from the token stream.
func (p *pp) pragma(f *frame, dirTok ptok) {
	rest := p.restOfLine(f)
	p.doPragma(dirTok.Pos, rest)
}

func (p *pp) doPragma(pos lpos, rest []ptok) {
	p.pragmas = append(p.pragmas, Pragma{Pos: p.pos(pos), Text: spell(rest), Index: p.nOut})
	if len(rest) == 0 {
		return
	}
	switch rest[0].Text {
	case "once":
		if top := p.frames[len(p.frames)-1]; top.cf != nil {
			top.cf.once = true
		}
	case "push_macro", "pop_macro":
		if len(rest) < 4 || rest[1].Text != "(" || rest[2].Kind != String || rest[3].Text != ")" {
			return
		}
		name := unquote(rest[2].Text)
		if p.macroPos == nil {
			p.macroPos = map[string][]*macro{}
		}
		if rest[0].Text == "push_macro" {
			p.macroPos[name] = append(p.macroPos[name], p.macros[name])
			return
		}
		st := p.macroPos[name]
		if len(st) == 0 {
			return
		}
		m := st[len(st)-1]
		p.macroPos[name] = st[:len(st)-1]
		if m == nil {
			delete(p.macros, name)
		} else {
			p.macros[name] = m
			p.mayBeMacro.add(name)
		}
	case "GCC":
		if len(rest) >= 3 && rest[1].Text == "error" && rest[2].Kind == String {
			p.fail(rest[1].Pos, false, "%s", unquote(rest[2].Text))
		}
	}
}
