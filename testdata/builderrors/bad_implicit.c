#include "api.h"

int f(int x)
{
	if (x > 2)
		return frobnicate(x);
	return frobnicate(x + 1) + unknown_helper (x,
						 x);
}

int g(void)
{
	return frobnicate(3) + 1;
}
