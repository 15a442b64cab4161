package tramp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/gastest"
)

// gasConfigs are the configurations whose listings are cross-checked with
// GNU as: together they emit every instruction and every branch kind.
var gasConfigs = []struct {
	name string
	cfg  Config
}{
	{"empty", Config{}},
	{"fentry one arg", Config{Args: []Arg{{Size: 8}}, FEntry: []Prog{{Jited: true}}, FuncAddr: 0x12345678}},
	{"call orig expolines", Config{
		Args:    []Arg{{Size: 8}, {Size: 16}, {Size: 4}, {Size: 8}, {Size: 1}, {Size: 2}, {Size: 16}},
		RetSize: 4, RetSigned: true, Flags: FlagCallOrig | FlagIPArg | FlagRestoreRegs,
		FEntry: []Prog{{Jited: true, Cookie: 0xffffffff_ffffffff}}, FModRet: []Prog{{}, {Jited: true}}, FExit: []Prog{{Jited: true}},
		FuncAddr: 0x3ff_e000_1000, Expolines: true,
	}},
	{"orig stack unsigned byte", Config{
		Args: []Arg{{Size: 2}}, RetSize: 1, Flags: FlagOrigStack | FlagRetFentryRet | FlagCallOrig,
		FEntry: []Prog{{}, {Jited: true}}, FExit: []Prog{{}},
	}},
	{"indirect halfwords", Config{
		Args:    []Arg{{Size: 16}, {Size: 16}, {Size: 16}, {Size: 16}, {Size: 16}, {Size: 16}},
		RetSize: 2, Flags: FlagIndirect | FlagRetFentryRet, FEntry: []Prog{{Jited: true}},
		FModRet: []Prog{{Jited: true}}, Expolines: true, FuncAddr: 0x1000,
	}},
	{"signed halfword and word", Config{RetSize: 2, RetSigned: true, FModRet: []Prog{{Jited: true}}, FuncAddr: 0x8000_0000}},
	{"unsigned word", Config{Args: []Arg{{Size: 4}}, RetSize: 4, FModRet: []Prog{{}}, Flags: FlagCallOrig, FuncAddr: 0x8000_0000}},
	{"signed byte", Config{RetSize: 1, RetSigned: true, FModRet: []Prog{{}}, Flags: FlagCallOrig, FuncAddr: 0x8000_0000}},
}

// TestGNUAs assembles each listing's text with GNU as and compares the
// bytes with the listing's bytes, instruction by instruction.
func TestGNUAs(t *testing.T) {
	for _, tc := range gasConfigs {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Generate(tc.cfg)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			var src strings.Builder
			src.WriteString("\t.text\n")
			for _, in := range p.Insns {
				src.WriteString("\t" + in.Text + "\n")
			}
			src.WriteString("end:\n")
			got := gastest.Text(t, src.String())
			if len(got) != len(p.Code) {
				t.Fatalf("GNU as gave %d bytes, the listing has %d", len(got), len(p.Code))
			}
			for _, in := range p.Insns {
				if g := got[in.Off : in.Off+len(in.Bytes)]; !bytes.Equal(g, in.Bytes) {
					t.Errorf("offset %d %q: got % x from GNU as, want % x as listed", in.Off, in.Text, g, in.Bytes)
				}
			}
		})
	}
}

// objdumpLines disassembles code with GNU objdump and returns, per
// instruction offset, the text as objdump prints it (mnemonic, a tab, the
// operands).
func objdumpLines(t *testing.T, code []byte) map[int]string {
	t.Helper()
	od := gastest.Binutil(t, "objdump")
	bin := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(bin, code, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(od, "-D", "-b", "binary", "-m", "s390:64-bit", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("objdump: %v\n%s", err, out)
	}
	lines := map[int]string{}
	for _, l := range strings.Split(string(out), "\n") {
		// "   a:	07 f1             	br	%r1"
		parts := strings.SplitN(l, "\t", 3)
		if len(parts) != 3 {
			continue
		}
		off, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(parts[0]), ":"), 16, 64)
		if err != nil {
			continue
		}
		lines[int(off)] = strings.TrimSpace(parts[2])
	}
	return lines
}

// TestObjdumpText disassembles each listing's bytes with GNU objdump and
// compares objdump's text with the listing's, after writing the listing's
// relative targets as the absolute offsets objdump prints.
func TestObjdumpText(t *testing.T) {
	for _, tc := range gasConfigs {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Generate(tc.cfg)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			lines := objdumpLines(t, p.Code)
			if len(lines) != len(p.Insns) {
				t.Errorf("objdump shows %d instructions, the listing %d", len(lines), len(p.Insns))
			}
			for _, in := range p.Insns {
				want := in.Text
				if tgt, ok := in.Target(); ok {
					want = want[:strings.LastIndexByte(want, '.')] + "0x" + strconv.FormatInt(int64(tgt), 16)
				}
				if got := lines[in.Off]; got != want {
					t.Errorf("offset %d: got %q from objdump, want %q", in.Off, got, want)
				}
			}
		})
	}
}
