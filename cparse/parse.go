package cparse

import (
	_ "embed" // predefined macros and the stub header
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"modernc.org/cc/v4"
)

//go:generate sh -c "sh gen_predefined.sh > predefined_s390x.h"

// predefined holds the s390x GCC predefined macros, see gen_predefined.sh.
//
//go:embed predefined_s390x.h
var predefined string

// stub is the hermetic parse's only header.
//
//go:embed stub.h
var stub string

// Limits on the input, so that hostile or broken input fails clearly
// instead of exhausting memory or the stack.
const (
	// MaxFileSize is the largest C file Parse accepts.
	MaxFileSize = 16 << 20
	// MaxNesting is the deepest nesting of (), [] and {} Parse accepts.
	MaxNesting = 200
	// maxTypedefRetries bounds the "typedef int X;" fallback.
	maxTypedefRetries = 64
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
var emitMacro = regexp.MustCompile(`^(_?EMIT[A-Z0-9_]*|REG_SET_SEEN)$`)

// IsEmitMacro reports whether name is one of the EMIT-family macros that
// the front end keeps as calls (_?EMIT[A-Z0-9_]* and REG_SET_SEEN).
func IsEmitMacro(name string) bool { return emitMacro.MatchString(name) }

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
	if opts.Tree != "" {
		name = relName(opts.Tree, name)
	}
	if len(src) > MaxFileSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file too large: %d bytes, limit %d", len(src), MaxFileSize)}
	}
	f := &File{Name: name, Src: src, Lines: lineTable(src)}
	sc := scanFile(src)
	if sc.depthErr != nil {
		l, c := f.lineCol(sc.depthErr.off)
		return nil, &Error{File: name, Line: l, Col: c, Msg: sc.depthErr.msg}
	}
	if err := f.checkNesting(sc); err != nil {
		return nil, err
	}
	if off := sc.checkChains(); off >= 0 {
		l, c := f.lineCol(off)
		return nil, &Error{File: name, Line: l, Col: c, Msg: fmt.Sprintf("more than %d control statements nested without braces", MaxStatementChain)}
	}
	if err := f.hermetic(name, sc, opts); err != nil {
		return nil, err
	}
	f.Macros = sc.macros(f)
	if err := f.collect(sc); err != nil {
		return nil, err
	}
	hp, err := headerProtos(name, src, sc, opts, read)
	if err != nil {
		return nil, err
	}
	f.HeaderProtos = hp
	return f, nil
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
	var typedefs []string
	seen := map[string]bool{}
	var prev *Error // the error the last typedef guess was for
	for range maxTypedefRetries + 1 {
		cfg := &cc.Config{ABI: a, SourceCache: &cache, FSOnly: true, ExpansionLimit: expansionLimit}
		if err := cfg.ApplyOptions("-std=gnu11"); err != nil {
			return fmt.Errorf("cparse: %v", err)
		}
		sources := []cc.Source{
			{Name: predefinedName, Value: pre},
			{Name: builtinName, Value: cc.Builtin},
			{Name: stubName, Value: stub},
		}
		if len(typedefs) > 0 {
			sources = append(sources, cc.Source{Name: typedefsName, Value: strings.Join(typedefs, "")})
		}
		sources = append(sources, cc.Source{Name: name, Value: blanked}, cc.Source{Name: eofName, Value: eofSentinel})
		ast, err := parseSafe(cfg, sources, len(blanked))
		if err == nil {
			f.AST = ast
			return nil
		}
		el, ec := f.lineCol(len(f.Src))
		first := firstError(name, err, el, ec)
		if prev != nil && !first.after(prev) {
			// The last guess did not get the parse further (the name
			// was no type): report the error it was meant to fix.
			return prev
		}
		if id := f.unknownType(first, seen); id != "" {
			seen[id] = true
			typedefs = append(typedefs, "typedef int "+id+";\n")
			prev = first
			continue
		}
		return first
	}
	return &Error{File: name, Msg: fmt.Sprintf("too many unknown type names (more than %d)", maxTypedefRetries)}
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
var ccPos = regexp.MustCompile(`^(.*?):(\d+):(\d+): (.*)$`)

// firstError turns cc's error list into an *Error for the first message.
func firstError(name string, err error, eofLine, eofCol int) *Error {
	msgs := strings.Split(err.Error(), "\n")
	for _, m := range msgs {
		if s := ccPos.FindStringSubmatch(m); s != nil {
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

// unknownType returns the identifier that a parse error is probably
// about when it is an unknown type name: the nearest identifier before the
// error position (skipping '(', ')', '*' and white space, as in "T x",
// "(T)x" and "(T *)p"), else the one at it. Keywords and names already
// tried are skipped.
func (f *File) unknownType(e *Error, seen map[string]bool) string {
	if e.Line <= 0 || e.Line > len(f.Lines) || !strings.Contains(e.Msg, "unexpected") {
		return ""
	}
	off := min(f.Lines[e.Line-1]+e.Col-1, len(f.Src))
	if off < 0 {
		return ""
	}
	ok := func(id string) bool { return id != "" && !seen[id] && !cKeywords[id] }
	i := off
	for range 4 {
		for i > 0 && strings.IndexByte(" \t\n()*", f.Src[i-1]) >= 0 {
			i--
		}
		s := i
		for s > 0 && isIdentByte(f.Src[s-1]) {
			s--
		}
		if s == i {
			break
		}
		if id := string(f.Src[s:i]); ok(id) && (id[0] < '0' || id[0] > '9') {
			return id
		}
		i = s
	}
	if id := identAt(f.Src, off); ok(id) {
		return id
	}
	return ""
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
	col := 0
	for i := start; i < end; {
		r, size := utf8.DecodeRune(f.Src[i:end])
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
