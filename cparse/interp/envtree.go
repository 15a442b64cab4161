package interp

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"modernc.org/cc/v4"
	"modernc.org/token"

	"github.com/trampcheck/trampcheck/cparse"
)

// envHeaders are the headers EnvFromTree reads, in the order their
// definitions are emitted. The required ones hold the values of the model;
// the others hold types and macros those definitions use (a missing one is
// skipped: what it would define is then an undefined name at its use).
var envHeaders = []struct {
	path     string
	required bool
}{
	{"include/uapi/linux/const.h", false},
	{"include/vdso/const.h", false},
	{"include/vdso/bits.h", false},
	{"include/uapi/linux/stddef.h", false},
	{"include/linux/stddef.h", false},
	{"include/linux/types.h", false},
	{"include/linux/atomic/atomic-long.h", false},
	{"include/linux/rbtree_types.h", false},
	{"include/linux/rbtree_latch.h", false},
	{"include/linux/workqueue_types.h", false},
	{"include/linux/percpu-refcount.h", false},
	{"include/linux/kallsyms.h", false},
	{"include/uapi/linux/filter.h", false},
	{"include/uapi/linux/bpf_common.h", true},
	{"include/uapi/asm-generic/errno-base.h", true},
	{"include/uapi/asm-generic/errno.h", true},
	{"include/linux/errno.h", true},
	{"arch/s390/include/uapi/asm/ptrace.h", true},
	{"include/uapi/linux/bpf.h", true},
	{"include/linux/filter.h", true},
	{"include/linux/bpf.h", true},
}

// envPreamble supplies what the definitions read from a tree take from
// outside the headers EnvFromTree reads: the integer types of
// asm-generic/int-ll64.h, the annotations of compiler_types.h (which do not
// change a layout) and the Kconfig options of an s390x defconfig build that
// the definitions test (no lockdep, no debug options). Written for
// trampcheck, not taken from the kernel.
const envPreamble = `#define __KERNEL__ 1
#define CONFIG_64BIT 1
#define CONFIG_S390 1
#define CONFIG_MMU 1
#define CONFIG_SMP 1
#define CONFIG_NET 1
#define CONFIG_BPF 1
#define CONFIG_BPF_SYSCALL 1
#define CONFIG_BPF_JIT 1
#define BITS_PER_LONG 64
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;
typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
#define __percpu
#define __rcu
#define __user
#define __iomem
#define __force
#define __bitwise
#define __must_check
#define __randomize_layout
#define __no_randomize_layout
#define __counted_by(m)
#define __aligned(x) __attribute__((__aligned__(x)))
#define __packed __attribute__((__packed__))
`

const (
	envPreambleName = "<trampcheck-env-preamble>"
	envProbeName    = "<trampcheck-env-probe>"
)

// constHeader returns the header that defines constant name of the model.
func constHeader(name string) string {
	switch {
	case name == "STACK_FRAME_OVERHEAD":
		return "arch/s390/include/uapi/asm/ptrace.h"
	case name == "BPF_REG_FP" || name == "BPF_REG_AX" || name == "MAX_BPF_EXT_REG" || name == "MAX_BPF_JIT_REG":
		return "include/linux/filter.h"
	case strings.HasPrefix(name, "BPF_REG_") || name == "MAX_BPF_REG" || name == "BPF_TAG_SIZE" || name == "BPF_FETCH":
		return "include/uapi/linux/bpf.h"
	case name == "BPF_ADD":
		return "include/uapi/linux/bpf_common.h"
	case name == "ENOTSUPP":
		return "include/linux/errno.h"
	case name == "EOPNOTSUPP":
		return "include/uapi/asm-generic/errno.h"
	case strings.HasPrefix(name, "E"):
		return "include/uapi/asm-generic/errno-base.h"
	}
	return "include/linux/bpf.h"
}

// optionalConsts may be missing from a tree; the model then keeps their
// documented value (and says so as their source).
var optionalConsts = map[string]bool{"MAX_BPF_FUNC_REG_ARGS": true}

// structHeader returns the header that defines a struct of the model.
func structHeader(tag string) string {
	if tag == "bpf_insn" {
		return "include/uapi/linux/bpf.h"
	}
	return "include/linux/bpf.h"
}

// EnvFromTree returns the environment model read from the kernel headers of a
// source tree; read returns a file of the tree by its slash-separated path
// relative to the tree root (e.g. "include/linux/bpf.h"), with an error
// satisfying errors.Is(err, fs.ErrNotExist) for a missing file.
//
// The constants of the model (BPF_TRAMP_F_*, enum bpf_tramp_prog_type,
// BPF_MAX_TRAMP_LINKS, MAX_BPF_FUNC_ARGS, BTF_FMODEL_*, STACK_FRAME_OVERHEAD,
// BPF_REG_*, MAX_BPF_*REG, BPF_TAG_SIZE, MAX_TAIL_CALL_CNT, BPF_FETCH,
// BPF_ADD, the errno values) and the layouts
// of its structs are read from their definitions: the definitions they
// need, found by name in a fixed set of headers (with the conditional
// directives around them), form a translation unit after a small preamble
// (see envPreamble), and cc/v4 evaluates the constants and lays out the
// structs for s390x. Only MAX_BPF_FUNC_REG_ARGS may be missing (its
// documented value is kept); kernel functions, typedefs of the basic types
// and symbols are those of DefaultEnv. A missing header or a definition that
// cannot be read is an error naming the header and line.
func EnvFromTree(read func(name string) ([]byte, error)) (*Env, error) {
	b, err := newEnvBuilder(read)
	if err != nil {
		return nil, err
	}
	if err := b.build(); err != nil {
		return nil, err
	}
	b.env.buildStructs()
	b.env.mapFlags()
	return b.env, nil
}

// newEnvBuilder scans the headers of the tree.
func newEnvBuilder(read func(name string) ([]byte, error)) (*envBuilder, error) {
	ix := newHindex()
	for _, h := range envHeaders {
		src, err := read(h.path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				if !h.required {
					continue
				}
				return nil, fmt.Errorf("%s: no such header in the tree", h.path)
			}
			return nil, fmt.Errorf("%s: %v", h.path, err)
		}
		if err := ix.scanHeader(h.path, src); err != nil {
			return nil, err
		}
	}
	return &envBuilder{ix: ix, env: DefaultEnv()}, nil
}

// envBuilder synthesizes and evaluates the translation unit.
type envBuilder struct {
	ix      *hindex
	env     *Env
	macros  []*cdef
	types   []*cdef
	emitted []*cdef
	probes  []string // what each probe line evaluates (a constant or "struct X")
}

func (b *envBuilder) build() error {
	tu, consts, tags, err := b.unit()
	if err != nil {
		return err
	}
	ast, err := b.translate(tu)
	if err != nil {
		return err
	}
	return b.read(ast, consts, tags)
}

// unit synthesizes the translation unit: the preamble, the definitions
// the model needs, then one probe line per constant (evaluated as the
// initializer of a variable) and per struct (a pointer to it). It returns
// the unit, the probed constants and the probed struct tags.
func (b *envBuilder) unit() (string, []string, []string, error) {
	var consts []string
	for n := range b.env.consts {
		consts = append(consts, n)
	}
	sort.Strings(consts)
	var probeConsts []string
	for _, n := range consts {
		if len(b.ix.macros[n]) == 0 && len(b.ix.enumerators[n]) == 0 {
			if optionalConsts[n] {
				continue
			}
			return "", nil, nil, fmt.Errorf("%s: %s is not defined", constHeader(n), n)
		}
		probeConsts = append(probeConsts, n)
		b.need(n)
	}
	var tags []string
	for _, sp := range layoutSpecs {
		if len(tags) == 0 || tags[len(tags)-1] != sp.tag {
			tags = append(tags, sp.tag)
		}
	}
	for _, t := range tags {
		if len(b.ix.tags["struct "+t]) == 0 {
			return "", nil, nil, fmt.Errorf("%s: struct %s is not defined", structHeader(t), t)
		}
		b.needTag("struct " + t)
	}
	var tu strings.Builder
	tu.WriteString("#line 1 \"" + envPreambleName + "\"\n")
	tu.WriteString(envPreamble)
	sort.Slice(b.macros, func(i, j int) bool { return b.macros[i].seq < b.macros[j].seq })
	for _, d := range b.macros {
		b.emit(&tu, d)
	}
	for _, d := range b.types {
		b.emit(&tu, d)
	}
	fmt.Fprintf(&tu, "#line 1 \"%s\"\n", envProbeName)
	for i, n := range probeConsts {
		fmt.Fprintf(&tu, "static long long __trampcheck_c%d = (%s);\n", i, n)
		b.probes = append(b.probes, n)
	}
	for i, t := range tags {
		fmt.Fprintf(&tu, "struct %s *__trampcheck_s%d;\n", t, i)
		b.probes = append(b.probes, "struct "+t)
	}
	return tu.String(), probeConsts, tags, nil
}

// emit writes definition d, inside its conditional groups, with a #line
// so that positions name the header.
func (b *envBuilder) emit(tu *strings.Builder, d *cdef) {
	for _, g := range d.wrap {
		for _, l := range g {
			tu.WriteString(l)
			tu.WriteByte('\n')
		}
	}
	fmt.Fprintf(tu, "#line %d \"%s\"\n", d.line, d.file)
	tu.WriteString(d.text)
	tu.WriteByte('\n')
	for range d.wrap {
		tu.WriteString("#endif\n")
	}
	b.emitted = append(b.emitted, d)
}

// need collects the definitions of identifier name and what they need.
func (b *envBuilder) need(name string) {
	for _, d := range b.ix.macros[name] {
		b.collect(d)
	}
	for _, d := range b.ix.typedefs[name] {
		b.collect(d)
	}
	for _, d := range b.ix.enumerators[name] {
		b.collect(d)
	}
}

// needTag collects the definitions of tag ("struct X"); a tag that is a
// macro for another ("#define rcu_head callback_head") resolves to that one.
func (b *envBuilder) needTag(tag string) {
	if ds := b.ix.tags[tag]; len(ds) > 0 {
		for _, d := range ds {
			b.collect(d)
		}
		return
	}
	kw, name, _ := strings.Cut(tag, " ")
	for _, m := range b.ix.macros[name] {
		if len(m.deps) == 1 && strings.TrimSpace(strings.TrimPrefix(m.text, "#define "+name)) == m.deps[0] {
			b.collect(m)
			b.needTag(kw + " " + m.deps[0])
		}
	}
}

// collect adds d and, first, the definitions it depends on.
func (b *envBuilder) collect(d *cdef) {
	if d.collected {
		return
	}
	d.collected = true
	for _, t := range d.tagDeps {
		b.needTag(t)
	}
	for _, n := range d.deps {
		b.need(n)
	}
	if d.macro {
		b.macros = append(b.macros, d)
	} else {
		b.types = append(b.types, d)
	}
}

// translate runs cc/v4 on the unit and turns its first error into one
// naming the header, line and definition.
func (b *envBuilder) translate(tu string) (ast *cc.AST, err error) {
	cfg, pre, err := cparse.S390xConfig()
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("environment model: the C front end failed: %v", r)
		}
	}()
	ast, err = cc.Translate(cfg, append(pre, cc.Source{Name: "<trampcheck-env>", Value: tu}))
	if err != nil {
		return nil, b.mapError(err)
	}
	return ast, nil
}

var (
	// ccErrPos matches a positioned cc/v4 error message.
	ccErrPos = regexp.MustCompile(`^(.*?):(\d+):(\d+): (.*)$`)
	// ccInternal matches the location in cc/v4's own source that some
	// of its messages end with.
	ccInternal = regexp.MustCompile(`\s*\([a-z0-9_]+\.go:\d+:[^)]*\)$`)
)

// mapError rewrites the first positioned message of a cc error,
// "FILE:LINE:COL: MSG", as "FILE:LINE: DEFINITION: MSG".
func (b *envBuilder) mapError(err error) error {
	lines := strings.Split(err.Error(), "\n")
	var m []string
	for _, l := range lines {
		if m = ccErrPos.FindStringSubmatch(l); m != nil {
			break
		}
	}
	if m == nil {
		return fmt.Errorf("environment model: %s", ccInternal.ReplaceAllString(strings.TrimSpace(lines[0]), ""))
	}
	file, text := m[1], ccInternal.ReplaceAllString(m[4], "")
	line, _ := strconv.Atoi(m[2])
	switch file {
	case envProbeName:
		if line >= 1 && line <= len(b.probes) {
			return b.probeError(b.probes[line-1], text)
		}
	case envPreambleName:
		return fmt.Errorf("environment model preamble:%d: %s", line, text)
	}
	for _, d := range b.emitted {
		if d.file == file && line >= d.line && line <= d.endLine {
			return fmt.Errorf("%s:%d: %s: %s", file, line, d.name, text)
		}
	}
	return fmt.Errorf("%s:%d: %s", file, line, text)
}

// probeError names the definition of what probe p evaluates.
func (b *envBuilder) probeError(p, msg string) error {
	var ds []*cdef
	if strings.HasPrefix(p, "struct ") {
		ds = b.ix.tags[p]
	} else {
		ds = append(append(ds, b.ix.macros[p]...), b.ix.enumerators[p]...)
	}
	if len(ds) > 0 {
		return fmt.Errorf("%s:%d: %s: %s", ds[0].file, ds[0].line, p, msg)
	}
	return fmt.Errorf("%s: %s", p, msg)
}

// srcOf returns "FILE:LINE" of pos.
func srcOf(pos token.Position) string {
	return fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
}

// read takes the probed values from the translated unit.
func (b *envBuilder) read(ast *cc.AST, consts, tags []string) error {
	decls := map[string]*cc.InitDeclarator{}
	for l := ast.TranslationUnit; l != nil; l = l.TranslationUnit {
		ed := l.ExternalDeclaration
		if ed == nil || ed.Case != cc.ExternalDeclarationDecl || ed.Declaration.InitDeclaratorList == nil {
			continue
		}
		for il := ed.Declaration.InitDeclaratorList; il != nil; il = il.InitDeclaratorList {
			if id := il.InitDeclarator; id != nil && strings.HasPrefix(id.Declarator.Name(), "__trampcheck_") {
				decls[id.Declarator.Name()] = id
			}
		}
	}
	for i, n := range consts {
		id := decls[fmt.Sprintf("__trampcheck_c%d", i)]
		if id == nil || id.Initializer == nil || id.Initializer.AssignmentExpression == nil {
			return b.probeError(n, "no value")
		}
		x := id.Initializer.AssignmentExpression
		src := ""
		if m := ast.Macros[n]; m != nil {
			src = srcOf(m.Name.Position())
		} else if ns := ast.Scope.Nodes[n]; len(ns) > 0 {
			src = srcOf(ns[0].Position())
		}
		var v uint64
		switch y := x.Value().(type) {
		case cc.Int64Value:
			v = uint64(y)
		case cc.UInt64Value:
			v = uint64(y)
		default:
			if src == "" {
				return b.probeError(n, "not an integer constant expression")
			}
			return fmt.Errorf("%s: %s: not an integer constant expression", src, n)
		}
		t := constType(x.Type())
		b.env.consts[n] = envConst{Value: norm(t, v), Type: t, Src: src}
	}
	sts := map[string]*cc.StructType{}
	for i, tag := range tags {
		id := decls[fmt.Sprintf("__trampcheck_s%d", i)]
		var st *cc.StructType
		if id != nil {
			if pt, ok := id.Declarator.Type().(*cc.PointerType); ok {
				st, _ = pt.Elem().(*cc.StructType)
			}
		}
		if st != nil && st.IsIncomplete() {
			if err := incomplete(st, "struct "+tag); err != nil {
				return err
			}
		}
		if st == nil || st.IsIncomplete() {
			return b.probeError("struct "+tag, "not defined (is its definition excluded by a conditional?)")
		}
		sts[tag] = st
	}
	for i, sp := range layoutSpecs {
		st := sts[sp.tag]
		src := srcOf(st.Tag().Position())
		v := int(st.Size())
		if sp.what != lSize {
			off, f := findField(st, sp.member)
			if f == nil {
				return fmt.Errorf("%s: struct %s has no member %s", src, sp.tag, sp.member)
			}
			if d := f.Declarator(); d != nil {
				src = srcOf(d.Position())
			}
			ft := f.Type()
			if sp.what == lLen || sp.need > 0 && ft.Kind() == cc.Array {
				at, ok := ft.(*cc.ArrayType)
				if !ok {
					return fmt.Errorf("%s: struct %s: %s is %s, the model needs an array", src, sp.tag, sp.member, ft)
				}
				ft = at.Elem()
				if sp.what == lLen {
					off = int(at.Len())
				}
			}
			switch {
			case sp.need < 0 && !f.IsBitfield():
				return fmt.Errorf("%s: struct %s: %s is not a bit-field, the model needs one", src, sp.tag, sp.member)
			case sp.need > 0 && (f.IsBitfield() || int(ft.Size()) != sp.need):
				return fmt.Errorf("%s: struct %s: %s is %s (%d bytes), the model needs %d bytes", src, sp.tag, sp.member, ft, ft.Size(), sp.need)
			}
			v = off
		}
		*sp.field(&b.env.lay) = v
		b.env.laySrc[i] = src
	}
	return nil
}

// incomplete explains why struct or union t, which has members, is
// incomplete: the innermost member of incomplete type, at its line. It
// returns nil when t has no members (no definition).
func incomplete(t cc.Type, name string) error {
	return incompleteIn(t, name, "")
}

func incompleteIn(t cc.Type, name, path string) error {
	type fielder interface {
		NumFields() int
		FieldByIndex(int) *cc.Field
	}
	s, ok := t.(fielder)
	if !ok || s.NumFields() == 0 {
		return nil
	}
	for i := range s.NumFields() {
		f := s.FieldByIndex(i)
		if f == nil || !f.Type().IsIncomplete() || f.IsFlexibleArrayMember() {
			continue
		}
		ft := f.Type()
		if at, ok := ft.(*cc.ArrayType); ok && at.Len() < 0 {
			continue
		}
		p := path
		if f.Name() != "" {
			if p != "" {
				p += "."
			}
			p += f.Name()
		}
		if err := incompleteIn(ft, name, p); err != nil {
			return err
		}
		where := ""
		if d := f.Declarator(); d != nil {
			where = srcOf(d.Position()) + ": "
		}
		return fmt.Errorf("%s%s: member %s has incomplete type %s", where, name, p, typeName(ft))
	}
	return nil
}

// typeName names a struct or union by its tag.
func typeName(t cc.Type) string {
	switch x := t.(type) {
	case *cc.StructType:
		if tok := x.Tag(); tok.SrcStr() != "" {
			tag := tok.SrcStr()
			return "struct " + tag
		}
	case *cc.UnionType:
		if tok := x.Tag(); tok.SrcStr() != "" {
			tag := tok.SrcStr()
			return "union " + tag
		}
	}
	return t.String()
}

// findField finds member name of struct or union t, also inside anonymous
// members, and returns its offset from the start of t (the offset of its
// storage unit for a bit-field).
func findField(t cc.Type, name string) (int, *cc.Field) {
	type fielder interface {
		NumFields() int
		FieldByIndex(int) *cc.Field
	}
	s, ok := t.(fielder)
	if !ok {
		return 0, nil
	}
	for i := range s.NumFields() {
		f := s.FieldByIndex(i)
		if f == nil {
			continue
		}
		if f.Name() == name {
			return int(f.Offset()), f
		}
		if f.Name() == "" {
			if off, g := findField(f.Type(), name); g != nil {
				return int(f.Offset()) + off, g
			}
		}
	}
	return 0, nil
}

// constType maps the type of a constant expression to the model's.
func constType(t cc.Type) *ctype {
	switch t.Kind() {
	case cc.UInt:
		return tUInt
	case cc.Long, cc.LongLong:
		return tLong
	case cc.ULong, cc.ULongLong:
		return tULong
	}
	return tInt
}
