#include "api.h"

/* Shadows and member calls that look like bad calls but are not. */
int g(struct ctx *c, int (*add2)(int))
{
	return add2(1) + c->op(2);
}

int h(int x)
{
	int (*none)(int, int) = 0;
	int twice = 3;
	if (x)
		return none(x, 1) + twice;
	return logf_("%d", x, x) + logf_("x") + (int)oldstyle(1, 2, 3) + PAIR(1, 2);
}

int k(void)
{
	return add2(1, 2) + none() + __builtin_popcount(3u) + __builtin_expect(k(), 0);
}
