/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels vssd builds for (Debian 12's 6.1 and
 * 6.12), one shim each, named after the change.  Each VSSD_HAVE_* comes
 * from a probe of the kernel's headers in compat.mk, not from the version.
 */
#ifndef VSSD_COMPAT_H
#define VSSD_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>

/* 6.12 moved the unaligned access helpers out of asm/. */
#ifdef VSSD_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.5 passes the gendisk and a blk_mode_t to a block device's open and
 * release: VSSD_HAVE_BLK_MODE chooses blk.c's pair.
 */

/* What a new vssd disk promises the block layer. */
struct vssd_disk_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int io_min;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
	unsigned int max_write_zeroes_sectors;
	/* A host-managed zoned disk when zone_sectors is not 0. */
	unsigned int zone_sectors;
	unsigned int max_zone_append_sectors;
	unsigned int max_open_zones;		/* 0: no limit */
	unsigned int max_active_zones;		/* 0: no limit */
};

/*
 * A blk-mq disk with these limits, a volatile write cache with FUA,
 * non-rotational.
 * 6.11 takes them all as a struct queue_limits at allocation (features
 * included); 6.1 sets them on the queue one by one.
 */
static inline struct gendisk *vssd_alloc_disk(struct blk_mq_tag_set *set,
					      const struct vssd_disk_limits *l,
					      void *queuedata)
{
#ifdef VSSD_HAVE_BLK_FEATURES
	struct queue_limits lim = {
		.logical_block_size = l->logical_block_size,
		.physical_block_size = l->physical_block_size,
		.io_min = l->io_min,
		.max_hw_sectors = l->max_hw_sectors,
		.max_segments = l->max_segments,
		.max_hw_discard_sectors = l->max_discard_sectors,
		.discard_granularity = l->discard_granularity,
		.max_write_zeroes_sectors = l->max_write_zeroes_sectors,
		.features = BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA,
	};

	if (l->zone_sectors) {
		lim.features |= BLK_FEAT_ZONED;
		lim.chunk_sectors = l->zone_sectors;
		lim.max_zone_append_sectors = l->max_zone_append_sectors;
		lim.max_open_zones = l->max_open_zones;
		lim.max_active_zones = l->max_active_zones;
	}
	return blk_mq_alloc_disk(set, &lim, queuedata);
#else
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->physical_block_size);
	blk_queue_io_min(q, l->io_min);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	q->limits.discard_granularity = l->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, l->max_write_zeroes_sectors);
	blk_queue_write_cache(q, true, true);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	if (l->zone_sectors) {
		/* Writes of a zone reach the driver in order through mq-deadline. */
		disk_set_zoned(disk, BLK_ZONED_HM);
		blk_queue_flag_set(QUEUE_FLAG_ZONE_RESETALL, q);
		blk_queue_required_elevator_features(q, ELEVATOR_F_ZBD_SEQ_WRITE);
		blk_queue_chunk_sectors(q, l->zone_sectors);
		blk_queue_max_zone_append_sectors(q, l->max_zone_append_sectors);
		disk_set_max_open_zones(disk, l->max_open_zones);
		disk_set_max_active_zones(disk, l->max_active_zones);
	}
	return disk;
#endif
}

/*
 * A zoned disk reads its zones (->report_zones) before add_disk(): 6.10
 * dropped the callback argument of blk_revalidate_disk_zones().
 */
static inline int vssd_revalidate_zones(struct gendisk *disk)
{
#ifdef VSSD_HAVE_REVALIDATE_ZONES_DISK_ONLY
	return blk_revalidate_disk_zones(disk);
#else
	return blk_revalidate_disk_zones(disk, NULL);
#endif
}

/*
 * Zero-copy send of whole pages.  6.5 removed ->sendpage in favour of
 * sendmsg(MSG_SPLICE_PAGES); 6.1 defines MSG_SPLICE_PAGES in some stable
 * releases but its TCP ignores it and copies, so this keys on
 * kernel_sendpage(), not on the flag.  Returns bytes sent or a negative
 * errno.
 */
static inline int vssd_sock_send_pages(struct socket *sock, struct bio_vec *bvec,
				       unsigned int nr, size_t len, int flags)
{
#ifndef VSSD_HAVE_KERNEL_SENDPAGE
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, nr, len);
	return sock_sendmsg(sock, &msg);
#else
	size_t sent = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		int more = i + 1 < nr ? MSG_MORE | MSG_SENDPAGE_NOTLAST : 0;
		int ret = kernel_sendpage(sock, bvec[i].bv_page, bvec[i].bv_offset,
					  bvec[i].bv_len, flags | more |
					  (flags & MSG_MORE ? MSG_SENDPAGE_NOTLAST : 0));

		if (ret <= 0)
			return sent ? sent : ret;
		sent += ret;
		if (ret < bvec[i].bv_len)
			break;
	}
	return sent;
#endif
}

#endif /* VSSD_COMPAT_H */
