package tramp

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// handLine is one expected instruction of a hand-derived listing.
type handLine struct {
	off   int
	bytes string // hex
	text  string
}

// readHand reads a hand-derived listing from testdata/tramp: lines
// "offset | hex bytes | assembly", '#' comments.
func readHand(t *testing.T, name string) []handLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "tramp", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []handLine
	for i, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		parts := strings.SplitN(l, " | ", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want \"offset | bytes | assembly\"", name, i+1)
		}
		off, err := strconv.Atoi(parts[0])
		if err != nil {
			t.Fatalf("%s:%d: %v", name, i+1, err)
		}
		out = append(out, handLine{off, parts[1], parts[2]})
	}
	return out
}

// TestHandDerived compares the generator with listings derived by hand
// from the trampoline contract.
func TestHandDerived(t *testing.T) {
	tests := []struct {
		file string
		cfg  Config
	}{
		{"hand-empty.txt", Config{}},
		{"hand-fentry.txt", Config{
			Args: []Arg{{Size: 8}}, FuncAddr: 0x10000000,
			FEntry: []Prog{{Jited: true, Cookie: 5, Enter: 0x1000, Exit: 0x2000, Addr: 0x3000, BpfFunc: 0x4000}},
		}},
		{"hand-callorig-expolines.txt", Config{
			RetSize: 8, Flags: FlagCallOrig, FuncAddr: 0x10000000, Expolines: true,
			TrampEnter: 0x1000, TrampExit: 0x2000, Im: 0x3000,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want := readHand(t, tc.file)
			p, err := Generate(tc.cfg)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if len(p.Insns) != len(want) {
				t.Errorf("got %d instructions, want %d", len(p.Insns), len(want))
			}
			for i := range min(len(p.Insns), len(want)) {
				got, w := p.Insns[i], want[i]
				if got.Off != w.off || hex.EncodeToString(got.Bytes) != w.bytes || got.Text != w.text {
					t.Errorf("insn %d: got %d | %x | %s, want %d | %s | %s", i, got.Off, got.Bytes, got.Text, w.off, w.bytes, w.text)
				}
			}
		})
	}
}
