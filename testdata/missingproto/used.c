/* The second -Wmissing-prototypes warning: used before the definition with
 * only non-prototype declarations in sight. Written for trampcheck. */

static int used_static();
static int call_static(void) { return used_static(); }
static int used_static(void) { return 0; } // want "'used_static' was used with no prototype before its definition"

int used_inline();
static void *take_inline(void) { return &used_inline; }
inline int used_inline(void) { return 1; } // want "'used_inline' was used with no prototype before its definition"

int in_sizeof();
static int size_user(void) { return sizeof(in_sizeof()); }
inline int in_sizeof(void) { return 2; } // want "'in_sizeof' was used with no prototype before its definition"

int shadowed();
static int shadow_user(void) { int shadowed = 3; return shadowed; }
inline int shadowed(void) { return 3; }

int param_shadow();
static int param_user(int param_shadow) { return param_shadow; }
inline int param_shadow(void) { return 4; }

static int with_proto(void);
static int proto_user(void) { return with_proto(); }
static int with_proto(void) { return 5; }

int main();
int calls_main(void) { return main(); } // want "no previous prototype for 'calls_main'"
int main(void) { return 0; } // want "'main' was used with no prototype before its definition"

static int never_used();
static int never_used(void) { return 6; }
