/* Definitions produced by macros: GCC reports at the name's spelling. */

#define DEFINE_GETTER(name) int name(void) { return 0; }
#define DEFINE_FIXED int fixed_name(void) { return 1; } // want "no previous prototype for 'fixed_name'"
#define PASTE_SUFFIX(base) int base##_suffix(void) { return 2; }
#define PASTE_PREFIX(base) int prefix_##base(void) { return 3; } // want "no previous prototype for 'prefix_p'"
#define OUTER(name) INNER(name, 4)
#define INNER(name, v) int name(void) { return v; }
#define NAME_ONLY renamed // want "no previous prototype for 'renamed'"
#define RET int

DEFINE_GETTER(getter) // want "no previous prototype for 'getter'"
DEFINE_FIXED
  PASTE_SUFFIX(pasted) // want "no previous prototype for 'pasted_suffix'"
PASTE_PREFIX(p)
OUTER(through_outer) // want "no previous prototype for 'through_outer'"
int NAME_ONLY(void) { return 5; }
RET ret_macro(void) { return 6; } // want "no previous prototype for 'ret_macro'"

int declared_getter(void);
DEFINE_GETTER(declared_getter)

#define STATIC_DEF(name) static int name(void) { return 7; }
STATIC_DEF(static_from_macro)
