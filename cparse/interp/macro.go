package interp

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/cparse"
	"modernc.org/cc/v4"
)

// ptok is a preprocessing token of a macro body or argument.
type ptok struct {
	s     string
	ident bool
}

var puncts = []string{
	"...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
	"&&", "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
}

// lex splits C text into preprocessing tokens (comments dropped).
func lex(s string) ([]ptok, error) {
	var out []ptok
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\\' || ch == '\f' || ch == '\v':
			i++
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("unterminated comment")
			}
			i += j + 4
		case strings.HasPrefix(s[i:], "//"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			i += j
		case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			out = append(out, ptok{s: s[i:j], ident: true})
			i = j
		case ch >= '0' && ch <= '9' || ch == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.' ||
				(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E' || s[j-1] == 'p' || s[j-1] == 'P')) {
				j++
			}
			out = append(out, ptok{s: s[i:j]})
			i = j
		case ch == '"' || ch == '\'':
			j := i + 1
			for j < len(s) && s[j] != ch {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated literal")
			}
			out = append(out, ptok{s: s[i : j+1]})
			i = j + 1
		default:
			p := string(ch)
			for _, q := range puncts {
				if strings.HasPrefix(s[i:], q) {
					p = q
					break
				}
			}
			out = append(out, ptok{s: p})
			i += len(p)
		}
	}
	return out, nil
}

func isIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// expander expands the file's own macros textually.
type expander struct {
	macros map[string]*cparse.Macro
	body   map[string][]ptok
	depth  int
}

func (x *expander) bodyOf(m *cparse.Macro) ([]ptok, error) {
	if b, ok := x.body[m.Name]; ok {
		return b, nil
	}
	b, err := lex(m.Body)
	if err != nil {
		return nil, fmt.Errorf("macro %s: %v", m.Name, err)
	}
	x.body[m.Name] = b
	return b, nil
}

// invoke expands macro m applied to the argument token lists.
func (x *expander) invoke(m *cparse.Macro, args [][]ptok, hide map[string]bool) ([]ptok, error) {
	body, err := x.bodyOf(m)
	if err != nil {
		return nil, err
	}
	params := map[string]int{}
	variadic := -1
	for i, p := range m.Params {
		switch {
		case p == "...":
			params["__VA_ARGS__"] = i
			variadic = i
		case strings.HasSuffix(p, "..."):
			params[strings.TrimSuffix(p, "...")] = i
			variadic = i
		default:
			params[p] = i
		}
	}
	if variadic >= 0 && len(args) > variadic+1 {
		var joined []ptok
		for i, a := range args[variadic:] {
			if i > 0 {
				joined = append(joined, ptok{s: ","})
			}
			joined = append(joined, a...)
		}
		args = append(args[:variadic], joined)
	}
	if len(args) == 1 && len(args[0]) == 0 && len(m.Params) == 0 {
		args = nil
	}
	if variadic >= 0 && len(args) == variadic {
		args = append(args, nil)
	}
	if len(args) != len(m.Params) {
		return nil, fmt.Errorf("macro %s takes %d arguments, given %d", m.Name, len(m.Params), len(args))
	}
	var out []ptok
	for i := 0; i < len(body); i++ {
		t := body[i]
		switch {
		case t.s == "#" && i+1 < len(body) && body[i+1].ident:
			if k, ok := params[body[i+1].s]; ok {
				out = append(out, ptok{s: fmt.Sprintf("%q", joinToks(args[k]))})
				i++
				continue
			}
			out = append(out, t)
		case t.s == "##" && len(out) > 0 && i+1 < len(body):
			next := []ptok{body[i+1]}
			if k, ok := params[body[i+1].s]; ok && body[i+1].ident {
				next = args[k]
			}
			i++
			if len(next) == 0 {
				continue
			}
			prev := out[len(out)-1]
			pasted := prev.s + next[0].s
			out[len(out)-1] = ptok{s: pasted, ident: prev.ident || (len(pasted) > 0 && isIdentChar(pasted[0]) && (pasted[0] < '0' || pasted[0] > '9'))}
			out = append(out, next[1:]...)
		case t.ident:
			if k, ok := params[t.s]; ok {
				out = append(out, args[k]...)
				continue
			}
			out = append(out, t)
		default:
			out = append(out, t)
		}
	}
	h := make(map[string]bool, len(hide)+1)
	for k := range hide {
		h[k] = true
	}
	h[m.Name] = true
	return x.rescan(out, h)
}

// rescan expands macro invocations in toks.
func (x *expander) rescan(toks []ptok, hide map[string]bool) ([]ptok, error) {
	x.depth++
	defer func() { x.depth-- }()
	if x.depth > 64 {
		return nil, fmt.Errorf("macro expansion nested too deeply")
	}
	var out []ptok
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		m, ok := x.macros[t.s]
		if !t.ident || !ok || hide[t.s] {
			out = append(out, t)
			continue
		}
		if !m.FnLike {
			r, err := x.invoke(m, nil, hide)
			if err != nil {
				return nil, err
			}
			out = append(out, r...)
			continue
		}
		if i+1 >= len(toks) || toks[i+1].s != "(" {
			out = append(out, t)
			continue
		}
		args, end, err := splitArgs(toks, i+1)
		if err != nil {
			return nil, fmt.Errorf("macro %s: %v", m.Name, err)
		}
		r, err := x.invoke(m, args, hide)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
		i = end
	}
	return out, nil
}

// splitArgs splits the parenthesised argument list starting at toks[open].
func splitArgs(toks []ptok, open int) ([][]ptok, int, error) {
	depth := 0
	var args [][]ptok
	var cur []ptok
	for i := open; i < len(toks); i++ {
		s := toks[i].s
		switch s {
		case "(", "[", "{":
			depth++
			if depth == 1 && s == "(" {
				continue
			}
		case ")", "]", "}":
			depth--
			if depth == 0 {
				args = append(args, cur)
				return args, i, nil
			}
		case ",":
			if depth == 1 {
				args = append(args, cur)
				cur = nil
				continue
			}
		}
		cur = append(cur, toks[i])
	}
	return nil, 0, fmt.Errorf("unterminated argument list")
}

func joinToks(toks []ptok) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.s)
	}
	return b.String()
}

// callText returns the source text of the arguments of a call expression,
// taken from the file by the positions of the parentheses and commas.
func callArgs(f *cparse.File, call *cc.PostfixExpression) ([]string, error) {
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
			return nil, fmt.Errorf("cannot locate the call's arguments in the source")
		}
		offs = append(offs, o)
	}
	if !sort.IntsAreSorted(offs) {
		return nil, fmt.Errorf("cannot locate the call's arguments in the source")
	}
	var args []string
	for i := 0; i+1 < len(offs); i++ {
		args = append(args, string(f.Src[offs[i]+1:offs[i+1]]))
	}
	if len(args) == 1 && strings.TrimSpace(args[0]) == "" {
		args = nil
	}
	return args, nil
}

// snippetPrelude declares what a macro expansion may name as a type or
// use as a type-taking macro, mirroring the hermetic parse's stub header.
const snippetPrelude = `int __predefined_declarator;
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;
typedef _Bool bool;
typedef unsigned long size_t;
#define true 1
#define false 0
#define NULL ((void *)0)
#define offsetof(T, m) ((unsigned long)&(((T *)0)->m))
#define sizeof_field(T, m) sizeof(((T *)0)->m)
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))
#define min_t(T, a, b) ((T)(a) < (T)(b) ? (T)(a) : (T)(b))
#define max_t(T, a, b) ((T)(a) > (T)(b) ? (T)(a) : (T)(b))
`

// macroSite compiles one EMIT call site: the macro is expanded from its
// definition in the file with the call's argument text, the expansion is
// parsed (once per site) and compiled in the scope of the call.
func (c *compiler) macroSite(call *cc.PostfixExpression, m *cparse.Macro, line int) (*expr, error) {
	argText, err := callArgs(c.p.file, call)
	if err != nil {
		return nil, c.errf(call, "%s: %v", m.Name, err)
	}
	x := &expander{macros: c.p.macros, body: map[string][]ptok{}}
	args := make([][]ptok, len(argText))
	for i, a := range argText {
		if args[i], err = lex(a); err != nil {
			return nil, c.errf(call, "%s argument %d: %v", m.Name, i+1, err)
		}
	}
	if len(args) == 0 {
		args = [][]ptok{nil}
	}
	toks, err := x.invoke(m, args, nil)
	if err != nil {
		return nil, c.errf(call, "expanding %s: %v", m.Name, err)
	}
	node, err := parseSnippet(c.p, joinToks(toks))
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
	return &expr{t: e.t, slot: -1, isConst: e.isConst, c: e.c, eval: func(fr *frame) uint64 {
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
