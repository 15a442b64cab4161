/* Prototypes that bad_conflict.c defines with other types. */
typedef unsigned int cf_u32;
struct cf_ctx;
int cf_emit(struct cf_ctx *ctx, cf_u32 insn);
