#include "api.h"

/* Columns after non-ASCII text are display columns, as GCC prints them. */
int f(int x)
{
	return logf_("héllo, 世界") + add2(x) + wide_helper(x);
}
