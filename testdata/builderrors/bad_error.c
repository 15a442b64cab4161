#include "api.h"

#ifndef NOT_DEFINED_ANYWHERE
#error this configuration is not supported
#endif
int f(int x) { return x; }
