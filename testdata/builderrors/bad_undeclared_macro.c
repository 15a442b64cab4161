/* Undeclared names carried by macro arguments, and used in a macro
 * defined in the file: GCC reports them at their place in the file, with
 * the macro expansion notes. */
#define likely_not(x) __builtin_expect(!!(x), 0)
#define ID(x) x
#define TWICE(x) ((x) + (x))
#define USES_GLOBAL (missing_global + 1)

struct pair {
	int a, b;
};

int arg(int v)
{
	if (likely_not(!undeclared_flag))
		return v;
	return ID(v) + TWICE(other_name);
}

int body(void)
{
	return USES_GLOBAL;
}

int member(struct pair *p)
{
	/* A member name in an argument is no use of an identifier. */
	return ID(p->a) + ID(p->b) + TWICE(p->a);
}
