/*
 * A tiny trampoline generator with its own EMIT macros, written for
 * trampcheck's interpreter tests: it loads each argument size into
 * %r2, %r3, ... with lghi. The drivers mirror the kernel's: a sizing pass
 * with a NULL prg_buf, then a writing pass.
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

static int gen(struct bpf_jit *jit, const struct btf_func_model *m)
{
	int i;

	for (i = 0; i < m->nr_args; i++)
		/* lghi %r(2+i),arg_size[i] */
		EMIT4_IMM(0xa7090000, 2 + i, m->arg_size[i]);
	return 0;
}

int arch_bpf_trampoline_size(const struct btf_func_model *m, u32 flags,
			     struct bpf_tramp_links *tlinks, void *orig_call)
{
	struct bpf_jit jit;
	int ret;

	memset(&jit, 0, sizeof(jit));
	ret = gen(&jit, m);
	return ret < 0 ? ret : jit.prg;
}

int arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, void *image,
				void *image_end, const struct btf_func_model *m,
				u32 flags, struct bpf_tramp_links *tlinks,
				void *func_addr)
{
	struct bpf_jit jit;
	int ret;

	memset(&jit, 0, sizeof(jit));
	jit.prg_buf = image;
	ret = gen(&jit, m);
	return ret < 0 ? ret : jit.prg;
}
