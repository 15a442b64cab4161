package emu

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl"
	"github.com/trampcheck/trampcheck/refimpl/emu/internal/qemutest"
)

// The comparison with qemu-s390x: for every instruction of refimpl's table,
// random cases (seeded; operands biased to boundaries) run once in the
// emulator and once as real s390x code under qemu-s390x, in
// testdata/harness.c compiled with s390x-linux-gnu-gcc. Registers,
// condition code, the pad the code reached (fall-through or a branch
// target) or the signal, and a 512-byte memory window must be equal.

// Signals of the harness (Linux numbers, the same on s390x and amd64).
const (
	sigILL  = 4
	sigFPE  = 8
	sigSEGV = 11
)

// layout is the harness's header: where it puts things.
type layout struct {
	insn, ex uint64    // instruction slot and EX target slot
	pad      [3]uint64 // pad 0 follows the slot (fall-through); 1 after, 2 before
	win      uint64    // the memory window, winSize bytes, followed by an inaccessible hole
	winSize  uint64
	caseSize uint64
}

func (l *layout) hole() uint64 { return l.win + l.winSize }

// qcase is one test case.
type qcase struct {
	insn, ex [6]byte
	hasMem   bool
	cc       uint8
	regs     [16]uint64
	mem      []byte
}

// qresult is what the harness or the emulator saw.
type qresult struct {
	sig, pad, cc uint32
	regs         [16]uint64
	mem          []byte
	fault        error // emulator only
}

// harness builds the harness and starts it under qemu-s390x.
type harness struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
	lay layout
}

func startHarness(t *testing.T) *harness {
	t.Helper()
	gcc := qemutest.Tool(t, "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu", "qemu-s390x")
	qemu := qemutest.Tool(t, "qemu-s390x", "qemu-user", "qemu-s390x")
	bin := filepath.Join(t.TempDir(), "harness")
	src, err := filepath.Abs(filepath.Join("testdata", "harness.c"))
	if err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(gcc, "-static", "-O1", "-march=z196", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("s390x-linux-gnu-gcc: %v\n%s", err, msg)
	}
	h := &harness{cmd: exec.Command(qemu, bin)}
	h.cmd.Stderr = os.Stderr
	if h.in, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.out = bufio.NewReaderSize(out, 1<<16)
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var hdr [8]uint64
	if err := binary.Read(h.out, binary.BigEndian, &hdr); err != nil {
		t.Fatalf("harness header: %v", err)
	}
	h.lay = layout{insn: hdr[0], ex: hdr[1], pad: [3]uint64{hdr[2], hdr[3], hdr[4]}, win: hdr[5], winSize: hdr[6], caseSize: hdr[7]}
	if h.lay.caseSize != 16+128 {
		t.Fatalf("harness case size %d, want %d", h.lay.caseSize, 16+128)
	}
	return h
}

// run sends the cases and returns the harness's results.
func (h *harness) run(t *testing.T, cases []qcase) []qresult {
	t.Helper()
	var werr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := bufio.NewWriterSize(h.in, 1<<16)
		var b [16 + 128]byte
		for i := range cases {
			c := &cases[i]
			copy(b[0:], c.insn[:])
			copy(b[6:], c.ex[:])
			b[12] = 0
			if c.hasMem {
				b[12] = 1
			}
			if i == len(cases)-1 {
				b[12] |= 2 // flush
			}
			b[13] = c.cc
			for r, v := range c.regs {
				binary.BigEndian.PutUint64(b[16+8*r:], v)
			}
			if _, werr = w.Write(b[:]); werr != nil {
				return
			}
			if c.hasMem {
				if _, werr = w.Write(c.mem); werr != nil {
					return
				}
			}
		}
		werr = w.Flush()
	}()
	res := make([]qresult, len(cases))
	var b [16 + 128]byte
	for i := range cases {
		if _, err := io.ReadFull(h.out, b[:]); err != nil {
			t.Fatalf("harness result %d of %d: %v", i, len(cases), err)
		}
		r := &res[i]
		r.sig = binary.BigEndian.Uint32(b[0:])
		r.pad = binary.BigEndian.Uint32(b[4:])
		r.cc = binary.BigEndian.Uint32(b[8:])
		for k := range r.regs {
			r.regs[k] = binary.BigEndian.Uint64(b[16+8*k:])
		}
		if cases[i].hasMem {
			r.mem = make([]byte, h.lay.winSize)
			if _, err := io.ReadFull(h.out, r.mem); err != nil {
				t.Fatalf("harness result %d memory: %v", i, err)
			}
		}
	}
	wg.Wait()
	if werr != nil {
		t.Fatalf("writing cases: %v", werr)
	}
	return res
}

func (h *harness) close() {
	_ = h.in.Close()
	_ = h.cmd.Wait()
}

// emuRunner runs cases in the emulator with the harness's layout.
type emuRunner struct {
	lay layout
	m   *Machine
	pad uint32
}

func newEmuRunner(t *testing.T, lay layout) *emuRunner {
	var mem Memory
	codeBase := lay.insn &^ 0xfff
	if err := mem.Map(codeBase, 0x2000, PermRead|PermExec); err != nil {
		t.Fatal(err)
	}
	dataBase := lay.hole() - 0x1000
	if err := mem.Map(dataBase, 0x1000, PermRead|PermWrite); err != nil {
		t.Fatal(err)
	}
	e := &emuRunner{lay: lay, m: New(&mem)}
	for i, p := range lay.pad {
		e.m.SetHook(p, func(m *Machine) error {
			e.pad = uint32(i)
			m.Stop()
			return nil
		})
	}
	// What follows the slots in the harness: nopr fill.
	if err := mem.Write(lay.insn, []byte{7, 0, 7, 0, 7, 0}); err != nil {
		t.Fatal(err)
	}
	return e
}

func sigOf(k FaultKind) uint32 {
	switch k {
	case FaultUnmapped, FaultProtection, FaultFetch:
		return sigSEGV
	case FaultOperation, FaultSpecification, FaultExecute:
		return sigILL
	case FaultDivide:
		return sigFPE
	}
	return 0
}

func (e *emuRunner) run(c *qcase) qresult {
	m := e.m
	_ = m.Mem.Write(e.lay.insn, c.insn[:])
	_ = m.Mem.Write(e.lay.ex, c.ex[:])
	if c.hasMem {
		_ = m.Mem.Write(e.lay.win, c.mem)
	}
	m.R, m.CC, m.PC = c.regs, c.cc, e.lay.insn
	var r qresult
	err := m.Run(64)
	if err != nil {
		r.fault = err
		var f *Fault
		if errors.As(err, &f) {
			r.sig = sigOf(f.Kind)
		}
		r.regs = c.regs
		if r.sig != 0 && (m.R != c.regs || m.CC != c.cc) {
			r.fault = fmt.Errorf("%w; and the registers or cc changed", err)
		}
	} else {
		r.pad, r.cc, r.regs = e.pad, uint32(m.CC), m.R
	}
	if c.hasMem {
		r.mem, _ = m.Mem.Read(e.lay.win, int(e.lay.winSize))
	}
	return r
}

// gen makes random cases for one instruction.
type gen struct {
	rnd    *rand.Rand
	lay    layout
	c      *qcase
	pinned uint16
}

var specials = []uint64{
	0, 1, 2, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000,
	0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001,
	0xffffffff00000000, 0xffffffff80000000, 0x7fffffff00000000,
	^uint64(0), ^uint64(1),
}

// value returns a 64-bit value biased to boundaries.
func (g *gen) value() uint64 {
	r := g.rnd
	switch r.IntN(8) {
	case 0, 1:
		return specials[r.IntN(len(specials))]
	case 2:
		return uint64(int64(int32(specials[r.IntN(len(specials))])))
	case 3:
		return r.Uint64()&0xffffffff00000000 | specials[r.IntN(len(specials))]&0xffffffff
	case 4:
		return uint64(r.Int64N(33) - 16)
	case 5:
		return r.Uint64() & 0xffffffff
	}
	return r.Uint64()
}

// imm returns a value of the operand's range biased to its ends.
func (g *gen) imm(o refimpl.Operand) int64 {
	lo, hi := o.Min(), o.Max()
	switch g.rnd.IntN(6) {
	case 0:
		return lo
	case 1:
		return hi
	case 2:
		return min(max(g.rnd.Int64N(5)-2, lo), hi)
	case 3:
		if lo < 0 {
			return min(max(g.rnd.Int64N(5)-3, lo), hi) // -3..1
		}
		return min(max((hi>>1)+g.rnd.Int64N(3)-1, lo), hi) // the sign boundary of an unsigned field
	}
	return lo + g.rnd.Int64N(hi-lo+1)
}

// free returns a register that is not pinned (1..15), or 0 when none is.
func (g *gen) free() uint8 {
	for range 32 {
		if r := uint8(1 + g.rnd.IntN(15)); g.pinned&(1<<r) == 0 {
			return r
		}
	}
	return 0
}

func (g *gen) pin(r uint8) {
	if r != 0 {
		g.pinned |= 1 << r
	}
}

// disp returns a displacement of bits (12 unsigned or 20 signed).
func (g *gen) disp(bits uint8, signed bool) int64 {
	if !signed {
		switch g.rnd.IntN(4) {
		case 0:
			return 0
		case 1:
			return 4095
		}
		return g.rnd.Int64N(4096)
	}
	switch g.rnd.IntN(5) {
	case 0:
		return 0
	case 1:
		return -(1 << (bits - 1))
	case 2:
		return 1<<(bits-1) - 1
	case 3:
		return g.rnd.Int64N(8192) - 4096
	}
	return g.rnd.Int64N(1<<bits) - 1<<(bits-1)
}

// addrXB chooses D, X and B so that D(X,B) is ea, pinning X and B.
func (g *gen) addrXB(ea uint64, bits uint8, signed, index bool) (d, x, b int64) {
	d = g.disp(bits, signed)
	bx, xx := g.free(), uint8(0)
	if index && g.rnd.IntN(2) == 0 {
		g.pin(bx)
		xx = g.free()
	}
	if bx == 0 || g.rnd.IntN(20) == 0 {
		bx, xx = xx, bx // base 0 with an index, or both 0
	}
	var sum uint64
	if xx != 0 {
		g.c.regs[xx] = g.value()
		sum += g.c.regs[xx]
	}
	if bx != 0 {
		g.c.regs[bx] = ea - uint64(d) - sum
	} else if xx == 0 {
		d = g.disp(bits, signed) // address D alone: low, inaccessible
	} else {
		g.c.regs[xx] = ea - uint64(d)
	}
	g.pin(bx)
	g.pin(xx)
	return d, int64(xx), int64(bx)
}

// dataEA returns an address for an operand of n bytes aligned to align:
// in the window mostly, else straddling its end, in the hole, or
// misaligned.
func (g *gen) dataEA(n, align uint64) uint64 {
	l := g.lay
	switch k := g.rnd.IntN(40); {
	case k == 0:
		return l.hole() + uint64(g.rnd.IntN(64))
	case k == 1 && n > 1:
		return l.hole() - uint64(1+g.rnd.IntN(int(n-1)))
	case k == 2 && align > 1:
		return l.win + uint64(g.rnd.IntN(int(l.winSize-n)))&^1 | 2&(align-1) | 1&(align-1)
	}
	off := uint64(g.rnd.IntN(int(l.winSize - n + 1)))
	return l.win + off&^(align-1)
}

// alignedEA is dataEA without misalignment (qemu 7.2 does not check the
// alignment of the relative-long loads).
func (g *gen) alignedEA(n uint64) uint64 {
	for {
		if a := g.dataEA(n, n); a%n == 0 {
			return a
		}
	}
}

// branchEA returns a branch target: a pad mostly, else odd, in the hole or
// in the (non-executable) window.
func (g *gen) branchEA() uint64 {
	switch g.rnd.IntN(30) {
	case 0:
		return g.lay.pad[1] + 1
	case 1:
		return g.lay.hole() + 0x100
	case 2:
		return g.lay.win + 0x10
	}
	return g.lay.pad[1+g.rnd.IntN(2)]
}

// accessSize returns the size and alignment of an RX/RXY storage operand.
func accessSize(op refimpl.Opcode) (n, align uint64) {
	switch op {
	case refimpl.OpLTG, refimpl.OpLG, refimpl.OpDSG, refimpl.OpLRVG, refimpl.OpSTG,
		refimpl.OpNG, refimpl.OpOG, refimpl.OpXG, refimpl.OpDLG:
		return 8, 1
	case refimpl.OpLGF, refimpl.OpLLGF, refimpl.OpDSGF, refimpl.OpLRV, refimpl.OpSTY,
		refimpl.OpLY, refimpl.OpDL:
		return 4, 1
	case refimpl.OpLGH, refimpl.OpLLGH, refimpl.OpSTHY:
		return 2, 1
	}
	return 1, 1
}

// exMask is which bits of byte 1 an EX may change in the target without
// changing its opcode or the registers its addresses and lengths use.
func exMask(in *refimpl.Insn) byte {
	switch in.Format {
	case refimpl.FormatRR:
		if in.Opcode == refimpl.OpBCR || in.Opcode == refimpl.OpBASR {
			return 0xf0
		}
		return 0xff
	case refimpl.FormatRRE, refimpl.FormatRRFa, refimpl.FormatSSa:
		return 0
	case refimpl.FormatRSYa:
		if in.Opcode == refimpl.OpLMG || in.Opcode == refimpl.OpSTMG {
			return 0
		}
	case refimpl.FormatRIEb, refimpl.FormatRIEc:
		return 0xff
	}
	return 0xf0
}

// encode makes random operands for in at address at and encodes it.
func (g *gen) encode(in *refimpl.Insn, at uint64) []byte {
	var args []int64
	oddPair := false
	regs := func() []int64 { return args }
	op := in.Opcode
	for k, o := range in.Operands() {
		switch o.Kind {
		case refimpl.OperandGPR:
			r := int64(g.rnd.IntN(16))
			if k == 0 && in.EvenR1 {
				oddPair = r&1 != 0 && g.rnd.IntN(10) == 0
				r &^= 1 // the encoder refuses odd pairs: set below
			}
			args = append(args, r)
		case refimpl.OperandMask:
			args = append(args, int64(g.rnd.IntN(16)))
		case refimpl.OperandImm:
			args = append(args, g.imm(o))
		case refimpl.OperandRel:
			var t uint64
			switch op {
			case refimpl.OpLARL:
				// qemu 7.2 computes pc + 2*RI2 in 32-bit int arithmetic:
				// keep the offset within int32 (see the package documentation).
				args = append(args, max(min(g.imm(o), 1<<31-2), -1<<31)&^1)
				continue
			case refimpl.OpEXRL:
				t = g.lay.ex
			case refimpl.OpLGRL:
				t = g.alignedEA(8)
			case refimpl.OpLGFRL, refimpl.OpLRL:
				t = g.alignedEA(4)
			default:
				t = g.lay.pad[1+g.rnd.IntN(2)]
			}
			args = append(args, int64(t-at))
		case refimpl.OperandAddrXB:
			var ea uint64
			switch op {
			case refimpl.OpLA, refimpl.OpLAY:
				d := g.disp(o.Bits, o.Signed)
				args = append(args, d, int64(g.rnd.IntN(16)), int64(g.rnd.IntN(16)))
				continue
			case refimpl.OpBC:
				ea = g.branchEA()
			case refimpl.OpEX:
				ea = g.lay.ex
				if g.rnd.IntN(20) == 0 {
					ea = g.lay.hole()
				}
			default:
				ea = g.dataEA(accessSize(op))
			}
			d, x, b := g.addrXB(ea, o.Bits, o.Signed, true)
			args = append(args, d, x, b)
		case refimpl.OperandAddrB:
			var ea uint64
			switch op {
			case refimpl.OpSRL, refimpl.OpSLL, refimpl.OpSRA, refimpl.OpSRAG, refimpl.OpSRLG, refimpl.OpSLLG:
				d := g.disp(o.Bits, o.Signed)
				if g.rnd.IntN(2) == 0 {
					d = g.rnd.Int64N(70)
				}
				args = append(args, d, int64(g.rnd.IntN(16)))
				continue
			case refimpl.OpLMG, refimpl.OpSTMG:
				// qemu 7.2 stores the registers before the inaccessible
				// doubleword, the emulator nothing (both are allowed): no
				// operand that straddles the end of the window.
				a := regs()
				n := 8 * uint64((a[1]-a[0])&15+1)
				for ea = g.dataEA(n, 1); ea < g.lay.hole() && ea+n > g.lay.hole(); {
					ea = g.dataEA(n, 1)
				}
			case refimpl.OpCSY, refimpl.OpLAN, refimpl.OpLAO, refimpl.OpLAX, refimpl.OpLAAL:
				ea = g.dataEA(4, 4)
			case refimpl.OpCSG, refimpl.OpLANG, refimpl.OpLAOG, refimpl.OpLAXG, refimpl.OpLAALG:
				ea = g.dataEA(8, 8)
			default: // the second operand of SS-a
				a := regs()
				n := uint64(a[1])
				if b1 := uint8(a[2]); b1 != 0 && g.rnd.IntN(2) == 0 {
					// Same base: D2 = D1 + the distance, when it fits.
					ea2 := g.dataEA(n, 1)
					ea1 := g.c.regs[b1] + uint64(a[0])
					if d2 := a[0] + int64(ea2-ea1); d2 >= 0 && d2 < 4096 {
						args = append(args, d2, int64(b1))
						continue
					}
				}
				ea = g.dataEA(n, 1)
			}
			d, _, b := g.addrXB(ea, o.Bits, o.Signed, false)
			args = append(args, d, b)
		case refimpl.OperandAddrLB:
			n := int64(1 + g.rnd.IntN(256))
			switch g.rnd.IntN(4) {
			case 0:
				n = 8
			case 1:
				n = int64(1 + g.rnd.IntN(16))
			}
			d, _, b := g.addrXB(g.dataEA(uint64(n), 1), o.Bits, o.Signed, false)
			args = append(args, d, n, b)
		}
	}
	// Registers that are branch targets.
	switch op {
	case refimpl.OpBASR, refimpl.OpBCR:
		if r2 := uint8(args[1]); r2 != 0 && g.pinned&(1<<r2) == 0 {
			g.c.regs[r2] = g.branchEA()
			g.pin(r2)
		}
	case refimpl.OpDLGR, refimpl.OpDLG, refimpl.OpDLR, refimpl.OpDL:
		if r1 := uint8(args[0]); g.pinned&(1<<r1) == 0 && g.rnd.IntN(2) == 0 {
			g.c.regs[r1] = uint64(g.rnd.IntN(1000))
		}
	}
	b, err := in.Encode(args...)
	if err != nil {
		panic(fmt.Sprintf("%s %v: %v", in.Mnemonic, args, err))
	}
	if oddPair {
		if in.Format == refimpl.FormatRRE {
			b[3] |= 0x10
		} else {
			b[1] |= 0x10
		}
	}
	return b
}

// make returns a random case for in.
func (g *gen) make(in *refimpl.Insn, all []*refimpl.Insn) qcase {
	var c qcase
	g.c, g.pinned = &c, 0
	for r := range c.regs {
		c.regs[r] = g.value()
	}
	c.cc = uint8(g.rnd.IntN(4))
	c.insn = [6]byte{7, 0, 7, 0, 7, 0}
	c.ex = c.insn
	if in.Opcode == refimpl.OpEX || in.Opcode == refimpl.OpEXRL {
		t := all[g.rnd.IntN(len(all))]
		copy(c.ex[:], g.encode(t, g.lay.ex))
		r1 := g.free()
		if g.rnd.IntN(3) == 0 {
			r1 = 0
		}
		if r1 != 0 {
			c.regs[r1] = c.regs[r1]&^0xff | g.value()&uint64(exMask(t))
			g.pin(r1)
		}
		b := g.encode(in, g.lay.insn)
		b[1] = b[1]&0x0f | r1<<4
		copy(c.insn[:], b)
	} else {
		copy(c.insn[:], g.encode(in, g.lay.insn))
	}
	c.hasMem = true
	c.mem = make([]byte, g.lay.winSize)
	switch g.rnd.IntN(4) {
	case 0: // zeros
	case 1:
		for i := range c.mem {
			c.mem[i] = byte(g.value())
		}
	default:
		for i := 0; i < len(c.mem); i += 8 {
			binary.BigEndian.PutUint64(c.mem[i:], g.value())
		}
	}
	return c
}

func casesPerInsn(t *testing.T) int {
	if s := os.Getenv("TRAMPCHECK_EMU_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("TRAMPCHECK_EMU_CASES=%q: want a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 300
	}
	return 3000
}

// TestQemu compares the emulator with qemu-s390x on random cases for every
// instruction of the table (TRAMPCHECK_EMU_CASES per instruction, default
// 3000, 300 with -short).
func TestQemu(t *testing.T) {
	h := startHarness(t)
	defer h.close()
	n := casesPerInsn(t)
	all := refimpl.Insns()
	e := newEmuRunner(t, h.lay)
	var counts []string
	total, bad := 0, 0
	for ii, in := range all {
		g := &gen{rnd: rand.New(rand.NewPCG(uint64(ii), 0x656d75)), lay: h.lay}
		cases := make([]qcase, n)
		for i := range cases {
			cases[i] = g.make(in, all)
		}
		want := h.run(t, cases)
		var sig, taken, diffs int
		for i := range cases {
			got := e.run(&cases[i])
			w := &want[i]
			if w.sig != 0 {
				sig++
			} else if w.pad != 0 {
				taken++
			}
			if d := diff(got, w); d != "" {
				diffs++
				bad++
				if diffs <= 5 {
					t.Errorf("%s case %d: %s\n%s", in.Mnemonic, i, d, describe(&cases[i], h.lay))
				}
			}
		}
		total += n
		counts = append(counts, fmt.Sprintf("%s %d (%d faulted, %d branched, %d differ)", in.Mnemonic, n, sig, taken, diffs))
	}
	t.Logf("cases per instruction:\n%s", strings.Join(counts, "\n"))
	t.Logf("%d cases, %d instructions, %d differences", total, len(all), bad)
}

func diff(got qresult, want *qresult) string {
	var s []string
	if got.sig != want.sig {
		s = append(s, fmt.Sprintf("got signal %d, want %d", got.sig, want.sig))
	}
	if got.fault != nil && got.sig == 0 || got.fault != nil && got.sig != want.sig {
		s = append(s, fmt.Sprintf("emulator: %v", got.fault))
	}
	if want.sig == 0 && got.sig == 0 {
		if got.pad != want.pad {
			s = append(s, fmt.Sprintf("got pad %d, want %d", got.pad, want.pad))
		}
		if got.cc != want.cc {
			s = append(s, fmt.Sprintf("got cc %d, want %d", got.cc, want.cc))
		}
		for r := range got.regs {
			if got.regs[r] != want.regs[r] {
				s = append(s, fmt.Sprintf("got %%r%d %#x, want %#x", r, got.regs[r], want.regs[r]))
			}
		}
	}
	for i := range want.mem {
		if i < len(got.mem) && got.mem[i] != want.mem[i] {
			s = append(s, fmt.Sprintf("window byte %d: got %#02x, want %#02x", i, got.mem[i], want.mem[i]))
			break
		}
	}
	return strings.Join(s, "; ")
}

func describe(c *qcase, lay layout) string {
	var b strings.Builder
	text, _, err := refimpl.Disassemble(c.insn[:], int64(lay.insn))
	fmt.Fprintf(&b, "  %x: % x  %s %v\n", lay.insn, c.insn, text, err)
	if c.ex != [6]byte{7, 0, 7, 0, 7, 0} {
		text, _, err := refimpl.Disassemble(c.ex[:], int64(lay.ex))
		fmt.Fprintf(&b, "  ex target %x: % x  %s %v\n", lay.ex, c.ex, text, err)
	}
	fmt.Fprintf(&b, "  cc %d, pads %#x %#x %#x, window %#x\n", c.cc, lay.pad[0], lay.pad[1], lay.pad[2], lay.win)
	for r, v := range c.regs {
		fmt.Fprintf(&b, "  %%r%d=%#x", r, v)
		if r%4 == 3 {
			b.WriteString("\n")
		}
	}
	return b.String()
}
