// Package cpp is trampcheck's C preprocessor: it reads a kernel C file as
// GCC 12 does (`gcc -E`), with its real headers and every macro expanded,
// and returns the whole token stream with positions. It is written from
// scratch (no cgo, no modernc.org/cc).
//
// # What it implements
//
// Translation phases 1-4 for GNU C (gnu11): line splicing (also with
// white space between the backslash and the newline, as GCC accepts;
// positions stay in the original lines and columns), comments, pp-numbers,
// character constants and string literals with their prefixes (L, u, U,
// u8), raw string literals (R"x(...)x", a GNU extension in gnu11), every
// punctuator including digraphs (kept as spelled).
//
// Directives: #define and #undef (object-like, function-like, __VA_ARGS__,
// GNU named variadics "args...", GNU comma elision ", ## args" and
// ", ## __VA_ARGS__", __VA_OPT__), #include with "" and <> and
// macro-expanded operands, #include_next, #import, the conditionals
// (#elifdef and #elifndef too, as GCC 12 accepts them in gnu11) with
// full #if arithmetic (intmax_t/uintmax_t, defined, __has_include,
// __has_include_next, __has_attribute, __has_c_attribute,
// __has_cpp_attribute, __has_builtin, character constants with
// -funsigned-char taken from __CHAR_UNSIGNED__), #error, #warning
// (recorded in Unit.Warnings), #pragma and _Pragma (dropped from the
// stream, recorded in Unit.Pragmas; once, push_macro, pop_macro and
// "GCC error" are carried out), #line and line markers, #ident and #sccs
// (dropped), the null directive. A file wholly inside #ifndef X ... #endif
// (or #if !defined X) is not read again while X is defined.
//
// Expansion follows C11 6.10.3 with Prosser's hide sets (a token whose
// name is in its own hide set is painted and never expanded again), which
// gives GCC's results on the standard's examples and the classic corner
// cases (f(f)(1), g(g)(1), self-reference). Arguments are fully expanded
// before substitution except next to # and ##. GNU comma elision removes
// the comma only when the variadic argument is left out (f(a) or f() for
// a macro with only "..."), not when it is present but empty (f(a,)), as
// GCC 12 in gnu11 does. __VA_OPT__ keeps its content when the variadic
// argument has tokens once expanded (GCC 12).
//
// Built-in macros: __FILE__, __LINE__, __COUNTER__, __INCLUDE_LEVEL__,
// __BASE_FILE__, and fixed __DATE__ ("Jan  1 1970"), __TIME__
// ("00:00:00") and __TIMESTAMP__, so that output never depends on the
// clock. __LINE__ is the line of the expansion point of the __LINE__
// token itself: the line of the outermost macro name for a __LINE__ in a
// macro body, the line where it is written for one in an argument (GCC
// 12: "F(__LINE__\nL\n)" gives 3, then 4 for the L on line 4).
//
// # Positions (verified against GCC 12 diagnostics)
//
// Pos is the spelling location and Exp the expansion point; gcc reports
// Pos with its default -ftrack-macro-expansion=2 and Exp with
// -ftrack-macro-expansion=0 (TestPositionsAgainstGCC compiles
// testdata/positions.c with -Wmissing-prototypes both ways):
//
//   - a token written in the file: Pos = Exp = where it is written, Macro "";
//   - a token of a macro body: Pos = where it is written in the #define;
//   - a token from a macro argument: Pos = where it is written in the argument;
//   - a token made by ##: Pos = the Pos of the left operand (of the first
//     operand that is not empty: "PASTE(, theta)" gives theta's place);
//   - a string made by #: Pos = the closing parenthesis of the invocation;
//   - for every token a macro expansion produced, Exp is the name of the
//     outermost invocation in the file text and Macro that macro's name.
//
// Columns are byte columns; GCC prints display columns (a tab advances to
// the next multiple of 8) unless -fdiagnostics-column-unit=byte.
// TestKernelExpansionLines checks Exp's file and line for every token of
// the real JIT unit against the line markers of s390x-linux-gnu-gcc -E
// (which put a token on the line of its outermost invocation).
//
// File names are built as GCC builds them: path.Join of the include
// directory (or the including file's directory) and the operand, and
// "./FILE" for a relative -include FILE found in the working directory
// (so __FILE__ there is "./FILE" too, as with gcc without
// -fmacro-prefix-map). Unlike GCC, path.Join removes "dir/../" pairs.
//
// # Errors
//
// The first error stops preprocessing and is returned as an *Error whose
// text is GCC's ("main.c:2:5: error: unterminated argument list invoking
// macro \"f\""); the testdata/gcc/err_*.txtar fixtures compare message and
// place with gcc. Where GCC reports at "the current location" the error is
// at the last token read from the file, or just after it at the end of a
// line or file. An unterminated conditional has no column, as in GCC.
// Runaway expansion or inclusion beyond Config.MaxWork tokens is an error,
// not a hang.
//
// # Cost
//
// Every file is read and tokenized once per call; a file's tokens hold no
// pointers (text as offsets into the source), as does the output until
// it is turned into Tokens at its exact size at the end, so the garbage
// collector has little to scan. BenchmarkPreprocessJIT measures the real
// JIT unit (716 files, 6 MB read, 794,000 tokens out): measured in
// December 2026 on a shared, overloaded 2-core machine, 0.33-0.40 s of CPU,
// 210 MB allocated and 192 MB peak RSS per call, about what
// s390x-linux-gnu-gcc -E takes there (0.29-0.32 s of CPU, 51 MB). Most of
// the memory is the []Token result itself (112 bytes a token, 89 MB).
//
// # Known differences from GCC
//
//   - universal character names (\u00e9) are not part of identifiers
//     (the kernel uses none), and an unterminated raw string literal is
//     lexed as an identifier and a string, where GCC reports an error;
//   - -D and -U are applied in two groups (all Defines, then all Undefs),
//     not interleaved in command-line order;
//   - #assert/#unassert and assertions in #if (#machine(x)) are ignored;
//   - the location of "division by zero in #if" is the operator, where GCC
//     sometimes points into a parenthesized right operand;
//   - stringizing an argument whose tokens came from different macro
//     expansions may differ from GCC in the white space GCC's padding
//     tokens would insert (none seen in the kernel units compared);
//   - the first error stops: GCC goes on and may report more.
//
// # Tests and oracles
//
// Every fixture is compared with host gcc -E (token texts equal) or, for
// error cases, with gcc's first error line; the real kernel units
// (arch/s390/net/bpf_jit_comp.c and kernel/bpf/*.c) are compared token by
// token with s390x-linux-gnu-gcc -E run with the kernel's flags. The
// __has_* answers come from hastable_gen.go, generated by
// TestGenerateHasTable from the compiler and checked against it by
// TestHasTableMatchesCompiler.
package cpp
