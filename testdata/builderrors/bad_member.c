/* Unknown members and undefined struct types, as a patch that deletes a
 * member or a definition leaves them. */
struct frame {
	unsigned long unused[8];
	unsigned int tail;
	union {
		unsigned int pad;
		struct {
			unsigned short lo, hi;
		};
	};
	struct frame *next;
};

struct ctx {
	int prg;
	struct frame *fr;
	struct frame inline_fr;
};

struct later;

#define TAIL_OF(c) ((c)->fr->tail + (c)->fr->tail_cnt)

static int use(struct ctx *ctx, struct later *l)
{
	struct frame f = { 0 };
	int x = ctx->prg + ctx->size_prg;

	x += f.tail + f.lo + f.hi + f.pad + f.backchain;
	x += ctx->fr->next->tail + ctx->fr->next->unknown_member;
	x += ctx->inline_fr.lo + ctx->inline_fr.stack_top;
	x += __builtin_offsetof(struct frame, tail) + __builtin_offsetof(struct frame, r15_slot);
	x += __builtin_offsetof(struct gone, a);
	x += sizeof(struct frame) + sizeof(struct later) + sizeof(struct missing);
	x += l->a + ((struct later *)0)->b + ((struct frame *)0)->zzz;
	return x + TAIL_OF(ctx);
}

struct later {
	int a, b;
};

int user(struct ctx *ctx, struct later *l);

int user(struct ctx *ctx, struct later *l)
{
	return use(ctx, l) + l->a + l->c;
}
