/* SPDX-License-Identifier: GPL-2.0-only */
/* entry.S - PVH entry note, 32-bit protected mode to long mode, call kmain(). */

#define PVH_ELFNOTE_PHYS32_ENTRY	18
#define CR0_PE		0x00000001
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define PTE_P_W		0x003
#define PDE_2M		0x083		/* present, writable, page size */
#define BOOT_STACK_SIZE	0x10000
#define BOOT_PROTO_PVH		1
#define BOOT_PROTO_MULTIBOOT	2
#define MULTIBOOT_MAGIC		0x1badb002
#define MULTIBOOT_BOOTED	0x2badb002
/* page-aligned modules, memory map, load by the address fields below */
#define MULTIBOOT_FLAGS		0x00010003

/*
 * The Xen/PVH note: QEMU reads the 32-bit physical entry point from it and,
 * through its PVH option ROM, enters there in 32-bit protected mode with
 * paging off and %ebx holding the physical address of hvm_start_info.
 */
	.section .note.Xen, "a"
	.p2align 2
	.long	4			/* namesz */
	.long	4			/* descsz */
	.long	PVH_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	pvh_start32

	.section .text.entry, "ax"
	.code32
#ifdef MB_KERNEL_MULTIBOOT
/*
 * Multiboot 1 header (variant kernel-multiboot only: QEMU prefers Multiboot
 * over PVH when both are present). QEMU refuses 64-bit ELF Multiboot
 * images unless the header gives the load addresses itself (flag 16); the
 * linker script keeps _text.._edata contiguous in the file for this.
 */
	.p2align 2
multiboot_header:
	.long	MULTIBOOT_MAGIC
	.long	MULTIBOOT_FLAGS
	.long	-(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
	.long	multiboot_header		/* header_addr */
	.long	_text				/* load_addr */
	.long	_edata				/* load_end_addr */
	.long	_end				/* bss_end_addr */
	.long	multiboot_start32		/* entry_addr */

/* Multiboot entry: %eax = 0x2badb002, %ebx = multiboot info. */
	.globl	multiboot_start32
	.type	multiboot_start32, @function
multiboot_start32:
	cli
	cld
	movl	%ebx, %esi
	xorl	%ebp, %ebp
	cmpl	$MULTIBOOT_BOOTED, %eax
	jne	boot_common32
	movl	$BOOT_PROTO_MULTIBOOT, %ebp
	jmp	boot_common32
	.size	multiboot_start32, . - multiboot_start32
#endif

/* PVH entry: %ebx = hvm_start_info. */
	.globl	pvh_start32
	.type	pvh_start32, @function
pvh_start32:
	cli
	cld
	movl	%ebx, %esi			/* keep start_info across the bss clear */
	movl	$BOOT_PROTO_PVH, %ebp
boot_common32:

	/* Zero .bss (page tables, stack, the event log). */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	%esi, boot_start_info
	movl	%ebp, boot_proto

	movl	$boot_stack_top, %esp
	lgdt	boot_gdt_ptr

	/* Identity map the first 4 GiB with 2 MiB pages. */
	movl	$boot_pdpt, %eax
	orl	$PTE_P_W, %eax
	movl	%eax, boot_pml4
	xorl	%ecx, %ecx			/* PD index across the 4 PD pages */
1:	movl	%ecx, %eax
	shll	$21, %eax			/* low 32 bits of ecx * 2 MiB */
	orl	$PDE_2M, %eax
	movl	%eax, boot_pd(, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax			/* high bits: ecx * 2 MiB >> 32 */
	movl	%eax, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$PTE_P_W, %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	2b

	/* PAE, long mode, paging. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP), %eax
	movl	%eax, %cr0
	ljmp	$0x08, $long_mode_entry

	.code64
long_mode_entry:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	boot_start_info(%rip), %edi
	movl	boot_proto(%rip), %esi
	call	kmain
3:	cli
	hlt
	jmp	3b
	.size	pvh_start32, . - pvh_start32

	.section .rodata
	.p2align 3
	.globl	boot_gdt
boot_gdt:
	.quad	0				/* null */
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.data
	.p2align 2
	.globl	boot_start_info
boot_start_info:
	.long	0
	.globl	boot_proto
boot_proto:
	.long	0

	.bss
	.p2align 12
	.globl	boot_pml4
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
	.p2align 4
	.globl	boot_stack
boot_stack:
	.skip	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
