/* SPDX-License-Identifier: GPL-2.0 */
/* Demo header for trampcheck's quick start: fixed-width integer types. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;
typedef _Bool bool;

#define NULL ((void *)0)

#endif
