// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: NAND flash timing (see nand.h).
 */
#include <vssd/nand.h>

/* Nanoseconds to move @bytes at @mbps (10^6 bytes/s), rounded up. */
u64 vssd_xfer_ns(u64 bytes, u32 mbps)
{
	return vssd_div64(bytes * 1000 + mbps - 1, mbps);
}

int vssd_nand_init(struct vssd_nand *nand, const struct vssd_nand_config *cfg)
{
	u32 units_per_page = cfg->page_size / 4096;

	memset(nand, 0, sizeof(*nand));
	nand->cfg = *cfg;
	/* A page must fit in the buffer, or assembling it could never finish. */
	if (nand->cfg.buffer_units && nand->cfg.buffer_units < units_per_page)
		nand->cfg.buffer_units = units_per_page;
	nand->nr_dies = cfg->channels * cfg->dies_per_channel * cfg->planes_per_die;
	nand->die_free = vssd_pure_zalloc(sizeof(u64) * nand->nr_dies);
	nand->channel_free = vssd_pure_zalloc(sizeof(u64) * cfg->channels);
	if (!nand->die_free || !nand->channel_free ||
	    vssd_heap_init(&nand->wb_heap, nand->cfg.buffer_units + 1)) {
		vssd_nand_destroy(nand);
		return -ENOMEM;
	}
	return 0;
}

void vssd_nand_destroy(struct vssd_nand *nand)
{
	vssd_pure_free(nand->die_free);
	vssd_pure_free(nand->channel_free);
	vssd_heap_destroy(&nand->wb_heap);
	nand->die_free = NULL;
	nand->channel_free = NULL;
}

/*
 * Page read: the die senses the page (tR: LSB pages are faster than MSB
 * pages), then the channel carries @bytes out.  The die stays busy until its
 * page register is emptied.  Returns when the data has left the channel.
 */
u64 vssd_nand_read(struct vssd_nand *nand, u32 die, u32 page_in_block,
		   u32 bytes, u64 start)
{
	u32 ch = vssd_nand_channel(nand, die);
	u64 t_r = (page_in_block & 1) ? nand->cfg.read_msb_ns : nand->cfg.read_lsb_ns;
	u64 sensed = max_t(u64, start, nand->die_free[die]) + t_r;
	u64 out = max_t(u64, sensed, nand->channel_free[ch]) +
		  vssd_xfer_ns(bytes, nand->cfg.channel_mbps);

	nand->channel_free[ch] = out;
	nand->die_free[die] = out;
	nand->pages_read++;
	return out;
}

/*
 * Page program: once the data is ready and the die is free, the channel
 * carries a whole page in, then the die programs it (tPROG).
 */
u64 vssd_nand_program(struct vssd_nand *nand, u32 die, u64 ready)
{
	u32 ch = vssd_nand_channel(nand, die);
	u64 in = max_t(u64, max_t(u64, ready, nand->die_free[die]),
			  nand->channel_free[ch]) +
		 vssd_xfer_ns(nand->cfg.page_size, nand->cfg.channel_mbps);
	u64 done = in + nand->cfg.program_ns;

	nand->channel_free[ch] = in;
	nand->die_free[die] = done;
	nand->pages_programmed++;
	return done;
}

u64 vssd_nand_erase(struct vssd_nand *nand, u32 die, u64 start)
{
	u64 done = max_t(u64, start, nand->die_free[die]) + nand->cfg.erase_ns;

	nand->die_free[die] = done;
	nand->blocks_erased++;
	return done;
}

/* The host interface (PCIe DMA) moving @bytes, one transfer at a time. */
u64 vssd_nand_host(struct vssd_nand *nand, u64 bytes, u64 start)
{
	nand->host_free = max_t(u64, start, nand->host_free) +
			  vssd_xfer_ns(bytes, nand->cfg.host_mbps);
	return nand->host_free;
}

/* When the last die falls idle: background work waits for that. */
u64 vssd_nand_busy_until(const struct vssd_nand *nand)
{
	u64 busy = 0;
	u32 i;

	for (i = 0; i < nand->nr_dies; i++)
		busy = max_t(u64, busy, nand->die_free[i]);
	return busy;
}

/* The earliest pending release leaves the buffer. */
static void vssd_wb_pop(struct vssd_nand *nand)
{
	nand->wb_used -= vssd_heap_peek(&nand->wb_heap)->value;
	vssd_heap_pop(&nand->wb_heap);
}

/*
 * Admit one 4 KiB unit into the write buffer no earlier than @start: when
 * the buffer is full, wait for the earliest program that frees space.
 * Returns when the unit got its space.
 */
u64 vssd_wb_admit(struct vssd_nand *nand, u64 start)
{
	const struct vssd_heap_node *top;

	if (!nand->cfg.buffer_units)
		return start;
	while ((top = vssd_heap_peek(&nand->wb_heap)) && top->key <= start)
		vssd_wb_pop(nand);
	while (nand->wb_used >= nand->cfg.buffer_units &&
	       (top = vssd_heap_peek(&nand->wb_heap))) {
		start = max_t(u64, start, top->key);
		vssd_wb_pop(nand);
	}
	nand->wb_used++;
	return start;
}

/* @units leave the buffer at @time, when the page holding them is programmed. */
void vssd_wb_release(struct vssd_nand *nand, u32 units, u64 time)
{
	if (!nand->cfg.buffer_units || !units)
		return;
	nand->wb_last_release = max_t(u64, nand->wb_last_release, time);
	/* Full cannot happen (one entry per page of held units); stay sane. */
	if (vssd_heap_push(&nand->wb_heap, time, units))
		nand->wb_used -= units;
}
