// Package interp executes the s390x BPF trampoline generator of
// arch/s390/net/bpf_jit_comp.c as written in the file under check.
//
// Compile turns the cc/v4 AST of the file (as parsed by cparse, with the EMIT
// macros blanked so that their invocations stay calls) into a tree of Go
// closures: identifiers are resolved to frame slots, struct fields to byte
// offsets and types to value normalisers once, at compile time. The EMIT
// macros are evaluated from their own definitions in the file: every call site
// is expanded by the project's preprocessor (cparse/cpp) over a small unit
// holding the file's #defines that the invocation can reach, as written and
// at their lines (the last definition of a name, as in the hermetic parse),
// then the invocation as written; the expansion is parsed once and compiled
// in the scope of the call, so a patch that breaks a macro changes the
// output.
//
// A Machine then runs the file's arch_bpf_trampoline_size and
// arch_prepare_bpf_trampoline for one Config, exactly as the kernel drives them
// (a sizing pass with a NULL prg_buf, then the writing pass, with the state
// that carries over in the C code). Memory is a set of flat big-endian byte
// regions: the image, the objects the configuration describes (struct
// btf_func_model, struct bpf_tramp_links, links, programs, the
// bpf_tramp_image), the file's globals and a stack for locals whose address is
// taken or that are aggregates. Every byte stored into the image remembers the
// C line of the EMIT call site that produced it and the chain of calls that led
// there.
//
// Small leaf functions of the file (reg, reg_high, reg_set_seen) are
// compiled into their callers; a Machine allocates nothing per run. For
// explaining a divergence, RunTrace records the EMIT sites entered, the
// conditions decided, the image stores and, per statement, the statements
// that last wrote what it read (Deps), so that a finding can name the line
// of a wrong computation that shows only at a later EMIT.
//
// What the file takes from kernel headers comes from an explicit environment
// model (see Env): constants and struct layouts read from the headers of a
// kernel tree (EnvFromTree), or documented for Linux 6.12 on s390x
// (DefaultEnv), and kernel functions and addresses. Every value remembers
// its source (Env.Describe); the Machine lays out the configuration with
// the layouts of the Program's model, and Env.FromTramp translates a
// reference configuration into that model (flags by name, insnsi at the
// model's offset). An identifier the model lacks is a compile error naming
// it. Runaway loops, deep recursion and huge
// allocations stop the run with an error (see Limits), and so does reading
// a scalar local before anything was stored in it (its value is
// indeterminate in C), at the reading line.
package interp
