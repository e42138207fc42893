/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the data of a namespace that holds logical blocks: sparse RAM
 * pages keyed by byte offset >> PAGE_SHIFT, allocated when first written
 * and freed when deallocated.  Unwritten and deallocated bytes read as
 * zeros.  Callers keep offsets and lengths inside @size; the page table is
 * an xarray, safe against concurrent workers.
 */
#ifndef VSSD_STORE_H
#define VSSD_STORE_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct vssd_buf_pos;

struct vssd_store {
	struct xarray pages;
	atomic_long_t nr_pages;
	u64 size;
};

int vssd_store_init(struct vssd_store *store, u64 size);
void vssd_store_destroy(struct vssd_store *store);
int vssd_store_write(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len);
void vssd_store_read(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len);
bool vssd_store_equal(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len);
int vssd_store_copy(struct vssd_store *store, u64 dst, u64 src, u64 len);
void vssd_store_discard(struct vssd_store *store, u64 off, u64 len);
int vssd_store_read_kernel(struct vssd_store *store, u64 off, void *dst, u32 len);
int vssd_store_write_kernel(struct vssd_store *store, u64 off, const void *src, u32 len);

#endif /* VSSD_STORE_H */
