// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kv/iter_seek.c, the seeks of Iterate Read: the next
 * matching head against every matching head enumerated, key order against
 * head order, and a whole iteration by seeks over random keys against a
 * filter of every key (the same keys, in order, and far fewer steps for a
 * prefix that matches nothing).
 */
// unit-sources: kv/iter_seek.c
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "kv/iter_seek.h"

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng >> 16);
}

/* A mask with @free clear bits at random places. */
static u32 mask_with_free(u32 free)
{
	u32 mask = 0xffffffffU;

	while (free) {
		u32 bit = 1U << (rnd() % 32);

		if (mask & bit) {
			mask &= ~bit;
			free--;
		}
	}
	return mask;
}

/* The smallest matching value above @head, by enumerating all of them. */
static bool next_by_enumeration(u32 head, u32 want, u32 mask, u32 *best)
{
	u32 free = ~mask, sub = 0;
	bool found = false;

	want &= mask;
	do {
		u32 x = want | sub;

		if (x > head && (!found || x < *best)) {
			*best = x;
			found = true;
		}
		sub = (sub - free) & free;	/* next subset of the free bits */
	} while (sub);
	return found;
}

UNIT_TEST(next_head_enumerated)
{
	int i;

	for (i = 0; i < 20000; i++) {
		u32 mask = mask_with_free(rnd() % 13), want = rnd(), head, got = 0, exp = 0;
		bool ok, eok;

		switch (i % 4) {
		case 0:
			head = rnd();
			break;
		case 1:		/* just below or at a matching value */
			head = ((want & mask) | (rnd() & ~mask)) - (rnd() % 2);
			break;
		case 2:
			head = 0xffffffffU - rnd() % 3;
			break;
		default:
			head = rnd() % 5;
			break;
		}
		ok = vssd_kv_next_head(head, want, mask, &got);
		eok = next_by_enumeration(head, want, mask, &exp);
		EXPECT_EQ(ok, eok);
		if (ok && eok && got != exp) {
			printf("#   head %08x want %08x mask %08x: %08x, expected %08x\n",
			       head, want, mask, got, exp);
			EXPECT_EQ(got, exp);
			return;
		}
	}
	EXPECT(!vssd_kv_next_head(0xffffffffU, 0, 0, &(u32){ 0 }));
	EXPECT(!vssd_kv_next_head(0x12345678, 0x12345678, 0xffffffffU, &(u32){ 0 }));
}

UNIT_TEST(swap_and_key)
{
	u8 key[4] = { 'a', 'b', 0, 0 }, out[4];

	EXPECT_EQ(vssd_kv_head_swap(0x00006261), 0x61620000);
	EXPECT_EQ(vssd_kv_head_order(key, 2), 0x61620000);
	EXPECT_EQ(vssd_kv_head_order(key, 4), 0x61620000);
	EXPECT_EQ(vssd_kv_head_key(0x61620000, out), 2);
	EXPECT(!memcmp(out, key, 2));
	EXPECT_EQ(vssd_kv_head_key(0, out), 0);
	EXPECT_EQ(vssd_kv_head_key(0x00000001, out), 4);
}

struct tkey {
	u8 len;
	u8 bytes[8];
};

/* The index's order: bytes, then a shorter key first. */
static int tkey_cmp(const void *pa, const void *pb)
{
	const struct tkey *a = pa, *b = pb;
	int c = memcmp(a->bytes, b->bytes, a->len < b->len ? a->len : b->len);

	return c ? c : (int)a->len - (int)b->len;
}

/* Index of the first key >= @k (> @k unless @inclusive). */
static int first_from(const struct tkey *keys, int n, const struct tkey *k, bool inclusive)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2, c = tkey_cmp(&keys[mid], k);

		if (c > 0 || (c == 0 && inclusive))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static u32 head_of(const struct tkey *k)
{
	return vssd_kv_head_order(k->bytes, k->len);
}

/* Iterate as kv/iter.c does: seek past heads that cannot match. */
static int iterate_by_seeks(const struct tkey *keys, int n, u32 want, u32 mask, int *out,
			    int *steps)
{
	int got = 0, at;
	u32 head = 0;
	struct tkey seek = { 0 };

	want &= mask;
	*steps = 1;
	if (want && !vssd_kv_next_head(0, want, mask, &head))
		return 0;
	seek.len = vssd_kv_head_key(head, seek.bytes);
	at = first_from(keys, n, &seek, true);
	while (at < n) {
		u32 h = head_of(&keys[at]), next;

		(*steps)++;
		if ((h & mask) == want) {
			out[got++] = at++;
			continue;
		}
		if (!vssd_kv_next_head(h, want, mask, &next))
			break;
		memset(&seek, 0, sizeof(seek));
		seek.len = vssd_kv_head_key(next, seek.bytes);
		at = first_from(keys, n, &seek, true);
	}
	return got;
}

UNIT_TEST(iteration_equals_filter)
{
	static struct tkey keys[3000];
	static int by_seek[3000];
	int round, i, n = 0;

	/* Short keys over a small alphabet (zeros included): many shared heads. */
	while (n < 3000) {
		struct tkey k = { .len = 1 + rnd() % 6 };

		for (i = 0; i < k.len; i++)
			k.bytes[i] = "\0\1ab\xff"[rnd() % 5];
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(keys[0]), tkey_cmp);
	for (i = 1; i < n; i++)
		EXPECT(head_of(&keys[i - 1]) <= head_of(&keys[i]));
	for (round = 0; round < 400; round++) {
		u32 mask = round % 2 ? rnd() : mask_with_free(rnd() % 33);
		u32 want = round % 3 ? head_of(&keys[rnd() % n]) : rnd();
		int got, steps, expect = 0;

		if (round % 5 == 0)
			mask = 0;
		got = iterate_by_seeks(keys, n, want, mask, by_seek, &steps);
		for (i = 0; i < n; i++) {
			if ((head_of(&keys[i]) & mask) != (want & mask))
				continue;
			if (expect >= got || by_seek[expect] != i) {
				printf("#   mask %08x want %08x: key %d missed\n", mask, want, i);
				EXPECT(0);
				return;
			}
			expect++;
		}
		EXPECT_EQ(got, expect);
	}
}

UNIT_TEST(nothing_matches_in_few_steps)
{
	static struct tkey keys[5000];
	static int out[5000];
	int i, steps;

	for (i = 0; i < 5000; i++) {
		char text[16];

		snprintf(text, sizeof(text), "k%07u", (unsigned int)i % 10000000);
		keys[i].len = 8;
		memcpy(keys[i].bytes, text, 8);
	}
	qsort(keys, 5000, sizeof(keys[0]), tkey_cmp);
	/* "zzzz" under a full mask: past every key at once. */
	EXPECT_EQ(iterate_by_seeks(keys, 5000, 0x7a7a7a7a, 0xffffffffU, out, &steps), 0);
	EXPECT(steps <= 2);
	/* "k001" (no key has it): one seek lands past it, one more ends. */
	EXPECT_EQ(iterate_by_seeks(keys, 5000, vssd_kv_head_swap(0x3130306b), 0xffffffffU,
				   out, &steps), 0);
	EXPECT(steps <= 3);
	/* Only the first byte: all 5000, one step each. */
	EXPECT_EQ(iterate_by_seeks(keys, 5000, 0x6b000000, 0xff000000U, out, &steps), 5000);
	EXPECT(steps <= 5001);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(next_head_enumerated),
		UNIT_CASE(swap_and_key),
		UNIT_CASE(iteration_equals_filter),
		UNIT_CASE(nothing_matches_in_few_steps),
	};

	return unit_run("iter_seek", cases, ARRAY_SIZE(cases));
}
