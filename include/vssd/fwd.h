/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vssd API a transport calls to hand a command to a vssd namespace it
 * exports: vssd.ko exports struct vssd_fwd_ops, vssd_tcp.ko uses it for the
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

/**
 * struct vssd_fwd_ops - what vssd.ko offers a transport
 * @lookup: what @bdev is; *@ns is set for the command set kinds
 * @submit: run @req on @ns through its controller's engine.  done() is
 *	always called, with an error status if the command could not be
 *	started; it may be called before this returns (an untimed command
 *	completes in the caller's context).  The caller must be allowed to
 *	sleep.
 * @forget: close what @owner holds open (KV iterators) on any vssd
 *	namespace.  May sleep.
 * @effects: add the I/O commands of command set @csi to an effects log
 *
 * vssd.ko exports one instance, vssd_fwd_ops.  A transport takes it with
 * symbol_get() when it first meets a vssd namespace and symbol_put()s it
 * when done, so that it neither needs vssd.ko to load nor keeps it loaded.
 */
struct vssd_fwd_ops {
	enum vssd_fwd_kind (*lookup)(struct block_device *bdev, struct vssd_ns **ns);
	void (*submit)(struct vssd_ns *ns, struct vssd_fwd_req *req);
	void (*forget)(u64 owner);
	void (*effects)(u8 csi, struct nvme_effects_log *log);
};

extern const struct vssd_fwd_ops vssd_fwd_ops;

/* The name of the module that provides vssd_fwd_ops. */
#define VSSD_FWD_MODULE		"vssd"

#endif /* VSSD_FWD_H */
