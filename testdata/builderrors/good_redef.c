#include "api.h"

int f(int x);

int f(int x)
{
	return x;
}

extern inline __attribute__((gnu_inline)) int h(int x) { return x; }
int h(int x) { return x + 1; }
