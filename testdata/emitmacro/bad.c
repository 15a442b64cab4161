/* A miniature s390x JIT, written for the trampcheck fixtures. */
struct jit_state {
	unsigned char *prg_buf;
	int prg;
	unsigned int seen;
	unsigned short seen_regs;
};

#define R_SCRATCH0	(MAX_BPF_JIT_REG + 0)
#define R_SCRATCH1	(MAX_BPF_JIT_REG + 1)
#define REG_W0		R_SCRATCH0
#define REG_W1		R_SCRATCH1
#define REG_L		(MAX_BPF_JIT_REG + 2)
#define REG_15		(MAX_BPF_JIT_REG + 3)
#define REG_0		REG_W0
#define REG_1		REG_W1
#define REG_2		BPF_REG_1
#define REG_3		BPF_REG_2
#define REG_14		BPF_REG_0

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

static inline unsigned int reg_high(unsigned int a)
{
	return reg2hex[a] << 4;
}

#define _EMIT2(op) ({ if (jit->prg_buf) *(u16 *)(jit->prg_buf + jit->prg) = (op); jit->prg += 2; })
#define _EMIT4(op) ({ if (jit->prg_buf) *(u32 *)(jit->prg_buf + jit->prg) = (op); jit->prg += 4; })
#define _EMIT6(hi, lo) ({ if (jit->prg_buf) { *(u32 *)(jit->prg_buf + jit->prg) = (hi); *(u16 *)(jit->prg_buf + jit->prg + 4) = (lo); } jit->prg += 6; })
#define EMIT2(op, r1, r2) _EMIT2((op) | reg(r2, r1)) // want `EMIT2 places R1,R2 wrongly: EMIT2\(0x1800, .*\) emits .*, want .* \(lr `
#define EMIT4(op, r1, r2) _EMIT4((op) | reg(r1, r2))
#define EMIT4_DISP(op, r1, b2, d) _EMIT4((op) | reg_high(r1) << 16 | reg_high(b2) << 4 | ((d) & 0xfff)) // want `EMIT4_DISP places .*B2.* wrongly`
#define EMIT4_IMM(op, r1, i) _EMIT4((op) | reg_high(r1) << 16 | ((i) & 0x7fff)) // want `EMIT4_IMM places I2 wrongly`
#define _EMIT6_DISP_LH(hi, lo, d) ({ u32 dd = (u32)(d); _EMIT6((hi) | (dd & 0xfff), (lo) | (dd & 0xff000) >> 8); }) // want `_EMIT6_DISP_LH places DH2 wrongly`
#define EMIT6_DISP_LH(hi, lo, r1, x2, b2, d) _EMIT6_DISP_LH((hi) | reg(r1, x2) << 16 | reg_high(b2) << 8, lo, d)
#define EMIT6_PCREL_RIL(op, t) ({ int rr = (int)((t) - jit->prg) / 2; _EMIT6((op) | rr >> 16, rr & 0xffff); }) // want `EMIT6_PCREL_RIL places OP1.* wrongly`
#define EMIT6_PCREL_RILC(op, m, t) EMIT6_PCREL_RIL((op) | (m) << 20, (t))
#define EMIT6_IMM(op, r1, i) ({ unsigned int ii = (i); _EMIT6((op) | reg_high(r1) << 16 | ii >> 16, ii & 0xffff); jit->prg += 2; }) // want `EMIT6_IMM advances jit->prg by 8`
