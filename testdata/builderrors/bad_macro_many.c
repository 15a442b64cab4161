#include "api.h"

int f(int x)
{
	return PAIR(x, x, 1);
}
