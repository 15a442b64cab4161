/* Redeclarations GCC accepts: identical ones, the same type through a
 * typedef, an unprototyped declaration before a prototype, a qualifier
 * on a parameter itself, an enum and its integer type. */
#include "conflict.h"

int same(int a, cf_u32 b);
int same(int a, cf_u32 b);
int same(int a, unsigned int b)
{
	return a + b;
}

int unproto();
int unproto(int a)
{
	return a;
}

int top_const(int a);
int top_const(const int a)
{
	return a;
}

enum cf_kind { CF_A, CF_B };
enum cf_kind kind_of(void);
unsigned int kind_of(void)
{
	return CF_B;
}

static int local(char *p);
static int local(char *p)
{
	return *p;
}

int cf_emit(struct cf_ctx *ctx, unsigned int insn)
{
	return ctx != 0 && insn;
}
