package asmcomment

import (
	"strings"
	"testing"
)

func TestParseComment(t *testing.T) {
	tests := []struct {
		text      string
		mnemonics string // "" when the comment is not assembly
		operands  string
	}{
		{"stg %r2,retval_off(%r15)", "stg", "%r2|retval_off(%r15)"},
		{"mvc tccnt_off(4,%r15),stack_size+tail_call_cnt(%r15)", "mvc", "tccnt_off(4,%r15)|stack_size+tail_call_cnt(%r15)"},
		{"{ly|lg} %w0,off(%arena)", "ly lg", "%w0|off(%arena)"},
		{"0: {csy|csg} %w0,%src,off(%arena)", "csy csg", "%w0|%src|off(%arena)"},
		{"nrk or ngrk %w1,%dst,%src", "nrk ngrk", "%w1|%dst|%src"},
		{"Load exit code: lgr %r2,%b0", "lgr", "%r2|%b0"},
		{"llgfr %r1,%b3: %r1 = (u32) index", "llgfr", "%r1|%b3"},
		{"lgfi %w1,imm (load sign extend imm)", "lgfi", "%w1|imm"},
		{"bcr 14,0 - see atomic_fetch_{add,and,or,xor}()", "bcr", "14|0"},
		{"brc 0xf, <exit>", "brc", "0xf|<exit>"},
		{"j .", "j", "."},
		{"{laal|laalg}", "laal laalg", ""},
		{"* mvc frame_off+tail_call_cnt(%r15),\n\t *     tail_call_cnt(4,%r15)", "mvc", "frame_off+tail_call_cnt(%r15)|tail_call_cnt(4,%r15)"},
		{"lhgi %dst,0", "lhgi", "%dst|0"},
		// Not assembly.
		{"%r1()", "", ""},
		{"%r8 = func_addr + S390X_PATCH_SIZE", "", ""},
		{"if ((u32)%b3 >= (u32)%w1) goto out;", "", ""},
		{"Restore registers before calling function", "", ""},
		{"out:", "", ""},
		{"retval = bpf_func(args, p->insnsi);", "", ""},
		{"No-op for hotpatching", "", ""},
		{"skip over the next instruction", "", ""},
	}
	for _, tt := range tests {
		a := parseComment(tt.text)
		gotM, gotO := "", ""
		if a != nil {
			gotM, gotO = strings.Join(a.Mnemonics, " "), strings.Join(a.Operands, "|")
		}
		if gotM != tt.mnemonics || gotO != tt.operands {
			t.Errorf("parseComment(%q): got %q %q, want %q %q", tt.text, gotM, gotO, tt.mnemonics, tt.operands)
		}
	}
}

func TestSplitAddr(t *testing.T) {
	tests := []struct {
		in, disp, inner string
		ok              bool
	}{
		{"retval_off(%r15)", "retval_off", "%r15", true},
		{"off(%dst,%arena)", "off", "%dst|%arena", true},
		{"bpf_arg_off(16,%r15)", "bpf_arg_off", "16|%r15", true},
		{"0(%r1)", "0", "%r1", true},
		{"<d(imm)>(%l)", "<d(imm)>", "%l", true},
		{"(8)", "(8)", "", false},
		{"3", "3", "", false},
	}
	for _, tt := range tests {
		d, inner, ok := splitAddr(tt.in)
		if d != tt.disp || strings.Join(inner, "|") != tt.inner || ok != tt.ok {
			t.Errorf("splitAddr(%q): got %q %q %v, want %q %q %v", tt.in, d, strings.Join(inner, "|"), ok, tt.disp, tt.inner, tt.ok)
		}
	}
}
