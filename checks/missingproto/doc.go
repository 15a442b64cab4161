// Package missingproto defines an Analyzer that reports non-static function
// definitions without a previous prototype, as GCC's -Wmissing-prototypes.
//
// # Analyzer missingproto
//
// missingproto: report a global function defined without a previous prototype
//
// GCC 12 warns, with -Wmissing-prototypes (on by default in kernel builds
// since v6.8), when a function definition with external linkage has no
// previous file-scope declaration that is a prototype. The kernel test
// robot reports it as:
//
//	arch/s390/net/bpf_jit_comp.c:2609:5: warning: no previous prototype for '__arch_prepare_bpf_trampoline' [-Wmissing-prototypes]
//
// The rule, as GCC applies it:
//
//   - only definitions count, at file scope, that are neither static nor
//     inline (any spelling), and not named main;
//   - a previous declaration at file scope in the file, or in a header the
//     file includes, must have a parameter type list: "int f();" is not a
//     prototype, "int f(void);" is, and so is "fn_t f;" with
//     "typedef int fn_t(void);";
//   - a declaration inside a function body does not count, nor does one
//     after the definition; a previous "static int f();" without a
//     parameter list does not exempt "int f() {...}" either;
//   - K&R definitions ("int f(a) int a; {...}") are reported;
//   - otherwise, GCC's second warning of the flag, "'f' was used with no
//     prototype before its definition", for any definition (static,
//     inline and main included) that has earlier file-scope declarations,
//     none a prototype, and was used (called, address taken, in sizeof)
//     before;
//   - a definition produced by a macro is reported where GCC does: at the
//     spelling of the name, inside the macro definition or in the
//     invocation's arguments.
//
// Known differences from GCC, all rare in kernel code: header
// declarations count only when they are prototypes (a header's "int f();"
// is not seen, so "'f' was used with no prototype" cannot fire through
// it); header #if conditions are not evaluated, so a prototype in a false
// branch exempts (see cparse.IncludeClosure); a function whose name is
// also a local variable or parameter somewhere in another function is not
// counted as used there.
//
// The diagnostic spans the declarator's name. Header prototypes come from
// the kernel tree (--tree) or, without one, from the front end's embedded
// index of Linux 6.12 headers (used only for files that include headers).
//
// Bad:
//
//	int __arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, ...)
//	{
//		...
//	}
//
// Fixed (the function is used only in this file):
//
//	static int __arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, ...)
//	{
//		...
//	}
//
// or declare it in a header the file includes:
//
//	int __arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, ...);
package missingproto
