/* Declarations that are not prototypes, written for trampcheck. */

int empty_parens();
int empty_parens() { return 0; } // want "no previous prototype for 'empty_parens'"

int empty_then_void();
int empty_then_void(void) { return 0; } // want "no previous prototype for 'empty_then_void'"

static int static_nonproto();
int static_nonproto(void) { return 0; } // want "no previous prototype for 'static_nonproto'"

int kr_style(a, b) // want "no previous prototype for 'kr_style'"
	int a;
	int b;
{
	return a + b;
}

int kr_one(a) int a; { return a; } // want "no previous prototype for 'kr_one'"

int proto_then_kr(int a);
int proto_then_kr(a) int a; { return a; }

extern int extern_nonproto();
int extern_nonproto(void) { return 1; } // want "no previous prototype for 'extern_nonproto'"
