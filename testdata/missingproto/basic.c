/* Basic cases of -Wmissing-prototypes, written for trampcheck. */

int no_decl(void) { return 0; } // want "no previous prototype for 'no_decl'"

int with_proto(void);
int with_proto(void) { return 1; }

extern int with_extern(int a);
int with_extern(int a) { return a; }

static int internal(void) { return 2; }

static int static_first(void);
int static_first(void) { return 3; }

int main(void) { return internal(); }

int two_a(void), two_b(int);
int two_b(int x) { return x; }

int *returns_ptr(void) { return 0; } // want "no previous prototype for 'returns_ptr'"

int (parenthesized)(void) { return 0; } // want "no previous prototype for 'parenthesized'"

int (*fp)(void);
int fp_target(void) { return 0; } // want "no previous prototype for 'fp_target'"

int after_def(void) { return 0; } // want "no previous prototype for 'after_def'"
int after_def(void);

struct point { int x, y; };
struct point make_point(int x, int y) { struct point p = { x, y }; return p; } // want "no previous prototype for 'make_point'"
