package cpp

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// streamDump is everything a Stream gives, for comparisons.
type streamDump struct {
	Tokens   []Token
	Files    []string
	Pragmas  []Pragma
	Warnings []string
}

func dumpStream(s *Stream) streamDump {
	d := streamDump{Tokens: s.Tokens(), Files: s.Files, Pragmas: s.Pragmas}
	for _, w := range s.Warnings {
		d.Warnings = append(d.Warnings, w.Error())
	}
	return d
}

// forkRun preprocesses name as the leader reads it (leaderCfg) and, from
// the leader's state, as cfg reads it; it returns the follower's stream,
// error and whether the leader handed a state over. The follower's
// request is made before the leader starts, as when base and patched
// state start together.
func forkRun(t *testing.T, leaderCfg, cfg *Config, name string) (*Stream, error, bool) {
	t.Helper()
	src, err := leaderCfg.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	fsrc, err := cfg.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	s := NewShare(name, src)
	type res struct {
		st  *Stream
		err error
		ok  bool
	}
	done := make(chan res, 1)
	go func() {
		st, err, ok := s.Follow(cfg, name, fsrc)
		done <- res{st, err, ok}
	}()
	for s.limit.Load() < 0 && string(src) != string(fsrc) {
		select {
		case r := <-done:
			return r.st, r.err, r.ok
		default:
			runtime.Gosched()
		}
	}
	lc := *leaderCfg
	lc.Share = s
	if _, err := PreprocessStream(&lc, name); err != nil {
		t.Logf("leader: %v", err)
	}
	r := <-done
	return r.st, r.err, r.ok
}

// TestForkSameAsFullRun: a follower forked from a leader's state gives
// the stream a run of its own gives, position for position, for changes
// before, at and after includes, defines, __COUNTER__, push_macro,
// conditionals and macro invocations spanning lines; a header that reads
// differently for the follower, or a change inside what the leader had
// read as one step, makes it run on its own (never a wrong stream).
func TestForkSameAsFullRun(t *testing.T) {
	headers := map[string]string{
		"a.h":    "#pragma once\n#define A 1\nint a(void);\n",
		"b.h":    "#ifndef B_H\n#define B_H\n#define B(x) ((x) + A)\nint b(int);\n#endif\n",
		"c.h":    "#define C __COUNTER__\nint c[C];\n",
		"cfg.h":  "#define CONFIG_X 1\n",
		"more.h": "int more;\n#include \"a.h\"\n#include \"b.h\"\n",
	}
	base := `#include "a.h"
#include "b.h"
int k0 = __COUNTER__;
#pragma push_macro("A")
#undef A
#define A 2
#include "c.h"
#ifdef CONFIG_X
int x;
#endif
int f(int y)
{
	return B(y) + A;
}
#pragma pop_macro("A")
int g = B(A) + __COUNTER__;
int h = B(
	1
	);
#if 0
junk ' here
#endif
int last = __LINE__;
`
	cases := []struct {
		name, from, to string
		wantFork       bool
	}{
		{"body", "return B(y) + A;", "return B(y) - A;", true},
		{"first line", `#include "a.h"`, `#include "cfg.h"`, true},
		{"include added", "#include \"c.h\"\n", "#include \"c.h\"\n#include \"cfg.h\"\n", true},
		{"include changed", `#include "b.h"`, `#include "more.h"`, true},
		{"define before code", "#define A 2\n", "#define A 3\n#define CONFIG_X\n", true},
		{"counter after", "int g = B(A) + __COUNTER__;", "int g = __COUNTER__ + __COUNTER__;", true},
		// Read by the leader in one step with what follows: no point
		// to fork at before the difference.
		{"inside invocation", "\t1\n", "\t2\n", false},
		{"inside if 0", "junk ' here", "junk here", false},
		{"appended", "int last = __LINE__;\n", "int last = __LINE__;\nint more = __COUNTER__;\n", true},
		{"pop removed", "#pragma pop_macro(\"A\")\n", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("fixture lacks %q", c.from)
			}
			patched := strings.Replace(base, c.from, c.to, 1)
			lf := map[string]string{"main.c": base}
			ff := map[string]string{"main.c": patched}
			for k, v := range headers {
				lf[k], ff[k] = v, v
			}
			want, werr := PreprocessStream(mapConfig(ff), "main.c")
			got, gerr, ok := forkRun(t, mapConfig(lf), mapConfig(ff), "main.c")
			if ok != c.wantFork {
				t.Fatalf("forked: %v, want %v", ok, c.wantFork)
			}
			if !ok {
				return
			}
			if fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Fatalf("error %v, want %v", gerr, werr)
			}
			if werr != nil {
				return
			}
			if g, w := dumpStream(got), dumpStream(want); !reflect.DeepEqual(g, w) {
				t.Fatalf("forked stream differs from a full run:\n got %v\nwant %v", g, w)
			}
		})
	}
	// A header read before the difference reads differently for the
	// follower: no fork.
	lf := map[string]string{"main.c": base}
	ff := map[string]string{"main.c": strings.Replace(base, "return B(y) + A;", "return 0;", 1)}
	for k, v := range headers {
		lf[k], ff[k] = v, v
	}
	ff["b.h"] = strings.Replace(headers["b.h"], "+ A", "- A", 1)
	if _, _, ok := forkRun(t, mapConfig(lf), mapConfig(ff), "main.c"); ok {
		t.Fatal("forked although b.h differs for the follower")
	}
	// A header missing for the leader exists for the follower.
	ff = map[string]string{"main.c": strings.Replace(base, "#include \"c.h\"\n", "#if __has_include(\"new.h\")\n#endif\n#include \"c.h\"\n", 1)}
	lf = map[string]string{"main.c": ff["main.c"]}
	for k, v := range headers {
		lf[k], ff[k] = v, v
	}
	ff["main.c"] = strings.Replace(ff["main.c"], "return B(y) + A;", "return 0;", 1)
	ff["new.h"] = "int n;\n"
	if _, _, ok := forkRun(t, mapConfig(lf), mapConfig(ff), "main.c"); ok {
		t.Fatal("forked although new.h exists for the follower only")
	}
}

// TestForkKernel: on the real tree with the kernel's compile command, a
// follower forked from the base's state gives, position for position,
// the stream a full run of the patched file gives: the seed patch (static
// dropped from __arch_prepare_bpf_trampoline, far below the includes), an
// #include added after the first one, a #define added before the first
// function, and kernel/bpf/btf.c with static dropped from
// btf_type_needs_resolve. Each must fork (that is the point of Share).
func TestForkKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel tree: skipped with -short")
	}
	tree := preparedTree(t)
	cases := []struct {
		name, rel, from, to string
	}{
		{"seed", "arch/s390/net/bpf_jit_comp.c", "\nstatic int __arch_prepare_bpf_trampoline(", "\nint __arch_prepare_bpf_trampoline("},
		{"include added", "arch/s390/net/bpf_jit_comp.c", "#include <linux/netdevice.h>\n", "#include <linux/netdevice.h>\n#include <linux/kprobes.h>\n"},
		{"define added", "arch/s390/net/bpf_jit_comp.c", "\nstruct bpf_jit {", "\n#define BPF_JIT_EXTRA 1\nstruct bpf_jit {"},
		{"btf", "kernel/bpf/btf.c", "\nstatic bool btf_type_needs_resolve(", "\nbool btf_type_needs_resolve("},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lc := kernelConfig(t, tree, c.rel)
			src, err := lc.Read(c.rel)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(string(src), c.from) != 1 {
				t.Fatalf("%s: %q not found once", c.rel, c.from)
			}
			patched := []byte(strings.Replace(string(src), c.from, c.to, 1))
			fc := kernelConfig(t, tree, c.rel)
			treeRead := fc.Read
			fc.Read = func(p string) ([]byte, error) {
				if p == c.rel {
					return patched, nil
				}
				return treeRead(p)
			}
			want, werr := PreprocessStream(fc, c.rel)
			if werr != nil {
				t.Fatal(werr)
			}
			got, gerr, ok := forkRun(t, lc, fc, c.rel)
			if !ok || gerr != nil {
				t.Fatalf("forked %v, error %v; want a fork without error", ok, gerr)
			}
			g, w := dumpStream(got), dumpStream(want)
			if len(g.Tokens) != len(w.Tokens) {
				t.Errorf("%d tokens, want %d", len(g.Tokens), len(w.Tokens))
			}
			for i := range min(len(g.Tokens), len(w.Tokens)) {
				if g.Tokens[i] != w.Tokens[i] {
					t.Fatalf("token %d: %+v, want %+v", i, g.Tokens[i], w.Tokens[i])
				}
			}
			g.Tokens, w.Tokens = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("files, pragmas or warnings differ:\n got %v\nwant %v", g, w)
			}
		})
	}
}
