/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot's capture point (cappsule_guest.ko), setjmp-like:
 * hv_capture() saves the callee-saved registers, RSP and RFLAGS, *calls*
 * the copy (cappsule.ko's hv_capture_body(), so the copy's own stack
 * writes land below the saved RSP) and returns 0 in the host. A forked
 * VM starts at hv_capture_resume with RSP = the saved RSP and RAX =
 * id + 1: it "returns again" from the same call, in the copy, into
 * guest/main.c, which runs hv_guest_forked() (guest/forked.c). Nothing
 * of cappsule.ko runs in a fork: its text there is INT3.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* struct hv_capture: hv.h */
#define C_RBX		0
#define C_RBP		8
#define C_R12		16
#define C_R13		24
#define C_R14		32
#define C_R15		40
#define C_RSP		48
#define C_RFLAGS	56

	.text
/* int hv_capture(struct hv_capture *c, void *arg): hv_capture_body(arg) */
SYM_FUNC_START(hv_capture)
	mov	%rbx, C_RBX(%rdi)
	mov	%rbp, C_RBP(%rdi)
	mov	%r12, C_R12(%rdi)
	mov	%r13, C_R13(%rdi)
	mov	%r14, C_R14(%rdi)
	mov	%r15, C_R15(%rdi)
	mov	%rsp, C_RSP(%rdi)	/* points at our return address */
	pushf
	pop	C_RFLAGS(%rdi)
	push	%rbp			/* 16-byte aligned for the call */
	mov	%rsi, %rdi
	call	hv_capture_body
	pop	%rbp
	xor	%eax, %eax		/* the host: 0 */
	RET
SYM_FUNC_END(hv_capture)

/* A forked VM starts here (guest RIP), RAX = id + 1 (VMCS and gpr[]). */
SYM_CODE_START(hv_capture_resume)
	ANNOTATE_NOENDBR
	RET
SYM_CODE_END(hv_capture_resume)
