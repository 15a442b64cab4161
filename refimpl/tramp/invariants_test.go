package tramp

import (
	"errors"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl"
)

// checkFrame checks the frame layout contract of f.
func checkFrame(t *testing.T, desc string, f Frame) {
	t.Helper()
	if f.IP != f.BPFArgs-16 {
		t.Errorf("%s: got ip at %d, want ctx-16 = %d", desc, f.IP, f.BPFArgs-16)
	}
	if f.ArgCnt != f.BPFArgs-8 {
		t.Errorf("%s: got arg count at %d, want ctx-8 = %d", desc, f.ArgCnt, f.BPFArgs-8)
	}
	if f.RetVal != f.BPFArgs+8*f.NrBPFArgs {
		t.Errorf("%s: got retval at %d, want ctx+8*%d = %d", desc, f.RetVal, f.NrBPFArgs, f.BPFArgs+8*f.NrBPFArgs)
	}
	slots := f.Slots()
	last := slots[len(slots)-1]
	if last.Name != "r14" || last.Off+last.Size != f.End {
		t.Errorf("%s: got last slot %s at %d..%d, want r14 at the bottom ending at %d", desc, last.Name, last.Off, last.Off+last.Size, f.End)
	}
	if f.R14 != f.Caller+FrameR14 {
		t.Errorf("%s: got r14 slot at %d, want the caller's %%r14 save slot %d", desc, f.R14, f.Caller+FrameR14)
	}
	if f.Caller+FrameBackchain != f.End {
		t.Errorf("%s: got the caller's backchain at %d, want just above our frame at %d", desc, f.Caller+FrameBackchain, f.End)
	}
	if f.StackSize != f.Caller || f.OrigStackArgs != f.Caller+StackFrameOverhead {
		t.Errorf("%s: got caller at %d, stack size %d, orig stack args %d", desc, f.Caller, f.StackSize, f.OrigStackArgs)
	}
	next := 0
	for _, s := range slots {
		if s.Off != next {
			t.Errorf("%s: got slot %s at %d, want %d (slots must neither overlap nor leave holes)", desc, s.Name, s.Off, next)
		}
		if s.Off%8 != 0 || s.Size%8 != 0 {
			t.Errorf("%s: slot %s at %d size %d is not 8-byte aligned", desc, s.Name, s.Off, s.Size)
		}
		next = s.Off + s.Size
	}
	// Displacement ranges: mvc/la/xc take 12-bit unsigned displacements,
	// aghi a 16-bit signed immediate.
	if top := f.OrigStackArgs + 8*f.NrStackArgs; top > 4095 {
		t.Errorf("%s: highest offset %d does not fit a 12-bit displacement", desc, top)
	}
	if f.StackSize > 32767 {
		t.Errorf("%s: stack size %d does not fit aghi", desc, f.StackSize)
	}
}

var dispRE = regexp.MustCompile(`(-?\d+)\(`)

// checkCode checks structural properties of the generated code of c.
func checkCode(t *testing.T, desc string, c Config, p *Program) {
	t.Helper()
	off := 0
	starts := map[int]bool{}
	calls, brR14, brR1 := 0, 0, 0
	for i, in := range p.Insns {
		if in.Off != off {
			t.Fatalf("%s: insn %d at %d, want %d", desc, i, in.Off, off)
		}
		starts[off] = true
		// The length is given by the two top bits of the first byte.
		want := [4]int{2, 4, 4, 6}[in.Bytes[0]>>6]
		if len(in.Bytes) != want {
			t.Errorf("%s: offset %d %q: got %d bytes, want %d by its opcode", desc, in.Off, in.Text, len(in.Bytes), want)
		}
		off += len(in.Bytes)
		// refimpl's objdump-exact disassembler reads the bytes back as the
		// listed text (with the target made absolute, as objdump prints it).
		dis, n, err := refimpl.Disassemble(in.Bytes, int64(in.Off))
		wantText := in.Text
		if tgt, ok := in.Target(); ok {
			wantText = wantText[:strings.LastIndexByte(wantText, '.')] + "0x" + strconv.FormatInt(int64(tgt), 16)
		}
		if err != nil || n != len(in.Bytes) || dis != wantText {
			t.Errorf("%s: offset %d: refimpl disassembles % x as %q (%d bytes, %v), want %q", desc, in.Off, in.Bytes, dis, n, err, wantText)
		}
		// Displacements in the text equal the encoded fields (nothing was
		// truncated).
		var fields []int
		b := in.Bytes
		switch b[0] {
		case 0x41: // RX-a
			fields = []int{int(b[2]&0xf)<<8 | int(b[3])}
		case 0xd2, 0xd7: // SS-a
			fields = []int{int(b[2]&0xf)<<8 | int(b[3]), int(b[4]&0xf)<<8 | int(b[5])}
		case 0xe3, 0xeb: // RXY-a, RSY-a
			fields = []int{int(int8(b[4]))<<12 | int(b[2]&0xf)<<8 | int(b[3])}
		}
		var texts []int
		for _, m := range dispRE.FindAllStringSubmatch(in.Text, -1) {
			v, _ := strconv.Atoi(m[1])
			texts = append(texts, v)
		}
		if len(fields) != len(texts) {
			t.Errorf("%s: offset %d %q: got %d displacements in the text, want %d", desc, in.Off, in.Text, len(texts), len(fields))
		} else {
			for k := range fields {
				if fields[k] != texts[k] {
					t.Errorf("%s: offset %d %q: displacement %d encoded as %d", desc, in.Off, in.Text, texts[k], fields[k])
				}
			}
		}
		switch {
		case strings.HasPrefix(in.Text, "basr\t%r14,%r1"), strings.HasPrefix(in.Text, "brasl\t%r14,"):
			calls++
		case in.Text == "br\t%r14":
			brR14++
		case in.Text == "br\t%r1":
			brR1++
		}
	}
	if off != p.Size || len(p.Code) != p.Size {
		t.Errorf("%s: got %d bytes of instructions, Size %d, len(Code) %d", desc, off, p.Size, len(p.Code))
	}
	for _, in := range p.Insns {
		if tgt, ok := in.Target(); ok && !starts[tgt] {
			t.Errorf("%s: offset %d %q: target %d is not an instruction", desc, in.Off, in.Text, tgt)
		}
	}
	// Three calls per program (enter, program, exit), three more around the
	// original function.
	wantCalls := 3 * (len(c.FEntry) + len(c.FModRet) + len(c.FExit))
	if c.Flags&FlagCallOrig != 0 {
		wantCalls += 3
	}
	if calls != wantCalls {
		t.Errorf("%s: got %d calls, want %d", desc, calls, wantCalls)
	}
	// Return to the caller when there is no traced function to return to.
	skip := c.Flags&(FlagSkipFrame|FlagIndirect) != 0 || (c.FuncAddr == 0 && c.Flags&FlagOrigStack == 0)
	wantR14, wantR1 := 0, 1
	if skip {
		wantR14, wantR1 = 1, 0
	}
	if c.Expolines {
		wantR1++ // the %r1 thunk
	}
	if brR14 != wantR14 || brR1 != wantR1 {
		t.Errorf("%s: got %d br %%r14 and %d br %%r1, want %d and %d", desc, brR14, brR1, wantR14, wantR1)
	}
	first, lastAghi := p.Insns[1].Text, ""
	for _, in := range p.Insns {
		if strings.HasPrefix(in.Text, "aghi\t%r15,") {
			lastAghi = in.Text
		}
	}
	if first != "aghi\t%r15,-"+strconv.Itoa(p.Frame.StackSize) || lastAghi != "aghi\t%r15,"+strconv.Itoa(p.Frame.StackSize) {
		t.Errorf("%s: got stack adjustments %q and %q for a %d-byte frame", desc, first, lastAghi, p.Frame.StackSize)
	}
}

// TestInvariants checks the frame and code invariants on every covering
// configuration and a random sample of the whole matrix.
func TestInvariants(t *testing.T) {
	m := Matrix()
	pts := append([][]int(nil), CoveringPoints()...)
	rng := rand.New(rand.NewSource(5))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		pts = append(pts, m.Point(rng.Intn(m.Len())))
	}
	accepted := 0
	for _, pt := range pts {
		c := m.Config(pt)
		desc := m.Describe(pt)
		p, err := Generate(c)
		var re *RejectError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", desc, err)
		}
		accepted++
		checkFrame(t, desc, p.Frame)
		checkCode(t, desc, c, p)
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d configurations, %d accepted", len(pts), accepted)
}

// TestFrameMaximum checks the largest frame: 12 arguments of 16 bytes.
func TestFrameMaximum(t *testing.T) {
	args := make([]Arg, MaxFuncArgs)
	for i := range args {
		args[i].Size = 16
	}
	f, err := NewFrame(args)
	if err != nil {
		t.Fatal(err)
	}
	checkFrame(t, "12x16", f)
	// 160 + 7*8 stack args + 5*8 reg args + 16 + 24*8 bpf args + 8 + 16 + 16 + 8 + 16 = 528
	if got, want := f.End, 528; got != want {
		t.Errorf("got frame end %d, want %d", got, want)
	}
}
