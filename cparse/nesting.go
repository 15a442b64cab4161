package cparse

import "fmt"

// MaxExpandedNesting bounds the nesting of (), [] and {} that macro
// expansion can produce. cc/v4's parser recurses once per level without a
// limit, and a stack overflow cannot be recovered, so Parse refuses input
// whose bound exceeds it.
const MaxExpandedNesting = 5000

// nestingBound returns an upper bound of the bracket nesting of the file
// after expansion of its own macros, and the offset where it is reached.
//
// Each macro m gets exp(m), a bound of the nesting its expansion adds: the
// deepest point of its replacement list, where an opening parenthesis of an
// invocation of a function-like macro X counts exp(X)+1 levels (the
// arguments end up at most that deep in X's expansion) and an object-like
// macro or invocation counts its exp. The file is measured the same way.
// Macros are not recursive, and a cycle counts 0.
func nestingBound(src []byte, sc *scan) (bound, at int) {
	type mdef struct {
		fnLike bool
		toks   []tok
		src    []byte
	}
	defs := map[string]*mdef{}
	for d, h := range sc.defines() {
		name := h.name
		m := &mdef{fnLike: h.fnLike}
		if h.body < d.end {
			// Lex the replacement list on its own; a leading space
			// keeps a '#' from starting a directive.
			m.src = append([]byte{' '}, src[h.body:d.end]...)
			s := &scan{src: m.src}
			s.run(false)
			m.toks = s.toks
		}
		defs[name] = m
	}
	memo := map[string]int{}
	active := map[string]bool{}
	var exp func(name string) int
	var measure func(b []byte, toks []tok) (int, int)
	exp = func(name string) int {
		if v, ok := memo[name]; ok {
			return v
		}
		m := defs[name]
		if m == nil || active[name] {
			return 0
		}
		active[name] = true
		v, _ := measure(m.src, m.toks)
		delete(active, name)
		memo[name] = v
		return v
	}
	measure = func(b []byte, toks []tok) (int, int) {
		var stack []int
		cur, best, at := 0, 0, 0
		pending := 0 // weight of the next '(' when it opens an invocation
		for i, t := range toks {
			switch {
			case t.kind == tIdent:
				pending = 0
				m := defs[string(b[t.off:t.end])]
				if m == nil {
					continue
				}
				e := exp(string(b[t.off:t.end]))
				if m.fnLike && i+1 < len(toks) && isPunct(toks[i+1], '(') {
					pending = e + 1
					continue
				}
				if cur+e > best {
					best, at = cur+e, t.off
				}
			case t.kind == tPunct && (t.ch == '(' || t.ch == '[' || t.ch == '{'):
				w := 1
				if pending > 0 && t.ch == '(' {
					w = pending
				}
				pending = 0
				stack = append(stack, w)
				cur += w
				if cur > best {
					best, at = cur, t.off
				}
			case t.kind == tPunct && (t.ch == ')' || t.ch == ']' || t.ch == '}'):
				pending = 0
				if n := len(stack); n > 0 {
					cur -= stack[n-1]
					stack = stack[:n-1]
				}
			default:
				pending = 0
			}
		}
		return best, at
	}
	return measure(src, sc.toks)
}

// checkNesting returns an error when the expanded nesting may exceed
// MaxExpandedNesting.
func (f *File) checkNesting(sc *scan) error {
	bound, at := nestingBound(f.Src, sc)
	if bound <= MaxExpandedNesting {
		return nil
	}
	l, c := f.lineCol(at)
	return &Error{File: f.Name, Line: l, Col: c, Msg: fmt.Sprintf("macro expansion may nest brackets %d levels deep, limit %d", bound, MaxExpandedNesting)}
}

// MaxStatementChain bounds chains of control statements nested without
// braces ("else if" chains, "if (a) if (b) ..."): cc/v4 gives each a scope
// nested in the previous one and looks identifiers up through all of them,
// so the parse time grows with the square of the chain.
const MaxStatementChain = 1000

// checkChains returns the offset where a braceless chain of control
// statements exceeds MaxStatementChain, or -1. A control keyword (if, for,
// while, switch, do) extends the chain when it is the body of the previous
// statement: right after "else", "do" or the ')' closing a control header.
// The chain ends at a ';' or '}' that no "else" follows.
func (s *scan) checkChains() int {
	toks := s.toks
	word := func(t tok) string {
		if t.kind != tIdent {
			return ""
		}
		return string(s.src[t.off:t.end])
	}
	chain := 0
	headerEnd := -1 // index of the ')' closing the last control header
	for i, t := range toks {
		w := word(t)
		switch w {
		case "if", "for", "while", "switch", "do":
			if i > 0 && (word(toks[i-1]) == "else" || word(toks[i-1]) == "do" || headerEnd == i-1) {
				chain++
				if chain > MaxStatementChain {
					return t.off
				}
			}
			if w != "do" && i+1 < len(toks) && isPunct(toks[i+1], '(') {
				headerEnd = matchClose(toks, i+1)
			}
			continue
		}
		if t.kind == tPunct && (t.ch == ';' || t.ch == '}') {
			if i+1 >= len(toks) || word(toks[i+1]) != "else" {
				chain = 0
			}
		}
	}
	return -1
}
