// Package refimpl is trampcheck's s390x reference: an instruction table,
// encoders, an assembler and a disassembler for every instruction that the
// Linux s390x BPF JIT (arch/s390/net/bpf_jit_comp.c) emits, byte-exact
// against GNU as and text-exact against objdump -d (binutils 2.40,
// -march=z196, the lowest level that accepts every instruction in the table:
// ngrk, nrk and the interlocked-access lan/lao/lax/laal families are z196).
//
// It imports nothing else of trampcheck.
//
// # Table
//
//	type Insn struct{ Mnemonic; Opcode; Format; Name; JIT; Signed; EvenR1 }
//	Lookup(mnemonic) (*Insn, bool)       // base mnemonics: "brcl", "stg"
//	LookupAlias(name) (*Alias, bool)     // extended mnemonics: "jg", "jghe", "nopr", "clijh"
//	ByOpcode(op Opcode) (*Insn, bool)    // POP opcode: 0xE324 (stg), 0xC04 (brcl), 0x18 (lr)
//	Insns() []*Insn, Aliases() []*Alias
//	Identify(b []byte) (*Insn, error)    // from the opcode bits of a whole instruction
//	(*Insn).Operands() []Operand         // GNU operand order: Kind, Signed, Bits, Min(), Max(), Fields
//	(*Insn).OperandFields(k) []string    // which format fields hold operand k ("DL2","DH2","X2","B2")
//	Format.Fields() []Field              // bit layout: {Name, Offs, Bits}, bit 0 = MSB of byte 0
//	(*Insn).Fields(), (*Insn).Field(name) // the same, named per instruction (bcr: M1)
//	Format.Field(name), Field.Extract(b), Format.Len(), LengthOf(firstByte)
//
// Opcode constants are named Op<MNEMONIC> (OpSTG, OpBRCL, ...), each
// commented with its format and full name.
//
// # Encoding
//
// One encoder per format, parameters named after the Principles of
// Operation fields in GNU operand order; operands out of range are errors
// (*OperandError), never masked:
//
//	EncodeRR(op, r1, r2)            EncodeRRE(op, r1, r2)        EncodeRRFa(op, r1, r2, r3)
//	EncodeRIa(op, r1, i2)           EncodeRIc(op, m1, ri2)       EncodeRILa(op, r1, i2)
//	EncodeRILb(op, r1, ri2)         EncodeRILc(op, m1, ri2)      EncodeRSa(op, r1, b2, d2)
//	EncodeRSYa(op, r1, r3, b2, d2)  EncodeRXa(op, r1, x2, b2, d2) EncodeRXb(op, m1, x2, b2, d2)
//	EncodeRXYa(op, r1, x2, b2, d2)  EncodeSSa(op, length, b1, d1, b2, d2)
//	EncodeRIEb(op, r1, r2, m3, ri4) EncodeRIEc(op, r1, i2, m3, ri4)
//
// Relative operands (ri2, ri4) are byte offsets from the instruction's own
// address (even; the field holds offset/2). The immediate range (signed or
// unsigned) comes from the instruction. Registers of an even/odd pair (dsgr,
// dlg, ...) must be even. SS-a lengths are 1..256 bytes (L holds length-1).
//
// The generic form takes arguments in GNU operand order with storage
// operands flattened as written: D(X,B) is D, X, B; D(B) is D, B; D(L,B) is
// D, L, B:
//
//	Encode("stg", 2, 160, 0, 15)          // stg %r2,160(%r15)
//	Encode("mvc", 176, 8, 15, 320, 15)     // mvc 176(8,%r15),320(%r15)
//	Encode("jg", 36)                       // brcl 15,.+36
//	(*Insn).Encode(args...), (*Insn).AppendEncode(dst, args...)
//
// # Assembler
//
//	Assemble(line) ([]byte, error)          // targets relative to the instruction: .+N, .-N, N
//	AssembleAt(line, pc) ([]byte, error)    // plain numbers are absolute addresses (objdump's "jg 0x264")
//	AppendAssemble(dst, line, pc, absolute)
//
// Errors are *OperandError (range, odd pair, odd offset) or plain errors for
// syntax ("unknown mnemonic", "lgr takes 2 operands, got 1"), and ErrEmpty
// for a line with no statement. Syntax accepted: see Assemble.
//
// # Disassembler
//
//	Decode(b) (Inst, error)                 // Inst{Insn, Len, NArgs, Args (as for Encode), Reserved}
//	Disassemble(code, pc) (text, n, err)    // "jge\t0x24", exactly objdump's mnemonic and operands
//	AppendText(dst, *Inst, pc), (*Inst).Text(pc)
//	Listing(code, pc), AppendListing(dst, code, pc) // objdump -d lines "   0:\tc0 84 ... \tjge\t0x24\n"
//	AppendListingWidth(dst, code, pc, width)        // with the address column width of a larger section
//	AddrWidth(vma, size)                    // objdump's address column width (4, 8, 12, 16)
//
// objdump's conventions, reproduced: the extended mnemonic of branch on
// condition (j, jg, b, br, nop, nopr, jnop, jgnop and j<cond>, jg<cond>,
// b<cond>, b<cond>r with the first binutils name per mask: o h nle l nhe lh
// ne e nlh he nl le nh no); compare-and-branch with masks 2, 4, 6, 8, 10, 12
// as <insn>h/l/ne/e/nl/nh without the mask, other masks numeric; "nopr"
// without operand for bcr 0,%r0; D(X,B) printed as D, D(%rB) or
// D(%rX,%rB) (index without base prints the base as %r0); D(L,B) always
// with its base; immediates signed or unsigned per instruction; relative
// targets as the absolute address in 0x hex (64-bit wrap below zero);
// objdump 2.40's truncated "nop\tD(%rX" for bc 0 with an index and no base. RRE
// words with bits 16-23 set and RS-a shifts with R3 set print as objdump
// does: ".long\t0x%08x" over 4 bytes. Bytes of unknown opcodes are an
// error (ErrUnknownOpcode), not a guess.
package refimpl
