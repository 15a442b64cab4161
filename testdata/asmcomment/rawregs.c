/* A JIT without a reg2hex array: register macros are the numbers. */
struct jit_state {
	unsigned char *prg_buf;
	int prg;
	int save_off;
};

#define R2	2
#define R3	3
#define R15	15
#define R0	0

static void save(struct jit_state *jit, int reg)
{
	/* stg %r2,save_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, R2, R0, R15, jit->save_off);
	/* stg %r3,save_off+8(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, R3, R0, R15, jit->save_off + 8);
	/* stg %r3,save_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, R2, R0, R15, jit->save_off); // want `stg: comment says %r3 in R1 but EMIT6_DISP_LH emits %r2 \(R2\)`
	/* stg %r2,save_off(%r15) */
	EMIT6_DISP_LH(0xe3000000, 0x0024, R2, R0, reg, jit->save_off);
}
