/* Registers %r6-%r15 an EMIT macro uses must be marked for the prologue. */
struct jit_state {
	unsigned char *prg_buf;
	int prg;
	unsigned short seen_regs;
};

#define REG_W0		(MAX_BPF_JIT_REG + 0)
#define REG_W1		(MAX_BPF_JIT_REG + 1)
#define REG_L		(MAX_BPF_JIT_REG + 2)
#define REG_15		(MAX_BPF_JIT_REG + 3)

static const int reg2hex[] = {
	[BPF_REG_0] = 14, [BPF_REG_1] = 2, [BPF_REG_2] = 3, [BPF_REG_3] = 4,
	[BPF_REG_4] = 5, [BPF_REG_5] = 6, [BPF_REG_6] = 7, [BPF_REG_7] = 8,
	[BPF_REG_8] = 9, [BPF_REG_9] = 10, [BPF_REG_FP] = 13, [BPF_REG_AX] = 12,
	[REG_W0] = 0, [REG_W1] = 1, [REG_L] = 11, [REG_15] = 15,
};

static inline unsigned int reg(unsigned int a, unsigned int b)
{
	return reg2hex[a] << 4 | reg2hex[b];
}

static inline void reg_set_seen(struct jit_state *jit, unsigned int r)
{
	unsigned int h = reg2hex[r];

	if (h >= 6)
		jit->seen_regs |= 1 << h;
}

#define _EMIT2(op) ({ if (jit->prg_buf) *(u16 *)(jit->prg_buf + jit->prg) = (op); jit->prg += 2; })
#define _EMIT4(op) ({ if (jit->prg_buf) *(u32 *)(jit->prg_buf + jit->prg) = (op); jit->prg += 4; })
#define EMIT2(op, r1, r2) ({ _EMIT2((op) | reg(r1, r2)); reg_set_seen(jit, r1); reg_set_seen(jit, r2); })
#define EMIT4(op, r1, r2) ({ _EMIT4((op) | reg(r1, r2)); reg_set_seen(jit, r1); }) // want `EMIT4 marks registers 0x0 seen for EMIT4\(0xb9040000, 3, 5\), want 0x40: a register of %r6-%r15 it uses is not saved by the prologue`
