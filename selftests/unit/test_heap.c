// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/vssd/ftl/heap.c: pairs leave in key order whatever
 * order they came in, each value stays with its key, a full heap refuses a
 * push without losing a pair, and pushes and pops interleaved agree with a
 * sorted reference.
 */
// unit-sources: drivers/vssd/ftl/heap.c
#include <stdlib.h>

#include "unit.h"
#include <vssd/heap.h>

static u64 next_rand(u64 *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 33;
}

UNIT_TEST(pops_in_key_order)
{
	struct vssd_heap h;
	u64 seed = 1, prev = 0;
	u32 i;

	EXPECT_EQ(vssd_heap_init(&h, 1000), 0);
	EXPECT(!vssd_heap_peek(&h));
	for (i = 0; i < 1000; i++) {
		u64 key = next_rand(&seed) % 300;	/* many equal keys */

		EXPECT_EQ(vssd_heap_push(&h, key, key * 7 + 1), 0);
	}
	EXPECT_EQ(h.nr, 1000);
	for (i = 0; i < 1000; i++) {
		const struct vssd_heap_node *top = vssd_heap_peek(&h);

		EXPECT(top);
		if (!top)
			break;
		EXPECT(top->key >= prev);
		EXPECT_EQ(top->value, top->key * 7 + 1);
		prev = top->key;
		vssd_heap_pop(&h);
	}
	EXPECT(!vssd_heap_peek(&h));
	vssd_heap_pop(&h);	/* empty: nothing happens */
	EXPECT_EQ(h.nr, 0);
	vssd_heap_destroy(&h);
}

UNIT_TEST(full_heap_refuses)
{
	struct vssd_heap h;

	EXPECT_EQ(vssd_heap_init(&h, 3), 0);
	EXPECT_EQ(vssd_heap_push(&h, 30, 3), 0);
	EXPECT_EQ(vssd_heap_push(&h, 10, 1), 0);
	EXPECT_EQ(vssd_heap_push(&h, 20, 2), 0);
	EXPECT_EQ(vssd_heap_push(&h, 5, 0), -ENOSPC);
	EXPECT_EQ(h.nr, 3);
	EXPECT_EQ(vssd_heap_peek(&h)->value, 1);
	vssd_heap_pop(&h);
	EXPECT_EQ(vssd_heap_peek(&h)->value, 2);
	vssd_heap_pop(&h);
	EXPECT_EQ(vssd_heap_peek(&h)->value, 3);
	vssd_heap_destroy(&h);
}

/* The reference: an unsorted array searched for its minimum. */
UNIT_TEST(interleaved_matches_reference)
{
	static u64 ref[512];
	struct vssd_heap h;
	u32 nr = 0, step;
	u64 seed = 42;

	EXPECT_EQ(vssd_heap_init(&h, ARRAY_SIZE(ref)), 0);
	for (step = 0; step < 100000; step++) {
		bool push = nr == 0 || (nr < ARRAY_SIZE(ref) && next_rand(&seed) % 3);

		if (push) {
			u64 key = next_rand(&seed) % 10000;

			EXPECT_EQ(vssd_heap_push(&h, key, ~key), 0);
			ref[nr++] = key;
		} else {
			u32 i, min = 0;

			for (i = 1; i < nr; i++)
				if (ref[i] < ref[min])
					min = i;
			EXPECT_EQ(vssd_heap_peek(&h)->key, ref[min]);
			EXPECT_EQ(vssd_heap_peek(&h)->value, ~ref[min]);
			ref[min] = ref[--nr];
			vssd_heap_pop(&h);
		}
		EXPECT_EQ(h.nr, nr);
	}
	vssd_heap_destroy(&h);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(pops_in_key_order),
		UNIT_CASE(full_heap_refuses),
		UNIT_CASE(interleaved_matches_reference),
	};

	return unit_run("heap", cases, ARRAY_SIZE(cases));
}
