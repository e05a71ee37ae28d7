// SPDX-License-Identifier: GPL-2.0-only
/* traps.c - IDT setup; fatal exceptions report on COM1, mark the log PANIC and halt. */
#include "kern/arch.h"
#include "kern/lib.h"
#include "kern/kallsyms.h"
#include "mb_evlog.h"

#define IDT_ENTRIES	48
#define IRQ_BASE	32
#define PIC1_CMD	0x20
#define PIC2_CMD	0xa0

/**
 * struct trap_frame - what isr.S pushes, lowest address first
 * @r15: general registers saved by isr_common (r15 .. rax)
 * @vector: vector number pushed by the stub
 * @error: error code (0 for vectors without one)
 * @rip: interrupted instruction
 * @cs: code segment
 * @rflags: flags
 * @rsp: interrupted stack pointer
 * @ss: stack segment
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint64_t isr_stub_table[IDT_ENTRIES];
static struct idt_entry idt[IDT_ENTRIES] __attribute__((aligned(16)));
static volatile int in_trap;

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved",
};

/**
 * traps_init() - install the IDT: exception vectors 0-31 and IRQs 32-47
 */
void traps_init(void)
{
	struct idt_ptr p;

	for (int i = 0; i < IDT_ENTRIES; i++) {
		uint64_t a = isr_stub_table[i];

		idt[i].off_lo = a & 0xffff;
		idt[i].sel = 0x08;
		idt[i].ist = 0;
		idt[i].type = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
		idt[i].off_mid = (a >> 16) & 0xffff;
		idt[i].off_hi = a >> 32;
		idt[i].zero = 0;
	}
	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(p));
}

/**
 * halt_forever() - stop this CPU for good (interrupts off)
 */
void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void report_exception(struct trap_frame *f)
{
	char sym[128];

	if (kallsyms_lookup(f->rip, sym, sizeof(sym)) < 0)
		mb_snprintf(sym, sizeof(sym), "?");
	printk("PANIC: exception %lu (%s) error 0x%lx\n", (unsigned long)f->vector,
	       exception_names[f->vector & 31], (unsigned long)f->error);
	printk("PANIC: RIP 0x%016lx %s CR2 0x%016lx\n", (unsigned long)f->rip, sym,
	       (unsigned long)read_cr2());
	printk("PANIC: RSP 0x%016lx RFLAGS 0x%lx CS 0x%lx CR3 0x%lx\n", (unsigned long)f->rsp,
	       (unsigned long)f->rflags, (unsigned long)f->cs, (unsigned long)read_cr3());
	printk("PANIC: RAX 0x%lx RBX 0x%lx RCX 0x%lx RDX 0x%lx RSI 0x%lx RDI 0x%lx\n",
	       (unsigned long)f->rax, (unsigned long)f->rbx, (unsigned long)f->rcx,
	       (unsigned long)f->rdx, (unsigned long)f->rsi, (unsigned long)f->rdi);
}

/**
 * trap_dispatch() - C side of every vector (called from isr.S)
 * @f: the saved frame
 *
 * IRQs are acknowledged and return (their only job is to end hlt).
 * Exceptions are fatal.
 */
void trap_dispatch(struct trap_frame *f)
{
	if (f->vector >= IRQ_BASE) {
		if (f->vector >= IRQ_BASE + 8)
			outb(PIC2_CMD, 0x20);
		outb(PIC1_CMD, 0x20);
		return;
	}
	if (in_trap++) {
		console_puts("\r\nPANIC: nested exception, halting\r\n");
		halt_forever();
	}
	report_exception(f);
	mb_evlog_set_state(MB_BOOT_STATE_PANIC);
	printk("PANIC: boot state set to PANIC, halting\n");
	halt_forever();
}
