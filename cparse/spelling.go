package cparse

import (
	"sort"
	"strings"
)

// ident is an identifier occurrence in the file.
type ident struct {
	off  int
	name string
}

// identsIn returns the identifiers in src[from:to], skipping comments and
// literals.
func identsIn(src []byte, from, to int) []ident {
	var ids []ident
	for i := from; i < to; {
		c := src[i]
		switch {
		case c == '"' || c == '\'':
			i = min(quoted(src, i, c), to)
		case c == '/' && i+1 < to && src[i+1] == '*':
			e := strings.Index(string(src[i+2:to]), "*/")
			if e < 0 {
				return ids
			}
			i += 2 + e + 2
		case c == '/' && i+1 < to && src[i+1] == '/':
			i = lineEnd(src, i)
		case c >= '0' && c <= '9':
			for i < to && (isIdentByte(src[i]) || src[i] == '.') {
				i++
			}
		case isIdentByte(c):
			j := i
			for j < to && isIdentByte(src[j]) {
				j++
			}
			ids = append(ids, ident{i, string(src[i:j])})
			i = j
		default:
			i++
		}
	}
	return ids
}

// macroDef is a #define of the file, for spelling lookups.
type macroDef struct {
	params   map[string]bool
	fnLike   bool
	bodyOff  int
	bodyEnd  int
	defineAt int
}

// macroTable holds the file's #define and #undef history by name, built
// once per file, so that the definition in force at any offset is a binary
// search away.
type macroTable map[string][]macroEntry

// macroEntry is one #define (def set) or #undef (def nil) of a name.
type macroEntry struct {
	at  int
	def *macroDef
}

// newMacroTable indexes the directives of sc.
func newMacroTable(sc *scan) macroTable {
	t := macroTable{}
	for _, d := range sc.directives {
		switch d.name {
		case "undef":
			if ids := identsIn(sc.src, d.argOff, d.end); len(ids) > 0 {
				t[ids[0].name] = append(t[ids[0].name], macroEntry{at: d.off})
			}
		case "define":
			h, ok := sc.macroHead(d)
			if !ok {
				continue
			}
			m := &macroDef{params: map[string]bool{}, bodyOff: h.body, bodyEnd: d.end, defineAt: d.off, fnLike: h.fnLike}
			if h.fnLike {
				for _, id := range identsIn(sc.src, h.open+1, h.close) {
					m.params[id.name] = true
				}
				if strings.Contains(string(sc.src[h.open:h.close]), "...") {
					m.params["__VA_ARGS__"] = true
				}
			}
			t[h.name] = append(t[h.name], macroEntry{at: d.off, def: m})
		}
	}
	return t
}

// at returns the definition of name in force at offset off, or nil.
func (t macroTable) at(name string, off int) *macroDef {
	es := t[name]
	k := sort.Search(len(es), func(i int) bool { return es[i].at >= off })
	if k == 0 {
		return nil
	}
	return es[k-1].def
}

// spelling returns where GCC locates the identifier name that a macro
// invocation at off produced (its spelling location): the identifier in a
// macro body when it is written there, else in the invocation's arguments;
// for a name made by ## pasting, the left operand. It falls back to the
// invocation. It returns the position and the end offset of the spelling.
func (f *File) spelling(defs macroTable, off int, name string) (Pos, int) {
	outer := identAt(f.Src, off)
	// The invocation's arguments: the parenthesized group after the name.
	var args []ident
	if m := defs.at(outer, off); m != nil && m.fnLike {
		i := skipWS(f.Src, off+len(outer))
		if i < len(f.Src) && f.Src[i] == '(' {
			depth := 0
			end := i
			for j := i; j < len(f.Src); j++ {
				if f.Src[j] == '(' {
					depth++
				} else if f.Src[j] == ')' {
					depth--
					if depth == 0 {
						end = j
						break
					}
				}
			}
			args = identsIn(f.Src, i+1, end)
		}
	}
	// The identifiers the bodies write themselves, following the macros
	// that the bodies invoke.
	var body []ident
	seen := map[string]bool{}
	queue := []string{outer}
	for len(queue) > 0 {
		mn := queue[0]
		queue = queue[1:]
		if seen[mn] {
			continue
		}
		seen[mn] = true
		m := defs.at(mn, off)
		if m == nil {
			continue
		}
		for _, id := range identsIn(f.Src, m.bodyOff, m.bodyEnd) {
			if m.params[id.name] {
				continue
			}
			body = append(body, id)
			if defs.at(id.name, off) != nil {
				queue = append(queue, id.name)
			}
		}
	}
	find := func(ids []ident, prefix bool) (ident, bool) {
		for _, id := range ids {
			if id.name == name || prefix && strings.HasPrefix(name, id.name) {
				return id, true
			}
		}
		return ident{}, false
	}
	for _, try := range []struct {
		ids    []ident
		prefix bool
	}{{body, false}, {args, false}, {body, true}, {args, true}} {
		if id, ok := find(try.ids, try.prefix); ok {
			return f.PosAt(id.off), id.off + len(id.name)
		}
	}
	return f.PosAt(off), off + len(outer)
}

func skipWS(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}
