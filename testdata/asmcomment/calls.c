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
#define EMIT2(op, r1, r2) _EMIT2((op) | reg(r1, r2))
#define EMIT4(op, r1, r2) _EMIT4((op) | reg(r1, r2))
#define EMIT4_DISP(op, r1, b2, d) _EMIT4((op) | reg_high(r1) << 16 | reg_high(b2) << 8 | ((d) & 0xfff))
#define EMIT4_IMM(op, r1, i) _EMIT4((op) | reg_high(r1) << 16 | ((i) & 0xffff))
#define _EMIT6_DISP_LH(hi, lo, d) ({ u32 dd = (u32)(d); _EMIT6((hi) | (dd & 0xfff), (lo) | (dd & 0xff000) >> 4); })
#define EMIT6_DISP_LH(hi, lo, r1, x2, b2, d) _EMIT6_DISP_LH((hi) | reg(r1, x2) << 16 | reg_high(b2) << 8, lo, d)
#define EMIT6_PCREL_RIL(op, t) ({ unsigned int rr = (int)((t) - jit->prg) / 2; _EMIT6((op) | rr >> 16, rr & 0xffff); })
#define EMIT6_PCREL_RILC(op, m, t) EMIT6_PCREL_RIL((op) | (m) << 20, (t))
#define EMIT6_IMM(op, r1, i) ({ unsigned int ii = (i); _EMIT6((op) | reg_high(r1) << 16 | ii >> 16, ii & 0xffff); })

struct tramp {
	int retval_off;
	int r14_off;
	int run_ctx_off;
	int stack_size;
};

/* Every comment agrees with its call: nothing is reported. */
static void agree(struct jit_state *jit, struct tramp *tjit, int dst_reg, int src_reg, int is32)
{
	/* stg %r2,retval_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15, tjit->retval_off);
	/* lg %r14,r14_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0004, REG_14, REG_0, REG_15, tjit->r14_off);
	/* la %r3,run_ctx_off(%r15) */
	EMIT4_DISP(0x41000000, REG_3, REG_15, tjit->run_ctx_off);
	/* lgr %dst,%src */
	EMIT4(0xb9040000, dst_reg, src_reg);
	/* {llgfr|lgr} %dst,%src */
	EMIT4(is32 ? 0xb9160000 : 0xb9040000, dst_reg, src_reg);
	/* aghi %r15,-stack_size */
	EMIT4_IMM(0xa70b0000, REG_15, -tjit->stack_size);
	/* lghi %w0,7 */
	EMIT4_IMM(0xa7090000, REG_W0, 7);
	/* brcl 7,out */
	EMIT6_PCREL_RILC(0xc0040000, 7, 0);
	/* exrl %r0,.+10 */
	EMIT6_PCREL_RIL(0xc6000000, jit->prg + 10);
	/* mvc 64(4,%r15),retval_off(%r15) */
	_EMIT6(0xd203f040, 0xf000 | tjit->retval_off);
	/* xc retval_off(8,%r15),retval_off(%r15) */
	_EMIT6(0xd707f000 | tjit->retval_off, 0xf000 | tjit->retval_off);
	/* br %r14 */
	_EMIT2(0x07fe);
	/* basr %r14,%r1 */
	EMIT2(0x0d00, REG_14, REG_1);
	/* Load the result: lgr %r2,%b0 */
	EMIT4(0xb9040000, REG_2, BPF_REG_0);
	/* llgc %dst,off(%src,%l) */
	EMIT6_DISP_LH(0xe3000000, 0x0090, dst_reg, src_reg, REG_L, 8);
	/* lgb %dst,off(%src) */
	EMIT6_DISP_LH(0xe3000000, 0x0077, dst_reg, src_reg, REG_0, 8);
	/* sllg %r1,%r1,3: multiply by 8 */
	EMIT6_DISP_LH(0xeb000000, 0x000d, REG_1, REG_1, REG_0, 3);
	/* jg out */
	EMIT6_PCREL_RILC(0xc0040000, 0xf, 0);
	/* lgr %r1,%r2 */
	if (is32)
		EMIT4(0xb9040000, REG_1, REG_2);
}

/* Not assembly: pseudo-code and prose are ignored. */
static void prose(struct jit_state *jit, int dst_reg)
{
	/* %r1() */
	EMIT2(0x0d00, REG_14, REG_1);
	/* %r8 = func_addr + PATCH_SIZE */
	EMIT4(0xb9040000, REG_2, REG_3);
	/* Restore the registers and return to the caller */
	EMIT4(0xb9040000, REG_2, REG_3);
	/* if ((u32)%b3 >= (u32)%w1) goto out; */
	EMIT4(0xb9040000, REG_2, REG_3);
}

/* Each call disagrees with its comment. */
static void disagree(struct jit_state *jit, struct tramp *tjit, int dst_reg, int src_reg)
{
	/* stg %r2,retval_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0004, REG_2, REG_0, REG_15, tjit->retval_off); // want `comment says stg \(e3\.\.24\) but EMIT6_DISP_LH emits lg \(e3\.\.04\)`
	/* stg %r2,retval_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_3, REG_0, REG_15, tjit->retval_off); // want `stg: comment says %r2 in R1 but EMIT6_DISP_LH emits %r3 \(REG_3\)`
	/* stg %r2,retval_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, REG_2, REG_0, REG_15, tjit->r14_off); // want `stg: comment says displacement retval_off but EMIT6_DISP_LH emits tjit->r14_off`
	/* la %r3,run_ctx_off(%r15) */
	EMIT4_DISP(0x41000000, REG_3, REG_14, tjit->run_ctx_off); // want `index/base %r15 but EMIT4_DISP emits %r14`
	/* mvc 64(16,%r15),0(%r1) */
	_EMIT6(0xd207f040, 0x1000); // want `comment says length 16 but _EMIT6 emits length 8`
	/* brcl 7,out */
	EMIT6_PCREL_RILC(0xc0040000, 8, 0); // want `comment says mask 7 but EMIT6_PCREL_RILC emits 8`
	/* jg out */
	EMIT6_PCREL_RILC(0xc0040000, 8, 0); // want `comment says mask 15 but EMIT6_PCREL_RILC emits 8`
	/* lgr %dst,%src */
	EMIT4(0xb9040000, src_reg, dst_reg); // want `comment says %dst in R1 but EMIT4 emits src_reg there`
	/* aghi %r15,-stack_size */
	EMIT4_IMM(0xa70b0000, REG_15, tjit->stack_size); // want `sign differs`
	/* lghi %w0,7 */
	EMIT4_IMM(0xa7090000, REG_W0, 8); // want `comment says immediate 7 but EMIT4_IMM emits 8`
	/* lhgi %r1,0 */
	EMIT4_IMM(0xa7090000, REG_1, 0); // want `comment says lhgi, which is not an s390x mnemonic, but EMIT4_IMM emits lghi \(a7\.9\)`
	/* sra %dst,%dst,0(%src) */
	EMIT4_DISP(0x8a000000, dst_reg, src_reg, 0); // want `not valid assembly for sra: sra takes 2 operands`
	/* mvc retval_off(%r15),64(4,%r15) */
	_EMIT6(0xd203f000 | tjit->retval_off, 0xf040); // want `operand 1 \(D1\(L,B1\)\) lacks its length`
	/* brcl 15,.+8 */
	EMIT6_PCREL_RIL(0xc0f4000000, jit->prg + 8); // want `opcode constant 0xc0f4000000 is wider than 32 bits`
	/* bcr 0,%0 */
	_EMIT2(0x0700); // want `must be a register, not %0`
	/* exrl %r0,.+10 */
	EMIT6_PCREL_RIL(0xc6000000, jit->prg + 12); // want `comment says target \.\+10 but EMIT6_PCREL_RIL branches to \.\+12`
	/* {llgfr|lgr} %dst,%src */
	EMIT4(1 ? 0xb9040000 : 0xb9160000, dst_reg, src_reg); // want `comment says llgfr \(b916\) but EMIT4 emits lgr \(b904\)`
	/* lgr %r1,%r2 */
	if (dst_reg)
		EMIT4(0xb9040000, REG_1, REG_3); // want `comment says %r2 in R2`
}

/* Raw words with negative and large displacements. */
static void raw_disp(struct jit_state *jit)
{
	/* lg %r1,-8(%r15) */
	_EMIT6(0xe310fff8, 0xff04);
	/* lg %r1,4096(%r15) */
	_EMIT6(0xe310f000, 0x0104);
	/* lg %r1,-16(%r15) */
	_EMIT6(0xe310fff8, 0xff04); // want `lg: comment says displacement -16 but _EMIT6 emits -8 \(opcode constant\)`
}

/* Immediates compare modulo their field. */
static void imm_width(struct jit_state *jit)
{
	/* lghi %w0,-1 */
	EMIT4_IMM(0xa7090000, REG_W0, 0xffff);
	/* lghi %w0,-2 */
	EMIT4_IMM(0xa7090000, REG_W0, 0xffff); // want `lghi: comment says immediate -2 but EMIT4_IMM emits 65535`
}
