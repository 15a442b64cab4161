package cpp

import (
	"strconv"
	"strings"
	"testing"
)

// lineTokens re-tokenizes gcc -E output (with line markers) and returns,
// for every token, the file and line gcc's markers put it on.
func lineTokens(tb testing.TB, out string) ([]string, []Pos) {
	tb.Helper()
	var texts []string
	var where []Pos
	file, line := "", 1
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "# ") {
			f := strings.Fields(l)
			if len(f) >= 3 {
				if n, err := strconv.Atoi(f[1]); err == nil {
					line = n
					file = strings.Trim(f[2], `"`)
					continue
				}
			}
		}
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "#") {
			line++ // #pragma, #ident
			continue
		}
		for _, t := range outputTokens(tb, l) {
			texts = append(texts, t)
			where = append(where, Pos{File: file, Line: line})
		}
		line++
	}
	return texts, where
}

// TestKernelExpansionLines checks Exp (file and line) of every token of
// the JIT unit against the line markers of s390x-linux-gnu-gcc -E, which
// put a token produced by macro expansion on the line of the outermost
// invocation and any other token on its own line.
func TestKernelExpansionLines(t *testing.T) {
	tree := preparedTree(t)
	rel := "arch/s390/net/bpf_jit_comp.c"
	cfg := kernelConfig(t, tree, rel)
	out, errs, err := gccCommand(tree, crossGCC, gccArgs(cfg, rel)...)
	if err != nil {
		t.Fatalf("%s -E: %v\n%s", crossGCC, err, errs)
	}
	texts, where := lineTokens(t, out)
	u, err := Preprocess(cfg, rel)
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != len(u.Tokens) {
		t.Fatalf("got %d tokens, gcc %d", len(u.Tokens), len(texts))
	}
	bad := 0
	for i, tok := range u.Tokens {
		if tok.Text != texts[i] {
			t.Fatalf("token %d: got %q, want %q", i, tok.Text, texts[i])
		}
		if tok.Exp.File != where[i].File || tok.Exp.Line != where[i].Line {
			if bad < 10 {
				t.Errorf("token %d %q: got Exp %s:%d (Pos %v, macro %q), gcc puts it at %s:%d",
					i, tok.Text, tok.Exp.File, tok.Exp.Line, tok.Pos, tok.Macro, where[i].File, where[i].Line)
			}
			bad++
		}
		if tok.Macro == "" && tok.Pos != tok.Exp {
			t.Errorf("token %d %q: Macro empty but Pos %v != Exp %v", i, tok.Text, tok.Pos, tok.Exp)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d tokens on another line than gcc's", bad, len(u.Tokens))
	}
}
