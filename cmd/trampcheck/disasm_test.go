package main

import (
	"strings"
	"testing"
)

// TestDisasmMatchesObjdump assembles the golden inputs with GNU as and
// checks that disasm prints objdump -d's instruction lines, line for line,
// for the same bytes.
func TestDisasmMatchesObjdump(t *testing.T) {
	inputs, _ := goldenInputs(t)
	dis := assembleWithGas(t, inputs)
	var want []string
	var hexes []string
	for _, l := range strings.Split(dis, "\n") {
		if !objdumpLineRE().MatchString(l) {
			continue
		}
		want = append(want, l)
		hexes = append(hexes, strings.TrimSpace(strings.Split(l, "\t")[1]))
	}
	// Feed the bytes objdump shows, as one stream, in a different spacing.
	out, errOut, code := asmCLI(strings.Join(hexes, "\n"), "disasm")
	if code != exitClean {
		t.Fatalf("disasm: exit %d: %s", code, errOut)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d (objdump)", len(got), len(want))
	}
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q (objdump)", i+1, got[i], want[i])
			if bad++; bad > 20 {
				t.Fatal("too many differences")
			}
		}
	}
}

func TestDisasm(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"e320f0a00024"}, "   0:\te3 20 f0 a0 00 24 \tstg\t%r2,160(%r15)\n"},
		{[]string{"07 00", "07FE"}, "   0:\t07 00             \tnopr\n   2:\t07 fe             \tbr\t%r14\n"},
		{[]string{"--origin", "0x1000", "c0f4ffffffff"}, "    1000:\tc0 f4 ff ff ff ff \tjg\t0xffe\n"},
		{[]string{"89123456"}, "   0:\t89 12 34 56       \t.long\t0x89123456\n"},
	}
	for _, tt := range tests {
		out, errOut, code := asmCLI("", append([]string{"disasm"}, tt.args...)...)
		if out != tt.want || code != exitClean {
			t.Errorf("disasm %q: got %q (exit %d, %s), want %q", tt.args, out, code, errOut, tt.want)
		}
	}
}

func TestDisasmErrors(t *testing.T) {
	tests := []struct {
		stdin   string
		wantOut string
		wantErr string
	}{
		{"e320f0a0002", "", "trampcheck disasm: standard input: odd number of hex digits (11)\n"},
		{
			"e320f0a00024\nc0f4", "   0:\te3 20 f0 a0 00 24 \tstg\t%r2,160(%r15)\n",
			"trampcheck disasm: standard input: offset 0x6: truncated instruction c0 f4\n",
		},
		{"e3 20 zz", "", "trampcheck disasm: standard input: line 1 column 7: 'z' is not a hex digit\n"},
		{"ffffffffffff", "", "trampcheck disasm: standard input: offset 0x0: unknown opcode ff ff ff ff ff ff\n"},
		{"  \n", "", "trampcheck disasm: standard input: no hex digits\n"},
	}
	for _, tt := range tests {
		out, errOut, code := asmCLI(tt.stdin, "disasm")
		if out != tt.wantOut || errOut != tt.wantErr || code != exitError {
			t.Errorf("disasm <%q: got %q, %q, exit %d; want %q, %q, exit %d", tt.stdin, out, errOut, code, tt.wantOut, tt.wantErr, exitError)
		}
	}
}

// TestDisasmAddressWidth compares the address column at the sizes where
// objdump widens it (the end of the section reaching 0x1000), including a
// size GNU as pads.
func TestDisasmAddressWidth(t *testing.T) {
	for _, n := range []int{0x7fe, 0x7ff, 0x800} { // lr instructions of 2 bytes
		lines := make([]string, n)
		for i := range lines {
			lines[i] = "lr %r1,%r2"
		}
		dis := assembleWithGas(t, lines)
		var want []string
		for _, l := range strings.Split(dis, "\n") {
			if objdumpLineRE().MatchString(l) && !strings.HasSuffix(l, "nopr\t%r7") {
				want = append(want, l)
			}
		}
		out, errOut, code := asmCLI(strings.Repeat("1812", n), "disasm")
		if code != exitClean {
			t.Fatalf("disasm: exit %d: %s", code, errOut)
		}
		got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%d bytes: got %d lines %q .. %q, want %d lines %q .. %q (objdump)",
				2*n, len(got), got[0], got[len(got)-1], len(want), want[0], want[len(want)-1])
		}
	}
}
