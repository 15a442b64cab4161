package cpp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
)

// Kind is the kind of a preprocessing token.
type Kind uint8

// The token kinds.
const (
	EOF    Kind = iota // end of input (never in Unit.Tokens)
	Ident              // identifiers and keywords
	Number             // pp-numbers
	Char               // character constants, with any prefix
	String             // string literals, with any prefix
	Punct              // punctuators, including digraphs as spelled
	Other              // any other non-white-space character (stray '@', '`', '\\')
)

var kindNames = [...]string{"EOF", "Ident", "Number", "Char", "String", "Punct", "Other", "HeaderName"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Pos is a position as GCC reports it: File as it was opened (the path
// built from the include directory and the #include operand, or as given),
// Line 1-based, Col 1-based byte column (the reporting layer converts to
// GCC's display columns). Line markers (# 12 "x.c") and #line change
// File and Line.
type Pos struct {
	File      string
	Line, Col int
}

// String formats the position as FILE:LINE:COL.
func (p Pos) String() string {
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// Token is one preprocessing token of the expanded translation unit.
type Token struct {
	Kind Kind
	Text string
	// Pos is the spelling location: where the token's characters are
	// written. See the package documentation for tokens made by macro
	// expansion, ## and #.
	Pos Pos
	// Exp is the expansion location: the name of the outermost macro
	// invocation in the file text; == Pos for a token not produced by
	// macro expansion.
	Exp Pos
	// Macro is the outermost macro expanded to produce this token ("" if
	// none).
	Macro string
	Space bool // white space (or a comment) before it in the output
	BOL   bool // first token of a line in the output
}

// Config is the preprocessor's command line.
type Config struct {
	// Read returns a file's contents; the path is what the include search
	// built (path.Join of a directory and the operand) or a name given in
	// Config/Preprocess. nil: os.ReadFile. A missing file must give an
	// error satisfying errors.Is(err, fs.ErrNotExist).
	Read           func(path string) ([]byte, error)
	QuoteDirs      []string // -iquote, searched for "" includes after the including file's directory
	IncludeDirs    []string // -I
	SystemDirs     []string // -isystem, after -I
	Predefined     string   // text processed first as "<built-in>", e.g. the output of gcc -dM -E
	Defines        []string // -D NAME or NAME=VALUE, processed after Predefined as "<command-line>"
	Undefs         []string // -U NAME, processed after Defines
	ForcedIncludes []string // -include FILE, in order, before the main file
	// HasAttribute/HasBuiltin answer __has_attribute / __has_builtin (and
	// __has_c_attribute, __has_cpp_attribute as GCC 12 does); nil: the
	// generated GCC 12 table (see hastable.go).
	HasAttribute func(name string) int
	HasBuiltin   func(name string) int
	// MaxWork bounds the macro expansion work (tokens produced) of one
	// call; 0 means 1<<28. Exceeding it is an *Error, not a hang.
	MaxWork int
	// Share, when set, makes this run the leader of a Share: followers
	// (other versions of the main file) take over its state where their
	// file starts to differ (see Share).
	Share *Share
}

// Unit is one preprocessed translation unit.
type Unit struct {
	Tokens []Token           // the whole expanded translation unit, directives removed, EOF not included
	Files  []string          // every file read, main file first, in order of first opening
	Macros map[string]*Macro // the macro table at the end of the unit
	// Pragmas lists every #pragma directive and _Pragma operator, in order;
	// none is in Tokens.
	Pragmas []Pragma
	// Warnings holds what GCC reports as warnings without stopping:
	// #warning, macro redefinitions.
	Warnings []*Error
}

// Pragma is one #pragma directive or _Pragma operator.
type Pragma struct {
	Pos   Pos    // of the #pragma directive's name or of _Pragma
	Text  string // the pragma's tokens after "pragma", spelled with single spaces
	Index int    // index in Unit.Tokens of the first token after the pragma
}

// Macro is one macro definition.
type Macro struct {
	Name     string
	Params   []string // named parameters; a variadic's name ("args" for args..., "__VA_ARGS__" for ...)
	FnLike   bool
	Variadic bool
	Body     []Token // replacement list (Pos = spelling in the #define)
	Pos      Pos     // of the name in the #define
	Builtin  bool    // a built-in macro such as __LINE__ (no Body)
}

// Error is one preprocessing error, printed as GCC would:
// "FILE:LINE:COL: error: MSG" (or "fatal error:" where GCC says so).
type Error struct {
	Pos   Pos
	Fatal bool
	Msg   string
	// Warning marks what GCC reports as a warning (Unit.Warnings only):
	// printed "warning:".
	Warning bool
}

// Error formats the error as GCC prints it.
func (e *Error) Error() string {
	sev := "error"
	if e.Fatal {
		sev = "fatal error"
	}
	if e.Warning {
		sev = "warning"
	}
	switch {
	case e.Pos.File == "":
		return "cc1: " + sev + ": " + e.Msg
	case e.Pos.Line == 0:
		return e.Pos.File + ": " + sev + ": " + e.Msg
	case e.Pos.Col == 0:
		return e.Pos.File + ":" + strconv.Itoa(e.Pos.Line) + ": " + sev + ": " + e.Msg
	}
	return e.Pos.String() + ": " + sev + ": " + e.Msg
}

// fileID numbers the file names of one call (0 is "").
type fileID uint32

// lpos is a compact Pos.
type lpos struct {
	file      fileID
	line, col int32
}

// ptok is a token inside the preprocessor: a compact Token plus its hide
// set and flags.
type ptok struct {
	Text  string
	hs    *hideset
	Pos   lpos
	Exp   lpos
	src   fileID // with off: Text is in this file's source at off (0: Text is made)
	off   uint32
	macro uint32 // index in pp.mnames of the outermost macro; 0 none
	Kind  Kind
	f     tokFlags
}

// orec is an output token as recorded until the end: no pointers, so
// neither the garbage collector nor write barriers see it.
type orec struct {
	pos, exp lpos
	src      fileID // Text is source[off:off+n] of this file, or made[off] if 0
	off, n   uint32
	macro    uint32
	kind     Kind
	f        tokFlags
}

// pos expands a compact position.
func (p *pp) pos(l lpos) Pos {
	return Pos{File: p.names[l.file], Line: int(l.line), Col: int(l.col)}
}

// macroID interns a macro name for ptok.macro.
func (p *pp) macroID(name string) uint32 {
	if id, ok := p.mids[name]; ok {
		return id
	}
	id := uint32(len(p.mnames))
	p.mnames = append(p.mnames, name)
	p.mids[name] = id
	return id
}

// fileID interns a file name.
func (p *pp) fileID(name string) fileID {
	if id, ok := p.ids[name]; ok {
		return id
	}
	id := fileID(len(p.names))
	p.names = append(p.names, name)
	p.ids[name] = id
	return id
}

// token makes the public token of t.
func (p *pp) token(t *ptok) Token {
	return Token{
		Kind: t.Kind, Text: t.Text, Pos: p.pos(t.Pos), Exp: p.pos(t.Exp), Macro: p.mnames[t.macro],
		Space: t.f&flagSpace != 0, BOL: t.f&flagBOL != 0,
	}
}

// builtin kinds of built-in macros.
type builtinKind uint8

const (
	bNone builtinKind = iota
	bFile
	bLine
	bCounter
	bIncludeLevel
	bBaseFile
	bDate
	bTime
	bTimestamp
	bHasInclude
	bHasIncludeNext
	bHasAttribute
	bHasCAttribute
	bHasCPPAttribute
	bHasBuiltin
)

var builtinNames = map[string]builtinKind{
	"__FILE__":            bFile,
	"__LINE__":            bLine,
	"__COUNTER__":         bCounter,
	"__INCLUDE_LEVEL__":   bIncludeLevel,
	"__BASE_FILE__":       bBaseFile,
	"__DATE__":            bDate,
	"__TIME__":            bTime,
	"__TIMESTAMP__":       bTimestamp,
	"__has_include":       bHasInclude,
	"__has_include_next":  bHasIncludeNext,
	"__has_attribute":     bHasAttribute,
	"__has_c_attribute":   bHasCAttribute,
	"__has_cpp_attribute": bHasCPPAttribute,
	"__has_builtin":       bHasBuiltin,
}

// Fixed values of __DATE__, __TIME__ and __TIMESTAMP__: the output must
// not depend on the clock.
const (
	fixedDate      = `"Jan  1 1970"`
	fixedTime      = `"00:00:00"`
	fixedTimestamp = `"Thu Jan  1 00:00:00 1970"`
)

// macro is a macro with what expansion needs precomputed.
type macro struct {
	pub     *Macro
	body    []ptok
	param   []int // per body token: parameter index, or -1
	vaIdx   int   // index of the variadic parameter, or -1
	builtin builtinKind
	id      uint32   // pp.macroID of the name, 0 until first expanded
	self    *hideset // {name}, 0 until first expanded
}

// cachedFile is one file read and tokenized, kept for the whole call.
type cachedFile struct {
	name    string
	id      fileID
	src     string
	spliced []string
	toks    []ftok
	guardOK bool   // guard has been looked for
	guard   string // the include-guard macro, "" if the file is not wholly guarded
	once    bool   // #pragma once seen
}

// cond is one open conditional group.
type cond struct {
	name    string // directive that opened or last continued it: if, ifdef, ifndef, elif, else
	pos     lpos
	taken   bool // a group of this conditional has been taken
	sawElse bool
}

// text returns the text of token i.
func (cf *cachedFile) text(i int) string {
	t := &cf.toks[i]
	if t.f&flagSpliced != 0 {
		return cf.spliced[t.off]
	}
	return cf.src[t.off : t.off+t.n]
}

// tok returns token i as an internal token.
func (cf *cachedFile) tok(i int) ptok {
	t := &cf.toks[i]
	pos := lpos{file: cf.id, line: t.line, col: t.col}
	if t.f&flagSpliced != 0 {
		return ptok{Text: cf.spliced[t.off], Pos: pos, Exp: pos, Kind: t.kind, f: t.f &^ flagSpliced}
	}
	return ptok{Text: cf.src[t.off : t.off+t.n], src: cf.id, off: t.off, Pos: pos, Exp: pos, Kind: t.kind, f: t.f}
}

// newFile tokenizes src as the file name.
func (p *pp) newFile(name, src string) *cachedFile {
	toks, spliced, err := lexFile(name, src)
	if err != nil {
		panic(err)
	}
	cf := &cachedFile{name: name, id: p.fileID(name), src: src, spliced: spliced, toks: toks}
	for int(cf.id) >= len(p.byID) {
		p.byID = append(p.byID, nil)
	}
	p.byID[cf.id] = cf
	return cf
}

// frame is one file being read.
type frame struct {
	path   string
	toks   []ftok
	i      int
	dirIdx int // index in the search chain where found; -1 the including file's directory; -2 not searched
	conds  []cond
	cf     *cachedFile
	// #line state.
	remap    bool
	presumed fileID
	delta    int32
	forced   bool // a <built-in>, <command-line> or -include frame
}

// pp is the state of one Preprocess call.
type pp struct {
	cfg      *Config
	read     func(string) ([]byte, error)
	macros   map[string]*macro
	files    map[string]*cachedFile
	fileList []string
	frames   []*frame
	chain    []string // QuoteDirs, IncludeDirs, SystemDirs
	nQuote   int
	pending  []ptok // pushed-back and expanded tokens, top last
	pendBase int    // read returns EOF when len(pending) == pendBase in isolation
	isolated bool
	inDir    bool     // reading a directive line
	chunks   [][]orec // output in chunks of outChunk tokens (no regrowth copies)
	made     []string // texts of output tokens not in a file's source
	byID     []*cachedFile
	mnames   []string // macro names by index (0: none)
	mids     map[string]uint32
	nOut     int
	bufs     [][]ptok // free token buffers for substitution
	slab     []ptok   // argument tokens, used as a stack
	pragmas  []Pragma
	warnings []*Error
	counter  int
	work     int
	maxWork  int
	baseFile string
	forced   []string
	hs       hsTable
	names    []string // file names by fileID
	ids      map[string]fileID
	macroPos map[string][]*macro // #pragma push_macro stacks
	// mayBeMacro filters identifiers before the macro table lookup: a
	// name never defined is rejected without hashing the string.
	mayBeMacro nameFilter
	last       lpos // GCC's current location: the last token read from a file, or EOF just after it
	lastEnd    lpos
	// top: the current step of the main loop has read no token yet (so
	// a directive read now is at a point where a Share follower can take
	// over).
	top bool
}

// Preprocess preprocesses the file name (read through cfg.Read) as
// `gcc -E` would, and returns the whole token stream. Errors that GCC
// treats as fatal (missing include, #error, unterminated #if/comment/
// argument list, bad directive syntax, include depth over 200) give an
// *Error; so do the other errors GCC reports (the first one stops).
func Preprocess(cfg *Config, name string) (*Unit, error) {
	p := newPP(cfg, name)
	err := p.run(name)
	if err != nil {
		return nil, err
	}
	u := &Unit{Tokens: p.stream().Tokens(), Files: p.fileList, Macros: make(map[string]*Macro, len(p.macros)), Pragmas: p.pragmas, Warnings: p.warnings}
	for n, m := range p.macros {
		// The public body is made for the final table only.
		if m.pub.Body == nil && len(m.body) > 0 {
			m.pub.Body = make([]Token, len(m.body))
			for k := range m.body {
				m.pub.Body[k] = p.token(&m.body[k])
			}
		}
		u.Macros[n] = m.pub
	}
	return u, nil
}

// PreprocessStream is Preprocess for a reader of the whole unit that
// needs neither the macro table nor a []Token: the tokens stay in the
// preprocessor's compact form (about 44 bytes a token instead of 112,
// their texts slices of the files read), and a Token is made only when
// asked for.
func PreprocessStream(cfg *Config, name string) (*Stream, error) {
	p := newPP(cfg, name)
	if err := p.run(name); err != nil {
		return nil, err
	}
	return p.stream(), nil
}

// newPP returns the state of one call.
func newPP(cfg *Config, name string) *pp {
	if cfg == nil {
		cfg = &Config{}
	}
	p := &pp{
		cfg:      cfg,
		read:     cfg.Read,
		macros:   make(map[string]*macro, 4096),
		files:    make(map[string]*cachedFile),
		baseFile: name,
		maxWork:  cfg.MaxWork,
		names:    []string{""},
		ids:      map[string]fileID{"": 0},
		byID:     []*cachedFile{nil},
		mnames:   []string{""},
		mids:     map[string]uint32{},
	}
	if p.read == nil {
		p.read = os.ReadFile
	}
	if p.maxWork <= 0 {
		p.maxWork = 1 << 28
	}
	p.hs.init()
	p.chain = append(append(append([]string(nil), cfg.QuoteDirs...), cfg.IncludeDirs...), cfg.SystemDirs...)
	p.nQuote = len(cfg.QuoteDirs)
	for n, k := range builtinNames {
		p.macros[n] = &macro{pub: &Macro{Name: n, Builtin: true, Pos: Pos{File: "<built-in>"}}, builtin: k, vaIdx: -1}
		p.mayBeMacro.add(n)
	}
	return p
}

func (p *pp) run(name string) (err error) {
	if s := p.cfg.Share; s != nil {
		defer s.close()
	}
	defer catch(&err)
	// The main file first, so that it is Files[0].
	cf, rerr := p.load(name)
	if rerr != nil {
		if errors.Is(rerr, fs.ErrNotExist) {
			return &Error{Fatal: true, Msg: name + ": No such file or directory"}
		}
		return &Error{Fatal: true, Msg: name + ": " + rerr.Error()}
	}
	p.frames = append(p.frames, &frame{path: name, toks: cf.toks, cf: cf, dirIdx: -2})
	// Then the built-in and command-line definitions and forced includes,
	// each a frame above the main file, in order.
	var cl strings.Builder
	for _, d := range p.cfg.Defines {
		n, v, ok := strings.Cut(d, "=")
		if !ok {
			v = "1"
		}
		cl.WriteString("#define " + n + " " + v + "\n")
	}
	for _, u := range p.cfg.Undefs {
		cl.WriteString("#undef " + u + "\n")
	}
	p.forced = append([]string{"\x00<built-in>", "\x00<command-line>"}, p.cfg.ForcedIncludes...)
	builtinText := map[string]string{"\x00<built-in>": p.cfg.Predefined, "\x00<command-line>": cl.String()}
	next := func() {
		for len(p.forced) > 0 {
			f := p.forced[0]
			p.forced = p.forced[1:]
			if t, ok := builtinText[f]; ok {
				n := f[1:]
				cf := p.newFile(n, t)
				p.frames = append(p.frames, &frame{path: n, toks: cf.toks, cf: cf, dirIdx: -2, forced: true})
				return
			}
			p.includeForced(f)
			if p.frames[len(p.frames)-1].forced {
				return
			}
		}
	}
	next()
	return p.loop(next)
}

// catch, deferred, ends a run that panicked with an *Error (how the
// preprocessor stops at a fatal error) with that error in *err; any other
// panic goes on.
func catch(err *error) {
	if r := recover(); r != nil {
		e, ok := r.(*Error)
		if !ok {
			panic(r)
		}
		*err = e
	}
}

// resume runs a state forked from a leader (see Share) to the end.
func (p *pp) resume() (err error) {
	defer catch(&err)
	return p.loop(func() {})
}

// loop reads the unit to the end of the main file; next enters the next
// forced include.
func (p *pp) loop(next func()) error {
	for {
		p.top = true
		t := p.expandNext()
		if t.Kind != EOF {
			p.emit(&t)
			continue
		}
		top := p.frames[len(p.frames)-1]
		if len(top.conds) > 0 {
			c := top.conds[len(top.conds)-1]
			p.fail(lpos{file: c.pos.file, line: c.pos.line}, false, "unterminated #%s", c.name)
		}
		if !top.cf.guardOK {
			top.cf.guard = detectGuard(top.cf)
			top.cf.guardOK = true
		}
		if len(p.frames) == 1 {
			return nil
		}
		p.frames = p.frames[:len(p.frames)-1]
		if top.forced && len(p.frames) == 1 {
			next()
		}
	}
}

// fail stops preprocessing with an error.
func (p *pp) fail(pos lpos, fatal bool, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	panic(&Error{Pos: p.pos(pos), Fatal: fatal, Msg: msg})
}

// load reads and tokenizes a file once per call.
func (p *pp) load(name string) (*cachedFile, error) {
	if cf, ok := p.files[name]; ok {
		if cf == nil {
			return nil, fs.ErrNotExist
		}
		return cf, nil
	}
	b, err := p.read(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			p.files[name] = nil
		}
		return nil, err
	}
	cf := p.newFile(name, string(b))
	p.files[name] = cf
	p.fileList = append(p.fileList, name)
	return cf, nil
}

var eofTok = ptok{Kind: EOF}

// nameFilter is a one-hash Bloom filter of macro names (never cleared).
type nameFilter [1 << 14]bool

func filterHash(s string) int {
	n := len(s)
	if n == 0 {
		return 0
	}
	return (n*131 + int(s[0])*31 + int(s[n-1])*7 + int(s[n/2])) & (1<<14 - 1)
}

func (f *nameFilter) add(s string) { f[filterHash(s)] = true }

func (f *nameFilter) has(s string) bool { return f[filterHash(s)] }

const outChunk = 1 << 15

// emit appends a token to the output.
func (p *pp) emit(t *ptok) {
	n := len(p.chunks)
	if n == 0 || len(p.chunks[n-1]) == outChunk {
		p.chunks = append(p.chunks, make([]orec, 0, outChunk))
		n++
	}
	r := orec{pos: t.Pos, exp: t.Exp, src: t.src, off: t.off, n: uint32(len(t.Text)), macro: t.macro, kind: t.Kind, f: t.f}
	if t.src == 0 {
		r.off = uint32(len(p.made))
		p.made = append(p.made, t.Text)
	}
	p.chunks[n-1] = append(p.chunks[n-1], r)
	p.nOut++
}

// Stream is a preprocessed translation unit in compact form: Preprocess's
// Unit without the macro table, its tokens read by index.
type Stream struct {
	Files    []string // every file read, main file first, in order of first opening
	Pragmas  []Pragma // as Unit.Pragmas
	Warnings []*Error // as Unit.Warnings
	chunks   [][]orec
	n        int
	made     []string
	srcs     []string // file sources by fileID ("" for an id not read as a file)
	names    []string // file names by fileID
	mnames   []string // macro names by index
	// macros is the macro table at the end of the unit, for MacroNotes.
	macros map[string]*macro
}

// stream returns the output as a Stream. It keeps the texts of the files
// read, not their tokens.
func (p *pp) stream() *Stream {
	s := &Stream{
		Files: p.fileList, Pragmas: p.pragmas, Warnings: p.warnings,
		chunks: p.chunks, n: p.nOut, made: p.made, srcs: make([]string, len(p.byID)), names: p.names, mnames: p.mnames, macros: p.macros,
	}
	for i, cf := range p.byID {
		if cf != nil {
			s.srcs[i] = cf.src
		}
	}
	p.chunks, p.made = nil, nil
	return s
}

// Len returns the number of tokens.
func (s *Stream) Len() int { return s.n }

// Spelled reports whether token i's text is written in its file at its
// spelling position (Pos): false for a token made by ## or #, by a
// built-in macro such as __LINE__, or an identifier with a line splice.
func (s *Stream) Spelled(i int) bool { return s.rec(i).src != 0 }

// rec returns the record of token i.
func (s *Stream) rec(i int) *orec { return &s.chunks[i/outChunk][i%outChunk] }

// Text returns token i's spelling.
func (s *Stream) Text(i int) string {
	r := s.rec(i)
	if r.src != 0 {
		return s.srcs[r.src][r.off : r.off+r.n]
	}
	return s.made[r.off]
}

// Kind returns token i's kind.
func (s *Stream) Kind(i int) Kind { return s.rec(i).kind }

// Token returns token i as Preprocess's Unit.Tokens[i].
func (s *Stream) Token(i int) Token {
	r := s.rec(i)
	return Token{
		Kind: r.kind, Text: s.Text(i), Pos: s.pos(r.pos), Exp: s.pos(r.exp), Macro: s.mnames[r.macro],
		Space: r.f&flagSpace != 0, BOL: r.f&flagBOL != 0,
	}
}

// pos expands a compact position.
func (s *Stream) pos(l lpos) Pos {
	return Pos{File: s.names[l.file], Line: int(l.line), Col: int(l.col)}
}

// Tokens returns the whole stream as a []Token.
func (s *Stream) Tokens() []Token {
	out := make([]Token, s.n)
	for i := range out {
		out[i] = s.Token(i)
	}
	return out
}

// getBuf returns an empty token buffer.
func (p *pp) getBuf() []ptok {
	if n := len(p.bufs); n > 0 {
		b := p.bufs[n-1]
		p.bufs = p.bufs[:n-1]
		return b[:0]
	}
	return make([]ptok, 0, 64)
}

// putBuf returns a buffer to the pool.
func (p *pp) putBuf(b []ptok) {
	if cap(b) <= 1<<16 {
		p.bufs = append(p.bufs, b)
	}
}

// next returns the next token: pushed-back or expanded tokens first, then
// the current file's, with directives carried out.
func (p *pp) next() ptok {
	if n := len(p.pending); n > p.pendBase {
		t := p.pending[n-1]
		p.pending = p.pending[:n-1]
		return t
	}
	if p.isolated {
		return eofTok
	}
	return p.readFile()
}

// unread pushes t back.
func (p *pp) unread(t ptok) { p.pending = append(p.pending, t) }

// push pushes tokens so that toks[0] is read next.
func (p *pp) push(toks []ptok) {
	for i := len(toks) - 1; i >= 0; i-- {
		p.pending = append(p.pending, toks[i])
	}
}

// readFile reads the current file, carrying out directives.
func (p *pp) readFile() ptok {
	for {
		if p.top && !p.inDir && len(p.frames) == 1 && p.cfg.Share != nil && p.cfg.Share.limit.Load() >= 0 {
			// The main file, before any token of this step of the
			// main loop: a point where a follower can take over.
			p.offerForks()
		}
		f := p.frames[len(p.frames)-1]
		if f.i >= len(f.toks) {
			p.last = f.lineEnd(f.i-1, p.lastEnd)
			return eofTok
		}
		t := &f.toks[f.i]
		if p.inDir {
			if t.f&flagBOL != 0 {
				p.last = f.lineEnd(f.i-1, p.lastEnd)
				return eofTok
			}
			r := f.get(f.i)
			f.i++
			p.last, p.lastEnd = r.Pos, endOf(&r)
			p.top = false
			return r
		}
		if t.f&flagBOL != 0 && t.kind == Punct && (t.n == 1 || t.n == 2) && isHashText(f.cf.text(f.i)) {
			h := f.get(f.i)
			f.i++
			p.directive(f, h)
			continue
		}
		r := f.get(f.i)
		f.i++
		p.last, p.lastEnd = r.Pos, endOf(&r)
		p.top = false
		return r
	}
}

// lineEnd returns where GCC puts the end of the line of token i: the
// newline after it (or def).
func (f *frame) lineEnd(i int, def lpos) lpos {
	if i < 0 || i >= len(f.toks) || f.toks[i].f&flagSpliced != 0 {
		return def
	}
	t := &f.toks[i]
	end := int(t.off + t.n)
	j := strings.IndexByte(f.cf.src[end:], '\n')
	if j < 0 {
		j = len(f.cf.src) - end
	}
	pos := f.get(i).Pos
	pos.col += int32(t.n) + int32(j)
	return pos
}

// endOf returns the position just after t.
func endOf(t *ptok) lpos {
	e := t.Pos
	e.col += int32(len(t.Text))
	return e
}

// isHashText reports whether s is '#' or its digraph.
func isHashText(s string) bool { return s == "#" || s == "%:" }

// get returns token i of the file, with #line applied.
func (f *frame) get(i int) ptok {
	c := f.cf.tok(i)
	if !f.remap {
		return c
	}
	c.Pos.file = f.presumed
	c.Pos.line += f.delta
	c.Exp = c.Pos
	return c
}

// restOfLine returns the raw tokens of the rest of the directive line.
func (p *pp) restOfLine(f *frame) []ptok {
	start := f.i
	for f.i < len(f.toks) && f.toks[f.i].f&flagBOL == 0 {
		f.i++
	}
	out := make([]ptok, 0, f.i-start)
	for k := start; k < f.i; k++ {
		out = append(out, f.get(k))
	}
	if len(out) > 0 {
		p.last = endOf(&out[len(out)-1])
		p.lastEnd = p.last
	}
	return out
}

// skipLine skips the rest of the directive line.
func skipLine(f *frame) {
	for f.i < len(f.toks) && f.toks[f.i].f&flagBOL == 0 {
		f.i++
	}
}

// detectGuard returns X when the whole file is "#ifndef X" (or "#if
// !defined X") ... "#endif" with nothing outside.
func detectGuard(cf *cachedFile) string {
	toks := cf.toks
	if len(toks) < 4 || !isDirective(cf, 0) {
		return ""
	}
	var guard string
	var i int
	switch cf.text(1) {
	case "ifndef":
		if toks[2].kind != Ident || toks[2].f&flagBOL != 0 {
			return ""
		}
		guard = cf.text(2)
		i = 3
	case "if":
		// #if !defined X or #if !defined(X)
		j := 2
		want := []string{"!", "defined"}
		for _, w := range want {
			if j >= len(toks) || cf.text(j) != w || toks[j].f&flagBOL != 0 {
				return ""
			}
			j++
		}
		paren := j < len(toks) && cf.text(j) == "(" && toks[j].f&flagBOL == 0
		if paren {
			j++
		}
		if j >= len(toks) || toks[j].kind != Ident || toks[j].f&flagBOL != 0 {
			return ""
		}
		guard = cf.text(j)
		j++
		if paren {
			if j >= len(toks) || cf.text(j) != ")" {
				return ""
			}
			j++
		}
		i = j
	default:
		return ""
	}
	if i < len(toks) && toks[i].f&flagBOL == 0 {
		return ""
	}
	depth := 1
	for ; i < len(toks); i++ {
		if !isDirective(cf, i) {
			continue
		}
		switch cf.text(i + 1) {
		case "if", "ifdef", "ifndef":
			depth++
		case "elif", "else", "elifdef", "elifndef":
			if depth == 1 {
				return ""
			}
		case "endif":
			depth--
			if depth == 0 {
				// Nothing but the rest of this line may follow.
				for j := i + 1; j < len(toks); j++ {
					if toks[j].f&flagBOL != 0 {
						return ""
					}
				}
				return guard
			}
		}
	}
	return ""
}

// isDirective reports whether toks[i] is the '#' of a directive followed
// by its name on the same line.
func isDirective(cf *cachedFile, i int) bool {
	toks := cf.toks
	t := &toks[i]
	return t.f&flagBOL != 0 && t.kind == Punct && (t.n == 1 || t.n == 2) && isHashText(cf.text(i)) &&
		i+1 < len(toks) && toks[i+1].f&flagBOL == 0 && toks[i+1].kind == Ident
}

// stringLit quotes s as a C string literal.
func stringLit(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// joinDir joins an include directory and an operand as the search does.
func joinDir(dir, name string) string {
	if path.IsAbs(name) || dir == "" {
		return name
	}
	return path.Join(dir, name)
}
