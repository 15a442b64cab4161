/*
 * Written for trampcheck: drives the kernel's own arch_prepare_bpf_trampoline
 * and arch_bpf_trampoline_size (compiled from a kernel tree at test time,
 * included as KERNEL_CODE) over configurations read from stdin, one a line:
 *
 *   nr_args size flags ... ret_size ret_flags flags expolines func_addr
 *   tramp_enter tramp_exit nprogs (kind jited bpf_func cookie enter exit)...
 *
 * For each it prints "im ADDR", "prog KIND INDEX P INSNSI" per program,
 * "size N" (arch_bpf_trampoline_size) and "code HEX" or "error -ERRNO".
 */
#include "kstub.h"
#include KERNEL_CODE

static u64 num(void)
{
	char tok[32], *end;
	unsigned long long v;

	if (scanf("%31s", tok) != 1) {
		fprintf(stderr, "harness: bad input\n");
		exit(2);
	}
	v = strtoull(tok, &end, 0);
	if (*end) {
		fprintf(stderr, "harness: bad number %s\n", tok);
		exit(2);
	}
	return v;
}

int main(void)
{
	static u8 image[1 << 16];
	int c;

	while ((c = getchar()) != EOF) {
		struct bpf_tramp_links tlinks[BPF_TRAMP_MAX];
		struct btf_func_model m;
		struct bpf_tramp_image *im;
		struct bpf_prog *progs[3 * BPF_MAX_TRAMP_LINKS];
		struct bpf_tramp_link links[3 * BPF_MAX_TRAMP_LINKS];
		int i, n, ret, size, nprogs;
		u32 flags;
		void *func_addr;

		if (c == '\n' || c == ' ')
			continue;
		ungetc(c, stdin);
		memset(&m, 0, sizeof(m));
		memset(tlinks, 0, sizeof(tlinks));
		m.nr_args = num();
		for (i = 0; i < m.nr_args; i++) {
			m.arg_size[i] = num();
			m.arg_flags[i] = num();
		}
		m.ret_size = num();
		m.ret_flags = num();
		flags = num();
		harness_expolines = num();
		func_addr = (void *)num();
		harness_tramp_enter = num();
		harness_tramp_exit = num();
		nprogs = num();
		im = calloc(1, sizeof(*im));
		printf("im %#llx\n", (unsigned long long)im);
		for (i = 0; i < nprogs; i++) {
			int kind = num();
			struct bpf_prog *p = calloc(1, sizeof(*p) + 16 * sizeof(struct bpf_insn));

			p->jited = num();
			p->bpf_func = (void *)num();
			links[i].cookie = num();
			p->harness_enter = num();
			p->harness_exit = num();
			links[i].link.prog = p;
			progs[i] = p;
			n = tlinks[kind].nr_links++;
			tlinks[kind].links[n] = &links[i];
			printf("prog %d %d %#llx %#llx\n", kind, n, (unsigned long long)p,
			       (unsigned long long)p->insnsi);
		}
		size = arch_bpf_trampoline_size(&m, flags, tlinks, func_addr);
		printf("size %d\n", size);
		memset(image, 0, sizeof(image));
		ret = arch_prepare_bpf_trampoline(im, image, image + sizeof(image), &m, flags,
						  tlinks, func_addr);
		if (ret < 0) {
			printf("error %d\n", ret);
		} else {
			printf("code ");
			for (i = 0; i < ret; i++)
				printf("%02x", image[i]);
			printf("\n");
		}
		printf("end\n");
		for (i = 0; i < nprogs; i++)
			free(progs[i]);
		free(im);
	}
	return 0;
}
