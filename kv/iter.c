// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: Samsung iterators (Iterate Request B1h, Iterate Read B2h).
 *
 * An iterator selects the keys whose first four bytes (little-endian, a
 * shorter key padded with zeros) match a prefix under a bitmask.  It
 * remembers the last key it returned, not a position in the index, so
 * stores and deletes between reads never break it: each read continues
 * with the next matching key in key order.  Up to 16 are open per
 * namespace; they are freed on close, when the controller powers off, and
 * (opened through a transport) when the remote host's controller goes away.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <vssd/compat.h>

#include "../drivers/vssd/vssd.h"
#include "kv.h"

static bool vssd_kv_iter_match(const struct vssd_kv_iter *it, const struct vssd_kv_key *key)
{
	u8 head[4] = { 0 };

	memcpy(head, key->bytes, min_t(u32, key->len, 4));
	return (get_unaligned_le32(head) & it->mask) == (it->prefix & it->mask);
}

/* Handle 1..16 of an open iterator, or NULL. */
static struct vssd_kv_iter *vssd_kv_iter_get(struct vssd_kv *kv, u32 handle)
{
	if (!handle || handle > VSSD_KV_MAX_ITERS || !kv->iters[handle - 1].open)
		return NULL;
	return &kv->iters[handle - 1];
}

/* Open (DW0 = the new handle) or close; key-value and delete modes are refused. */
void vssd_kv_iter_req(struct vssd_kv *kv, struct vssd_cmd *cmd)
{
	u32 cdw11 = vssd_kv_cdw(cmd, 11);
	u8 opt = cdw11 >> 8;
	struct vssd_kv_iter *it;
	u32 i;

	if (cmd->forget) {
		for (i = 0; i < VSSD_KV_MAX_ITERS; i++)
			if (kv->iters[i].owner == cmd->owner)
				kv->iters[i].open = false;
		return;
	}
	if (opt & VSSD_SKV_ITER_OPEN) {
		if (opt & (VSSD_SKV_ITER_CLOSE | VSSD_SKV_ITER_KEY_VALUE | VSSD_SKV_ITER_DELETE)) {
			cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
			return;
		}
		for (i = 0; i < VSSD_KV_MAX_ITERS && kv->iters[i].open; i++)
			;
		if (i == VSSD_KV_MAX_ITERS) {
			cmd->status = vssd_kv_iter_status(cmd, false);
			return;
		}
		it = &kv->iters[i];
		memset(it, 0, sizeof(*it));
		it->open = true;
		it->owner = cmd->owner;
		it->prefix = vssd_kv_cdw(cmd, 12);
		it->mask = vssd_kv_cdw(cmd, 13);
		cmd->result = i + 1;
		return;
	}
	it = vssd_kv_iter_get(kv, cdw11 & 0xff);
	if (!(opt & VSSD_SKV_ITER_CLOSE) || !it) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	it->open = false;
}

/*
 * Read: le32 number of keys, then per key a le32 length and the key padded
 * to 4 bytes, as many as fit; DW0 = bytes filled.  Iterator End (SCT 3h,
 * 93h) once no matching key is left.
 */
void vssd_kv_iter_read(struct vssd_kv *kv, struct vssd_cmd *cmd, u32 max_bytes)
{
	struct vssd_kv_iter *it = vssd_kv_iter_get(kv, vssd_kv_cdw(cmd, 11) & 0xff);
	u64 words = vssd_kv_cdw(cmd, 10);
	u32 size = cmd->buf.len, at = VSSD_SKV_ITER_HDR, n = 0;
	struct vssd_kv_entry *e;
	u8 *data;

	/* CDW10 (words) may narrow the transfer; 0 means all of it. */
	if (words && words * 4 < size)
		size = words * 4;
	size = min(size, max_bytes);
	if (!it || size < VSSD_SKV_ITER_HDR + 4 + VSSD_KV_MAX_KEY) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	data = vssd_kv_buffer_alloc(cmd, size);
	if (!data)
		return;
	e = it->started ? vssd_kv_first_from(kv, &it->last, false) :
			  (kv->tree.rb_node ? rb_entry(rb_first(&kv->tree),
						       struct vssd_kv_entry, sorted) : NULL);
	for (; e; e = vssd_kv_next(e)) {
		u32 need = 4 + ALIGN(e->key.len, 4);

		if (!vssd_kv_iter_match(it, &e->key))
			continue;
		if (at + need > size)
			break;
		put_unaligned_le32(e->key.len, data + at);
		memcpy(data + at + 4, e->key.bytes, e->key.len);
		at += need;
		n++;
		it->last = e->key;
		it->started = true;
	}
	if (!n) {
		kvfree(data);
		cmd->status = vssd_kv_iter_status(cmd, true);
		return;
	}
	put_unaligned_le32(n, data);
	cmd->result = at;
	vssd_kv_iter_data(cmd, data, at);
}

void vssd_kv_iters_close_all(struct vssd_kv *kv)
{
	memset(kv->iters, 0, sizeof(kv->iters));
}
