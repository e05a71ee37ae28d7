// SPDX-License-Identifier: GPL-2.0-only
/* uart.c - polled 16550 UART driver (COM1 console, COM2 serial protocol). */
#include "kern/arch.h"

#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding (write) */
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_DLL	0	/* with LCR.DLAB */
#define UART_DLM	1
#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define MCR_DTR_RTS_OUT2 0x0b
#define IER_RDA		0x01

/**
 * uart_init() - 115200 8N1, FIFOs on, interrupts off
 * @port: I/O base (COM1_PORT, COM2_PORT)
 */
void uart_init(uint16_t port)
{
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, 1);
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, 0xc7);
	outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
}

#define UART_FIFO_SIZE	16

/* Bytes that may still be written without polling, per port (COM1, COM2). */
static unsigned int uart_tx_credit[2];

/**
 * uart_putc() - send one byte, waiting for the transmitter
 * @port: I/O base
 * @c: byte
 *
 * THRE with the FIFO enabled means the whole 16-byte FIFO is empty, so the
 * line status is polled once per 16 bytes rather than once per byte.
 */
void uart_putc(uint16_t port, char c)
{
	unsigned int *credit = &uart_tx_credit[port == COM2_PORT];

	if (!*credit) {
		unsigned int spins = 0;

		while (!(inb(port + UART_LSR) & LSR_THRE) && ++spins < 100000)
			cpu_relax();
		*credit = UART_FIFO_SIZE;
	}
	(*credit)--;
	outb(port + UART_THR, (uint8_t)c);
}

/**
 * uart_can_read() - is a received byte waiting?
 * @port: I/O base
 *
 * Return: true if uart_getc() will not block.
 */
bool uart_can_read(uint16_t port)
{
	return inb(port + UART_LSR) & LSR_DR;
}

/**
 * uart_getc() - read one received byte (call uart_can_read() first)
 * @port: I/O base
 *
 * Return: the byte.
 */
uint8_t uart_getc(uint16_t port)
{
	return inb(port + UART_RBR);
}

/**
 * uart_enable_rx_irq() - raise the UART's IRQ when data arrives
 * @port: I/O base
 */
void uart_enable_rx_irq(uint16_t port)
{
	outb(port + UART_IER, IER_RDA);
}
