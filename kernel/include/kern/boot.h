/* SPDX-License-Identifier: GPL-2.0-only */
/* boot.h - what the firmware handed over: memory map, command line, modules, ACPI. */
#ifndef _KERN_BOOT_H
#define _KERN_BOOT_H

#include <stdint.h>
#include <stdbool.h>

#define E820_MAX		128
#define E820_TYPE_RAM		1
#define E820_TYPE_RESERVED	2
#define E820_TYPE_ACPI		3
#define E820_TYPE_NVS		4
#define E820_TYPE_UNUSABLE	5
#define E820_TYPE_PMEM		7
#define E820_TYPE_SOFT_RESERVED	0xefffffff
#define BOOT_MODULES_MAX	8
#define CMDLINE_MAX		2048
#define ACPI_TABLES_MAX		32
#define SRAT_MEM_MAX		128
#define MAX_NODES		64
#define MAX_CPUS		1024

/**
 * struct e820_entry - one firmware memory-map range
 * @addr: start
 * @size: length
 * @type: E820_TYPE_*
 */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/**
 * struct boot_module - a module (initrd) passed by the loader
 * @paddr: physical start
 * @size: length in bytes
 */
struct boot_module {
	uint64_t paddr;
	uint64_t size;
};

/**
 * struct boot_info - firmware hand-over, parsed (pvh.c)
 * @proto: boot protocol name ("PVH" or "Multiboot")
 * @start_info: physical address of the start-info block (Multiboot: the info structure)
 * @start_info_size: its size
 * @nr_e820: entries in @e820
 * @e820: memory map as handed over
 * @memmap_paddr: where the firmware's memory map lives
 * @memmap_size: its size in bytes
 * @cmdline: NUL-terminated copy of the command line
 * @cmdline_paddr: where the firmware's command line lives (0 if none)
 * @cmdline_size: its size including the NUL
 * @nr_modules: entries in @modules
 * @modules: modules (initrd first)
 * @modlist_paddr: the module list itself
 * @modlist_size: its size
 * @rsdp_paddr: ACPI RSDP from the loader (0: scan the BIOS areas)
 */
struct boot_info {
	const char *proto;
	uint64_t start_info;
	uint64_t start_info_size;
	uint32_t nr_e820;
	struct e820_entry e820[E820_MAX];
	uint64_t memmap_paddr;
	uint64_t memmap_size;
	char cmdline[CMDLINE_MAX];
	uint64_t cmdline_paddr;
	uint64_t cmdline_size;
	uint32_t nr_modules;
	struct boot_module modules[BOOT_MODULES_MAX];
	uint64_t modlist_paddr;
	uint64_t modlist_size;
	uint64_t rsdp_paddr;
};

#define BOOT_PROTO_PVH		1
#define BOOT_PROTO_MULTIBOOT	2

int pvh_parse(uint64_t start_info_paddr, struct boot_info *bi);
int multiboot_parse(uint64_t mbi_paddr, struct boot_info *bi);
void e820_sort_insert(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type);

/**
 * struct boot_params - the kernel command line, parsed (cmdline.c)
 * @memblock_debug: memblock=debug
 * @bottom_up: memblock=bottomup or memblock_bottom_up
 * @movable_node: movable_node
 * @numa_off: numa=off
 * @mirror: kernelcore=mirror
 * @mem_limit: mem= in bytes (0: none)
 * @hexdump_log: mb_hexdump_log: print the event log as hex on COM1 at the end
 * @exit_when_done: mb_exit: leave QEMU through isa-debug-exit after the report
 * @no_serve: mb_noserve: halt after the report instead of serving COM2
 * @test_fault: mb_test_fault: take a page fault early (tests the trap report)
 * @evlog_records: mb_evlog_records=N: use only N record slots (0: all)
 * @evlog_nochains: mb_evlog_nochains: log no caller chains (the log header
 *   then looks as it did before chains existed)
 * @nr_unknown: number of unknown parameters
 * @unknown: the unknown parameters, space separated
 */
struct boot_params {
	bool memblock_debug;
	bool bottom_up;
	bool movable_node;
	bool numa_off;
	bool mirror;
	uint64_t mem_limit;
	bool hexdump_log;
	bool exit_when_done;
	bool no_serve;
	bool test_fault;
	uint64_t evlog_records;
	bool evlog_nochains;
	int nr_unknown;
	char unknown[512];
};

void cmdline_parse(const char *cmdline, struct boot_params *bp);

/**
 * struct acpi_table_ref - one ACPI table found in memory
 * @sig: signature, NUL-terminated
 * @paddr: physical address
 * @len: length in bytes
 */
struct acpi_table_ref {
	char sig[5];
	uint64_t paddr;
	uint32_t len;
};

/**
 * struct srat_mem - an SRAT memory-affinity range
 * @base: start
 * @size: length
 * @nid: node id (proximity domains numbered in order of appearance)
 * @hotplug: hot-pluggable
 */
struct srat_mem {
	uint64_t base;
	uint64_t size;
	int nid;
	bool hotplug;
};

/**
 * struct acpi_info - what the kernel learned from ACPI (acpi.c)
 * @rsdp: RSDP physical address (0: no ACPI)
 * @rsdp_len: RSDP length (20 or 36)
 * @nr_tables: entries in @tables (RSDT/XSDT, listed tables, DSDT, FACS)
 * @tables: every table found
 * @nr_cpus: enabled CPUs in the MADT (1 if no MADT)
 * @nr_srat_mem: entries in @srat_mem
 * @srat_mem: SRAT memory affinity
 * @nr_nodes: distinct nodes in the SRAT (0: no SRAT)
 * @node_cpus: enabled CPUs per node from SRAT processor affinity
 */
struct acpi_info {
	uint64_t rsdp;
	uint32_t rsdp_len;
	int nr_tables;
	struct acpi_table_ref tables[ACPI_TABLES_MAX];
	int nr_cpus;
	int nr_srat_mem;
	struct srat_mem srat_mem[SRAT_MEM_MAX];
	int nr_nodes;
	int node_cpus[MAX_NODES];
};

int acpi_scan(uint64_t rsdp_hint, struct acpi_info *ai);

#endif /* _KERN_BOOT_H */
