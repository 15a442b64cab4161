package tramp

// builder emits instructions. Like the kernel's generator it runs twice:
// a sizing pass that only advances pc (and learns where labels are), then
// a writing pass that records every instruction. Offsets in both passes
// are identical because every instruction has a fixed length.
type builder struct {
	pc    int    // offset of the next instruction
	write bool   // the writing pass
	insts []inst // the writing pass's instructions
	// names and labelAt are the labels of the writing pass and their
	// offsets, in order.
	names   []string
	labelAt []int32
}

// emit records in at the current offset and advances pc by its length.
// It returns the instruction's offset.
func (b *builder) emit(in inst) int {
	off := b.pc
	if b.write {
		in.off = int32(off)
		b.insts = append(b.insts, in)
	}
	b.pc += ops[in.op].size
	return off
}

// label names the current offset in the listing. Several labels may name
// the same offset.
func (b *builder) label(name string) int {
	if b.write {
		b.names = append(b.names, name)
		b.labelAt = append(b.labelAt, int32(b.pc))
	}
	return b.pc
}

// patch sets the target of the branch at offset at to the current offset:
// the forward branch whose target was unknown when it was emitted.
func (b *builder) patch(at int) {
	if !b.write {
		return
	}
	for i := len(b.insts) - 1; i >= 0; i-- {
		if int(b.insts[i].off) == at {
			b.insts[i].imm = int64(b.pc - at)
			return
		}
	}
}

// rel returns target relative to the current offset.
func (b *builder) rel(target int) int64 { return int64(target - b.pc) }

// LGR emits lgr r1,r2: r1 = r2.
func (b *builder) LGR(r1, r2 Reg) { b.emit(inst{op: opLGR, r1: r1, r2: r2}) }

// LTGR emits ltgr r1,r2: r1 = r2, condition code from its sign.
func (b *builder) LTGR(r1, r2 Reg) { b.emit(inst{op: opLTGR, r1: r1, r2: r2}) }

// LGBR, LGHR, LGFR sign-extend the low 8, 16, 32 bits of r2 into r1.
func (b *builder) LGBR(r1, r2 Reg) { b.emit(inst{op: opLGBR, r1: r1, r2: r2}) }

// LGHR sign-extends the low 16 bits of r2 into r1.
func (b *builder) LGHR(r1, r2 Reg) { b.emit(inst{op: opLGHR, r1: r1, r2: r2}) }

// LGFR sign-extends the low 32 bits of r2 into r1.
func (b *builder) LGFR(r1, r2 Reg) { b.emit(inst{op: opLGFR, r1: r1, r2: r2}) }

// LLGCR zero-extends the low 8 bits of r2 into r1.
func (b *builder) LLGCR(r1, r2 Reg) { b.emit(inst{op: opLLGCR, r1: r1, r2: r2}) }

// LLGHR zero-extends the low 16 bits of r2 into r1.
func (b *builder) LLGHR(r1, r2 Reg) { b.emit(inst{op: opLLGHR, r1: r1, r2: r2}) }

// LLGFR zero-extends the low 32 bits of r2 into r1.
func (b *builder) LLGFR(r1, r2 Reg) { b.emit(inst{op: opLLGFR, r1: r1, r2: r2}) }

// AGHI emits aghi r,imm: r += imm (16-bit signed).
func (b *builder) AGHI(r Reg, imm int) { b.emit(inst{op: opAGHI, r1: r, imm: int64(imm)}) }

// LGHI emits lghi r,imm: r = imm (16-bit signed).
func (b *builder) LGHI(r Reg, imm int) { b.emit(inst{op: opLGHI, r1: r, imm: int64(imm)}) }

// LLIHF emits llihf r,imm: r = imm << 32.
func (b *builder) LLIHF(r Reg, imm uint32) { b.emit(inst{op: opLLIHF, r1: r, imm: int64(imm)}) }

// OILF emits oilf r,imm: r |= imm (low 32 bits).
func (b *builder) OILF(r Reg, imm uint32) { b.emit(inst{op: opOILF, r1: r, imm: int64(imm)}) }

// LoadImm64 loads a 64-bit constant into r in two halves (12 bytes, the
// same length for every value, which keeps both passes in step).
func (b *builder) LoadImm64(r Reg, v uint64) {
	b.LLIHF(r, uint32(v>>32))
	b.OILF(r, uint32(v))
}

// LA emits la r,d(base): r = base + d (12-bit unsigned d).
func (b *builder) LA(r Reg, d int, base Reg) { b.emit(inst{op: opLA, r1: r, d1: int32(d), b1: base}) }

// STG emits stg r,d(base): store 8 bytes.
func (b *builder) STG(r Reg, d int, base Reg) { b.emit(inst{op: opSTG, r1: r, d1: int32(d), b1: base}) }

// LG emits lg r,d(base): load 8 bytes.
func (b *builder) LG(r Reg, d int, base Reg) { b.emit(inst{op: opLG, r1: r, d1: int32(d), b1: base}) }

// LTG emits ltg r,d(base): load 8 bytes, condition code from the value.
func (b *builder) LTG(r Reg, d int, base Reg) { b.emit(inst{op: opLTG, r1: r, d1: int32(d), b1: base}) }

// STMG emits stmg r1,r3,d(base): store r1..r3 at consecutive doublewords.
func (b *builder) STMG(r1, r3 Reg, d int, base Reg) {
	b.emit(inst{op: opSTMG, r1: r1, r2: r3, d1: int32(d), b1: base})
}

// LMG emits lmg r1,r3,d(base): load r1..r3 from consecutive doublewords.
func (b *builder) LMG(r1, r3 Reg, d int, base Reg) {
	b.emit(inst{op: opLMG, r1: r1, r2: r3, d1: int32(d), b1: base})
}

// MVC emits mvc d1(l,b1),d2(b2): copy l (1..256) bytes.
func (b *builder) MVC(d1, l int, b1 Reg, d2 int, b2 Reg) {
	b.emit(inst{op: opMVC, d1: int32(d1), l: int32(l), b1: b1, d2: int32(d2), b2: b2})
}

// XC emits xc d1(l,b1),d2(b2): exclusive-or l bytes (zeroes them when the
// operands coincide).
func (b *builder) XC(d1, l int, b1 Reg, d2 int, b2 Reg) {
	b.emit(inst{op: opXC, d1: int32(d1), l: int32(l), b1: b1, d2: int32(d2), b2: b2})
}

// BASR emits basr r1,r2: call the address in r2, return address in r1.
func (b *builder) BASR(r1, r2 Reg) { b.emit(inst{op: opBASR, r1: r1, r2: r2}) }

// BR emits br r (bcr 15,r): jump to the address in r.
func (b *builder) BR(r Reg) { b.emit(inst{op: opBCR, r1: MaskAlways, r2: r}) }

// J emits j target (brc 15): a short relative jump to the offset target.
func (b *builder) J(target int) { b.emit(inst{op: opBRC, r1: MaskAlways, imm: b.rel(target)}) }

// BRASL emits brasl r,target: call the offset target, return address in r.
func (b *builder) BRASL(r Reg, target int) { b.emit(inst{op: opBRASL, r1: r, imm: b.rel(target)}) }

// EXRL emits exrl r,target: execute the instruction at the offset target
// (modified by r; %r0 means unmodified).
func (b *builder) EXRL(r Reg, target int) { b.emit(inst{op: opEXRL, r1: r, imm: b.rel(target)}) }

// BRCL emits brcl mask,target: a long relative branch to the offset target
// when the condition code matches mask. It returns the branch's offset for
// patch.
func (b *builder) BRCL(mask Reg, target int) int {
	return b.emit(inst{op: opBRCL, r1: mask, imm: b.rel(target)})
}
