package cparse

import (
	_ "embed" // predefined macros and the stub header
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trampcheck/trampcheck/cparse/kbuild"
	"modernc.org/cc/v4"
)

// predefined holds the macros that s390x-linux-gnu-gcc 12 predefines
// under the kernel's code generation flags (kbuild.Predefined): the one
// predefined-macro file of the project, used by the hermetic parse, by
// S390xConfig and by the translation unit alike.
var predefined = kbuild.Predefined()

// stub is the hermetic parse's only header.
//
//go:embed stub.h
var stub string

// StubHeader returns the text of the hermetic parse's only header
// (stub.h): the type names and type-taking macros a parse of a lone file
// needs, for other parsers of kernel C fragments (interp's parse of macro
// expansions) to declare the same.
func StubHeader() string { return stub }

// Limits on the input, so that hostile or broken input fails clearly
// instead of exhausting memory or the stack.
const (
	// MaxFileSize is the largest C file Parse accepts.
	MaxFileSize = 16 << 20
	// MaxNesting is the deepest nesting of (), [] and {} Parse accepts.
	MaxNesting = 200
	// maxParses bounds the parses of one file while guessing unknown
	// names (see File.Guessed).
	maxParses = 200
	// expansionLimit bounds the macro expansion work of one parse.
	// The real JIT needs about 50,000.
	expansionLimit = 5_000_000
)

// Source names of the hermetic parse's fixed sources.
const (
	predefinedName = "<predefined>"
	builtinName    = "<builtin>"
	stubName       = "<trampcheck-stub>"
	typedefsName   = "<trampcheck-typedefs>"
	eofName        = "<trampcheck-eof>"
)

// eofSentinel follows the file: a valid declaration whose identifier ends
// loops of cc/v4's parser that never stop at the end of input (a file
// ending in "int *" or "**" makes typeQualifierList report errors forever).
const eofSentinel = "\ntypedef int __trampcheck_eof;\n"

var (
	abiOnce sync.Once
	abi     *cc.ABI
	abiErr  error
	// cache keeps the scanned fixed sources across parses; it is safe for
	// concurrent use.
	cache cc.SourceCache
)

func s390xABI() (*cc.ABI, error) {
	abiOnce.Do(func() { abi, abiErr = cc.NewABI("linux", "s390x") })
	return abi, abiErr
}

// emitMacro matches the names of the macros whose definitions the hermetic
// parse blanks so that their invocations stay calls.
var emitMacro = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(_?EMIT[A-Z0-9_]*|REG_SET_SEEN)$`) })

// IsEmitMacro reports whether name is one of the EMIT-family macros that
// the front end keeps as calls (_?EMIT[A-Z0-9_]* and REG_SET_SEEN).
func IsEmitMacro(name string) bool { return emitMacro().MatchString(name) }

// Error is a problem in the input: Parse could not parse the C file.
type Error struct {
	File      string
	Line, Col int // 1-based; Col is a byte column; 0 when unknown
	Msg       string
}

// after reports whether e lies after o in the file.
func (e *Error) after(o *Error) bool {
	return e.Line > o.Line || e.Line == o.Line && e.Col > o.Col
}

// Error returns the one-line form FILE:LINE:COL: MSG.
func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Parse parses one C file hermetically: its #include lines and the
// definitions of the EMIT-family macros are blanked (line numbers are kept),
// and a small stub header supplies the basic kernel type names. Type names
// the stub lacks are declared as int and the parse repeated. With
// opts.Tree, the prototypes of the headers the file includes are collected
// into File.HeaderProtos; without it, from the embedded Linux 6.12 index.
//
// A file that cannot be parsed gives an *Error. Parse is safe for
// concurrent use.
func Parse(name string, src []byte, opts Options) (*File, error) {
	return parse(name, src, opts, nil)
}

// parse is Parse with a reader for header lookups in tree mode (nil: the
// overlay, then the file system).
func parse(name string, src []byte, opts Options, read func(path string) ([]byte, error)) (*File, error) {
	f, finish, err := parseStaged(name, src, opts, read)
	if err != nil || finish == nil {
		return f, err
	}
	return finish()
}

// parseStaged is parse in two stages. When the file has EMIT-family calls
// and its translation unit is being built, it returns, once the hermetic
// parse is done, the file without what the unit gives (TU, TUErr and
// HeaderProtos) and finish, which waits for the unit, fills those in and
// returns the same *File (or the file's error). Otherwise finish is nil
// and the file (or the error) is complete.
func parseStaged(name string, src []byte, opts Options, read func(path string) ([]byte, error)) (_ *File, finish func() (*File, error), _ error) {
	if opts.Tree != "" {
		name = relName(opts.Tree, name)
	}
	if len(src) > MaxFileSize {
		return nil, nil, &Error{File: name, Msg: fmt.Sprintf("file too large: %d bytes, limit %d", len(src), MaxFileSize)}
	}
	// The real translation unit (tree mode, or -I given) runs beside the
	// hermetic parse, which only files with EMIT-family calls need: the
	// encoding and trampoline checks read its AST. A file without them is
	// read from its translation unit alone, and parsed hermetically only
	// when that fails. It starts first, as it is the longest: when the
	// file's own scan below rejects the file, it finishes unused.
	type unit struct {
		t   *TU
		err error
	}
	var tuc chan unit
	if wantTU(opts) {
		tuc = make(chan unit, 1)
		go func() {
			t, err := translationUnit(name, src, opts, read)
			tuc <- unit{t, err}
		}()
	}
	f := &File{Name: name, Src: src, Lines: lineTable(src)}
	sc := scanFile(src)
	if sc.depthErr != nil {
		l, c := f.lineCol(sc.depthErr.off)
		return nil, nil, &Error{File: name, Line: l, Col: c, Msg: sc.depthErr.msg}
	}
	for _, t := range sc.toks {
		if t.kind == tPunct && (t.ch == '`' || t.ch == '@') {
			// GCC's wording; checked here so that no guess of an
			// unknown macro can hide it.
			l, c := f.lineCol(t.off)
			return nil, nil, &Error{File: name, Line: l, Col: c, Msg: fmt.Sprintf("stray '%c' in program", t.ch)}
		}
	}
	if err := f.checkNesting(sc); err != nil {
		return nil, nil, err
	}
	if off := sc.checkChains(); off >= 0 {
		l, c := f.lineCol(off)
		return nil, nil, &Error{File: name, Line: l, Col: c, Msg: fmt.Sprintf("more than %d control statements nested without braces", MaxStatementChain)}
	}
	f.Macros = sc.macros(f)
	// The header prototypes need only the file's #include lines: scan the
	// include closure while cc parses the file.
	type protos struct {
		m   map[string]string
		err error
	}
	emits := f.hasEmitCalls(sc)
	if tuc != nil && !emits {
		if u := <-tuc; u.err == nil {
			f.TU = u.t
			f.Funcs = f.tuFuncs()
			return f, nil, nil
		} else {
			f.TUErr = u.err
			tuc = nil
		}
	}
	// The header prototypes of the token scan are needed only without a
	// translation unit: when one is being built, the scan runs only if it
	// fails.
	hpc := make(chan protos, 1)
	scanHeaders := func() {
		m, err := headerProtos(name, src, sc, opts, read)
		hpc <- protos{m, err}
	}
	if tuc == nil {
		go scanHeaders()
	}
	if err := f.hermetic(name, sc, opts); err != nil {
		if tuc != nil {
			f.TUErr = (<-tuc).err
		}
		return nil, nil, f.withTUErr(err)
	}
	if err := f.collect(sc); err != nil {
		return nil, nil, err
	}
	headers := func() (*File, error) {
		hp := <-hpc
		if hp.err != nil {
			return nil, hp.err
		}
		f.HeaderProtos = hp.m
		return f, nil
	}
	if tuc == nil {
		f, err := headers()
		return f, nil, err
	}
	return f, func() (*File, error) {
		u := <-tuc
		if u.err == nil {
			f.TU = u.t
			f.HeaderProtos = u.t.headerProtos()
			return f, nil
		}
		f.TUErr = u.err
		scanHeaders()
		return headers()
	}, nil
}

// hasEmitCalls reports whether the file calls an EMIT-family macro (a name
// IsEmitMacro accepts, followed by '(').
func (f *File) hasEmitCalls(sc *scan) bool {
	for i, t := range sc.toks {
		if t.kind == tIdent && i+1 < len(sc.toks) && sc.toks[i+1].kind == tPunct && sc.toks[i+1].ch == '(' &&
			IsEmitMacro(string(f.Src[t.off:t.end])) {
			return true
		}
	}
	return false
}

// hermetic runs cc.Parse on the blanked file, with the typedef fallback.
func (f *File) hermetic(name string, sc *scan, opts Options) error {
	a, err := s390xABI()
	if err != nil {
		return fmt.Errorf("cparse: %v", err)
	}
	blanked := blank(f.Src, sc)
	pre := predefined
	if len(opts.Defines) > 0 {
		var b strings.Builder
		b.WriteString(predefined)
		for _, d := range opts.Defines {
			k, v, ok := strings.Cut(d, "=")
			if !ok {
				v = "1"
			}
			fmt.Fprintf(&b, "#define %s %s\n", k, v)
		}
		pre = b.String()
	}
	if err := f.checkChains(name, sc, a, pre, blanked); err != nil {
		return err
	}
	el, ec := f.lineCol(len(f.Src))
	attempt := func(fixes []string) (*cc.AST, *Error, error) {
		cfg := &cc.Config{ABI: a, SourceCache: &cache, FSOnly: true, ExpansionLimit: expansionLimit}
		if err := cfg.ApplyOptions("-std=gnu11"); err != nil {
			return nil, nil, fmt.Errorf("cparse: %v", err)
		}
		sources := []cc.Source{
			{Name: predefinedName, Value: pre},
			{Name: builtinName, Value: cc.Builtin},
			{Name: stubName, Value: stub},
		}
		if len(fixes) > 0 {
			sources = append(sources, cc.Source{Name: typedefsName, Value: strings.Join(fixes, "")})
		}
		sources = append(sources, cc.Source{Name: name, Value: blanked}, cc.Source{Name: eofName, Value: eofSentinel})
		ast, err := parseSafe(cfg, sources, len(blanked))
		var hung errParserHung
		if errors.As(err, &hung) {
			// The abandoned parse still runs: try nothing more.
			return nil, nil, &Error{File: name, Msg: err.Error()}
		}
		if err != nil {
			return nil, firstError(name, err, el, ec), nil
		}
		return ast, nil, nil
	}
	ast, cur, err := attempt(nil)
	if err != nil {
		return err
	}
	// Unknown names: try, for the identifiers at the error, the fixes
	// that a missing header would have supplied (a type name, an
	// attribute-like macro, a function-like macro expanding to nothing, a
	// declaration or a value), and keep the first that moves the error
	// forward in the file.
	var fixes []string
	tried := map[string]bool{}
	parses := 1
	for cur != nil {
		advanced := false
		for _, fx := range f.fixCandidates(cur, tried, sc) {
			if parses >= maxParses {
				return &Error{File: name, Line: cur.Line, Col: cur.Col, Msg: cur.Msg + fmt.Sprintf(" (gave up after %d parses guessing unknown names)", parses)}
			}
			tried[fx] = true
			parses++
			try := append(fixes[:len(fixes):len(fixes)], fx)
			ast2, e2, err := attempt(try)
			if err != nil {
				// A guess made the parser loop: report the error the
				// guess was meant to fix.
				return cur
			}
			if e2 == nil || e2.after(cur) {
				fixes, ast, cur, advanced = try, ast2, e2, true
				break
			}
		}
		if !advanced {
			return cur
		}
	}
	f.AST = ast
	f.Guessed = fixes
	return nil
}

// fixCandidates returns the declarations to try for the parse error e, in
// order, guessing what a missing header would have supplied:
//
//   - for the nearest identifier before the error (skipping white space,
//     parentheses and '*': "T x", "(T)x") and the one at it:
//     "typedef int X;" and "#define X" (an attribute);
//   - for a call at file scope that holds or precedes the error
//     ("MODULE_LICENSE("GPL");", "static DEFINE_MUTEX(m);"), and for a
//     call with a type among its arguments ("va_arg(ap, char *)"):
//     function-like macros expanding to a declaration
//     ("void __trampcheck_fn(void)"), a type, a value or nothing;
//   - for a call whose ')' precedes a '{' ("list_for_each(p, h) {"):
//     "#define X(...) for (;;)", or a function header at file scope
//     ("SYSCALL_DEFINE1(...) {"); before a '=': "#define X(...)"
//     (an attribute with arguments before an initializer).
//
// Never guessed: keywords, EMIT-family names, the file's own macros and
// the functions it declares. Function-like guesses are limited to those
// places so that a typo inside or after an ordinary call ("f(a b)",
// "f(a) x = 1;") is reported, not hidden. Fixes already tried are left
// out.
func (f *File) fixCandidates(e *Error, tried map[string]bool, sc *scan) []string {
	if e.Line <= 0 || e.Line > len(f.Lines) || !strings.Contains(e.Msg, "unexpected") {
		return nil
	}
	off := min(f.Lines[e.Line-1]+e.Col-1, len(f.Src))
	if off < 0 {
		return nil
	}
	src := f.Src
	var out []string
	add := func(fx string) {
		if !tried[fx] && !slices.Contains(out, fx) {
			out = append(out, fx)
		}
	}
	guessable := func(id string) bool {
		return id != "" && !cKeywords[id] && !IsEmitMacro(id) && !f.defines(id) && !f.declares(sc, id)
	}
	identBefore := func(i int) string {
		s := i
		for s > 0 && isIdentByte(src[s-1]) {
			s--
		}
		if s == i || src[s] >= '0' && src[s] <= '9' {
			return ""
		}
		return string(src[s:i])
	}
	// callName returns the name of the call whose '(' is at open.
	callName := func(open int) string {
		return identBefore(skipBackWS(src, open))
	}
	fnLike := func(id string, bodies ...string) {
		if guessable(id) {
			for _, b := range bodies {
				add("#define " + id + "(...) " + b + "\n")
			}
		}
	}
	atToken := identAt(src, off)
	// The nearest identifier before the error, and the one at it.
	i := off
	for i > 0 && strings.IndexByte(" \t\n()*", src[i-1]) >= 0 {
		i--
	}
	for _, id := range []string{identBefore(i), atToken} {
		if guessable(id) && typeLike(id) {
			add("typedef int " + id + ";\n")
		}
	}
	decl := []string{"void __trampcheck_fn(void)", "int", "0", ""}
	// A call holding the error: at file scope, or with a type argument.
	if o := openBefore(src, off, 4096); o >= 0 {
		if id := callName(o); id != "" && (sc.braceDepth(o) == 0 || typeWords[atToken] || typeArg(src, o)) {
			fnLike(id, decl...)
		}
	}
	// A macro making a string in a concatenation ("asm(... EX_TABLE(0b, 1b) ...)").
	strMacro := func(start int, id string) {
		if j := skipWS(src, start+len(id)); j < len(src) && src[j] == '(' {
			if p := skipBackWS(src, start); p > 0 && src[p-1] == '"' {
				fnLike(id, "\"\"")
			}
		}
	}
	if atToken != "" {
		strMacro(off, atToken)
	} else if off < len(src) && src[off] == '(' {
		if k := skipBackWS(src, off); k > 0 {
			if id := identBefore(k); id != "" {
				strMacro(k-len(id), id)
			}
		}
	}
	// An identifier at the error that starts a file-scope call.
	if j := skipWS(src, off+len(atToken)); atToken != "" && j < len(src) && src[j] == '(' && sc.braceDepth(off) == 0 {
		fnLike(atToken, decl...)
	}
	// A call whose ')' precedes the error.
	j := skipBackWS(src, off)
	if j > 0 && src[j-1] == ')' {
		if o := openBefore(src, j-1, 4096); o >= 0 {
			id := callName(o)
			brace := off < len(src) && src[off] == '{'
			switch {
			case sc.braceDepth(o) == 0 && brace:
				fnLike(id, "void __trampcheck_fn(void)") // a function header
			case sc.braceDepth(o) == 0:
				// An invocation without ';' or an attribute.
				fnLike(id, "", "void __trampcheck_fn(void);")
			case brace:
				fnLike(id, "for (;;)") // an iterator
			case off < len(src) && src[off] == '=':
				fnLike(id, "") // an attribute
			case typeArg(src, o):
				fnLike(id, "0", "int") // "alloc_percpu(struct x);"
			}
		}
	}
	// Attribute-like names expand to nothing; a name followed by '(' is
	// no attribute.
	for _, c := range []struct {
		id    string
		after int
	}{{identBefore(i), i}, {atToken, off + len(atToken)}} {
		if !guessable(c.id) || !attrLike(c.id) {
			continue
		}
		if j := skipWS(src, c.after); j < len(src) && src[j] == '(' {
			continue
		}
		add("#define " + c.id + "\n")
	}
	return out
}

// typeLike reports whether name looks like a type name of the kernel
// ("gfp_t", "__vector128", "u128"): only such names are guessed to be
// types, so that a typo between two ordinary names ("ret foo(a);") is
// not read as a declaration.
func typeLike(name string) bool {
	if strings.HasSuffix(name, "_t") || strings.HasPrefix(name, "__") {
		return true
	}
	switch name {
	case "uint", "ulong", "ushort", "uchar", "u_int", "u_long", "u_short", "u_char":
		return true
	}
	if len(name) > 1 && (name[0] == 'u' || name[0] == 's') {
		for _, c := range name[1:] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// attrLike reports whether name looks like an attribute macro of the
// kernel ("__init", "__ro_after_init", "notrace"): only such names are
// guessed to expand to nothing.
func attrLike(name string) bool {
	switch name {
	case "noinline", "notrace", "noinstr", "asmlinkage", "nokprobe_inline", "noinline_for_stack":
		return true
	}
	return strings.HasPrefix(name, "__")
}

// typeArg reports whether the call whose '(' is at open has a type
// keyword among its arguments (up to its ')'): no function takes a type.
func typeArg(src []byte, open int) bool {
	depth := 0
	for i := open; i < len(src) && i-open < 4096; i++ {
		switch src[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				for _, id := range identsIn(src, open+1, i) {
					if typeWords[id.name] {
						return true
					}
				}
				return false
			}
		}
	}
	return false
}

// typeWords are the keywords that start a type name.
var typeWords = map[string]bool{
	"char": true, "short": true, "int": true, "long": true, "signed": true, "unsigned": true,
	"float": true, "double": true, "void": true, "_Bool": true, "const": true, "volatile": true,
	"struct": true, "union": true, "enum": true, "__typeof__": true, "typeof": true,
}

// declares reports whether the file declares name as a function at file
// scope ("name(" after a type in a declaration), so that no guess turns it
// into a macro. A call after storage classes only ("static
// DEFINE_MUTEX(m);") is no declaration of that name.
func (f *File) declares(sc *scan, name string) bool {
	if f.declared == nil {
		f.declared = map[string]bool{}
		fs := &scan{src: f.Src, fileScope: true}
		fs.run(false)
		typed := false // the declaration so far has a type
		for i, t := range fs.toks {
			if t.kind == tPunct && (t.ch == ';' || t.ch == '{' || t.ch == '}') {
				typed = false
				continue
			}
			if t.kind != tIdent {
				continue
			}
			w := string(f.Src[t.off:t.end])
			if i+1 < len(fs.toks) && isPunct(fs.toks[i+1], '(') && typed && f.paramList(fs.toks, i+1) {
				f.declared[w] = true
			}
			if !declSpecWords[w] {
				typed = true
			}
		}
	}
	return f.declared[name]
}

// paramList reports whether the parentheses opening at toks[open] hold a
// parameter list: "void", a type keyword, or two identifiers in a row
// ("u32 a", "struct x *p"), unlike the arguments of an attribute-like
// macro ("__section(".data")", "DEFINE_MUTEX(m)").
func (f *File) paramList(toks []tok, open int) bool {
	end := matchClose(toks, open)
	if end <= open {
		return false
	}
	prevIdent := false
	for _, t := range toks[open+1 : end] {
		switch {
		case t.kind == tIdent:
			if typeWords[string(f.Src[t.off:t.end])] || prevIdent {
				return true
			}
			prevIdent = true
		case isPunct(t, '*'):
			// "T *p": keep prevIdent
		default:
			prevIdent = false
		}
	}
	return false
}

// declSpecWords are the declaration specifiers that are not types.
var declSpecWords = map[string]bool{
	"static": true, "extern": true, "inline": true, "__inline": true, "__inline__": true,
	"const": true, "volatile": true, "register": true, "auto": true, "_Noreturn": true,
	"__extension__": true, "_Thread_local": true, "__thread": true, "restrict": true,
}

// braceDepth returns the brace nesting at offset off.
func (s *scan) braceDepth(off int) int {
	if s.depths == nil {
		d := 0
		s.depths = make([]int, len(s.toks))
		for i, t := range s.toks {
			if t.kind == tPunct {
				switch t.ch {
				case '{':
					d++
				case '}':
					d = max(d-1, 0)
				}
			}
			s.depths[i] = d
		}
	}
	k := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].off >= off })
	if k == 0 {
		return 0
	}
	return s.depths[k-1]
}

// defines reports whether the file defines name as a macro.
func (f *File) defines(name string) bool {
	for _, m := range f.Macros {
		if m.Name == name {
			return true
		}
	}
	return false
}

// openBefore returns the offset of the innermost '(' left open in
// src[:end], scanning back at most limit bytes and stopping at ';', '{' and '}'
// outside parentheses; -1 when none. Literals and comments are not
// recognized: this serves guesses only.
func openBefore(src []byte, end, limit int) int {
	depth := 0
	for i := end - 1; i >= 0 && end-i <= limit; i-- {
		switch src[i] {
		case ')':
			depth++
		case '(':
			if depth == 0 {
				return i
			}
			depth--
		case ';', '{', '}':
			if depth == 0 {
				return -1
			}
		}
	}
	return -1
}

// skipBackWS returns the offset after the last non-space byte before i.
func skipBackWS(src []byte, i int) int {
	for i > 0 && strings.IndexByte(" \t\n", src[i-1]) >= 0 {
		i--
	}
	return i
}

// parseSafe calls cc.Parse, turning a panic inside it into an error, and
// gives up when it has not returned after parseTimeout(size).
//
// cc/v4's parser loops forever on some malformed input (for example
// "int else sizeof [ ] return __attribute__ sizeof & ;"): a loop that
// reports "unexpected ..." and shifts never advances at the end of input.
// A goroutine cannot be stopped, so the abandoned parse keeps running (and
// collecting error messages) until the process exits; the caller gets an
// error and the CLI exits with status 2 right after.
func parseSafe(cfg *cc.Config, sources []cc.Source, size int) (*cc.AST, error) {
	type result struct {
		ast *cc.AST
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{nil, fmt.Errorf("internal parser error: %v", r)}
			}
		}()
		ast, err := cc.Parse(cfg, sources)
		done <- result{ast, err}
	}()
	limit := parseTimeout(size)
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.ast, r.err
	case <-timer.C:
		return nil, errParserHung{limit}
	}
}

// parseTimeout is the time a parse of size bytes may take: a hundred times
// what the real JIT (82 KB, about 30 ms) needs, and more for larger files.
func parseTimeout(size int) time.Duration {
	return 5*time.Second + time.Duration(size/20_000)*time.Second
}

// errParserHung reports a parse abandoned after its time limit.
type errParserHung struct{ limit time.Duration }

func (e errParserHung) Error() string {
	return fmt.Sprintf("the C parser did not finish within %v (malformed input that makes cc/v4 loop)", e.limit)
}

// ccPos matches the position prefix of a cc/v4 error message.
var ccPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?):(\d+):(\d+): (.*)$`) })

// firstError turns cc's error list into an *Error for the first message.
func firstError(name string, err error, eofLine, eofCol int) *Error {
	msgs := strings.Split(err.Error(), "\n")
	for _, m := range msgs {
		if s := ccPos().FindStringSubmatch(m); s != nil {
			l, _ := strconv.Atoi(s[2])
			c, _ := strconv.Atoi(s[3])
			file := s[1]
			if file == eofName {
				// The parser ran past the end of the file into the
				// sentinel: the file ends in the middle of something.
				return &Error{File: name, Line: eofLine, Col: eofCol, Msg: "unexpected end of file"}
			}
			if file != name {
				// An error in a fixed source: report it against the file.
				return &Error{File: name, Msg: fmt.Sprintf("%s (in %s:%d:%d)", s[4], file, l, c)}
			}
			return &Error{File: name, Line: l, Col: c, Msg: s[4]}
		}
	}
	for _, m := range msgs {
		if rest, ok := strings.CutPrefix(m, "-: "); ok {
			// cc's end-of-input token has no position.
			return &Error{File: name, Line: eofLine, Col: eofCol, Msg: strings.ReplaceAll(rest, "<EOF>", "end of file")}
		}
	}
	msg := strings.TrimSpace(msgs[0])
	if msg == "" {
		msg = "parse error"
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	return &Error{File: name, Msg: msg}
}

// cKeywords are the words that can never be a typedef name.
var cKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`auto break case char const continue default do double else enum
		extern float for goto if inline int long register restrict return short signed sizeof static
		struct switch typedef union unsigned void volatile while _Bool _Complex _Alignas _Alignof
		_Atomic _Generic _Noreturn _Static_assert _Thread_local __attribute__ __attribute
		__inline __inline__ __restrict __restrict__ __signed__ __volatile__ __const __const__
		typeof __typeof__ __typeof asm __asm__ __asm __extension__ __label__ __builtin_va_list`) {
		cKeywords[k] = true
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func identAt(src []byte, off int) string {
	e := off
	for e < len(src) && isIdentByte(src[e]) {
		e++
	}
	if e == off || src[off] >= '0' && src[off] <= '9' {
		return ""
	}
	return string(src[off:e])
}

// lineTable returns the offsets of the line starts of src.
func lineTable(src []byte) []int {
	lines := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			lines = append(lines, i+1)
		}
	}
	return lines
}

// lineCol returns the 1-based line and byte column of offset off.
func (f *File) lineCol(off int) (line, col int) {
	lo, hi := 0, len(f.Lines)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if f.Lines[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1, off - f.Lines[lo] + 1
}

// PosAt returns the Pos of byte offset off in the file.
func (f *File) PosAt(off int) Pos {
	l, c := f.lineCol(off)
	return Pos{Line: l, Col: c, Offset: off}
}

// posLC returns the Pos of a 1-based line and byte column.
func (f *File) posLC(line, col int) Pos {
	if line < 1 || line > len(f.Lines) {
		return Pos{Line: line, Col: col}
	}
	return Pos{Line: line, Col: col, Offset: f.Lines[line-1] + col - 1}
}

// DisplayCol returns the column of p as GCC 12 prints it by default
// (-fdiagnostics-column-unit=display, -ftabstop=8): a tab advances to the
// next tab stop, an East Asian wide or fullwidth character counts two
// columns, a combining mark none, any other character one, and a byte
// that is not valid UTF-8 one.
func (f *File) DisplayCol(p Pos) int {
	if p.Line < 1 || p.Line > len(f.Lines) {
		return p.Col
	}
	start := f.Lines[p.Line-1]
	end := min(start+p.Col-1, len(f.Src))
	return DisplayColumn(f.Src[start:end], len(f.Src[start:end])+1)
}

// DisplayColumn returns the display column (1-based) of the 1-based byte
// column byteCol of the line text, by File.DisplayCol's rules: the one
// implementation of GCC's column for every output format.
func DisplayColumn[T string | []byte](line T, byteCol int) int {
	end := min(byteCol-1, len(line))
	b := []byte(line[:end])
	col := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case r == '\t':
			col = (col/8 + 1) * 8
		case r == utf8.RuneError && size == 1:
			col++
		default:
			col += runeWidth(r)
		}
	}
	return col + 1
}

// wideRanges are the East Asian Wide (W) and Fullwidth (F) code point
// ranges of Unicode that GCC's display width counts as two columns (the
// main blocks; a few narrow symbols inside the emoji blocks are counted
// wide too).
var wideRanges = [][2]rune{
	{0x1100, 0x115F},
	{0x231A, 0x231B},
	{0x2329, 0x232A},
	{0x23E9, 0x23EC},
	{0x23F0, 0x23F0},
	{0x23F3, 0x23F3},
	{0x25FD, 0x25FE},
	{0x2614, 0x2615},
	{0x2648, 0x2653},
	{0x267F, 0x267F},
	{0x2693, 0x2693},
	{0x26A1, 0x26A1},
	{0x26AA, 0x26AB},
	{0x26BD, 0x26BE},
	{0x26C4, 0x26C5},
	{0x26CE, 0x26CE},
	{0x26D4, 0x26D4},
	{0x26EA, 0x26EA},
	{0x26F2, 0x26F3},
	{0x26F5, 0x26F5},
	{0x26FA, 0x26FA},
	{0x26FD, 0x26FD},
	{0x2705, 0x2705},
	{0x270A, 0x270B},
	{0x2728, 0x2728},
	{0x274C, 0x274C},
	{0x274E, 0x274E},
	{0x2753, 0x2755},
	{0x2757, 0x2757},
	{0x2795, 0x2797},
	{0x27B0, 0x27B0},
	{0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C},
	{0x2B50, 0x2B50},
	{0x2B55, 0x2B55},
	{0x2E80, 0x303E},
	{0x3041, 0x33FF},
	{0x3400, 0x4DBF},
	{0x4E00, 0x9FFF},
	{0xA000, 0xA4CF},
	{0xA960, 0xA97F},
	{0xAC00, 0xD7A3},
	{0xF900, 0xFAFF},
	{0xFE10, 0xFE19},
	{0xFE30, 0xFE6F},
	{0xFF00, 0xFF60},
	{0xFFE0, 0xFFE6},
	{0x16FE0, 0x16FE4},
	{0x17000, 0x18AFF},
	{0x1B000, 0x1B2FF},
	{0x1F004, 0x1F004},
	{0x1F0CF, 0x1F0CF},
	{0x1F18E, 0x1F18E},
	{0x1F191, 0x1F19A},
	{0x1F200, 0x1F202},
	{0x1F210, 0x1F23B},
	{0x1F240, 0x1F248},
	{0x1F250, 0x1F251},
	{0x1F260, 0x1F265},
	{0x1F300, 0x1F64F},
	{0x1F680, 0x1F6FF},
	{0x1F7E0, 0x1F7EB},
	{0x1F90C, 0x1F9FF},
	{0x1FA70, 0x1FAFF},
	{0x20000, 0x2FFFD},
	{0x30000, 0x3FFFD},
}

// runeWidth is the display width of r.
func runeWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me) || r >= 0x200B && r <= 0x200F || r == 0xFEFF {
		return 0
	}
	if r < 0x1100 {
		return 1
	}
	k := sort.Search(len(wideRanges), func(i int) bool { return wideRanges[i][1] >= r })
	if k < len(wideRanges) && wideRanges[k][0] <= r {
		return 2
	}
	return 1
}
