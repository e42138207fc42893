# SPDX-License-Identifier: GPL-2.0
#
# Probes of the kernel vssd builds against, for include/vssd/compat.h: each
# defines VSSD_HAVE_<change> when the kernel's headers (srctree, the headers'
# source directory) show the change, rather than guessing from the version.
# Included by Kbuild; one probe per shim of compat.h.

vssd_hdr = $(srctree)/include/linux
ifeq ($(wildcard $(vssd_hdr)/blkdev.h),)
$(error vssd: no $(vssd_hdr)/blkdev.h: the kernel headers are not where the probes look)
endif

# 6.12: the unaligned access helpers moved from asm/ to linux/unaligned.h.
ifneq ($(wildcard $(vssd_hdr)/unaligned.h),)
ccflags-y += -DVSSD_HAVE_LINUX_UNALIGNED_H
endif

# 6.5: a block device's open and release take a blk_mode_t.
ifneq ($(shell grep -qs 'typedef .*blk_mode_t;' $(vssd_hdr)/blkdev.h && echo y),)
ccflags-y += -DVSSD_HAVE_BLK_MODE
endif

# 6.11: a disk's limits and features (BLK_FEAT_*) are a struct queue_limits
# given to blk_mq_alloc_disk() (6.9 added the argument, 6.11 the features).
ifneq ($(shell grep -qs 'BLK_FEAT_ZONED' $(vssd_hdr)/blkdev.h && echo y),)
ccflags-y += -DVSSD_HAVE_BLK_FEATURES
endif

# 6.10: blk_revalidate_disk_zones() lost its callback argument.
vssd_revalidate = 'blk_revalidate_disk_zones(struct gendisk *disk);'
ifneq ($(shell grep -qsF $(vssd_revalidate) $(vssd_hdr)/blkdev.h && echo y),)
ccflags-y += -DVSSD_HAVE_REVALIDATE_ZONES_DISK_ONLY
endif

# 6.5 removed kernel_sendpage() for sendmsg(MSG_SPLICE_PAGES).
vssd_sendpage = 'int kernel_sendpage('
ifneq ($(shell grep -qsF $(vssd_sendpage) $(vssd_hdr)/net.h && echo y),)
ccflags-y += -DVSSD_HAVE_KERNEL_SENDPAGE
endif
