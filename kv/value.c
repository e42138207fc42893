// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the bytes of KV values.  A value is an array of pages, allocated
 * zeroed by the dispatcher when a Store is accepted and filled by the
 * worker that runs the command's data phase; readers take a reference on
 * the dispatcher and copy on a worker, so a value overwritten or deleted
 * meanwhile stays intact until its last reader is done.
 *
 * A value is in the index from its Store's dispatch on, but its bytes
 * arrive only when that Store's data phase runs (on a worker, or on its
 * submitter for a direct completion): a reader elsewhere waits for them
 * (vssd_kv_value_wait).  It cannot wait forever: a data phase waits only
 * on commands dispatched before its own, workers run theirs in dispatch
 * order, and a submitter runs only its own command, so the one that fills
 * the value never waits on this reader.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "../drivers/vssd/vssd.h"
#include "kv.h"

struct vssd_kv_value *vssd_kv_value_alloc(u32 len)
{
	u32 nr = DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct vssd_kv_value *v;

	v = kvzalloc(struct_size(v, pages, nr), GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	if (!v)
		return NULL;
	refcount_set(&v->ref, 1);
	v->len = len;
	for (i = 0; i < nr; i++) {
		v->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NORETRY | __GFP_NOWARN);
		if (!v->pages[i]) {
			vssd_kv_value_put(v);
			return NULL;
		}
		v->nr_pages++;
	}
	return v;
}

void vssd_kv_value_put(struct vssd_kv_value *v)
{
	u32 i;

	if (!v || !refcount_dec_and_test(&v->ref))
		return;
	for (i = 0; i < v->nr_pages; i++)
		__free_page(v->pages[i]);
	kvfree(v);
}

/*
 * Bytes [@off, @off + @len) of @v and the command's data: into the value
 * (@fill) or out of it.
 */
void vssd_kv_value_xfer(struct vssd_kv_value *v, u32 off, struct vssd_buf_pos *pos,
			u32 len, bool fill)
{
	while (len) {
		u32 in = off % PAGE_SIZE, n = min_t(u32, len, PAGE_SIZE - in);
		void *mem = page_address(v->pages[off / PAGE_SIZE]) + in;

		if (fill)
			vssd_buf_copy_from(pos, mem, n);
		else
			vssd_buf_copy_to(pos, mem, n);
		off += n;
		len -= n;
	}
}

void vssd_kv_value_filled(struct vssd_kv_value *v)
{
	/* Release: a reader that sees @filled also sees the bytes before it. */
	smp_store_release(&v->filled, true);
	wake_up_var(&v->filled);
}

void vssd_kv_value_wait(struct vssd_kv_value *v)
{
	/* Acquire: pairs with the release in vssd_kv_value_filled(). */
	wait_var_event(&v->filled, smp_load_acquire(&v->filled));
}

/* The first @len bytes of @src into @dst (Append keeps the old value). */
void vssd_kv_value_copy(struct vssd_kv_value *dst, struct vssd_kv_value *src, u32 len)
{
	u32 i;

	vssd_kv_value_wait(src);
	for (i = 0; i * PAGE_SIZE < len; i++)
		memcpy(page_address(dst->pages[i]), page_address(src->pages[i]),
		       min_t(u32, PAGE_SIZE, len - i * PAGE_SIZE));
}
