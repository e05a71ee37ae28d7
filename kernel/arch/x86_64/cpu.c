// SPDX-License-Identifier: GPL-2.0-only
/* cpu.c - CPUID, legacy PIC for the COM2 interrupt, TSC calibration, isa-debug-exit. */
#include "kern/arch.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define PIT_HZ		1193182ULL
#define DEBUG_EXIT_PORT	0x501

/**
 * cpuid() - execute CPUID
 * @leaf: EAX input
 * @sub: ECX input
 * @a: EAX output
 * @b: EBX output
 * @c: ECX output
 * @d: EDX output
 */
void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

/**
 * irq_init_com2() - remap the 8259 PICs to vectors 32-47; unmask IRQ0 and IRQ3
 *
 * IRQ3 is COM2's receive interrupt; IRQ0 is a 100 Hz PIT tick, a safety net
 * so that a missed edge can never stall the server.  Interrupts stay
 * disabled except inside irq_wait(); an IRQ only ends hlt.
 */
void irq_init_com2(void)
{
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 32);
	outb(PIC2_DATA, 40);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, (uint8_t)~((1 << 0) | (1 << 3)));
	outb(PIC2_DATA, 0xff);
	outb(PIT_CMD, 0x34);				/* ch0, lo/hi, rate generator */
	outb(PIT_CH0, (PIT_HZ / 100) & 0xff);
	outb(PIT_CH0, (PIT_HZ / 100) >> 8);
	uart_enable_rx_irq(COM2_PORT);
}

/**
 * irq_wait() - sleep until an interrupt arrives (sti; hlt; cli)
 */
void irq_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

/**
 * tsc_calibrate_hz() - measure the TSC against PIT channel 2 for about 2 ms
 *
 * Return: TSC ticks per second, 0 if the measurement failed.
 */
uint64_t tsc_calibrate_hz(void)
{
	const uint64_t count = PIT_HZ / 500;	/* 2 ms */
	uint64_t t0, t1;
	unsigned long spins = 0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_CMD, 0xb0);				/* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & 0x20)) {
		if (++spins > 50000000UL)
			return 0;
	}
	t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / count;
}

/**
 * debug_exit() - end QEMU through isa-debug-exit (if present)
 * @code: QEMU exits with status (@code << 1) | 1
 */
void debug_exit(uint8_t code)
{
	outb(DEBUG_EXIT_PORT, code);
}
