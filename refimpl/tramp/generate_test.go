package tramp

import (
	"errors"
	"strings"
	"testing"
)

// TestErrors checks the rejections and the invalid configurations.
func TestErrors(t *testing.T) {
	eight := func(n int) []Arg {
		a := make([]Arg, n)
		for i := range a {
			a[i].Size = 8
		}
		return a
	}
	tests := []struct {
		name  string
		cfg   Config
		errno Errno  // 0: not a rejection
		msg   string // part of the message
	}{
		{"17-byte argument", Config{Args: []Arg{{Size: 8}, {Size: 17}}}, ENOTSUPP, "argument 2 is 17 bytes"},
		{"255-byte argument", Config{Args: []Arg{{Size: 255}}}, ENOTSUPP, "argument 1 is 255 bytes"},
		{"fmod_ret on void", Config{FModRet: []Prog{{}}}, EINVAL, "fmod_ret program 1"},
		{"fmod_ret on 16 bytes", Config{RetSize: 16, FModRet: []Prog{{}, {}}}, EINVAL, "returns 16 bytes"},
		{"fentry ret on 3 bytes", Config{RetSize: 3, Flags: FlagRetFentryRet, FEntry: []Prog{{Jited: true}}}, EINVAL, "fentry program 1"},
		{"image too small", Config{ImageSize: 77}, E2BIG, "needs 78 bytes"},
		{"13 arguments", Config{Args: eight(13)}, 0, "at most 12"},
		{"28 fexit programs", Config{FExit: make([]Prog, 28)}, 0, "at most 27"},
		{"256-byte argument", Config{Args: []Arg{{Size: 256}}}, 0, "u8"},
		{"negative return size", Config{RetSize: -1}, 0, "u8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Generate(tc.cfg)
			if err == nil {
				t.Fatalf("got a %d-byte trampoline, want an error", p.Size)
			}
			var re *RejectError
			isReject := errors.As(err, &re)
			if tc.errno != 0 && (!isReject || re.Errno != tc.errno) {
				t.Errorf("got %v, want a rejection with %s", err, tc.errno)
			}
			if tc.errno == 0 && isReject {
				t.Errorf("got rejection %v, want a Config error", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q, want it to contain %q", err, tc.msg)
			}
			if _, serr := Size(tc.cfg); (serr == nil) != (tc.errno == E2BIG) {
				t.Errorf("Size: got error %v", serr)
			}
		})
	}
}

// TestAccepted checks configurations next to the rejected ones.
func TestAccepted(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"16-byte argument", Config{Args: []Arg{{Size: 16}}}},
		{"fentry on void without RET_FENTRY_RET", Config{FEntry: []Prog{{}}}},
		{"fexit on a 16-byte return", Config{RetSize: 16, FExit: []Prog{{}}}},
		{"12 arguments", Config{Args: make([]Arg, 12)}},
		{"27 programs of each kind", Config{RetSize: 8, FEntry: make([]Prog, 27), FModRet: make([]Prog, 27), FExit: make([]Prog, 27)}},
		{"exact image size", Config{ImageSize: 78}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Generate(tc.cfg)
			if err != nil {
				t.Fatalf("got %v, want a trampoline", err)
			}
			n, err := Size(tc.cfg)
			if err != nil || n != p.Size {
				t.Errorf("Size: got %d, %v, want %d", n, err, p.Size)
			}
		})
	}
}

// TestParseFlags checks flag parsing and printing.
func TestParseFlags(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		err  bool
	}{
		{"", 0, false},
		{"CALL_ORIG", 2, false},
		{"call_orig, BPF_TRAMP_F_RET_FENTRY_RET", 18, false},
		{"INDIRECT,ORIG_STACK,SKIP_FRAME,IP_ARG,RESTORE_REGS", 256 + 32 + 4 + 8 + 1, false},
		{"CALL_ORGI", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseFlags(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseFlags(%q): got %d, %v, want %d (error %v)", tc.in, got, err, tc.want, tc.err)
		}
		if err == nil {
			if back, _ := ParseFlags(FlagString(got)); got != 0 && back != got {
				t.Errorf("ParseFlags(FlagString(%d)): got %d", got, back)
			}
		}
	}
}

// BenchmarkGenerate measures Generate over the covering configurations
// (rejected ones included, as a cross-check meets them too).
func BenchmarkGenerate(b *testing.B) {
	cfgs := Covering()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = Generate(cfgs[i%len(cfgs)])
	}
}

// BenchmarkSize measures the sizing pass alone (arch_bpf_trampoline_size).
func BenchmarkSize(b *testing.B) {
	cfgs := Covering()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = Size(cfgs[i%len(cfgs)])
	}
}
