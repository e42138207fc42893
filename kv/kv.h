/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the KV FTL of a key-value namespace (csi=kv).
 *
 * index.c   keys -> entries: a hash table for lookups, an rbtree for the
 *           sorted walks of List and Iterate; delete unlinks from both, so
 *           no lookup ever breaks.
 * value.c   the bytes of a value: refcounted pages, filled and read by
 *           workers while the dispatcher owns the index.
 * vlog.c    where each value lives on the emulated flash, its timing, GC.
 * decode.c  the key, length and options of either command family.
 * cmd.c     both command families, decoded into the operations below.
 * iter.c    Samsung iterators; iter_seek.c the key heads they select.
 * mem.c     the RAM a record is charged against the capacity.
 * ns.c      namespace set-up, identify data, statistics.
 *
 * Everything but the value bytes is owned by the controller's dispatcher,
 * as model state is, and needs no lock.
 */
#ifndef VSSD_KV_H
#define VSSD_KV_H

#include <linux/gfp.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include <vssd/kv_cmd.h>
#include <vssd/wcache.h>

#include <vssd/cs.h>
#include "decode.h"
#include "mem.h"
#include "vlog.h"

#define VSSD_KV_DEFAULT_MAX_VALUE	BIT(20)
#define VSSD_KV_DEFAULT_MAX_KEYS	BIT(20)
#define VSSD_KV_MAX_VALUE_LIMIT		BIT(24)
#define VSSD_KV_MAX_KEYS_LIMIT		BIT(26)

/* A namespace's KV settings (its kv_* attributes in configfs). */
struct vssd_kv_conf {
	u32 max_value;
	u32 max_keys;
	bool compat;		/* presented as an NVM namespace */
};

/* A KV command between its prepare and its exec (struct vssd_cmd.cs_priv). */
struct vssd_kv_cmd {
	void *data;		/* a value, or a built List/Iterate buffer */
	void *old;		/* Append: the value it extends */
	u32 off;
	u32 len;
};

static inline struct vssd_kv_cmd *vssd_kv_cmd(struct vssd_cmd *cmd)
{
	BUILD_BUG_ON(sizeof(struct vssd_kv_cmd) > sizeof(cmd->cs_priv));
	return (struct vssd_kv_cmd *)cmd->cs_priv;
}

/*
 * Allocations on the dispatcher, under the dispatch lock that every
 * submitter may wait for (block I/O among them): no reclaim that waits for
 * I/O, and an Internal Error rather than a long reclaim or the OOM killer.
 */
#define VSSD_KV_GFP		(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN)

#define VSSD_KV_MAX_ITERS	16
#define VSSD_KV_ITERS_PER_HOST	4	/* of them, one remote host controller's */

/*
 * The bytes of one value; the index entry and in-flight commands hold refs.
 * A small value is packed: its bytes follow the header in one allocation
 * (mem.c decides); a larger one has pages.
 */
struct vssd_kv_value {
	refcount_t ref;
	bool filled;		/* the Store's worker has copied the bytes in */
	bool packed;
	u32 len;
	u32 nr_pages;
	struct page *pages[];
};

struct vssd_kv_entry {
	struct hlist_node hash;
	struct rb_node sorted;
	struct vssd_vlog_item item;
	struct vssd_kv_value *value;
	struct vssd_kv_key key;
};

struct vssd_kv_iter {
	u64 owner;		/* the remote host's controller (@foreign) */
	bool foreign;		/* opened through a transport, not locally */
	bool open;
	bool started;		/* @last is valid */
	u32 want;		/* prefix & mask, in key order (iter_seek.h) */
	u32 mask;
	struct vssd_kv_key last;	/* the last key a read looked at */
};

struct vssd_kv {
	struct vssd_cs_ns *ns;
	u32 max_value;
	u32 max_keys;

	struct hlist_head *buckets;
	u32 hash_bits;
	struct rb_root tree;
	u64 nr_keys;
	u64 value_bytes;	/* sum of live value lengths */
	u64 mem_used;		/* RAM charged against the capacity (mem.h) */
	u64 mem_base;		/* of it, the hash buckets */

	struct vssd_vlog log;
	struct vssd_kv_iter iters[VSSD_KV_MAX_ITERS];
	u32 iters_open;

	/* The volatile write cache (powerloss.c): keys changed since durable. */
	struct list_head undo;
	struct hlist_head *undo_buckets;
	u32 undo_bits;
	u32 undo_nr;
	u32 undo_cap;		/* 0: no cache */
	u64 undo_bytes;		/* RAM the kept old values hold (mem.h charge) */
	u64 undo_max_bytes;
	struct vssd_wcache_stats undo_stats;

	/* Counters, dispatcher-written. */
	u64 bytes_stored;
	u64 bytes_retrieved;
	u64 iter_steps;		/* keys and seeks Iterate Read went through */
};

/* Dword @n of a command's SQE, CPU order. */
static inline u32 vssd_kv_cdw(const struct vssd_cmd *cmd, int n)
{
	const __le32 *dw = (const __le32 *)&cmd->sqe;

	return le32_to_cpu(dw[n]);
}

/* index.c */
int vssd_kv_index_init(struct vssd_kv *kv);
void vssd_kv_index_clear(struct vssd_kv *kv);
void vssd_kv_index_destroy(struct vssd_kv *kv);
struct vssd_kv_entry *vssd_kv_lookup(struct vssd_kv *kv, const struct vssd_kv_key *key);
void vssd_kv_insert(struct vssd_kv *kv, struct vssd_kv_entry *e);
void vssd_kv_erase(struct vssd_kv *kv, struct vssd_kv_entry *e);
struct vssd_kv_entry *vssd_kv_first_from(struct vssd_kv *kv, const struct vssd_kv_key *key,
					 bool inclusive);
struct vssd_kv_entry *vssd_kv_next(struct vssd_kv_entry *e);
int vssd_kv_key_cmp(const struct vssd_kv_key *a, const struct vssd_kv_key *b);
u64 vssd_kv_index_bytes(const struct vssd_kv *kv);

/* value.c */
struct vssd_kv_value *vssd_kv_value_alloc(u32 len);
void vssd_kv_value_put(struct vssd_kv_value *v);
void vssd_kv_value_xfer(struct vssd_kv_value *v, u32 off, struct vssd_buf_pos *pos,
			u32 len, bool fill);
void vssd_kv_value_copy(struct vssd_kv_value *dst, struct vssd_kv_value *src, u32 len);
void vssd_kv_value_filled(struct vssd_kv_value *v);
void vssd_kv_value_wait(struct vssd_kv_value *v);

/* cmd.c: dispatcher side of KV commands; the worker side is set in cmd->exec */
void vssd_kv_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline);
u64 vssd_kv_index_time(struct vssd_ctrl *ctrl, u64 now, u32 steps);
void *vssd_kv_buffer_alloc(struct vssd_cmd *cmd, u32 size);
void vssd_kv_iter_data(struct vssd_cmd *cmd, void *data, u32 len);
u16 vssd_kv_iter_status(const struct vssd_cmd *cmd, bool end);

/* iter.c */
void vssd_kv_iter_req(struct vssd_kv *kv, struct vssd_cmd *cmd);
void vssd_kv_iter_read(struct vssd_kv *kv, struct vssd_cmd *cmd, u32 max_bytes);
void vssd_kv_iters_forget(struct vssd_kv *kv, u64 owner);
void vssd_kv_iters_close_all(struct vssd_kv *kv);

/* powerloss.c: the write cache of a KV namespace */
int vssd_kv_undo_init(struct vssd_kv *kv, u32 cap, u64 max_bytes);
void vssd_kv_undo_destroy(struct vssd_kv *kv);
void vssd_kv_undo_flush(struct vssd_kv *kv);
bool vssd_kv_undo_take(struct vssd_kv *kv, const struct vssd_kv_key *key,
		       struct vssd_kv_entry *old, bool durable);
u32 vssd_kv_undo_cut(struct vssd_kv *kv, const struct vssd_wcache_cut *cut, u32 *kept,
		     u32 *failed);

/* ns.c: the ops table; the namespace's life, identify data, statistics */
u8 vssd_kv_presented_csi(const struct vssd_cs_ns *ns);

/* configfs.c */
extern struct configfs_attribute *const vssd_kv_ns_attrs[];
void vssd_kv_conf_init(void *conf);

#endif /* VSSD_KV_H */
