/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vssd API a transport calls to hand a command to a vssd namespace it
 * exports: vssd.ko exports these functions, vssd_tcp.ko uses them for the
 * commands of command sets nvmet cannot parse (key-value and vendor
 * opcodes), and for such a namespace's identify data.
 *
 * A transport finds the namespace from the block device it holds open (an
 * open vssd block device keeps its controller powered, so the namespace
 * stays valid while the transport's reference to the device lasts).
 */
#ifndef VSSD_FWD_H
#define VSSD_FWD_H

#include <linux/blkdev.h>
#include <linux/nvme.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

struct vssd_ns;

enum vssd_fwd_kind {
	VSSD_FWD_NONE,		/* not vssd's, or a block (NVM) namespace */
	VSSD_FWD_CS,		/* another command set, presented with its CSI */
	VSSD_FWD_CS_AS_NVM,	/* another command set, presented as NVM */
};

struct vssd_fwd_req {
	/* Filled by the transport. */
	struct nvme_command sqe;	/* nsid is replaced by vssd's own */
	bool admin;
	struct scatterlist *sg;		/* the data buffer, @len bytes */
	u32 len;
	u64 owner;		/* what it opens belongs to it; 0: nobody */
	u32 cs_config;		/* its command set's feature, as the host set it */
	void (*done)(struct vssd_fwd_req *req);

	/* Filled by vssd before done() is called, from any context. */
	u16 status;		/* SCT << 8 | SC, with DNR (0x4000) */
	u64 result;		/* CQE dwords 0 and 1 */
};

/* What @bdev is; *@ns is set for the command set kinds. */
enum vssd_fwd_kind vssd_fwd_lookup(struct block_device *bdev, struct vssd_ns **ns);

/*
 * Run @req on @ns through its controller's engine.  done() is always
 * called, with an error status if the command could not be started; it
 * may be called before this returns (an untimed command completes in the
 * caller's context).  The caller must be allowed to sleep.
 */
void vssd_fwd_submit(struct vssd_ns *ns, struct vssd_fwd_req *req);

/* Close what @owner holds open (KV iterators) on any vssd namespace.  May sleep. */
void vssd_fwd_forget(u64 owner);

/* Add the I/O commands of command set @csi to an effects log. */
void vssd_fwd_effects(u8 csi, struct nvme_effects_log *log);

#endif /* VSSD_FWD_H */
