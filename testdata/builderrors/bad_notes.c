/* Member and incomplete-type errors reached through macros: GCC prints
 * the macro expansion notes after each error. */
#define ID(x) x
#define FIELD(p) ((p)->missing)
#define WRAP(e) (ID(e) + 1)
#define OFF(T, m) __builtin_offsetof(T, m)

struct point {
	int x, y;
};

struct hidden;

int get(struct point *p)
{
	return FIELD(p);
}

int wrapped(struct point *p)
{
	return WRAP(p->nothere);
}

int nested(struct point *p)
{
	return ID(WRAP(p->zzzzz));
}

unsigned long off(void)
{
	return OFF(struct point, qqqqq);
}

int incomplete(struct hidden *h)
{
	return ID(h->x);
}
