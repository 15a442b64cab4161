package asmcomment

import (
	"regexp"
	"strings"
	"sync"

	"github.com/trampcheck/trampcheck/refimpl"
)

// asmComment is an assembler comment: one or more alternative mnemonics
// ("{ly|lg}", "nrk or ngrk") and the operands as written.
type asmComment struct {
	Text      string   // the normalised assembly text
	Mnemonics []string // alternatives, in the order written
	Operands  []string // split at top-level commas, trimmed
	Insns     []*refimpl.Insn
	Masks     []int64 // per alternative: the mask an extended mnemonic implies, or -1
}

var (
	labelRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z_]+:\s+`) })
	mnemonicRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\{[a-z][a-z0-9]*(\|[a-z][a-z0-9]*)+\}|[a-z][a-z0-9]*( or [a-z][a-z0-9]*)*)(\s+|$)`)
	})
	// operandRE is what an operand of assembly looks like: registers,
	// numbers, symbols, expressions over them and D(X,B) addresses,
	// without spaces inside.
	operandRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[-+]?(%[a-z0-9_]+|[A-Za-z0-9_.<>+\-*/&|^~%(),]+|<[^<>]*>)$`)
	})
)

// normalize joins the lines of a comment, dropping the leading '*' of
// block comment lines.
func normalize(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "*")
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, " "))
}

// candidates returns the texts of a comment that may be assembly: the
// comment itself with a leading label removed, and what follows "prose:".
func candidates(text string) []string {
	t := normalize(text)
	t = labelRE().ReplaceAllString(t, "")
	out := []string{t}
	if i := strings.Index(t, ": "); i > 0 && strings.Contains(t[:i], " ") {
		out = append(out, strings.TrimSpace(t[i+2:]))
	}
	return out
}

// stripTail removes what follows the assembly: ": explanation",
// " - explanation" and a trailing " (parenthetical)".
func stripTail(t string) string {
	if i := strings.Index(t, ": "); i > 0 {
		t = t[:i]
	}
	if i := strings.Index(t, " - "); i > 0 {
		t = t[:i]
	}
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndex(t, " ("); i > 0 && !strings.Contains(t[i+2:], "%") {
			t = strings.TrimSpace(t[:i])
		}
	}
	return strings.TrimSpace(t)
}

// splitTop splits s at commas outside parentheses and angle brackets.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '<':
			depth++
		case ')', '>':
			if s[i] == '>' && i > 0 && s[i-1] == '>' || s[i] == '>' && i+1 < len(s) && s[i+1] == '>' {
				continue // a shift operator
			}
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// parseComment returns the assembly of a comment, or nil when the comment
// is not assembly (prose, pseudo-code such as "%r1()" or "%r8 = x + 6").
// A comment whose mnemonics are not all known is still returned when it
// looks like assembly; Insns then holds nil for the unknown ones.
func parseComment(text string) *asmComment {
	for _, c := range candidates(text) {
		if a := parseAsm(stripTail(c)); a != nil {
			return a
		}
	}
	return nil
}

func parseAsm(t string) *asmComment {
	m := mnemonicRE().FindStringSubmatch(t)
	if m == nil {
		return nil
	}
	group := m[1]
	rest := strings.TrimSpace(t[len(m[0]):])
	var mns []string
	if strings.HasPrefix(group, "{") {
		mns = strings.Split(group[1:len(group)-1], "|")
	} else {
		mns = strings.Split(group, " or ")
	}
	a := &asmComment{Text: t, Mnemonics: mns}
	known := 0
	for _, mn := range mns {
		in, mask := lookup(mn)
		a.Insns = append(a.Insns, in)
		a.Masks = append(a.Masks, mask)
		if in != nil {
			known++
		}
	}
	if rest != "" {
		a.Operands = splitTop(rest)
		for _, o := range a.Operands {
			if o == "" || strings.ContainsAny(o, " \t;=") && !strings.HasPrefix(o, "<") {
				return nil
			}
			if !operandRE().MatchString(strings.ReplaceAll(o, " ", "")) {
				return nil
			}
		}
	}
	if known == len(mns) {
		return a
	}
	// Unknown mnemonics: assembly only when it clearly has the shape of
	// an instruction with register operands.
	if known == 0 && len(a.Operands) >= 2 && strings.Contains(rest, "%") && len(mns) == 1 && len(mns[0]) <= 7 {
		return a
	}
	return nil
}

// lookup resolves a mnemonic or an extended mnemonic; mask is the mask an
// extended mnemonic implies (-1 for none).
func lookup(mn string) (*refimpl.Insn, int64) {
	if in, ok := refimpl.Lookup(mn); ok {
		return in, -1
	}
	if al, ok := refimpl.LookupAlias(mn); ok {
		return al.Insn, al.Mask
	}
	return nil, -1
}

// aliasOf returns the alias record of an extended mnemonic.
func aliasOf(mn string) *refimpl.Alias {
	al, _ := refimpl.LookupAlias(mn)
	return al
}

// splitAddr splits "D(A,B)" into "D" and the parts inside the final
// parentheses; ok is false when s is not of that form.
func splitAddr(s string) (disp string, inner []string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return s, nil, false
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				in := s[i+1 : len(s)-1]
				d := strings.TrimSpace(s[:i])
				if d == "" && !strings.ContainsAny(in, "%,") {
					return s, nil, false
				}
				if strings.HasSuffix(d, "<") || strings.HasSuffix(d, ">") && !strings.HasSuffix(d, ">>") {
					// "<d(imm)>" placeholders are not addresses.
					if !strings.ContainsAny(in, "%") {
						return s, nil, false
					}
				}
				parts := strings.Split(in, ",")
				for j := range parts {
					parts[j] = strings.TrimSpace(parts[j])
				}
				return d, parts, true
			}
		}
	}
	return s, nil, false
}
