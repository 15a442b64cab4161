package mutation

// Generator is the line that starts the trampoline generator's definition,
// the anchor of most edits of Trampoline.
const Generator = "static int __arch_prepare_bpf_trampoline("

// Trampoline are realistic one-line bugs of the s390x trampoline
// generator (frame offsets, saved registers, argument copies, return
// paths, program calls), each of which changes the code it emits for
// some covering configuration. The mutation suites of trampxcheck (each
// must be reported at its line) and trampexec (each must be killed by
// execution, or listed as equivalent) both run them, with edits of their
// own.
var Trampoline = []Edit{
	At("aghi sign", Generator, "EMIT4_IMM(0xa70b0000, REG_15, -tjit->stack_size)", "-tjit->stack_size", "tjit->stack_size"),
	At("backchain slot", Generator, "tjit->backchain_off = ", "sizeof(u64)", "2 * sizeof(u64)"),
	At("ip slot size", Generator, "tjit->ip_off = alloc_stack", "sizeof(u64)", "2 * sizeof(u64)"),
	At("arg count value", Generator, "EMIT4_IMM(0xa7090000, REG_0, nr_bpf_args);", "nr_bpf_args", "m->nr_args"),
	At("stmg end register", Generator, "REG_2 + (nr_reg_args - 1), REG_15,", "(nr_reg_args - 1)", "nr_reg_args"),
	At("arg register", Generator, "arg = REG_2 + i;", "REG_2", "REG_3"),
	At("stack arg offset", Generator, "(i - MAX_NR_REG_ARGS) * sizeof(u64);", "(i - MAX_NR_REG_ARGS)", "(i - MAX_NR_REG_ARGS + 1)"),
	At("mvc length 8", Generator, "_EMIT6(0xd207f000 | bpf_arg_off,", "0xd207f000", "0xd203f000"),
	At("mvc length 16", Generator, "_EMIT6(0xd20ff000 | bpf_arg_off,", "0xd20ff000", "0xd207f000"),
	At("stmg r7-r8", Generator, "EMIT6_DISP_LH(0xeb000000, 0x0024, REG_7, REG_8, REG_15,", "REG_8", "REG_7"),
	At("stg r14 opcode", Generator, "REG_14, REG_0, REG_15, tjit->r14_off);", "0x0024", "0x0004"),
	At("return address", Generator, "load_imm64(jit, REG_8, (u64)func_addr + S390X_PATCH_SIZE);", " + S390X_PATCH_SIZE", ""),
	At("ip flag", Generator, "if (flags & BPF_TRAMP_F_IP_ARG) {", "BPF_TRAMP_F_IP_ARG", "BPF_TRAMP_F_CALL_ORIG"),
	At("enter argument", Generator, "load_imm64(jit, REG_2, (u64)im);", "REG_2", "REG_3"),
	At("fentry save_ret", Generator, "flags & BPF_TRAMP_F_RET_FENTRY_RET))", "BPF_TRAMP_F_RET_FENTRY_RET", "BPF_TRAMP_F_CALL_ORIG"),
	At("xc length", Generator, "_EMIT6(0xd707f000 | tjit->retval_off,", "0xd707f000", "0xd703f000"),
	At("fmod_ret mask", Generator, "EMIT6_PCREL_RILC(0xc0040000, 7, tjit->do_fexit);", ", 7,", ", 8,"),
	At("orig call register", Generator, "EMIT4(0xb9040000, REG_1, REG_8);", "REG_8", "REG_7"),
	At("epilogue nop mask", Generator, "EMIT6_PCREL_RILC(0xc0040000, 0, (u64)im->ip_epilogue);", ", 0,", ", 15,"),
	At("skip frame test", Generator, "if (!(flags & BPF_TRAMP_F_SKIP_FRAME))", "!(flags & BPF_TRAMP_F_SKIP_FRAME)", "(flags & BPF_TRAMP_F_SKIP_FRAME)"),
	At("retval reload", Generator, "if (flags & (BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_RET_FENTRY_RET))", " | BPF_TRAMP_F_RET_FENTRY_RET", ""),
	At("frame release", Generator, "EMIT4_IMM(0xa70b0000, REG_15, tjit->stack_size);", "tjit->stack_size)", "tjit->stack_size + 8)"),
	At("return register", "if (flags & BPF_TRAMP_F_SKIP_FRAME)\n", "_EMIT2(0x07fe);", "0x07fe", "0x07f1"),
	At("run_ctx register", "static int invoke_bpf_prog(", "EMIT4_DISP(0x41000000, REG_3, REG_15, tjit->run_ctx_off);", "REG_3", "REG_4"),
	At("skip patch shift", "static int invoke_bpf_prog(", "*(u32 *)&jit->prg_buf[patch + 2]", ">> 1", ">> 2"),
	At("insnsi test", "static int invoke_bpf_prog(", "if (!p->jited)", "!p->jited", "p->jited"),
	At("cookie member", "static int invoke_bpf_prog(", "offsetof(struct bpf_tramp_run_ctx, bpf_cookie);", "bpf_cookie", "saved_run_ctx"),
	At("high half", "static void load_imm64(", "EMIT6_IMM(0xc00e0000, dst_reg, (val >> 32));", ">> 32", ">> 31"),
	At("basr register", "static void call_r1(", "EMIT2(0x0d00, REG_14, REG_1);", "REG_1)", "REG_2)"),
	At("expoline target", "static void emit_expoline(", "EMIT6_PCREL_RIL(0xc6000000, jit->prg + 10);", "+ 10", "+ 12"),
	At("caller area reuse", Generator, "tjit->stack_size -= STACK_FRAME_OVERHEAD - sizeof(u64);", " - sizeof(u64)", ""),
}
