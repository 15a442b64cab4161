/*
 * A small trampoline generator written for trampcheck's environment model
 * tests: every lghi it emits carries a value that comes from the model
 * (a constant, an offset or size of a struct, a field of the configuration
 * laid out by the model), so a test sees which model the interpreter used.
 */
struct bpf_jit {
	u8 *prg_buf;
	int prg;
};

#define _EMIT4(op)						\
({								\
	if (jit->prg_buf)					\
		*(u32 *) (jit->prg_buf + jit->prg) = (op);	\
	jit->prg += 4;						\
})

#define EMIT4_IMM(op, b1, imm)					\
({								\
	unsigned int __imm = (imm) & 0xffff;			\
	_EMIT4((op) | (b1) << 20 | __imm);			\
})

static int gen(struct bpf_jit *jit, const struct btf_func_model *m,
	       u32 flags, struct bpf_tramp_links *tlinks)
{
	struct bpf_tramp_links *fentry = &tlinks[BPF_TRAMP_FENTRY];
	int i;

	/* lghi %r1,STACK_FRAME_OVERHEAD */
	EMIT4_IMM(0xa7090000, 1, STACK_FRAME_OVERHEAD);
	/* lghi %r2,offsetof(struct bpf_tramp_run_ctx, bpf_cookie) */
	EMIT4_IMM(0xa7090000, 2, offsetof(struct bpf_tramp_run_ctx, bpf_cookie));
	/* lghi %r3,sizeof(struct bpf_tramp_run_ctx) */
	EMIT4_IMM(0xa7090000, 3, sizeof(struct bpf_tramp_run_ctx));
	if (flags & BPF_TRAMP_F_CALL_ORIG)
		/* lghi %r4,1 */
		EMIT4_IMM(0xa7090000, 4, 1);
	for (i = 0; i < fentry->nr_links; i++) {
		struct bpf_tramp_link *tl = fentry->links[i];
		struct bpf_prog *p = tl->link.prog;

		/* lghi %r5,cookie */
		EMIT4_IMM(0xa7090000, 5, tl->cookie);
		/* lghi %r6,offset of insnsi */
		EMIT4_IMM(0xa7090000, 6, (char *)p->insnsi - (char *)p);
		/* lghi %r7,jited */
		EMIT4_IMM(0xa7090000, 7, p->jited ? 1 : 0);
		/* lghi %r8,bpf_func */
		EMIT4_IMM(0xa7090000, 8, (unsigned long)p->bpf_func);
	}
	/* lghi %r9,arg_flags[0] */
	EMIT4_IMM(0xa7090000, 9, m->nr_args ? m->arg_flags[0] : 0);
	/* lghi %r10,BPF_MAX_TRAMP_LINKS */
	EMIT4_IMM(0xa7090000, 10, BPF_MAX_TRAMP_LINKS);
	return 0;
}

int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,
			     struct bpf_tramp_links *tlinks, void *orig_call)
{
	struct bpf_jit jit;

	memset(&jit, 0, sizeof(jit));
	gen(&jit, m, flags, tlinks);
	return jit.prg;
}

int arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, void *image,
				void *image_end, const struct btf_func_model *m,
				u32 flags, struct bpf_tramp_links *tlinks,
				void *func_addr)
{
	struct bpf_jit jit;

	memset(&jit, 0, sizeof(jit));
	jit.prg_buf = image;
	gen(&jit, m, flags, tlinks);
	/* the generator stores the address after its code */
	im->ip_epilogue = image + jit.prg;
	return jit.prg;
}
