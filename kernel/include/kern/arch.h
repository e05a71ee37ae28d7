/* SPDX-License-Identifier: GPL-2.0-only */
/* arch.h - x86-64 helpers: port I/O, UARTs, TSC, control registers, traps. */
#ifndef _KERN_ARCH_H
#define _KERN_ARCH_H

#include <stdint.h>
#include <stdbool.h>

#define COM1_PORT	0x3f8
#define COM2_PORT	0x2f8

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* uart.c */
void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
bool uart_can_read(uint16_t port);
uint8_t uart_getc(uint16_t port);
void uart_enable_rx_irq(uint16_t port);

/* traps.c / cpu.c */
void traps_init(void);
void halt_forever(void) __attribute__((noreturn));
void irq_init_com2(void);
void irq_wait(void);
void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d);
uint64_t tsc_calibrate_hz(void);
void debug_exit(uint8_t code);

#endif /* _KERN_ARCH_H */
