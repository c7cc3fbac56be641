/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers that the pure hypervisor logic (EPT,
 * control computation, exit decoding) uses, so that the same .c files build
 * in cappsule.ko and in the userland unit tests (tests/hv/check_hv).
 */
#ifndef CAPPSULE_PURE_COMPAT_H
#define CAPPSULE_PURE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define BIT(n) (1ul << (n))
#define BIT_ULL(n) (1ull << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
