package refimpl

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/s390x/s390xasm"
)

// goldenCase is one line of testdata/refimpl/insns.golden, written by the
// oracle (see TestOracleAssemble).
type goldenCase struct {
	line  int
	off   int64
	code  []byte
	input string
	text  string // objdump's text, first tab shown as a space
}

func readGolden(t testing.TB) []goldenCase {
	t.Helper()
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		f := strings.Split(l, " | ")
		if len(f) != 4 {
			t.Fatalf("%s:%d: want 4 fields, got %d", goldenPath, n, len(f))
		}
		off, err1 := strconv.ParseInt(f[0], 16, 64)
		code, err2 := hex.DecodeString(f[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s:%d: bad offset or hex", goldenPath, n)
		}
		out = append(out, goldenCase{line: n, off: off, code: code, input: f[2], text: f[3]})
	}
	if len(out) < 1000 {
		t.Fatalf("%s: only %d cases", goldenPath, len(out))
	}
	return out
}

// TestGolden checks the oracle's golden cases without binutils: assembling
// the input gives the oracle's bytes, disassembling them gives objdump's
// text, and assembling objdump's text at its address gives the bytes back.
func TestGolden(t *testing.T) {
	bad := 0
	for _, c := range readGolden(t) {
		got, err := Assemble(c.input)
		if err != nil || !bytes.Equal(got, c.code) {
			t.Errorf("line %d: Assemble(%q) = %x, %v; want %x", c.line, c.input, got, err, c.code)
			bad++
		}
		text, n, err := Disassemble(c.code, c.off)
		if err != nil || strings.Replace(text, "\t", " ", 1) != c.text || n != len(c.code) {
			t.Errorf("line %d: Disassemble(%x, %#x) = %q, %d, %v; want %q, %d", c.line, c.code, c.off, text, n, err, c.text, len(c.code))
			bad++
		}
		if !strings.HasSuffix(c.text, ")") && strings.Contains(c.text, "(") {
			continue // objdump's truncated "nop 16(%r2" does not assemble
		}
		back, err := AssembleAt(c.text, c.off)
		if err != nil || !bytes.Equal(back, c.code) {
			t.Errorf("line %d: AssembleAt(%q, %#x) = %x, %v; want %x", c.line, c.text, c.off, back, err, c.code)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many failures")
		}
	}
}

// s390xasmArgs flattens s390xasm's decoded operands (ISA manual order,
// which is GNU order for this table) into values comparable with Inst.Args:
// lengths in bytes, relative targets in bytes, signed fields sign-extended.
func s390xasmArgs(inst s390xasm.Inst) []int64 {
	var out []int64
	for _, a := range inst.Args {
		if a == nil {
			break
		}
		var v int64
		switch a := a.(type) {
		case s390xasm.Reg:
			v = int64(a - s390xasm.R0)
		case s390xasm.Base:
			v = int64(a)
		case s390xasm.Index:
			v = int64(a)
		case s390xasm.Disp12:
			v = int64(a)
		case s390xasm.Disp20:
			v = int64(int32(uint32(a)<<12) >> 12)
		case s390xasm.Imm:
			v = int64(uint32(a))
		case s390xasm.Sign8:
			v = int64(a)
		case s390xasm.Sign16:
			v = int64(a)
		case s390xasm.Sign32:
			v = int64(a)
		case s390xasm.Mask:
			v = int64(a)
		case s390xasm.Len:
			v = int64(a) + 1
		case s390xasm.RegIm16:
			v = 2 * int64(int16(a))
		case s390xasm.RegIm32:
			v = 2 * int64(int32(a))
		default:
			v = -1 << 40
		}
		out = append(out, v)
	}
	return out
}

// TestDecodeMatchesS390xasm cross-checks Decode against
// golang.org/x/arch/s390x/s390xasm on every golden instruction: the same
// mnemonic (base form), length and operand values, including which
// immediates are signed.
func TestDecodeMatchesS390xasm(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range readGolden(t) {
		ours, err := Decode(c.code)
		if err != nil {
			t.Errorf("line %d: Decode(%x): %v", c.line, c.code, err)
			continue
		}
		ref, err := s390xasm.Decode(c.code)
		if err != nil {
			t.Errorf("line %d: s390xasm.Decode(%x): %v", c.line, c.code, err)
			continue
		}
		seen[ours.Insn.Mnemonic] = true
		if got, want := ours.Insn.Mnemonic, ref.Op.String(); got != want {
			t.Errorf("line %d: %x: got mnemonic %s, want %s (s390xasm)", c.line, c.code, got, want)
		}
		if ours.Len != ref.Len {
			t.Errorf("line %d: %x: got length %d, want %d", c.line, c.code, ours.Len, ref.Len)
		}
		// s390xasm reads the logical immediates of xilf, nilf, oilf,
		// llihf and llilf as signed; compare immediates as field bits
		// (objdump, the text oracle, settles the signedness).
		refArgs := s390xasmArgs(ref)
		i := 0
		for _, o := range ours.Insn.Operands() {
			if o.Kind == OperandImm && i < len(refArgs) {
				refArgs[i] = fieldBits(o, refArgs[i], ours.Args[i])
			}
			i += o.Kind.NArgs()
		}
		if got, want := fmt.Sprint(ours.ArgSlice()), fmt.Sprint(refArgs); got != want {
			t.Errorf("line %d: %x (%s): got args %s, want %s (s390xasm)", c.line, c.code, c.input, got, want)
		}
	}
	for _, in := range Insns() {
		if !seen[in.Mnemonic] {
			t.Errorf("no golden case for %s", in.Mnemonic)
		}
	}
}

// TestOperandFields checks the field metadata: extracting the fields that
// OperandFields names from the oracle's bytes gives the decoded operands.
func TestOperandFields(t *testing.T) {
	for _, c := range readGolden(t) {
		d, err := Decode(c.code)
		if err != nil {
			t.Fatal(err)
		}
		in := d.Insn
		i := 0
		for k, o := range in.Operands() {
			names := in.OperandFields(k)
			vals := make([]int64, 0, o.Kind.NArgs())
			for j := 0; j < len(names); j++ {
				fd, ok := in.Field(names[j])
				if !ok {
					t.Fatalf("%s: operand %d names field %s, not in %s", in.Mnemonic, k, names[j], in.Format)
				}
				v := fd.Extract(c.code)
				if names[j] == "DL2" { // with DH2: a signed 20-bit displacement
					dh, _ := in.Field("DH2")
					j++
					v = dh.Extract(c.code)<<12 | v
				}
				vals = append(vals, int64(v))
			}
			want := d.Args[i : i+o.Kind.NArgs()]
			for j := range vals {
				if raw := uint64(vals[j]); raw != rawField(o, j, want[j]) {
					t.Errorf("%x %s operand %d value %d: got field %#x, want %#x", c.code, in.Mnemonic, k, j, raw, rawField(o, j, want[j]))
				}
			}
			i += o.Kind.NArgs()
		}
	}
}

// fieldBits returns ours when ref and ours hold the same bits of an
// immediate field, else ref.
func fieldBits(o Operand, ref, ours int64) int64 {
	m := uint64(1)<<o.Bits - 1
	if uint64(ref)&m == uint64(ours)&m {
		return ours
	}
	return ref
}

// rawField converts a decoded argument back to its field's raw bits.
func rawField(o Operand, j int, v int64) uint64 {
	switch {
	case o.Kind == OperandRel:
		return uint64(v/2) & (1<<o.Bits - 1)
	case o.Kind == OperandImm:
		return uint64(v) & (1<<o.Bits - 1)
	case j == 0 && (o.Kind == OperandAddrB || o.Kind == OperandAddrXB || o.Kind == OperandAddrLB):
		return uint64(v) & (1<<o.Bits - 1)
	case j == 1 && o.Kind == OperandAddrLB:
		return uint64(v - 1)
	}
	return uint64(v)
}
