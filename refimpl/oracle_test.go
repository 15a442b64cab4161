package refimpl

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/gastest"
)

// The oracle is GNU binutils for s390x (Debian's binutils-s390x-linux-gnu):
// s390x-linux-gnu-as assembles, objdump -d disassembles and objcopy extracts
// the section bytes. The tests skip when binutils are absent, and fail then
// when TRAMPCHECK_REQUIRE_KERNEL=1 (set by .ci/run).

var update = flag.Bool("update", false, "rewrite testdata/refimpl/insns.golden from GNU as and objdump (go test ./refimpl -run TestOracle -update)")

const (
	goldenPath = "../testdata/refimpl/insns.golden"
	// marchFlag is the lowest -march that accepts every instruction of the
	// table (TestMarchIsLowest checks that z10 does not).
	marchFlag = "-march=z196"
)

type binutils struct {
	as, objdump, objcopy string
}

// needBinutils returns GNU as, objdump and objcopy for s390x
// (gastest.Binutil: skipped without them, failed when
// TRAMPCHECK_REQUIRE_KERNEL=1).
func needBinutils(t testing.TB) binutils {
	t.Helper()
	return binutils{as: gastest.Binutil(t, "as"), objdump: gastest.Binutil(t, "objdump"), objcopy: gastest.Binutil(t, "objcopy")}
}

// gasResult is what GNU binutils make of a list of lines.
type gasResult struct {
	code    []byte         // the .text section
	listing []string       // objdump -d instruction lines
	errs    map[int]string // 1-based line -> first error message
	fatal   int            // line of a fatal error (gas stops there), or 0
}

var gasErrRE = regexp.MustCompile(`^[^:]*\.s:(\d+): (Error|Fatal error): (.*)$`)

// runGas assembles lines (one instruction each); with wantObject it also
// extracts the section and the objdump listing.
func (b binutils) run(t testing.TB, lines []string, march string, wantObject bool) gasResult {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "t.s")
	obj := filepath.Join(dir, "t.o")
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(b.as, march, "-o", obj, src)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	res := gasResult{errs: map[int]string{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := gasErrRE.FindStringSubmatch(sc.Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			if _, seen := res.errs[n]; !seen {
				res.errs[n] = m[3]
			}
			if m[2] == "Fatal error" {
				res.fatal = n
			}
		}
	}
	if !wantObject {
		return res
	}
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", b.as, err, firstLines(string(out), 20))
	}
	bin := filepath.Join(dir, "t.bin")
	if out, err := exec.Command(b.objcopy, "-O", "binary", "--only-section=.text", obj, bin).CombinedOutput(); err != nil {
		t.Fatalf("objcopy: %v\n%s", err, out)
	}
	if res.code, err = os.ReadFile(bin); err != nil {
		t.Fatal(err)
	}
	dis, err := exec.Command(b.objdump, "-d", obj).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	res.listing = objdumpInsnLines(string(dis))
	return res
}

// objdumpInsnLines keeps the instruction lines of objdump -d output
// ("   0:\t..."), dropping the file header, section and symbol lines.
func objdumpInsnLines(s string) []string {
	var out []string
	re := regexp.MustCompile(`^ *[0-9a-f]+:\t`)
	for _, l := range strings.Split(s, "\n") {
		if re.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}

// splitInsns splits code into instructions by the length code of each
// first byte (an architectural rule, not this package's table).
func splitInsns(code []byte) [][]byte {
	var out [][]byte
	for len(code) > 0 {
		n := min(LengthOf(code[0]), len(code))
		out = append(out, code[:n])
		code = code[n:]
	}
	return out
}

// TestOracleAssemble assembles thousands of generated lines with
// trampcheck and with GNU as and compares the bytes line by line; then it
// compares the whole listing with objdump -d, and the golden file with
// what the oracle says now.
func TestOracleAssemble(t *testing.T) {
	b := needBinutils(t)
	cases := validCases()
	res := b.run(t, cases, marchFlag, true)
	gas := splitInsns(res.code)
	if len(gas) < len(cases) {
		t.Fatalf("gas produced %d instructions for %d lines", len(gas), len(cases))
	}
	var ours []byte
	bad := 0
	for i, line := range cases {
		got, err := Assemble(line)
		if err != nil {
			t.Errorf("Assemble(%q): %v; gas gives %x", line, err, gas[i])
			bad++
		} else if !bytes.Equal(got, gas[i]) {
			t.Errorf("Assemble(%q) = %x, want %x (gas)", line, got, gas[i])
			bad++
		}
		if bad > 30 {
			t.Fatal("too many mismatches")
		}
		ours = append(ours, got...)
	}
	t.Logf("%d lines, %d bytes: %d mismatches", len(cases), len(ours), bad)

	// The listing of the oracle's bytes (with gas' section padding).
	listing, err := Listing(res.code, 0)
	if err != nil {
		t.Fatalf("Listing: %v", err)
	}
	compareListing(t, strings.Split(strings.TrimSuffix(listing, "\n"), "\n"), res.listing)

	golden := goldenLines(cases, gas, res.listing)
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, []byte(strings.Join(golden, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d lines)", goldenPath, len(golden))
		return
	}
	have, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test ./refimpl -run TestOracle -update)", err)
	}
	if string(have) != strings.Join(golden, "\n")+"\n" {
		t.Errorf("%s is stale: the oracle now says otherwise; run go test ./refimpl -run TestOracle -update", goldenPath)
	}
}

func compareListing(t *testing.T, got, want []string) {
	t.Helper()
	bad := 0
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("listing line %d:\n got %q\nwant %q (objdump)", i+1, g, w)
			if bad++; bad > 30 {
				t.Fatal("too many listing mismatches")
			}
		}
	}
	t.Logf("listing: %d lines compared, %d differ", len(want), bad)
}

const goldenHeader = `# trampcheck refimpl golden cases, written by the oracle (GNU as ` + marchFlag + ` and objdump -d, binutils 2.40).
# Regenerate: go test ./refimpl -run TestOracleAssemble -update
# offset | hex | GNU as input | objdump -d text at that offset (tab shown as one space)`

// goldenLines pairs each input line with the oracle's bytes and objdump
// text.
func goldenLines(cases []string, gas [][]byte, listing []string) []string {
	out := []string{goldenHeader}
	byOff := map[string]string{}
	for _, l := range listing {
		f := strings.SplitN(l, "\t", 3)
		if len(f) == 3 {
			byOff[strings.TrimSpace(strings.TrimSuffix(f[0], ":"))] = strings.Replace(f[2], "\t", " ", 1)
		}
	}
	off := 0
	for i, c := range cases {
		key := strconv.FormatInt(int64(off), 16)
		out = append(out, fmt.Sprintf("%x | %s | %s | %s", off, hex.EncodeToString(gas[i]), strings.TrimSpace(c), byOff[key]))
		off += len(gas[i])
	}
	return out
}

// TestOracleRejects checks that every line GNU as rejects, trampcheck
// rejects too.
func TestOracleRejects(t *testing.T) {
	b := needBinutils(t)
	cases := invalidCases()
	// gas stops at a fatal error (an odd register pair) before it checks
	// relative operands: assemble the lines before it again on their own,
	// and go on after it.
	gasErrs := map[int]string{}
	for start := 0; start < len(cases); {
		res := b.run(t, cases[start:], marchFlag, false)
		if res.fatal == 0 {
			for n, msg := range res.errs {
				gasErrs[start+n] = msg
			}
			break
		}
		gasErrs[start+res.fatal] = res.errs[res.fatal]
		if res.fatal > 1 {
			pre := b.run(t, cases[start:start+res.fatal-1], marchFlag, false)
			if pre.fatal != 0 {
				t.Fatalf("gas: second fatal error at line %d", start+pre.fatal)
			}
			for n, msg := range pre.errs {
				gasErrs[start+n] = msg
			}
		}
		start += res.fatal
	}
	for i, line := range cases {
		gasMsg, gasBad := gasErrs[i+1]
		_, err := Assemble(line)
		switch {
		case !gasBad:
			t.Errorf("gas accepts %q; the case list expects a rejection", line)
		case err == nil:
			t.Errorf("Assemble(%q) succeeded; gas says %q", line, gasMsg)
		}
	}
	t.Logf("%d invalid lines", len(cases))
}

// TestMarchIsLowest checks that -march=z196 is needed: z10 rejects some
// table instruction, z196 accepts all.
func TestMarchIsLowest(t *testing.T) {
	b := needBinutils(t)
	var lines []string
	for _, in := range Insns() {
		s, err := exampleLine(in)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	if res := b.run(t, lines, "-march=z196", false); len(res.errs) != 0 {
		t.Errorf("z196 rejects %d lines, e.g. %v", len(res.errs), res.errs)
	}
	if res := b.run(t, lines, "-march=z10", false); len(res.errs) == 0 {
		t.Errorf("z10 accepts every instruction; %s is not the lowest level", marchFlag)
	}
}

// exampleLine writes a valid line for in from the operand metadata.
func exampleLine(in *Insn) (string, error) {
	s, err := exampleOperands(in)
	if err != nil {
		return "", err
	}
	return in.Mnemonic + " " + strings.Join(s, ","), nil
}

// exampleOperands returns valid operands for in, one per operand, in GNU order.
func exampleOperands(in *Insn) ([]string, error) {
	var s []string
	for _, o := range in.operands {
		switch o.Kind {
		case OperandGPR:
			s = append(s, "%r2")
		case OperandMask:
			s = append(s, "8")
		case OperandImm:
			s = append(s, "1")
		case OperandRel:
			s = append(s, ".+8")
		case OperandAddrB:
			s = append(s, "8(%r3)")
		case OperandAddrXB:
			s = append(s, "8(%r4,%r3)")
		case OperandAddrLB:
			s = append(s, "8(4,%r3)")
		default:
			return nil, fmt.Errorf("%s: kind %v", in.Mnemonic, o.Kind)
		}
	}
	return s, nil
}

// TestOracleReservedBits feeds objdump words with the formats' unused
// fields set and compares the listing: objdump rejects some (".long") and
// ignores others.
func TestOracleReservedBits(t *testing.T) {
	b := needBinutils(t)
	var code []byte
	for _, in := range Insns() {
		s, _ := exampleLine(in)
		enc, err := Assemble(s)
		if err != nil {
			t.Fatal(err)
		}
		var fd Field
		var ok bool
		switch in.Format {
		case FormatRRE:
			fd, ok = in.Format.Field("////")
		case FormatRRFa:
			fd, ok = in.Format.Field("M4")
		case FormatRSa:
			fd, ok = in.Format.Field("R3")
		case FormatRIEb:
			fd, ok = in.Format.Field("////")
		}
		if !ok {
			continue
		}
		for _, v := range []uint64{1, 5} {
			w := append([]byte(nil), enc...)
			setField(w, fd, v)
			code = append(code, w...)
		}
	}
	b.compareWords(t, code)
}

// compareWords writes code to GNU as with .byte (so that it cannot
// normalise the words) and compares our listing of the bytes with
// objdump -d's.
func (b binutils) compareWords(t *testing.T, code []byte) {
	t.Helper()
	lines := make([]string, 0, len(code))
	for _, c := range code {
		lines = append(lines, fmt.Sprintf(".byte 0x%02x", c))
	}
	res := b.run(t, lines, marchFlag, true)
	if !bytes.Equal(res.code[:len(code)], code) {
		t.Fatalf("gas wrote other bytes than the .byte lines")
	}
	listing, err := Listing(res.code, 0)
	if err != nil {
		t.Fatal(err)
	}
	compareListing(t, strings.Split(strings.TrimSuffix(listing, "\n"), "\n"), res.listing)
}

func setField(b []byte, fd Field, v uint64) {
	for i := range int(fd.Bits) {
		bit := int(fd.Offs) + i
		mask := byte(0x80 >> (bit % 8))
		if v>>(int(fd.Bits)-1-i)&1 != 0 {
			b[bit/8] |= mask
		} else {
			b[bit/8] &^= mask
		}
	}
}

// TestOracleRandomFields fills every non-opcode bit of each instruction
// with random values (fixed seed), writes the words with .byte so that GNU
// as cannot normalise them, and compares the whole listing with objdump -d.
func TestOracleRandomFields(t *testing.T) {
	b := needBinutils(t)
	g := newGen()
	var code []byte
	for _, in := range Insns() {
		s, _ := exampleLine(in)
		enc, err := Assemble(s)
		if err != nil {
			t.Fatal(err)
		}
		for range 24 {
			w := append([]byte(nil), enc...)
			for _, fd := range in.Fields() {
				if strings.HasPrefix(fd.Name, "OP") {
					continue
				}
				setField(w, fd, g.r.Uint64()&(1<<fd.Bits-1))
			}
			code = append(code, w...)
		}
	}
	b.compareWords(t, code)
}
