/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe fields that vssd.ko and vssd_tcp.ko both decode or build: the
 * length of a Get Log Page, namespace identification descriptors and the
 * entries of a commands supported and effects log.
 */
#ifndef VSSD_NVME_FIELDS_H
#define VSSD_NVME_FIELDS_H

#include <linux/nvme.h>
#include <linux/string.h>
#include <linux/types.h>

/* Get Log Page: the bytes asked for, (NUMDU:NUMDL + 1) dwords (up to 16 GiB). */
static inline u64 vssd_get_log_len(const struct nvme_command *c)
{
	u64 numd = (u32)le16_to_cpu(c->get_log_page.numdu) << 16 |
		   le16_to_cpu(c->get_log_page.numdl);

	return (numd + 1) * 4;
}

/* Get Log Page: the byte offset into the log (LPOU:LPOL). */
static inline u64 vssd_get_log_offset(const struct nvme_command *c)
{
	return le64_to_cpu(c->get_log_page.lpo);
}

/* A namespace identification descriptor at @p; returns where the next one goes. */
static inline void *vssd_put_ns_desc(void *p, u8 type, u8 len, const void *value)
{
	struct nvme_ns_id_desc *desc = p;

	desc->nidt = type;
	desc->nidl = len;
	desc->reserved = 0;
	memcpy(desc + 1, value, len);
	return (u8 *)(desc + 1) + len;
}

/* One command of a commands supported and effects log, and its effects. */
struct vssd_effect {
	u8 opcode;
	u32 effects;
};

#define VSSD_EFFECT_SUPPORTED	NVME_CMD_EFFECTS_CSUPP
#define VSSD_EFFECT_CHANGES	(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC)

/* Set the entries of @table (acs[] or iocs[] of the log) for @n commands. */
static inline void vssd_effects_fill(__le32 *table, const struct vssd_effect *e,
				     unsigned int n)
{
	for (; n; n--, e++)
		table[e->opcode] = cpu_to_le32(e->effects);
}

#endif /* VSSD_NVME_FIELDS_H */
