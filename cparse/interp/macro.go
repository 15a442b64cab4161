package interp

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/macroexp"
	"modernc.org/cc/v4"
)

// callText returns the text of a macro invocation as the file writes it:
// the macro's name, then the source from the call's opening to its closing
// parenthesis (located by the positions of the parentheses and commas),
// and the line and column where it starts.
func callText(f *cparse.File, name string, call *cc.PostfixExpression) (text string, line, col int, err error) {
	off := func(t cc.Token) (int, bool) {
		p := t.Position()
		if p.Line < 1 || p.Line > len(f.Lines) {
			return 0, false
		}
		return f.Lines[p.Line-1] + p.Column - 1, true
	}
	cuts := []cc.Token{call.Token}
	for l := call.ArgumentExpressionList; l != nil; l = l.ArgumentExpressionList {
		if l.Token.SrcStr() == "," {
			cuts = append(cuts, l.Token)
		}
	}
	cuts = append(cuts, call.Token2)
	var offs []int
	for _, t := range cuts {
		o, ok := off(t)
		if !ok || o >= len(f.Src) || string(f.Src[o]) != t.SrcStr() {
			return "", 0, 0, fmt.Errorf("cannot locate the call's arguments in the source")
		}
		offs = append(offs, o)
	}
	if !sort.IntsAreSorted(offs) {
		return "", 0, 0, fmt.Errorf("cannot locate the call's arguments in the source")
	}
	open, end := offs[0], offs[len(offs)-1]
	at := open
	for at > 0 && strings.IndexByte(" \t", f.Src[at-1]) >= 0 {
		at--
	}
	if at >= len(name) && string(f.Src[at-len(name):at]) == name {
		at -= len(name)
	}
	line = sort.Search(len(f.Lines), func(i int) bool { return f.Lines[i] > at })
	return name + string(f.Src[open:end+1]), line, at - f.Lines[line-1] + 1, nil
}

// snippetPrelude declares what a macro expansion may name as a type or
// use as a type-taking macro: the hermetic parse's stub header
// (cparse.StubHeader), with offsetof redefined as the address of a member
// of a null pointer (the stub's __builtin_offsetof does not parse without
// cc's builtin prelude, which the snippet parse leaves out).
var snippetPrelude = "int __predefined_declarator;\n" + cparse.StubHeader() +
	"#undef offsetof\n#define offsetof(T, m) ((unsigned long)&(((T *)0)->m))\n"

// macroSite compiles one EMIT call site: the macro is expanded from its
// definition in the file with the call's argument text, the expansion is
// parsed (once per site) and compiled in the scope of the call.
func (c *compiler) macroSite(call *cc.PostfixExpression, m *cparse.Macro, line int) (*expr, error) {
	text, line0, col, err := callText(c.p.file, m.Name, call)
	if err != nil {
		return nil, c.errf(call, "%s: %v", m.Name, err)
	}
	if !c.p.prefetched && !c.p.mtext.Cached(c.p.file.Name, text, line0, col) {
		c.p.prefetched = true
		c.p.mtext.Prefetch(c.p.file.Name, c.macroSites())
	}
	exp, err := c.p.mtext.Expand(c.p.file.Name, text, line0, col)
	if err != nil {
		return nil, c.errf(call, "expanding %s: %v", m.Name, err)
	}
	node, err := parseSnippet(c.p, exp)
	if err != nil {
		return nil, c.errf(call, "expansion of %s does not parse: %v", m.Name, err)
	}
	c.p.Sites++
	if c.fn != nil {
		c.fn.calls = true
	}
	outer := c.siteLine
	c.inMacro++
	if c.inMacro == 1 {
		c.siteLine = line
	}
	e, err := c.exprNode(node)
	c.inMacro--
	c.siteLine = outer
	if err != nil {
		return nil, err
	}
	if c.inMacro > 0 {
		return e, nil
	}
	ev, name := e.eval, m.Name
	sid := c.p.nsite
	c.p.nsite++
	ws := c.watches(call.ArgumentExpressionList)
	return &expr{t: e.t, slot: -1, isConst: e.isConst, c: e.c, site: true, eval: func(fr *frame) uint64 {
		mm := fr.m
		saved := mm.site
		mm.site = mm.cachedChild(sid, saved, line, name, "")
		if mm.trace {
			mm.event(Event{Kind: EventEmit, Site: mm.site, Span: mm.cur, Inputs: mm.inputs(fr, ws)})
		}
		v := ev(fr)
		mm.site = saved
		return v
	}}, nil
}

// macroSites returns the invocations of the file's function-like macros
// that the front end found in code (File.Emits), for expanding them all in
// one run of the preprocessor (macroexp.Table.Prefetch).
func (c *compiler) macroSites() []macroexp.Site {
	var sites []macroexp.Site
	for _, e := range c.p.file.Emits {
		if m, ok := c.p.macros[e.Name]; ok && m.FnLike && e.Call != nil {
			if text, line, col, err := callText(c.p.file, m.Name, e.Call); err == nil {
				sites = append(sites, macroexp.Site{Text: text, Line: line, Col: col})
			}
		}
	}
	return sites
}

// snippetCache holds parsed expansions by their full text, shared by all
// compilations (the ASTs are only read); it is dropped when it grows large.
var snippetCache = struct {
	sync.Mutex
	m map[string]cc.ExpressionNode
}{m: map[string]cc.ExpressionNode{}}

const snippetCacheMax = 1 << 14

// parseSnippet parses an expression in a function body of its own.
func parseSnippet(p *Program, text string) (cc.ExpressionNode, error) {
	var b strings.Builder
	b.WriteString(snippetPrelude)
	names := make([]string, 0, len(p.typedefs))
	for n := range p.typedefs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "typedef int %s;\n", n)
	}
	b.WriteString("void __trampcheck_site(void)\n{\n")
	b.WriteString(text)
	b.WriteString(";\n}\n")
	key := b.String()
	snippetCache.Lock()
	n, ok := snippetCache.m[key]
	snippetCache.Unlock()
	if ok {
		return n, nil
	}
	n, err := parseSnippetText(key)
	if err != nil {
		return nil, err
	}
	snippetCache.Lock()
	if len(snippetCache.m) >= snippetCacheMax {
		clear(snippetCache.m)
	}
	snippetCache.m[key] = n
	snippetCache.Unlock()
	return n, nil
}

func parseSnippetText(src string) (cc.ExpressionNode, error) {
	cfg, err := snippetConfig()
	if err != nil {
		return nil, err
	}
	ast, err := safeParse(cfg, src)
	if err != nil {
		// cc reports every error it met, one per line: keep the first,
		// so that the error stays one line.
		msg, _, more := strings.Cut(err.Error(), "\n")
		if more {
			msg += " (and more)"
		}
		return nil, errors.New(msg)
	}
	for l := ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		ed := l.ExternalDeclaration
		if ed == nil || ed.Case != cc.ExternalDeclarationFuncDef {
			continue
		}
		var stmts []*cc.Statement
		for bl := ed.FunctionDefinition.CompoundStatement.BlockItemList; bl != nil; bl = bl.BlockItemList {
			if bl.BlockItem != nil && bl.BlockItem.Case == cc.BlockItemStmt {
				stmts = append(stmts, bl.BlockItem.Statement)
			}
		}
		if len(stmts) != 1 || stmts[0].Case != cc.StatementExpr || stmts[0].ExpressionStatement.ExpressionList == nil {
			return nil, fmt.Errorf("expansion is not a single expression")
		}
		return stmts[0].ExpressionStatement.ExpressionList, nil
	}
	return nil, fmt.Errorf("no function in the expansion")
}

func snippetConfig() (*cc.Config, error) {
	abi, err := cc.NewABI("linux", "s390x")
	if err != nil {
		return nil, err
	}
	cfg := &cc.Config{ABI: abi}
	if err := cfg.ApplyOptions("-std=gnu11"); err != nil {
		return nil, err
	}
	return cfg, nil
}

// safeParse runs cc.Parse and turns a panic inside it into an error.
func safeParse(cfg *cc.Config, src string) (ast *cc.AST, err error) {
	defer func() {
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("parser panic: %v", r)
		}
	}()
	return cc.Parse(cfg, []cc.Source{{Name: "<emit>", Value: src}})
}

func isIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
