package cvalue_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trampcheck/trampcheck/cparse/cvalue"
	"github.com/trampcheck/trampcheck/cparse/cvalue/cvaluetest"
	"github.com/trampcheck/trampcheck/internal/testtool"
)

// TestAgainstGCC compiles every operator, conversion and promotion of the
// model over every integer type and the edge patterns with the host gcc
// (LP64 like s390x; -fwrapv, the model's signed overflow) and compares
// each result's value, size and signedness, and that the model refuses
// exactly the divisions by zero and the shift counts out of range.
func TestAgainstGCC(t *testing.T) {
	gcc := testtool.Path(t, "gcc", "gcc")
	groups := cvaluetest.Groups()
	dir := t.TempDir()
	src, exe := filepath.Join(dir, "model.c"), filepath.Join(dir, "model")
	if err := os.WriteFile(src, []byte(cvaluetest.Program(groups)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-std=gnu11", "-O0", "-fwrapv", "-w", "-o", exe, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	n, bad := 0, 0
	for _, g := range groups {
		for i, want := range cvaluetest.Model(g) {
			if n >= len(lines) {
				t.Fatalf("gcc printed %d lines, want more", len(lines))
			}
			got := lines[n]
			n++
			if got != want && bad < 20 {
				bad++
				x := cvaluetest.Patterns[i%len(cvaluetest.Patterns)]
				if !g.Unary && g.Op != "cast" {
					x = cvaluetest.Patterns[i/len(cvaluetest.Patterns)]
				}
				t.Errorf("(%s)%#x %s (%s)%#x [case %d]: model gives %q, gcc %q", g.A.C, x, g.Op, g.B.C, cvaluetest.Patterns[i%len(cvaluetest.Patterns)], i, want, got)
			}
		}
	}
	if n != len(lines) {
		t.Fatalf("gcc printed %d lines, want %d", len(lines), n)
	}
	t.Logf("%d results compared", n)
}

// TestConstant holds the type of integer constants to C11 6.4.4.1 on
// s390x (LP64).
func TestConstant(t *testing.T) {
	for _, c := range []struct {
		s    string
		want cvalue.Type
	}{
		{"0", cvalue.Int},
		{"0x7fffffff", cvalue.Int},
		{"2147483648", cvalue.Long},
		{"0x80000000", cvalue.UInt},
		{"020000000000", cvalue.UInt},
		{"4294967296", cvalue.Long},
		{"0x100000000", cvalue.Long},
		{"0x8000000000000000", cvalue.ULong},
		{"9223372036854775808", cvalue.ULong},
		{"1u", cvalue.UInt},
		{"0x100000000u", cvalue.ULong},
		{"1l", cvalue.Long},
		{"0xffffffffffffffffL", cvalue.ULong},
		{"1UL", cvalue.ULong},
		{"1LLU", cvalue.ULong},
	} {
		v, err := cvalue.Constant(c.s)
		if err != nil || v.T != c.want {
			t.Errorf("Constant(%q): got %v (%v), want %v", c.s, v.T, err, c.want)
		}
	}
	if _, err := cvalue.Constant("0x"); err == nil {
		t.Errorf("Constant(%q): got no error, want one", "0x")
	}
}
