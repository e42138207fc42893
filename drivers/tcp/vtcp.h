/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd_tcp: the objects the files of the transport share.  What each file
 * offers the others is declared in its own header (queue.h, rx.h, ...).
 *
 * Objects: a vtcp_port per enabled nvmet tcp port (a listening socket); a
 * vtcp_queue per accepted connection (one NVMe queue); a vtcp_cmd per
 * command slot of a queue.  Each queue has one work item (io_work) that does
 * all receiving and sending for it, so the rx and tx state need no locks;
 * other contexts (socket callbacks, nvmet completions) only queue that work.
 */
#ifndef VTCP_H
#define VTCP_H

#include <linux/atomic.h>
#include <linux/bvec.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/net.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>

#include <vssd/fwd.h>

#include "nvmet.h"
#include "params.h"
#include "pdu.h"

#define VTCP_ADMIN_INLINE_SIZE	8192	/* hosts put admin data in-capsule */
#define VTCP_MAX_R2T_PER_CMD	16
#define VTCP_TTAG_CONNECT	0xffff	/* the command slot used before Connect */
#define VTCP_TX_BVECS		64
#define VTCP_TX_BATCH_BYTES	(512 * 1024)

extern struct workqueue_struct *vtcp_wq;
extern const struct nvmet_fabrics_ops vtcp_ops;

struct vtcp_port {
	struct kref		ref;	/* the nvmet port and each queue */
	struct nvmet_port	*nport;
	struct socket		*listener;
	struct work_struct	accept_work;
	void			(*listener_data_ready)(struct sock *sk);
	struct sockaddr_storage	addr;
	atomic_t		nr_queues;	/* against max_connections */
};

/*
 * One thing to send: a header, data from a scatterlist, a data digest and a
 * trailing header, each optional, sent as one byte stream.
 */
struct vtcp_tx_item {
	struct list_head	entry;
	u32			sent;
	u32			total;
	void			*head;
	u32			head_len;
	struct scatterlist	*sg;
	u32			data_len;
	void			*ddgst;
	u32			ddgst_len;
	void			*tail;
	u32			tail_len;
	bool			zero_copy;	/* data pages outlive the send */
	void			(*done)(struct vtcp_tx_item *item);
};

enum vtcp_cmd_state {
	VTCP_CMD_FREE,
	VTCP_CMD_RECV,		/* nvmet_req_init done, buffer or data to come */
	VTCP_CMD_EXEC,		/* handed to nvmet */
	VTCP_CMD_RESP,		/* nvmet completed it; response being sent */
};

/* Bytes of a command's own header buffer: R2Ts, or C2HData + response. */
#define VTCP_CMD_HDRBUF		512

struct vtcp_cmd {
	struct vtcp_queue	*queue;
	enum vtcp_cmd_state	state;
	u16			ttag;
	struct list_head	free_entry;
	struct llist_node	resp_node;
	struct nvmet_req	req;
	struct nvme_command	sqe;
	struct nvme_completion	cqe;

	/*
	 * data buffer: the preallocated page, or sgl_alloc()ed when the data
	 * is about to move (before the first R2T, before a read runs), with
	 * its bytes charged (mem.c)
	 */
	struct scatterlist	*sg;
	unsigned int		sg_nents;
	bool			sg_owned;
	bool			zero_fill;	/* the command may fill less */
	struct page		*page;
	struct scatterlist	page_sg;
	u32			data_len;
	u32			charged;
	bool			inline_wait;	/* in-capsule data waits for it */
	bool			inline_force;	/* waited too long: take it */
	struct list_head	wait_entry;	/* on queue->mem_wait_cmds */
	struct list_head	exec_entry;	/* on queue->exec_cmds */
	unsigned long		wait_since;	/* for data_timeout_ms */

	/* writes: what has been asked for and received */
	bool			owns_cid;	/* cleared from cid_busy on free */
	u32			rcvd;
	u32			r2t_issued;	/* end of the last R2T built */
	u32			r2t_base;	/* offset of the first R2T in tx */
	u32			r2t_chunk;
	bool			resp_waiting;	/* completed while tx held R2Ts */
	u16			status;		/* fail with this once data is in */

	struct vtcp_tx_item	tx;
	u8			*hdrbuf;	/* VTCP_CMD_HDRBUF, page-backed */

	/* fwd.c: a command answered here or run by vssd */
	struct vssd_ns		*fwd_ns;
	struct vssd_fwd_req	fwd;
	void			(*nvmet_execute)(struct nvmet_req *req);
};

enum vtcp_queue_state {
	VTCP_Q_WAIT_ICREQ,
	VTCP_Q_LIVE,
	VTCP_Q_TERMINATING,	/* sending a C2HTermReq, then closing */
	VTCP_Q_CLOSING,		/* release scheduled */
};

/* Why receiving stopped before the data of a capsule. */
enum vtcp_rx_block {
	VTCP_RX_GO,
	VTCP_RX_WAIT_SLOT,	/* more capsules than the queue has slots */
	VTCP_RX_WAIT_BUFFER,	/* no room yet for in-capsule data */
};

enum vtcp_rx_phase {
	VTCP_RX_HEADER,
	VTCP_RX_PAD,
	VTCP_RX_DATA,
	VTCP_RX_DDGST,
};

struct vtcp_rx {
	enum vtcp_rx_phase	phase;
	u8			hdr[VTCP_MAX_HLEN + VTCP_DIGEST_LEN];
	u32			hdr_have;
	u32			hdr_want;
	struct vtcp_pdu_layout	layout;
	u32			pad_left;
	u32			data_left;
	struct vtcp_cmd		*cmd;	/* where data goes; NULL: discard */
	u32			data_pos;
	u32			crc;
	u8			ddgst[VTCP_DIGEST_LEN];
	u32			ddgst_have;
	enum vtcp_rx_block	blocked; /* the capsule in hdr waits */
};

struct vtcp_queue {
	struct socket		*sock;
	struct vtcp_port	*port;
	struct nvmet_cq		nvme_cq;
	struct nvmet_sq		nvme_sq;
	int			state;
	int			cpu;
	unsigned int		id;
	struct list_head	entry;
	struct work_struct	io_work;
	struct work_struct	release_work;
	struct delayed_work	deadline_work;
	/* deadline_work's, while TERMINATING: is the host still reading? */
	unsigned long		term_since;
	u32			term_una;	/* tcp snd_una at the last look */

	void			(*old_data_ready)(struct sock *sk);
	void			(*old_write_space)(struct sock *sk);
	void			(*old_state_change)(struct sock *sk);

	/* negotiated in ICReq/ICResp */
	struct vtcp_rx_rules	rules;
	u8			hpda;
	u32			r2t_per_cmd;

	/* command slots: one before Connect, sq->size after */
	struct vtcp_cmd		connect_cmd;
	struct vtcp_cmd		*cmds;
	u32			nr_cmds;
	struct list_head	free_cmds;
	unsigned long		*cid_busy;

	struct vtcp_rx		rx;
	/* rx.c holds the socket lock: commands to run wait on exec_cmds */
	bool			rx_in_sock;
	struct list_head	exec_cmds;

	struct llist_head	resp_llist;
	struct list_head	tx_list;
	struct bio_vec		tx_bvec[VTCP_TX_BVECS];
	bool			tx_zc[VTCP_TX_BVECS];
	/* tx.c: the socket is full with items left; when it last took bytes */
	bool			tx_blocked;
	unsigned long		tx_progress;
	struct delayed_work	send_timer;	/* send_timeout_ms checks */
	bool			check_send;	/* set by send_timer */

	struct vtcp_owner	*owner;	/* fwd.c: the host controller's record */

	/* mem.c: buffer bytes held, commands waiting for a buffer */
	atomic_long_t		data_bytes;
	struct list_head	mem_wait_cmds;
	struct list_head	mem_wait_entry;	/* on the module's waiter list */
	long			data_frees_seen; /* frees count at the last charge */
	struct delayed_work	data_timer;	/* data_timeout_ms checks */
	bool			check_waits;	/* set by data_timer */

	/* ICResp and C2HTermReq, built in ctrl_buf */
	struct vtcp_tx_item	icresp_tx;
	struct vtcp_tx_item	term_tx;
	u8			*ctrl_buf;
};

#endif /* VTCP_H */
