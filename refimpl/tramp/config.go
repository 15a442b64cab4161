package tramp

import (
	"fmt"
	"strings"
)

// Trampoline flags (BPF_TRAMP_F_*, include/linux/bpf.h), as passed to
// arch_prepare_bpf_trampoline. Values read from the kernel headers of
// 6.12.117 with the real compiler.
const (
	// FlagRestoreRegs reloads the argument registers before returning, so
	// that the traced function sees its arguments again (fentry of an
	// ftrace-attached function that is then entered).
	FlagRestoreRegs uint32 = 1 << 0
	// FlagCallOrig makes the trampoline call the original function between
	// the fentry/fmod_ret and the fexit programs.
	FlagCallOrig uint32 = 1 << 1
	// FlagSkipFrame returns to the trampoline's caller (%r14) instead of
	// into the traced function. The generator forces it when the traced
	// function's address is unknown or the trampoline is called indirectly.
	FlagSkipFrame uint32 = 1 << 2
	// FlagIPArg stores the traced function's address for bpf_get_func_ip().
	FlagIPArg uint32 = 1 << 3
	// FlagRetFentryRet keeps the return value of fentry programs (used by
	// struct_ops trampolines).
	FlagRetFentryRet uint32 = 1 << 4
	// FlagOrigStack says the original function's return address is in %r0
	// (set by the ftrace hotpatch trampoline), not FuncAddr+6.
	FlagOrigStack uint32 = 1 << 5
	// FlagShareIPModify is read by the BPF core only; the s390x generator
	// ignores it.
	FlagShareIPModify uint32 = 1 << 6
	// FlagTailCallCtx is read by the BPF core only (x86 uses it); the s390x
	// generator ignores it.
	FlagTailCallCtx uint32 = 1 << 7
	// FlagIndirect marks a trampoline reached by an indirect call (struct_ops);
	// the generator forces FlagSkipFrame for it.
	FlagIndirect uint32 = 1 << 8
)

// flagNames lists the flag names accepted by ParseFlags and printed by
// FlagString, lowest bit first.
var flagNames = []struct {
	name string
	bit  uint32
}{
	{"RESTORE_REGS", FlagRestoreRegs},
	{"CALL_ORIG", FlagCallOrig},
	{"SKIP_FRAME", FlagSkipFrame},
	{"IP_ARG", FlagIPArg},
	{"RET_FENTRY_RET", FlagRetFentryRet},
	{"ORIG_STACK", FlagOrigStack},
	{"SHARE_IPMODIFY", FlagShareIPModify},
	{"TAIL_CALL_CTX", FlagTailCallCtx},
	{"INDIRECT", FlagIndirect},
}

// FlagNames returns the names ParseFlags accepts, lowest bit first.
func FlagNames() []string {
	out := make([]string, len(flagNames))
	for i, f := range flagNames {
		out[i] = f.name
	}
	return out
}

// ParseFlags parses a comma-separated list of flag names (with or without
// the BPF_TRAMP_F_ prefix, any case); the empty string is 0.
func ParseFlags(s string) (uint32, error) {
	var flags uint32
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name := strings.TrimPrefix(strings.ToUpper(f), "BPF_TRAMP_F_")
		found := false
		for _, fn := range flagNames {
			if fn.name == name {
				flags |= fn.bit
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown trampoline flag %q (want one of %s)", f, strings.Join(FlagNames(), ", "))
		}
	}
	return flags, nil
}

// FlagString returns flags as a comma-separated list of names ("0" when
// none); unknown bits are printed in hex.
func FlagString(flags uint32) string {
	var parts []string
	for _, fn := range flagNames {
		if flags&fn.bit != 0 {
			parts = append(parts, fn.name)
			flags &^= fn.bit
		}
	}
	if flags != 0 {
		parts = append(parts, fmt.Sprintf("%#x", flags))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ",")
}

// Limits of the kernel's data structures that a Config must respect (they
// are properties of the inputs, not checks of the generator).
const (
	// MaxFuncArgs is MAX_BPF_FUNC_ARGS: struct btf_func_model holds 12
	// argument sizes.
	MaxFuncArgs = 12
	// MaxTrampLinks is BPF_MAX_TRAMP_LINKS on s390x: struct bpf_tramp_links
	// holds 27 links of each kind.
	MaxTrampLinks = 27
	// MaxRegArgs is the number of arguments the s390x ELF ABI passes in
	// registers (%r2-%r6).
	MaxRegArgs = 5
	// MaxStackArgs is the number of stack arguments one mvc can copy (256
	// bytes, 8 per argument).
	MaxStackArgs = 32
	// StackFrameOverhead is STACK_FRAME_OVERHEAD: the register save area
	// every s390x caller allocates for its callee (160 bytes).
	StackFrameOverhead = 160
	// PatchSize is the size of the -mfentry hotpatch nop at the traced
	// function's entry; the traced function's body starts PatchSize bytes
	// after FuncAddr.
	PatchSize = 6
)

// Arg is one argument of the traced function, as struct btf_func_model
// describes it.
type Arg struct {
	// Size is arg_size[i] in bytes (0..255; the generator supports 0..16).
	// In the s390x ELF ABI an argument of up to 8 bytes travels in one
	// register or stack slot; a 9..16-byte argument travels by reference
	// (a pointer to a copy), and BPF programs receive its 16 bytes in two
	// slots of their argument array.
	Size int
	// Signed is BTF_FMODEL_SIGNED_ARG. The s390x trampoline does not read
	// argument flags; the field exists so that a Config describes a whole
	// btf_func_model.
	Signed bool
	// Struct is BTF_FMODEL_STRUCT_ARG. Not read by the s390x trampoline
	// either. Note that the ABI passes structs whose size is not 1, 2, 4 or
	// 8 by reference, so for a 3, 5, 6 or 7-byte struct the BPF argument
	// slot receives the pointer, not the bytes.
	Struct bool
}

// Prog is one BPF program attached to the trampoline (a struct
// bpf_tramp_link and the struct bpf_prog it points to). Address fields that
// are 0 get a documented default (see DefaultProg); Cookie is used as is.
type Prog struct {
	// Jited is p->jited. An interpreted program (false) also gets p->insnsi
	// in %r3.
	Jited bool
	// BpfFunc is p->bpf_func, the program's entry point.
	BpfFunc uint64
	// Cookie is tlink->cookie, stored into the run context's bpf_cookie.
	Cookie uint64
	// Addr is the address of the struct bpf_prog (p), passed to the enter
	// and exit functions.
	Addr uint64
	// Insnsi is the address of p->insnsi, passed to interpreted programs.
	Insnsi uint64
	// Enter and Exit are bpf_trampoline_enter(p) and bpf_trampoline_exit(p):
	// the addresses of the __bpf_prog_enter*/__bpf_prog_exit* variant chosen
	// by the program's type.
	Enter, Exit uint64
}

// Config is everything __arch_prepare_bpf_trampoline reads: the traced
// function's model (struct btf_func_model), the flags, the attached
// programs (struct bpf_tramp_links) and a few addresses. Zero address
// fields get the defaults listed in defaults.go; FuncAddr 0 means NULL.
type Config struct {
	// Args are the traced function's arguments (nr_args = len(Args), at
	// most MaxFuncArgs).
	Args []Arg
	// RetSize is ret_size: 0 for void, else the size of the return value.
	RetSize int
	// RetSigned is BTF_FMODEL_SIGNED_ARG in ret_flags.
	RetSigned bool
	// Flags are BPF_TRAMP_F_* bits (Flag*).
	Flags uint32
	// FEntry, FModRet and FExit are the programs attached as fentry,
	// fmod_ret and fexit, in order (at most MaxTrampLinks each).
	FEntry, FModRet, FExit []Prog
	// FuncAddr is the traced function's address (func_addr); 0 is NULL.
	FuncAddr uint64
	// Expolines is nospec_uses_trampoline(): indirect branches go through
	// execute-type expolines and calls through the %r1 thunk.
	Expolines bool
	// Image is the address the trampoline is written to. The generated
	// bytes are position independent; Image only places the listing.
	Image uint64
	// ImageSize is image_end - image; 0 means large enough. A trampoline
	// that does not fit fails with E2BIG.
	ImageSize int
	// Im is the address of the struct bpf_tramp_image, passed to
	// __bpf_tramp_enter and __bpf_tramp_exit.
	Im uint64
	// TrampEnter and TrampExit are the addresses of __bpf_tramp_enter and
	// __bpf_tramp_exit (called only with FlagCallOrig).
	TrampEnter, TrampExit uint64
}

// validate reports inputs that no struct btf_func_model or struct
// bpf_tramp_links can hold. These are errors of the Config, not kernel
// rejections.
func (c *Config) validate() error {
	if len(c.Args) > MaxFuncArgs {
		return fmt.Errorf("%d arguments: struct btf_func_model holds at most %d", len(c.Args), MaxFuncArgs)
	}
	for i, a := range c.Args {
		if a.Size < 0 || a.Size > 255 {
			return fmt.Errorf("argument %d: size %d does not fit arg_size (u8)", i+1, a.Size)
		}
	}
	if c.RetSize < 0 || c.RetSize > 255 {
		return fmt.Errorf("return size %d does not fit ret_size (u8)", c.RetSize)
	}
	for _, k := range []struct {
		name  string
		progs []Prog
	}{{"fentry", c.FEntry}, {"fmod_ret", c.FModRet}, {"fexit", c.FExit}} {
		if len(k.progs) > MaxTrampLinks {
			return fmt.Errorf("%d %s programs: struct bpf_tramp_links holds at most %d", len(k.progs), k.name, MaxTrampLinks)
		}
	}
	if c.ImageSize < 0 {
		return fmt.Errorf("negative image size %d", c.ImageSize)
	}
	return nil
}
