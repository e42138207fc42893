// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: moving bytes in and out of a command's data, wherever it lives: the
 * bios of a block request or a table of bio_vecs (ioctl bounce pages, the
 * transport's pages).  A vssd_buf_pos walks it in single-page pieces.
 */
#include <linux/bio.h>
#include <linux/highmem.h>

#include "vssd.h"

void vssd_buf_pos_init(struct vssd_buf_pos *pos, const struct vssd_buf *buf)
{
	pos->bio = buf->bio;
	pos->bvec = buf->bvec;
	if (pos->bio) {
		pos->iter = pos->bio->bi_iter;
	} else {
		memset(&pos->iter, 0, sizeof(pos->iter));
		pos->iter.bi_size = buf->bvec ? buf->len : 0;
	}
}

/* The next piece, never crossing a page; false at the end of the data. */
static bool vssd_buf_piece(struct vssd_buf_pos *pos, struct bio_vec *bv)
{
	if (pos->bio) {
		while (!pos->iter.bi_size) {
			pos->bio = pos->bio->bi_next;
			if (!pos->bio)
				return false;
			pos->iter = pos->bio->bi_iter;
		}
		*bv = bio_iter_iovec(pos->bio, pos->iter);
		return true;
	}
	if (!pos->iter.bi_size)
		return false;
	*bv = bvec_iter_bvec(pos->bvec, pos->iter);
	return true;
}

static void vssd_buf_advance(struct vssd_buf_pos *pos, u32 bytes)
{
	if (pos->bio)
		bio_advance_iter_single(pos->bio, &pos->iter, bytes);
	else
		bvec_iter_advance_single(pos->bvec, &pos->iter, bytes);
}

enum vssd_buf_op {
	VSSD_BUF_TO,
	VSSD_BUF_FROM,
	VSSD_BUF_ZERO,
	VSSD_BUF_EQUAL,
};

/*
 * One walk for the four operations.  Stops early at the end of the data:
 * callers checked lengths before, this only keeps a bug from overrunning.
 */
static bool vssd_buf_walk(struct vssd_buf_pos *pos, void *mem, u32 len,
			  enum vssd_buf_op op)
{
	struct bio_vec bv;
	bool equal = true;

	while (len && vssd_buf_piece(pos, &bv)) {
		u32 n = min(len, bv.bv_len);
		char *p = kmap_local_page(bv.bv_page) + bv.bv_offset;

		switch (op) {
		case VSSD_BUF_TO:
			memcpy(p, mem, n);
			break;
		case VSSD_BUF_FROM:
			memcpy(mem, p, n);
			break;
		case VSSD_BUF_ZERO:
			memset(p, 0, n);
			break;
		case VSSD_BUF_EQUAL:
			if (memcmp(p, mem, n))
				equal = false;
			break;
		}
		kunmap_local(p);
		if (op == VSSD_BUF_ZERO)
			flush_dcache_page(bv.bv_page);
		vssd_buf_advance(pos, n);
		if (mem)
			mem += n;
		len -= n;
	}
	return equal && !len;
}

void vssd_buf_copy_to(struct vssd_buf_pos *pos, const void *src, u32 len)
{
	vssd_buf_walk(pos, (void *)src, len, VSSD_BUF_TO);
}

void vssd_buf_copy_from(struct vssd_buf_pos *pos, void *dst, u32 len)
{
	vssd_buf_walk(pos, dst, len, VSSD_BUF_FROM);
}

void vssd_buf_zero(struct vssd_buf_pos *pos, u32 len)
{
	vssd_buf_walk(pos, NULL, len, VSSD_BUF_ZERO);
}

bool vssd_buf_equal(struct vssd_buf_pos *pos, const void *src, u32 len)
{
	return vssd_buf_walk(pos, (void *)src, len, VSSD_BUF_EQUAL);
}

static int vssd_buf_seek(const struct vssd_buf *buf, struct vssd_buf_pos *pos,
			 u32 offset, u32 len)
{
	struct bio_vec bv;

	if (offset > buf->len || len > buf->len - offset)
		return -EINVAL;
	vssd_buf_pos_init(pos, buf);
	while (offset && vssd_buf_piece(pos, &bv)) {
		u32 n = min(offset, bv.bv_len);

		vssd_buf_advance(pos, n);
		offset -= n;
	}
	return offset ? -EINVAL : 0;
}

/* Small random-access reads and writes (range lists, identify data). */
int vssd_buf_read_at(const struct vssd_buf *buf, u32 offset, void *dst, u32 len)
{
	struct vssd_buf_pos pos;
	int ret = vssd_buf_seek(buf, &pos, offset, len);

	if (!ret)
		vssd_buf_copy_from(&pos, dst, len);
	return ret;
}
