/* Errors at tokens that macro expansions produce: GCC's notes
 * "in definition of macro" and "in expansion of macro" (compared with
 * gcc by TestMacroNotesGCC). */
#include "trace.h"

#define ID(x) x
#define PAREN(x) (x)
#define OUTER(x) PAREN(x) + 0
#define BODY undeclared_body
#define FN() undeclared_fn_body
#define TWO(a, b) ((a) + (b))
#define VA(...) (0, __VA_ARGS__)
#define SAME(x) x + same_line_body
#define CAT(a, b) a ## b
#define STR(x) #x
#define APPLY(m, x) m(x)
#define DEFER ID
#define MULTI(a, \
              b) ((a) * \
                  (b))

int f1(void) { return ID(u1); }
int f2(void) { return PAREN(u2); }
int f3(void) { return OUTER(u3); }
int f4(void) { return BODY; }
int f5(void) { return FN(); }
int f6(void) { return TWO(1, u6); }
int f7(void) { return VA(1, u7); }
int f8(void) { return SAME(u8); }
int f9(void) { return H_ID(u9); }
int f10(void) { return H_TWICE(u10); }
int f11(void) { return H_BODY; }
int f12(void) { return APPLY(PAREN, u12); }
int f13(void) { return DEFER(u13); }
int f14(void) { return MULTI(1,
                           u14); }
int f15(void) { return ID(PAREN(u15)); }
int f16(void) { return TWO(OUTER(1), H_ID(u16)); }
int f17(void) { return CAT(u, 17) + ID(u17b); }
int f18(void) { return H_CALL(PAREN, u18); }
int f19(void) { return ID(H_BODY); }
int f20(void) { return sizeof(STR(x)) + PAREN(u20); }
