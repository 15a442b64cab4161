#include "api.h"

int f(int x)
{
	return PAIR(x, 1;
}
