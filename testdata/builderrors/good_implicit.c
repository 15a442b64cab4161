#include "api.h"

static int later(int);

int f(int x)
{
	struct ctx c = { .len = 1, .op = 0 };
	int (*fp)(int) = later;
	return fp(x) + later(x) + c.len + sizeof(int);
}

static int later(int x)
{
	return x;
}
