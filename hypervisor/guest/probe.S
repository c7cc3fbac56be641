/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe payloads: tiny 64-bit guests that run in VMX non-root mode, each
 * copied to CAPPSULE_PROBE_GPA_CODE of its own probe VM. They are untrusted
 * code from the host's point of view: each pokes one exit path and reports
 * what it saw through hypercalls. Position-independent; data lives at the
 * fixed guest-physical addresses of common/uapi/cappsule.h.
 */
#include <linux/linkage.h>

#define HC_VERSION	1
#define HC_ECHO		2
#define HC_REPORT	3
#define HC_DONE		4

#define GPA_TEMPLATE	0x200000
#define GPA_MISCONFIG	0x300000
#define GPA_BIG		0x400000
#define GPA_FRESH	0x600000
#define GPA_LIMIT	0x1000000

/* result[slot] = reg (clobbers rax, rdi, rsi) */
.macro report slot, reg
	mov	\reg, %rsi
	mov	$\slot, %edi
	mov	$HC_REPORT, %eax
	vmcall
.endm

.macro done
	xor	%edi, %edi
	mov	$HC_DONE, %eax
	vmcall
	ud2			/* never resumed after DONE */
.endm

.macro payload name
	.globl	hv_probe_\name\()_start
hv_probe_\name\()_start:
.endm

.macro payload_end name
	.globl	hv_probe_\name\()_end
hv_probe_\name\()_end:
.endm

	.section .rodata, "a"
	.code64

/* CPUID: hypervisor leaf, leaf 1 (VMX hidden), leaf 0 vendor */
payload cpuid
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rbx, %r12
	mov	%rax, %r13
	report	0, %r13
	report	1, %r12
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	report	2, %rcx
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	report	3, %rbx
	done
payload_end cpuid

/* VMCALL: version, echo, unknown number, bad report slot, 100 echoes */
payload vmcall
	mov	$HC_VERSION, %eax
	vmcall
	mov	%rax, %r12
	report	0, %r12
	movabs	$0x0123456789abcdef, %rdi
	mov	$HC_ECHO, %eax
	vmcall
	mov	%rax, %r12
	report	1, %r12
	mov	$0x999, %eax
	vmcall
	mov	%rax, %r12
	report	2, %r12
	mov	$99, %edi
	mov	$HC_REPORT, %eax
	vmcall
	mov	%rax, %r12
	report	3, %r12
	xor	%r13d, %r13d		/* echo(i) == ~i for i in 0..99 */
	xor	%r14d, %r14d
1:	mov	%r13, %rdi
	mov	$HC_ECHO, %eax
	vmcall
	not	%rax
	cmp	%rax, %r13
	jne	2f
	inc	%r14
2:	inc	%r13
	cmp	$100, %r13
	jne	1b
	report	4, %r14
	done
payload_end vmcall

/* EPT: read the shared page, write it (CoW), fresh pages, the 2M page */
payload ept
	mov	$GPA_TEMPLATE, %ebx
	mov	(%rbx), %r12
	report	0, %r12
	movabs	$0xdeadbeefcafef00d, %rcx
	mov	%rcx, (%rbx)
	mov	(%rbx), %r12
	report	1, %r12
	mov	$GPA_FRESH, %ebx
	mov	(%rbx), %r12
	report	2, %r12
	movq	$0x77, (%rbx)
	mov	(%rbx), %r12
	report	3, %r12
	mov	$GPA_BIG, %ebx		/* 2 MiB page: no exit expected */
	movq	$0x11, 0x1000(%rbx)
	movq	$0x22, 0x1ff000(%rbx)
	mov	0x1000(%rbx), %r12
	add	0x1ff000(%rbx), %r12
	report	4, %r12
	mov	$GPA_FRESH + 0x10000, %ebx	/* 8 more fresh pages */
	mov	$8, %ecx
1:	movq	$1, (%rbx)
	add	$0x1000, %rbx
	dec	%ecx
	jnz	1b
	done
payload_end ept

payload io
	mov	$0x80, %dx
	out	%al, %dx
	done
payload_end io

/* WRMSR \msr with \hi:\lo, RDMSR it back, report the value in \slot */
.macro msr_roundtrip msr, lo, hi, slot
	mov	$\msr, %ecx
	mov	$\lo, %eax
	mov	$\hi, %edx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r12
	report	\slot, %r12
.endm

/*
 * RDMSR TSC, a shadowed MSR written and read back; the x2APIC's EOI and
 * timer count, and the TSC deadline, written and read back (scratch);
 * SPEC_CTRL 0 written and read back (switched, or a shadow on a CPU
 * without it; the spec_ctrl payload sets bits), an IBPB command
 */
payload msr_ok
	mov	$0x10, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r12
	report	0, %r12
	msr_roundtrip 0xc0000102, 0x55667788, 0x00003344, 1 /* canonical */
	mov	$0x80b, %ecx		/* x2APIC EOI */
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	msr_roundtrip 0x838, 0x12345, 0, 2	/* x2APIC timer initial count */
	msr_roundtrip 0x6e0, 0x9abcdef0, 0x7, 3	/* IA32_TSC_DEADLINE */
	msr_roundtrip 0x48, 0x0, 0, 4		/* IA32_SPEC_CTRL: valid anywhere */
	mov	$0x49, %ecx		/* IA32_PRED_CMD: an IBPB, carried out */
	mov	$1, %eax
	xor	%edx, %edx
	wrmsr
	done
payload_end msr_ok

payload msr_bad
	mov	$0xc0000082, %ecx	/* IA32_LSTAR: never */
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	done
payload_end msr_bad

payload spin
1:	jmp	1b
payload_end spin

/* LOOP: rdi = iterations (arg[0]); rsi (arg[1]) != 0: run with RFLAGS.IF set */
payload loop
	test	%rsi, %rsi
	jz	1f
	sti
1:	mov	%rdi, %rcx
1:	dec	%rcx
	jnz	1b
	mov	$1, %r12d
	report	0, %r12
	done
payload_end loop

payload hlt
	hlt
	mov	$1, %r12d
	report	0, %r12
	hlt
	done
payload_end hlt

payload exception
	ud2
	done
payload_end exception

/* no exception is intercepted here: #UD -> #GP (IDT limit 0) -> #DF -> shutdown */
payload triple_fault
	push	$0
	push	$0
	lidt	(%rsp)
	ud2
	done
payload_end triple_fault

/* CR4: read (shadowed), toggle PGE twice (allowed), set VMXE (killed) */
payload cr
	mov	%cr4, %rax
	mov	%rax, %r12
	report	0, %r12
	mov	%r12, %rax
	xor	$0x80, %rax
	mov	%rax, %cr4
	xor	$0x80, %rax
	mov	%rax, %cr4
	mov	%cr4, %rax
	mov	%rax, %r13
	report	1, %r13
	mov	%r12, %rax
	or	$0x2000, %rax
	mov	%rax, %cr4
	done
payload_end cr

payload ept_misconfig
	mov	$GPA_MISCONFIG, %ebx
	mov	(%rbx), %rax
	done
payload_end ept_misconfig

payload ept_outside
	mov	$GPA_LIMIT + 0x1000, %ebx
	mov	(%rbx), %rax
	done
payload_end ept_outside

payload invd
	invd
	done
payload_end invd

/* XSETBV with the current XCR0 (allowed), then with x87 only (killed) */
payload xsetbv
	xor	%ecx, %ecx
	xgetbv
	mov	%rax, %r12
	xsetbv
	report	0, %r12
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$1, %eax
	xsetbv
	done
payload_end xsetbv

payload vmx_insn
	push	$0
	vmclear	(%rsp)
	done
payload_end vmx_insn

/* SWAPGS writes IA32_KERNEL_GS_BASE, which VM exits do not restore */
payload swapgs
	swapgs
	done
payload_end swapgs

/* FPU state is the guest's own: XMM0 starts clean, the guest dirties it */
payload fpu
	movq	%xmm0, %r12
	report	0, %r12
	movabs	$0x6775657374787878, %rax
	movq	%rax, %xmm0
	movq	%xmm0, %r12
	report	1, %r12
	done
payload_end fpu

/* IA32_SPEC_CTRL = IBRS | SSBD: the guest's own, or a kill (no such bits) */
payload spec_ctrl
	msr_roundtrip 0x48, 0x5, 0, 0
	done
payload_end spec_ctrl
