/* Redefinitions whose "previous definition" note spells the type as GCC
 * does: canonical integer names, qualifiers, pointers, arrays as
 * pointers, the double space after a parameter ending in a word, and the
 * typedefs resolved in {aka ...}. */
typedef unsigned int __u32;
typedef __u32 u32;
typedef _Bool bool;
struct S {
	int x;
};

static int f(int a) { return a; }
static int f(int a) { return a; }
void g(struct S *p, const char *s, unsigned long n) { }
void g(struct S *p, const char *s, unsigned long n) { }
u32 h(u32 x, bool b, struct S s) { return x; }
u32 h(u32 x, bool b, struct S s) { return x; }
int k(void) { return 0; }
int k(void) { return 0; }
int q() { return 0; }
int q() { return 0; }
long long int r(unsigned x, signed char c, short s, long double d, const volatile int *cv) { return 0; }
long long int r(unsigned x, signed char c, short s, long double d, const volatile int *cv) { return 0; }
static inline const char *arr(int a[], char **argv, int b[4], ...) { return 0; }
static inline const char *arr(int a[], char **argv, int b[4], ...) { return 0; }
static void x(const u32 *p, unsigned short s, unsigned long long l, long long m, signed n, char const *y, int const z) { }
static void x(const u32 *p, unsigned short s, unsigned long long l, long long m, signed n, char const *y, int const z) { }
