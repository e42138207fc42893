// SPDX-License-Identifier: GPL-2.0
/*
 * kv_model: a model check of a KV namespace.  Random operations of both
 * command families (store with and without options, append, retrieve into
 * full and short buffers, exist, delete) run against the device and an
 * in-memory map; every status, DW0 and byte retrieved must match what the
 * map predicts, including Capacity Exceeded exactly when the RAM charged
 * for the keys (kv/mem.c, the formula the namespace uses) would pass the
 * room given.  At the end a full List and a full iteration must return the
 * map's keys in order.
 *
 *   kv_model DEVICE OPS KEYS MAX_VALUE ROOM_BYTES SEED
 *
 * ROOM_BYTES: the namespace's capacity less what its empty index is
 * charged (KV Identify Namespace: NSZE - NUSE before the first key).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

#include <vssd/kv_cmd.h>

#include "../kv/mem.h"

#include "../tools/vssd-kv/kvdev.h"

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

struct mkey {
	u8 len;
	u8 bytes[VSSD_KV_MAX_KEY];
	u8 *val;		/* NULL: absent */
	u32 vlen;
};

static struct mkey *keys;
static unsigned long nkeys, failures;
static u64 capacity, live;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "kv_model: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		if (++failures > 20)					\
			exit(1);					\
	}								\
} while (0)

static u64 charge(u32 len)
{
	return vssd_kv_mem_charge(len, sysconf(_SC_PAGESIZE));
}

static int sc(int status)
{
	return status & 0x7ff;
}

static int key_cmp(const void *a, const void *b)
{
	const struct mkey *x = *(struct mkey *const *)a, *y = *(struct mkey *const *)b;
	int c = memcmp(x->bytes, y->bytes, x->len < y->len ? x->len : y->len);

	return c ? c : x->len - y->len;
}

static void fill(u8 *p, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = rand();
}

static int nf(bool vendor)
{
	return vendor ? VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND : VSSD_KV_SC_KEY_NOT_FOUND;
}

static int ex(bool vendor)
{
	return vendor ? VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_EXISTS : VSSD_KV_SC_KEY_EXISTS;
}

static int cap(bool vendor)
{
	return vendor ? VSSD_SKV_SCT << 8 | VSSD_SKV_SC_CAPACITY : VSSD_KV_SC_CAPACITY_EXCEEDED;
}

static void op_store(struct kvdev *d, struct mkey *k, u32 maxv, unsigned long i)
{
	unsigned int opts = 0;
	u32 len = rand() % 4 ? 1 + (u32)rand() % 4096 : 1 + (u32)rand() % maxv;
	u32 total = len;
	int want = 0, ret, r = rand() % 10;
	u8 *val = malloc(len);

	fill(val, len);
	if (r == 0)
		opts = KVDEV_IF_EXISTS;
	else if (r == 1)
		opts = KVDEV_IF_ABSENT;
	else if (r == 2 && d->vendor)
		opts = KVDEV_APPEND;
	if (opts == KVDEV_APPEND && k->val)
		total = k->vlen + len;
	if ((opts & KVDEV_IF_EXISTS) && !k->val)
		want = nf(d->vendor);
	else if ((opts & KVDEV_IF_ABSENT) && k->val)
		want = ex(d->vendor);
	else if (total > maxv)
		want = d->vendor ? VSSD_SKV_SCT << 8 | VSSD_SKV_SC_VALUE_SIZE :
				   VSSD_KV_SC_INVALID_VALUE_SIZE;
	else if (live - (k->val ? charge(k->vlen) : 0) + charge(total) > capacity)
		want = cap(d->vendor);
	ret = kvdev_store(d, k->bytes, k->len, val, len, opts);
	CHECK(sc(ret) == want, "op %lu: store (%s, opts %u, %u bytes): status 0x%x, want 0x%x",
	      i, d->vendor ? "vendor" : "kv", opts, len, ret, want);
	if (ret || want) {
		free(val);
		return;
	}
	if (k->val)
		live -= charge(k->vlen);
	live += charge(total);
	if (opts == KVDEV_APPEND && k->val) {
		k->val = realloc(k->val, total);
		memcpy(k->val + k->vlen, val, len);
		free(val);
	} else {
		free(k->val);
		k->val = val;
	}
	k->vlen = total;
}

static void op_get(struct kvdev *d, struct mkey *k, unsigned long i)
{
	u32 size = k->val && rand() % 4 == 0 ? rand() % (k->vlen + 1) : k->vlen + 16;
	u8 *buf = calloc(1, size + 1);
	u32 full = 0;
	int ret = kvdev_retrieve(d, k->bytes, k->len, buf, size, &full);

	if (!k->val) {
		CHECK(sc(ret) == nf(d->vendor), "op %lu: get of an absent key: 0x%x", i, ret);
	} else {
		u32 n = size < k->vlen ? size : k->vlen;

		CHECK(ret == 0, "op %lu: get: status 0x%x", i, ret);
		CHECK(full == k->vlen, "op %lu: get: DW0 %u, value is %u bytes", i, full, k->vlen);
		CHECK(!memcmp(buf, k->val, n), "op %lu: get: %u bytes differ", i, n);
	}
	free(buf);
}

static void op_delete(struct kvdev *d, struct mkey *k, unsigned long i)
{
	bool strict = d->vendor && rand() % 2;
	int ret = kvdev_delete(d, k->bytes, k->len, strict);

	CHECK(sc(ret) == (!k->val && strict ? nf(true) : 0), "op %lu: delete: 0x%x", i, ret);
	if (k->val) {
		live -= charge(k->vlen);
		free(k->val);
		k->val = NULL;
		k->vlen = 0;
	}
}

static void op_exist(struct kvdev *d, struct mkey *k, unsigned long i)
{
	int ret = kvdev_exist(d, k->bytes, k->len);

	CHECK(sc(ret) == (k->val ? 0 : nf(d->vendor)), "op %lu: exist: 0x%x", i, ret);
}

/* List (KV command set) and iterate (vendor) must both give the sorted map. */
static void check_listing(struct kvdev *std, struct kvdev *ven)
{
	struct mkey **sorted = calloc(nkeys, sizeof(*sorted));
	unsigned long n = 0, got = 0, j;
	u32 size = 16 << 10, cnt, at, bytes;
	u8 *buf = malloc(size), from[16], handle;
	unsigned int flen = 0;
	bool skip = false;
	int ret;

	for (j = 0; j < nkeys; j++)
		if (keys[j].val)
			sorted[n++] = &keys[j];
	qsort(sorted, n, sizeof(*sorted), key_cmp);
	for (;;) {
		ret = kvdev_list(std, from, flen, buf, size, &cnt);
		CHECK(ret == 0, "list: status 0x%x", ret);
		if (ret)
			break;
		cnt = le32toh(*(u32 *)buf);
		for (j = 0, at = 4; j < cnt; j++) {
			u16 kl = buf[at] | buf[at + 1] << 8;

			if (!(skip && j == 0)) {
				CHECK(got < n && kl == sorted[got]->len &&
				      !memcmp(buf + at + 2, sorted[got]->bytes, kl),
				      "list: key %lu differs", got);
				got++;
			}
			memcpy(from, buf + at + 2, kl);
			flen = kl;
			at += (2 + kl + 3) & ~3U;
		}
		if (cnt <= (skip ? 1U : 0U))
			break;
		skip = true;
	}
	CHECK(got == n, "list: %lu keys, the map has %lu", got, n);

	got = 0;
	ret = kvdev_iter_open(ven, 0, 0, &handle);
	CHECK(ret == 0, "iterate open: 0x%x", ret);
	while (!ret) {
		ret = kvdev_iter_read(ven, handle, buf, size, &bytes);
		if (sc(ret) == (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_ITER_END))
			break;
		CHECK(ret == 0, "iterate read: 0x%x", ret);
		cnt = le32toh(*(u32 *)buf);
		for (j = 0, at = 4; j < cnt; j++) {
			u32 kl = le32toh(*(u32 *)(buf + at));

			CHECK(got < n && kl == sorted[got]->len &&
			      !memcmp(buf + at + 4, sorted[got]->bytes, kl),
			      "iterate: key %lu differs", got);
			got++;
			at += 4 + ((kl + 3) & ~3U);
		}
	}
	CHECK(kvdev_iter_close(ven, handle) == 0, "iterate close");
	CHECK(got == n, "iterate: %lu keys, the map has %lu", got, n);
	printf("listing: %lu keys by List and by iterator\n", n);
	free(buf);
	free(sorted);
}

int main(int argc, char **argv)
{
	struct kvdev std, ven;
	unsigned long ops, i, counts[4] = { 0 };
	u32 maxv;
	int ret;

	if (argc != 7) {
		fprintf(stderr, "usage: kv_model DEVICE OPS KEYS MAX_VALUE ROOM SEED\n");
		return 2;
	}
	ops = strtoul(argv[2], NULL, 0);
	nkeys = strtoul(argv[3], NULL, 0);
	maxv = strtoul(argv[4], NULL, 0);
	capacity = strtoull(argv[5], NULL, 0);
	srand(strtoul(argv[6], NULL, 0));
	ret = kvdev_open(&std, argv[1], 0, false);
	if (ret) {
		fprintf(stderr, "kv_model: %s: %s\n", argv[1], strerror(-ret));
		return 2;
	}
	ven = std;
	ven.vendor = true;
	keys = calloc(nkeys, sizeof(*keys));
	/* Random keys of 1..16 bytes; every fourth is a prefix of the previous one. */
	for (i = 0; i < nkeys; i++) {
		if (i % 4 == 3 && keys[i - 1].len > 1) {
			keys[i] = keys[i - 1];
			keys[i].len--;
		} else {
			keys[i].len = 1 + rand() % 16;
			fill(keys[i].bytes, keys[i].len);
		}
	}
	/* Duplicates would make two model entries for one key: drop them. */
	for (i = 0; i < nkeys; i++) {
		unsigned long j;

		for (j = 0; j < i; j++)
			if (keys[j].len == keys[i].len &&
			    !memcmp(keys[j].bytes, keys[i].bytes, keys[i].len))
				keys[i].len = 0;
	}
	for (i = 0; i < ops; i++) {
		struct mkey *k = &keys[rand() % nkeys];
		struct kvdev *d = rand() % 2 ? &ven : &std;
		int r = rand() % 100;

		if (!k->len)
			continue;
		if (r < 45) {
			op_store(d, k, maxv, i);
			counts[0]++;
		} else if (r < 75) {
			op_get(d, k, i);
			counts[1]++;
		} else if (r < 85) {
			op_exist(d, k, i);
			counts[2]++;
		} else {
			op_delete(d, k, i);
			counts[3]++;
		}
	}
	printf("ops: %lu stores, %lu gets, %lu exists, %lu deletes; ", counts[0], counts[1],
	       counts[2], counts[3]);
	printf("charged bytes %llu of %llu\n",
	       (unsigned long long)live,
	       (unsigned long long)capacity);
	check_listing(&std, &ven);
	kvdev_close(&std);
	printf("failures: %lu\n", failures);
	return failures ? 1 : 0;
}
