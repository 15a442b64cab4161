/* Qualified struct types: GCC names the qualifiers of the object. */
struct S { int a; struct T { int b; } t; struct T *tp; };
struct U;
int f(const struct S *p, struct S const *q, volatile struct S *v, const struct U *u, struct S *const w)
{
	return p->zz + q->zz + v->zz + u->a + w->zz + p->t.zz + p->tp->zz;
}
