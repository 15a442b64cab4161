package emit_test

import (
	"testing"

	"github.com/trampcheck/trampcheck/cparse"
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
