package refimpl

// Opcode is an operation code as the Principles of Operation writes it:
// 8 bits for the one-byte-opcode formats (RR, RX, RS, SS: 0x18), 12 bits
// for RI and RIL (OP1<<4 | OP2: 0xA78 for lhi), 16 bits for RRE and RRF
// (0xB904) and for the six-byte formats with OP2 in bits 40-47
// (OP1<<8 | OP2: 0xE304 for lg).
type Opcode uint16

// Opcodes of every instruction the s390x BPF JIT emits, with format and full
// name.
const (
	OpAR    Opcode = 0x1A   // RR ADD (32)
	OpSR    Opcode = 0x1B   // RR SUBTRACT (32)
	OpNR    Opcode = 0x14   // RR AND (32)
	OpOR    Opcode = 0x16   // RR OR (32)
	OpXR    Opcode = 0x17   // RR EXCLUSIVE OR (32)
	OpLR    Opcode = 0x18   // RR LOAD (32)
	OpCR    Opcode = 0x19   // RR COMPARE (32)
	OpCLR   Opcode = 0x15   // RR COMPARE LOGICAL (32)
	OpLCR   Opcode = 0x13   // RR LOAD COMPLEMENT (32)
	OpLTR   Opcode = 0x12   // RR LOAD AND TEST (32)
	OpBASR  Opcode = 0x0D   // RR BRANCH AND SAVE
	OpBCR   Opcode = 0x07   // RR BRANCH ON CONDITION
	OpLGR   Opcode = 0xB904 // RRE LOAD (64)
	OpLTGR  Opcode = 0xB902 // RRE LOAD AND TEST (64)
	OpLCGR  Opcode = 0xB903 // RRE LOAD COMPLEMENT (64)
	OpLGBR  Opcode = 0xB906 // RRE LOAD BYTE (64<-8)
	OpLGHR  Opcode = 0xB907 // RRE LOAD HALFWORD (64<-16)
	OpAGR   Opcode = 0xB908 // RRE ADD (64)
	OpSGR   Opcode = 0xB909 // RRE SUBTRACT (64)
	OpMSGR  Opcode = 0xB90C // RRE MULTIPLY SINGLE (64)
	OpDSGR  Opcode = 0xB90D // RRE DIVIDE SINGLE (64)
	OpLRVGR Opcode = 0xB90F // RRE LOAD REVERSED (64)
	OpLGFR  Opcode = 0xB914 // RRE LOAD (64<-32)
	OpLLGFR Opcode = 0xB916 // RRE LOAD LOGICAL (64<-32)
	OpDSGFR Opcode = 0xB91D // RRE DIVIDE SINGLE (64<-32)
	OpLRVR  Opcode = 0xB91F // RRE LOAD REVERSED (32)
	OpCGR   Opcode = 0xB920 // RRE COMPARE (64)
	OpCLGR  Opcode = 0xB921 // RRE COMPARE LOGICAL (64)
	OpLBR   Opcode = 0xB926 // RRE LOAD BYTE (32<-8)
	OpLHR   Opcode = 0xB927 // RRE LOAD HALFWORD (32<-16)
	OpNGR   Opcode = 0xB980 // RRE AND (64)
	OpOGR   Opcode = 0xB981 // RRE OR (64)
	OpXGR   Opcode = 0xB982 // RRE EXCLUSIVE OR (64)
	OpLLGCR Opcode = 0xB984 // RRE LOAD LOGICAL CHARACTER (64<-8)
	OpLLGHR Opcode = 0xB985 // RRE LOAD LOGICAL HALFWORD (64<-16)
	OpDLGR  Opcode = 0xB987 // RRE DIVIDE LOGICAL (64<-128)
	OpDLR   Opcode = 0xB997 // RRE DIVIDE LOGICAL (32<-64)
	OpMSR   Opcode = 0xB252 // RRE MULTIPLY SINGLE (32)
	OpNGRK  Opcode = 0xB9E4 // RRF-a AND (64)
	OpNRK   Opcode = 0xB9F4 // RRF-a AND (32)
	OpLHI   Opcode = 0xA78  // RI-a LOAD HALFWORD IMMEDIATE (32<-16)
	OpLGHI  Opcode = 0xA79  // RI-a LOAD HALFWORD IMMEDIATE (64<-16)
	OpAGHI  Opcode = 0xA7B  // RI-a ADD HALFWORD IMMEDIATE (64<-16)
	OpTMLH  Opcode = 0xA70  // RI-a TEST UNDER MASK (low high)
	OpBRC   Opcode = 0xA74  // RI-c BRANCH RELATIVE ON CONDITION
	OpLGFI  Opcode = 0xC01  // RIL-a LOAD IMMEDIATE (64<-32)
	OpXILF  Opcode = 0xC07  // RIL-a EXCLUSIVE OR IMMEDIATE (low)
	OpIIHF  Opcode = 0xC08  // RIL-a INSERT IMMEDIATE (high)
	OpIILF  Opcode = 0xC09  // RIL-a INSERT IMMEDIATE (low)
	OpNILF  Opcode = 0xC0B  // RIL-a AND IMMEDIATE (low)
	OpOILF  Opcode = 0xC0D  // RIL-a OR IMMEDIATE (low)
	OpLLIHF Opcode = 0xC0E  // RIL-a LOAD LOGICAL IMMEDIATE (high)
	OpLLILF Opcode = 0xC0F  // RIL-a LOAD LOGICAL IMMEDIATE (low)
	OpMSGFI Opcode = 0xC20  // RIL-a MULTIPLY SINGLE IMMEDIATE (64<-32)
	OpMSFI  Opcode = 0xC21  // RIL-a MULTIPLY SINGLE IMMEDIATE (32)
	OpAGFI  Opcode = 0xC28  // RIL-a ADD IMMEDIATE (64<-32)
	OpAFI   Opcode = 0xC29  // RIL-a ADD IMMEDIATE (32)
	OpALGFI Opcode = 0xC2A  // RIL-a ADD LOGICAL IMMEDIATE (64<-32)
	OpALFI  Opcode = 0xC2B  // RIL-a ADD LOGICAL IMMEDIATE (32)
	OpCGFI  Opcode = 0xC2C  // RIL-a COMPARE IMMEDIATE (64<-32)
	OpCFI   Opcode = 0xC2D  // RIL-a COMPARE IMMEDIATE (32)
	OpCLGFI Opcode = 0xC2E  // RIL-a COMPARE LOGICAL IMMEDIATE (64<-32)
	OpCLFI  Opcode = 0xC2F  // RIL-a COMPARE LOGICAL IMMEDIATE (32)
	OpLARL  Opcode = 0xC00  // RIL-b LOAD ADDRESS RELATIVE LONG
	OpBRASL Opcode = 0xC05  // RIL-b BRANCH RELATIVE AND SAVE LONG
	OpLGRL  Opcode = 0xC48  // RIL-b LOAD RELATIVE LONG (64)
	OpLGFRL Opcode = 0xC4C  // RIL-b LOAD RELATIVE LONG (64<-32)
	OpLRL   Opcode = 0xC4D  // RIL-b LOAD RELATIVE LONG (32)
	OpEXRL  Opcode = 0xC60  // RIL-b EXECUTE RELATIVE LONG
	OpBRCL  Opcode = 0xC04  // RIL-c BRANCH RELATIVE ON CONDITION LONG
	OpSRL   Opcode = 0x88   // RS-a SHIFT RIGHT SINGLE LOGICAL (32)
	OpSLL   Opcode = 0x89   // RS-a SHIFT LEFT SINGLE LOGICAL (32)
	OpSRA   Opcode = 0x8A   // RS-a SHIFT RIGHT SINGLE (32)
	OpLMG   Opcode = 0xEB04 // RSY-a LOAD MULTIPLE (64)
	OpSRAG  Opcode = 0xEB0A // RSY-a SHIFT RIGHT SINGLE (64)
	OpSRLG  Opcode = 0xEB0C // RSY-a SHIFT RIGHT SINGLE LOGICAL (64)
	OpSLLG  Opcode = 0xEB0D // RSY-a SHIFT LEFT SINGLE LOGICAL (64)
	OpCSY   Opcode = 0xEB14 // RSY-a COMPARE AND SWAP (32)
	OpSTMG  Opcode = 0xEB24 // RSY-a STORE MULTIPLE (64)
	OpCSG   Opcode = 0xEB30 // RSY-a COMPARE AND SWAP (64)
	OpLANG  Opcode = 0xEBE4 // RSY-a LOAD AND AND (64)
	OpLAOG  Opcode = 0xEBE6 // RSY-a LOAD AND OR (64)
	OpLAXG  Opcode = 0xEBE7 // RSY-a LOAD AND EXCLUSIVE OR (64)
	OpLAALG Opcode = 0xEBEA // RSY-a LOAD AND ADD LOGICAL (64)
	OpLAN   Opcode = 0xEBF4 // RSY-a LOAD AND AND (32)
	OpLAO   Opcode = 0xEBF6 // RSY-a LOAD AND OR (32)
	OpLAX   Opcode = 0xEBF7 // RSY-a LOAD AND EXCLUSIVE OR (32)
	OpLAAL  Opcode = 0xEBFA // RSY-a LOAD AND ADD LOGICAL (32)
	OpLA    Opcode = 0x41   // RX-a LOAD ADDRESS
	OpEX    Opcode = 0x44   // RX-a EXECUTE
	OpBC    Opcode = 0x47   // RX-b BRANCH ON CONDITION
	OpLTG   Opcode = 0xE302 // RXY-a LOAD AND TEST (64)
	OpLG    Opcode = 0xE304 // RXY-a LOAD (64)
	OpDSG   Opcode = 0xE30D // RXY-a DIVIDE SINGLE (64)
	OpLRVG  Opcode = 0xE30F // RXY-a LOAD REVERSED (64)
	OpLGF   Opcode = 0xE314 // RXY-a LOAD (64<-32)
	OpLGH   Opcode = 0xE315 // RXY-a LOAD HALFWORD (64<-16)
	OpLLGF  Opcode = 0xE316 // RXY-a LOAD LOGICAL (64<-32)
	OpDSGF  Opcode = 0xE31D // RXY-a DIVIDE SINGLE (64<-32)
	OpLRV   Opcode = 0xE31E // RXY-a LOAD REVERSED (32)
	OpSTG   Opcode = 0xE324 // RXY-a STORE (64)
	OpSTY   Opcode = 0xE350 // RXY-a STORE (32)
	OpLY    Opcode = 0xE358 // RXY-a LOAD (32)
	OpSTHY  Opcode = 0xE370 // RXY-a STORE HALFWORD (16)
	OpLAY   Opcode = 0xE371 // RXY-a LOAD ADDRESS
	OpSTCY  Opcode = 0xE372 // RXY-a STORE CHARACTER
	OpLGB   Opcode = 0xE377 // RXY-a LOAD BYTE (64<-8)
	OpNG    Opcode = 0xE380 // RXY-a AND (64)
	OpOG    Opcode = 0xE381 // RXY-a OR (64)
	OpXG    Opcode = 0xE382 // RXY-a EXCLUSIVE OR (64)
	OpDLG   Opcode = 0xE387 // RXY-a DIVIDE LOGICAL (64<-128)
	OpLLGC  Opcode = 0xE390 // RXY-a LOAD LOGICAL CHARACTER (64<-8)
	OpLLGH  Opcode = 0xE391 // RXY-a LOAD LOGICAL HALFWORD (64<-16)
	OpDL    Opcode = 0xE397 // RXY-a DIVIDE LOGICAL (32<-64)
	OpMVC   Opcode = 0xD2   // SS-a MOVE (character)
	OpXC    Opcode = 0xD7   // SS-a EXCLUSIVE OR (character)
	OpCGRJ  Opcode = 0xEC64 // RIE-b COMPARE AND BRANCH RELATIVE (64)
	OpCLGRJ Opcode = 0xEC65 // RIE-b COMPARE LOGICAL AND BRANCH RELATIVE (64)
	OpCRJ   Opcode = 0xEC76 // RIE-b COMPARE AND BRANCH RELATIVE (32)
	OpCLRJ  Opcode = 0xEC77 // RIE-b COMPARE LOGICAL AND BRANCH RELATIVE (32)
	OpCGIJ  Opcode = 0xEC7C // RIE-c COMPARE IMMEDIATE AND BRANCH RELATIVE (64<-8)
	OpCLGIJ Opcode = 0xEC7D // RIE-c COMPARE LOGICAL IMMEDIATE AND BRANCH RELATIVE (64<-8)
	OpCIJ   Opcode = 0xEC7E // RIE-c COMPARE IMMEDIATE AND BRANCH RELATIVE (32<-8)
	OpCLIJ  Opcode = 0xEC7F // RIE-c COMPARE LOGICAL IMMEDIATE AND BRANCH RELATIVE (32<-8)
)

// table lists every instruction, in the order of the encoding notes
// (docs/s390x-encoding.md) plus llgcr, which the JIT emits in its 8-bit
// zero extension.
var table = []Insn{
	{Mnemonic: "ar", Opcode: OpAR, Format: FormatRR, Name: "ADD (32)", JIT: "P"},
	{Mnemonic: "sr", Opcode: OpSR, Format: FormatRR, Name: "SUBTRACT (32)", JIT: "P"},
	{Mnemonic: "nr", Opcode: OpNR, Format: FormatRR, Name: "AND (32)", JIT: "P"},
	{Mnemonic: "or", Opcode: OpOR, Format: FormatRR, Name: "OR (32)", JIT: "P"},
	{Mnemonic: "xr", Opcode: OpXR, Format: FormatRR, Name: "EXCLUSIVE OR (32)", JIT: "P"},
	{Mnemonic: "lr", Opcode: OpLR, Format: FormatRR, Name: "LOAD (32)", JIT: "P"},
	{Mnemonic: "cr", Opcode: OpCR, Format: FormatRR, Name: "COMPARE (32)", JIT: "P"},
	{Mnemonic: "clr", Opcode: OpCLR, Format: FormatRR, Name: "COMPARE LOGICAL (32)", JIT: "P"},
	{Mnemonic: "lcr", Opcode: OpLCR, Format: FormatRR, Name: "LOAD COMPLEMENT (32)", JIT: "P"},
	{Mnemonic: "ltr", Opcode: OpLTR, Format: FormatRR, Name: "LOAD AND TEST (32)", JIT: ""},
	{Mnemonic: "basr", Opcode: OpBASR, Format: FormatRR, Name: "BRANCH AND SAVE", JIT: "T,P"},
	{Mnemonic: "bcr", Opcode: OpBCR, Format: FormatRR, Name: "BRANCH ON CONDITION", JIT: "T,P"},
	{Mnemonic: "lgr", Opcode: OpLGR, Format: FormatRRE, Name: "LOAD (64)", JIT: "T,P"},
	{Mnemonic: "ltgr", Opcode: OpLTGR, Format: FormatRRE, Name: "LOAD AND TEST (64)", JIT: "T,P"},
	{Mnemonic: "lcgr", Opcode: OpLCGR, Format: FormatRRE, Name: "LOAD COMPLEMENT (64)", JIT: "P"},
	{Mnemonic: "lgbr", Opcode: OpLGBR, Format: FormatRRE, Name: "LOAD BYTE (64<-8)", JIT: "T,P"},
	{Mnemonic: "lghr", Opcode: OpLGHR, Format: FormatRRE, Name: "LOAD HALFWORD (64<-16)", JIT: "T,P"},
	{Mnemonic: "agr", Opcode: OpAGR, Format: FormatRRE, Name: "ADD (64)", JIT: "P"},
	{Mnemonic: "sgr", Opcode: OpSGR, Format: FormatRRE, Name: "SUBTRACT (64)", JIT: "P"},
	{Mnemonic: "msgr", Opcode: OpMSGR, Format: FormatRRE, Name: "MULTIPLY SINGLE (64)", JIT: "P"},
	{Mnemonic: "dsgr", Opcode: OpDSGR, Format: FormatRRE, Name: "DIVIDE SINGLE (64)", JIT: "P", EvenR1: true},
	{Mnemonic: "lrvgr", Opcode: OpLRVGR, Format: FormatRRE, Name: "LOAD REVERSED (64)", JIT: "P"},
	{Mnemonic: "lgfr", Opcode: OpLGFR, Format: FormatRRE, Name: "LOAD (64<-32)", JIT: "T,P"},
	{Mnemonic: "llgfr", Opcode: OpLLGFR, Format: FormatRRE, Name: "LOAD LOGICAL (64<-32)", JIT: "T,P"},
	{Mnemonic: "dsgfr", Opcode: OpDSGFR, Format: FormatRRE, Name: "DIVIDE SINGLE (64<-32)", JIT: "P", EvenR1: true},
	{Mnemonic: "lrvr", Opcode: OpLRVR, Format: FormatRRE, Name: "LOAD REVERSED (32)", JIT: "P"},
	{Mnemonic: "cgr", Opcode: OpCGR, Format: FormatRRE, Name: "COMPARE (64)", JIT: "P"},
	{Mnemonic: "clgr", Opcode: OpCLGR, Format: FormatRRE, Name: "COMPARE LOGICAL (64)", JIT: "P"},
	{Mnemonic: "lbr", Opcode: OpLBR, Format: FormatRRE, Name: "LOAD BYTE (32<-8)", JIT: "P"},
	{Mnemonic: "lhr", Opcode: OpLHR, Format: FormatRRE, Name: "LOAD HALFWORD (32<-16)", JIT: "P"},
	{Mnemonic: "ngr", Opcode: OpNGR, Format: FormatRRE, Name: "AND (64)", JIT: "P"},
	{Mnemonic: "ogr", Opcode: OpOGR, Format: FormatRRE, Name: "OR (64)", JIT: "P"},
	{Mnemonic: "xgr", Opcode: OpXGR, Format: FormatRRE, Name: "EXCLUSIVE OR (64)", JIT: "P"},
	{Mnemonic: "llgcr", Opcode: OpLLGCR, Format: FormatRRE, Name: "LOAD LOGICAL CHARACTER (64<-8)", JIT: "T,P"},
	{Mnemonic: "llghr", Opcode: OpLLGHR, Format: FormatRRE, Name: "LOAD LOGICAL HALFWORD (64<-16)", JIT: "T,P"},
	{Mnemonic: "dlgr", Opcode: OpDLGR, Format: FormatRRE, Name: "DIVIDE LOGICAL (64<-128)", JIT: "P", EvenR1: true},
	{Mnemonic: "dlr", Opcode: OpDLR, Format: FormatRRE, Name: "DIVIDE LOGICAL (32<-64)", JIT: "P", EvenR1: true},
	{Mnemonic: "msr", Opcode: OpMSR, Format: FormatRRE, Name: "MULTIPLY SINGLE (32)", JIT: "P"},
	{Mnemonic: "ngrk", Opcode: OpNGRK, Format: FormatRRFa, Name: "AND (64)", JIT: "P"},
	{Mnemonic: "nrk", Opcode: OpNRK, Format: FormatRRFa, Name: "AND (32)", JIT: "P"},
	{Mnemonic: "lhi", Opcode: OpLHI, Format: FormatRIa, Name: "LOAD HALFWORD IMMEDIATE (32<-16)", JIT: "P", Signed: true},
	{Mnemonic: "lghi", Opcode: OpLGHI, Format: FormatRIa, Name: "LOAD HALFWORD IMMEDIATE (64<-16)", JIT: "T,P", Signed: true},
	{Mnemonic: "aghi", Opcode: OpAGHI, Format: FormatRIa, Name: "ADD HALFWORD IMMEDIATE (64<-16)", JIT: "T,P", Signed: true},
	{Mnemonic: "tmlh", Opcode: OpTMLH, Format: FormatRIa, Name: "TEST UNDER MASK (low high)", JIT: ""},
	{Mnemonic: "brc", Opcode: OpBRC, Format: FormatRIc, Name: "BRANCH RELATIVE ON CONDITION", JIT: "T,P"},
	{Mnemonic: "lgfi", Opcode: OpLGFI, Format: FormatRILa, Name: "LOAD IMMEDIATE (64<-32)", JIT: "P", Signed: true},
	{Mnemonic: "xilf", Opcode: OpXILF, Format: FormatRILa, Name: "EXCLUSIVE OR IMMEDIATE (low)", JIT: "P"},
	{Mnemonic: "iihf", Opcode: OpIIHF, Format: FormatRILa, Name: "INSERT IMMEDIATE (high)", JIT: "P"},
	{Mnemonic: "iilf", Opcode: OpIILF, Format: FormatRILa, Name: "INSERT IMMEDIATE (low)", JIT: ""},
	{Mnemonic: "nilf", Opcode: OpNILF, Format: FormatRILa, Name: "AND IMMEDIATE (low)", JIT: "P"},
	{Mnemonic: "oilf", Opcode: OpOILF, Format: FormatRILa, Name: "OR IMMEDIATE (low)", JIT: "T,P"},
	{Mnemonic: "llihf", Opcode: OpLLIHF, Format: FormatRILa, Name: "LOAD LOGICAL IMMEDIATE (high)", JIT: "T"},
	{Mnemonic: "llilf", Opcode: OpLLILF, Format: FormatRILa, Name: "LOAD LOGICAL IMMEDIATE (low)", JIT: "P"},
	{Mnemonic: "msgfi", Opcode: OpMSGFI, Format: FormatRILa, Name: "MULTIPLY SINGLE IMMEDIATE (64<-32)", JIT: "P", Signed: true},
	{Mnemonic: "msfi", Opcode: OpMSFI, Format: FormatRILa, Name: "MULTIPLY SINGLE IMMEDIATE (32)", JIT: "P", Signed: true},
	{Mnemonic: "agfi", Opcode: OpAGFI, Format: FormatRILa, Name: "ADD IMMEDIATE (64<-32)", JIT: "P", Signed: true},
	{Mnemonic: "afi", Opcode: OpAFI, Format: FormatRILa, Name: "ADD IMMEDIATE (32)", JIT: "", Signed: true},
	{Mnemonic: "algfi", Opcode: OpALGFI, Format: FormatRILa, Name: "ADD LOGICAL IMMEDIATE (64<-32)", JIT: "P"},
	{Mnemonic: "alfi", Opcode: OpALFI, Format: FormatRILa, Name: "ADD LOGICAL IMMEDIATE (32)", JIT: "P"},
	{Mnemonic: "cgfi", Opcode: OpCGFI, Format: FormatRILa, Name: "COMPARE IMMEDIATE (64<-32)", JIT: "P", Signed: true},
	{Mnemonic: "cfi", Opcode: OpCFI, Format: FormatRILa, Name: "COMPARE IMMEDIATE (32)", JIT: "P", Signed: true},
	{Mnemonic: "clgfi", Opcode: OpCLGFI, Format: FormatRILa, Name: "COMPARE LOGICAL IMMEDIATE (64<-32)", JIT: ""},
	{Mnemonic: "clfi", Opcode: OpCLFI, Format: FormatRILa, Name: "COMPARE LOGICAL IMMEDIATE (32)", JIT: ""},
	{Mnemonic: "larl", Opcode: OpLARL, Format: FormatRILb, Name: "LOAD ADDRESS RELATIVE LONG", JIT: "P"},
	{Mnemonic: "brasl", Opcode: OpBRASL, Format: FormatRILb, Name: "BRANCH RELATIVE AND SAVE LONG", JIT: "T,P"},
	{Mnemonic: "lgrl", Opcode: OpLGRL, Format: FormatRILb, Name: "LOAD RELATIVE LONG (64)", JIT: "P"},
	{Mnemonic: "lgfrl", Opcode: OpLGFRL, Format: FormatRILb, Name: "LOAD RELATIVE LONG (64<-32)", JIT: "P"},
	{Mnemonic: "lrl", Opcode: OpLRL, Format: FormatRILb, Name: "LOAD RELATIVE LONG (32)", JIT: "P"},
	{Mnemonic: "exrl", Opcode: OpEXRL, Format: FormatRILb, Name: "EXECUTE RELATIVE LONG", JIT: "T,P"},
	{Mnemonic: "brcl", Opcode: OpBRCL, Format: FormatRILc, Name: "BRANCH RELATIVE ON CONDITION LONG", JIT: "T,P"},
	{Mnemonic: "srl", Opcode: OpSRL, Format: FormatRSa, Name: "SHIFT RIGHT SINGLE LOGICAL (32)", JIT: "P"},
	{Mnemonic: "sll", Opcode: OpSLL, Format: FormatRSa, Name: "SHIFT LEFT SINGLE LOGICAL (32)", JIT: "P"},
	{Mnemonic: "sra", Opcode: OpSRA, Format: FormatRSa, Name: "SHIFT RIGHT SINGLE (32)", JIT: "P"},
	{Mnemonic: "lmg", Opcode: OpLMG, Format: FormatRSYa, Name: "LOAD MULTIPLE (64)", JIT: "T,P"},
	{Mnemonic: "srag", Opcode: OpSRAG, Format: FormatRSYa, Name: "SHIFT RIGHT SINGLE (64)", JIT: "P"},
	{Mnemonic: "srlg", Opcode: OpSRLG, Format: FormatRSYa, Name: "SHIFT RIGHT SINGLE LOGICAL (64)", JIT: "P"},
	{Mnemonic: "sllg", Opcode: OpSLLG, Format: FormatRSYa, Name: "SHIFT LEFT SINGLE LOGICAL (64)", JIT: "P"},
	{Mnemonic: "csy", Opcode: OpCSY, Format: FormatRSYa, Name: "COMPARE AND SWAP (32)", JIT: "P"},
	{Mnemonic: "stmg", Opcode: OpSTMG, Format: FormatRSYa, Name: "STORE MULTIPLE (64)", JIT: "T,P"},
	{Mnemonic: "csg", Opcode: OpCSG, Format: FormatRSYa, Name: "COMPARE AND SWAP (64)", JIT: "P"},
	{Mnemonic: "lang", Opcode: OpLANG, Format: FormatRSYa, Name: "LOAD AND AND (64)", JIT: "P"},
	{Mnemonic: "laog", Opcode: OpLAOG, Format: FormatRSYa, Name: "LOAD AND OR (64)", JIT: "P"},
	{Mnemonic: "laxg", Opcode: OpLAXG, Format: FormatRSYa, Name: "LOAD AND EXCLUSIVE OR (64)", JIT: "P"},
	{Mnemonic: "laalg", Opcode: OpLAALG, Format: FormatRSYa, Name: "LOAD AND ADD LOGICAL (64)", JIT: "P"},
	{Mnemonic: "lan", Opcode: OpLAN, Format: FormatRSYa, Name: "LOAD AND AND (32)", JIT: "P"},
	{Mnemonic: "lao", Opcode: OpLAO, Format: FormatRSYa, Name: "LOAD AND OR (32)", JIT: "P"},
	{Mnemonic: "lax", Opcode: OpLAX, Format: FormatRSYa, Name: "LOAD AND EXCLUSIVE OR (32)", JIT: "P"},
	{Mnemonic: "laal", Opcode: OpLAAL, Format: FormatRSYa, Name: "LOAD AND ADD LOGICAL (32)", JIT: "P"},
	{Mnemonic: "la", Opcode: OpLA, Format: FormatRXa, Name: "LOAD ADDRESS", JIT: "T,P"},
	{Mnemonic: "ex", Opcode: OpEX, Format: FormatRXa, Name: "EXECUTE", JIT: ""},
	{Mnemonic: "bc", Opcode: OpBC, Format: FormatRXb, Name: "BRANCH ON CONDITION", JIT: "P"},
	{Mnemonic: "ltg", Opcode: OpLTG, Format: FormatRXYa, Name: "LOAD AND TEST (64)", JIT: "T,P"},
	{Mnemonic: "lg", Opcode: OpLG, Format: FormatRXYa, Name: "LOAD (64)", JIT: "T,P"},
	{Mnemonic: "dsg", Opcode: OpDSG, Format: FormatRXYa, Name: "DIVIDE SINGLE (64)", JIT: "P", EvenR1: true},
	{Mnemonic: "lrvg", Opcode: OpLRVG, Format: FormatRXYa, Name: "LOAD REVERSED (64)", JIT: ""},
	{Mnemonic: "lgf", Opcode: OpLGF, Format: FormatRXYa, Name: "LOAD (64<-32)", JIT: "P"},
	{Mnemonic: "lgh", Opcode: OpLGH, Format: FormatRXYa, Name: "LOAD HALFWORD (64<-16)", JIT: "P"},
	{Mnemonic: "llgf", Opcode: OpLLGF, Format: FormatRXYa, Name: "LOAD LOGICAL (64<-32)", JIT: "P"},
	{Mnemonic: "dsgf", Opcode: OpDSGF, Format: FormatRXYa, Name: "DIVIDE SINGLE (64<-32)", JIT: "P", EvenR1: true},
	{Mnemonic: "lrv", Opcode: OpLRV, Format: FormatRXYa, Name: "LOAD REVERSED (32)", JIT: ""},
	{Mnemonic: "stg", Opcode: OpSTG, Format: FormatRXYa, Name: "STORE (64)", JIT: "T,P"},
	{Mnemonic: "sty", Opcode: OpSTY, Format: FormatRXYa, Name: "STORE (32)", JIT: "P"},
	{Mnemonic: "ly", Opcode: OpLY, Format: FormatRXYa, Name: "LOAD (32)", JIT: "P"},
	{Mnemonic: "sthy", Opcode: OpSTHY, Format: FormatRXYa, Name: "STORE HALFWORD (16)", JIT: "P"},
	{Mnemonic: "lay", Opcode: OpLAY, Format: FormatRXYa, Name: "LOAD ADDRESS", JIT: ""},
	{Mnemonic: "stcy", Opcode: OpSTCY, Format: FormatRXYa, Name: "STORE CHARACTER", JIT: "P"},
	{Mnemonic: "lgb", Opcode: OpLGB, Format: FormatRXYa, Name: "LOAD BYTE (64<-8)", JIT: "P"},
	{Mnemonic: "ng", Opcode: OpNG, Format: FormatRXYa, Name: "AND (64)", JIT: "P"},
	{Mnemonic: "og", Opcode: OpOG, Format: FormatRXYa, Name: "OR (64)", JIT: "P"},
	{Mnemonic: "xg", Opcode: OpXG, Format: FormatRXYa, Name: "EXCLUSIVE OR (64)", JIT: "P"},
	{Mnemonic: "dlg", Opcode: OpDLG, Format: FormatRXYa, Name: "DIVIDE LOGICAL (64<-128)", JIT: "P", EvenR1: true},
	{Mnemonic: "llgc", Opcode: OpLLGC, Format: FormatRXYa, Name: "LOAD LOGICAL CHARACTER (64<-8)", JIT: "P"},
	{Mnemonic: "llgh", Opcode: OpLLGH, Format: FormatRXYa, Name: "LOAD LOGICAL HALFWORD (64<-16)", JIT: "P"},
	{Mnemonic: "dl", Opcode: OpDL, Format: FormatRXYa, Name: "DIVIDE LOGICAL (32<-64)", JIT: "P", EvenR1: true},
	{Mnemonic: "mvc", Opcode: OpMVC, Format: FormatSSa, Name: "MOVE (character)", JIT: "T,P"},
	{Mnemonic: "xc", Opcode: OpXC, Format: FormatSSa, Name: "EXCLUSIVE OR (character)", JIT: "T,P"},
	{Mnemonic: "cgrj", Opcode: OpCGRJ, Format: FormatRIEb, Name: "COMPARE AND BRANCH RELATIVE (64)", JIT: "P"},
	{Mnemonic: "clgrj", Opcode: OpCLGRJ, Format: FormatRIEb, Name: "COMPARE LOGICAL AND BRANCH RELATIVE (64)", JIT: "P"},
	{Mnemonic: "crj", Opcode: OpCRJ, Format: FormatRIEb, Name: "COMPARE AND BRANCH RELATIVE (32)", JIT: "P"},
	{Mnemonic: "clrj", Opcode: OpCLRJ, Format: FormatRIEb, Name: "COMPARE LOGICAL AND BRANCH RELATIVE (32)", JIT: "P"},
	{Mnemonic: "cgij", Opcode: OpCGIJ, Format: FormatRIEc, Name: "COMPARE IMMEDIATE AND BRANCH RELATIVE (64<-8)", JIT: "", Signed: true},
	{Mnemonic: "clgij", Opcode: OpCLGIJ, Format: FormatRIEc, Name: "COMPARE LOGICAL IMMEDIATE AND BRANCH RELATIVE (64<-8)", JIT: ""},
	{Mnemonic: "cij", Opcode: OpCIJ, Format: FormatRIEc, Name: "COMPARE IMMEDIATE AND BRANCH RELATIVE (32<-8)", JIT: "", Signed: true},
	{Mnemonic: "clij", Opcode: OpCLIJ, Format: FormatRIEc, Name: "COMPARE LOGICAL IMMEDIATE AND BRANCH RELATIVE (32<-8)", JIT: "P"},
}
