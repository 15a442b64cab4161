package interp

import (
	"fmt"
	"strings"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/macroexp"
	"modernc.org/cc/v4"
)

// ctl is the control-flow outcome of a statement.
type ctl uint8

const (
	ctlNext ctl = iota
	ctlBreak
	ctlContinue
	ctlReturn
)

type stmtFn func(*frame) ctl

// local is a variable of a function: a register slot or a memory object
// at an offset of the frame's memory area.
type local struct {
	name string
	t    *ctype
	slot int // >= 0 for register locals
	off  int // memory locals
	// noInit is set for a register local declared without an
	// initializer: only its slot can hold unassigned, so only its reads
	// check for it (parameters and initialised locals never hold it).
	noInit bool
}

// unassigned is the value of a register local declared without an
// initializer until its first store: reading it is a runtime error (in C
// the value is indeterminate; GCC warns with -Wmaybe-uninitialized only
// when it can prove a path). Stores of values of types narrower than 64
// bits are normalised and can never equal it; a 64-bit store of exactly
// this value would be taken for no store.
const unassigned uint64 = 0xa5a5_5a5a_dead_bee5

// function is a compiled function of the file.
type function struct {
	name    string
	line    int
	def     *cc.FunctionDefinition
	ret     *ctype
	params  []*local
	body    stmtFn
	nslots  int
	memSize int
	done    bool
	locals  []*local
	// calls is set when the function calls a file function or has an EMIT
	// site; calls of the others (leaves) push no site node.
	calls bool
	inl   int8 // 1 inlinable, -1 not, 0 not decided
}

type scope struct {
	parent *scope
	names  map[string]*local
}

// CompileError is a problem in the C file that prevents compiling it.
type CompileError struct {
	File string
	Line int
	Msg  string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// global is a file-scope variable.
type global struct {
	name string
	t    *ctype
	off  int // offset in the globals region
	init *cc.Initializer
}

// Program is a compiled JIT file, ready to run on Machines. A Program is
// immutable after Compile and may be shared by Machines in goroutines.
type Program struct {
	file     *cparse.File
	env      *Env
	funcs    map[string]*function
	defs     map[string]*cc.FunctionDefinition
	macros   map[string]*cparse.Macro
	mtext    *macroexp.Table // the file's #defines, as the preprocessor reads them
	structs  map[string]*ctype
	typedefs map[string]*ctype
	enums    map[string]int64
	globals  map[string]*global
	gsize    int
	ginit    []byte
	gdecls   map[string]*cc.InitDeclarator
	gspecs   map[string]*cc.DeclarationSpecifiers

	sizeFn, prepFn *function
	// frame is the struct bpf_tramp_jit local of the prepare function and
	// frameFields its integer members, read after the writing pass.
	frame       *local
	frameFields []*field
	// Sites counts the EMIT call sites compiled from macro expansions.
	Sites int
	// nsite counts the call and EMIT sites; each has a slot in a machine's
	// site cache.
	nsite int
	// prefetched is set once the file's macro sites were expanded together
	// (at the first site not in macroexp's cache).
	prefetched bool
}

type compiler struct {
	p        *Program
	fn       *function
	sc       *scope
	addrOf   map[string]bool
	inMacro  int
	siteLine int
	queue    []*function
}

func (c *compiler) errf(n cc.Node, format string, args ...any) error {
	line := c.siteLine
	if c.inMacro == 0 && n != nil {
		if p := n.Position(); p.Line > 0 {
			line = p.Line
		}
	}
	msg := fmt.Sprintf(format, args...)
	if c.inMacro > 0 {
		msg += " (in the expansion of an EMIT macro)"
	}
	return &CompileError{File: c.p.file.Name, Line: line, Msg: msg}
}

// span returns the lines of n (the call site's line inside a macro).
func (c *compiler) span(n cc.Node) Span {
	if c.inMacro > 0 || n == nil {
		return Span{c.siteLine, c.siteLine}
	}
	return spanOf(n)
}

func (c *compiler) line(n cc.Node) int {
	if c.inMacro > 0 || n == nil {
		return c.siteLine
	}
	return n.Position().Line
}

// Compile compiles the trampoline generator of f and everything it calls
// in the file. env is the environment model; nil means DefaultEnv().
func Compile(f *cparse.File, env *Env) (*Program, error) {
	return compile(f, env, nil)
}

// compile compiles f; extra names further functions to compile (tests call
// them with Machine.callFunc). With extra set, the entry points are optional.
func compile(f *cparse.File, env *Env, extra []string) (p *Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			name := "?"
			if f != nil {
				name = f.Name
			}
			p, err = nil, &CompileError{File: name, Line: 1, Msg: fmt.Sprintf("internal error of the interpreter: %v", r)}
		}
	}()
	if f == nil || f.AST == nil || f.AST.TranslationUnit == nil {
		return nil, fmt.Errorf("interp: no AST to compile")
	}
	if env == nil {
		env = DefaultEnv()
	}
	p = &Program{
		file: f, env: env,
		funcs:    map[string]*function{},
		defs:     map[string]*cc.FunctionDefinition{},
		macros:   map[string]*cparse.Macro{},
		structs:  map[string]*ctype{},
		typedefs: map[string]*ctype{},
		enums:    map[string]int64{},
		globals:  map[string]*global{},
		gdecls:   map[string]*cc.InitDeclarator{},
		gspecs:   map[string]*cc.DeclarationSpecifiers{},
	}
	for i := range f.Macros {
		m := &f.Macros[i]
		p.macros[m.Name] = m
	}
	p.mtext = macroexp.NewTable(macroexp.FileDefs(f))
	c := &compiler{p: p}
	if err := c.fileScope(); err != nil {
		return nil, err
	}
	for _, name := range extra {
		if _, err := c.lookupFunc(name, nil); err != nil {
			return nil, err
		}
	}
	_, hasSize := p.defs[EntrySize]
	_, hasPrep := p.defs[EntryPrepare]
	if extra == nil || hasSize || hasPrep {
		if p.sizeFn, err = c.lookupFunc(EntrySize, nil); err != nil {
			return nil, err
		}
		if p.prepFn, err = c.lookupFunc(EntryPrepare, nil); err != nil {
			return nil, err
		}
	}
	for len(c.queue) > 0 {
		fn := c.queue[0]
		c.queue = c.queue[1:]
		if err := c.compileFunc(fn); err != nil {
			return nil, err
		}
	}
	if err := c.initGlobals(); err != nil {
		return nil, err
	}
	for _, l := range prepLocals(p) {
		if l.slot < 0 && l.t.kind == kStruct && l.t.st.name == "bpf_tramp_jit" {
			p.frame = l
			for _, f := range l.t.st.fields {
				if f.typ.kind == kInt && f.typ.size <= 8 {
					p.frameFields = append(p.frameFields, f)
				}
			}
			break
		}
	}
	return p, nil
}

func prepLocals(p *Program) []*local {
	if p.prepFn == nil {
		return nil
	}
	return p.prepFn.locals
}

// Entry points the Machine runs.
const (
	EntrySize    = "arch_bpf_trampoline_size"
	EntryPrepare = "arch_prepare_bpf_trampoline"
)

// fileScope indexes function definitions, typedefs, structs, enums and
// globals of the translation unit.
func (c *compiler) fileScope() error {
	for l := c.p.file.AST.TranslationUnit; l != nil; l = l.TranslationUnit {
		ed := l.ExternalDeclaration
		if ed == nil {
			continue
		}
		switch ed.Case {
		case cc.ExternalDeclarationFuncDef:
			fd := ed.FunctionDefinition
			name := declName(fd.Declarator)
			if name != "" {
				c.p.defs[name] = fd
			}
			c.scanSpecs(fd.DeclarationSpecifiers)
		case cc.ExternalDeclarationDecl:
			d := ed.Declaration
			if d == nil || d.DeclarationSpecifiers == nil {
				continue
			}
			c.scanSpecs(d.DeclarationSpecifiers)
			typedef := hasStorage(d.DeclarationSpecifiers, cc.StorageClassSpecifierTypedef)
			for il := d.InitDeclaratorList; il != nil; il = il.InitDeclaratorList {
				id := il.InitDeclarator
				if id == nil || id.Declarator == nil {
					continue
				}
				name := declName(id.Declarator)
				if name == "" {
					continue
				}
				if typedef {
					base, err := c.specType(d.DeclarationSpecifiers)
					if err != nil {
						continue // a typedef of something we cannot model; error on use
					}
					if _, t, err := c.declType(base, id.Declarator); err == nil {
						if _, env := c.p.env.typedefs[name]; !env {
							c.p.typedefs[name] = t
						}
					}
					continue
				}
				if isFuncDecl(id.Declarator) || hasStorage(d.DeclarationSpecifiers, cc.StorageClassSpecifierExtern) {
					continue
				}
				c.p.gdecls[name] = id
				c.p.gspecs[name] = d.DeclarationSpecifiers
			}
		}
	}
	return nil
}

// scanSpecs records struct definitions and enumerators in specifiers.
func (c *compiler) scanSpecs(ds *cc.DeclarationSpecifiers) {
	for ; ds != nil; ds = ds.DeclarationSpecifiers {
		if ds.TypeSpecifier == nil {
			continue
		}
		switch ds.TypeSpecifier.Case {
		case cc.TypeSpecifierStructOrUnion:
			_, _ = c.structSpec(ds.TypeSpecifier.StructOrUnionSpecifier, ds)
		case cc.TypeSpecifierEnum:
			c.enumSpec(ds.TypeSpecifier.EnumSpecifier)
		}
	}
}

func hasStorage(ds *cc.DeclarationSpecifiers, k cc.StorageClassSpecifierCase) bool {
	for ; ds != nil; ds = ds.DeclarationSpecifiers {
		if ds.StorageClassSpecifier != nil && ds.StorageClassSpecifier.Case == k {
			return true
		}
	}
	return false
}

func declName(d *cc.Declarator) string {
	if d == nil {
		return ""
	}
	dd := d.DirectDeclarator
	for dd != nil {
		switch dd.Case {
		case cc.DirectDeclaratorIdent:
			return dd.Token.SrcStr()
		case cc.DirectDeclaratorDecl:
			return declName(dd.Declarator)
		default:
			dd = dd.DirectDeclarator
		}
	}
	return ""
}

func isFuncDecl(d *cc.Declarator) bool {
	dd := d.DirectDeclarator
	return d.Pointer == nil && dd != nil &&
		(dd.Case == cc.DirectDeclaratorFuncParam || dd.Case == cc.DirectDeclaratorFuncIdent) &&
		dd.DirectDeclarator != nil && dd.DirectDeclarator.Case == cc.DirectDeclaratorIdent
}

func (c *compiler) enumSpec(es *cc.EnumSpecifier) {
	if es == nil || es.Case != cc.EnumSpecifierDef {
		return
	}
	next := int64(0)
	for l := es.EnumeratorList; l != nil; l = l.EnumeratorList {
		en := l.Enumerator
		if en == nil {
			continue
		}
		if en.Case == cc.EnumeratorExpr {
			if e, err := c.exprNode(en.ConstantExpression); err == nil && e.isConst {
				next = int64(e.c)
			}
		}
		c.p.enums[en.Token.SrcStr()] = next
		next++
	}
}

// structSpec resolves a struct or union specifier to a type; definitions
// in the file are laid out here (with __packed honoured).
func (c *compiler) structSpec(s *cc.StructOrUnionSpecifier, ctx cc.Node) (*ctype, error) {
	tag := s.Token.SrcStr()
	union := s.StructOrUnion != nil && s.StructOrUnion.Case == cc.StructOrUnionUnion
	if s.Case == cc.StructOrUnionSpecifierDef {
		if tag != "" {
			if t, ok := c.p.structs[tag]; ok {
				return t, nil
			}
		}
		st := &structType{name: tag, union: union}
		t := &ctype{kind: kStruct, st: st}
		if tag != "" {
			c.p.structs[tag] = t
		}
		for l := s.StructDeclarationList; l != nil; l = l.StructDeclarationList {
			sd := l.StructDeclaration
			if sd == nil || sd.Case != cc.StructDeclarationDecl {
				continue
			}
			base, err := c.sqlType(sd.SpecifierQualifierList)
			if err != nil {
				delete(c.p.structs, tag)
				return nil, err
			}
			if sd.StructDeclaratorList == nil { // anonymous struct/union member
				st.fields = append(st.fields, &field{typ: base})
				continue
			}
			for dl := sd.StructDeclaratorList; dl != nil; dl = dl.StructDeclaratorList {
				d := dl.StructDeclarator
				if d.Case == cc.StructDeclaratorBitField {
					delete(c.p.structs, tag)
					return nil, c.errf(d, "bit-field members are not supported")
				}
				name, ft, err := c.declType(base, d.Declarator)
				if err != nil {
					delete(c.p.structs, tag)
					return nil, err
				}
				st.fields = append(st.fields, &field{name: name, typ: ft})
			}
		}
		st.layout(isPacked(s) || isPacked(ctx))
		t.size, t.align = st.size, st.align
		return t, nil
	}
	if t, ok := c.p.structs[tag]; ok {
		return t, nil
	}
	if t, ok := c.p.env.structs[tag]; ok {
		return t, nil
	}
	// Incomplete: fine behind a pointer, an error on use.
	t := &ctype{kind: kStruct, st: &structType{name: tag, union: union}, size: 0, align: 1}
	c.p.structs[tag] = t
	return t, nil
}

// isPacked reports whether a packed attribute occurs in n (not inside a
// nested struct body).
func isPacked(n cc.Node) bool {
	found := false
	walk(n, func(x any) bool {
		switch y := x.(type) {
		case *cc.StructDeclarationList:
			return false
		case *cc.AttributeValue:
			name := strings.Trim(y.Token.SrcStr(), "_")
			if name == "packed" {
				found = true
			}
		}
		return !found
	})
	return found
}

func (c *compiler) specWords(ds *cc.DeclarationSpecifiers, sq *cc.SpecifierQualifierList) (*ctype, error) {
	var words []string
	var ts []*cc.TypeSpecifier
	var ctx cc.Node
	if ds != nil {
		ctx = ds
		for ; ds != nil; ds = ds.DeclarationSpecifiers {
			if ds.TypeSpecifier != nil {
				ts = append(ts, ds.TypeSpecifier)
			}
		}
	} else {
		ctx = sq
		for ; sq != nil; sq = sq.SpecifierQualifierList {
			if sq.TypeSpecifier != nil {
				ts = append(ts, sq.TypeSpecifier)
			}
		}
	}
	for _, t := range ts {
		switch t.Case {
		case cc.TypeSpecifierStructOrUnion:
			return c.structSpec(t.StructOrUnionSpecifier, ctx)
		case cc.TypeSpecifierEnum:
			c.enumSpec(t.EnumSpecifier)
			return tUInt, nil
		case cc.TypeSpecifierTypeName:
			name := t.Token.SrcStr()
			if tt, ok := c.p.env.typedefs[name]; ok {
				return tt, nil
			}
			if tt, ok := c.p.typedefs[name]; ok {
				return tt, nil
			}
			return nil, c.errf(t, "type %s is not in the environment model", name)
		case cc.TypeSpecifierTypeofExpr:
			e, err := c.exprNode(t.ExpressionList)
			if err != nil {
				return nil, err
			}
			return e.t, nil
		case cc.TypeSpecifierTypeofType:
			return c.typeName(t.TypeName)
		default:
			words = append(words, t.Token.SrcStr())
		}
	}
	bt, ok := basicType(words)
	if !ok {
		return nil, c.errf(ctx, "unsupported type %s", describe(words))
	}
	return bt, nil
}

func (c *compiler) specType(ds *cc.DeclarationSpecifiers) (*ctype, error) {
	return c.specWords(ds, nil)
}

func (c *compiler) sqlType(sq *cc.SpecifierQualifierList) (*ctype, error) {
	return c.specWords(nil, sq)
}

// declType applies a declarator to a base type.
func (c *compiler) declType(base *ctype, d *cc.Declarator) (string, *ctype, error) {
	if d == nil {
		return "", base, nil
	}
	t := base
	for p := d.Pointer; p != nil; p = p.Pointer {
		t = ptrTo(t)
	}
	return c.directDecl(t, d.DirectDeclarator)
}

func (c *compiler) directDecl(t *ctype, dd *cc.DirectDeclarator) (string, *ctype, error) {
	for dd != nil {
		switch dd.Case {
		case cc.DirectDeclaratorIdent:
			return dd.Token.SrcStr(), t, nil
		case cc.DirectDeclaratorDecl:
			return c.declType(t, dd.Declarator)
		case cc.DirectDeclaratorArr, cc.DirectDeclaratorStaticArr, cc.DirectDeclaratorArrStatic:
			n := -1
			if dd.AssignmentExpression != nil {
				e, err := c.exprNode(dd.AssignmentExpression)
				if err != nil {
					return "", nil, err
				}
				if !e.isConst {
					return "", nil, c.errf(dd, "array size is not constant")
				}
				n = int(e.c)
			}
			t = arrayOf(t, n)
			dd = dd.DirectDeclarator
		case cc.DirectDeclaratorFuncParam, cc.DirectDeclaratorFuncIdent:
			t = &ctype{kind: kFunc, size: 1, align: 1, elem: t}
			dd = dd.DirectDeclarator
		default:
			return "", nil, c.errf(dd, "unsupported declarator")
		}
	}
	return "", t, nil
}

func (c *compiler) typeName(tn *cc.TypeName) (*ctype, error) {
	t, err := c.sqlType(tn.SpecifierQualifierList)
	if err != nil {
		return nil, err
	}
	return c.abstractDecl(t, tn.AbstractDeclarator)
}

func (c *compiler) abstractDecl(t *ctype, ad *cc.AbstractDeclarator) (*ctype, error) {
	if ad == nil {
		return t, nil
	}
	for p := ad.Pointer; p != nil; p = p.Pointer {
		t = ptrTo(t)
	}
	for dd := ad.DirectAbstractDeclarator; dd != nil; dd = dd.DirectAbstractDeclarator {
		switch dd.Case {
		case cc.DirectAbstractDeclaratorDecl:
			return c.abstractDecl(t, dd.AbstractDeclarator)
		case cc.DirectAbstractDeclaratorArr:
			n := -1
			if dd.AssignmentExpression != nil {
				e, err := c.exprNode(dd.AssignmentExpression)
				if err != nil {
					return nil, err
				}
				n = int(e.c)
			}
			t = arrayOf(t, n)
		case cc.DirectAbstractDeclaratorFunc:
			t = &ctype{kind: kFunc, size: 1, align: 1, elem: t}
		default:
			return nil, c.errf(dd, "unsupported abstract declarator")
		}
	}
	return t, nil
}

// lookupFunc returns the compiled (or queued) file function name.
func (c *compiler) lookupFunc(name string, at cc.Node) (*function, error) {
	if fn, ok := c.p.funcs[name]; ok {
		return fn, nil
	}
	fd, ok := c.p.defs[name]
	if !ok {
		if at == nil {
			return nil, &CompileError{File: c.p.file.Name, Line: 1, Msg: fmt.Sprintf("the file defines no function %s", name)}
		}
		return nil, nil
	}
	fn := &function{name: name, def: fd, line: fd.Declarator.Position().Line}
	base, err := c.specType(fd.DeclarationSpecifiers)
	if err != nil {
		return nil, err
	}
	_, ft, err := c.declType(base, fd.Declarator)
	if err != nil {
		return nil, err
	}
	if ft.kind != kFunc {
		return nil, c.errf(fd, "%s is not a function", name)
	}
	fn.ret = ft.elem
	c.p.funcs[name] = fn
	c.queue = append(c.queue, fn)
	return fn, nil
}

// compileFunc compiles the body and parameters of fn.
func (c *compiler) compileFunc(fn *function) error {
	saved := *c
	defer func() {
		c.fn, c.sc, c.addrOf, c.inMacro, c.siteLine = saved.fn, saved.sc, saved.addrOf, saved.inMacro, saved.siteLine
	}()
	c.fn, c.sc, c.inMacro = fn, &scope{names: map[string]*local{}}, 0
	c.addrOf = addressTaken(fn.def.CompoundStatement)
	dd := fn.def.Declarator.DirectDeclarator
	for dd != nil && dd.Case != cc.DirectDeclaratorFuncParam && dd.Case != cc.DirectDeclaratorFuncIdent {
		dd = dd.DirectDeclarator
	}
	if dd != nil && dd.ParameterTypeList != nil {
		for pl := dd.ParameterTypeList.ParameterList; pl != nil; pl = pl.ParameterList {
			pd := pl.ParameterDeclaration
			base, err := c.specType(pd.DeclarationSpecifiers)
			if err != nil {
				return err
			}
			var name string
			var t *ctype
			if pd.Declarator != nil {
				name, t, err = c.declType(base, pd.Declarator)
			} else {
				t, err = c.abstractDecl(base, pd.AbstractDeclarator)
			}
			if err != nil {
				return err
			}
			if t.kind == kVoid && name == "" {
				break
			}
			if t.kind == kArray {
				t = ptrTo(t.elem)
			}
			fn.params = append(fn.params, c.declare(name, t))
		}
	}
	body, err := c.compound(fn.def.CompoundStatement, false)
	if err != nil {
		return err
	}
	fn.body = body
	fn.done = true
	return nil
}

// declare allocates a local in the current scope.
func (c *compiler) declare(name string, t *ctype) *local {
	l := &local{name: name, t: t, slot: -1}
	if t.kind == kInt || t.kind == kPtr {
		if !c.addrOf[name] {
			l.slot = c.fn.nslots
			c.fn.nslots++
		}
	}
	if l.slot < 0 {
		a := max(t.align, 1)
		off := (c.fn.memSize + a - 1) / a * a
		l.off = off
		c.fn.memSize = off + max(t.size, 1)
	}
	if name != "" {
		c.sc.names[name] = l
	}
	c.fn.locals = append(c.fn.locals, l)
	return l
}

// addressTaken returns the names whose address is taken with & in n.
func addressTaken(n cc.Node) map[string]bool {
	m := map[string]bool{}
	walk(n, func(x any) bool {
		if u, ok := x.(*cc.UnaryExpression); ok && u.Case == cc.UnaryExpressionAddrof {
			if id := identOf(u.CastExpression); id != "" {
				m[id] = true
			}
		}
		return true
	})
	return m
}

// identOf returns the identifier an expression consists of, if any.
func identOf(n cc.ExpressionNode) string {
	for n != nil {
		switch x := n.(type) {
		case *cc.CastExpression:
			if x.Case != cc.CastExpressionUnary {
				return ""
			}
			n = x.UnaryExpression
		case *cc.UnaryExpression:
			if x.Case != cc.UnaryExpressionPostfix {
				return ""
			}
			n = x.PostfixExpression
		case *cc.PostfixExpression:
			if x.Case != cc.PostfixExpressionPrimary {
				return ""
			}
			n = x.PrimaryExpression
		case *cc.PrimaryExpression:
			switch x.Case {
			case cc.PrimaryExpressionIdent:
				return x.Token.SrcStr()
			case cc.PrimaryExpressionExpr:
				n = x.ExpressionList
			default:
				return ""
			}
		case *cc.ExpressionList:
			if x.ExpressionList != nil {
				return ""
			}
			n = x.AssignmentExpression
		case *cc.AssignmentExpression:
			if x.Case != cc.AssignmentExpressionCond {
				return ""
			}
			n = x.ConditionalExpression
		default:
			return ""
		}
	}
	return ""
}

// ident resolves an identifier: locals, file globals, enumerators, then the
// environment model.
func (c *compiler) ident(n cc.Node, name string) (*expr, error) {
	for s := c.sc; s != nil; s = s.parent {
		if l, ok := s.names[name]; ok {
			return localExpr(l), nil
		}
	}
	if g, ok := c.p.globals[name]; ok {
		return c.globalExpr(g), nil
	}
	if _, ok := c.p.gdecls[name]; ok {
		g, err := c.defineGlobal(name)
		if err != nil {
			return nil, err
		}
		return c.globalExpr(g), nil
	}
	if v, ok := c.p.enums[name]; ok {
		return constExpr(tInt, uint64(v)), nil
	}
	if k, ok := c.p.env.consts[name]; ok {
		return constExpr(k.Type, k.Value), nil
	}
	if _, ok := c.p.defs[name]; ok {
		fn, err := c.lookupFunc(name, n)
		if err != nil {
			return nil, err
		}
		return &expr{
			t: &ctype{kind: kFunc, size: 1, align: 1, elem: fn.ret}, slot: -1, fn: fn,
			eval: func(fr *frame) uint64 { return fr.m.funcAddr(fn.name) },
		}, nil
	}
	if s, ok := c.p.env.symbols[name]; ok {
		return &expr{
			t: ptrTo(tVoid), slot: -1, builtin: name,
			eval: func(fr *frame) uint64 { return s(fr.m.cfg) },
		}, nil
	}
	if _, ok := c.p.env.funcs[name]; ok {
		return &expr{
			t: ptrTo(tVoid), slot: -1, builtin: name,
			eval: func(fr *frame) uint64 { return fr.m.funcAddr(name) },
		}, nil
	}
	return nil, c.errf(n, "identifier %s is neither in the file nor in the environment model", name)
}

func localExpr(l *local) *expr {
	if l.slot >= 0 {
		s, name := l.slot, l.name
		if !l.noInit {
			return &expr{t: l.t, slot: s, eval: func(fr *frame) uint64 { return fr.s[s] }}
		}
		return &expr{t: l.t, slot: s, regName: name, noInit: true, eval: func(fr *frame) uint64 {
			v := fr.s[s]
			if v == unassigned {
				fr.m.fail("%s is read before it is assigned", name)
			}
			return v
		}}
	}
	off := uint64(l.off)
	return memLvalueAt(l.t, func(fr *frame) uint64 { return fr.base + off }, addrFrame, nil, off)
}

func (c *compiler) globalExpr(g *global) *expr {
	off := uint64(g.off)
	return memLvalueAt(g.t, func(fr *frame) uint64 { return fr.m.gbase + off }, addrGlobal, nil, off)
}

// defineGlobal lays out a file-scope variable on first use.
func (c *compiler) defineGlobal(name string) (*global, error) {
	id := c.p.gdecls[name]
	base, err := c.specType(c.p.gspecs[name])
	if err != nil {
		return nil, err
	}
	_, t, err := c.declType(base, id.Declarator)
	if err != nil {
		return nil, err
	}
	if t.kind == kArray && t.n < 0 && id.Initializer != nil {
		n, err := c.initLen(id.Initializer)
		if err != nil {
			return nil, err
		}
		t = arrayOf(t.elem, n)
	}
	a := max(t.align, 1)
	off := (c.p.gsize + a - 1) / a * a
	g := &global{name: name, t: t, off: off, init: id.Initializer}
	c.p.gsize = off + max(t.size, 1)
	c.p.globals[name] = g
	return g, nil
}

// initLen is the length of an array from its initializer list.
func (c *compiler) initLen(in *cc.Initializer) (int, error) {
	if in.Case != cc.InitializerInitList {
		return 0, c.errf(in, "array initializer is not a list")
	}
	n, idx := 0, 0
	for l := in.InitializerList; l != nil; l = l.InitializerList {
		if d := l.Designation; d != nil && d.DesignatorList != nil && d.DesignatorList.Designator.Case == cc.DesignatorIndex {
			e, err := c.exprNode(d.DesignatorList.Designator.ConstantExpression)
			if err != nil {
				return 0, err
			}
			idx = int(e.c)
		}
		idx++
		n = max(n, idx)
	}
	return n, nil
}

// initGlobals evaluates the constant initializers of the used globals.
func (c *compiler) initGlobals() error {
	c.p.ginit = make([]byte, c.p.gsize)
	for _, g := range c.p.globals {
		if g.init == nil {
			continue
		}
		if err := c.constInit(c.p.ginit, g.off, g.t, g.init); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) constInit(buf []byte, off int, t *ctype, in *cc.Initializer) error {
	if in.Case == cc.InitializerExpr {
		e, err := c.exprNode(in.AssignmentExpression)
		if err != nil {
			return err
		}
		if !e.isConst || !t.isScalar() {
			return c.errf(in, "unsupported global initializer")
		}
		putBE(buf[off:], t.size, norm(t, e.c))
		return nil
	}
	idx := 0
	for l := in.InitializerList; l != nil; l = l.InitializerList {
		et, eoff := t, off
		switch t.kind {
		case kArray:
			if d := l.Designation; d != nil && d.DesignatorList != nil {
				e, err := c.exprNode(d.DesignatorList.Designator.ConstantExpression)
				if err != nil {
					return err
				}
				idx = int(e.c)
			}
			if t.n >= 0 && idx >= t.n {
				return c.errf(l, "initializer index %d out of bounds", idx)
			}
			et, eoff = t.elem, off+idx*t.elem.size
		case kStruct:
			if d := l.Designation; d != nil && d.DesignatorList != nil {
				f, ok := t.st.field(d.DesignatorList.Designator.Token2.SrcStr())
				if !ok {
					return c.errf(l, "unknown field in initializer")
				}
				et, eoff = f.typ, off+f.off
			} else if idx < len(t.st.fields) {
				et, eoff = t.st.fields[idx].typ, off+t.st.fields[idx].off
			}
		}
		if err := c.constInit(buf, eoff, et, l.Initializer); err != nil {
			return err
		}
		idx++
	}
	return nil
}

func putBE(b []byte, size int, v uint64) {
	for i := size - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// call compiles a call: a file function, an EMIT macro site or an
// environment function.
func (c *compiler) call(x *cc.PostfixExpression) (*expr, error) {
	name := identOf(x.PostfixExpression)
	var args []cc.ExpressionNode
	for l := x.ArgumentExpressionList; l != nil; l = l.ArgumentExpressionList {
		args = append(args, l.AssignmentExpression)
	}
	line := c.line(x)
	if name != "" {
		if _, isLocal := c.lookupLocal(name); !isLocal {
			if _, ok := c.p.defs[name]; ok {
				fn, err := c.lookupFunc(name, x)
				if err != nil {
					return nil, err
				}
				return c.callFile(x, fn, args, line)
			}
			if m, ok := c.p.macros[name]; ok && m.FnLike {
				return c.macroSite(x, m, line)
			}
			if b, ok := c.p.env.funcs[name]; ok {
				es := make([]*expr, len(args))
				for i, a := range args {
					e, err := c.exprNode(a)
					if err != nil {
						return nil, err
					}
					es[i] = e
				}
				e, err := b(c, x, es)
				if err != nil {
					return nil, err
				}
				return e, nil
			}
			return nil, c.errf(x, "function %s is neither in the file nor in the environment model", name)
		}
	}
	return nil, c.errf(x, "indirect calls are not supported")
}

func (c *compiler) lookupLocal(name string) (*local, bool) {
	for s := c.sc; s != nil; s = s.parent {
		if l, ok := s.names[name]; ok {
			return l, true
		}
	}
	return nil, false
}

func (c *compiler) callFile(x cc.Node, fn *function, args []cc.ExpressionNode, line int) (*expr, error) {
	// Parameters are known once the callee is compiled; compile it now
	// unless it is on the current chain (recursion).
	if !fn.done && fn != c.fn {
		for i, q := range c.queue {
			if q == fn {
				c.queue = append(c.queue[:i], c.queue[i+1:]...)
				if err := c.compileFunc(fn); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	if fn.done && len(args) != len(fn.params) {
		return nil, c.errf(x, "%s takes %d arguments, called with %d", fn.name, len(fn.params), len(args))
	}
	if fn.done && c.fn != nil && fn != c.fn && c.inlinable(fn) {
		return c.inline(x, fn, args)
	}
	if c.fn != nil {
		c.fn.calls = true
	}
	conv := make([]evalFn, len(args))
	for i, a := range args {
		e, err := c.exprNode(a)
		if err != nil {
			return nil, err
		}
		if fn.done {
			if conv[i], err = c.convert(e, fn.params[i].t, x); err != nil {
				return nil, err
			}
		} else {
			conv[i] = e.eval
		}
	}
	n := len(conv)
	ret := fn.ret
	span := c.span(x)
	sid := c.p.nsite
	c.p.nsite++
	return &expr{t: ret, slot: -1, eval: func(fr *frame) uint64 {
		var buf [8]uint64
		vals := buf[:0]
		if n > len(buf) {
			vals = make([]uint64, 0, n)
		}
		for _, a := range conv {
			vals = append(vals, a(fr))
		}
		return fr.m.call(fn, vals, line, span, sid)
	}}, nil
}

// stmtExpr compiles a GNU statement expression ({ ... }).
func (c *compiler) stmtExpr(cs *cc.CompoundStatement) (*expr, error) {
	c.sc = &scope{parent: c.sc, names: map[string]*local{}}
	defer func() { c.sc = c.sc.parent }()
	var items []*cc.BlockItem
	for l := cs.BlockItemList; l != nil; l = l.BlockItemList {
		items = append(items, l.BlockItem)
	}
	var last *expr
	if n := len(items); n > 0 {
		it := items[n-1]
		if it.Case == cc.BlockItemStmt && it.Statement.Case == cc.StatementExpr && it.Statement.ExpressionStatement.ExpressionList != nil {
			items = items[:n-1]
			defer func() {}()
			stmts, err := c.items(items)
			if err != nil {
				return nil, err
			}
			e, err := c.exprNode(it.Statement.ExpressionStatement.ExpressionList)
			if err != nil {
				return nil, err
			}
			body, lv := seq(stmts), e.eval
			return &expr{t: valueType(e), slot: -1, eval: func(fr *frame) uint64 {
				if body(fr) == ctlReturn {
					return 0
				}
				return lv(fr)
			}}, nil
		}
	}
	stmts, err := c.items(items)
	if err != nil {
		return nil, err
	}
	body := seq(stmts)
	_ = last
	return &expr{t: tVoid, slot: -1, eval: func(fr *frame) uint64 {
		body(fr)
		return 0
	}}, nil
}

// inlinable reports whether fn is a small leaf that callFile compiles into
// its callers: scalar parameters and locals, no address taken, no call of a
// file function or EMIT macro, and no return but a final "return expr;".
func (c *compiler) inlinable(fn *function) bool {
	if fn.inl != 0 {
		return fn.inl > 0
	}
	ok := fn.memSize == 0 && !fn.calls && len(addressTaken(fn.def.CompoundStatement)) == 0
	for _, p := range fn.params {
		ok = ok && p.slot >= 0
	}
	items := blockItems(fn.def.CompoundStatement)
	for i, it := range items {
		if !ok {
			break
		}
		walk(it, func(x any) bool {
			if j, isJump := x.(*cc.JumpStatement); isJump {
				last := i == len(items)-1 && it.Case == cc.BlockItemStmt && it.Statement.JumpStatement == j
				if j.Case != cc.JumpStatementReturn || !last {
					ok = false
				}
			}
			if _, isLabel := x.(*cc.LabeledStatement); isLabel {
				ok = false
			}
			return ok
		})
	}
	fn.inl = -1
	if ok {
		fn.inl = 1
	}
	return ok
}

func blockItems(cs *cc.CompoundStatement) []*cc.BlockItem {
	var items []*cc.BlockItem
	for l := cs.BlockItemList; l != nil; l = l.BlockItemList {
		if l.BlockItem != nil {
			items = append(items, l.BlockItem)
		}
	}
	return items
}

// inline compiles a call of an inlinable fn into the caller: the
// parameters and locals become slots of the caller's frame.
func (c *compiler) inline(x cc.Node, fn *function, args []cc.ExpressionNode) (*expr, error) {
	conv := make([]evalFn, len(args))
	for i, a := range args {
		e, err := c.exprNode(a)
		if err != nil {
			return nil, err
		}
		if conv[i], err = c.convert(e, fn.params[i].t, x); err != nil {
			return nil, err
		}
	}
	span := c.span(x)
	savedSc, savedAddr, savedSite, savedMacro := c.sc, c.addrOf, c.siteLine, c.inMacro
	defer func() { c.sc, c.addrOf, c.siteLine, c.inMacro = savedSc, savedAddr, savedSite, savedMacro }()
	c.sc = &scope{names: map[string]*local{}}
	c.addrOf = map[string]bool{}
	slots := make([]int, len(fn.params))
	for i, p := range fn.params {
		slots[i] = c.declare(p.name, p.t).slot
	}
	items := blockItems(fn.def.CompoundStatement)
	var ret *cc.JumpStatement
	if n := len(items); n > 0 && items[n-1].Case == cc.BlockItemStmt && items[n-1].Statement.Case == cc.StatementJump {
		ret = items[n-1].Statement.JumpStatement
		items = items[:n-1]
	}
	stmts, err := c.items(items)
	if err != nil {
		return nil, err
	}
	body := seq(stmts)
	retEval := func(*frame) uint64 { return 0 }
	if ret != nil && ret.ExpressionList != nil {
		e, err := c.exprNode(ret.ExpressionList)
		if err != nil {
			return nil, err
		}
		if retEval, err = c.convert(e, fn.ret, ret); err != nil {
			return nil, err
		}
	}
	// The parameters' slots are fresh slots of this call site, which no
	// argument reads (the arguments are compiled in the caller's scope and
	// fn calls no file function), so the arguments are stored directly.
	if len(conv) <= 3 {
		var a0, a1, a2 evalFn
		var s0, s1, s2 int
		switch len(conv) {
		case 3:
			a2, s2 = conv[2], slots[2]
			fallthrough
		case 2:
			a1, s1 = conv[1], slots[1]
			fallthrough
		case 1:
			a0, s0 = conv[0], slots[0]
		}
		n := len(conv)
		return &expr{t: fn.ret, slot: -1, eval: func(fr *frame) uint64 {
			switch n {
			case 3:
				fr.s[s0], fr.s[s1], fr.s[s2] = a0(fr), a1(fr), a2(fr)
			case 2:
				fr.s[s0], fr.s[s1] = a0(fr), a1(fr)
			case 1:
				fr.s[s0] = a0(fr)
			}
			m := fr.m
			if m.trace {
				for _, s := range slots {
					m.slotDef[fr.so+s] = span
				}
			}
			cur := m.cur
			body(fr)
			r := retEval(fr)
			m.cur = cur
			return r
		}}, nil
	}
	n := len(conv)
	return &expr{t: fn.ret, slot: -1, eval: func(fr *frame) uint64 {
		var buf [8]uint64
		var vals []uint64
		if n > len(buf) {
			vals = make([]uint64, n)
		} else {
			vals = buf[:n]
		}
		for i, a := range conv {
			vals[i] = a(fr)
		}
		m := fr.m
		for i, s := range slots {
			fr.s[s] = vals[i]
			if m.trace {
				m.slotDef[fr.so+s] = span
			}
		}
		cur := m.cur
		body(fr)
		r := retEval(fr)
		m.cur = cur
		return r
	}}, nil
}
