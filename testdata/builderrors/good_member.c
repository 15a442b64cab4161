/* Member accesses the type resolver must accept, and forms it must
 * leave alone (shadowing, typedefs, casts, locals of other types). */
typedef struct node {
	int val;
	struct node *next;
	void (*fn)(struct node *n);
	int arr[4];
	unsigned int bits : 3, : 2, more : 3;
	union {
		int u1;
		long u2;
	};
} node_t;

struct other {
	int w;
};

#define NEXT(p) ((p)->next)

int sum(struct node *n, node_t *t)
{
	int x = n->val + n->next->val + NEXT(n)->val + n->arr[1] + n->bits + n->more + n->u1 + n->u2;
	struct node copy = *n;

	x += copy.val + t->val + sizeof(struct node) + __builtin_offsetof(struct node, u2);
	{
		struct other *n = 0;

		x += n ? n->w : 0;
	}
	{
		struct local { int q; } l = { 1 };

		x += l.q;
	}
	x += ((struct other *)t)->w;
	return x + n->val;
}
