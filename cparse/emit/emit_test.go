package emit_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/trampcheck/trampcheck/cparse"
	"github.com/trampcheck/trampcheck/cparse/cexpr"
	"github.com/trampcheck/trampcheck/cparse/emit"
	"github.com/trampcheck/trampcheck/cparse/ktree"
	"github.com/trampcheck/trampcheck/refimpl"
)

// TestFieldsExist checks the description against the reference encoder:
// every representative instruction exists, every field an argument or an
// opcode word names is a field of its format, a positional field starts
// where its named field does, and the opcode words cover the opcode.
func TestFieldsExist(t *testing.T) {
	for _, m := range emit.Macros() {
		if m.Insn == "" {
			if len(m.Alts) == 0 {
				t.Errorf("%s: got no instruction and no alternatives, want one of them", m.Name)
			}
			continue
		}
		in, ok := refimpl.Lookup(m.Insn)
		if !ok {
			t.Errorf("%s: got instruction %s, which refimpl does not know", m.Name, m.Insn)
			continue
		}
		for i, a := range m.Args {
			for _, name := range a.Fields {
				fd, ok := in.Format.Field(name)
				if !ok {
					t.Errorf("%s argument %d: got field %s, which %s lacks", m.Name, i, name, m.Insn)
					continue
				}
				if a.ByPosition && int(fd.Offs) != a.At {
					t.Errorf("%s argument %d: got bit %d for %s, want %d as in %s", m.Name, i, a.At, name, fd.Offs, m.Insn)
				}
			}
			if (a.Role == emit.Opcode) != isWord(m, i) {
				t.Errorf("%s argument %d: got role %d, but it is an opcode word: %v", m.Name, i, a.Role, isWord(m, i))
			}
		}
		for name := range m.InWord {
			if _, ok := in.Format.Field(name); !ok {
				t.Errorf("%s: got opcode-word field %s, which %s lacks", m.Name, name, m.Insn)
			}
		}
		// The opcode words (or the macro's own bits) reach every bit of
		// the opcode fields of the instruction.
		var covered uint64
		for _, w := range m.Words {
			covered |= (1<<w.Bits - 1) << (48 - w.Off - w.Bits)
		}
		covered |= m.Opcode
		for _, fd := range in.Format.Fields() {
			if len(fd.Name) < 2 || fd.Name[:2] != "OP" {
				continue
			}
			bits := (uint64(1)<<fd.Bits - 1) << (48 - uint(fd.Offs) - uint(fd.Bits))
			if m.Opcode == 0 && covered&bits != bits {
				t.Errorf("%s: opcode words %v miss field %s of %s", m.Name, m.Words, fd.Name, m.Insn)
			}
		}
		if m.Opcode != 0 {
			var b [6]byte
			for k := range 6 {
				b[k] = byte(m.Opcode >> (40 - 8*k))
			}
			got, err := refimpl.Identify(b[:])
			if err != nil || got.Mnemonic != m.Insn {
				t.Errorf("%s: opcode bits %x identify as %v (%v), want %s", m.Name, b, got, err, m.Insn)
			}
		}
	}
}

func isWord(m *emit.Macro, i int) bool {
	for _, w := range append(append([]emit.Word(nil), m.Words...), m.Alts...) {
		if w.Arg == i {
			return true
		}
	}
	return false
}

// TestRealFileDefines checks the description against the kernel file:
// every described macro and pool macro is defined there, function-like,
// with as many parameters as the description has arguments.
func TestRealFileDefines(t *testing.T) {
	f, err := cparse.Parse(ktree.JITFile, ktree.JIT(t), cparse.Options{})
	if err != nil {
		t.Fatalf("parsing the real JIT: %v", err)
	}
	params := map[string]int{}
	for _, d := range f.Macros {
		if d.FnLike {
			params[d.Name] = len(d.Params)
		}
	}
	want := map[string]int{}
	for _, m := range emit.Macros() {
		want[m.Name] = len(m.Args)
	}
	for _, p := range emit.Pools() {
		want[p.Name] = 1
	}
	for name, n := range want {
		got, ok := params[name]
		if !ok {
			t.Errorf("%s: got no function-like definition in %s, want one", name, ktree.JITFile)
			continue
		}
		if got != n {
			t.Errorf("%s: got %d parameters in %s, want %d", name, got, ktree.JITFile, n)
		}
	}
}

// TestSites reads a small file through the Analyzer's per-file step: the
// definitions of described macros, every call with its description and
// parsed arguments, and a comment above a header between it and the call.
func TestSites(t *testing.T) {
	src := `#define EMIT4(op, b1, b2) do { } while (0)
#define EMIT_CONST_U64(val) 0
#define NOT_EMIT(x) x
static void f(int x, int *p)
{
	/* lgr %r1,%r2 */
	EMIT4(0xb9040000, 1, 2);
	/* brcl 15,out */
	x = 3;
	EMIT4(0xb9040000 | 3 << 4, 1, 2);
	/* not this one */
	x = g(x);
	EMIT4(0xb9040000, 1, 2);
	EMIT_LOCAL((int){1}, 2);
}
`
	f, err := cparse.Parse("t.c", []byte(src), cparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ef := emit.Find(f)
	var defs []string
	for _, d := range ef.Defs {
		defs = append(defs, fmt.Sprintf("%s macro=%v pool=%v", d.Def.Name, d.Macro != nil, d.Pool != nil))
	}
	if got, want := strings.Join(defs, "; "), "EMIT4 macro=true pool=false; EMIT_CONST_U64 macro=false pool=true"; got != want {
		t.Errorf("got definitions %q, want %q", got, want)
	}
	var sites []string
	for _, s := range ef.Sites {
		var args []string
		for _, a := range s.Args {
			if a == nil {
				args = append(args, "<nil>")
				continue
			}
			args = append(args, cexpr.Format(a))
		}
		sites = append(sites, fmt.Sprintf("%d %s described=%v args=[%s] above=%q/%v",
			s.Call.Pos.Line, s.Call.Name, s.Macro != nil, strings.Join(args, ", "), s.Above, s.HasAbove))
	}
	want := []string{
		`7 EMIT4 described=true args=[0xb9040000, 1, 2] above=""/false`,
		`10 EMIT4 described=true args=[0xb9040000 | 3 << 4, 1, 2] above="brcl 15,out"/true`,
		`13 EMIT4 described=true args=[0xb9040000, 1, 2] above=""/false`,
		`14 EMIT_LOCAL described=false args=[<nil>, 2] above=""/false`,
	}
	if got := strings.Join(sites, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got sites\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

// TestAnalyzer validates the analyzer and the encoding checks' use of it.
func TestAnalyzer(t *testing.T) {
	if err := analysis.Validate([]*analysis.Analyzer{emit.Analyzer}); err != nil {
		t.Fatalf("got %v, want a valid analyzer", err)
	}
	if emit.Analyzer.ResultType == nil || emit.Analyzer.ResultType.String() != "*emit.Result" {
		t.Errorf("got result type %v, want *emit.Result", emit.Analyzer.ResultType)
	}
}
