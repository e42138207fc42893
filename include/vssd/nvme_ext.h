/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe definitions vssd needs that <linux/nvme.h> of the oldest supported
 * kernel (6.1) lacks: values from the NVM Express Base 2.0 and NVM Command
 * Set 1.0 specifications.  Kernel-independent names so that newer headers
 * defining the same things do not clash.
 */
#ifndef VSSD_NVME_EXT_H
#define VSSD_NVME_EXT_H

#include <linux/bits.h>
#include <linux/types.h>

/* Status field as the passthrough ioctls return it: SCT << 8 | SC, DNR. */
#define VSSD_SC_DNR			0x4000

/* NVM command set: Copy (NVM Command Set 1.0, 3.2.2). */
#define VSSD_NVM_CMD_COPY		0x19

/* Copy source range entry, descriptor format 0h (32 bytes). */
struct vssd_copy_range {
	__u8	rsvd0[8];
	__le64	slba;
	__le16	nlb;		/* 0's based */
	__u8	rsvd18[6];
	__le32	eilbrt;
	__le16	elbat;
	__le16	elbatm;
};

/* Identify Namespace (NVM) fields at bytes 74..80, absent from 6.1. */
#define VSSD_ID_NS_MSSRL_OFFSET		74	/* le16: max single source range length */
#define VSSD_ID_NS_MCL_OFFSET		76	/* le32: max copy length */
#define VSSD_ID_NS_MSRC_OFFSET		80	/* u8: max source range count, 0's based */

/* Identify Controller: ONCS bit 8 (Copy), OCFS at byte 534. */
#define VSSD_ONCS_COPY			BIT(8)
#define VSSD_ID_CTRL_OCFS_OFFSET	534

/* Identify CNS values for the command-set specific structures. */
#define VSSD_CNS_NS_ACTIVE_LIST_CS	0x07
#define VSSD_CSI_KV			0x01	/* Key Value Command Set */

/* Get Log Page: commands supported and effects is per command set (CSI). */
#define VSSD_LOG_CSI_SHIFT		24

#endif /* VSSD_NVME_EXT_H */
