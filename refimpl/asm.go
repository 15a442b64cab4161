package refimpl

import (
	"errors"
	"fmt"
	"strings"
)

// Assemble encodes one line of GNU assembler syntax, as the JIT's comments
// and objdump write it ("stg %r2,160(%r15)", "brcl 7,.+36", "jghe .-8").
// Relative targets are relative to the instruction: ".+N", ".-N", "." or,
// as GNU as reads them, a plain number N meaning ".+N".
//
// Accepted syntax: base and extended mnemonics (case-insensitive), registers
// as %rN or plain numbers, D(X,B) with X or B omitted ("8(%r2)", "8(,%r2)",
// "8"), D(L,B) and D(L), integer expressions with GNU as' operators and
// precedence (* / % << >> over | ^ & over + -; unary - + ~; parentheses)
// over decimal, 0x hex, 0b binary, 0-prefixed octal and 'c character
// constants, comments after # or in /* */, statements separated by ";"
// (their bytes are concatenated), and the data directives .byte, .short,
// .hword, .word, .2byte, .long, .int, .4byte, .quad, .8byte (big-endian).
//
// Deliberate differences from GNU as, which it accepts silently: an odd
// relative offset (gas drops the low bit) and a register where a number
// is expected ("lg %r1,%r2" is displacement 2 for gas) are errors here.
func Assemble(line string) ([]byte, error) {
	return assemble(nil, line, 0, false)
}

// AssembleAt encodes one line for an instruction at address pc. Relative
// targets may be ".+N" (relative) or a plain number, which is the absolute
// target address as objdump prints it ("jg 0x264").
func AssembleAt(line string, pc int64) ([]byte, error) {
	return assemble(nil, line, pc, true)
}

// AppendAssemble is AssembleAt (absolute = true) or Assemble (absolute =
// false, pc ignored) appending to dst.
func AppendAssemble(dst []byte, line string, pc int64, absolute bool) ([]byte, error) {
	return assemble(dst, line, pc, absolute)
}

// ErrEmpty is returned for a line holding no instruction.
var ErrEmpty = errors.New("no instruction")

// stripComment removes # and /* */ comments.
func stripComment(s string) (string, error) {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return "", errors.New("unterminated comment")
		}
		s = s[:i] + " " + s[i+2+j+2:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s), nil
}

// splitOperands splits at commas outside parentheses.
func splitOperands(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced parentheses")
			}
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced parentheses")
	}
	return append(out, strings.TrimSpace(s[start:])), nil
}

func assemble(dst []byte, line string, pc int64, absolute bool) ([]byte, error) {
	s, err := stripComment(line)
	if err != nil {
		return dst, err
	}
	// Statements separated by ";" follow each other.
	start := len(dst)
	for stmt := range strings.SplitSeq(s, ";") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" {
			continue
		}
		if dst, err = assembleOne(dst, stmt, pc+int64(len(dst)-start), absolute); err != nil {
			return dst[:start], err
		}
	}
	if len(dst) == start {
		return dst, ErrEmpty
	}
	return dst, nil
}

func assembleOne(dst []byte, s string, pc int64, absolute bool) ([]byte, error) {
	mn, rest := s, ""
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		mn, rest = s[:i], s[i+1:]
	}
	mn = strings.ToLower(mn)
	if size, ok := dataDirectives[mn]; ok {
		return assembleData(dst, rest, size)
	}
	var in *Insn
	var alias *Alias
	if x, ok := byMnemonic[mn]; ok {
		in = x
	} else if a, ok := aliases[mn]; ok {
		alias, in = a, a.Insn
	} else {
		return dst, fmt.Errorf("unknown mnemonic %q", clipText(mn))
	}
	ops, err := splitOperands(rest)
	if err != nil {
		return dst, err
	}
	// The operands written on the line, skipping an alias's fixed mask.
	want := in.operands
	skip := -1
	if alias != nil && alias.Mask >= 0 {
		skip = alias.MaskArg
		want = make([]Operand, 0, len(in.operands)-1)
		want = append(want, in.operands[:skip]...)
		want = append(want, in.operands[skip+1:]...)
	}
	var args [MaxArgs]int64
	n := 0
	if len(ops) == 0 && alias != nil && alias.Optional {
		// nop, nopr: all-zero operands.
		n = in.nargs - 1
	} else {
		if len(ops) != len(want) {
			return dst, fmt.Errorf("%s takes %d operands, got %d", clipText(mn), len(want), len(ops))
		}
		for k, o := range want {
			got, err := parseOperand(args[n:n], ops[k], o, pc, absolute)
			if err != nil {
				return dst, fmt.Errorf("operand %d %q: %w", k+1, clipText(ops[k]), err)
			}
			n += len(got)
		}
	}
	if skip >= 0 {
		copy(args[skip+1:n+1], args[skip:n])
		args[skip] = alias.Mask
		n++
	}
	return in.AppendEncode(dst, args[:n]...)
}

// parseReg parses %rN or a plain number.
func parseReg(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "%") {
		if !strings.HasPrefix(s, "%r") || len(s) < 3 || len(s) > 4 {
			return 0, fmt.Errorf("bad register %q", clipText(s))
		}
		var v int64
		for _, c := range s[2:] {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("bad register %q", clipText(s))
			}
			v = v*10 + int64(c-'0')
		}
		if v > 15 {
			return 0, fmt.Errorf("bad register %q", clipText(s))
		}
		return v, nil
	}
	v, err := evalExpr(s, false, 0)
	if err != nil {
		return 0, err
	}
	return v.c, nil
}

// splitAddr splits "D(A,B)" into "D" and the parts inside the parentheses;
// inner is nil when there are none.
func splitAddr(s string) (disp string, inner []string, err error) {
	if !strings.HasSuffix(s, ")") {
		return s, nil, nil
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if strings.TrimSpace(s[:i]) == "" {
					// "(8)" is an expression; "(%r2)" lacks a displacement.
					if hasReg(s) || strings.Contains(s, ",") {
						return "", nil, errors.New("missing displacement")
					}
					return s, nil, nil
				}
				return s[:i], strings.Split(s[i+1:len(s)-1], ","), nil
			}
		}
	}
	return "", nil, errors.New("unbalanced parentheses")
}

func parseOperand(dst []int64, s string, o Operand, pc int64, absolute bool) ([]int64, error) {
	if s == "" {
		return nil, errors.New("empty operand")
	}
	switch o.Kind {
	case OperandGPR:
		if !strings.HasPrefix(s, "%") && !isNumberStart(s) {
			return nil, fmt.Errorf("bad register %q", clipText(s))
		}
		r, err := parseReg(s)
		return append(dst, r), err
	case OperandMask, OperandImm:
		if hasReg(s) {
			return nil, errors.New("register where a number is expected")
		}
		v, err := evalExpr(s, false, 0)
		return append(dst, v.c), err
	case OperandRel:
		if hasReg(s) {
			return nil, errors.New("register where a target is expected")
		}
		v, err := evalExpr(s, true, 0)
		if err != nil {
			return nil, err
		}
		switch {
		case v.dots == 1:
			return append(dst, v.c), nil
		case v.dots == 0 && absolute:
			return append(dst, v.c-pc), nil
		case v.dots == 0:
			return append(dst, v.c), nil
		}
		return nil, errors.New("target must be .+N, .-N or an address")
	}
	dispStr, inner, err := splitAddr(s)
	if err != nil {
		return nil, err
	}
	if hasReg(dispStr) {
		return nil, errors.New("register where a displacement is expected")
	}
	d, err := evalExpr(dispStr, false, 0)
	if err != nil {
		return nil, err
	}
	optReg := func(s string) (int64, error) {
		if strings.TrimSpace(s) == "" {
			return 0, nil
		}
		return parseReg(s)
	}
	switch o.Kind {
	case OperandAddrB:
		var b int64
		switch len(inner) {
		case 0:
		case 1:
			if b, err = parseReg(inner[0]); err != nil {
				return nil, err
			}
		default:
			return nil, errors.New("an index register is not allowed here")
		}
		return append(dst, d.c, b), nil
	case OperandAddrXB:
		var x, b int64
		switch len(inner) {
		case 0:
		case 1:
			b, err = parseReg(inner[0])
		case 2:
			x, err = optReg(inner[0])
			if err == nil {
				b, err = parseReg(inner[1])
			}
		default:
			err = errors.New("too many registers in address")
		}
		if err != nil {
			return nil, err
		}
		return append(dst, d.c, x, b), nil
	case OperandAddrLB:
		var l, b int64
		switch len(inner) {
		case 1, 2:
			lv, err := evalExpr(inner[0], false, 0)
			if err != nil {
				return nil, err
			}
			l = lv.c
			if len(inner) == 2 {
				if b, err = parseReg(inner[1]); err != nil {
					return nil, err
				}
			}
		default:
			return nil, errors.New("want D(L,B)")
		}
		return append(dst, d.c, l, b), nil
	}
	return nil, fmt.Errorf("cannot parse operand kind %v", o.Kind)
}

// hasReg reports whether s names a register ("%r2", "%f0"): a % followed by
// a letter. A % between numbers is the modulo operator.
func hasReg(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && (s[i+1] >= 'a' && s[i+1] <= 'z' || s[i+1] >= 'A' && s[i+1] <= 'Z') {
			return true
		}
	}
	return false
}

func isNumberStart(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '(' || s[0] == '-' || s[0] == '+')
}

// dataDirectives are the data directives objdump prints for words it cannot
// decode (".long\t0x89123456"), with their size in bytes.
var dataDirectives = map[string]int{
	".byte": 1, ".short": 2, ".hword": 2, ".word": 2, ".2byte": 2,
	".long": 4, ".int": 4, ".4byte": 4, ".quad": 8, ".8byte": 8,
}

// assembleData encodes the comma-separated values of a data directive,
// big-endian.
func assembleData(dst []byte, rest string, size int) ([]byte, error) {
	ops, err := splitOperands(rest)
	if err != nil {
		return dst, err
	}
	if len(ops) == 0 {
		return dst, errors.New("data directive without values")
	}
	start := len(dst)
	for _, o := range ops {
		v, err := evalExpr(o, false, 0)
		if err != nil {
			return dst[:start], err
		}
		if size < 8 {
			lo, hi := -(int64(1) << (8*size - 1)), int64(1)<<(8*size)-1
			if v.c < lo || v.c > hi {
				return dst[:start], &OperandError{What: "value", Value: v.c, Min: lo, Max: hi}
			}
		}
		for i := size - 1; i >= 0; i-- {
			dst = append(dst, byte(uint64(v.c)>>(8*i)))
		}
	}
	return dst, nil
}
