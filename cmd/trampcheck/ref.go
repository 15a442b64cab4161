package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/trampcheck/trampcheck/refimpl/tramp"
)

func init() {
	register(&command{
		Name:    "ref",
		Summary: "print the reference s390x BPF trampoline (Linux 6.12) for a configuration",
		Run:     runRef,
	})
}

const refUsage = `usage: trampcheck ref [flags]

Prints the trampoline that Linux 6.12's s390x arch_prepare_bpf_trampoline
writes for the configuration: a listing (offset, bytes, assembly as objdump
prints it with targets relative to the instruction, labels), then the stack
frame, highest offset first, including the part of the caller's frame the
trampoline uses.

Arguments (--args) are sizes in bytes, comma-separated, each optionally
followed by s (BTF_FMODEL_SIGNED_ARG) and/or S (BTF_FMODEL_STRUCT_ARG):
--args 8,4s,16S,3S. The s390x generator supports sizes up to 16; larger
sizes are rejected as the kernel does. The return value (--ret) is a size
with an optional s: 0 or void for void, 4s for a signed int.

Addresses of the enter/exit functions, programs and image are documented
defaults (see package refimpl/tramp); --func-addr 0 (the default) is NULL.

Exit status: 0 listing printed, 2 bad flags or the kernel rejects the
configuration (the message gives the errno and why).

Flags:
`

func runRef(e *env, args []string) int {
	fs := flag.NewFlagSet("ref", flag.ContinueOnError)
	var (
		argList   = fs.String("args", "", "argument `SIZES`, e.g. 8,4s,16S (s signed, S struct)")
		ret       = fs.String("ret", "0", "return `SIZE`[s]: 0 or void, 1, 2, 4, 8, 16; s for signed")
		flagList  = fs.String("flags", "", "comma-separated trampoline `FLAGS`: "+strings.Join(tramp.FlagNames(), ", "))
		nFEntry   = fs.Int("fentry", 0, "number of fentry programs (0..27)")
		nFModRet  = fs.Int("fmod-ret", 0, "number of fmod_ret programs (0..27)")
		nFExit    = fs.Int("fexit", 0, "number of fexit programs (0..27)")
		interp    = fs.Bool("interp", false, "programs are interpreted, not jited (they get p->insnsi in %r3)")
		expolines = fs.Bool("expolines", false, "nospec_uses_trampoline(): expolines and the %r1 thunk")
		funcAddr  = fs.String("func-addr", "0", "traced function `ADDRESS` (0 = NULL)")
		cookie    = fs.String("cookie", "0", "bpf_cookie `VALUE` of every program")
		noFrame   = fs.Bool("no-frame", false, "print the listing only")
	)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), refUsage)
		fs.PrintDefaults()
	}
	if status, ok := parseFlags(e, fs, args); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.Stderr, "trampcheck ref: "+format+"\n", a...)
		return exitError
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q; the configuration is given by flags", fs.Arg(0))
	}
	var c tramp.Config
	var err error
	if c.Args, err = parseRefArgs(*argList); err != nil {
		return fail("--args %q: %v", *argList, err)
	}
	if c.RetSize, c.RetSigned, err = parseRefSize(*ret, false); err != nil {
		return fail("--ret %q: %v", *ret, err)
	}
	if c.Flags, err = tramp.ParseFlags(*flagList); err != nil {
		return fail("--flags: %v", err)
	}
	if c.FuncAddr, err = strconv.ParseUint(*funcAddr, 0, 64); err != nil {
		return fail("--func-addr %q: not a 64-bit address", *funcAddr)
	}
	ck, err := strconv.ParseUint(*cookie, 0, 64)
	if err != nil {
		return fail("--cookie %q: not a 64-bit value", *cookie)
	}
	c.Expolines = *expolines
	for _, k := range []struct {
		name  string
		n     int
		progs *[]tramp.Prog
	}{{"--fentry", *nFEntry, &c.FEntry}, {"--fmod-ret", *nFModRet, &c.FModRet}, {"--fexit", *nFExit, &c.FExit}} {
		if k.n < 0 || k.n > tramp.MaxTrampLinks {
			return fail("%s %d: want 0..%d programs", k.name, k.n, tramp.MaxTrampLinks)
		}
		for range k.n {
			*k.progs = append(*k.progs, tramp.Prog{Jited: !*interp, Cookie: ck})
		}
	}
	p, err := tramp.Generate(c)
	if err != nil {
		return fail("%s", oneLineErr(err))
	}
	fmt.Fprintf(e.Stdout, "# trampoline: %d bytes, %d instructions; flags %s", p.Size, len(p.Insns), tramp.FlagString(p.Flags))
	if p.Flags != c.Flags {
		fmt.Fprintf(e.Stdout, " (SKIP_FRAME forced)")
	}
	fmt.Fprintln(e.Stdout)
	if err := p.Fprint(e.Stdout); err != nil {
		return fail("%v", err)
	}
	if !*noFrame {
		fmt.Fprintln(e.Stdout)
		if err := p.Frame.Fprint(e.Stdout); err != nil {
			return fail("%v", err)
		}
	}
	return exitClean
}

// oneLineErr keeps an error message on one line.
func oneLineErr(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// parseRefArgs parses --args: comma-separated sizes with optional s and S
// suffixes.
func parseRefArgs(s string) ([]tramp.Arg, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out []tramp.Arg
	for i, f := range strings.Split(s, ",") {
		size, signed, err := parseRefSize(f, true)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %v", i+1, err)
		}
		out = append(out, tramp.Arg{Size: size, Signed: signed, Struct: strings.Contains(f, "S")})
	}
	return out, nil
}

// parseRefSize parses a size with an optional s (signed) and, when
// allowStruct, S (struct) suffix; "void" is 0.
func parseRefSize(f string, allowStruct bool) (size int, signed bool, err error) {
	f = strings.TrimSpace(f)
	if f == "void" {
		return 0, false, nil
	}
	num := strings.TrimRight(f, "sS")
	suffix := f[len(num):]
	for _, r := range suffix {
		if r == 'S' && !allowStruct {
			return 0, false, fmt.Errorf("suffix S (struct) applies to arguments only")
		}
	}
	if strings.Count(suffix, "s") > 1 || strings.Count(suffix, "S") > 1 {
		return 0, false, fmt.Errorf("repeated suffix in %q", f)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 255 {
		return 0, false, fmt.Errorf("size %q is not a number of bytes 0..255", f)
	}
	return n, strings.Contains(suffix, "s"), nil
}
