package refimpl

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/arch/s390x/s390xasm"
)

// TestTypedEncoders re-encodes every golden instruction with its format's
// typed encoder, fed with the operands s390xasm decodes, and compares with
// the bytes GNU as wrote.
func TestTypedEncoders(t *testing.T) {
	for _, c := range readGolden(t) {
		ref, err := s390xasm.Decode(c.code)
		if err != nil {
			t.Fatalf("s390xasm.Decode(%x): %v", c.code, err)
		}
		in, err := Identify(c.code)
		if err != nil {
			t.Fatal(err)
		}
		a := s390xasmArgs(ref)
		u := func(i int) uint8 { return uint8(a[i]) }
		op := in.Opcode
		var got []byte
		switch in.Format {
		case FormatRR:
			got, err = EncodeRR(op, u(0), u(1))
		case FormatRRE:
			got, err = EncodeRRE(op, u(0), u(1))
		case FormatRRFa:
			got, err = EncodeRRFa(op, u(0), u(1), u(2))
		case FormatRIa:
			got, err = EncodeRIa(op, u(0), fieldBits(in.operands[1], a[1], signExt(in, a[1], 16)))
		case FormatRIc:
			got, err = EncodeRIc(op, u(0), a[1])
		case FormatRILa:
			got, err = EncodeRILa(op, u(0), fieldBits(in.operands[1], a[1], signExt(in, a[1], 32)))
		case FormatRILb:
			got, err = EncodeRILb(op, u(0), a[1])
		case FormatRILc:
			got, err = EncodeRILc(op, u(0), a[1])
		case FormatRSa:
			got, err = EncodeRSa(op, u(0), u(2), a[1])
		case FormatRSYa:
			got, err = EncodeRSYa(op, u(0), u(1), u(3), a[2])
		case FormatRXa:
			got, err = EncodeRXa(op, u(0), u(2), u(3), a[1])
		case FormatRXb:
			got, err = EncodeRXb(op, u(0), u(2), u(3), a[1])
		case FormatRXYa:
			got, err = EncodeRXYa(op, u(0), u(2), u(3), a[1])
		case FormatSSa:
			got, err = EncodeSSa(op, a[1], u(2), a[0], u(4), a[3])
		case FormatRIEb:
			got, err = EncodeRIEb(op, u(0), u(1), u(2), a[3])
		case FormatRIEc:
			got, err = EncodeRIEc(op, u(0), signExt(in, a[1], 8), u(2), a[3])
		default:
			t.Fatalf("no typed encoder for %s", in.Format)
		}
		if err != nil || !bytes.Equal(got, c.code) {
			t.Errorf("line %d: %s encoder for %q: got %x, %v; want %x (GNU as)", c.line, in.Format, c.input, got, err, c.code)
		}
	}
}

// signExt reinterprets s390xasm's immediate (signed or unsigned by its own
// table) with the instruction's signedness.
func signExt(in *Insn, v int64, bits uint) int64 {
	m := uint64(1)<<bits - 1
	u := uint64(v) & m
	if in.Signed && u>>(bits-1) != 0 {
		return int64(u) - int64(m) - 1
	}
	return int64(u)
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		mnemonic string
		args     []int64
		want     string
	}{
		{"stg", []int64{2, 600000, 0, 15}, "displacement 600000 out of range -524288..524287"},
		{"stg", []int64{2, -524289, 0, 15}, "displacement -524289 out of range -524288..524287"},
		{"la", []int64{1, 4096, 0, 2}, "displacement 4096 out of range 0..4095"},
		{"la", []int64{1, -1, 0, 2}, "displacement -1 out of range 0..4095"},
		{"lgr", []int64{16, 1}, "register 16 out of range 0..15"},
		{"lgr", []int64{1, -1}, "register -1 out of range 0..15"},
		{"lg", []int64{1, 0, 16, 2}, "register 16 out of range 0..15"},
		{"dsgr", []int64{3, 4}, "register 3 is odd but names a register pair"},
		{"dl", []int64{5, 0, 0, 1}, "register 5 is odd but names a register pair"},
		{"lhi", []int64{1, 32768}, "immediate 32768 out of range -32768..32767"},
		{"tmlh", []int64{1, -1}, "immediate -1 out of range 0..65535"},
		{"oilf", []int64{1, 1 << 32}, "immediate 4294967296 out of range 0..4294967295"},
		{"lgfi", []int64{1, -1<<31 - 1}, "immediate -2147483649 out of range -2147483648..2147483647"},
		{"clij", []int64{1, 256, 8, 0}, "immediate 256 out of range 0..255"},
		{"cij", []int64{1, -129, 8, 0}, "immediate -129 out of range -128..127"},
		{"brc", []int64{16, 0}, "mask 16 out of range 0..15"},
		{"brc", []int64{15, 65536}, "relative offset 65536 out of range -65536..65534"},
		{"brc", []int64{15, 3}, "relative offset 3 is odd (targets are halfword aligned)"},
		{"brcl", []int64{15, 1 << 32}, "relative offset 4294967296 out of range -4294967296..4294967294"},
		{"mvc", []int64{0, 0, 1, 0, 2}, "length 0 out of range 1..256"},
		{"mvc", []int64{0, 257, 1, 0, 2}, "length 257 out of range 1..256"},
		{"mvc", []int64{4096, 8, 1, 0, 2}, "displacement 4096 out of range 0..4095"},
		{"lgr", []int64{1}, "lgr takes 2 operand values, got 1"},
		{"jg", []int64{1, 2}, "jg takes 1 operand values, got 2"},
		{"frob", nil, `unknown mnemonic "frob"`},
	}
	for _, tt := range tests {
		got, err := Encode(tt.mnemonic, tt.args...)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Encode(%q, %v) = %x, %v; want error %q", tt.mnemonic, tt.args, got, err, tt.want)
		}
	}
	var oe *OperandError
	if _, err := EncodeRXYa(OpSTG, 2, 0, 15, 600000); !errors.As(err, &oe) || oe.Min != -524288 {
		t.Errorf("EncodeRXYa out of range: got %v, want an *OperandError with Min -524288", err)
	}
	if _, err := EncodeRXYa(OpLGR, 2, 0, 15, 0); err == nil {
		t.Errorf("EncodeRXYa(OpLGR): got no error, want a format mismatch")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		code []byte
		want error
	}{
		{nil, ErrTruncated},
		{[]byte{0xe3, 0x20, 0xf0, 0xa0, 0x00}, ErrTruncated},
		{[]byte{0xc0}, ErrTruncated},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ErrUnknownOpcode},
		{[]byte{0xe3, 0x20, 0xf0, 0xa0, 0x00, 0xff}, ErrUnknownOpcode},
		{[]byte{0x00, 0x00}, ErrUnknownOpcode},
	}
	for _, tt := range tests {
		if _, err := Decode(tt.code); !errors.Is(err, tt.want) {
			t.Errorf("Decode(%x): got %v, want %v", tt.code, err, tt.want)
		}
		if _, _, err := Disassemble(tt.code, 0); !errors.Is(err, tt.want) {
			t.Errorf("Disassemble(%x): got %v, want %v", tt.code, err, tt.want)
		}
	}
}

// TestTable checks the table against itself and the formats: unique
// mnemonics and opcodes, lengths from the opcode's first two bits, and
// every instruction identified from its own encoding.
func TestTable(t *testing.T) {
	if n := len(Insns()); n < 124 {
		t.Errorf("got %d instructions, want at least 124", n)
	}
	for _, in := range Insns() {
		s, err := exampleLine(in)
		if err != nil {
			t.Fatal(err)
		}
		code, err := Assemble(s)
		if err != nil {
			t.Fatalf("Assemble(%q): %v", s, err)
		}
		if got, want := LengthOf(code[0]), in.Len(); got != want {
			t.Errorf("%s: length code says %d, format %s says %d", in.Mnemonic, got, in.Format, want)
		}
		if got, err := Identify(code); err != nil || got != in {
			t.Errorf("Identify(%x) = %v, %v; want %s", code, got, err, in.Mnemonic)
		}
		if got, ok := Lookup(in.Mnemonic); !ok || got != in {
			t.Errorf("Lookup(%q) = %v; want %s", in.Mnemonic, got, in.Mnemonic)
		}
		if in.Name == "" {
			t.Errorf("%s has no full name", in.Mnemonic)
		}
	}
}
