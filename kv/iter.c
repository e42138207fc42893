// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: Samsung iterators (Iterate Request B1h, Iterate Read B2h).
 *
 * An iterator selects the keys whose first four bytes (little-endian, a
 * shorter key padded with zeros) match a prefix under a bitmask.  It
 * remembers the last key it looked at, not a position in the index, so
 * stores and deletes between reads never break it: each read continues
 * with the next matching key in key order.
 *
 * Up to 16 are open per namespace.  Each belongs to whoever opened it: the
 * local ioctl users together, or one remote host controller (its owner id,
 * handed over by the transport).  Only its owner can read or close it, a
 * handle of someone else's iterator is refused as a closed one is, and a
 * remote host controller holds at most VSSD_KV_ITERS_PER_HOST of the 16.
 * They are freed on close, when the controller powers off, and (opened
 * through a transport) when the remote host's controller goes away.
 *
 * Iterate Read runs under the dispatch lock that every command needs, so
 * it never walks keys that cannot match: from a key whose head does not
 * match it seeks (O(log n)) to the next head that can (iter_seek.c), and
 * after VSSD_KV_ITER_SEEKS seeks it returns what it has (maybe no key,
 * which is not the end) and the next read resumes there.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <vssd/compat.h>

#include "kv.h"
#include "iter_seek.h"

#define VSSD_KV_ITER_SEEKS	256

static bool vssd_kv_iter_mine(const struct vssd_kv_iter *it, const struct vssd_cmd *cmd)
{
	return it->open && it->foreign == cmd->foreign && it->owner == cmd->owner;
}

/* Handle 1..16 of an iterator the command's sender opened, or NULL. */
static struct vssd_kv_iter *vssd_kv_iter_get(struct vssd_kv *kv, const struct vssd_cmd *cmd)
{
	u32 handle = vssd_kv_cdw(cmd, 11) & 0xff;

	if (!handle || handle > VSSD_KV_MAX_ITERS ||
	    !vssd_kv_iter_mine(&kv->iters[handle - 1], cmd))
		return NULL;
	return &kv->iters[handle - 1];
}

static void vssd_kv_iter_open(struct vssd_kv *kv, struct vssd_cmd *cmd)
{
	struct vssd_kv_iter *it, *slot = NULL;
	u32 i, held = 0;

	/* A remote command without an owner could never be cleaned up. */
	if (cmd->foreign && !cmd->owner) {
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
		return;
	}
	for (i = 0; i < VSSD_KV_MAX_ITERS; i++) {
		it = &kv->iters[i];
		if (!it->open && !slot)
			slot = it;
		held += vssd_kv_iter_mine(it, cmd);
	}
	if (!slot || (cmd->foreign && held >= VSSD_KV_ITERS_PER_HOST)) {
		cmd->status = vssd_kv_iter_status(cmd, false);
		return;
	}
	memset(slot, 0, sizeof(*slot));
	slot->open = true;
	slot->foreign = cmd->foreign;
	slot->owner = cmd->owner;
	slot->want = vssd_kv_head_swap(vssd_kv_cdw(cmd, 12));
	slot->mask = vssd_kv_head_swap(vssd_kv_cdw(cmd, 13));
	slot->want &= slot->mask;
	kv->iters_open++;
	cmd->result = slot - kv->iters + 1;
}

static void vssd_kv_iter_close(struct vssd_kv *kv, struct vssd_kv_iter *it)
{
	it->open = false;
	kv->iters_open--;
}

/* Open (DW0 = the new handle) or close; key-value and delete modes are refused. */
void vssd_kv_iter_req(struct vssd_kv *kv, struct vssd_cmd *cmd)
{
	u8 opt = vssd_kv_cdw(cmd, 11) >> 8;
	struct vssd_kv_iter *it;

	if (opt & VSSD_SKV_ITER_OPEN) {
		if (opt & (VSSD_SKV_ITER_CLOSE | VSSD_SKV_ITER_KEY_VALUE | VSSD_SKV_ITER_DELETE))
			cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		else
			vssd_kv_iter_open(kv, cmd);
		return;
	}
	it = vssd_kv_iter_get(kv, cmd);
	if (!(opt & VSSD_SKV_ITER_CLOSE) || !it) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	vssd_kv_iter_close(kv, it);
}

/* The first key at or after head @head. */
static struct vssd_kv_entry *vssd_kv_iter_seek(struct vssd_kv *kv, u32 head)
{
	struct vssd_kv_key key = {};

	key.len = vssd_kv_head_key(head, key.bytes);
	return vssd_kv_first_from(kv, &key, true);
}

/* Where a read starts: after the last key looked at, or at the first head. */
static struct vssd_kv_entry *vssd_kv_iter_start(struct vssd_kv *kv, struct vssd_kv_iter *it)
{
	u32 head = 0;

	if (it->started)
		return vssd_kv_first_from(kv, &it->last, false);
	if (it->want && !vssd_kv_next_head(0, it->want, it->mask, &head))
		return NULL;
	return vssd_kv_iter_seek(kv, head);
}

/*
 * Read: le32 number of keys, then per key a le32 length and the key padded
 * to 4 bytes, as many as fit; DW0 = bytes filled.  Iterator End (SCT 3h,
 * 93h) once no matching key is left.
 */
void vssd_kv_iter_read(struct vssd_kv *kv, struct vssd_cmd *cmd, u32 max_bytes)
{
	struct vssd_kv_iter *it = vssd_kv_iter_get(kv, cmd);
	u32 size, at = VSSD_SKV_ITER_HDR, n = 0, seeks = 0;
	struct vssd_kv_entry *e;
	u8 *data;

	size = vssd_kv_decode_iter_size((const __le32 *)&cmd->sqe, cmd->buf.len, max_bytes);
	if (!it || size < VSSD_SKV_ITER_HDR + 4 + VSSD_KV_MAX_KEY) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	data = vssd_kv_buffer_alloc(cmd, size);
	if (!data)
		return;
	e = vssd_kv_iter_start(kv, it);
	kv->iter_steps++;
	while (e) {
		u32 head = vssd_kv_head_order(e->key.bytes, e->key.len), next;
		u32 need = 4 + ALIGN(e->key.len, 4);

		if ((head & it->mask) != it->want) {
			if (seeks++ == VSSD_KV_ITER_SEEKS)
				break;
			it->last = e->key;
			it->started = true;
			kv->iter_steps++;
			if (!vssd_kv_next_head(head, it->want, it->mask, &next)) {
				e = NULL;
				break;
			}
			e = vssd_kv_iter_seek(kv, next);
			continue;
		}
		if (at + need > size)
			break;
		put_unaligned_le32(e->key.len, data + at);
		memcpy(data + at + 4, e->key.bytes, e->key.len);
		at += need;
		n++;
		it->last = e->key;
		it->started = true;
		kv->iter_steps++;
		e = vssd_kv_next(e);
	}
	if (!n && !e) {
		kvfree(data);
		cmd->status = vssd_kv_iter_status(cmd, true);
		return;
	}
	put_unaligned_le32(n, data);
	cmd->result = at;
	vssd_kv_iter_data(cmd, data, at);
}

/* Close every iterator remote host controller @owner opened. */
void vssd_kv_iters_forget(struct vssd_kv *kv, u64 owner)
{
	u32 i;

	for (i = 0; i < VSSD_KV_MAX_ITERS; i++) {
		struct vssd_kv_iter *it = &kv->iters[i];

		if (it->open && it->foreign && it->owner == owner)
			vssd_kv_iter_close(kv, it);
	}
}

void vssd_kv_iters_close_all(struct vssd_kv *kv)
{
	memset(kv->iters, 0, sizeof(kv->iters));
	kv->iters_open = 0;
}
