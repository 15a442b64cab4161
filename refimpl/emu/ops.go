package emu

import "github.com/trampcheck/trampcheck/refimpl"

// Internal operation numbers, one per instruction of refimpl's table; 0 is
// "not decoded".
const (
	opNone = iota
	opAR
	opSR
	opNR
	opOR
	opXR
	opLR
	opCR
	opCLR
	opLCR
	opLTR
	opBASR
	opBCR
	opLGR
	opLTGR
	opLCGR
	opLGBR
	opLGHR
	opAGR
	opSGR
	opMSGR
	opDSGR
	opLRVGR
	opLGFR
	opLLGFR
	opDSGFR
	opLRVR
	opCGR
	opCLGR
	opLBR
	opLHR
	opNGR
	opOGR
	opXGR
	opLLGCR
	opLLGHR
	opDLGR
	opDLR
	opMSR
	opNGRK
	opNRK
	opLHI
	opLGHI
	opAGHI
	opTMLH
	opBRC
	opLGFI
	opXILF
	opIIHF
	opIILF
	opNILF
	opOILF
	opLLIHF
	opLLILF
	opMSGFI
	opMSFI
	opAGFI
	opAFI
	opALGFI
	opALFI
	opCGFI
	opCFI
	opCLGFI
	opCLFI
	opLARL
	opBRASL
	opLGRL
	opLGFRL
	opLRL
	opEXRL
	opBRCL
	opSRL
	opSLL
	opSRA
	opLMG
	opSRAG
	opSRLG
	opSLLG
	opCSY
	opSTMG
	opCSG
	opLANG
	opLAOG
	opLAXG
	opLAALG
	opLAN
	opLAO
	opLAX
	opLAAL
	opLA
	opEX
	opBC
	opLTG
	opLG
	opDSG
	opLRVG
	opLGF
	opLGH
	opLLGF
	opDSGF
	opLRV
	opSTG
	opSTY
	opLY
	opSTHY
	opLAY
	opSTCY
	opLGB
	opNG
	opOG
	opXG
	opDLG
	opLLGC
	opLLGH
	opDL
	opMVC
	opXC
	opCGRJ
	opCLGRJ
	opCRJ
	opCLRJ
	opCGIJ
	opCLGIJ
	opCIJ
	opCLIJ
	opHook // a Hook, not an instruction
)

// opOf maps refimpl's opcodes to operation numbers.
var opOf = func() (t [1 << 16]uint8) {
	for op, o := range map[refimpl.Opcode]uint8{
		refimpl.OpAR:    opAR,
		refimpl.OpSR:    opSR,
		refimpl.OpNR:    opNR,
		refimpl.OpOR:    opOR,
		refimpl.OpXR:    opXR,
		refimpl.OpLR:    opLR,
		refimpl.OpCR:    opCR,
		refimpl.OpCLR:   opCLR,
		refimpl.OpLCR:   opLCR,
		refimpl.OpLTR:   opLTR,
		refimpl.OpBASR:  opBASR,
		refimpl.OpBCR:   opBCR,
		refimpl.OpLGR:   opLGR,
		refimpl.OpLTGR:  opLTGR,
		refimpl.OpLCGR:  opLCGR,
		refimpl.OpLGBR:  opLGBR,
		refimpl.OpLGHR:  opLGHR,
		refimpl.OpAGR:   opAGR,
		refimpl.OpSGR:   opSGR,
		refimpl.OpMSGR:  opMSGR,
		refimpl.OpDSGR:  opDSGR,
		refimpl.OpLRVGR: opLRVGR,
		refimpl.OpLGFR:  opLGFR,
		refimpl.OpLLGFR: opLLGFR,
		refimpl.OpDSGFR: opDSGFR,
		refimpl.OpLRVR:  opLRVR,
		refimpl.OpCGR:   opCGR,
		refimpl.OpCLGR:  opCLGR,
		refimpl.OpLBR:   opLBR,
		refimpl.OpLHR:   opLHR,
		refimpl.OpNGR:   opNGR,
		refimpl.OpOGR:   opOGR,
		refimpl.OpXGR:   opXGR,
		refimpl.OpLLGCR: opLLGCR,
		refimpl.OpLLGHR: opLLGHR,
		refimpl.OpDLGR:  opDLGR,
		refimpl.OpDLR:   opDLR,
		refimpl.OpMSR:   opMSR,
		refimpl.OpNGRK:  opNGRK,
		refimpl.OpNRK:   opNRK,
		refimpl.OpLHI:   opLHI,
		refimpl.OpLGHI:  opLGHI,
		refimpl.OpAGHI:  opAGHI,
		refimpl.OpTMLH:  opTMLH,
		refimpl.OpBRC:   opBRC,
		refimpl.OpLGFI:  opLGFI,
		refimpl.OpXILF:  opXILF,
		refimpl.OpIIHF:  opIIHF,
		refimpl.OpIILF:  opIILF,
		refimpl.OpNILF:  opNILF,
		refimpl.OpOILF:  opOILF,
		refimpl.OpLLIHF: opLLIHF,
		refimpl.OpLLILF: opLLILF,
		refimpl.OpMSGFI: opMSGFI,
		refimpl.OpMSFI:  opMSFI,
		refimpl.OpAGFI:  opAGFI,
		refimpl.OpAFI:   opAFI,
		refimpl.OpALGFI: opALGFI,
		refimpl.OpALFI:  opALFI,
		refimpl.OpCGFI:  opCGFI,
		refimpl.OpCFI:   opCFI,
		refimpl.OpCLGFI: opCLGFI,
		refimpl.OpCLFI:  opCLFI,
		refimpl.OpLARL:  opLARL,
		refimpl.OpBRASL: opBRASL,
		refimpl.OpLGRL:  opLGRL,
		refimpl.OpLGFRL: opLGFRL,
		refimpl.OpLRL:   opLRL,
		refimpl.OpEXRL:  opEXRL,
		refimpl.OpBRCL:  opBRCL,
		refimpl.OpSRL:   opSRL,
		refimpl.OpSLL:   opSLL,
		refimpl.OpSRA:   opSRA,
		refimpl.OpLMG:   opLMG,
		refimpl.OpSRAG:  opSRAG,
		refimpl.OpSRLG:  opSRLG,
		refimpl.OpSLLG:  opSLLG,
		refimpl.OpCSY:   opCSY,
		refimpl.OpSTMG:  opSTMG,
		refimpl.OpCSG:   opCSG,
		refimpl.OpLANG:  opLANG,
		refimpl.OpLAOG:  opLAOG,
		refimpl.OpLAXG:  opLAXG,
		refimpl.OpLAALG: opLAALG,
		refimpl.OpLAN:   opLAN,
		refimpl.OpLAO:   opLAO,
		refimpl.OpLAX:   opLAX,
		refimpl.OpLAAL:  opLAAL,
		refimpl.OpLA:    opLA,
		refimpl.OpEX:    opEX,
		refimpl.OpBC:    opBC,
		refimpl.OpLTG:   opLTG,
		refimpl.OpLG:    opLG,
		refimpl.OpDSG:   opDSG,
		refimpl.OpLRVG:  opLRVG,
		refimpl.OpLGF:   opLGF,
		refimpl.OpLGH:   opLGH,
		refimpl.OpLLGF:  opLLGF,
		refimpl.OpDSGF:  opDSGF,
		refimpl.OpLRV:   opLRV,
		refimpl.OpSTG:   opSTG,
		refimpl.OpSTY:   opSTY,
		refimpl.OpLY:    opLY,
		refimpl.OpSTHY:  opSTHY,
		refimpl.OpLAY:   opLAY,
		refimpl.OpSTCY:  opSTCY,
		refimpl.OpLGB:   opLGB,
		refimpl.OpNG:    opNG,
		refimpl.OpOG:    opOG,
		refimpl.OpXG:    opXG,
		refimpl.OpDLG:   opDLG,
		refimpl.OpLLGC:  opLLGC,
		refimpl.OpLLGH:  opLLGH,
		refimpl.OpDL:    opDL,
		refimpl.OpMVC:   opMVC,
		refimpl.OpXC:    opXC,
		refimpl.OpCGRJ:  opCGRJ,
		refimpl.OpCLGRJ: opCLGRJ,
		refimpl.OpCRJ:   opCRJ,
		refimpl.OpCLRJ:  opCLRJ,
		refimpl.OpCGIJ:  opCGIJ,
		refimpl.OpCLGIJ: opCLGIJ,
		refimpl.OpCIJ:   opCIJ,
		refimpl.OpCLIJ:  opCLIJ,
	} {
		t[op] = o
	}
	return t
}()
