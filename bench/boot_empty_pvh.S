/* SPDX-License-Identifier: GPL-2.0-only */
/* boot_empty_pvh.S - the smallest PVH kernel: exits QEMU at once (QEMU's boot floor). */
	.section .note.Xen, "a"
	.p2align 2
	.long	4
	.long	4
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	pvh_start32

	.section .text.entry, "ax"
	.code32
	.globl	pvh_start32
pvh_start32:
	movw	$0x501, %dx		/* isa-debug-exit */
	xorl	%eax, %eax
	outb	%al, %dx
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits
