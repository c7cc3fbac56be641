/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX instructions as small inline functions. Each reports VMfail
 * (CF or ZF set) to its caller; VMXON also survives a #GP/#UD fault.
 */
#ifndef CAPPSULE_ROOT_VMX_INSN_H
#define CAPPSULE_ROOT_VMX_INSN_H

#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

/* clang-format would split the %l[label] operands of asm goto */
/* clang-format off */

/* 0 ok, -EIO VMfail, -EFAULT faulted (VMX off in IA32_FEATURE_CONTROL) */
static inline int hv_vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m"(pa) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

static inline int hv_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static inline int hv_vmclear(u64 pa)
{
	asm goto("vmclear %[pa]\n\t"
		 "jbe %l[fail]"
		 : : [pa] "m"(pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static inline int hv_vmptrld(u64 pa)
{
	asm goto("vmptrld %[pa]\n\t"
		 "jbe %l[fail]"
		 : : [pa] "m"(pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static inline u64 hv_vmread(unsigned long field)
{
	u64 val;

	asm volatile("vmread %[f], %[v]"
		     : [v] "=rm"(val) : [f] "r"(field) : "cc");
	return val;
}

/* A failed VMWRITE is a module bug: count it, the caller checks once. */
static inline bool hv_vmwrite(unsigned long field, u64 val)
{
	asm goto("vmwrite %[v], %[f]\n\t"
		 "jbe %l[fail]"
		 : : [v] "rm"(val), [f] "r"(field) : "cc" : fail);
	return true;
fail:
	return false;
}

static inline int hv_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, rsvd;
	} desc = { eptp, 0 };

	asm goto("invept %[d], %[t]\n\t"
		 "jbe %l[fail]"
		 : : [d] "m"(desc), [t] "r"(type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static inline int hv_invvpid(unsigned long type, u16 vpid)
{
	struct {
		u64 vpid, gla;
	} desc = { vpid, 0 };

	asm goto("invvpid %[d], %[t]\n\t"
		 "jbe %l[fail]"
		 : : [d] "m"(desc), [t] "r"(type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/* clang-format on */

#endif
