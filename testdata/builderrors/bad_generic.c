/* An error in a _Generic's controlling expression: GCC skips the rest of
 * the selection (its associations are not checked), as in the kernel's
 * __unqual_scalar_typeof(x) used by READ_ONCE. */
#define SCALAR(x) _Generic((x), char: (char)0, int: (int)0, default: (x))

struct hidden;
struct shown {
	int a;
};

int sel(struct hidden *h)
{
	return SCALAR(h->a);
}

int assoc(struct shown *s, struct hidden *h)
{
	return _Generic(s->a, int: h->a, default: 0);
}
