/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: a fixed-capacity binary min-heap of (key, value) pairs of u64, the
 * smallest key on top.  Pure code (see include/vssd/pure.h): the kernel's
 * <linux/min_heap.h> has a different interface on each kernel vssd builds
 * for, and the userspace unit tests have none.  Not locked: the owner
 * serialises every call.
 */
#ifndef VSSD_HEAP_H
#define VSSD_HEAP_H

#include <vssd/pure.h>

struct vssd_heap_node {
	u64 key;
	u64 value;
};

struct vssd_heap {
	struct vssd_heap_node *node;
	u32 nr;
	u32 cap;
};

/* Room for @cap pairs; may sleep.  0 or -ENOMEM. */
int vssd_heap_init(struct vssd_heap *heap, u32 cap);
void vssd_heap_destroy(struct vssd_heap *heap);
/* Adds a pair; -ENOSPC (and nothing changes) when the heap is full. */
int vssd_heap_push(struct vssd_heap *heap, u64 key, u64 value);
/* Removes the pair with the smallest key; nothing when the heap is empty. */
void vssd_heap_pop(struct vssd_heap *heap);

/* The pair with the smallest key, NULL when the heap is empty. */
static inline const struct vssd_heap_node *vssd_heap_peek(const struct vssd_heap *heap)
{
	return heap->nr ? &heap->node[0] : NULL;
}

#endif /* VSSD_HEAP_H */
