package abi

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl"
)

func TestLocate(t *testing.T) {
	u8 := Arg{Size: 1}
	s32 := Arg{Size: 4, Signed: true}
	st3 := Arg{Size: 3, Struct: true}
	st8 := Arg{Size: 8, Struct: true}
	st16 := Arg{Size: 16, Struct: true}
	tests := []struct {
		args []Arg
		want string
	}{
		{nil, ""},
		{[]Arg{u8}, "%r2"},
		{[]Arg{st3, st8, st16}, "*%r2 %r3 *%r4"},
		{[]Arg{u8, u8, u8, u8, u8, s32, st16, st8}, "%r2 %r3 %r4 %r5 %r6 160(%r15) *168(%r15) 176(%r15)"},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range Locate(tt.args) {
			got = append(got, l.String())
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Locate(%v): got %q, want %q", tt.args, g, tt.want)
		}
	}
	if got := StackArgBytes(make([]Arg, 12)); got != 56 {
		t.Errorf("StackArgBytes(12 arguments): got %d, want 56", got)
	}
}

func TestExtend(t *testing.T) {
	tests := []struct {
		a    Arg
		v    []byte
		want uint64
	}{
		{Arg{Size: 1, Signed: true}, []byte{0x80}, 0xffffffffffffff80},
		{Arg{Size: 1}, []byte{0x80}, 0x80},
		{Arg{Size: 4, Signed: true}, []byte{0x7f, 0xff, 0xff, 0xff}, 0x7fffffff},
		{Arg{Size: 2, Signed: true, Struct: true}, []byte{0x80, 0}, 0x8000},
	}
	for _, tt := range tests {
		if got := Extend(tt.a, tt.v); got != tt.want {
			t.Errorf("Extend(%v, % x): got %#x, want %#x", tt.a, tt.v, got, tt.want)
		}
	}
}

// asm assembles lines at consecutive addresses from pc (plain numbers as
// targets are absolute addresses).
func asm(t *testing.T, pc uint64, lines ...string) []byte {
	t.Helper()
	var code []byte
	for _, l := range lines {
		b, err := refimpl.AssembleAt(l, int64(pc)+int64(len(code)))
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		code = append(code, b...)
	}
	return code
}

// TestCallAndStub: a callee with a standard frame passes its first and
// sixth arguments to a stub and returns the stub's result plus its first
// argument. The stub sees the arguments, the callee's frame with its
// backchain, a return address in the callee; the caller sees the result and
// its callee-saved registers intact.
func TestCallAndStub(t *testing.T) {
	e, err := NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	stub := e.AddStub("sum", func(_ *Env, c *StubCall) uint64 { return c.Regs[2] + c.Regs[3] })
	callee := asm(t, CodeBase,
		"stmg %r6,%r15,48(%r15)",
		"lgr %r1,%r15",
		"aghi %r15,-160",
		"stg %r1,0(%r15)",
		"lgr %r6,%r2",
		"lg %r3,160(%r1)",
		fmt.Sprintf("brasl %%r14,%#x", stub.Addr),
		"agr %r2,%r6",
		"lmg %r6,%r15,208(%r15)",
		"br %r14")
	fn, err := e.Load(0, callee)
	if err != nil {
		t.Fatal(err)
	}
	args := make([]Value, 6)
	for i := range args {
		args[i] = Value{Arg: Arg{Size: 8}, Bytes: []byte{0, 0, 0, 0, 0, 0, 0, byte(10 * (i + 1))}}
	}
	res, err := e.Call(fn, args, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ret != 10+10+60 {
		t.Errorf("got %%r2 %d, want %d", res.Ret, 10+10+60)
	}
	if len(res.Clobbered) != 0 {
		t.Errorf("got clobbered registers %v, want none: %#x", res.Clobbered, res.Regs)
	}
	if len(e.Calls) != 1 {
		t.Fatalf("got %d stub calls, want 1", len(e.Calls))
	}
	c := e.Calls[0]
	if a0, _ := c.Arg(0); a0 != 10 {
		t.Errorf("stub argument 0: got %d, want 10", a0)
	}
	if c.Regs[15] != res.SP-160 {
		t.Errorf("stub's %%r15: got %#x, want %#x", c.Regs[15], res.SP-160)
	}
	if bc := c.Stack[0:8]; string(bc) != string(be64(res.SP)) {
		t.Errorf("backchain: got % x, want %#x", bc, res.SP)
	}
	if c.Regs[14] != fn+uint64(len(callee))-4-6-2 {
		t.Errorf("stub's return address: got %#x, want %#x", c.Regs[14], fn+uint64(len(callee))-12)
	}
}

// TestCallSeesViolations: a callee that clobbers %r7 and %r15, or that
// relies on a volatile register across a stub call, is seen.
func TestCallSeesViolations(t *testing.T) {
	e, err := NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	stub := e.AddStub("nop", nil)
	fn, err := e.Load(0, asm(t, CodeBase,
		"lgr %r6,%r3", // callee-saved, restored below? no: clobbered
		fmt.Sprintf("brasl %%r14,%#x", stub.Addr),
		"lgr %r2,%r3", // %r3 is volatile: poisoned by the stub
		"lghi %r7,0",
		"aghi %r15,-8",
		fmt.Sprintf("brcl 15,%#x", ReturnAddr)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Call(fn, []Value{{Arg{Size: 4}, []byte{0, 0, 0, 1}}, {Arg{Size: 4}, []byte{0, 0, 0, 2}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{6, 7, 15}; !slices.Equal(res.Clobbered, want) {
		t.Errorf("got clobbered %v, want %v", res.Clobbered, want)
	}
	if res.Ret != Poison|3 {
		t.Errorf("got %%r2 %#x, want the poisoned %%r3 %#x", res.Ret, uint64(Poison|3))
	}
}

// TestCallByReference: a structure of 12 bytes arrives as the address of a
// copy in the caller's frame.
func TestCallByReference(t *testing.T) {
	e, err := NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	var seen []byte
	stub := e.AddStub("see", func(e *Env, c *StubCall) uint64 {
		seen, _ = e.Mem.Read(c.Regs[3], 12)
		return 0
	})
	args := []Value{
		{Arg{Size: 1, Signed: true}, []byte{0xff}},
		{Arg{Size: 12, Struct: true}, []byte("abcdefghijkl")},
	}
	res, err := e.Call(stub.Addr, args, 10)
	if err != nil {
		t.Fatal(err)
	}
	if string(seen) != "abcdefghijkl" {
		t.Errorf("structure by reference: got %q, want %q", seen, "abcdefghijkl")
	}
	c := e.Calls[0]
	if c.Regs[2] != ^uint64(0) {
		t.Errorf("s8 -1 in %%r2: got %#x, want sign-extended", c.Regs[2])
	}
	if p := c.Regs[3]; p < res.SP+SaveArea || p >= OuterFrame {
		t.Errorf("the copy at %#x is not in the caller's frame [%#x, %#x)", p, res.SP, uint64(OuterFrame))
	}
}
