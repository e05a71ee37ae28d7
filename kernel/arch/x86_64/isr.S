/* SPDX-License-Identifier: GPL-2.0-only */
/* isr.S - interrupt/exception entry stubs: push a uniform frame, call trap_dispatch(). */

/* Vectors whose exceptions push an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.macro	isr_stub vec
	.p2align 4
isr_stub_\vec:
	.if (HAS_ERR(\vec)) == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	isr_common
	.endm

	.altmacro
	.set	i, 0
	.rept	48
	isr_stub %i
	.set	i, i + 1
	.endr

	.p2align 4
isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	movq	%rsp, %rbx
	andq	$~15, %rsp
	call	trap_dispatch
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
	iretq

	.macro	isr_addr vec
	.quad	isr_stub_\vec
	.endm

	.section .rodata
	.p2align 3
	.globl	isr_stub_table
isr_stub_table:
	.set	i, 0
	.rept	48
	isr_addr %i
	.set	i, i + 1
	.endr
