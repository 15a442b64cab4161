/*
 * C semantics fixture for cparse/interp, written for trampcheck. Every
 * function tN takes no arguments and returns a long; the test runs each in
 * the interpreter and compares with the same file compiled by the host gcc.
 * Only behaviour that is the same on s390x and x86-64 is used: no plain
 * char, no type punning through memory, no undefined behaviour.
 */

struct inner {
	u16 a;
	u32 b;
};

struct outer {
	u8 tag;
	struct inner in;
	u64 arr[4];
	int last;
};

enum color { RED, GREEN = 5, BLUE };

static const int table[] = {
	[2] = 20,
	[0] = 7,
	[5] = -3,
};

static int counter;

static int bump(int by)
{
	counter += by;
	return counter;
}

static long fact(int n)
{
	return n <= 1 ? 1 : n * fact(n - 1);
}

long t01(void) { u8 x = 250; x += 10; return x; }
long t02(void) { u32 a = 1; int b = -2; return a + b; }
long t03(void) { u32 a = 1; int b = -2; return a < b; }
long t04(void) { long a = 1; int b = -2; return a < b; }
long t05(void) { int a = -7; return a / 2 * 100 + a % 2; }
long t06(void) { u32 a = 0x80000000; return (long)(int)a; }
long t07(void) { u16 a = 0xffff; return a << 16; }
long t08(void) { unsigned int a = 0xe3000000; return a | 3 << 20 | 0x0024; }
long t09(void) { int x = -1; return (u64)x >> 60; }
long t10(void) { s8 v = -128; return v - 1; }
long t11(void) { int i, s = 0; for (i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; s += i; } return s; }
long t12(void)
{
	int r = 0;
	switch (3) {
	case 1: r += 1;
	case 3: r += 3;
	case 4: r += 4; break;
	default: r = 100;
	}
	return r;
}
long t13(void) { struct outer o = { 0 }; o.in.b = 9; o.arr[3] = 11; o.last = -1; return o.in.b + o.arr[3] + o.last + sizeof(o); }
long t14(void) { struct outer o = { 0 }; struct outer *p = &o; p->in.a = 65535; p->in.a++; return p->in.a; }
long t15(void) { u64 a[4] = { 1, 2, 3, 4 }; u64 *p = &a[1]; return *(p + 2) + (p - a) * 100; }
long t16(void) { return ({ int z = 4; z * z; }) + ({ 1; 2; }); }
long t17(void) { int n = 0; do { n += 2; } while (n < 7); return n; }
long t18(void) { counter = 0; return (bump(1) || bump(10)) + counter * 10 + (bump(0) && 0); }
long t19(void) { return table[0] + table[2] * 10 + table[5] * 100 + sizeof(table) / sizeof(table[0]) * 1000; }
long t20(void) { return GREEN + BLUE * 10 + RED; }
long t21(void) { return fact(10); }
long t22(void) { long x = 0; return x ?: 42; }
long t23(void) { int a = 5, b; b = (a++, a++, a); return b * 10 + a; }
long t24(void) { u32 rel = (int)(100 - 300) / 2; return rel >> 16 | (rel & 0xffff) << 4; }
long t25(void) { int off = 200; unsigned int d = (off) & 0xfff; u32 dh = ((u32)-8 & 0xff000) >> 4; return d + dh; }
long t26(void) { size_t n = 3; int m = 5 - n * sizeof(u64); return m; }
long t27(void) { bool b = 16; int x = b + 1; return x; }
long t28(void) { u8 arr[3] = { 1, 2, 3 }; int i = 0; arr[i++] += 5; return arr[0] * 100 + i; }
long t29(void) { long v = -5; return min_t(int, v, 3) * 10 + max_t(u32, 1, 2); }
long t30(void) { u64 v = 0x123456789abcdef0ULL; return (u32)(v >> 32) + (u32)v % 1000; }
