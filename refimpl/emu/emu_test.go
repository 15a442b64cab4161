package emu

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl"
)

const (
	codeAddr = 0x10000 // RWX
	roAddr   = 0x20000 // read-only data
	dataAddr = 0x30000 // RW data
	stopAddr = 0x40000 // a hook that stops (unmapped)
)

// machine returns a machine with code assembled from src (GNU syntax,
// statements separated by ";") at codeAddr, a read-only page, a data page
// and a stop hook; %r14 holds the stop address.
func machine(t testing.TB, src string) *Machine {
	t.Helper()
	var mem Memory
	for _, r := range []struct {
		a    uint64
		perm Perm
	}{{codeAddr, PermRead | PermWrite | PermExec}, {roAddr, PermRead}, {dataAddr, PermRead | PermWrite}} {
		if err := mem.Map(r.a, 0x1000, r.perm); err != nil {
			t.Fatal(err)
		}
	}
	code, err := refimpl.Assemble(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	if err := mem.Write(codeAddr, code); err != nil {
		t.Fatal(err)
	}
	m := New(&mem)
	m.PC = codeAddr
	m.R[14] = stopAddr
	m.SetHook(stopAddr, func(m *Machine) error { m.Stop(); return nil })
	return m
}

// TestEveryInstruction executes each instruction of refimpl's table once
// and fails on any without semantics.
func TestEveryInstruction(t *testing.T) {
	insns := refimpl.Insns()
	if len(insns) < 124 {
		t.Errorf("got %d instructions in refimpl's table, want at least 124", len(insns))
	}
	for _, in := range insns {
		if opOf[in.Opcode] == 0 {
			t.Errorf("%s: no operation number", in.Mnemonic)
			continue
		}
		args := make([]int64, in.NArgs())
		k := 0
		for _, o := range in.Operands() {
			if o.Kind == refimpl.OperandAddrLB {
				args[k+1] = 1 // length
			}
			if o.Kind == refimpl.OperandRel {
				args[k] = 0x100 // forward, inside the code page
			}
			k += o.Kind.NArgs()
		}
		code, err := in.Encode(args...)
		if err != nil {
			t.Fatalf("%s %v: %v", in.Mnemonic, args, err)
		}
		var mem Memory
		if err := mem.Map(0, 0x2000, PermRead|PermWrite|PermExec); err != nil {
			t.Fatal(err)
		}
		_ = mem.Write(0x1000, code)
		m := New(&mem)
		m.PC = 0x1000
		err = m.Step()
		var f *Fault
		if errors.As(err, &f) && f.Text == errNoSemantics.Error() {
			t.Errorf("%s: %v", in.Mnemonic, err)
		}
	}
}

// TestSemantics runs short programs, expected results from the Principles
// of Operation.
func TestSemantics(t *testing.T) {
	tests := []struct {
		src  string
		regs map[int]uint64 // initial
		mem  []byte         // at dataAddr
		want map[int]uint64
		cc   int // -1: not checked
		wmem []byte
	}{
		{src: "ar %r1,%r2", regs: map[int]uint64{1: 0xaaaaaaaa7fffffff, 2: 1}, want: map[int]uint64{1: 0xaaaaaaaa80000000}, cc: 3},
		{src: "agr %r1,%r2", regs: map[int]uint64{1: 1 << 63, 2: 1 << 63}, want: map[int]uint64{1: 0}, cc: 3},
		{src: "sgr %r1,%r2", regs: map[int]uint64{1: 5, 2: 7}, want: map[int]uint64{1: ^uint64(1)}, cc: 1},
		{src: "lcr %r1,%r2", regs: map[int]uint64{1: 0xffffffff00000000, 2: 0x80000000}, want: map[int]uint64{1: 0xffffffff80000000}, cc: 3},
		{src: "lcgr %r1,%r2", regs: map[int]uint64{2: 5}, want: map[int]uint64{1: ^uint64(4)}, cc: 1},
		{src: "alfi %r1,1", regs: map[int]uint64{1: 0x12345678ffffffff}, want: map[int]uint64{1: 0x1234567800000000}, cc: 2},
		{src: "algfi %r1,2", regs: map[int]uint64{1: ^uint64(0)}, want: map[int]uint64{1: 1}, cc: 3},
		{src: "tmlh %r1,0x8001", regs: map[int]uint64{1: 0x80000000}, want: map[int]uint64{}, cc: 2},
		{src: "tmlh %r1,0x8001", regs: map[int]uint64{1: 0x00010000}, want: map[int]uint64{}, cc: 1},
		{src: "tmlh %r1,0x8001", regs: map[int]uint64{1: 0x80010000}, want: map[int]uint64{}, cc: 3},
		{src: "dlgr %r2,%r4", regs: map[int]uint64{2: 1, 3: 0, 4: 2}, want: map[int]uint64{2: 0, 3: 1 << 63}, cc: -1},
		{src: "dsgr %r2,%r4", regs: map[int]uint64{3: uint64(1<<64 - 7), 4: 2}, want: map[int]uint64{2: ^uint64(0), 3: ^uint64(2)}, cc: -1},
		{src: "dlr %r2,%r4", regs: map[int]uint64{2: 0xffffffff00000000, 3: 0xeeeeeeee00000007, 4: 2}, want: map[int]uint64{2: 0xffffffff00000001, 3: 0xeeeeeeee00000003}, cc: -1},
		{src: "sra %r1,1", regs: map[int]uint64{1: 0x1111111180000000}, want: map[int]uint64{1: 0x11111111c0000000}, cc: 1},
		{src: "srag %r1,%r2,63(%r3)", regs: map[int]uint64{2: 1 << 63, 3: 1}, want: map[int]uint64{1: 1 << 63}, cc: 1},
		{src: "basr %r1,%r2; .short 0,0", regs: map[int]uint64{2: stopAddr}, want: map[int]uint64{1: codeAddr + 2}, cc: -1},
		{src: "brasl %r14,.+12; nopr; nopr; nopr; br %r1", regs: map[int]uint64{1: stopAddr}, want: map[int]uint64{14: codeAddr + 6}, cc: -1},
		{src: "cgij %r1,-1,8,.+12; .short 0,0,0; br %r14", regs: map[int]uint64{1: ^uint64(0)}, want: map[int]uint64{}, cc: -1},
		{src: "clgij %r1,255,2,.+12; .short 0,0,0; br %r14", regs: map[int]uint64{1: ^uint64(0)}, want: map[int]uint64{}, cc: -1},
		// The expoline: exrl executes br %r1 at .+10; its branch is taken.
		{src: "exrl %r0,.+10; j .; br %r1", regs: map[int]uint64{1: stopAddr}, want: map[int]uint64{}, cc: -1},
		// EXRL with R1: bits 8-15 of lr %r0,%r0 ORed with 0x12: lr %r1,%r2.
		{src: "exrl %r3,.+8; br %r14; lr %r0,%r0", regs: map[int]uint64{1: 0xaaaaaaaa00000000, 2: 5, 3: 0x12}, want: map[int]uint64{1: 0xaaaaaaaa00000005}, cc: -1},
		// An executed basr links to the instruction after the EXRL.
		{src: "exrl %r0,.+10; br %r14; br %r1; basr %r14,%r2", regs: map[int]uint64{2: stopAddr}, want: map[int]uint64{14: codeAddr + 6}, cc: -1},
		// mvc one byte at a time: propagation.
		{src: "mvc 1(7,%r2),0(%r2); br %r14", regs: map[int]uint64{2: dataAddr}, mem: []byte{0xab}, wmem: []byte{0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab}, cc: -1},
		{src: "xc 0(3,%r2),0(%r2); br %r14", regs: map[int]uint64{2: dataAddr}, mem: []byte{1, 2, 3, 4}, wmem: []byte{0, 0, 0, 4}, cc: 0},
		{src: "stmg %r14,%r1,0(%r2); lmg %r4,%r5,16(%r2); br %r14", regs: map[int]uint64{0: 10, 1: 11, 2: dataAddr}, want: map[int]uint64{4: 10, 5: 11}, cc: -1},
		{src: "csg %r4,%r5,0(%r2); br %r14", regs: map[int]uint64{2: dataAddr, 4: 7, 5: 9}, mem: []byte{0, 0, 0, 0, 0, 0, 0, 7}, wmem: []byte{0, 0, 0, 0, 0, 0, 0, 9}, cc: 0},
		{src: "csg %r4,%r5,0(%r2); br %r14", regs: map[int]uint64{2: dataAddr, 4: 8, 5: 9}, mem: []byte{0, 0, 0, 0, 0, 0, 0, 7}, want: map[int]uint64{4: 7}, cc: 1},
		{src: "laalg %r4,%r5,0(%r2); br %r14", regs: map[int]uint64{2: dataAddr, 5: 1}, mem: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, want: map[int]uint64{4: ^uint64(0)}, wmem: make([]byte, 8), cc: 2},
		{src: "lrvg %r4,0(%r2); lgb %r5,0(%r2); br %r14", regs: map[int]uint64{2: dataAddr}, mem: []byte{0x81, 2, 3, 4, 5, 6, 7, 8}, want: map[int]uint64{4: 0x0807060504030281, 5: 0xffffffffffffff81}, cc: -1},
		// Self-modifying code: the stg replaces the nopr pair by br %r14.
		{src: "stg %r3,6(%r15); nopr; nopr; nopr; nopr; j .", regs: map[int]uint64{3: 0x07fe07fe07fe07fe, 15: codeAddr}, want: map[int]uint64{}, cc: -1},
		// ... also when the overwritten code has run (decoded) before.
		{src: "nopr; nopr; stg %r3,0(%r15); j .-10", regs: map[int]uint64{3: 0x07fe07fe07fe07fe, 15: codeAddr}, want: map[int]uint64{}, cc: -1},
	}
	for _, tt := range tests {
		m := machine(t, tt.src+"; br %r14")
		for r, v := range tt.regs {
			m.R[r] = v
		}
		if tt.mem != nil {
			_ = m.Mem.Write(dataAddr, tt.mem)
		}
		before := m.R
		if err := m.Run(100); err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		for r := range m.R {
			want, ok := tt.want[r]
			if !ok {
				want = before[r]
			}
			if m.R[r] != want {
				t.Errorf("%s: got %%r%d %#x, want %#x", tt.src, r, m.R[r], want)
			}
		}
		if tt.cc >= 0 && int(m.CC) != tt.cc {
			t.Errorf("%s: got cc %d, want %d", tt.src, m.CC, tt.cc)
		}
		if tt.wmem != nil {
			got, _ := m.Mem.Read(dataAddr, len(tt.wmem))
			if string(got) != string(tt.wmem) {
				t.Errorf("%s: got memory % x, want % x", tt.src, got, tt.wmem)
			}
		}
	}
}

// TestFaults checks the kind and instruction address of each fault, and
// that a faulting instruction changes nothing.
func TestFaults(t *testing.T) {
	tests := []struct {
		src  string
		regs map[int]uint64
		kind FaultKind
		pc   uint64
		text string // in the message
	}{
		{src: "lg %r1,0(%r2)", regs: map[int]uint64{2: 0x50000}, kind: FaultUnmapped, pc: codeAddr, text: "address 0x50000"},
		{src: "nopr; stg %r1,0(%r2)", regs: map[int]uint64{2: roAddr}, kind: FaultProtection, pc: codeAddr + 2},
		{src: "mvc 0(16,%r2),0(%r3)", regs: map[int]uint64{2: dataAddr + 0xff8, 3: dataAddr}, kind: FaultUnmapped, pc: codeAddr, text: "address 0x31000"},
		{src: "br %r2", regs: map[int]uint64{2: dataAddr}, kind: FaultFetch, pc: dataAddr},
		{src: "br %r2", regs: map[int]uint64{2: codeAddr + 3}, kind: FaultSpecification, pc: codeAddr + 3},
		{src: ".short 0x0000", kind: FaultOperation, pc: codeAddr, text: "bytes 0000"},
		{src: ".long 0xb9870013", kind: FaultSpecification, pc: codeAddr, text: "odd register"},
		{src: "dsgr %r2,%r4", regs: map[int]uint64{3: 5}, kind: FaultDivide, pc: codeAddr},
		{src: "dsgr %r2,%r4", regs: map[int]uint64{3: 1 << 63, 4: ^uint64(0)}, kind: FaultDivide, pc: codeAddr},
		{src: "dlgr %r2,%r4", regs: map[int]uint64{2: 5, 4: 5}, kind: FaultDivide, pc: codeAddr},
		{src: "csg %r0,%r1,4(%r2)", regs: map[int]uint64{2: dataAddr}, kind: FaultSpecification, pc: codeAddr},
		{src: "lan %r0,%r1,2(%r2)", regs: map[int]uint64{2: dataAddr}, kind: FaultSpecification, pc: codeAddr},
		{src: "lgrl %r1,.+4; .short 0", kind: FaultSpecification, pc: codeAddr},
		{src: "exrl %r0,.+6; exrl %r0,.", kind: FaultExecute, pc: codeAddr, text: "(exrl)"},
		{src: "ex %r0,1(%r2)", regs: map[int]uint64{2: codeAddr}, kind: FaultSpecification, pc: codeAddr},
		{src: "exrl %r0,.+6; lg %r1,0(%r2)", regs: map[int]uint64{2: 0x50000}, kind: FaultUnmapped, pc: codeAddr, text: "(exrl>lg)"},
		{src: "j .", kind: FaultBudget, pc: codeAddr},
	}
	for _, tt := range tests {
		m := machine(t, tt.src)
		for r, v := range tt.regs {
			m.R[r] = v
		}
		before, cc := m.R, m.CC
		beforeMem, _ := m.Mem.Read(dataAddr, 0x1000)
		err := m.Run(1000)
		var f *Fault
		if !errors.As(err, &f) {
			t.Errorf("%s: got %v, want a %v", tt.src, err, tt.kind)
			continue
		}
		if f.Kind != tt.kind || f.PC != tt.pc || !strings.Contains(f.Error(), tt.text) {
			t.Errorf("%s: got %v (kind %d at %#x), want %v at %#x containing %q", tt.src, f, f.Kind, f.PC, tt.kind, tt.pc, tt.text)
		}
		afterMem, _ := m.Mem.Read(dataAddr, 0x1000)
		if m.R != before || m.CC != cc || string(afterMem) != string(beforeMem) {
			t.Errorf("%s: the faulting instruction changed registers, cc or memory", tt.src)
		}
	}
}

// TestMemory checks mapping errors, host access and a load that straddles
// two regions.
func TestMemory(t *testing.T) {
	var mem Memory
	if err := mem.Map(0x1000, 0x1000, PermRead|PermWrite); err != nil {
		t.Fatal(err)
	}
	if err := mem.Map(0x2000, 0x1000, PermRead|PermExec); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ a, n uint64 }{{0x1800, 0x1000}, {0x800, 0x1000}, {0x3001, 8}, {0x5000, 0}, {^uint64(7), 16}} {
		if err := mem.Map(bad.a, bad.n, PermRead); err == nil {
			t.Errorf("Map(%#x, %#x): got no error, want one", bad.a, bad.n)
		}
	}
	if err := mem.Write(0x1ffc, []byte{1, 2, 3, 4, 5, 6, 7, 8}); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Read(0x2ffc, 8); err == nil {
		t.Error("Read across the end: got no error, want one")
	}
	code, _ := refimpl.Assemble("lg %r1,0(%r2); br %r14")
	_ = mem.Write(0x2800, code)
	m := New(&mem)
	m.PC, m.R[2], m.R[14] = 0x2800, 0x1ffc, 0x9000
	m.SetHook(0x9000, func(m *Machine) error { m.Stop(); return nil })
	if err := m.Run(10); err != nil {
		t.Fatal(err)
	}
	if m.R[1] != 0x0102030405060708 {
		t.Errorf("straddling lg: got %#x, want 0x0102030405060708", m.R[1])
	}
	if got := mem.Regions(); len(got) != 2 || got[1].Perm.String() != "r-x" {
		t.Errorf("Regions: got %v", got)
	}
}

// TestHookError: a hook's error ends Run unchanged.
func TestHookError(t *testing.T) {
	m := machine(t, "br %r14")
	boom := errors.New("boom")
	m.SetHook(stopAddr, func(*Machine) error { return boom })
	if err := m.Run(10); !errors.Is(err, boom) {
		t.Errorf("got %v, want %v", err, boom)
	}
	m.SetHook(stopAddr, nil)
	m.PC = codeAddr
	var f *Fault
	if err := m.Run(10); !errors.As(err, &f) || f.Kind != FaultUnmapped {
		t.Errorf("after removing the hook: got %v, want an unmapped fault", err)
	}
}

// TestOnStore: every kind of store is reported with its instruction's
// address (an executed one with its target's); a faulting store is not.
func TestOnStore(t *testing.T) {
	m := machine(t, "stg %r1,0(%r2); stmg %r0,%r1,8(%r2); mvc 24(4,%r2),0(%r2); csg %r0,%r1,32(%r2); laalg %r0,%r1,40(%r2); exrl %r0,.+12; stg %r1,0(%r3); stcy %r1,0(%r2)")
	m.R[2], m.R[3] = dataAddr, roAddr
	var got []string
	m.OnStore = func(pc, addr, n uint64) {
		got = append(got, fmt.Sprintf("%#x:%#x+%d", pc-codeAddr, addr-dataAddr, n))
	}
	err := m.Run(100)
	var f *Fault
	if !errors.As(err, &f) || f.Kind != FaultProtection {
		t.Fatalf("got %v, want the protection fault of the stg into read-only memory", err)
	}
	want := "0x0:0x0+8 0x6:0x8+16 0xc:0x18+4 0x12:0x20+8 0x18:0x28+8 0x2a:0x0+1" // the last by the exrl, at its target
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got stores %s, want %s", g, want)
	}
}

// TestTrace: the last addresses executed, the faulting one last.
func TestTrace(t *testing.T) {
	m := machine(t, "nopr; lghi %r1,0; nopr; lg %r2,0(%r1)")
	m.SetTrace(3)
	if err := m.Run(10); err == nil {
		t.Fatal("got no fault, want the load from address 0")
	}
	got := fmt.Sprintf("%#x", m.Trace())
	if want := fmt.Sprintf("%#x", []uint64{codeAddr + 2, codeAddr + 6, codeAddr + 8}); got != want {
		t.Errorf("got trace %s, want %s", got, want)
	}
}
