package mutation_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/ktree"
)

var (
	shiftRE = regexp.MustCompile(`(<<|>>) (\d+)`)
	maskRE  = regexp.MustCompile(`0x0*([0-9a-f]+)\b`)
	emitDef = regexp.MustCompile(`^#define _?EMIT[A-Z0-9_]*\(`)
)

// macroMutants returns mutants of one line of an EMIT macro definition:
// each shift amount changed by 4 either way, each constant of 0xff or more
// (masks, opcode words) with its top bit cleared.
func macroMutants(l string) []string {
	var out []string
	for _, m := range shiftRE.FindAllStringSubmatchIndex(l, -1) {
		n, _ := strconv.Atoi(l[m[4]:m[5]])
		for _, d := range []int{-4, 4} {
			if n+d <= 0 {
				continue
			}
			out = append(out, l[:m[4]]+fmt.Sprint(n+d)+l[m[5]:])
		}
	}
	for _, m := range maskRE.FindAllStringSubmatchIndex(l, -1) {
		v, err := strconv.ParseUint(l[m[2]:m[3]], 16, 64)
		if err != nil || v < 0xff {
			continue // opcodes' small constants and registers
		}
		hi := uint64(1)
		for hi<<1 <= v {
			hi <<= 1
		}
		out = append(out, l[:m[0]]+fmt.Sprintf("%#x", v&^hi)+l[m[1]:])
	}
	return out
}

// TestGeneratedMacroMutations changes every shift amount and narrows every
// mask in the EMIT macro definitions of the real file; each change must
// give a new finding. Skipped with -short.
func TestGeneratedMacroMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: about 55 runs of the checks over the real file")
	}
	src := ktree.JIT(t)
	base := findings(t, src)
	lines := strings.SplitAfter(string(src), "\n")
	in := false
	total := 0
	for i, l := range lines {
		if emitDef.MatchString(l) {
			in = true
		}
		if !in {
			continue
		}
		if !strings.HasSuffix(strings.TrimRight(l, "\n"), "\\") {
			in = false
		}
		if strings.Contains(l, "BUILD_BUG_ON") {
			continue
		}
		total += requireNew(t, lines, i, macroMutants(l), base)
	}
	if total < 40 {
		t.Errorf("got %d generated macro mutants, want at least 40", total)
	}
	t.Logf("%d generated macro mutants, each with a new finding", total)
}
