/* SPDX-License-Identifier: GPL-2.0 */
/* Demo header for trampcheck's quick start: the JIT's public entry points. */
#ifndef _LINUX_DEMO_JIT_H
#define _LINUX_DEMO_JIT_H

#include <linux/types.h>

struct demo_jit;

int demo_jit_size(const struct demo_jit *jit);
int demo_jit_build(struct demo_jit *jit, u32 flags);

#endif
