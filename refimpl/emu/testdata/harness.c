/*
 * harness.c: runs single s390x instructions for package emu's comparison
 * with qemu-s390x. Written for trampcheck; build with
 *   s390x-linux-gnu-gcc -static -O1 -march=z196 -o harness harness.c
 *
 * Protocol (all big-endian, stdin to stdout):
 *   first, the harness writes a header of 8 u64: the addresses of the
 *   instruction slot, the EX target slot, the fall-through pad (pad 0),
 *   pad 1, pad 2, the data window, its size, and the number of case bytes.
 *   Then for each case read:  u8 insn[6], u8 ex[6], u8 flags (1: memory
 *   window follows), u8 cc, u8 pad[2], u64 regs[16], [u8 window[WIN]]
 *   it writes:                u32 signal (0: none), u32 pad reached,
 *   u32 cc, u32 0, u64 regs[16], [u8 window[WIN]].
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CODE 0x20000000UL
#define DATA 0x20020000UL
#define WIN 512
#define WINADDR (DATA + 0x1000 - WIN)
#define HOLE (DATA + 0x1000)
#define HOLESIZE 0x10000

/*
 * The template is copied to CODE. Everything in it is addressed relative
 * to itself (larl, stgrl, j), so the copy works where it lands. The test
 * instruction goes into t_insn (6 bytes, filled with nopr), the EX target
 * into t_ex. The first page holds code, the second the data slots, so the
 * stores into slots do not make qemu retranslate the code.
 */
__asm__(
	".text\n"
	".balign 4096\n"
	".globl t_start\n"
	"t_start:\n"
	"t_pad2:\n"
	"	stgrl %r1,t_r1\n"
	"	lghi %r1,2\n"
	"	j t_common\n"
	".globl t_entry\n"
	"t_entry:\n"
	"	larl %r1,t_csave\n"
	"	stmg %r6,%r15,0(%r1)\n"
	"	larl %r1,t_ccin\n"
	"	l %r1,0(%r1)\n"
	"	spm %r1\n"
	"	larl %r1,t_regsin\n"
	"	lmg %r0,%r15,0(%r1)\n"
	"t_insn:\n"
	"	.short 0x0700,0x0700,0x0700\n"
	"t_pad0:\n"
	"	stgrl %r1,t_r1\n"
	"	lghi %r1,0\n"
	"	j t_common\n"
	"t_pad1:\n"
	"	stgrl %r1,t_r1\n"
	"	lghi %r1,1\n"
	"	j t_common\n"
	"t_common:\n"
	"	stgrl %r1,t_padid\n"
	"	larl %r1,t_regsout\n"
	"	stmg %r0,%r15,0(%r1)\n"
	"	ipm %r2\n"
	"	larl %r1,t_ccout\n"
	"	st %r2,0(%r1)\n"
	"	larl %r1,t_csave\n"
	"	lmg %r6,%r15,0(%r1)\n"
	"	br %r14\n"
	"	.balign 8\n"
	"t_ex:\n"
	"	.short 0x0700,0x0700,0x0700\n"
	"	.balign 4096\n"
	"t_csave: .space 80\n"
	"t_r1: .quad 0\n"
	"t_padid: .quad 0\n"
	"t_regsin: .space 128\n"
	"t_regsout: .space 128\n"
	"t_ccin: .long 0\n"
	"t_ccout: .long 0\n"
	"	.balign 8\n"
	".globl t_end\n"
	"t_end:\n"
	".globl t_off\n"
	"t_off:\n"
	"	.quad t_insn-t_start, t_ex-t_start, t_pad0-t_start, t_pad1-t_start\n"
	"	.quad t_pad2-t_start, t_entry-t_start, t_csave-t_start, t_r1-t_start\n"
	"	.quad t_padid-t_start, t_regsin-t_start, t_regsout-t_start, t_ccin-t_start\n"
	"	.quad t_ccout-t_start\n");

extern char t_start[], t_end[];
extern const uint64_t t_off[];
enum { O_INSN, O_EX, O_PAD0, O_PAD1, O_PAD2, O_ENTRY, O_CSAVE, O_R1, O_PADID, O_REGSIN, O_REGSOUT, O_CCIN, O_CCOUT };

static sigjmp_buf jb;
static void flush(void);

static void onsig(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	siglongjmp(jb, sig);
}

static void readall(void *p, size_t n)
{
	char *c = p;
	while (n > 0) {
		ssize_t k = read(0, c, n);
		if (k == 0) {
			flush();
			exit(0);
		}
		if (k < 0) {
			perror("read");
			exit(2);
		}
		c += k;
		n -= (size_t)k;
	}
}

static char obuf[1 << 16];
static size_t olen;

static void flush(void)
{
	size_t i = 0;
	while (i < olen) {
		ssize_t k = write(1, obuf + i, olen - i);
		if (k <= 0) {
			perror("write");
			exit(2);
		}
		i += (size_t)k;
	}
	olen = 0;
}

static void out(const void *p, size_t n)
{
	if (olen + n > sizeof obuf)
		flush();
	memcpy(obuf + olen, p, n);
	olen += n;
}

struct in {
	uint8_t insn[6], ex[6], flags, cc, pad[2];
	uint64_t regs[16];
};

struct res {
	uint32_t sig, padid, cc, zero;
	uint64_t regs[16];
};

int main(void)
{
	size_t tlen = (size_t)(t_end - t_start);
	char *code = mmap((void *)CODE, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *data = mmap((void *)DATA, 0x1000, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	void *hole = mmap((void *)HOLE, HOLESIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (code == MAP_FAILED || data == MAP_FAILED || hole == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memcpy(code, t_start, tlen);

	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	if (sigaltstack(&ss, NULL) != 0) {
		perror("sigaltstack");
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = onsig;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);

	uint64_t hdr[8] = { CODE + t_off[O_INSN], CODE + t_off[O_EX], CODE + t_off[O_PAD0],
			    CODE + t_off[O_PAD1], CODE + t_off[O_PAD2], WINADDR, WIN, sizeof(struct in) };
	out(hdr, sizeof hdr);
	flush();

	void (*entry)(void) = (void (*)(void))(CODE + t_off[O_ENTRY]);
	for (;;) {
		struct in c;
		struct res r;
		readall(&c, sizeof c);
		if (c.flags & 1)
			readall(data + 0x1000 - WIN, WIN);
		memcpy(code + t_off[O_INSN], c.insn, 6);
		memcpy(code + t_off[O_EX], c.ex, 6);
		memcpy(code + t_off[O_REGSIN], c.regs, sizeof c.regs);
		*(uint32_t *)(code + t_off[O_CCIN]) = (uint32_t)c.cc << 28;
		memset(&r, 0, sizeof r);
		int sig = sigsetjmp(jb, 1);
		if (sig == 0) {
			entry();
			memcpy(r.regs, code + t_off[O_REGSOUT], sizeof r.regs);
			r.regs[1] = *(uint64_t *)(code + t_off[O_R1]);
			r.padid = (uint32_t) * (uint64_t *)(code + t_off[O_PADID]);
			r.cc = (*(uint32_t *)(code + t_off[O_CCOUT]) >> 28) & 3;
		} else {
			r.sig = (uint32_t)sig;
			memcpy(r.regs, c.regs, sizeof r.regs);
		}
		out(&r, sizeof r);
		if (c.flags & 1)
			out(data + 0x1000 - WIN, WIN);
		if (c.flags & 2)
			flush();
	}
}
