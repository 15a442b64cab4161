package main

import (
	"bytes"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/refimpl/gastest"
)

// refCLI runs trampcheck in-process and returns stdout, stderr and the exit
// status.
func refCLI(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(&env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return out.String(), errb.String(), code
}

// listingRE matches an instruction line of the listing.
var listingRE = regexp.MustCompile(`^\s*(\d+):  ((?:[0-9a-f]{2} )*[0-9a-f]{2})\s+([^#]*?)(?:\t# .*)?$`)

type listedInsn struct {
	off    int
	bytes  []byte
	text   string
	labels []string // the labels listed just before the instruction
}

// parseListing returns the instructions and all labels of ref's output.
func parseListing(t *testing.T, out string) (insns []listedInsn, labels []string) {
	t.Helper()
	var pending []string
	for _, l := range strings.Split(out, "\n") {
		if l == "" {
			break // the frame follows the blank line
		}
		if strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " ") {
			labels = append(labels, strings.TrimSuffix(l, ":"))
			pending = append(pending, strings.TrimSuffix(l, ":"))
			continue
		}
		m := listingRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("unparsable listing line %q", l)
		}
		off, _ := strconv.Atoi(m[1])
		b, err := hex.DecodeString(strings.ReplaceAll(m[2], " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		insns = append(insns, listedInsn{off, b, m[3], pending})
		pending = nil
	}
	return insns, labels
}

// TestRefListingAssembles feeds the assembly column of ref's listing,
// labels included, to GNU as and compares the bytes with the bytes column.
func TestRefListingAssembles(t *testing.T) {
	tests := [][]string{
		{},
		{"--args", "8,16,4s", "--ret", "4s", "--flags", "CALL_ORIG,IP_ARG", "--fentry", "1", "--fmod-ret", "2", "--fexit", "1", "--func-addr", "0x3ff00001000", "--expolines"},
		{"--args", "1,2,4,8,16,16S,3S,8", "--ret", "2", "--flags", "ORIG_STACK,RET_FENTRY_RET,RESTORE_REGS,CALL_ORIG", "--fentry", "2", "--interp", "--cookie", "0xffffffffffffffff"},
		{"--args", "16,16,16,16,16,16,16,16,16,16,16,16", "--ret", "1s", "--flags", "INDIRECT", "--fmod-ret", "1", "--fexit", "2", "--expolines", "--func-addr", "0x10"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, code := refCLI(append([]string{"ref"}, args...)...)
			if code != exitClean {
				t.Fatalf("got exit %d (%s), want 0", code, errOut)
			}
			insns, labels := parseListing(t, out)
			var src strings.Builder
			src.WriteString("\t.text\n")
			var want []byte
			for _, in := range insns {
				if in.off != len(want) {
					t.Fatalf("offset %d listed, want %d", in.off, len(want))
				}
				want = append(want, in.bytes...)
				for _, l := range in.labels {
					src.WriteString(l + ":\n")
				}
				src.WriteString("\t" + in.text + "\n")
			}
			src.WriteString("end:\n")
			if got := gastest.Text(t, src.String()); !bytes.Equal(got, want) {
				t.Errorf("got % x from GNU as, want % x from the listing", got, want)
			}
			if !strings.Contains(out, "\nframe: ") {
				t.Errorf("no frame picture after the listing")
			}
			if len(args) > 0 && len(labels) == 0 {
				t.Errorf("got no labels in the listing")
			}
		})
	}
}

// TestRefFrameOrder checks that both parts of the frame picture list the
// highest offsets first.
func TestRefFrameOrder(t *testing.T) {
	out, _, code := refCLI("ref", "--args", "8,8,8,8,8,8,8", "--fentry", "1")
	if code != exitClean {
		t.Fatalf("got exit %d, want 0", code)
	}
	rowRE := regexp.MustCompile(`^\s+(\d+)\.\.(\d+)\s`)
	_, frame, _ := strings.Cut(out, "\nframe: ")
	prevEnd := -1
	rows := 0
	for _, l := range strings.Split(frame, "\n") {
		if strings.HasSuffix(l, ":") {
			prevEnd = -1
			continue
		}
		m := rowRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		rows++
		end, _ := strconv.Atoi(m[2])
		if prevEnd >= 0 && end > prevEnd {
			t.Errorf("row %q: end %d above the previous row's %d", l, end, prevEnd)
		}
		prevEnd = end
	}
	if rows < 10 {
		t.Errorf("got %d frame rows, want at least 10", rows)
	}
	for _, want := range []string{"orig stack args", "caller backchain", "r14", "bpf args", "ip", "arg cnt"} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame picture lacks %q", want)
		}
	}
}

// TestRefErrors checks that bad flags and rejected configurations give one
// line naming the problem and exit status 2.
func TestRefErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--args", "8,x"}, `--args "8,x": argument 2`},
		{[]string{"--args", "8,4sS,300"}, `argument 3: size "300"`},
		{[]string{"--args", "4ss"}, "repeated suffix"},
		{[]string{"--ret", "8S"}, "arguments only"},
		{[]string{"--flags", "CALL_ORIG,BOGUS"}, `unknown trampoline flag "BOGUS"`},
		{[]string{"--fentry", "28"}, "--fentry 28"},
		{[]string{"--fexit", "-1"}, "--fexit -1"},
		{[]string{"--func-addr", "0xzz"}, "--func-addr"},
		{[]string{"--cookie", "-1"}, "--cookie"},
		{[]string{"--args", "8,17"}, "-ENOTSUPP: argument 2 is 17 bytes"},
		{[]string{"--fmod-ret", "1"}, "-EINVAL: fmod_ret program 1 keeps its return value, but the traced function returns void"},
		{[]string{"--args", "1,1,1,1,1,1,1,1,1,1,1,1,1"}, "13 arguments"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := refCLI(append([]string{"ref"}, tc.args...)...)
			if code != exitError {
				t.Errorf("got exit %d, want %d", code, exitError)
			}
			if out != "" {
				t.Errorf("got stdout %q, want nothing", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "trampcheck ref: ") || !strings.Contains(errOut, tc.want) {
				t.Errorf("got stderr %q, want one line with %q", errOut, tc.want)
			}
		})
	}
}

// TestRefHelp checks that --help documents the argument syntax.
func TestRefHelp(t *testing.T) {
	out, _, code := refCLI("ref", "--help")
	if code != exitClean {
		t.Errorf("got exit %d, want 0", code)
	}
	for _, want := range []string{"-args", "-ret", "-flags", "-fmod-ret", "-interp", "-expolines", "-func-addr", "CALL_ORIG", "s (BTF_FMODEL_SIGNED_ARG)"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
