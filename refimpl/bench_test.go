package refimpl

import (
	"testing"
)

// benchSet is one valid argument list per table instruction, from
// exampleLine's operands.
func benchSet(b *testing.B) ([]*Insn, [][]int64, []byte) {
	b.Helper()
	var ins []*Insn
	var args [][]int64
	var code []byte
	for _, in := range Insns() {
		s, err := exampleLine(in)
		if err != nil {
			b.Fatal(err)
		}
		enc, err := Assemble(s)
		if err != nil {
			b.Fatal(err)
		}
		d, err := Decode(enc)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, in)
		args = append(args, append([]int64(nil), d.ArgSlice()...))
		code = append(code, enc...)
	}
	return ins, args, code
}

// BenchmarkEncode encodes every table instruction in turn with
// Insn.AppendEncode into a reused buffer; insns/s is the figure to read.
func BenchmarkEncode(b *testing.B) {
	ins, args, _ := benchSet(b)
	buf := make([]byte, 0, 64)
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(ins)
		var err error
		buf, err = ins[k].AppendEncode(buf[:0], args[k]...)
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkEncodeMnemonic is the generic Encode(mnemonic, args...), which
// looks the mnemonic up and allocates the result.
func BenchmarkEncodeMnemonic(b *testing.B) {
	ins, args, _ := benchSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(ins)
		if _, err := Encode(ins[k].Mnemonic, args[k]...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkDecode decodes a stream holding every table instruction.
func BenchmarkDecode(b *testing.B) {
	_, _, code := benchSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	off := 0
	for i := 0; i < b.N; i++ {
		d, err := Decode(code[off:])
		if err != nil {
			b.Fatal(err)
		}
		off += d.Len
		if off == len(code) {
			off = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkListing produces objdump -d text for the same stream.
func BenchmarkListing(b *testing.B) {
	ins, _, code := benchSet(b)
	buf := make([]byte, 0, 64*len(code))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		buf, err = AppendListing(buf[:0], code, 0)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(ins))/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkAssemble parses and encodes GNU syntax lines.
func BenchmarkAssemble(b *testing.B) {
	var lines []string
	for _, in := range Insns() {
		s, _ := exampleLine(in)
		lines = append(lines, s)
	}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		buf, err = AppendAssemble(buf[:0], lines[i%len(lines)], 0, false)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "insns/s")
}
