package kbuild

import (
	"fmt"
	"strings"
)

// This file is the small Makefile evaluator behind For and Built. It reads
// the assignments of a Kbuild makefile (Kbuild or Makefile of a directory)
// that decide which objects a directory builds and the flags they get:
// obj-y/obj-m/lib-y, composite objects (foo-y, foo-objs), ccflags-y,
// ccflags-remove-y, subdir-ccflags-y, CFLAGS_file.o and CFLAGS_REMOVE_file.o.
//
// Supported: the assignment operators =, :=, ::=, += and ?= (with export or
// override in front); variable references $(NAME) and ${NAME}, with computed
// names such as obj-$(CONFIG_X) or $(foo-$(CONFIG_Y)); CONFIG_ options from
// the configuration and Kbuild's global variables ($(srctree), $(src),
// $(obj), $(CC_FLAGS_FTRACE), ...); ifdef, ifndef, ifeq and ifneq (both
// argument forms), else, else if..., endif; comments, backslash
// continuations, rules and their recipes (skipped).
//
// Every assignment is expanded when it is read, so a recursive (=) variable
// that uses a variable assigned only later in the file gets the earlier
// value; Kbuild makefiles assign before use. Make functions ($(call ...),
// $(filter ...), $(shell ...)), shell assignments (!=), include, define and
// target-specific
// variables are not evaluated: a variable whose value or governing
// condition needs one is marked unknown with the file and line, an include
// makes every variable of the file unknown, and using an unknown variable is
// an error, never a silent guess. Assignments to Kbuild's global flag
// variables (KBUILD_CFLAGS, ...), target-specific ones included, are
// recorded so that For can refuse such directories.

// mvar is one make variable: its value, or why it is unknown.
type mvar struct {
	value   string
	unknown string // "file:line: reason" when it cannot be evaluated
}

// makefile is an evaluated Kbuild makefile.
type makefile struct {
	path       string
	vars       map[string]*mvar
	incomplete string // "file:line: reason" when the file includes another
	env        func(string) (string, bool)
	// assigned records where each variable was first assigned, target-
	// specific assignments included ("file:line").
	assigned map[string]string
}

// globalFlags are Kbuild's global flag variables; a directory that changes
// them (as arch/s390/kernel/vdso64 does) is not modelled.
var globalFlags = []string{
	"NOSTDINC_FLAGS", "LINUXINCLUDE", "KBUILD_CPPFLAGS", "KBUILD_CFLAGS",
	"KBUILD_CFLAGS_KERNEL", "CFLAGS_KERNEL", "KBUILD_CFLAGS_MODULE", "CFLAGS_MODULE",
}

// checkGlobals returns an error when the makefile assigns one of Kbuild's
// global flag variables.
func (m *makefile) checkGlobals() error {
	for _, g := range globalFlags {
		if where, ok := m.assigned[g]; ok {
			return fmt.Errorf("%s: assigns %s: directories that change Kbuild's global flags are not modelled", where, g)
		}
	}
	return nil
}

// get returns the value of a variable assigned in the makefile (empty when
// it is not), or an error when it cannot be evaluated.
func (m *makefile) get(name string) (string, error) {
	if m.incomplete != "" {
		return "", fmt.Errorf("%s: %s may be set by a file it includes: %s", m.path, name, m.incomplete)
	}
	if v, ok := m.vars[name]; ok {
		if v.unknown != "" {
			return "", fmt.Errorf("%s: %s is not evaluated: %s", m.path, name, v.unknown)
		}
		return v.value, nil
	}
	return "", nil
}

// words returns the whitespace-separated words of a variable.
func (m *makefile) words(name string) ([]string, error) {
	v, err := m.get(name)
	return strings.Fields(v), err
}

type cond struct {
	parentActive  bool   // the enclosing branch is taken
	parentUnknown string // the enclosing condition could not be evaluated
	unknown       string // this conditional could not be evaluated
	taken         bool   // some branch of this conditional was taken
	active        bool   // the current branch is taken
}

// state says whether lines at the current nesting are read (active), or
// why that is not known.
func state(stack []cond) (active bool, unknown string) {
	if len(stack) == 0 {
		return true, ""
	}
	top := stack[len(stack)-1]
	switch {
	case top.parentUnknown != "":
		return false, top.parentUnknown
	case !top.parentActive:
		return false, ""
	case top.unknown != "":
		return false, top.unknown
	}
	return top.active, ""
}

// evalMakefile evaluates src, the makefile at path. env resolves variables
// the makefile does not assign (configuration and Kbuild globals).
func evalMakefile(path string, src []byte, env func(string) (string, bool)) (*makefile, error) {
	m := &makefile{path: path, vars: map[string]*mvar{}, env: env, assigned: map[string]string{}}
	lines := logicalLines(string(src))
	var stack []cond
	inRule := false
	inDefine := ""
	for _, ll := range lines {
		n, raw := ll.n, ll.text
		where := fmt.Sprintf("%s:%d", path, n)
		if inDefine != "" {
			if strings.TrimSpace(raw) == "endef" {
				inDefine = ""
			}
			continue
		}
		if strings.HasPrefix(raw, "\t") && inRule {
			continue // recipe
		}
		line := strings.TrimSpace(stripComment(raw))
		if line == "" {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "ifdef", "ifndef", "ifeq", "ifneq":
			pa, pu := state(stack)
			c := cond{parentActive: pa, parentUnknown: pu}
			v, u := m.condition(word, rest, where)
			c.unknown = u
			c.active = v && u == ""
			c.taken = c.active
			stack = append(stack, c)
			inRule = false
			continue
		case "else":
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s: else without if", where)
			}
			top := &stack[len(stack)-1]
			v := true
			if rest != "" {
				w, r, _ := strings.Cut(rest, " ")
				var u string
				v, u = m.condition(w, strings.TrimSpace(r), where)
				if u != "" && top.unknown == "" {
					top.unknown = u
				}
			}
			top.active = !top.taken && v
			top.taken = top.taken || top.active
			continue
		case "endif":
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s: endif without if", where)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		active, unknown := state(stack)
		if !active && unknown == "" {
			continue
		}
		switch word {
		case "include", "-include", "sinclude":
			if m.incomplete == "" {
				m.incomplete = where + ": include is not evaluated"
			}
			continue
		case "define":
			name, _ := m.expand(strings.Fields(rest + " x")[0])
			m.vars[name] = &mvar{unknown: where + ": define is not evaluated"}
			inDefine = name
			continue
		case "undefine":
			name, _ := m.expand(rest)
			delete(m.vars, strings.TrimSpace(name))
			continue
		case "export", "override":
			line = rest
		case "unexport", "vpath":
			continue
		}
		name, op, value, ok := splitAssignment(line)
		if !ok {
			// A rule, or a bare $(eval ...) line.
			if strings.HasPrefix(line, "$(") && !strings.Contains(line, ":") {
				if m.incomplete == "" {
					m.incomplete = where + ": a line of its own is not evaluated"
				}
			}
			inRule = strings.Contains(line, ":")
			continue
		}
		inRule = false
		if strings.HasSuffix(name, ":") {
			// A target-specific variable, "targets: NAME op value"
			// (splitAssignment returns the targets and their colon as the
			// name): not evaluated, but recorded.
			if n, _, _, ok := splitAssignment(line[len(name):]); ok {
				if f := strings.Fields(n); len(f) > 0 {
					if _, seen := m.assigned[f[len(f)-1]]; !seen {
						m.assigned[f[len(f)-1]] = where
					}
				}
			}
			continue
		}
		ename, nu := m.expand(strings.TrimSpace(name))
		ename = strings.TrimSpace(ename)
		if nu != "" {
			continue // a name we cannot compute: nothing we read is affected by name
		}
		if _, seen := m.assigned[ename]; !seen {
			m.assigned[ename] = where
		}
		if unknown != "" {
			m.vars[ename] = &mvar{unknown: unknown}
			continue
		}
		if op == "!=" {
			m.vars[ename] = &mvar{unknown: where + ": a shell assignment (!=) is not evaluated"}
			continue
		}
		v, u := m.expand(strings.TrimSpace(value))
		if u != "" {
			m.vars[ename] = &mvar{unknown: where + ": " + u}
			continue
		}
		old, had := m.vars[ename]
		switch op {
		case "+=":
			if had {
				if old.unknown == "" {
					old.value = strings.TrimSpace(old.value + " " + v)
				}
				continue
			}
			if e, ok := m.env(ename); ok {
				v = strings.TrimSpace(e + " " + v)
			}
			m.vars[ename] = &mvar{value: v}
		case "?=":
			if !had {
				if _, ok := m.env(ename); !ok {
					m.vars[ename] = &mvar{value: v}
				}
			}
		default:
			m.vars[ename] = &mvar{value: v}
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("%s: %d conditional(s) without endif at end of file", path, len(stack))
	}
	return m, nil
}

type logicalLine struct {
	n    int
	text string
}

// logicalLines joins backslash continuations; n is the first physical line.
func logicalLines(s string) []logicalLine {
	var out []logicalLine
	phys := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := 0; i < len(phys); i++ {
		start := i
		text := phys[i]
		for strings.HasSuffix(text, "\\") && !strings.HasSuffix(text, "\\\\") && i+1 < len(phys) {
			i++
			text = strings.TrimRight(text[:len(text)-1], " \t") + " " + strings.TrimLeft(phys[i], " \t")
		}
		out = append(out, logicalLine{start + 1, text})
	}
	return out
}

// stripComment drops a # comment (not an escaped \#).
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] != '\\') {
			return s[:i]
		}
	}
	return s
}

// splitAssignment finds the assignment operator of line outside variable
// references. ok is false for anything else (rules).
func splitAssignment(line string) (name, op, value string, ok bool) {
	depth := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '$' && i+1 < len(line) && (line[i+1] == '(' || line[i+1] == '{'):
			depth++
			i++
		case (c == ')' || c == '}') && depth > 0:
			depth--
		case depth > 0:
		case c == '=':
			j := i
			op = "="
			if i > 0 {
				switch line[i-1] {
				case '+', '?', '!':
					op = line[i-1 : i+1]
					j = i - 1
				case ':':
					op = ":="
					j = i - 1
					if i > 1 && line[i-2] == ':' {
						j = i - 2
					}
				}
			}
			return line[:j], op, line[i+1:], true
		case c == ':':
			if i+1 < len(line) && line[i+1] == '=' {
				continue
			}
			if i+2 < len(line) && line[i+1] == ':' && line[i+2] == '=' {
				continue
			}
			// A rule; a target-specific assignment follows the colon.
			if _, _, _, ok := splitAssignment(line[i+1:]); ok {
				return line[:i] + ":", "=", "", true
			}
			return "", "", "", false
		}
	}
	return "", "", "", false
}

// condition evaluates the argument of ifdef/ifndef/ifeq/ifneq. unknown is
// set when it needs something the evaluator does not support.
func (m *makefile) condition(kind, arg, where string) (v bool, unknown string) {
	switch kind {
	case "ifdef", "ifndef":
		name, u := m.expand(arg)
		if u != "" {
			return false, where + ": " + u
		}
		val, u := m.lookup(strings.TrimSpace(name))
		if u != "" {
			return false, where + ": " + u
		}
		return (val != "") == (kind == "ifdef"), ""
	case "ifeq", "ifneq":
		a, b, ok := condArgs(arg)
		if !ok {
			return false, where + ": cannot read the arguments of " + kind
		}
		ea, u1 := m.expand(a)
		eb, u2 := m.expand(b)
		if u1 != "" || u2 != "" {
			return false, where + ": " + u1 + u2
		}
		return (strings.TrimSpace(ea) == strings.TrimSpace(eb)) == (kind == "ifeq"), ""
	}
	return false, where + ": not a conditional: " + kind
}

// condArgs splits "(a,b)", "'a' 'b'" or "\"a\" \"b\"".
func condArgs(s string) (a, b string, ok bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		in := s[1 : len(s)-1]
		depth := 0
		for i := 0; i < len(in); i++ {
			switch in[i] {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			case ',':
				if depth == 0 {
					return in[:i], in[i+1:], true
				}
			}
		}
		return "", "", false
	}
	f := strings.Fields(s)
	if len(f) == 2 && len(f[0]) >= 2 && len(f[1]) >= 2 && (f[0][0] == '"' || f[0][0] == '\'') && (f[1][0] == '"' || f[1][0] == '\'') {
		return f[0][1 : len(f[0])-1], f[1][1 : len(f[1])-1], true
	}
	return "", "", false
}

// lookup returns the value of a variable: the makefile's own, else env's,
// else empty (as make does).
func (m *makefile) lookup(name string) (string, string) {
	if v, ok := m.vars[name]; ok {
		return v.value, v.unknown
	}
	if v, ok := m.env(name); ok {
		return v, ""
	}
	return "", ""
}

// expand expands variable references in s. unknown says why it could not.
func (m *makefile) expand(s string) (string, string) {
	if !strings.Contains(s, "$") {
		return s, ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		open := s[i+1]
		if open == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if open != '(' && open != '{' {
			v, u := m.lookup(string(open))
			if u != "" {
				return "", u
			}
			b.WriteString(v)
			i++
			continue
		}
		closeCh := byte(')')
		if open == '{' {
			closeCh = '}'
		}
		depth, j := 1, i+2
		for ; j < len(s) && depth > 0; j++ {
			switch s[j] {
			case open:
				depth++
			case closeCh:
				depth--
			}
		}
		if depth != 0 {
			return "", "unterminated variable reference"
		}
		inner := s[i+2 : j-1]
		if strings.ContainsAny(inner, " \t,") {
			fn, _, _ := strings.Cut(strings.TrimSpace(inner), " ")
			return "", "make function $(" + fn + " ...) is not evaluated"
		}
		name, u := m.expand(inner)
		if u != "" {
			return "", u
		}
		v, u := m.lookup(name)
		if u != "" {
			return "", u
		}
		b.WriteString(v)
		i = j - 1
	}
	return b.String(), ""
}
