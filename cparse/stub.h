/*
 * stub.h: the only header of trampcheck's hermetic parse. The file's own
 * #include lines are blanked, so this supplies what the parser cannot do
 * without: type names (the parser decides them by scope lookup) and the
 * macros whose arguments are type names or which expand to syntax.
 * Written for trampcheck; not taken from the kernel.
 */
#define __KERNEL__ 1
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;
typedef u8 __u8;
typedef s8 __s8;
typedef u16 __u16;
typedef s16 __s16;
typedef u32 __u32;
typedef s32 __s32;
typedef u64 __u64;
typedef s64 __s64;
typedef _Bool bool;
typedef unsigned long size_t;
typedef long ssize_t;
typedef long ptrdiff_t;
typedef unsigned long uintptr_t;
typedef unsigned long phys_addr_t;
typedef unsigned int gfp_t;
#define true 1
#define false 0
#define NULL ((void *)0)
#define noinline __attribute__((__noinline__))
#define __always_inline inline __attribute__((__always_inline__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __maybe_unused __attribute__((__unused__))
#define __noreturn __attribute__((__noreturn__))
#define __init
#define __exit
#define __user
#define __iomem
#define __rcu
#define __percpu
#define __must_check
#define __weak __attribute__((__weak__))
#define offsetof(T, m) __builtin_offsetof(T, m)
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define sizeof_field(T, m) sizeof(((T *)0)->m)
#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))
#define min_t(T, a, b) ((T)(a) < (T)(b) ? (T)(a) : (T)(b))
#define max_t(T, a, b) ((T)(a) > (T)(b) ? (T)(a) : (T)(b))
#define unwind_for_each_frame(st, tk, rg, sp) \
	for (unwind_start(st, tk, rg, sp); !unwind_done(st); unwind_next_frame(st))
