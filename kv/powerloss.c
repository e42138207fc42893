// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the volatile write cache of a KV namespace, and power loss
 * (Documentation/faults.rst, Power loss).
 *
 * The unit is the key.  Each key changed (Store, the vendor Store and
 * Append, Delete) since it was last durable has an undo record holding the
 * entry it had before its first change since then, or none when it was
 * absent; records are kept in the order of each key's latest change.  A
 * Flush empties the list, and a change with the cache turned off drops its
 * key's record; the list holds wcache_kb / 4 records and old values of
 * wcache_kb KiB at most (as mem.h charges them), and writes back the keys
 * changed longest ago to stay within both.  At a power loss each record is
 * decided by the cut's rule, the random rule by
 * vssd_wcache_mix(seed ^ vssd_wcache_mix(fnv1a64(key))), and a lost key
 * gets its old entry back.
 *
 * Owned by the dispatcher, as the rest of the KV state: everything but
 * init and destroy (power on and off) runs under the controller's
 * dispatch lock.
 */
#include <linux/jhash.h>
#include <linux/slab.h>

#include <vssd/wcache.h>

#include "kv.h"

struct vssd_kv_undo {
	struct list_head order;
	struct hlist_node hash;
	struct vssd_kv_key key;
	struct vssd_kv_entry *old;	/* NULL: the key was absent */
};

static u32 vssd_kv_undo_bucket(const struct vssd_kv *kv, const struct vssd_kv_key *key)
{
	return jhash(key->bytes, key->len, 0x756e646f) & ((1U << kv->undo_bits) - 1);
}

/* FNV-1a, 64 bits, over the key's bytes: the unit the random rule draws for. */
static u64 vssd_kv_undo_unit(const struct vssd_kv_key *key)
{
	u64 h = 0xcbf29ce484222325ULL;
	u8 i;

	for (i = 0; i < key->len; i++)
		h = (h ^ key->bytes[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * At power on: room for @cap records holding old values of @max_bytes at
 * most (@cap 0: no cache, every change durable).
 */
int vssd_kv_undo_init(struct vssd_kv *kv, u32 cap, u64 max_bytes)
{
	INIT_LIST_HEAD(&kv->undo);
	kv->undo_nr = 0;
	kv->undo_bytes = 0;
	kv->undo_max_bytes = max_bytes;
	kv->undo_cap = cap;
	memset(&kv->undo_stats, 0, sizeof(kv->undo_stats));
	if (!cap)
		return 0;
	kv->undo_bits = order_base_2(max(2 * cap, 2U));
	kv->undo_buckets = kvcalloc(1U << kv->undo_bits, sizeof(*kv->undo_buckets),
				    GFP_KERNEL);
	if (!kv->undo_buckets) {
		kv->undo_cap = 0;
		return -ENOMEM;
	}
	return 0;
}

static void vssd_kv_entry_free(struct vssd_kv_entry *e)
{
	if (!e)
		return;
	vssd_kv_value_put(e->value);
	kfree(e);
}

static u64 vssd_kv_undo_charge(const struct vssd_kv_undo *u)
{
	return u->old ? vssd_kv_mem_charge(u->old->value->len, PAGE_SIZE) : 0;
}

static void vssd_kv_undo_drop(struct vssd_kv *kv, struct vssd_kv_undo *u)
{
	list_del(&u->order);
	hlist_del(&u->hash);
	kv->undo_nr--;
	kv->undo_bytes -= vssd_kv_undo_charge(u);
	vssd_kv_entry_free(u->old);
	kfree(u);
}

static struct vssd_kv_undo *vssd_kv_undo_find(struct vssd_kv *kv, const struct vssd_kv_key *key)
{
	struct vssd_kv_undo *u;

	hlist_for_each_entry(u, &kv->undo_buckets[vssd_kv_undo_bucket(kv, key)], hash)
		if (u->key.len == key->len && !memcmp(u->key.bytes, key->bytes, key->len))
			return u;
	return NULL;
}

/* Everything changed before is durable. */
void vssd_kv_undo_flush(struct vssd_kv *kv)
{
	struct vssd_kv_undo *u, *next;

	list_for_each_entry_safe(u, next, &kv->undo, order) {
		kv->undo_stats.flushed++;
		vssd_kv_undo_drop(kv, u);
	}
}

void vssd_kv_undo_destroy(struct vssd_kv *kv)
{
	if (!kv->undo_cap)
		return;
	vssd_kv_undo_flush(kv);
	kvfree(kv->undo_buckets);
	kv->undo_buckets = NULL;
	kv->undo_cap = 0;
}

/*
 * @key changes now; @old is the entry it had (already out of the index
 * and the log), NULL when absent.  True when the cache keeps @old to give
 * it back at a power loss; false: the caller frees it.
 */
bool vssd_kv_undo_take(struct vssd_kv *kv, const struct vssd_kv_key *key,
		       struct vssd_kv_entry *old, bool durable)
{
	struct vssd_kv_undo *u;

	if (!kv->undo_cap)
		return false;
	u = vssd_kv_undo_find(kv, key);
	if (durable) {
		if (u) {
			kv->undo_stats.superseded++;
			vssd_kv_undo_drop(kv, u);
		}
		return false;
	}
	if (u) {
		/* Its content from before its first change is kept already. */
		list_move_tail(&u->order, &kv->undo);
		kv->undo_stats.coalesced++;
		return false;
	}
	if (kv->undo_nr == kv->undo_cap) {
		kv->undo_stats.drained++;
		vssd_kv_undo_drop(kv, list_first_entry(&kv->undo, struct vssd_kv_undo, order));
	}
	u = kzalloc(sizeof(*u), VSSD_KV_GFP);
	if (!u) {
		/* No room to remember it: the change is written back at once. */
		kv->undo_stats.drained++;
		return false;
	}
	u->key = *key;
	u->old = old;
	list_add_tail(&u->order, &kv->undo);
	hlist_add_head(&u->hash, &kv->undo_buckets[vssd_kv_undo_bucket(kv, key)]);
	kv->undo_nr++;
	kv->undo_bytes += vssd_kv_undo_charge(u);
	kv->undo_stats.logged++;
	/* Old values beyond the cache's size: the oldest changes are written back. */
	while (kv->undo_bytes > kv->undo_max_bytes) {
		kv->undo_stats.drained++;
		vssd_kv_undo_drop(kv, list_first_entry(&kv->undo, struct vssd_kv_undo, order));
	}
	return true;
}

/*
 * A lost change: the key's present entry goes, its old one comes back.
 * False when the old value finds no room in the log: the key keeps its
 * new value (the rule allows both).
 */
static bool vssd_kv_undo_restore(struct vssd_kv *kv, struct vssd_kv_undo *u)
{
	struct vssd_kv_entry *cur = vssd_kv_lookup(kv, &u->key), *old = u->old;
	u64 done;

	if (old && vssd_vlog_append(&kv->log, &old->item, old->value->len, 0, &done))
		return false;
	if (cur) {
		vssd_kv_erase(kv, cur);
		vssd_vlog_remove(&kv->log, &cur->item);
		kv->value_bytes -= cur->value->len;
		kv->mem_used -= vssd_kv_mem_charge(cur->value->len, PAGE_SIZE);
		vssd_kv_entry_free(cur);
	}
	if (!old)
		return true;
	kv->undo_bytes -= vssd_kv_undo_charge(u);
	u->old = NULL;
	vssd_kv_insert(kv, old);
	kv->value_bytes += old->value->len;
	kv->mem_used += vssd_kv_mem_charge(old->value->len, PAGE_SIZE);
	return true;
}

u32 vssd_kv_undo_cut(struct vssd_kv *kv, const struct vssd_wcache_cut *cut, u32 *kept,
		     u32 *failed)
{
	u32 n = kv->undo_nr, pos = 0, lost = 0, prefix;
	u64 unit;

	*failed = 0;
	struct vssd_kv_undo *u, *next;

	prefix = vssd_div64_rem(vssd_wcache_mix(cut->seed), (u64)n + 1);
	list_for_each_entry_safe(u, next, &kv->undo, order) {
		bool keep;

		switch (cut->rule) {
		case VSSD_WCACHE_RANDOM:
			unit = vssd_wcache_mix(vssd_kv_undo_unit(&u->key));
			keep = vssd_div64_rem(vssd_wcache_mix(cut->seed ^ unit),
					      VSSD_WCACHE_PERMILLE) < cut->keep_permille;
			break;
		case VSSD_WCACHE_PREFIX:
			keep = pos < prefix;
			break;
		default:
			keep = false;
			break;
		}
		pos++;
		if (!keep) {
			if (vssd_kv_undo_restore(kv, u))
				lost++;
			else
				(*failed)++;
		}
		vssd_kv_undo_drop(kv, u);
	}
	kv->undo_stats.lost += lost;
	kv->undo_stats.survived += n - lost;
	kv->undo_stats.power_losses++;
	*kept = n - lost;
	return lost;
}
