package cparse

import (
	"errors"
	"fmt"

	"modernc.org/cc/v4"
)

// MaxChainTokens bounds, after macro expansion, the tokens that the parser
// may have to hold open at once: those of the current statement and of
// every statement and bracket enclosing it. cc/v4's recursive descent
// parser recurses for each prefix operator, cast, assignment, conditional,
// nested if/for/while without braces and else-if, without any limit and
// with time quadratic in the length of an else-if chain; a stack overflow
// cannot be recovered. The real JIT needs a few hundred.
const MaxChainTokens = 10_000

// errChain stops the preprocessing of an input whose statements are too long.
var errChain = errors.New("statement too long")

// chainCounter is the io.Writer for cc.Preprocess that measures the open
// chain: Preprocess writes one token per call (white space apart). An
// opening bracket saves the count; a closing one restores it (the group
// counts one token); ';' at statement level and '}' at file scope end a
// chain, unless 'else' continues it.
type chainCounter struct {
	count, ended int
	stack        []int // the counts at the open brackets
	kinds        []byte
}

func (c *chainCounter) Write(p []byte) (int, error) {
	if len(p) == 0 || p[0] == ' ' || p[0] == '\n' || p[0] == '\t' {
		return len(p), nil
	}
	c.count++
	if len(p) == 1 {
		switch ch := p[0]; ch {
		case '(', '[', '{':
			c.stack = append(c.stack, c.count)
			c.kinds = append(c.kinds, ch)
		case ')', ']', '}':
			if n := len(c.stack); n > 0 {
				c.count = c.stack[n-1]
				c.stack, c.kinds = c.stack[:n-1], c.kinds[:n-1]
			}
			if ch == '}' && len(c.stack) == 0 {
				c.ended, c.count = c.count, 0
			}
		case ';':
			if n := len(c.kinds); n == 0 || c.kinds[n-1] == '{' {
				c.ended = c.count
				if n == 0 {
					c.count = 0
				} else {
					c.count = c.stack[n-1]
				}
			}
		}
	} else if string(p) == "else" {
		c.count = max(c.count, c.ended) + 1
	}
	if c.count > MaxChainTokens {
		return 0, errChain
	}
	return len(p), nil
}

// checkChains preprocesses the blanked file and refuses it when a chain of
// open statements and expressions exceeds MaxChainTokens. Other
// preprocessing errors are left to the parse, which reports them the same
// way.
func (f *File) checkChains(name string, sc *scan, a *cc.ABI, pre string, blanked []byte) error {
	cfg := &cc.Config{ABI: a, SourceCache: &cache, FSOnly: true, ExpansionLimit: expansionLimit}
	if err := cfg.ApplyOptions("-std=gnu11"); err != nil {
		return fmt.Errorf("cparse: %v", err)
	}
	sources := []cc.Source{
		{Name: predefinedName, Value: pre},
		{Name: builtinName, Value: cc.Builtin},
		{Name: stubName, Value: stub},
		{Name: name, Value: blanked},
	}
	var c chainCounter
	err := preprocessChains(cfg, sources, &c)
	if err == nil || !errors.Is(err, errChain) {
		return nil
	}
	e := &Error{File: name, Msg: fmt.Sprintf("statement or expression longer than %d tokens after macro expansion", MaxChainTokens)}
	// The place: where the same measure peaks on the unexpanded tokens
	// (exact unless macros make the chain).
	var u chainCounter
	best, at := -1, 0
	for _, t := range sc.toks {
		_, _ = u.Write(f.Src[t.off:t.end])
		if u.count > best {
			best, at = u.count, t.off
		}
	}
	if best >= 0 {
		e.Line, e.Col = f.lineCol(at)
	}
	return e
}

// preprocessChains calls cc.Preprocess and turns a panic inside it into an error.
func preprocessChains(cfg *cc.Config, sources []cc.Source, c *chainCounter) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal preprocessor error: %v", r)
		}
	}()
	return cc.Preprocess(cfg, sources, c)
}
