package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trampcheck/trampcheck/refimpl"
)

func init() {
	register(&command{
		Name:    "disasm",
		Summary: "disassemble s390x hex bytes, line for line as s390x-linux-gnu-objdump -d",
		Run:     runDisasm,
	})
}

const disasmUsage = `usage: trampcheck disasm [--origin ADDR] [HEX...]

Disassembles s390x machine code given as hex digits (the arguments, or
standard input when there are none; whitespace is ignored) as one stream
starting at offset 0 (or ADDR). Prints one line per instruction exactly as
s390x-linux-gnu-objdump -d prints them for a section holding the bytes:

     OFFSET:<TAB>BYTES<TAB>MNEMONIC<TAB>OPERANDS

the offset in hex right-aligned in objdump's column (4, 8, 12 or 16
characters, from the end address of the section GNU as would make of the
bytes, padded to a multiple of 4), the bytes as "xx " pairs padded to six
bytes, then objdump's mnemonic (extended forms such as jg, jghe, br, nopr)
and operands (relative targets as absolute hex addresses). Words objdump
cannot decode although the opcode is known print as ".long\t0x...".

Normalisation against "s390x-linux-gnu-objdump -d file.o": keep only its
instruction lines (drop the "file format", "Disassembly of section" and
"<symbol>:" lines); the lines are then identical, leading spaces of the
offset included. objdump also lists the padding GNU as adds when the code
ends at 2 mod 4 (07 07, "nopr\t%r7"); disasm lists only the given bytes.

Exit status: 0 all decoded, 2 bad input: odd number of hex digits, a
non-hex character, an unknown opcode or a truncated instruction (the
message gives the offset; the lines before it are printed).

Flags:
`

func runDisasm(e *env, args []string) int {
	fs := flag.NewFlagSet("disasm", flag.ContinueOnError)
	origin := fs.String("origin", "0", "address `ADDR` of the first byte")
	fs.Usage = func() {
		asmPrintf(fs.Output(), "%s", disasmUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		asmPrintf(e.Stderr, "trampcheck disasm: "+format+"\n", a...)
		return exitError
	}
	pc, err := strconv.ParseInt(*origin, 0, 64)
	if err != nil || pc < 0 {
		return fail("bad --origin %q: want a non-negative number", *origin)
	}
	var src string
	where := "standard input"
	if fs.NArg() > 0 {
		src = strings.Join(fs.Args(), " ")
		where = "arguments"
	} else {
		b, err := io.ReadAll(e.Stdin)
		if err != nil {
			return fail("reading standard input: %v", err)
		}
		src = string(b)
	}
	code, err := parseHex(src)
	if err != nil {
		return fail("%s: %v", where, err)
	}
	// objdump sizes the address column from the end of the section; GNU as
	// pads .text to a multiple of 4.
	width := refimpl.AddrWidth(pc, (len(code)+3)&^3)
	out, err := refimpl.AppendListingWidth(nil, code, pc, width)
	if _, werr := e.Stdout.Write(out); werr != nil {
		return fail("writing the output: %v", werr)
	}
	if err != nil {
		return fail("%s: %v", where, err)
	}
	return exitClean
}

// parseHex reads hex digit pairs, ignoring whitespace.
func parseHex(s string) ([]byte, error) {
	code := make([]byte, 0, len(s)/2)
	var hi byte
	n := 0
	line, col := 1, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		col++
		var v byte
		switch {
		case c == '\n':
			line, col = line+1, 0
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
			continue
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return nil, fmt.Errorf("line %d column %d: %q is not a hex digit", line, col, c)
		}
		if n%2 == 0 {
			hi = v
		} else {
			code = append(code, hi<<4|v)
		}
		n++
	}
	if n%2 != 0 {
		return nil, fmt.Errorf("odd number of hex digits (%d)", n)
	}
	if n == 0 {
		return nil, errors.New("no hex digits")
	}
	return code, nil
}
