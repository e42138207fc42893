// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: binary min-heap of u64 pairs (see include/vssd/heap.h).  Node i has
 * its children at 2i + 1 and 2i + 2; no child has a smaller key than its
 * parent.
 */
#include <vssd/heap.h>

int vssd_heap_init(struct vssd_heap *heap, u32 cap)
{
	heap->nr = 0;
	heap->cap = cap;
	heap->node = vssd_pure_zalloc(sizeof(*heap->node) * (size_t)cap);
	return heap->node ? 0 : -ENOMEM;
}

void vssd_heap_destroy(struct vssd_heap *heap)
{
	vssd_pure_free(heap->node);
	heap->node = NULL;
	heap->nr = 0;
	heap->cap = 0;
}

int vssd_heap_push(struct vssd_heap *heap, u64 key, u64 value)
{
	struct vssd_heap_node *n = heap->node;
	u32 i;

	if (heap->nr == heap->cap)
		return -ENOSPC;
	/* Move parents with larger keys down until the new pair fits. */
	for (i = heap->nr++; i && n[(i - 1) / 2].key > key; i = (i - 1) / 2)
		n[i] = n[(i - 1) / 2];
	n[i].key = key;
	n[i].value = value;
	return 0;
}

void vssd_heap_pop(struct vssd_heap *heap)
{
	struct vssd_heap_node *n = heap->node;
	struct vssd_heap_node last;
	u32 i = 0;

	if (!heap->nr)
		return;
	last = n[--heap->nr];
	/* Move the smaller child up until the last pair fits in the hole. */
	for (;;) {
		u32 child = 2 * i + 1;

		if (child >= heap->nr)
			break;
		if (child + 1 < heap->nr && n[child + 1].key < n[child].key)
			child++;
		if (n[child].key >= last.key)
			break;
		n[i] = n[child];
		i = child;
	}
	if (heap->nr)
		n[i] = last;
}
