package refimpl

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// fuzzSeedHex are instructions of the JIT (and objdump's odd cases) as
// seeds for the round trip: stg, lg, brcl, basr, mvc, lgr, aghi, clij,
// a bcr 0 with an index, an RRE word with reserved bits, an unknown opcode.
var fuzzSeedHex = []string{
	"e3200100002" + "4", "e3f0f0080004", "c0f400000012", "0de1", "d207f0b0f140",
	"b9040012", "a7fbff60", "ec12000a207e", "47010000", "b90400ff", "b9ff0012",
	"0000", "e3", "c0f4", "07fe07f7",
}

// FuzzDisasmRoundTrip checks that whatever Disassemble decodes assembles
// back, at the same address, to the same bytes; and that neither panics on
// any input.
func FuzzDisasmRoundTrip(f *testing.F) {
	for _, h := range fuzzSeedHex {
		b, err := hex.DecodeString(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, int64(0))
		f.Add(b, int64(0x3ff0))
	}
	f.Fuzz(func(t *testing.T, code []byte, pc int64) {
		pc &^= 1 // instructions are halfword aligned
		text, n, err := Disassemble(code, pc)
		if err != nil {
			if n != 0 || text != "" {
				t.Fatalf("% x: got %q, %d bytes and error %v, want only the error", code, text, n, err)
			}
			return
		}
		if n < 2 || n > 6 || n > len(code) {
			t.Fatalf("% x: got length %d, want 2, 4 or 6 within the input", code, n)
		}
		// objdump 2.40 prints "nop\tD(%rX" (no closing parenthesis) for
		// bc 0 with an index and no base; it does not assemble anywhere.
		if strings.HasPrefix(text, "nop\t") && strings.Count(text, "(") != strings.Count(text, ")") {
			return
		}
		d, _ := Decode(code[:n])
		if d.Insn != nil && d.Insn.EvenR1 && d.Args[0]%2 == 1 {
			return // objdump prints an odd register pair, GNU as refuses it
		}
		got, err := AssembleAt(text, pc)
		if err != nil {
			t.Fatalf("% x at %#x: disassembles to %q, which does not assemble: %v", code[:n], pc, text, err)
		}
		if !bytes.Equal(got, code[:n]) {
			if d.Reserved != 0 {
				return // reserved bits are not printed: GNU as writes zero
			}
			t.Fatalf("% x at %#x: disassembles to %q, which assembles to % x", code[:n], pc, text, got)
		}
		// The listing form never panics and agrees on the first line.
		if _, err := Listing(code[:n], pc); err != nil {
			t.Fatalf("% x: Disassemble succeeded but Listing failed: %v", code[:n], err)
		}
	})
}

// FuzzAssemble checks that any line assembles or fails with an error
// (never a panic), and that what assembles disassembles and assembles
// again to the same bytes.
func FuzzAssemble(f *testing.F) {
	for _, s := range []string{
		"stg %r2,160(%r15)", "brcl 15,.+36", "jghe .-8", "mvc 176(8,%r15),320(%r15)",
		"lg %r1,-8(%r2,%r3)", "aghi %r15,-160", "clij %r1,2,8,.+20", "nopr", "br %r14",
		".long 0x12345678", ".quad 1; .byte 2", "lgfi %r1,(1<<31)-1", "llilf %r0,'a'",
		"stg %r2,0x7ffff(%r15)", "lay %r15,-524288(%r15)", "j .+65534", "jg .-4294967296",
		"", "#", "/* x", "stg", "stg %r16,0", "stg %r2,(((((((1)))))))", "lgr %r1,%r2 /* c */ # d",
	} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, line string, pc int64) {
		pc &^= 1
		b, err := AssembleAt(line, pc)
		if err != nil || len(b) == 0 {
			return
		}
		for off := 0; off < len(b); {
			text, n, err := Disassemble(b[off:], pc+int64(off))
			if err != nil {
				return // data directives may hold anything
			}
			again, err := AssembleAt(text, pc+int64(off))
			if err == nil && !bytes.Equal(again, b[off:off+n]) {
				if d, _ := Decode(b[off : off+n]); d.Reserved == 0 {
					t.Fatalf("%q: bytes % x disassemble to %q, which assembles to % x", line, b[off:off+n], text, again)
				}
			}
			off += n
		}
	})
}

// TestAssembleHostile checks lines that could exhaust the stack or time:
// deep parentheses and huge lines give an error, not a crash.
func TestAssembleHostile(t *testing.T) {
	for _, tc := range []struct{ name, line string }{
		{"deep parentheses", "lg %r1," + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + "(%r2)"},
		{"deep unary minus", "lg %r1," + strings.Repeat("-", 100_000) + "1(%r2)"},
		{"deep unary tilde", "lg %r1," + strings.Repeat("~", 100_000) + "1(%r2)"},
		{"5M parentheses", "lg %r1," + strings.Repeat("(", 5_000_000) + "1" + strings.Repeat(")", 5_000_000) + "(%r2)"},
		{"long sum out of range", "lg %r1," + strings.Repeat("1+", 1_000_000) + "1(%r2)"},
		{"many statements", strings.Repeat("nopr;", 100_000) + "nopr %r99"},
		{"huge number", "lg %r1," + strings.Repeat("9", 100_000) + "(%r2)"},
		{"huge bad number", "lg %r1," + strings.Repeat("9", 100_000) + "z(%r2)"},
		{"huge mnemonic", strings.Repeat("x", 100_000) + " %r1"},
		{"huge register", "lgr %r1," + strings.Repeat("%", 100_000)},
		{"huge trailing text", "lgr %r1,%r2 " + strings.Repeat("x", 100_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Assemble(tc.line); err == nil {
				t.Errorf("got no error, want one")
			} else if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 200 {
				t.Errorf("got error %.300q, want one line of at most 200 bytes", msg)
			}
		})
	}
}
