#include "api.h"

int f(struct ctx *c)
{
	int n = add2(1);
	n += add2(1, 2, 3);
	n += none(n);
	n += logf_();
	n += twice(n, n);
	return n + add2 (c->len,
			 c->op(1), 3);
}
