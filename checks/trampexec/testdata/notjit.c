/* A file without the trampoline generator: trampexec has nothing to run. */
struct bpf_tramp_image;

static int prepare(struct bpf_tramp_image *im, int nr_args)
{
	return nr_args > 12 ? -22 : 0;
}

int arch_prepare_bpf_trampoline(struct bpf_tramp_image *im, int nr_args)
{
	return prepare(im, nr_args);
}
