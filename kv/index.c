// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the KV index.  Entries sit in a hash table (lookups: one bucket
 * walk, O(1) expected with at most two keys per bucket at the key limit)
 * and in an rbtree ordered by key bytes, a shorter key before the longer
 * keys it is a prefix of (List and Iterate walk it).  Deleting unlinks an
 * entry from both at once: there are no tombstones or probe chains for a
 * delete to break.
 */
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "kv.h"

int vssd_kv_key_cmp(const struct vssd_kv_key *a, const struct vssd_kv_key *b)
{
	int c = memcmp(a->bytes, b->bytes, min(a->len, b->len));

	if (c)
		return c;
	return (int)a->len - (int)b->len;
}

static u32 vssd_kv_hash(const struct vssd_kv *kv, const struct vssd_kv_key *key)
{
	return jhash(key->bytes, key->len, key->len) >> (32 - kv->hash_bits);
}

/* Buckets for the keys the capacity can hold; they are charged to it. */
int vssd_kv_index_init(struct vssd_kv *kv)
{
	kv->hash_bits = vssd_kv_hash_bits(kv->log.cfg.capacity, kv->max_keys, PAGE_SIZE);
	kv->buckets = kvcalloc(1U << kv->hash_bits, sizeof(*kv->buckets), GFP_KERNEL);
	if (!kv->buckets)
		return -ENOMEM;
	BUILD_BUG_ON(sizeof(*kv->buckets) != sizeof(void *));
	kv->mem_base = vssd_kv_buckets_bytes(kv->hash_bits);
	kv->mem_used = kv->mem_base;
	kv->tree = RB_ROOT;
	return 0;
}

/* Frees every entry and drops its value; the caller resets the log. */
/* Every key goes (Format, power off): millions of frees, so it yields. */
void vssd_kv_index_clear(struct vssd_kv *kv)
{
	struct rb_node *node = rb_first(&kv->tree);
	u32 n = 0;

	while (node) {
		struct vssd_kv_entry *e = rb_entry(node, struct vssd_kv_entry, sorted);

		node = rb_next(node);
		rb_erase(&e->sorted, &kv->tree);
		vssd_kv_value_put(e->value);
		kfree(e);
		if (!(++n % 1024))
			cond_resched();
	}
	kv->nr_keys = 0;
	kv->value_bytes = 0;
	kv->mem_used = kv->mem_base;
	memset(kv->buckets, 0, sizeof(*kv->buckets) << kv->hash_bits);
}

void vssd_kv_index_destroy(struct vssd_kv *kv)
{
	vssd_kv_index_clear(kv);
	kvfree(kv->buckets);
	kv->buckets = NULL;
}

struct vssd_kv_entry *vssd_kv_lookup(struct vssd_kv *kv, const struct vssd_kv_key *key)
{
	struct vssd_kv_entry *e;

	hlist_for_each_entry(e, &kv->buckets[vssd_kv_hash(kv, key)], hash)
		if (e->key.len == key->len && !memcmp(e->key.bytes, key->bytes, key->len))
			return e;
	return NULL;
}

/* @e's key must be absent. */
void vssd_kv_insert(struct vssd_kv *kv, struct vssd_kv_entry *e)
{
	struct rb_node **link = &kv->tree.rb_node, *parent = NULL;

	while (*link) {
		struct vssd_kv_entry *at = rb_entry(*link, struct vssd_kv_entry, sorted);

		parent = *link;
		if (vssd_kv_key_cmp(&e->key, &at->key) < 0)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&e->sorted, parent, link);
	rb_insert_color(&e->sorted, &kv->tree);
	hlist_add_head(&e->hash, &kv->buckets[vssd_kv_hash(kv, &e->key)]);
	kv->nr_keys++;
}

/* Unlinks @e; the caller frees it. */
void vssd_kv_erase(struct vssd_kv *kv, struct vssd_kv_entry *e)
{
	rb_erase(&e->sorted, &kv->tree);
	hlist_del(&e->hash);
	kv->nr_keys--;
}

/* The first entry whose key is >= @key (> @key unless @inclusive). */
struct vssd_kv_entry *vssd_kv_first_from(struct vssd_kv *kv, const struct vssd_kv_key *key,
					 bool inclusive)
{
	struct rb_node *node = kv->tree.rb_node;
	struct vssd_kv_entry *best = NULL;

	while (node) {
		struct vssd_kv_entry *at = rb_entry(node, struct vssd_kv_entry, sorted);
		int c = vssd_kv_key_cmp(&at->key, key);

		if (c > 0 || (c == 0 && inclusive)) {
			best = at;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best;
}

struct vssd_kv_entry *vssd_kv_next(struct vssd_kv_entry *e)
{
	struct rb_node *node = rb_next(&e->sorted);

	return node ? rb_entry(node, struct vssd_kv_entry, sorted) : NULL;
}

/* RAM the index takes: the bucket array and one entry per key. */
u64 vssd_kv_index_bytes(const struct vssd_kv *kv)
{
	return ((u64)sizeof(struct hlist_head) << kv->hash_bits) +
	       kv->nr_keys * sizeof(struct vssd_kv_entry);
}
