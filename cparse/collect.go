package cparse

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"modernc.org/cc/v4"
)

// derivation is what a declarator makes of its name first: the innermost
// type derivation applied to the identifier.
type derivation int

const (
	derivNone    derivation = iota // a plain object (or a typedef'd type)
	derivFunc                      // a function
	derivFuncKR                    // a function without a parameter type list
	derivPointer                   // a pointer
	derivArray                     // an array
)

// declName finds the identifier of d and the innermost derivation applied
// to it.
func declName(d *cc.Declarator) (name cc.Token, deriv derivation, ok bool) {
	if d == nil {
		return name, 0, false
	}
	// Collect the suffixes of the direct declarator chain, outermost first.
	var suffixes []*cc.DirectDeclarator
	dd := d.DirectDeclarator
	for dd != nil {
		switch dd.Case {
		case cc.DirectDeclaratorIdent:
			name, ok = dd.Token, true
			deriv = derivNone
		case cc.DirectDeclaratorDecl:
			name, deriv, ok = declName(dd.Declarator)
		default:
			suffixes = append(suffixes, dd)
			dd = dd.DirectDeclarator
			continue
		}
		break
	}
	if !ok {
		return name, 0, false
	}
	if deriv != derivNone {
		return name, deriv, true
	}
	if len(suffixes) > 0 {
		s := suffixes[len(suffixes)-1]
		switch s.Case {
		case cc.DirectDeclaratorFuncParam:
			if s.ParameterTypeList != nil {
				return name, derivFunc, true
			}
			return name, derivFuncKR, true
		case cc.DirectDeclaratorFuncIdent:
			return name, derivFuncKR, true
		default:
			return name, derivArray, true
		}
	}
	if d.Pointer != nil {
		return name, derivPointer, true
	}
	return name, derivNone, true
}

// specs summarizes declaration specifiers.
type specs struct {
	static, extern, inline, typedef bool
	typedefName                     string // a type specifier that is a typedef name
}

func readSpecs(ds *cc.DeclarationSpecifiers) (s specs) {
	for ; ds != nil; ds = ds.DeclarationSpecifiers {
		switch ds.Case {
		case cc.DeclarationSpecifiersStorage:
			if sc := ds.StorageClassSpecifier; sc != nil {
				switch sc.Case {
				case cc.StorageClassSpecifierStatic:
					s.static = true
				case cc.StorageClassSpecifierExtern:
					s.extern = true
				case cc.StorageClassSpecifierTypedef:
					s.typedef = true
				}
			}
		case cc.DeclarationSpecifiersFunc:
			if fs := ds.FunctionSpecifier; fs != nil && fs.Case == cc.FunctionSpecifierInline {
				s.inline = true
			}
		case cc.DeclarationSpecifiersTypeSpec:
			if ts := ds.TypeSpecifier; ts != nil && ts.Case == cc.TypeSpecifierTypeName {
				s.typedefName = ts.Token.SrcStr()
			}
		}
	}
	return s
}

// collector fills File.Funcs and File.Emits from the AST.
type collector struct {
	f  *File
	sc *scan
	// funcTypedefs maps typedef names of function types to whether the
	// type has a parameter type list.
	funcTypedefs map[string]bool
	fn           string // the enclosing function definition
	calls        []*cc.PostfixExpression
	callFns      []string
	// locals are the parameter and variable names of the function
	// definition being walked; refs its identifier uses.
	locals map[string]bool
	refs   []Ref
	// macros is the file's macro history, built for the first name that
	// comes from a macro expansion.
	macros macroTable
	// depth is walk's recursion depth; deep the place where it exceeded
	// maxTreeDepth.
	depth   int
	tooDeep bool
	deep    Pos
}

func (f *File) collect(sc *scan) error {
	c := &collector{f: f, sc: sc, funcTypedefs: map[string]bool{}}
	for tu := f.AST.TranslationUnit; tu != nil; tu = tu.TranslationUnit {
		ed := tu.ExternalDeclaration
		if ed == nil {
			continue
		}
		switch ed.Case {
		case cc.ExternalDeclarationFuncDef:
			c.funcDef(ed.FunctionDefinition.DeclarationSpecifiers, ed.FunctionDefinition.Declarator,
				ed.FunctionDefinition.CompoundStatement, false)
		case cc.ExternalDeclarationDecl:
			c.refs = c.refs[:0]
			c.decl(ed.Declaration, false)
			c.f.Refs = append(c.f.Refs, c.refs...)
		}
	}
	if c.tooDeep {
		return &Error{File: f.Name, Line: c.deep.Line, Col: c.deep.Col, Msg: fmt.Sprintf("syntax tree nested deeper than %d levels (an expression or list too long)", maxTreeDepth)}
	}
	c.emits()
	f.MacroEmits = f.macroEmits(sc)
	return nil
}

// macroEmits finds the EMIT-family calls in the replacement lists of the
// file's #defines.
func (f *File) macroEmits(sc *scan) []EmitCall {
	var out []EmitCall
	for d, h := range sc.defines() {
		name := h.name
		ids := identsIn(f.Src, h.body, d.end)
		for _, id := range ids {
			if !IsEmitMacro(id.name) {
				continue
			}
			open := skipWS(f.Src, id.off+len(id.name))
			if open >= d.end || f.Src[open] != '(' {
				continue
			}
			e := EmitCall{Name: id.name, Pos: f.PosAt(id.off), Macro: name, Func: f.funcAtLine(d.line)}
			e.Args, e.End = f.splitArgs(open, d.end)
			e.Comment = f.commentOf(sc, id.off, e.End)
			out = append(out, e)
		}
	}
	return out
}

// splitArgs splits the parenthesized argument list opening at open (text
// only) and returns the arguments and the offset past the ')'.
func (f *File) splitArgs(open, limit int) ([]Arg, int) {
	var args []Arg
	src := f.Src
	depth := 0
	start := open + 1
	add := func(end int) {
		text := strings.TrimSpace(strings.ReplaceAll(string(src[start:end]), "\\\n", " "))
		off := start
		for off < end && strings.IndexByte(" \t\n\\", src[off]) >= 0 {
			off++
		}
		if text != "" || len(args) > 0 {
			args = append(args, Arg{Text: text, Pos: f.PosAt(off)})
		}
	}
	for i := open; i < limit; i++ {
		switch c := src[i]; c {
		case '"', '\'':
			i = quoted(src, i, c) - 1
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				add(i)
				return args, i + 1
			}
		case ',':
			if depth == 1 {
				add(i)
				start = i + 1
			}
		}
	}
	return args, limit
}

// funcAtLine returns the function definition whose body holds line.
func (f *File) funcAtLine(line int) string {
	for _, fn := range f.Funcs {
		if fn.Def && !fn.BlockScope && fn.BodyStart <= line && line <= fn.BodyEnd {
			return fn.Name
		}
	}
	return ""
}

// inFile reports whether a token comes from the file (not from the stub
// or predefined sources).
func (c *collector) inFile(t cc.Token) bool {
	return t.Position().Filename == c.f.Name
}

// funcDef records a function definition and walks its body.
func (c *collector) funcDef(ds *cc.DeclarationSpecifiers, d *cc.Declarator, body *cc.CompoundStatement, block bool) {
	name, deriv, ok := declName(d)
	if !ok || !c.inFile(name) {
		return
	}
	s := readSpecs(ds)
	fn := c.newFunc(name, s, deriv, block)
	fn.Def = true
	if body != nil {
		fn.BodyStart = body.Token.Position().Line
		fn.BodyEnd = body.Token2.Position().Line
	}
	c.f.Funcs = append(c.f.Funcs, fn)
	outer := c.fn
	if block {
		c.walk(reflect.ValueOf(body), true)
		return
	}
	c.fn = fn.Name
	c.locals = map[string]bool{}
	c.params(d)
	c.refs = c.refs[:0]
	c.walk(reflect.ValueOf(body), true)
	for _, r := range c.refs {
		if !c.locals[r.Name] {
			c.f.Refs = append(c.f.Refs, r)
		}
	}
	c.locals = nil
	c.fn = outer
}

// params adds the parameter names of a function declarator to c.locals.
func (c *collector) params(d *cc.Declarator) {
	for dd := d.DirectDeclarator; dd != nil; dd = dd.DirectDeclarator {
		switch dd.Case {
		case cc.DirectDeclaratorFuncParam:
			if dd.ParameterTypeList != nil {
				for l := dd.ParameterTypeList.ParameterList; l != nil; l = l.ParameterList {
					if pd := l.ParameterDeclaration; pd != nil && pd.Declarator != nil {
						if name, _, ok := declName(pd.Declarator); ok {
							c.locals[name.SrcStr()] = true
						}
					}
				}
			}
		case cc.DirectDeclaratorFuncIdent:
			for l := dd.IdentifierList; l != nil; l = l.IdentifierList {
				for _, t := range []cc.Token{l.Token, l.Token2} {
					if t.Ch == rune(cc.IDENTIFIER) {
						c.locals[t.SrcStr()] = true
					}
				}
			}
		case cc.DirectDeclaratorDecl:
			if dd.Declarator != nil {
				c.params(dd.Declarator)
			}
			return
		}
	}
}

// newFunc builds the Func of a function declarator.
func (c *collector) newFunc(name cc.Token, s specs, deriv derivation, block bool) Func {
	fn := Func{
		Name:       name.SrcStr(),
		Static:     s.static,
		Extern:     s.extern,
		Inline:     s.inline,
		Prototype:  deriv == derivFunc,
		BlockScope: block,
	}
	if deriv == derivNone && s.typedefName != "" {
		fn.Prototype = c.funcTypedefs[s.typedefName]
	}
	p := name.Position()
	pos := c.f.posLC(p.Line, p.Column)
	if c.f.textAt(pos.Offset, fn.Name) {
		fn.Pos, fn.End = pos, pos.Offset+len(fn.Name)
		return fn
	}
	// The name comes from a macro expansion: find its spelling.
	fn.FromMacro = true
	if c.macros == nil {
		c.macros = newMacroTable(c.sc)
	}
	fn.Pos, fn.End = c.f.spelling(c.macros, pos.Offset, fn.Name)
	return fn
}

// decl records the function declarations of a declaration.
func (c *collector) decl(d *cc.Declaration, block bool) {
	if d == nil || d.Case != cc.DeclarationDecl {
		return
	}
	s := readSpecs(d.DeclarationSpecifiers)
	for l := d.InitDeclaratorList; l != nil; l = l.InitDeclaratorList {
		if l.InitDeclarator == nil {
			continue
		}
		name, deriv, ok := declName(l.InitDeclarator.Declarator)
		if !ok {
			continue
		}
		if s.typedef {
			switch deriv {
			case derivFunc:
				c.funcTypedefs[name.SrcStr()] = true
			case derivFuncKR:
				c.funcTypedefs[name.SrcStr()] = false
			case derivNone:
				if p, ok := c.funcTypedefs[s.typedefName]; ok {
					c.funcTypedefs[name.SrcStr()] = p
				}
			}
			continue
		}
		isFunc := deriv == derivFunc || deriv == derivFuncKR
		if deriv == derivNone && s.typedefName != "" {
			_, isFunc = c.funcTypedefs[s.typedefName]
		}
		if !isFunc && block && c.locals != nil {
			c.locals[name.SrcStr()] = true
		}
		if !isFunc || !c.inFile(name) {
			continue
		}
		c.f.Funcs = append(c.f.Funcs, c.newFunc(name, s, deriv, block))
	}
	{
		// Initializers may hold calls and references.
		for l := d.InitDeclaratorList; l != nil; l = l.InitDeclaratorList {
			if l.InitDeclarator != nil && l.InitDeclarator.Initializer != nil {
				c.walk(reflect.ValueOf(l.InitDeclarator.Initializer), true)
			}
		}
	}
}

var (
	declType    = reflect.TypeOf((*cc.Declaration)(nil))
	postfixType = reflect.TypeOf((*cc.PostfixExpression)(nil))
	primaryType = reflect.TypeOf((*cc.PrimaryExpression)(nil))
	blockType   = reflect.TypeOf((*cc.BlockItem)(nil))
	tokenType   = reflect.TypeOf(cc.Token{})
)

// maxTreeDepth bounds the recursion of walk: cc/v4 builds long operator
// chains and lists ("1 + 1 + ...", long initializers) as nested nodes, and a
// stack overflow cannot be recovered.
const maxTreeDepth = 20_000

// walk visits the AST below v: block-scope declarations and calls. Beyond
// maxTreeDepth levels it records the place in c.deep and stops.
func (c *collector) walk(v reflect.Value, top bool) {
	if c.depth >= maxTreeDepth {
		c.tooDeep = true
		if v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct && v.CanAddr() {
			v = v.Addr()
		}
		if c.deep.Line == 0 && v.Kind() == reflect.Pointer && !v.IsNil() {
			if n, ok := v.Interface().(cc.Node); ok {
				p := n.Position()
				c.deep = Pos{Line: p.Line, Col: p.Column}
			}
		}
		return
	}
	c.depth++
	c.walkNode(v, top)
	c.depth--
}

// walkNode is walk without the depth guard.
func (c *collector) walkNode(v reflect.Value, top bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			c.walk(v.Elem(), false)
		}
		return
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		switch v.Type() {
		case declType:
			c.decl(v.Interface().(*cc.Declaration), true)
			return
		case blockType:
			bi := v.Interface().(*cc.BlockItem)
			if bi.Case == cc.BlockItemFuncDef {
				c.funcDef(bi.DeclarationSpecifiers, bi.Declarator, bi.CompoundStatement, true)
				return
			}
		case primaryType:
			pr := v.Interface().(*cc.PrimaryExpression)
			if pr.Case == cc.PrimaryExpressionIdent && c.inFile(pr.Token) {
				p := pr.Token.Position()
				c.refs = append(c.refs, Ref{Name: pr.Token.SrcStr(), Pos: c.f.posLC(p.Line, p.Column)})
			}
		case postfixType:
			pe := v.Interface().(*cc.PostfixExpression)
			if pe.Case == cc.PostfixExpressionCall {
				c.calls = append(c.calls, pe)
				c.callFns = append(c.callFns, c.fn)
			}
		}
		c.walk(v.Elem(), false)
	case reflect.Struct:
		if v.Type() == tokenType {
			return
		}
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			c.walk(v.Field(i), false)
		}
	}
}

// emits turns the calls of EMIT-family macros into EmitCalls.
func (c *collector) emits() {
	for i, pe := range c.calls {
		pr, ok := pe.PostfixExpression.(*cc.PrimaryExpression)
		if !ok || pr.Case != cc.PrimaryExpressionIdent {
			continue
		}
		name := pr.Token.SrcStr()
		if !IsEmitMacro(name) || !c.inFile(pr.Token) {
			continue
		}
		p := pr.Token.Position()
		pos := c.f.posLC(p.Line, p.Column)
		if !c.f.textAt(pos.Offset, name) {
			continue // produced by a macro expansion
		}
		e := EmitCall{Name: name, Pos: pos, Func: c.callFns[i], Call: pe}
		c.args(&e, pe)
		e.Comment = c.f.commentOf(c.sc, pos.Offset, e.End)
		c.f.Emits = append(c.f.Emits, e)
	}
	sort.SliceStable(c.f.Emits, func(i, j int) bool { return c.f.Emits[i].Pos.Offset < c.f.Emits[j].Pos.Offset })
}

// args fills the arguments and End of an EmitCall from the source text.
func (c *collector) args(e *EmitCall, pe *cc.PostfixExpression) {
	var exprs []cc.ExpressionNode
	for l := pe.ArgumentExpressionList; l != nil; l = l.ArgumentExpressionList {
		exprs = append(exprs, l.AssignmentExpression)
	}
	toks := c.sc.toks
	k := sort.Search(len(toks), func(i int) bool { return toks[i].off >= e.Pos.Offset })
	if k+1 >= len(toks) || toks[k+1].kind != tPunct || toks[k+1].ch != '(' {
		e.End = e.Pos.Offset + len(e.Name)
		return
	}
	depth := 0
	start := toks[k+1].end
	src := c.f.Src
	add := func(end int) {
		text := strings.TrimSpace(string(src[start:end]))
		off := start
		for off < end && (src[off] == ' ' || src[off] == '\t' || src[off] == '\n' || src[off] == '\\') {
			off++
		}
		a := Arg{Text: text, Pos: c.f.PosAt(off)}
		if n := len(e.Args); n < len(exprs) {
			a.Expr = exprs[n]
		}
		if text != "" || len(exprs) > 0 {
			e.Args = append(e.Args, a)
		}
	}
	for j := k + 1; j < len(toks); j++ {
		t := toks[j]
		if t.kind != tPunct {
			continue
		}
		switch t.ch {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				add(t.off)
				e.End = t.end
				return
			}
		case ',':
			if depth == 1 {
				add(t.off)
				start = t.end
			}
		}
	}
	e.End = len(src)
}

// commentOf finds the comment of a call from off to end: the last comment
// before it with only white space in between, else a comment starting on
// the line where the call ends.
func (f *File) commentOf(sc *scan, off, end int) *Comment {
	cs := sc.comments
	k := sort.Search(len(cs), func(i int) bool { return cs[i].off >= off })
	if k > 0 {
		cm := cs[k-1]
		// White space only, line continuations of a #define included.
		if len(bytes.TrimSpace(bytes.ReplaceAll(f.Src[cm.end:off], []byte("\\\n"), nil))) == 0 {
			return f.newComment(cm, false)
		}
	}
	k = sort.Search(len(cs), func(i int) bool { return cs[i].off >= end })
	if k < len(cs) {
		cm := cs[k]
		if bytes.IndexByte(f.Src[end:cm.off], '\n') < 0 {
			return f.newComment(cm, true)
		}
	}
	return nil
}

func (f *File) newComment(cm comment, same bool) *Comment {
	text := string(f.Src[cm.off:cm.end])
	if strings.HasPrefix(text, "/*") {
		text = strings.TrimSuffix(text[2:], "*/")
	} else {
		text = text[2:]
	}
	return &Comment{Text: strings.TrimSpace(text), Pos: f.PosAt(cm.off), SameLine: same}
}

// textAt reports whether the file holds the identifier s at offset off.
func (f *File) textAt(off int, s string) bool {
	if off < 0 || off+len(s) > len(f.Src) || string(f.Src[off:off+len(s)]) != s {
		return false
	}
	return off+len(s) == len(f.Src) || !isIdentByte(f.Src[off+len(s)])
}
