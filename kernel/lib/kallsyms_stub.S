/* SPDX-License-Identifier: GPL-2.0-only */
/* kallsyms_stub.S - empty symbol table for the first link pass. */
	.section .kallsyms, "a"
	.p2align 3
	.globl	kallsyms_num
kallsyms_num:
	.quad	0
	.globl	kallsyms_addrs
kallsyms_addrs:
	.globl	kallsyms_sizes
kallsyms_sizes:
	.globl	kallsyms_name_offs
kallsyms_name_offs:
	.globl	kallsyms_names
kallsyms_names:
	.byte	0
	.section .note.GNU-stack, "", @progbits
