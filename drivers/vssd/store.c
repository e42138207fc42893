// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the backing store of a namespace, sparse RAM pages in an xarray.
 *
 * Pages appear on first write and go away on deallocate, Write Zeroes over
 * whole pages, Format and power-down; a hole reads as zeros.  Workers of the
 * same controller use a store concurrently: readers take a page reference
 * the way the page cache does (look up under RCU, get a reference, check the
 * slot still holds that page), so a page freed by a concurrent deallocate is
 * never touched.  A new page is filled before it is published, so nobody
 * sees a page that was not zeroed or written.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include "vssd.h"

int vssd_store_init(struct vssd_store *store, u64 size)
{
	xa_init(&store->pages);
	atomic_long_set(&store->nr_pages, 0);
	store->size = size;
	return 0;
}

void vssd_store_destroy(struct vssd_store *store)
{
	struct page *page;
	unsigned long idx;

	/* Power off of a full namespace: millions of pages, so it yields. */
	xa_for_each(&store->pages, idx, page) {
		put_page(page);
		cond_resched();
	}
	xa_destroy(&store->pages);
	atomic_long_set(&store->nr_pages, 0);
}

static struct page *vssd_store_get(struct vssd_store *store, pgoff_t idx)
{
	struct page *page;

	rcu_read_lock();
repeat:
	page = xa_load(&store->pages, idx);
	if (page) {
		/* A zero count: already erased from the xarray, being freed. */
		if (!get_page_unless_zero(page))
			goto repeat;
		if (unlikely(xa_load(&store->pages, idx) != page)) {
			put_page(page);
			goto repeat;
		}
	}
	rcu_read_unlock();
	return page;
}

/*
 * Write @len bytes from @pos at byte @off.  A new page is filled (the rest
 * zeroed) before insertion; if another worker inserted one first, the data
 * goes into that one instead.
 */
int vssd_store_write(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len)
{
	while (len) {
		pgoff_t idx = off >> PAGE_SHIFT;
		u32 in_page = offset_in_page(off);
		u32 n = min_t(u32, len, PAGE_SIZE - in_page);
		struct vssd_buf_pos start = *pos;
		struct page *page = vssd_store_get(store, idx);
		void *old;
		char *p;

		if (!page) {
			/*
			 * Fail fast when RAM runs out: the write gets an
			 * error status instead of stalling in reclaim.
			 */
			gfp_t gfp = GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN;

			page = alloc_page(n == PAGE_SIZE ? gfp : gfp | __GFP_ZERO);
			if (!page)
				return -ENOMEM;
			p = kmap_local_page(page);
			vssd_buf_copy_from(pos, p + in_page, n);
			kunmap_local(p);
			old = xa_cmpxchg(&store->pages, idx, NULL, page, GFP_NOIO);
			if (!old) {
				atomic_long_inc(&store->nr_pages);
				goto next;
			}
			__free_page(page);
			if (xa_is_err(old))
				return xa_err(old);
			/* Lost the race: redo the copy into the winner's page. */
			*pos = start;
			page = vssd_store_get(store, idx);
			if (!page)
				continue;
		}
		p = kmap_local_page(page);
		vssd_buf_copy_from(pos, p + in_page, n);
		kunmap_local(p);
		put_page(page);
next:
		off += n;
		len -= n;
	}
	return 0;
}

void vssd_store_read(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len)
{
	while (len) {
		u32 in_page = offset_in_page(off);
		u32 n = min_t(u32, len, PAGE_SIZE - in_page);
		struct page *page = vssd_store_get(store, off >> PAGE_SHIFT);

		if (page) {
			char *p = kmap_local_page(page);

			vssd_buf_copy_to(pos, p + in_page, n);
			kunmap_local(p);
			put_page(page);
		} else {
			vssd_buf_zero(pos, n);
		}
		off += n;
		len -= n;
	}
}

/* True when the stored bytes equal the next @len bytes at @pos. */
bool vssd_store_equal(struct vssd_store *store, u64 off, struct vssd_buf_pos *pos, u32 len)
{
	static const char zeros[PAGE_SIZE];
	bool equal = true;

	while (len) {
		u32 in_page = offset_in_page(off);
		u32 n = min_t(u32, len, PAGE_SIZE - in_page);
		struct page *page = vssd_store_get(store, off >> PAGE_SHIFT);

		if (page) {
			char *p = kmap_local_page(page);

			equal &= vssd_buf_equal(pos, p + in_page, n);
			kunmap_local(p);
			put_page(page);
		} else {
			equal &= vssd_buf_equal(pos, zeros, n);
		}
		off += n;
		len -= n;
	}
	return equal;
}

/*
 * Drop whole pages in [off, off + len) and zero the partial ones at the
 * edges.  Holes stay holes.
 */
void vssd_store_discard(struct vssd_store *store, u64 off, u64 len)
{
	u64 end = off + len;

	while (off < end) {
		pgoff_t idx = off >> PAGE_SHIFT;
		u32 in_page = offset_in_page(off);
		u64 n = min_t(u64, end - off, PAGE_SIZE - in_page);
		struct page *page;

		if (n == PAGE_SIZE) {
			/* Whole pages: walk only the present ones. */
			pgoff_t last = (end >> PAGE_SHIFT) - 1;
			unsigned long i = idx;

			xa_for_each_range(&store->pages, i, page, idx, last) {
				if (xa_cmpxchg(&store->pages, i, page, NULL, 0) == page) {
					atomic_long_dec(&store->nr_pages);
					put_page(page);
				}
				cond_resched();
			}
			off = (u64)(last + 1) << PAGE_SHIFT;
			continue;
		}
		page = vssd_store_get(store, idx);
		if (page) {
			memzero_page(page, in_page, n);
			put_page(page);
		}
		off += n;
	}
}

static int vssd_store_kernel_buf(struct vssd_buf *buf, struct bio_vec *bv,
				 const void *mem, u32 len)
{
	if (offset_in_page(mem) + len > PAGE_SIZE)
		return -EINVAL;
	bv->bv_page = virt_to_page(mem);
	bv->bv_offset = offset_in_page(mem);
	bv->bv_len = len;
	buf->bio = NULL;
	buf->bvec = bv;
	buf->len = len;
	return 0;
}

/* @dst: lowmem, within one page. */
int vssd_store_read_kernel(struct vssd_store *store, u64 off, void *dst, u32 len)
{
	struct vssd_buf buf;
	struct vssd_buf_pos pos;
	struct bio_vec bv;
	int ret = vssd_store_kernel_buf(&buf, &bv, dst, len);

	if (ret)
		return ret;
	vssd_buf_pos_init(&pos, &buf);
	vssd_store_read(store, off, &pos, len);
	return 0;
}

int vssd_store_write_kernel(struct vssd_store *store, u64 off, const void *src, u32 len)
{
	struct vssd_buf buf;
	struct vssd_buf_pos pos;
	struct bio_vec bv;
	int ret = vssd_store_kernel_buf(&buf, &bv, src, len);

	if (ret)
		return ret;
	vssd_buf_pos_init(&pos, &buf);
	return vssd_store_write(store, off, &pos, len);
}

/* Simple Copy: @len bytes from @src to @dst, a page at a time, in order. */
int vssd_store_copy(struct vssd_store *store, u64 dst, u64 src, u64 len)
{
	void *bounce = (void *)__get_free_page(GFP_NOIO);
	int ret = 0;

	if (!bounce)
		return -ENOMEM;
	while (len && !ret) {
		u32 n = min_t(u64, len, PAGE_SIZE);

		ret = vssd_store_read_kernel(store, src, bounce, n);
		if (!ret)
			ret = vssd_store_write_kernel(store, dst, bounce, n);
		src += n;
		dst += n;
		len -= n;
		cond_resched();
	}
	free_page((unsigned long)bounce);
	return ret;
}
