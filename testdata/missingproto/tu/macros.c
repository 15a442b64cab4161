/* Definitions whose prototypes come from a header through macros and
   typedefs (GCC sees them after expansion). Written for trampcheck. */
#include <hooks.h>
#include <hooks.h>

int api_handler(void *p) { return p != 0; }
int legacy_handler(void *p) { return p == 0; } // want "no previous prototype for 'legacy_handler'"
int api_hook(int x) { return x; }
long wrapped(long a, long b) { return a + b; }
DEFINE_CALL(declared_call) { return v; }
DEFINE_CALL(undeclared_call) { return v + 1; } // want "no previous prototype for 'undeclared_call'"
int hook_alias(int x) { return x; }
int configured_out(void) { return 0; } // want "no previous prototype for 'configured_out'"
int versioned(void) { return 1; } // want "no previous prototype for 'versioned'"
