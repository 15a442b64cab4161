package emu

import (
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzRun runs arbitrary bytes as code from an executable page next to a
// data page, with registers pointing into both: it must end (the budget)
// with nil or an error, never a panic or hang, and a fault must name a
// known kind.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"\xe3\x10\x20\x00\x00\x04\x07\xfe",                 // lg %r1,0(%r2); br %r14
		"\xc6\x00\x00\x00\x00\x05\xa7\xf4\x00\x00\x07\xf1", // exrl; j .; br %r1
		"\xd2\xff\x20\x01\x20\x00",                         // mvc 1(256,%r2),0(%r2)
		"\xb9\x87\x00\x24",                                 // dlgr %r2,%r4
		"\xeb\x0f\x20\x00\x00\x24",                         // stmg %r0,%r15,0(%r2)
		"\x44\x00\x30\x00",                                 // ex %r0,0(%r3)
		"\x00\x00",
	} {
		f.Add([]byte(s), uint64(0x30000), uint64(0x10000))
	}
	f.Fuzz(func(t *testing.T, code []byte, r2, r3 uint64) {
		if len(code) > 0x1000 {
			code = code[:0x1000]
		}
		var mem Memory
		if err := mem.Map(0x10000, 0x1000, PermRead|PermWrite|PermExec); err != nil {
			t.Fatal(err)
		}
		if err := mem.Map(0x30000, 0x1000, PermRead|PermWrite); err != nil {
			t.Fatal(err)
		}
		if err := mem.Write(0x10000, code); err != nil {
			t.Fatal(err)
		}
		m := New(&mem)
		m.PC = 0x10000
		for r := range m.R {
			var b [8]byte
			copy(b[:], code[min(len(code), r):])
			m.R[r] = binary.BigEndian.Uint64(b[:])
		}
		m.R[2], m.R[3], m.R[14] = r2, r3, 0x50000
		m.SetHook(0x50000, func(m *Machine) error { m.Stop(); return nil })
		err := m.Run(10000)
		var fl *Fault
		if err != nil && (!errors.As(err, &fl) || fl.Kind.String() == "" || fl.Error() == "") {
			t.Fatalf("% x: got %v, want a *Fault", code, err)
		}
	})
}
