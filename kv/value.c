// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the bytes of KV values.  A value is an array of pages (a small one
 * is packed into its header's allocation instead, see mem.h), allocated
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

#include "kv.h"

/* Bytes after the header: a packed value's storage. */
static u8 *vssd_kv_value_bytes_of(struct vssd_kv_value *v)
{
	return (u8 *)v + sizeof(*v);
}

struct vssd_kv_value *vssd_kv_value_alloc(u32 len)
{
	u32 nr = DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct vssd_kv_value *v;

	BUILD_BUG_ON(sizeof(*v) != VSSD_KV_VALUE_HDR);
	BUILD_BUG_ON(sizeof(struct vssd_kv_entry) > VSSD_KV_ENTRY_BYTES);
	if (vssd_kv_value_packed(len)) {
		v = kzalloc(sizeof(*v) + len, VSSD_KV_GFP);
		if (!v)
			return NULL;
		v->packed = true;
	} else {
		v = kvzalloc(struct_size(v, pages, nr), VSSD_KV_GFP);
		if (!v)
			return NULL;
	}
	refcount_set(&v->ref, 1);
	v->len = len;
	if (v->packed)
		return v;
	for (i = 0; i < nr; i++) {
		v->pages[i] = alloc_page(VSSD_KV_GFP | __GFP_ZERO);
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

/* Where byte @off of @v is; *@run: how many bytes follow it contiguously. */
static u8 *vssd_kv_value_at(struct vssd_kv_value *v, u32 off, u32 *run)
{
	if (v->packed) {
		*run = v->len - off;
		return vssd_kv_value_bytes_of(v) + off;
	}
	*run = PAGE_SIZE - off % PAGE_SIZE;
	return (u8 *)page_address(v->pages[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

/*
 * Bytes [@off, @off + @len) of @v and the command's data: into the value
 * (@fill) or out of it.
 */
void vssd_kv_value_xfer(struct vssd_kv_value *v, u32 off, struct vssd_buf_pos *pos,
			u32 len, bool fill)
{
	while (len) {
		u32 run;
		u8 *mem = vssd_kv_value_at(v, off, &run);
		u32 n = min(len, run);

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
	u32 off = 0;

	vssd_kv_value_wait(src);
	while (off < len) {
		u32 src_run, dst_run;
		u8 *from = vssd_kv_value_at(src, off, &src_run);
		u8 *to = vssd_kv_value_at(dst, off, &dst_run);
		u32 n = min3(len - off, src_run, dst_run);

		memcpy(to, from, n);
		off += n;
	}
}
