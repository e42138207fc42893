// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: KV commands of both families, on the dispatcher.
 *
 * Each command is decoded into a key, a length and options (the NVMe KV
 * Command Set and the Samsung vendor opcodes differ only there and in their
 * status codes), checked, applied to the index and the value log, and
 * timed: an index step (kv_index_ns), then the flash and host transfers of
 * the value.  The value bytes move on a worker (cmd->exec), through
 * references taken here, so a value overwritten meanwhile stays whole.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <vssd/compat.h>
#include <vssd/fault.h>

#include "kv.h"

enum vssd_kv_err {
	VSSD_KV_EKEY,
	VSSD_KV_EVALUE,
	VSSD_KV_ENOKEY,
	VSSD_KV_EEXISTS,
	VSSD_KV_ECAPACITY,
	VSSD_KV_EITER_END,
	VSSD_KV_EITER_SLOT,
};

static bool vssd_kv_vendor(const struct vssd_cmd *cmd)
{
	return vssd_kv_opcode_vendor(cmd->sqe.common.opcode);
}

static u16 vssd_kv_err(const struct vssd_cmd *cmd, enum vssd_kv_err err)
{
	static const u8 standard[] = {
		[VSSD_KV_EKEY]		= VSSD_KV_SC_INVALID_KEY_SIZE,
		[VSSD_KV_EVALUE]	= VSSD_KV_SC_INVALID_VALUE_SIZE,
		[VSSD_KV_ENOKEY]	= VSSD_KV_SC_KEY_NOT_FOUND,
		[VSSD_KV_EEXISTS]	= VSSD_KV_SC_KEY_EXISTS,
		[VSSD_KV_ECAPACITY]	= VSSD_KV_SC_CAPACITY_EXCEEDED,
		[VSSD_KV_EITER_END]	= NVME_SC_INVALID_FIELD,
		[VSSD_KV_EITER_SLOT]	= NVME_SC_INVALID_FIELD,
	};
	static const u8 vendor[] = {
		[VSSD_KV_EKEY]		= VSSD_SKV_SC_KEY_SIZE,
		[VSSD_KV_EVALUE]	= VSSD_SKV_SC_VALUE_SIZE,
		[VSSD_KV_ENOKEY]	= VSSD_SKV_SC_KEY_NOT_FOUND,
		[VSSD_KV_EEXISTS]	= VSSD_SKV_SC_KEY_EXISTS,
		[VSSD_KV_ECAPACITY]	= VSSD_SKV_SC_CAPACITY,
		[VSSD_KV_EITER_END]	= VSSD_SKV_SC_ITER_END,
		[VSSD_KV_EITER_SLOT]	= VSSD_SKV_SC_ITER_NO_SLOT,
	};

	if (vssd_kv_vendor(cmd))
		return VSSD_SC(VSSD_SKV_SCT << 8 | vendor[err]);
	return VSSD_SC(standard[err]);
}

static u8 vssd_kv_option(const struct vssd_cmd *cmd)
{
	return vssd_kv_cdw(cmd, 11) >> 8;
}

static const __le32 *vssd_kv_sqe(const struct vssd_cmd *cmd)
{
	return (const __le32 *)&cmd->sqe;
}

static int vssd_kv_cmd_key(const struct vssd_cmd *cmd, struct vssd_kv_key *key,
			   bool may_be_empty)
{
	return vssd_kv_decode_key(vssd_kv_sqe(cmd), may_be_empty, key);
}

static u32 vssd_kv_cmd_len(const struct vssd_cmd *cmd)
{
	return vssd_kv_decode_len(vssd_kv_sqe(cmd), cmd->buf.len);
}

u64 vssd_kv_index_time(struct vssd_ctrl *ctrl, u64 now, u32 steps)
{
	if (vssd_media_untimed(ctrl))
		return now;
	return now + (u64)steps * vssd_ctrl_params(ctrl)->kv_index_ns;
}

static void vssd_kv_exec_store(struct vssd_cmd *cmd)
{
	struct vssd_kv_value *v = vssd_kv_cmd(cmd)->data, *old = vssd_kv_cmd(cmd)->old;
	struct vssd_buf_pos pos;

	if (old) {
		vssd_kv_value_copy(v, old, vssd_kv_cmd(cmd)->off);
		vssd_kv_value_put(old);
	}
	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_kv_value_xfer(v, vssd_kv_cmd(cmd)->off, &pos, vssd_kv_cmd(cmd)->len, true);
	vssd_kv_value_filled(v);
	vssd_kv_value_put(v);
}

static void vssd_kv_exec_retrieve(struct vssd_cmd *cmd)
{
	struct vssd_kv_value *v = vssd_kv_cmd(cmd)->data;
	struct vssd_buf_pos pos;

	vssd_kv_value_wait(v);
	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_kv_value_xfer(v, 0, &pos, vssd_kv_cmd(cmd)->len, false);
	vssd_kv_value_put(v);
}

/* List and Iterate: the dispatcher built the data. */
static void vssd_kv_exec_buffer(struct vssd_cmd *cmd)
{
	struct vssd_buf_pos pos;

	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_buf_copy_to(&pos, vssd_kv_cmd(cmd)->data, vssd_kv_cmd(cmd)->len);
	kvfree(vssd_kv_cmd(cmd)->data);
}

static int vssd_kv_store_options(const struct vssd_cmd *cmd, bool *must_exist,
				 bool *must_be_absent)
{
	return vssd_kv_decode_store_options(vssd_kv_sqe(cmd), must_exist, must_be_absent);
}

/*
 * Store, and Samsung Append (which stores when the key is absent).  The new
 * version gets an entry of its own: only when it has its place in the log
 * does it replace the old one, so a refused Store loses nothing.
 */
static void vssd_kv_store(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			  struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	bool append = cmd->sqe.common.opcode == VSSD_SKV_OP_APPEND;
	bool must_exist, must_be_absent;
	struct vssd_kv_entry *old, *e;
	struct vssd_kv_key key;
	u32 len, keep = 0, total;
	u64 used, t;

	if (vssd_kv_cmd_key(cmd, &key, false)) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_EKEY);
		return;
	}
	if (vssd_kv_store_options(cmd, &must_exist, &must_be_absent)) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	if (!vssd_kv_vendor(cmd) && vssd_kv_cdw(cmd, 10) > cmd->buf.len) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	len = vssd_kv_cmd_len(cmd);
	if (!len || len > kv->max_value) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_EVALUE);
		return;
	}
	old = vssd_kv_lookup(kv, &key);
	if ((must_exist && !old) || (must_be_absent && old)) {
		cmd->status = vssd_kv_err(cmd, old ? VSSD_KV_EEXISTS : VSSD_KV_ENOKEY);
		return;
	}
	if (append && old)
		keep = old->value->len;
	total = keep + len;
	if (total < len || total > kv->max_value) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_EVALUE);
		return;
	}
	/* The RAM the key will hold is what the capacity bounds (mem.h). */
	used = kv->mem_used - (old ? vssd_kv_mem_charge(old->value->len, PAGE_SIZE) : 0);
	if ((!old && kv->nr_keys >= kv->max_keys) ||
	    used + vssd_kv_mem_charge(total, PAGE_SIZE) > kv->log.cfg.capacity) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_ECAPACITY);
		return;
	}
	/* Every check passed: a media rule may fail it, the old value stays. */
	if (vssd_fault_key(cmd, VSSD_FAULT_WRITE, key.bytes, key.len))
		return;
	e = kzalloc(sizeof(*e), VSSD_KV_GFP);
	if (e)
		e->value = vssd_kv_value_alloc(total);
	if (!e || !e->value) {
		kfree(e);
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
		return;
	}
	e->key = key;
	t = vssd_kv_index_time(ctrl, now, 1);
	if (vssd_vlog_append(&kv->log, &e->item, total, t, deadline)) {
		vssd_kv_value_put(e->value);
		kfree(e);
		cmd->status = vssd_kv_err(cmd, VSSD_KV_ECAPACITY);
		return;
	}
	if (!kv->log.nand && !vssd_media_untimed(ctrl))
		vssd_media_write(kv->ns, 0, len, t, deadline);
	if (old) {
		vssd_kv_erase(kv, old);
		vssd_vlog_remove(&kv->log, &old->item);
		kv->value_bytes -= old->value->len;
		kv->mem_used -= vssd_kv_mem_charge(old->value->len, PAGE_SIZE);
		if (keep) {
			refcount_inc(&old->value->ref);
			vssd_kv_cmd(cmd)->old = old->value;
		}
	}
	/* The write cache may keep the old entry for a power loss. */
	if (!vssd_kv_undo_take(kv, &key, old, !vssd_ctrl_write_cache(ctrl)) && old) {
		vssd_kv_value_put(old->value);
		kfree(old);
	}
	vssd_kv_insert(kv, e);
	kv->value_bytes += total;
	kv->mem_used += vssd_kv_mem_charge(total, PAGE_SIZE);
	kv->bytes_stored += len;
	refcount_inc(&e->value->ref);
	vssd_kv_cmd(cmd)->data = e->value;
	vssd_kv_cmd(cmd)->off = keep;
	vssd_kv_cmd(cmd)->len = len;
	cmd->exec = vssd_kv_exec_store;
}

/*
 * The key of a Retrieve, Delete or Exist, looked up after one index step.
 * Returns false with the status set when the key itself is invalid.
 */
static bool vssd_kv_find_key(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			     struct vssd_cmd *cmd, u64 now, u64 *deadline,
			     struct vssd_kv_entry **e, struct vssd_kv_key *key)
{
	if (vssd_kv_cmd_key(cmd, key, false)) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_EKEY);
		return false;
	}
	*deadline = vssd_kv_index_time(ctrl, now, 1);
	*e = vssd_kv_lookup(kv, key);
	return true;
}

static bool vssd_kv_find(struct vssd_ctrl *ctrl, struct vssd_kv *kv, struct vssd_cmd *cmd,
			 u64 now, u64 *deadline, struct vssd_kv_entry **e)
{
	struct vssd_kv_key key;

	return vssd_kv_find_key(ctrl, kv, cmd, now, deadline, e, &key);
}

/* Retrieve: DW0 is the value's full size; a short buffer gets its start. */
static void vssd_kv_retrieve(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			     struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_kv_entry *e;
	struct vssd_kv_key key;
	u32 len;

	if (!vssd_kv_find_key(ctrl, kv, cmd, now, deadline, &e, &key))
		return;
	if (!e) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_ENOKEY);
		return;
	}
	if (vssd_fault_key(cmd, VSSD_FAULT_READ, key.bytes, key.len))
		return;
	cmd->result = e->value->len;
	if (vssd_kv_vendor(cmd) && (vssd_kv_option(cmd) & VSSD_SKV_RETRIEVE_SIZE_ONLY))
		return;
	len = min(vssd_kv_cmd_len(cmd), e->value->len);
	if (kv->log.nand)
		*deadline = vssd_vlog_read(&kv->log, &e->item, len, *deadline);
	else if (!vssd_media_untimed(ctrl))
		*deadline = vssd_media_read(kv->ns, 0, len, *deadline);
	if (!len)
		return;
	kv->bytes_retrieved += len;
	refcount_inc(&e->value->ref);
	vssd_kv_cmd(cmd)->data = e->value;
	vssd_kv_cmd(cmd)->len = len;
	cmd->exec = vssd_kv_exec_retrieve;
}

/*
 * Delete: a missing key is an error only when asked for (feature 20h EDNEK;
 * the Samsung "check key exists" option).
 */
static void vssd_kv_delete(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			   struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_kv_entry *e;
	bool strict;

	if (!vssd_kv_find(ctrl, kv, cmd, now, deadline, &e))
		return;
	if (!e) {
		strict = vssd_kv_vendor(cmd) ?
			 vssd_kv_option(cmd) & VSSD_SKV_DELETE_CHECK_EXISTS :
			 cmd->cs_config & VSSD_KV_CONFIG_EDNEK;
		if (strict)
			cmd->status = vssd_kv_err(cmd, VSSD_KV_ENOKEY);
		return;
	}
	vssd_kv_erase(kv, e);
	vssd_vlog_remove(&kv->log, &e->item);
	kv->value_bytes -= e->value->len;
	kv->mem_used -= vssd_kv_mem_charge(e->value->len, PAGE_SIZE);
	if (vssd_kv_undo_take(kv, &e->key, e, !vssd_ctrl_write_cache(ctrl)))
		return;
	vssd_kv_value_put(e->value);
	kfree(e);
}

static void vssd_kv_exist(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			  struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_kv_entry *e;

	if (vssd_kv_find(ctrl, kv, cmd, now, deadline, &e) && !e)
		cmd->status = vssd_kv_err(cmd, VSSD_KV_ENOKEY);
}

/*
 * List: the keys from the given one (inclusive; no key: from the first) in
 * key order, as many as the host buffer holds.  DW0 = number of keys.
 */
static void vssd_kv_list(struct vssd_ctrl *ctrl, struct vssd_kv *kv,
			 struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	u32 size = vssd_kv_cmd_len(cmd), at = VSSD_KV_LIST_HDR, n = 0;
	struct vssd_kv_entry *e;
	struct vssd_kv_key key;
	u8 *data;

	if (vssd_kv_cmd_key(cmd, &key, true)) {
		cmd->status = vssd_kv_err(cmd, VSSD_KV_EKEY);
		return;
	}
	if (size < VSSD_KV_LIST_HDR || vssd_kv_cdw(cmd, 10) > cmd->buf.len) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	data = vssd_kv_buffer_alloc(cmd, size);
	if (!data)
		return;
	for (e = vssd_kv_first_from(kv, &key, true); e; e = vssd_kv_next(e)) {
		u32 need = ALIGN(2 + e->key.len, 4);

		if (at + need > size)
			break;
		put_unaligned_le16(e->key.len, data + at);
		memcpy(data + at + 2, e->key.bytes, e->key.len);
		at += need;
		n++;
	}
	put_unaligned_le32(n, data);
	*deadline = vssd_kv_index_time(ctrl, now, 1 + n / 64);
	cmd->result = n;
	vssd_kv_cmd(cmd)->data = data;
	vssd_kv_cmd(cmd)->len = size;
	cmd->exec = vssd_kv_exec_buffer;
}

/* A zeroed buffer for List or Iterate Read data; Internal Error if none. */
void *vssd_kv_buffer_alloc(struct vssd_cmd *cmd, u32 size)
{
	void *data = kvzalloc(size, VSSD_KV_GFP);

	if (!data)
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
	return data;
}

/* Iterate read hands its built buffer to the same data phase as List. */
void vssd_kv_iter_data(struct vssd_cmd *cmd, void *data, u32 len)
{
	vssd_kv_cmd(cmd)->data = data;
	vssd_kv_cmd(cmd)->len = len;
	cmd->exec = vssd_kv_exec_buffer;
}

u16 vssd_kv_iter_status(const struct vssd_cmd *cmd, bool end)
{
	return vssd_kv_err(cmd, end ? VSSD_KV_EITER_END : VSSD_KV_EITER_SLOT);
}

/*
 * Dispatcher: a command for a KV namespace.  Presented as KV, every opcode
 * is a KV one.  Presented as NVM (kv_compat), opcodes below 80h are NVM
 * commands on a namespace without blocks; the vendor opcodes speak KV.
 */
void vssd_kv_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_cs_ns *ns = vssd_cmd_cs_ns(cmd);
	struct vssd_kv *kv = ns->data;

	vssd_assert_dispatching(ctrl);
	if (cmd->sqe.common.opcode == nvme_cmd_flush) {
		/* Everything dispatched before is durable (powerloss.c), NVM presented or not. */
		vssd_kv_undo_flush(kv);
		*deadline = vssd_kv_index_time(ctrl, now, 1);
		return;
	}
	if (vssd_kv_presented_csi(ns) != VSSD_CSI_KV && cmd->sqe.common.opcode < 0x80) {
		vssd_nvm_prepare_empty(ctrl, cmd, now, deadline);
		return;
	}
	memset(vssd_kv_cmd(cmd), 0, sizeof(struct vssd_kv_cmd));
	switch (cmd->sqe.common.opcode) {
	case VSSD_KV_OP_STORE:
	case VSSD_SKV_OP_STORE:
	case VSSD_SKV_OP_APPEND:
		vssd_kv_store(ctrl, kv, cmd, now, deadline);
		break;
	case VSSD_KV_OP_RETRIEVE:
	case VSSD_SKV_OP_RETRIEVE:
		vssd_kv_retrieve(ctrl, kv, cmd, now, deadline);
		break;
	case VSSD_KV_OP_DELETE:
	case VSSD_SKV_OP_DELETE:
		vssd_kv_delete(ctrl, kv, cmd, now, deadline);
		break;
	case VSSD_KV_OP_EXIST:
	case VSSD_SKV_OP_EXIST:
		vssd_kv_exist(ctrl, kv, cmd, now, deadline);
		break;
	case VSSD_KV_OP_LIST:
		vssd_kv_list(ctrl, kv, cmd, now, deadline);
		break;
	case VSSD_SKV_OP_ITER_REQ:
		*deadline = vssd_kv_index_time(ctrl, now, 1);
		vssd_kv_iter_req(kv, cmd);
		break;
	case VSSD_SKV_OP_ITER_READ:
		*deadline = vssd_kv_index_time(ctrl, now, 1);
		vssd_kv_iter_read(kv, cmd, (u32)vssd_ctrl_params(ctrl)->max_transfer_kb * 1024);
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_OPCODE);
		break;
	}
}
