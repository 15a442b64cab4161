// Package builderrors defines an Analyzer that reports what GCC 12, with
// the kernel's flags, would refuse to compile in a file read as its real
// translation unit (tree mode, or file mode with -I), in GCC's words and
// at GCC's file:line:column.
//
// # Analyzer builderrors
//
// builderrors: report the errors GCC would stop the build with
//
// The bots' most frequent reports on a patched file are build errors that
// arrive after the mail went out. This check reports, before the build:
//
//   - the preprocessing error that stops the translation unit: a macro
//     called with the wrong number of arguments (macro "M" requires 2
//     arguments, but only 1 given; macro "M" passed 3 arguments, but takes
//     just 2), #error, a missing header (fatal error: x.h: No such file or
//     directory), an unterminated argument list, and every other error of
//     package cpp, with GCC's text. Only the first is reported: the
//     preprocessor stops there, while GCC goes on and may print more,
//     including errors that follow from the first ('M' undeclared);
//   - "redefinition of 'f'" for a second file-scope definition of f whose
//     declaration is token for token the first one's (then the types are
//     the same; a different one may be "conflicting types", below), with GCC's note
//     "previous definition of 'f' with type 'int(int,  u32)' {aka
//     'int(int,  unsigned int)'}" where cparse/ctype.FuncType can spell
//     the type as GCC does (not for function pointer parameters, typeof,
//     restrict, typedefs other than of a plain type). A first definition
//     that is extern inline (GNU inline semantics, the kernel's inline)
//     may be redefined and is left alone;
//   - "conflicting types for 'f'; have 'long int(int)'" at the name of a
//     file-scope declaration or definition of f in the file whose type
//     differs from that of the earlier file-scope declarations of f (in
//     the file or its headers), with GCC's note "previous declaration of
//     'f' with type 'int(int)'" ("previous definition" after a definition;
//     " {aka '...'}" as above), where ctype spells every declaration of f
//     up to it: prototypes only (no "int f()"), one declarator, no enum
//     (compatible with its integer type), no qualifier on a parameter
//     itself (it does not count), f declared before any other use, not
//     static after non-static (another error); only the first conflict
//     of each name, and a name whose tokens a macro produced gives none;
//   - "implicit declaration of function 'f'
//     [-Werror=implicit-function-declaration]" for a call in a function
//     body whose name no token of the unit spelled before (so nothing
//     declared it, at any scope), once per unit as GCC does. GCC's
//     suggestion ("; did you mean 'g'?") is not reproduced, and a call
//     that gets one from GCC is printed without it; names GCC declares
//     itself (__builtin_*, __atomic_*, __sync_*) are never reported;
//   - the type errors of package cparse/ctype: "'struct S' has no member
//     named 'm'" (x->m, x.m, chains of them, ((struct S *)e)->m,
//     offsetof), "invalid use of undefined type 'struct S'" and
//     "invalid application of 'sizeof' to incomplete type 'struct S'",
//     every occurrence, at GCC's position: the '->' or '.', offsetof's
//     __builtin_offsetof (in include/linux/stddef.h, named as GCC names
//     it: ./include/linux/stddef.h:16:33), sizeof's "struct". The type
//     of x comes from its declarations in the function when every one
//     of them reads "struct S *x" (or "struct S x[N]"; x[i].m is followed
//     too, and sizeof(*x) of an incomplete struct); anything else (typedef'd types, casts
//     of other forms, call results, file-scope variables, a member name
//     GCC would follow with "; did you mean 'n'?") gives nothing;
//   - "'X' undeclared (first use in this function)" for an identifier
//     used in a function body of the file that nothing before could
//     declare (no earlier occurrence in the function, none outside the
//     function bodies but in parameter lists, member lists and keyword
//     operands), at its first use in each function as GCC reports it, and
//     "'X' undeclared here (not in a function)" at the first use of such a
//     name in a file-scope initializer (after which GCC reports no use of
//     it, in functions either); only uses written in the file as they stand count (not
//     a member, label, tag, designator, attribute or asm operand, not a
//     call, which is an implicit declaration, nothing a declaration could
//     be). GCC's suggestion ("; did you mean 'Y'?") is not reproduced: the
//     line is printed without it. At file scope, uses outside initializers
//     (an array size) are not reported;
//   - "too many arguments to function 'f'" and "too few arguments to
//     function 'f'" for a direct call in a function body when every
//     file-scope prototype of f before it has the same countable
//     parameter list and nothing in the function (parameter, local
//     declaration, label, attribute operand) could shadow f.
//
// After an error at a token that a macro expansion produced, GCC's
// notes follow it as GCC prints them ("in definition of macro 'M'",
// "in expansion of macro 'M'", with each macro level's file:line:column):
// package cpp expands the outermost invocation again with GCC's virtual
// locations (cpp.Stream.MacroNotes) and unwinds them as GCC does. Where
// that expansion does not give the unit's tokens (a macro redefined
// later, a directive in the arguments), where the token was made by ##
// or #, or where a file cannot be named as GCC names it, the error is
// printed without notes. Error.Notes holds them (Error.Lines prints
// them), and the analyzer reports them as the diagnostic's related
// information.
//
// Where the front end cannot decide, the check says nothing: a call or a
// definition produced by a macro (GCC reports it inside the macro's
// definition, with "in expansion of macro" notes), a prototype spelled
// through a typedef, a name that appears in the function other than as a
// call. Errors in headers are not reported, nor errors that follow from
// another (GCC goes on after an error; the front end's view of the rest
// of the unit may differ from GCC's then).
//
// The check is opt-in in the driver (--checks=builderrors), which prints
// its findings with GCC's "error:" severity and GCC's option in brackets
// where GCC prints one. A file that the front end cannot read at all
// (the hermetic fallback fails too, as on #error) reaches the check
// through cparse.Result.Failed as a *cparse.TUFailure (FindFailed), when
// the front end keeps going (cparse.Options.KeepGoing).
//
// Bad:
//
//	#define PAIR(a, b) ((a) + (b))
//	int add2(int a, int b);
//
//	int f(int x)
//	{
//		return PAIR(x) + add2(x) + helper(x);
//	}
//
// GCC (12, -Werror=implicit-function-declaration as the kernel builds)
// reports the macro first, and trampcheck only that:
//
//	f.c:6:22: error: macro "PAIR" requires 2 arguments, but only 1 given
//
// and, once the macro is fixed, both calls:
//
//	f.c:6:29: error: too few arguments to function 'add2'
//	f.c:6:39: error: implicit declaration of function 'helper' [-Werror=implicit-function-declaration]
//
// Fixed:
//
//	int helper(int x);
//
//	int f(int x)
//	{
//		return PAIR(x, 1) + add2(x, 1) + helper(x);
//	}
package builderrors
