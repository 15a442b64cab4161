package interp

import (
	"strings"
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

// scanHeader adds the definitions of header file (contents src) to ix.
func (ix *hindex) scanHeader(file string, src []byte) {
	s := &hscanner{ix: ix, file: file, src: src, line: 1}
	s.run()
}

type hscanner struct {
	ix    *hindex
	file  string
	src   []byte
	line  int
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

func (s *hscanner) run() {
	src := s.src
	bol := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			s.line++
			bol = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			s.line++
			i += 2
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i = s.skipComment(i)
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '#' && bol:
			i = s.directive(i + 1)
			continue
		}
		bol = false
		start, line := i, s.line
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line, ident: true})
		case c >= '0' && c <= '9':
			for i < len(src) && (isIdentChar(src[i]) || src[i] == '.') {
				i++
			}
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		case c == '"' || c == '\'':
			i = s.skipLiteral(i)
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		default:
			i++
			s.token(htok{text: string(src[start:i]), off: start, end: i, line: line})
		}
	}
}

// skipComment skips the block comment at i, counting lines.
func (s *hscanner) skipComment(i int) int {
	src := s.src
	i += 2
	for i < len(src) {
		if src[i] == '*' && i+1 < len(src) && src[i+1] == '/' {
			return i + 2
		}
		if src[i] == '\n' {
			s.line++
		}
		i++
	}
	return i
}

// skipLiteral skips the string or character literal at i.
func (s *hscanner) skipLiteral(i int) int {
	src := s.src
	q := src[i]
	i++
	for i < len(src) && src[i] != q && src[i] != '\n' {
		if src[i] == '\\' && i+1 < len(src) {
			if src[i+1] == '\n' {
				s.line++
			}
			i++
		}
		i++
	}
	if i < len(src) && src[i] == q {
		i++
	}
	return i
}

// directive reads the preprocessor directive after the '#' at i-1 and
// returns the offset of the newline that ends it.
func (s *hscanner) directive(i int) int {
	src := s.src
	line := s.line
	var b strings.Builder
	for i < len(src) && src[i] != '\n' {
		switch {
		case src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n':
			s.line++
			b.WriteByte(' ')
			i += 2
		case src[i] == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			s.line++
			b.WriteByte(' ')
			i += 3
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '*':
			i = s.skipComment(i)
			b.WriteByte(' ')
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case src[i] == '"' || src[i] == '\'':
			j := s.skipLiteral(i)
			b.Write(src[i:j])
			i = j
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	text := strings.TrimSpace(b.String())
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
		s.define(rest, line)
	}
	return i
}

// define records the macro definition "NAME[(PARAMS)] BODY".
func (s *hscanner) define(def string, line int) {
	n := 0
	for n < len(def) && isIdentChar(def[n]) {
		n++
	}
	if n == 0 || !isIdentStart(def[0]) {
		return
	}
	name, body := def[:n], def[n:]
	params := map[string]bool{}
	if strings.HasPrefix(body, "(") {
		end := strings.IndexByte(body, ')')
		if end < 0 {
			return
		}
		for _, p := range strings.Split(body[1:end], ",") {
			p = strings.TrimSuffix(strings.TrimSpace(p), "...")
			params[p] = true
		}
		params["__VA_ARGS__"] = true
		body = body[end+1:]
	}
	d := &cdef{file: s.file, line: line, endLine: s.line, text: "#define " + def, wrap: s.snapshot(), name: name, macro: true}
	seen := map[string]bool{}
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isIdentStart(c):
			j := i
			for j < len(body) && isIdentChar(body[j]) {
				j++
			}
			id := body[i:j]
			if !params[id] && !seen[id] {
				seen[id] = true
				d.deps = append(d.deps, id)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(body) && (isIdentChar(body[i]) || body[i] == '.') {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < len(body) && body[i] != c {
				if body[i] == '\\' {
					i++
				}
				i++
			}
			i++
		default:
			i++
		}
	}
	// struct tags used by value in the body (sizeof(struct X), a member
	// type passed to another macro).
	d.tagDeps = tagRefs(tokenizeIdents(body))
	s.ix.add(s.ix.macros, name, d)
}

// tokenizeIdents splits a macro body into identifier and punctuator tokens
// for tagRefs.
func tokenizeIdents(body string) []htok {
	var out []htok
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isIdentStart(c):
			j := i
			for j < len(body) && isIdentChar(body[j]) {
				j++
			}
			out = append(out, htok{text: body[i:j], ident: true})
			i = j
		case c == ' ' || c == '\t':
			i++
		default:
			out = append(out, htok{text: body[i : i+1]})
			i++
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
