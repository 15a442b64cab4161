/* inline in all spellings is exempt, written for trampcheck. */

inline int plain_inline(void) { return 0; }
static inline int static_inline(void) { return 1; }
extern inline int extern_inline(void) { return 2; }
__inline int gnu_inline1(void) { return 3; }
__inline__ int gnu_inline2(void) { return 4; }
int __inline__ late_inline(void) { return 5; }
__attribute__((always_inline)) int attr_only(void) { return 6; } // want "no previous prototype for 'attr_only'"
int __attribute__((__noinline__)) attr_middle(void) { return 7; } // want "no previous prototype for 'attr_middle'"
__attribute__((unused)) static int attr_static(void) { return 8; }
int attr_after(void) __attribute__((cold));
int attr_after(void) { return 9; }
