/* A header of the fixtures: prototypes and macros used by the .c files. */
#ifndef API_H
#define API_H
struct ctx { int len; int (*op)(int); };
int add2(int a, int b);
int none(void);
int logf_(const char *fmt, ...);
long oldstyle();
static inline int twice(int x) { return 2 * x; }
#define PAIR(a, b) ((a) + (b))
#define CALL_ADD(x) add2(x)
#endif
