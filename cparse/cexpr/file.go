package cexpr

import (
	"fmt"
	"strings"
	"sync"

	"modernc.org/token"

	"modernc.org/cc/v4"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/interp"
	"github.com/trampcheck/trampcheck/cparse/macroexp"
)

// KernelNames are the constants the JIT file takes from kernel headers
// and the encoding checks evaluate it with (the file's own #defines take
// precedence). Their values come from the environment model
// (interp.Env), the one model of kernel constants: read from the headers
// of the tree with --tree (trampgen.TreeEnv), the documented Linux 6.12
// values (interp.DefaultEnv) otherwise. TestKernelConsts requires the
// model to hold every one.
var KernelNames = []string{
	"BPF_REG_0", "BPF_REG_1", "BPF_REG_2", "BPF_REG_3", "BPF_REG_4",
	"BPF_REG_5", "BPF_REG_6", "BPF_REG_7", "BPF_REG_8", "BPF_REG_9",
	"BPF_REG_10", "BPF_REG_FP", "BPF_REG_AX",
	"MAX_BPF_REG", "MAX_BPF_EXT_REG", "MAX_BPF_JIT_REG",
	"STACK_FRAME_OVERHEAD", "MAX_BPF_FUNC_ARGS", "BPF_MAX_TRAMP_LINKS",
	"MAX_TAIL_CALL_CNT", "BPF_FETCH", "BPF_ADD",
}

// languageConsts are C's own names of values that the fragments use
// (stdbool.h's true and false, stddef.h's NULL): not the kernel's, so not
// the environment model's.
var languageConsts = map[string]int64{"true": 1, "false": 0, "NULL": 0}

// Const is a constant the encoding checks evaluate with and where its
// value came from.
type Const struct {
	Value int64
	// Source is "FILE:LINE" of its definition in the tree,
	// interp.DocumentedSource for a documented 6.12 value, or "C" for
	// C's true, false and NULL.
	Source string
}

// LanguageSource is the Source of C's own constants.
const LanguageSource = "C"

// Consts returns the constants the encoding checks evaluate with, by
// name: KernelNames from model (nil: interp.DefaultEnv, the documented
// 6.12 values) and C's true, false and NULL. A name the model lacks is
// left out.
func Consts(model *interp.Env) map[string]Const {
	if model == nil {
		model = defaultModel()
	}
	out := make(map[string]Const, len(KernelNames)+len(languageConsts))
	for name, v := range languageConsts {
		out[name] = Const{Value: v, Source: LanguageSource}
	}
	for _, name := range KernelNames {
		v, ok := model.Const(name)
		if !ok {
			continue
		}
		src, _ := model.ConstSource(name)
		out[name] = Const{Value: int64(v), Source: src}
	}
	return out
}

// defaultModel is interp.DefaultEnv, made once.
var defaultModel = sync.OnceValue(interp.DefaultEnv)

// Env is what the encoding checks know about one C file: its macros, its
// register mapping and a machine to evaluate fragments of it.
type Env struct {
	File    *cparse.File
	Macros  map[string]*MacroDef
	Reg2Hex map[int64]int64
	// Reg2HexErr says why Reg2Hex is empty.
	Reg2HexErr error
	// Funcs holds the file's register helpers (reg, reg_high) when they
	// can be read.
	Funcs map[string]*FuncDef
	// Consts are the kernel constants the file is evaluated with
	// (Consts of the environment model NewEnvModel was given).
	Consts map[string]Const
}

// helpers are the functions of the file that the EMIT macros call and the
// machine evaluates from their definitions.
var helpers = []string{"reg", "reg_high", "reg_set_seen"}

// NewEnv collects the macros and the reg2hex array of f, with the
// documented 6.12 constants (NewEnvModel with a nil model).
func NewEnv(f *cparse.File) *Env { return NewEnvModel(f, nil) }

// NewEnvModel collects the macros and the reg2hex array of f, evaluated
// with the kernel constants of environment model (nil: the documented
// 6.12 values).
func NewEnvModel(f *cparse.File, model *interp.Env) *Env {
	e := &Env{File: f, Macros: map[string]*MacroDef{}, Consts: Consts(model)}
	defs := macroexp.FileDefs(f)
	for i, m := range f.Macros {
		e.Macros[m.Name] = &MacroDef{Name: m.Name, Params: m.Params, FnLike: m.FnLike, Body: m.Body, Text: defs[i].Text, Line: defs[i].Line}
	}
	e.Reg2Hex, e.Reg2HexErr = e.reg2hex()
	e.Funcs = map[string]*FuncDef{}
	for _, name := range helpers {
		if fd := e.funcDef(name); fd != nil {
			e.Funcs[name] = fd
		}
	}
	return e
}

// funcDef reads the definition of a small helper function of the file:
// its parameter list and body, parsed with the fragment parser.
func (e *Env) funcDef(name string) *FuncDef {
	f := e.File
	for _, fn := range f.Funcs {
		if fn.Name != name || !fn.Def || fn.BlockScope || fn.BodyEnd < 1 || fn.BodyEnd > len(f.Lines) {
			continue
		}
		end := len(f.Src)
		if fn.BodyEnd < len(f.Lines) {
			end = f.Lines[fn.BodyEnd]
		}
		text := string(f.Src[fn.Pos.Offset:end])
		open := strings.IndexByte(text, '(')
		brace := strings.IndexByte(text, '{')
		last := strings.LastIndexByte(text, '}')
		if open < 0 || brace < open || last < brace {
			return nil
		}
		close := strings.LastIndexByte(text[:brace], ')')
		if close < open {
			return nil
		}
		fd := &FuncDef{Name: name, Result: TUint}
		for _, p := range strings.Split(text[open+1:close], ",") {
			words := strings.Fields(strings.ReplaceAll(p, "*", " * "))
			if len(words) < 2 {
				return nil
			}
			t, _ := TypeOf(words[:len(words)-1])
			fd.Params = append(fd.Params, words[len(words)-1])
			fd.Types = append(fd.Types, t)
		}
		// The result type: the words before the name.
		if fn.Pos.Offset >= 0 {
			line := f.Lines[fn.Pos.Line-1]
			pre := strings.Fields(string(f.Src[line:fn.Pos.Offset]))
			rest := pre[min(len(pre), countQualifiers(pre)):]
			if len(rest) == 1 && rest[0] == "void" {
				fd.Void = true
			} else if t, ok := TypeOf(rest); ok {
				fd.Result = t
			}
		}
		n, err := ParseBody(text[brace : last+1])
		if err != nil {
			return nil
		}
		b, ok := n.(*Block)
		if !ok {
			return nil
		}
		fd.Body = b
		return fd
	}
	return nil
}

// countQualifiers counts the leading storage-class and inline words.
func countQualifiers(words []string) int {
	n := 0
	for _, w := range words {
		switch w {
		case "static", "inline", "__always_inline", "extern", "noinline":
			n++
		default:
			return n
		}
	}
	return n
}

// Machine returns a fresh machine over the file's macros and constants.
func (e *Env) Machine() *Machine {
	m := &Machine{Macros: map[string]*MacroDef{}, Consts: map[string]Value{}, Reg2Hex: e.Reg2Hex, Vars: map[string]Value{}, Funcs: e.Funcs}
	for k, v := range e.Macros {
		m.Macros[k] = v
	}
	for k, c := range e.Consts {
		m.Consts[k] = Int(c.Value)
	}
	return m
}

// Reg returns the s390x register that the BPF register expression text
// selects (REG_15, BPF_REG_0, REG_W1, a number) through reg2hex, or its
// value when the file has no reg2hex array; ok is false when unknown.
func (e *Env) Reg(m *Machine, text string) (int64, bool) {
	v, err := m.EvalText(text)
	if err != nil {
		return 0, false
	}
	if e.Reg2Hex == nil {
		// A file without reg2hex names registers by their numbers.
		return v.Int64(), v.Int64() >= 0 && v.Int64() <= 15
	}
	h, ok := e.Reg2Hex[v.Int64()]
	return h, ok
}

// reg2hex reads the file's reg2hex initializer: the declaration is found in
// the AST, its designators and values are evaluated over the file's macros.
func (e *Env) reg2hex() (map[int64]int64, error) {
	f := e.File
	if f.AST == nil {
		return nil, fmt.Errorf("no AST")
	}
	var il *cc.InitializerList
	for tu := f.AST.TranslationUnit; tu != nil && il == nil; tu = tu.TranslationUnit {
		ed := tu.ExternalDeclaration
		if ed == nil || ed.Declaration == nil {
			continue
		}
		for l := ed.Declaration.InitDeclaratorList; l != nil; l = l.InitDeclaratorList {
			id := l.InitDeclarator
			if id != nil && id.Declarator != nil && id.Declarator.Name() == "reg2hex" && id.Initializer != nil {
				il = id.Initializer.InitializerList
				break
			}
		}
	}
	if il == nil {
		return nil, fmt.Errorf("no reg2hex initializer")
	}
	m := e.Machine()
	out := map[int64]int64{}
	next := int64(0)
	for ; il != nil; il = il.InitializerList {
		if il.Initializer == nil || il.Initializer.AssignmentExpression == nil {
			continue
		}
		idx := next
		if d := il.Designation; d != nil && d.DesignatorList != nil && d.DesignatorList.Designator != nil {
			ds := d.DesignatorList.Designator
			text, ok := e.between(ds.Token, ds.Token2)
			if !ok {
				return nil, fmt.Errorf("reg2hex: cannot read a designator")
			}
			v, err := m.EvalText(text)
			if err != nil {
				return nil, fmt.Errorf("reg2hex: [%s]: %v", text, err)
			}
			idx = v.Int64()
		}
		start, ok := e.offset(il.Initializer.AssignmentExpression.Position())
		if !ok {
			return nil, fmt.Errorf("reg2hex: cannot locate a value")
		}
		end := start
		for end < len(f.Src) && f.Src[end] != ',' && f.Src[end] != '}' {
			end++
		}
		v, err := m.EvalText(string(f.Src[start:end]))
		if err != nil {
			return nil, fmt.Errorf("reg2hex: %v", err)
		}
		out[idx] = v.Int64()
		next = idx + 1
	}
	return out, nil
}

// offset converts a cc position in the file to a byte offset.
func (e *Env) offset(p token.Position) (int, bool) {
	if p.Line < 1 || p.Line > len(e.File.Lines) {
		return 0, false
	}
	return e.File.Lines[p.Line-1] + p.Column - 1, true
}

func (e *Env) between(a, b cc.Token) (string, bool) {
	s, ok1 := e.tokOff(a)
	t, ok2 := e.tokOff(b)
	if !ok1 || !ok2 || t <= s {
		return "", false
	}
	return strings.TrimSpace(string(e.File.Src[s+len(a.SrcStr()) : t])), true
}

func (e *Env) tokOff(t cc.Token) (int, bool) {
	return e.offset(t.Position())
}
