/* Macros of a header, for the macro expansion notes of GCC. */
#define H_ID(x) (x)
#define H_TWICE(x) H_ID(H_ID(x))
#define H_BODY (hdr_undeclared + 1)
#define H_CALL(f, a) f(a)
