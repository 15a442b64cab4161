package refimpl

// Format is an instruction format of the z/Architecture Principles of
// Operation (RR, RRE, RXY-a, ...). Its layout gives the bit ranges of the
// fields; bit 0 is the most significant bit of the first byte.
type Format uint8

// The instruction formats used by the s390x BPF JIT.
const (
	FormatInvalid Format = iota
	FormatRR             // OP R1 R2 (2 bytes)
	FormatRRE            // OP //// R1 R2 (4 bytes)
	FormatRRFa           // OP R3 M4 R1 R2 (4 bytes)
	FormatRIa            // OP1 R1 OP2 I2 (4 bytes)
	FormatRIc            // OP1 M1 OP2 RI2 (4 bytes)
	FormatRILa           // OP1 R1 OP2 I2 (6 bytes)
	FormatRILb           // OP1 R1 OP2 RI2 (6 bytes)
	FormatRILc           // OP1 M1 OP2 RI2 (6 bytes)
	FormatRSa            // OP R1 R3 B2 D2 (4 bytes)
	FormatRSYa           // OP1 R1 R3 B2 DL2 DH2 OP2 (6 bytes)
	FormatRXa            // OP R1 X2 B2 D2 (4 bytes)
	FormatRXb            // OP M1 X2 B2 D2 (4 bytes)
	FormatRXYa           // OP1 R1 X2 B2 DL2 DH2 OP2 (6 bytes)
	FormatSSa            // OP L B1 D1 B2 D2 (6 bytes)
	FormatRIEb           // OP1 R1 R2 RI4 M3 //// OP2 (6 bytes)
	FormatRIEc           // OP1 R1 M3 RI4 I2 OP2 (6 bytes)
	numFormats
)

// Field is one bit field of an instruction format, named as in the
// Principles of Operation. Offs counts from bit 0, the most significant bit
// of the first byte.
type Field struct {
	Name string // "OP", "OP1", "OP2", "R1", "M1", "X2", "B2", "D2", "DL2", "DH2", "I2", "RI2", "RI4", "L", "////"
	Offs uint8  // first bit
	Bits uint8  // width in bits
}

type formatInfo struct {
	name   string
	length int
	fields []Field
}

var formats = [numFormats]formatInfo{
	FormatRR:   {"RR", 2, []Field{{"OP", 0, 8}, {"R1", 8, 4}, {"R2", 12, 4}}},
	FormatRRE:  {"RRE", 4, []Field{{"OP", 0, 16}, {"////", 16, 8}, {"R1", 24, 4}, {"R2", 28, 4}}},
	FormatRRFa: {"RRF-a", 4, []Field{{"OP", 0, 16}, {"R3", 16, 4}, {"M4", 20, 4}, {"R1", 24, 4}, {"R2", 28, 4}}},
	FormatRIa:  {"RI-a", 4, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"OP2", 12, 4}, {"I2", 16, 16}}},
	FormatRIc:  {"RI-c", 4, []Field{{"OP1", 0, 8}, {"M1", 8, 4}, {"OP2", 12, 4}, {"RI2", 16, 16}}},
	FormatRILa: {"RIL-a", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"OP2", 12, 4}, {"I2", 16, 32}}},
	FormatRILb: {"RIL-b", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"OP2", 12, 4}, {"RI2", 16, 32}}},
	FormatRILc: {"RIL-c", 6, []Field{{"OP1", 0, 8}, {"M1", 8, 4}, {"OP2", 12, 4}, {"RI2", 16, 32}}},
	FormatRSa:  {"RS-a", 4, []Field{{"OP", 0, 8}, {"R1", 8, 4}, {"R3", 12, 4}, {"B2", 16, 4}, {"D2", 20, 12}}},
	FormatRSYa: {"RSY-a", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"R3", 12, 4}, {"B2", 16, 4}, {"DL2", 20, 12}, {"DH2", 32, 8}, {"OP2", 40, 8}}},
	FormatRXa:  {"RX-a", 4, []Field{{"OP", 0, 8}, {"R1", 8, 4}, {"X2", 12, 4}, {"B2", 16, 4}, {"D2", 20, 12}}},
	FormatRXb:  {"RX-b", 4, []Field{{"OP", 0, 8}, {"M1", 8, 4}, {"X2", 12, 4}, {"B2", 16, 4}, {"D2", 20, 12}}},
	FormatRXYa: {"RXY-a", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"X2", 12, 4}, {"B2", 16, 4}, {"DL2", 20, 12}, {"DH2", 32, 8}, {"OP2", 40, 8}}},
	FormatSSa:  {"SS-a", 6, []Field{{"OP", 0, 8}, {"L", 8, 8}, {"B1", 16, 4}, {"D1", 20, 12}, {"B2", 32, 4}, {"D2", 36, 12}}},
	FormatRIEb: {"RIE-b", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"R2", 12, 4}, {"RI4", 16, 16}, {"M3", 32, 4}, {"////", 36, 4}, {"OP2", 40, 8}}},
	FormatRIEc: {"RIE-c", 6, []Field{{"OP1", 0, 8}, {"R1", 8, 4}, {"M3", 12, 4}, {"RI4", 16, 16}, {"I2", 32, 8}, {"OP2", 40, 8}}},
}

// String returns the format's name as the Principles of Operation writes
// it ("RXY-a").
func (f Format) String() string {
	if f == FormatInvalid || f >= numFormats {
		return "invalid"
	}
	return formats[f].name
}

// Len returns the instruction length in bytes (2, 4 or 6).
func (f Format) Len() int {
	if f >= numFormats {
		return 0
	}
	return formats[f].length
}

// Fields returns the bit fields of the format, in bit order. The slice is
// shared: do not modify it.
func (f Format) Fields() []Field {
	if f >= numFormats {
		return nil
	}
	return formats[f].fields
}

// Field returns the field of the format with the given name ("DL2").
func (f Format) Field(name string) (Field, bool) {
	for _, fd := range f.Fields() {
		if fd.Name == name {
			return fd, true
		}
	}
	return Field{}, false
}

// Extract returns the unsigned value of field fd in the instruction b,
// which must hold at least the field's bits.
func (fd Field) Extract(b []byte) uint64 {
	var v uint64
	for i := range 6 {
		v <<= 8
		if i < len(b) {
			v |= uint64(b[i])
		}
	}
	shift := 48 - uint(fd.Offs) - uint(fd.Bits)
	return (v >> shift) & (1<<fd.Bits - 1)
}

// LengthOf returns the instruction length encoded in the two leftmost bits
// of the first opcode byte: 00 gives 2, 01 and 10 give 4, 11 gives 6.
func LengthOf(first byte) int {
	switch first >> 6 {
	case 0:
		return 2
	case 3:
		return 6
	}
	return 4
}
