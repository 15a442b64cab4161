// SPDX-License-Identifier: GPL-2.0
/*
 * A small JIT in the style of the s390x BPF JIT, written for trampcheck's
 * quick start. It saves two argument registers, calls a function through
 * %r1 and returns.
 */
#include <linux/types.h>
#include <linux/demo_jit.h>

struct demo_jit {
	u32 *prg_buf;		/* start of the program, NULL when sizing */
	int prg;		/* current offset in bytes */
	int size;		/* size of the program in bytes */
	int save_off;		/* where %r2/%r3 are saved */
};

#define _EMIT2(op)						\
({								\
	if (jit->prg_buf)					\
		*(u16 *) ((char *)jit->prg_buf + jit->prg) = (op); \
	jit->prg += 2;						\
})

#define _EMIT4(op)						\
({								\
	if (jit->prg_buf)					\
		*(u32 *) (jit->prg_buf + jit->prg / 4) = (op);	\
	jit->prg += 4;						\
})

#define EMIT4(op, b1, b2)					\
({								\
	_EMIT4((op) | (b1) << 4 | (b2));			\
})

#define _EMIT6(op1, op2)					\
({								\
	if (jit->prg_buf) {					\
		*(u32 *) (jit->prg_buf + jit->prg / 4) = (op1);	\
		*(u16 *) ((char *)jit->prg_buf + jit->prg + 4) = (op2); \
	}							\
	jit->prg += 6;						\
})

#define _EMIT6_DISP_LH(op1, op2, disp)				\
({								\
	u32 _d = (disp);					\
	unsigned int __disp_h = ((u32)(_d)) & 0xff000;		\
	unsigned int __disp_l = ((u32)(_d)) & 0x00fff;		\
	_EMIT6((op1) | __disp_l, (op2) | __disp_h >> 4);	\
})

#define EMIT6_DISP_LH(op1, op2, b1, b2, b3, disp)		\
({								\
	_EMIT6_DISP_LH((op1) | (b1) << 20 | (b2) << 16 |	\
		       (b3) << 12, op2, disp);			\
})

#define REG_1	1
#define REG_2	2
#define REG_3	3
#define REG_14	14
#define REG_15	15
#define REG_0	0

static void save_args(struct demo_jit *jit)
{
	/* stg %r2,save_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15,
		      jit->save_off);
	/* stg %r3,save_off+8(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_3, REG_0, REG_15,
		      jit->save_off + 8);
}

static void call_r1(struct demo_jit *jit)
{
	/* basr %r14,%r1 */
	_EMIT2(0x0de1);
	/* lgr %r1,%r2 */
	EMIT4(0xb9040000, REG_1, REG_2);
}

int demo_jit_build(struct demo_jit *jit, u32 flags)
{
	jit->prg = 0;
	jit->save_off = 160;
	save_args(jit);
	if (flags & 1)
		call_r1(jit);
	jit->size = jit->prg;
	return 0;
}

int demo_jit_size(const struct demo_jit *jit)
{
	return jit->size;
}
