/*
 * Written for trampcheck (not kernel code): the declarations that the s390x
 * BPF trampoline generator of Linux 6.12 needs, so that its own functions,
 * read from a kernel tree at test time, compile as a user program for s390x
 * (s390x-linux-gnu-gcc, run under qemu-s390x). Values as measured from the
 * kernel headers (see docs/kernel-ground-truth.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n) (1UL << (n))
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#define min_t(type, x, y) ((type)(x) < (type)(y) ? (type)(x) : (type)(y))
#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
#define __packed __attribute__((packed))

#define E2BIG 7
#define EINVAL 22
#define ENOTSUPP 524

enum {
	BPF_REG_0 = 0, BPF_REG_1, BPF_REG_2, BPF_REG_3, BPF_REG_4, BPF_REG_5,
	BPF_REG_6, BPF_REG_7, BPF_REG_8, BPF_REG_9, BPF_REG_10, __MAX_BPF_REG,
};
#define MAX_BPF_REG __MAX_BPF_REG
#define BPF_REG_FP BPF_REG_10
#define BPF_REG_AX MAX_BPF_REG
#define MAX_BPF_EXT_REG (MAX_BPF_REG + 1)
#define MAX_BPF_JIT_REG MAX_BPF_EXT_REG

#define STACK_FRAME_OVERHEAD 160

#define BPF_TRAMP_F_RESTORE_REGS BIT(0)
#define BPF_TRAMP_F_CALL_ORIG BIT(1)
#define BPF_TRAMP_F_SKIP_FRAME BIT(2)
#define BPF_TRAMP_F_IP_ARG BIT(3)
#define BPF_TRAMP_F_RET_FENTRY_RET BIT(4)
#define BPF_TRAMP_F_ORIG_STACK BIT(5)
#define BPF_TRAMP_F_SHARE_IPMODIFY BIT(6)
#define BPF_TRAMP_F_TAIL_CALL_CTX BIT(7)
#define BPF_TRAMP_F_INDIRECT BIT(8)

enum bpf_tramp_prog_type {
	BPF_TRAMP_FENTRY,
	BPF_TRAMP_FEXIT,
	BPF_TRAMP_MODIFY_RETURN,
	BPF_TRAMP_MAX,
	BPF_TRAMP_REPLACE,
};

#define MAX_BPF_FUNC_ARGS 12
#define BPF_MAX_TRAMP_LINKS 27
#define BTF_FMODEL_STRUCT_ARG BIT(0)
#define BTF_FMODEL_SIGNED_ARG BIT(1)

struct btf_func_model {
	u8 ret_size;
	u8 ret_flags;
	u8 nr_args;
	u8 arg_size[MAX_BPF_FUNC_ARGS];
	u8 arg_flags[MAX_BPF_FUNC_ARGS];
};

struct bpf_insn {
	u8 code;
	u8 regs;
	s16 off;
	s32 imm;
};

/* Only what the generator reads, plus the harness's enter/exit choice. */
struct bpf_prog {
	u16 pages;
	u16 jited : 1;
	void *bpf_func;
	u64 harness_enter, harness_exit;
	struct bpf_insn insnsi[];
};

struct bpf_link {
	struct bpf_prog *prog;
};

struct bpf_tramp_link {
	struct bpf_link link;
	u64 cookie;
};

struct bpf_tramp_links {
	struct bpf_tramp_link *links[BPF_MAX_TRAMP_LINKS];
	int nr_links;
};

struct bpf_run_ctx {
};

struct bpf_tramp_run_ctx {
	struct bpf_run_ctx run_ctx;
	u64 bpf_cookie;
	struct bpf_run_ctx *saved_run_ctx;
};

struct bpf_tramp_image {
	void *image;
	int size;
	void *ip_after_call;
	void *ip_epilogue;
};

/* Addresses and switches the harness sets per configuration. */
static u64 harness_tramp_enter, harness_tramp_exit;
static bool harness_expolines;

#define __bpf_tramp_enter ((void *)harness_tramp_enter)
#define __bpf_tramp_exit ((void *)harness_tramp_exit)
#define bpf_trampoline_enter(p) ((void *)(p)->harness_enter)
#define bpf_trampoline_exit(p) ((void *)(p)->harness_exit)
#define nospec_uses_trampoline() (harness_expolines)
