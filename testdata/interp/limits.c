/*
 * Runaway code for cparse/interp's limits, written for trampcheck: each
 * function must stop with a clear error, never hang or crash the tool.
 */
static int spin(void)
{
	int i = 0;

	for (;;)
		i++;
	return i;
}

static int deep(int n)
{
	return deep(n + 1) + 1;
}

static int big(void)
{
	u8 buf[4000000];

	buf[0] = 1;
	return buf[0];
}

static int nullp(void)
{
	int *p = NULL;

	return *p;
}

static int divz(int d)
{
	return 10 / d;
}

/* x is assigned on one path only. */
static int unset(int c)
{
	int x;

	if (c)
		x = 1;
	return x + 1;
}

/* y is indeterminate again each time its block is entered. */
static int loopunset(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		int y;

		if (i == 0)
			y = 5;
		s += y;
	}
	return s;
}
