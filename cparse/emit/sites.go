package emit

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
)

// Analyzer finds, once for all the encoding checks, the EMIT family in
// every C file of the pass: the definitions of the described macros and
// every EMIT call with its description, its parsed arguments and the
// comment that describes it. It reports nothing; the checks list it in
// Requires and read pass.ResultOf[emit.Analyzer].(*emit.Result), as
// x/tools passes share inspect.
var Analyzer = &analysis.Analyzer{
	Name:       "emit",
	Doc:        "find the EMIT macro definitions and calls for the encoding checks",
	URL:        "https://github.com/trampcheck/trampcheck/tree/main/cparse/emit",
	Requires:   []*analysis.Analyzer{cparse.Analyzer},
	Run:        run,
	ResultType: reflect.TypeOf((*Result)(nil)),
}

// Result is the Analyzer's result: one entry per file of the front end's
// result, in its order.
type Result struct {
	Files []*File
}

// File is the EMIT family of one parsed C file. It is read-only once
// made: the checks that share it run at the same time.
type File struct {
	File *cparse.File
	// Defs are the file's definitions of described macros and literal
	// pool macros, in file order.
	Defs []Def
	// Sites are the file's EMIT calls in code (cparse.File.Emits), in
	// source order.
	Sites []Site
}

// Def is one definition of a described macro in the file.
type Def struct {
	Def   *cparse.Macro
	Macro *Macro // nil for a literal pool macro
	Pool  *Pool  // nil for an EMIT macro
}

// Site is one EMIT call.
type Site struct {
	Call *cparse.EmitCall
	// Macro describes the called macro; nil for an EMIT-family name the
	// description does not hold (a helper such as EMIT_CONST_U64 or a
	// macro the file adds).
	Macro *Macro
	// Args are the call's arguments parsed as C expressions; an entry is
	// nil where the text does not parse.
	Args []cexpr.Node
	// Above is the one-line comment that describes the call from above an
	// if header or a simple assignment between them ("/* brcl 8,skip */
	// patch = jit->prg; EMIT..."), when the front end's Call.Comment is not
	// directly above it; "" with HasAbove false when there is none.
	Above    string
	HasAbove bool
}

func run(pass *analysis.Pass) (any, error) {
	res, _ := pass.ResultOf[cparse.Analyzer].(*cparse.Result)
	if res == nil {
		return nil, fmt.Errorf("emit: no front end result")
	}
	out := &Result{}
	for _, f := range res.Files {
		out.Files = append(out.Files, Find(f))
	}
	return out, nil
}

// Find collects the EMIT family of f (what the Analyzer does per file).
func Find(f *cparse.File) *File {
	out := &File{File: f, Defs: Defs(f)}
	for i := range f.Emits {
		call := &f.Emits[i]
		s := Site{Call: call, Macro: byName[call.Name]}
		s.Args = make([]cexpr.Node, len(call.Args))
		for k, a := range call.Args {
			if n, err := cexpr.ParseExpr(a.Text); err == nil {
				s.Args[k] = n
			}
		}
		if call.Comment == nil || call.Comment.SameLine {
			s.Above, s.HasAbove = commentAbove(f, call)
		}
		out.Sites = append(out.Sites, s)
	}
	return out
}

// Defs returns f's definitions of described macros and literal pool
// macros, in file order (File.Defs, without the call sites).
func Defs(f *cparse.File) []Def {
	var out []Def
	for i := range f.Macros {
		d := &f.Macros[i]
		m, isMacro := byName[d.Name]
		p, isPool := poolByName[d.Name]
		if isMacro || isPool {
			out = append(out, Def{Def: d, Macro: m, Pool: p})
		}
	}
	return out
}

// poolByName indexes pools.
var poolByName = func() map[string]*Pool {
	m := make(map[string]*Pool, len(pools))
	for i := range pools {
		m[pools[i].Name] = &pools[i]
	}
	return m
}()

// soleComment matches a line holding only a one-line block comment.
var soleComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*/\*(.*)\*/\s*$`) })

// between matches the lines that may stand between a comment and the EMIT
// it describes: an if or else header, a simple assignment.
var between = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(if\s*\(.*\)\s*\{?|else|\}\s*else\s*\{?|\{|return\b[^;]*;|[A-Za-z_][A-Za-z0-9_>.\-]*\s*(\||\+)?=\s*[^=;(]*;)\s*$`)
})

var (
	elseRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*else\s*$`) })
	ifRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*if\s*\(.*\)\s*$`) })
	emitStmt = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*_?EMIT[A-Z0-9_]*\(.*\);\s*$`) })
)

// commentAbove returns a one-line comment above an if header or a simple
// assignment that precedes the call; none when the comment is directly
// above the call (the front end's Call.Comment holds that one).
func commentAbove(f *cparse.File, call *cparse.EmitCall) (string, bool) {
	line := call.Pos.Line - 1
	// The call's own line must start with the call.
	if !strings.HasPrefix(strings.TrimSpace(lineOf(f, call.Pos.Line)), call.Name+"(") {
		return "", false
	}
	for skipped := 0; line >= 1 && skipped <= 4; line-- {
		l := lineOf(f, line)
		if m := soleComment().FindStringSubmatch(l); m != nil {
			if skipped == 0 {
				return "", false // the front end would have taken it
			}
			return strings.TrimSpace(m[1]), true
		}
		if !between().MatchString(l) {
			return "", false
		}
		if elseRE().MatchString(l) {
			// "if (x) EMIT_a(...); else EMIT_b(...);" under one comment
			// ("cr or cgr"): skip the other branch's call and its if.
			if line <= 2 || !emitStmt().MatchString(lineOf(f, line-1)) || !ifRE().MatchString(lineOf(f, line-2)) {
				return "", false
			}
			line -= 2
		}
		skipped++
	}
	return "", false
}

// lineOf returns line n (1-based) of f.
func lineOf(f *cparse.File, n int) string {
	if n < 1 || n > len(f.Lines) {
		return ""
	}
	end := len(f.Src)
	if n < len(f.Lines) {
		end = f.Lines[n]
	}
	return strings.TrimRight(string(f.Src[f.Lines[n-1]:end]), "\r\n")
}
