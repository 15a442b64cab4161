package interp

import (
	"bytes"
	"sort"
	"strings"

	"github.com/trampcheck/trampcheck/cparse/cpp"
)

// A header scanner for EnvFromTree: it finds, in a kernel header, the
// definitions that the environment model needs, without preprocessing the
// header: object- and function-like macros, struct, union and enum
// definitions, typedefs and enumerators. Each definition keeps its text,
// its line, the conditional directives that enclose it (so that the
// preprocessor of the synthesized translation unit selects the right one of
// several definitions) and the identifiers it refers to.

// cdef is one definition of a header.
type cdef struct {
	file      string
	line      int // first line of text
	endLine   int // last line of text
	text      string
	wrap      [][]string // enclosing conditional groups: each the #if line and any #elif/#else lines so far
	deps      []string   // identifiers the definition refers to
	tagDeps   []string   // "struct X", "union X", "enum X" it needs complete
	name      string     // what it defines, for messages
	macro     bool
	seq       int // order of appearance over all scanned headers
	collected bool
}

// hindex holds the definitions of the scanned headers by name.
type hindex struct {
	macros      map[string][]*cdef
	tags        map[string][]*cdef // "struct X" and the like
	typedefs    map[string][]*cdef
	enumerators map[string][]*cdef
	seq         int
}

func newHindex() *hindex {
	return &hindex{
		macros:      map[string][]*cdef{},
		tags:        map[string][]*cdef{},
		typedefs:    map[string][]*cdef{},
		enumerators: map[string][]*cdef{},
	}
}

// htok is a token of a header outside directives.
type htok struct {
	text     string
	off, end int
	line     int
	ident    bool
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// qualifiers that may stand between a struct tag and the '*' of a pointer
// member (or expand to nothing in the preamble).
var ptrQualifiers = map[string]bool{
	"const": true, "volatile": true, "__percpu": true, "__rcu": true, "__user": true,
	"__iomem": true, "__force": true, "restrict": true, "__restrict": true,
}

// scanHeader adds the definitions of header file (contents src) to ix,
// read from the tokens of the preprocessor's lexer (cpp.Scan). An error
// is a comment the header leaves open (FILE:LINE:COL).
func (ix *hindex) scanHeader(file string, src []byte) error {
	toks, comments, err := cpp.Scan(file, string(src), true)
	if err != nil {
		return err
	}
	s := &hscanner{ix: ix, file: file, src: src}
	s.run(toks, comments)
	return nil
}

type hscanner struct {
	ix    *hindex
	file  string
	src   []byte
	conds [][]string

	// the current top-level declaration
	decl       []htok
	declWrap   [][]string
	depth      int
	kind       int  // declaration kind decided at its first top-level '{'
	classified bool // kind is decided
	closed     bool // closeIdx is set
	kwIdx      int  // index in decl of the struct/union/enum keyword
	closeIdx   int  // index in decl of the '}' that closed the body
}

const (
	declOther = iota
	declTag
	declFunc
)

func (s *hscanner) snapshot() [][]string {
	if len(s.conds) == 0 {
		return nil
	}
	out := make([][]string, len(s.conds))
	for i, g := range s.conds {
		out[i] = g[:len(g):len(g)]
	}
	return out
}

func (s *hscanner) run(toks []cpp.Lexeme, comments []cpp.Comment) {
	for k := 0; k < len(toks); {
		t := toks[k]
		if t.BOL && t.Kind == cpp.Punct && t.Text == "#" {
			j := k + 1
			for j < len(toks) && !toks[j].BOL {
				j++
			}
			s.directive(t, toks[k+1:j], comments)
			k = j
			continue
		}
		if t.Kind != cpp.Punct {
			s.token(htok{text: t.Text, off: t.Off, end: t.End, line: t.Line, ident: t.Kind == cpp.Ident})
		} else {
			// The declaration reader matches punctuators one character
			// at a time ("**", "...").
			for i := range len(t.Text) {
				s.token(htok{text: t.Text[i : i+1], off: t.Off + i, end: t.Off + i + 1, line: t.Line})
			}
		}
		k++
	}
}

// directive reads the preprocessor directive whose '#' is hash and whose
// tokens after it are toks: its text runs to the newline that ends its
// logical line (not one inside a comment or after a line splice), with
// each block comment and line splice read as a space and line comments
// left out.
func (s *hscanner) directive(hash cpp.Lexeme, toks []cpp.Lexeme, comments []cpp.Comment) {
	src := s.src
	c := sort.Search(len(comments), func(i int) bool { return comments[i].End > hash.End })
	first := c
	end := hash.End
	for {
		nl := bytes.IndexByte(src[end:], '\n')
		if nl < 0 {
			end = len(src)
			break
		}
		nl += end
		for c < len(comments) && comments[c].End <= nl {
			c++
		}
		if c < len(comments) && comments[c].Off < nl {
			end = comments[c].End
			continue
		}
		if splice(src, nl) > 0 {
			end = nl + 1
			continue
		}
		end = nl
		break
	}
	var b strings.Builder
	c = first
	for i := hash.End; i < end; {
		for len(toks) > 0 && toks[0].Off < i {
			toks = toks[1:]
		}
		switch {
		case c < len(comments) && comments[c].Off == i:
			if src[i+1] == '*' {
				b.WriteByte(' ')
			}
			i = comments[c].End
			c++
		case len(toks) > 0 && toks[0].Off == i && (toks[0].Kind == cpp.String || toks[0].Kind == cpp.Char || src[i] == '"' || src[i] == '\''):
			// Literals (and an unclosed quote) as written.
			b.Write(src[i:toks[0].End])
			i = toks[0].End
		case splice(src, i) > 0:
			b.WriteByte(' ')
			i += splice(src, i)
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	endLine := hash.Line + bytes.Count(src[hash.Off:end], []byte{'\n'})
	s.directiveText(strings.TrimSpace(b.String()), func(def string) { s.define(def, hash.Line, endLine) })
}

// directiveText records what a directive (its text after the '#') means
// to the scanner: a line of a conditional group, or a macro definition,
// whose text after "define" it hands to define.
func (s *hscanner) directiveText(text string, define func(def string)) {
	kw, rest := text, ""
	if k := strings.IndexFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '(' || r == '"' || r == '<' }); k >= 0 {
		kw, rest = text[:k], strings.TrimSpace(text[k:])
	}
	switch kw {
	case "if", "ifdef", "ifndef":
		s.conds = append(s.conds, []string{"#" + text})
	case "elif", "else":
		if n := len(s.conds); n > 0 {
			s.conds[n-1] = append(s.conds[n-1], "#"+text)
		}
	case "endif":
		if n := len(s.conds); n > 0 {
			s.conds = s.conds[:n-1]
		}
	case "define":
		define(rest)
	}
}

// splice returns the length of the line splice (backslash, newline, or
// backslash, carriage return, newline) at i of src, or 0. Given the
// offset of a newline, it tells whether a splice ends there (0: no).
func splice(src []byte, i int) int {
	switch {
	case i < len(src) && src[i] == '\n':
		if i >= 1 && src[i-1] == '\\' || i >= 2 && src[i-1] == '\r' && src[i-2] == '\\' {
			return 1
		}
		return 0
	case i+1 < len(src) && src[i] == '\\' && src[i+1] == '\n':
		return 2
	case i+2 < len(src) && src[i] == '\\' && src[i+1] == '\r' && src[i+2] == '\n':
		return 3
	}
	return 0
}

// define records the macro definition "NAME[(PARAMS)] BODY" of the lines
// line to endLine.
func (s *hscanner) define(def string, line, endLine int) {
	name, body, params, ok := defineHead(def)
	if !ok {
		return
	}
	d := &cdef{file: s.file, line: line, endLine: endLine, text: "#define " + def, wrap: s.snapshot(), name: name, macro: true}
	// The body has no comments left: it always lexes.
	lx, _, _ := cpp.Scan(s.file, body, false)
	seen := map[string]bool{}
	for _, t := range lx {
		if t.Kind == cpp.Ident && !params[t.Text] && !seen[t.Text] {
			seen[t.Text] = true
			d.deps = append(d.deps, t.Text)
		}
	}
	// struct tags used by value in the body (sizeof(struct X), a member
	// type passed to another macro).
	d.tagDeps = tagRefs(bodyTokens(lx))
	s.ix.add(s.ix.macros, name, d)
}

// defineHead splits the text of a #define after "define" into the
// macro's name, its body and its parameters (with __VA_ARGS__ for a
// function-like macro); ok is false when it names no macro.
func defineHead(def string) (name, body string, params map[string]bool, ok bool) {
	n := 0
	for n < len(def) && isIdentChar(def[n]) {
		n++
	}
	if n == 0 || !isIdentStart(def[0]) {
		return "", "", nil, false
	}
	name, body = def[:n], def[n:]
	params = map[string]bool{}
	if strings.HasPrefix(body, "(") {
		end := strings.IndexByte(body, ')')
		if end < 0 {
			return "", "", nil, false
		}
		for _, p := range strings.Split(body[1:end], ",") {
			p = strings.TrimSuffix(strings.TrimSpace(p), "...")
			params[p] = true
		}
		params["__VA_ARGS__"] = true
		body = body[end+1:]
	}
	return name, body, params, true
}

// bodyTokens turns the tokens of a macro body into the declaration
// reader's for tagRefs: punctuators one character each.
func bodyTokens(lx []cpp.Lexeme) []htok {
	var out []htok
	for _, t := range lx {
		if t.Kind != cpp.Punct {
			out = append(out, htok{text: t.Text, ident: t.Kind == cpp.Ident})
			continue
		}
		for i := range len(t.Text) {
			out = append(out, htok{text: t.Text[i : i+1]})
		}
	}
	return out
}

func (ix *hindex) add(m map[string][]*cdef, name string, d *cdef) {
	ix.seq++
	if d.seq == 0 {
		d.seq = ix.seq
	}
	m[name] = append(m[name], d)
}

// token processes one token outside directives.
func (s *hscanner) token(t htok) {
	if s.depth == 0 && len(s.decl) == 0 {
		s.declWrap = s.snapshot()
		s.kind = declOther
		s.classified, s.closed = false, false
	}
	s.decl = append(s.decl, t)
	switch t.text {
	case "{":
		if s.depth == 0 && !s.classified {
			s.classify()
			s.classified = true
		}
		s.depth++
	case "}":
		s.depth--
		if s.depth <= 0 {
			s.depth = 0
			if !s.closed {
				s.closeIdx = len(s.decl) - 1
				s.closed = true
			}
			if s.kind == declFunc {
				s.decl = s.decl[:0]
			}
		}
	case ";":
		if s.depth == 0 {
			s.finish()
			s.decl = s.decl[:0]
		}
	}
}

func isTagKeyword(w string) bool { return w == "struct" || w == "union" || w == "enum" }

// classify decides the kind of the current declaration at its first
// top-level '{'.
func (s *hscanner) classify() {
	d := s.decl[:len(s.decl)-1]
	n := len(d)
	paren := 0
	for _, t := range d {
		switch t.text {
		case "(":
			paren++
		case ")":
			paren--
		case "=":
			if paren == 0 {
				s.kind = declOther
				return
			}
		}
	}
	switch {
	case n >= 1 && isTagKeyword(d[n-1].text):
		s.kind, s.kwIdx = declTag, n-1
	case n >= 2 && d[n-1].ident && isTagKeyword(d[n-2].text):
		s.kind, s.kwIdx = declTag, n-2
	case n >= 1 && d[n-1].text == ")":
		s.kind = declFunc
	default:
		s.kind = declOther
	}
}

// finish records the declaration that ends at the current ';'.
func (s *hscanner) finish() {
	d := s.decl
	if len(d) == 0 {
		return
	}
	typedef := d[0].text == "typedef"
	if !typedef && s.kind != declTag {
		return
	}
	first, last := 0, len(d)-1
	text := ""
	if !typedef {
		first = s.kwIdx
		// Keep trailing attributes ("} __packed;"), drop declarators.
		keep, paren := true, 0
		for _, t := range d[s.closeIdx+1 : last] {
			switch {
			case t.text == "(":
				paren++
			case t.text == ")":
				paren--
			case paren == 0 && (t.ident && !strings.HasPrefix(t.text, "__") || t.text == "="):
				keep = false
			}
		}
		if !keep {
			last = s.closeIdx
			text = string(s.src[d[first].off:d[last].end]) + ";"
		}
	}
	if text == "" {
		text = string(s.src[d[first].off:d[last].end])
	}
	toks := d[first : last+1]
	def := &cdef{file: s.file, line: d[first].line, endLine: d[last].line, text: text, wrap: s.declWrap}
	// what it refers to
	var selfTag string
	if s.kind == declTag && s.kwIdx+1 < len(d) && d[s.kwIdx+1].ident {
		selfTag = d[s.kwIdx].text + " " + d[s.kwIdx+1].text
	}
	seen := map[string]bool{}
	for i, t := range toks {
		if !t.ident || seen[t.text] || isTagKeyword(t.text) || t.text == "typedef" || i > 0 && isTagKeyword(toks[i-1].text) {
			continue
		}
		seen[t.text] = true
		def.deps = append(def.deps, t.text)
	}
	for _, r := range tagRefs(toks) {
		// "typedef struct X Y;" names struct X without needing it complete.
		if r != selfTag && (s.kind == declTag || strings.HasPrefix(r, "enum ")) {
			def.tagDeps = append(def.tagDeps, r)
		}
	}
	// what it defines
	if s.kind == declTag {
		if selfTag != "" {
			def.name = selfTag
			s.ix.add(s.ix.tags, selfTag, def)
		} else {
			def.name = d[s.kwIdx].text + " {...}"
		}
		if d[s.kwIdx].text == "enum" {
			s.enumerators(def, d[s.kwIdx:s.closeIdx+1])
		}
	}
	if typedef {
		if n := typedefName(d); n != "" {
			if def.name == "" || strings.HasSuffix(def.name, "{...}") {
				def.name = "typedef " + n
			}
			s.ix.add(s.ix.typedefs, n, def)
		}
	}
}

// enumerators records the enumerators of the enum body toks ("enum [TAG] { ... }").
func (s *hscanner) enumerators(def *cdef, toks []htok) {
	depth, paren := 0, 0
	prev := ""
	for _, t := range toks {
		switch t.text {
		case "{":
			depth++
		case "}":
			depth--
		case "(":
			paren++
		case ")":
			paren--
		}
		if depth == 1 && paren == 0 && t.ident && (prev == "{" || prev == ",") {
			s.ix.add(s.ix.enumerators, t.text, def)
			if strings.HasSuffix(def.name, "{...}") {
				def.name = "enum {" + t.text + ", ...}"
			}
		}
		prev = t.text
	}
}

// typedefName returns the name a typedef declaration defines.
func typedefName(d []htok) string {
	depth, paren, bracket := 0, 0, 0
	name := ""
	for i, t := range d {
		switch t.text {
		case "{":
			depth++
		case "}":
			depth--
		case "(":
			paren++
			// typedef T (*NAME)(...);
			if depth == 0 && paren == 1 && i+2 < len(d) && d[i+1].text == "*" && d[i+2].ident {
				return d[i+2].text
			}
		case ")":
			paren--
		case "[":
			bracket++
		case "]":
			bracket--
		}
		if depth == 0 && paren == 0 && bracket == 0 && t.ident && i > 0 {
			name = t.text
		}
	}
	return name
}

// tagRefs returns the struct, union and enum tags that toks use by value
// (a tag followed by anything but a pointer declarator) or, for enums, at
// all.
func tagRefs(toks []htok) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(toks); i++ {
		if !isTagKeyword(toks[i].text) || !toks[i+1].ident {
			continue
		}
		ref := toks[i].text + " " + toks[i+1].text
		j := i + 2
		for j < len(toks) && toks[j].ident && ptrQualifiers[toks[j].text] {
			j++
		}
		byValue := toks[i].text == "enum" || j >= len(toks) || toks[j].text != "*"
		if byValue && !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	return out
}
