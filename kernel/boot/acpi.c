// SPDX-License-Identifier: GPL-2.0-only
/* acpi.c - find the RSDP, walk RSDT/XSDT, read MADT (CPUs) and SRAT (NUMA). */
#include "kern/boot.h"
#include "kern/lib.h"

#define ACPI_MAX_TABLE_LEN	(16u << 20)

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;	/* revision >= 2 from here */
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

#define phys(pa) phys_ptr(pa)

static uint8_t sum8(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static uint64_t rsdp_search(uint64_t start, uint64_t len)
{
	for (uint64_t a = ALIGN_UP(start, 16); a + 20 <= start + len; a += 16) {
		const struct acpi_rsdp *r = phys(a);

		if (!memcmp(r->sig, "RSD PTR ", 8) && !sum8(r, 20))
			return a;
	}
	return 0;
}

/* Linux's order: the first KiB of the EBDA, then the BIOS area 0xe0000-0xfffff. */
static uint64_t rsdp_find(uint64_t hint)
{
	uint64_t ebda = (uint64_t)*(volatile uint16_t *)phys_ptr(0x40e) << 4;
	uint64_t a = 0;

	if (hint)
		return hint;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		a = rsdp_search(ebda, 1024);
	if (!a)
		a = rsdp_search(0xe0000, 0x20000);
	return a;
}

static void fixed_str(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void print_table(const char *sig, uint64_t pa, const struct acpi_header *h)
{
	char oem[7], tid[9], cid[5];

	if (!h) {
		printk("ACPI: %-4s 0x%016lX %06X\n", sig, (unsigned long)pa, 0);
		return;
	}
	fixed_str(oem, h->oem_id, 6);
	fixed_str(tid, h->oem_table_id, 8);
	fixed_str(cid, h->creator_id, 4);
	printk("ACPI: %-4s 0x%016lX %06X (v%02d %-6s %-8s %08X %-4s %08X)\n", sig,
	       (unsigned long)pa, h->length, h->revision, oem, tid, h->oem_revision, cid,
	       h->creator_revision);
}

static const struct acpi_header *add_table(struct acpi_info *ai, uint64_t pa, bool verbose)
{
	const struct acpi_header *h;

	if (!pa || pa >= SZ_4G)
		return NULL;
	h = phys(pa);
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN)
		return NULL;
	for (int i = 0; i < ai->nr_tables; i++)
		if (ai->tables[i].paddr == pa)
			return h;
	if (ai->nr_tables < ACPI_TABLES_MAX) {
		struct acpi_table_ref *t = &ai->tables[ai->nr_tables++];

		fixed_str(t->sig, h->sig, 4);
		t->paddr = pa;
		t->len = h->length;
	}
	if (verbose)
		print_table(ai->tables[ai->nr_tables - 1].sig, pa, h);
	return h;
}

/* FACS has no standard header: signature and length only. */
static void add_facs(struct acpi_info *ai, uint64_t pa)
{
	const uint32_t *f = phys(pa);

	if (!pa || pa >= SZ_4G || ai->nr_tables >= ACPI_TABLES_MAX || memcmp(f, "FACS", 4))
		return;
	if (f[1] < 8 || f[1] > ACPI_MAX_TABLE_LEN)
		return;
	for (int i = 0; i < ai->nr_tables; i++)
		if (ai->tables[i].paddr == pa)
			return;
	fixed_str(ai->tables[ai->nr_tables].sig, "FACS", 4);
	ai->tables[ai->nr_tables].paddr = pa;
	ai->tables[ai->nr_tables].len = f[1];
	ai->nr_tables++;
	printk("ACPI: FACS 0x%016lX %06X\n", (unsigned long)pa, f[1]);
}

static void parse_fadt(struct acpi_info *ai, const struct acpi_header *h)
{
	const uint8_t *b = (const void *)h;
	uint32_t facs = *(const uint32_t *)(b + 36);
	uint32_t dsdt = *(const uint32_t *)(b + 40);

	if (h->length >= 148) {		/* X_FIRMWARE_CTRL, X_DSDT */
		uint64_t xf = *(const uint64_t *)(b + 132);
		uint64_t xd = *(const uint64_t *)(b + 140);

		if (xf)
			facs = (uint32_t)xf;
		if (xd)
			dsdt = (uint32_t)xd;
	}
	add_table(ai, dsdt, true);
	add_facs(ai, facs);
}

static void parse_madt(struct acpi_info *ai, const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h + 44, *end = (const uint8_t *)h + h->length;
	int cpus = 0;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == 0 && p[1] >= 8 && (*(const uint32_t *)(p + 4) & 1))
			cpus++;			/* processor local APIC, enabled */
		else if (p[0] == 9 && p[1] >= 16 && (*(const uint32_t *)(p + 8) & 1))
			cpus++;			/* processor local x2APIC, enabled */
		p += p[1];
	}
	if (cpus)
		ai->nr_cpus = MIN(cpus, MAX_CPUS);
}

static int pxm_to_nid(uint32_t *pxm_map, int *nr, uint32_t pxm)
{
	for (int i = 0; i < *nr; i++)
		if (pxm_map[i] == pxm)
			return i;
	if (*nr >= MAX_NODES)
		return -1;
	pxm_map[*nr] = pxm;
	return (*nr)++;
}

static void parse_srat(struct acpi_info *ai, const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h + 48, *end = (const uint8_t *)h + h->length;
	uint32_t pxm_map[MAX_NODES];
	int nr = 0;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == 0 && p[1] >= 16 && (*(const uint32_t *)(p + 4) & 1)) {
			/* processor local APIC affinity: domain bits 7:0 and 31:8 */
			uint32_t pxm = p[2] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
				       (uint32_t)p[11] << 24;
			int nid = pxm_to_nid(pxm_map, &nr, pxm);

			if (nid >= 0)
				ai->node_cpus[nid]++;
		} else if (p[0] == 1 && p[1] >= 40) {
			uint32_t pxm = *(const uint32_t *)(p + 2);
			uint64_t base = *(const uint64_t *)(p + 8);
			uint64_t len = *(const uint64_t *)(p + 16);
			uint32_t flags = *(const uint32_t *)(p + 28);
			int nid;

			if ((flags & 1) && len && ai->nr_srat_mem < SRAT_MEM_MAX) {
				nid = pxm_to_nid(pxm_map, &nr, pxm);
				if (nid >= 0) {
					struct srat_mem *m = &ai->srat_mem[ai->nr_srat_mem++];

					m->base = base;
					m->size = len;
					m->nid = nid;
					m->hotplug = flags & 2;
					printk("ACPI: SRAT: Node %d PXM %u [mem 0x%08lx-0x%08lx]%s\n",
					       nid, pxm, (unsigned long)base,
					       (unsigned long)(base + len - 1),
					       m->hotplug ? " hotplug" : "");
				}
			}
		}
		p += p[1];
	}
	ai->nr_nodes = nr;
}

/**
 * acpi_scan() - find every ACPI table; read CPU count and NUMA affinity
 * @rsdp_hint: RSDP from the loader, or 0 to scan the EBDA and BIOS area
 * @ai: output
 *
 * Table lengths are checked against sane bounds; a malformed table is
 * skipped, never trusted.
 *
 * Return: 0, or -2 (-ENOENT) if there is no RSDP.
 */
int acpi_scan(uint64_t rsdp_hint, struct acpi_info *ai)
{
	const struct acpi_rsdp *r;
	const struct acpi_header *root;
	uint64_t root_pa;
	unsigned int esz;

	memset(ai, 0, sizeof(*ai));
	ai->nr_cpus = 1;
	ai->rsdp = rsdp_find(rsdp_hint);
	if (!ai->rsdp) {
		printk("ACPI: no RSDP found\n");
		return -2;
	}
	r = phys(ai->rsdp);
	ai->rsdp_len = r->revision >= 2 ? MIN(r->length, 36u) : 20;
	{
		char oem[7];

		fixed_str(oem, r->oem_id, 6);
		printk("ACPI: RSDP 0x%016lX %06X (v%02d %-6s)\n", (unsigned long)ai->rsdp,
		       ai->rsdp_len, r->revision, oem);
	}
	if (r->revision >= 2 && r->xsdt && r->xsdt < SZ_4G) {
		root_pa = r->xsdt;
		esz = 8;
	} else {
		root_pa = r->rsdt;
		esz = 4;
	}
	root = add_table(ai, root_pa, true);
	if (!root)
		return 0;
	for (uint32_t off = sizeof(*root); off + esz <= root->length; off += esz) {
		const uint8_t *e = (const uint8_t *)root + off;
		uint64_t pa = esz == 8 ? *(const uint64_t *)e : *(const uint32_t *)e;
		const struct acpi_header *h = add_table(ai, pa, true);

		if (!h)
			continue;
		if (!memcmp(h->sig, "FACP", 4) && h->length >= 44)
			parse_fadt(ai, h);
		else if (!memcmp(h->sig, "APIC", 4))
			parse_madt(ai, h);
		else if (!memcmp(h->sig, "SRAT", 4))
			parse_srat(ai, h);
	}
	return 0;
}
