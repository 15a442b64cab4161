#include "api.h"

int f(int x)
{
	return x;
}

int f(int x)
{
	return x + 1;
}

static int g(void) { return 0; }
static int g(void) { return 1; }
