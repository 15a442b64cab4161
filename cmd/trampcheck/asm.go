package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/refimpl"
)

func init() {
	register(&command{
		Name:    "asm",
		Summary: "assemble s390x instructions in GNU syntax to hex, byte-exact with GNU as",
		Run:     runAsm,
	})
}

const asmUsage = `usage: trampcheck asm [--origin ADDR] [INSN...]

Assembles s390x instructions written in GNU assembler syntax, as the JIT's
comments and objdump write them ("stg %r2,160(%r15)", "brcl 7,.+36",
"jghe .-8", "mvc 176(8,%r15),320(%r15)"). Each argument, or each line of
standard input when there are none, is one instruction; the output is one
lowercase hex string per line, in order (statements separated by ";" on
one line print together). Blank and comment-only lines (#, /* */) are
skipped.

Syntax is GNU as': base and extended mnemonics (j, jg, jghe, br, nopr, bnor,
jnop, clijh, ...; case-insensitive), registers %r0-%r15 or plain numbers,
D(X,B) with X or B omitted, D(L,B), and integer expressions with GNU as'
operators and precedence (0x hex, 0b binary, 0-prefixed octal, 'c).

Relative targets are .+N, .-N or . (bytes from the instruction). Without
--origin a plain number N means .+N, as GNU as reads it. With --origin the
instructions are one stream starting at ADDR, and a plain number is an
absolute target address, as objdump prints it ("jg 0x264"); so is objdump's
symbolic form "jg 264 <f+0x10>" (hex) at any time. Whole objdump -d
output can be piped in: instruction lines ("   0:\tc0 f4 00 00 00 03 \tjg\t0x6")
are assembled at their address, header and label lines are skipped. The data
directives objdump prints for undecodable words (.long, .short, .byte) and
.quad are accepted.

Exit status: 0 all assembled, 2 bad input (the message names the line).

Flags:
`

// objdumpNoise reports the lines of objdump -d output that hold no
// instruction: the file and section headers, symbol labels and "...".
func objdumpNoise(line string) bool {
	t := strings.TrimSpace(line)
	return strings.Contains(t, ":     file format ") ||
		strings.HasPrefix(t, "Disassembly of section ") ||
		t == "..." ||
		strings.HasSuffix(t, ">:") && !strings.Contains(t, "\t")
}

// stripSymbol turns objdump's symbolic target "jg\t10 <g+0xc>" (hex
// without 0x when a symbol is found) back into "jg\t0x10"; it reports
// whether there was an annotation.
func stripSymbol(text string) (string, bool) {
	i := strings.LastIndex(text, " <")
	if i < 0 || !strings.HasSuffix(text, ">") {
		return text, false
	}
	text = text[:i]
	j := strings.LastIndexAny(text, ", \t") + 1
	if _, err := strconv.ParseUint(text[j:], 16, 64); err != nil || strings.HasPrefix(text[j:], "0x") {
		return text, true
	}
	return text[:j] + "0x" + text[j:], true
}

// objdumpLineRE matches an objdump -d instruction line: address, bytes,
// text.
var objdumpLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$`) })

func runAsm(e *env, args []string) int {
	fs := flag.NewFlagSet("asm", flag.ContinueOnError)
	origin := fs.String("origin", "", "address `ADDR` of the first instruction; plain numbers are absolute targets")
	fs.Usage = func() {
		asmPrintf(fs.Output(), "%s", asmUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	absolute := *origin != ""
	var pc int64
	if absolute {
		v, err := strconv.ParseInt(*origin, 0, 64)
		if err != nil || v < 0 {
			asmPrintf(e.Stderr, "trampcheck asm: bad --origin %q: want a non-negative number\n", *origin)
			return exitError
		}
		pc = v
	}
	w := bufio.NewWriter(e.Stdout)
	var buf []byte
	one := func(where, line string) bool {
		if objdumpNoise(line) {
			return true
		}
		text, at, abs := line, pc, absolute
		if m := objdumpLineRE().FindStringSubmatch(line); m != nil {
			a, err := strconv.ParseUint(m[1], 16, 63)
			if err == nil {
				// An objdump line: at its address, targets absolute.
				text, at, abs = m[2], int64(a), true
			}
		}
		if t, ok := stripSymbol(text); ok {
			text, abs = t, true // objdump's "10 <g+0xc>" is an address
		}
		var err error
		buf, err = refimpl.AppendAssemble(buf[:0], text, at, abs)
		if errors.Is(err, refimpl.ErrEmpty) {
			return true
		}
		if err != nil {
			_ = w.Flush() // the lines before the bad one
			asmPrintf(e.Stderr, "trampcheck asm: %s: %q: %v\n", where, clip(line, 80), err)
			return false
		}
		pc = at + int64(len(buf))
		// Write errors stick in w; Flush reports them at the end.
		_, _ = w.WriteString(hex.EncodeToString(buf) + "\n")
		return true
	}
	done := func() int {
		if err := w.Flush(); err != nil {
			asmPrintf(e.Stderr, "trampcheck asm: writing the output: %v\n", err)
			return exitError
		}
		return exitClean
	}
	if fs.NArg() > 0 {
		for i, a := range fs.Args() {
			if !one(fmt.Sprintf("argument %d", i+1), a) {
				return exitError
			}
		}
		return done()
	}
	sc := bufio.NewScanner(e.Stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if !one(fmt.Sprintf("line %d", n), strings.TrimRight(sc.Text(), "\r")) {
			return exitError
		}
	}
	if err := sc.Err(); err != nil {
		_ = w.Flush()
		asmPrintf(e.Stderr, "trampcheck asm: reading standard input: %v\n", err)
		return exitError
	}
	return done()
}

// asmPrintf writes a message for asm and disasm; a failing terminal stream
// leaves nothing better to do, so the error is dropped.
func asmPrintf(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}
