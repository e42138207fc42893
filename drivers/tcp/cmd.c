// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: command slots and what happens to a command: its capsule is
 * handed to nvmet_req_init(), its SGL says how much data moves, write data
 * comes in-capsule or through R2T/H2CData, then nvmet executes it and the
 * response (with C2HData for reads) is queued for sending.
 *
 * Every slot has one preallocated page for small transfers.  Larger ones
 * get a buffer only when their data is about to move: in-capsule data as
 * its capsule arrives, R2T data before the first R2T leaves, read data
 * before nvmet runs the command.  The buffer is charged first (mem.c); a
 * command whose charge does not fit waits, in arrival order, until buffers
 * are freed, or fails with a retryable status after data_timeout_ms.  A
 * command that gets no full-size data PDU for that long after its R2T left
 * (in-capsule data: after its capsule) ends the connection.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "cmd.h"
#include "fwd.h"
#include "mem.h"
#include "queue.h"
#include "rx.h"
#include "tx.h"

/* Where the headers of a command's PDUs are built in cmd->hdrbuf. */
#define VTCP_HDRBUF_C2H		0	/* C2HData header + pad: <= 128 */
#define VTCP_HDRBUF_DDGST	128
#define VTCP_HDRBUF_RESP	192	/* CapsuleResp + digest: 28 */

static u32 vtcp_hdgst_len(struct vtcp_queue *queue)
{
	return queue->rules.hdgst ? VTCP_DIGEST_LEN : 0;
}

/* Append the header digest of the hlen bytes at hdr, if negotiated. */
static void vtcp_put_hdgst(struct vtcp_queue *queue, void *hdr, u32 hlen)
{
	__le32 digest;

	if (!queue->rules.hdgst)
		return;
	digest = cpu_to_le32(~crc32c(~0, hdr, hlen));
	memcpy(hdr + hlen, &digest, sizeof(digest));
}

static int vtcp_cmd_init_slot(struct vtcp_queue *queue, struct vtcp_cmd *cmd, u16 ttag)
{
	cmd->queue = queue;
	cmd->ttag = ttag;
	cmd->state = VTCP_CMD_FREE;
	cmd->req.cmd = &cmd->sqe;
	cmd->req.cqe = &cmd->cqe;
	INIT_LIST_HEAD(&cmd->free_entry);
	INIT_LIST_HEAD(&cmd->wait_entry);
	INIT_LIST_HEAD(&cmd->exec_entry);
	vtcp_tx_init_item(&cmd->tx);
	cmd->page = alloc_page(GFP_KERNEL);
	if (!cmd->page)
		return -ENOMEM;
	/* kmalloc-512 objects never straddle a page: one bio_vec each. */
	cmd->hdrbuf = kmalloc(VTCP_CMD_HDRBUF, GFP_KERNEL);
	if (!cmd->hdrbuf) {
		__free_page(cmd->page);
		cmd->page = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void vtcp_cmd_release_data(struct vtcp_cmd *cmd)
{
	list_del_init(&cmd->wait_entry);
	if (cmd->sg_owned)
		sgl_free(cmd->sg);
	if (cmd->charged)
		vtcp_data_uncharge(cmd->queue, cmd->charged);
	cmd->charged = 0;
	cmd->sg = NULL;
	cmd->sg_nents = 0;
	cmd->sg_owned = false;
	cmd->data_len = 0;
}

static void vtcp_cmd_free_slot(struct vtcp_cmd *cmd)
{
	vtcp_cmd_release_data(cmd);
	if (cmd->page)
		__free_page(cmd->page);
	kfree(cmd->hdrbuf);
	cmd->page = NULL;
	cmd->hdrbuf = NULL;
}

/* The one slot a queue has before Connect tells it its size. */
int vtcp_cmds_init_connect(struct vtcp_queue *queue)
{
	int ret = vtcp_cmd_init_slot(queue, &queue->connect_cmd, VTCP_TTAG_CONNECT);

	if (!ret)
		list_add(&queue->connect_cmd.free_entry, &queue->free_cmds);
	return ret;
}

int vtcp_cmds_alloc(struct vtcp_queue *queue, u32 nr)
{
	struct vtcp_cmd *cmds;
	u32 i;

	cmds = kvcalloc(nr, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (vtcp_cmd_init_slot(queue, &cmds[i], i))
			goto out_free;
	}
	for (i = 0; i < nr; i++)
		list_add_tail(&cmds[i].free_entry, &queue->free_cmds);
	queue->cmds = cmds;
	queue->nr_cmds = nr;
	return 0;

out_free:
	while (i--)
		vtcp_cmd_free_slot(&cmds[i]);
	kvfree(cmds);
	return -ENOMEM;
}

/* Every slot, the Connect one included; the queue is going away. */
void vtcp_cmds_free(struct vtcp_queue *queue)
{
	u32 i;

	vtcp_cmd_free_slot(&queue->connect_cmd);
	for (i = 0; i < queue->nr_cmds; i++)
		vtcp_cmd_free_slot(&queue->cmds[i]);
	kvfree(queue->cmds);
	queue->cmds = NULL;
	queue->nr_cmds = 0;
}

struct vtcp_cmd *vtcp_cmd_get(struct vtcp_queue *queue)
{
	struct vtcp_cmd *cmd;

	cmd = list_first_entry_or_null(&queue->free_cmds, struct vtcp_cmd,
				       free_entry);
	if (!cmd)
		return NULL;
	list_del_init(&cmd->free_entry);
	cmd->state = VTCP_CMD_RECV;
	cmd->rcvd = 0;
	cmd->r2t_issued = 0;
	cmd->r2t_base = 0;
	cmd->r2t_chunk = 0;
	cmd->resp_waiting = false;
	cmd->status = 0;
	cmd->owns_cid = false;
	cmd->zero_fill = false;
	cmd->inline_wait = false;
	cmd->inline_force = false;
	return cmd;
}

void vtcp_cmd_put(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;

	vtcp_cmd_release_data(cmd);
	if (cmd->owns_cid)
		clear_bit(cmd->sqe.common.command_id, queue->cid_busy);
	cmd->owns_cid = false;
	cmd->state = VTCP_CMD_FREE;
	/* After Connect the queue has its real slots; the first one retires. */
	if (cmd == &queue->connect_cmd && queue->cmds)
		return;
	list_add(&cmd->free_entry, &queue->free_cmds);
}

struct vtcp_cmd *vtcp_cmd_by_ttag(struct vtcp_queue *queue, u16 ttag)
{
	if (ttag == VTCP_TTAG_CONNECT)
		return &queue->connect_cmd;
	if (ttag >= queue->nr_cmds)
		return NULL;
	return &queue->cmds[ttag];
}

/*
 * The SGL decides where the data is and how much of it moves.  A transfer
 * that fits the slot's page gets it now; a larger one gets its buffer from
 * vtcp_cmd_alloc_data() when the data is about to move.
 */
static u16 vtcp_cmd_check_data(struct vtcp_cmd *cmd, u32 inline_len)
{
	struct nvme_sgl_desc *sgl = &cmd->sqe.common.dptr.sgl;
	u32 len = le32_to_cpu(sgl->length);
	u32 max = 4096U << vtcp_mdts, chunk;

	if (!len && !inline_len)
		return 0;

	if (sgl->type == ((NVME_SGL_FMT_DATA_DESC << 4) | NVME_SGL_FMT_OFFSET)) {
		if (!nvme_is_write(&cmd->sqe))
			return NVME_SC_SGL_INVALID_TYPE | NVME_STATUS_DNR;
		if (le64_to_cpu(sgl->addr))
			return NVME_SC_SGL_INVALID_OFFSET | NVME_STATUS_DNR;
		if (len != inline_len)
			return NVME_SC_SGL_INVALID_DATA | NVME_STATUS_DNR;
	} else if (sgl->type == ((NVME_TRANSPORT_SGL_DATA_DESC << 4) |
				 NVME_SGL_FMT_TRANSPORT_A)) {
		if (inline_len)
			return NVME_SC_SGL_INVALID_DATA | NVME_STATUS_DNR;
	} else {
		return NVME_SC_SGL_INVALID_TYPE | NVME_STATUS_DNR;
	}
	if (len > max)
		return NVME_SC_SGL_INVALID_DATA | NVME_STATUS_DNR;

	/*
	 * What the host reads must be what the command wrote: anything else
	 * is zero.  Block reads on I/O queues fill every byte (and forwarded
	 * commands zero their own buffers); log pages, identify data and
	 * the like may fill less than the host asked for.
	 */
	cmd->zero_fill = !nvme_is_write(&cmd->sqe) &&
			 !(cmd->queue->nvme_sq.qid &&
			   cmd->sqe.common.opcode == nvme_cmd_read);
	if (len <= PAGE_SIZE) {
		if (cmd->zero_fill)
			memzero_page(cmd->page, 0, len);
		sg_init_table(&cmd->page_sg, 1);
		sg_set_page(&cmd->page_sg, cmd->page, len, 0);
		cmd->sg = &cmd->page_sg;
		cmd->sg_nents = 1;
		cmd->req.sg = cmd->sg;
		cmd->req.sg_cnt = cmd->sg_nents;
	}
	cmd->data_len = len;
	cmd->req.transfer_len = len;
	/* Read once: an administrator may set it to 0 meanwhile. */
	chunk = READ_ONCE(vtcp_r2t_chunk);
	cmd->r2t_chunk = chunk && chunk < len ? round_up(chunk, 4) : len;
	return 0;
}

/*
 * Give the command its buffer if it has none: -EAGAIN when the charge does
 * not fit (wait for buffers to be freed), -ENOMEM when the pages cannot be
 * had.  A host's transfer must not wake the OOM killer: fail it instead.
 */
static int vtcp_cmd_alloc_data(struct vtcp_cmd *cmd, bool force)
{
	int nents;

	if (cmd->sg || !cmd->data_len)
		return 0;
	if (!vtcp_data_charge(cmd->queue, cmd->data_len, force))
		return -EAGAIN;
	cmd->charged = cmd->data_len;
	cmd->sg = sgl_alloc(cmd->data_len, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN |
			    (cmd->zero_fill ? __GFP_ZERO : 0), &nents);
	if (!cmd->sg) {
		vtcp_data_uncharge(cmd->queue, cmd->charged);
		cmd->charged = 0;
		return -ENOMEM;
	}
	cmd->sg_nents = nents;
	cmd->sg_owned = true;
	cmd->req.sg = cmd->sg;
	cmd->req.sg_cnt = cmd->sg_nents;
	return 0;
}

/* Look at the waits of this queue within data_timeout_ms from now. */
static void vtcp_cmd_arm_timer(struct vtcp_queue *queue)
{
	if (!delayed_work_pending(&queue->data_timer))
		queue_delayed_work(vtcp_wq, &queue->data_timer,
				   msecs_to_jiffies(READ_ONCE(vtcp_data_timeout_ms)));
}

static bool vtcp_cmd_is_connect(const struct vtcp_cmd *cmd)
{
	return cmd->sqe.common.opcode == nvme_fabrics_command &&
	       cmd->sqe.fabrics.fctype == nvme_fabrics_type_connect;
}

static void vtcp_cmd_run(struct vtcp_cmd *cmd)
{
	bool connect = vtcp_cmd_is_connect(cmd);

	cmd->state = VTCP_CMD_EXEC;
	cmd->req.execute(&cmd->req);
	/*
	 * nvmet completes Connect before execute() returns: the queue has
	 * its controller now, before the commands pipelined behind Connect
	 * are parsed, and they must find its owner record already there.
	 */
	if (connect && cmd->queue->nvme_sq.ctrl) {
		/*
		 * The Connect deadline is over; a terminating queue (Connect
		 * ran after the error, deferred) keeps its grace timer.
		 */
		if (READ_ONCE(cmd->queue->state) == VTCP_Q_LIVE)
			cancel_delayed_work(&cmd->queue->deadline_work);
		vtcp_fwd_connected(cmd->queue);
	}
}

/*
 * Run a command nvmet accepted, but never while rx holds the socket lock
 * inside tcp_read_sock(): nvmet's handlers take nvmet_config_sem, which
 * nvmet holds while a port's listening socket is set up (socket lock
 * inside it), and a Discovery log page asks this socket for its address.
 * Such commands wait on exec_cmds until rx lets go of the socket.
 */
static void vtcp_cmd_execute(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;

	if (queue->rx_in_sock) {
		list_add_tail(&cmd->exec_entry, &queue->exec_cmds);
		return;
	}
	vtcp_cmd_run(cmd);
}

/* rx let go of the socket: run what it took in, in arrival order. */
void vtcp_cmds_run_deferred(struct vtcp_queue *queue)
{
	struct vtcp_cmd *cmd, *next;

	list_for_each_entry_safe(cmd, next, &queue->exec_cmds, exec_entry) {
		list_del_init(&cmd->exec_entry);
		vtcp_cmd_run(cmd);
	}
}

static void vtcp_cmd_r2t_sent(struct vtcp_tx_item *item);

/*
 * Ask for more write data: as many R2Ts as the host allows outstanding
 * (MAXR2T + 1), each covering r2t_chunk bytes.
 */
static void vtcp_cmd_issue_r2t(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;
	u32 size = VTCP_R2T_HLEN + vtcp_hdgst_len(queue);
	u32 outstanding = DIV_ROUND_UP(cmd->r2t_issued - cmd->rcvd, cmd->r2t_chunk);
	u32 count = 0;

	if (!list_empty(&cmd->tx.entry))
		return;	/* resumed by vtcp_cmd_r2t_sent() */
	/* Nothing follows a C2HTermReq on the wire. */
	if (READ_ONCE(queue->state) != VTCP_Q_LIVE)
		return;

	cmd->r2t_base = cmd->r2t_issued;
	while (cmd->r2t_issued < cmd->data_len &&
	       outstanding + count < queue->r2t_per_cmd &&
	       (count + 1) * size <= VTCP_CMD_HDRBUF) {
		struct vtcp_r2t_pdu *r2t = (void *)(cmd->hdrbuf + count * size);
		u32 len = min(cmd->r2t_chunk, cmd->data_len - cmd->r2t_issued);

		memset(r2t, 0, sizeof(*r2t));
		r2t->hdr.type = VTCP_R2T;
		r2t->hdr.flags = queue->rules.hdgst ? VTCP_F_HDGST : 0;
		r2t->hdr.hlen = VTCP_R2T_HLEN;
		r2t->hdr.plen = cpu_to_le32(size);
		r2t->command_id = cmd->sqe.common.command_id;
		r2t->ttag = cmd->ttag;
		r2t->r2t_offset = cpu_to_le32(cmd->r2t_issued);
		r2t->r2t_length = cpu_to_le32(len);
		vtcp_put_hdgst(queue, r2t, VTCP_R2T_HLEN);
		cmd->r2t_issued += len;
		count++;
	}
	if (!count)
		return;
	/* The data deadline starts when they have left (vtcp_cmd_r2t_sent). */
	vtcp_tx_prepare(&cmd->tx, cmd->hdrbuf, count * size, vtcp_cmd_r2t_sent);
	vtcp_tx_queue(queue, &cmd->tx);
}

/*
 * The R2Ts of cmd->tx have left (or the queue dropped them unsent).  A
 * response that came while they were queued goes out now; otherwise ask
 * for the next part of the data.
 */
static void vtcp_cmd_r2t_sent(struct vtcp_tx_item *item)
{
	struct vtcp_cmd *cmd = container_of(item, struct vtcp_cmd, tx);
	bool live = READ_ONCE(cmd->queue->state) == VTCP_Q_LIVE;

	if (cmd->resp_waiting) {
		cmd->resp_waiting = false;
		if (live)
			vtcp_cmd_send_response(cmd);
		else
			vtcp_cmd_put(cmd);
		return;
	}
	if (live && cmd->state == VTCP_CMD_RECV) {
		/*
		 * The host has its R2Ts now: their data is due from here, even
		 * for a command that already failed and asks for no more.
		 */
		cmd->wait_since = jiffies;
		vtcp_cmd_arm_timer(cmd->queue);
		if (!cmd->status)
			vtcp_cmd_issue_r2t(cmd);
	}
}

/*
 * End of the data asked for by R2Ts the host can have seen: all of them
 * once cmd->tx is off the send list, else those of its R2T PDUs that the
 * socket has taken whole.
 */
static u32 vtcp_cmd_r2t_sent_end(const struct vtcp_cmd *cmd)
{
	u32 size = VTCP_R2T_HLEN + vtcp_hdgst_len(cmd->queue);
	u32 whole;

	if (list_empty(&cmd->tx.entry))
		return cmd->r2t_issued;
	whole = cmd->tx.sent / size;
	return min(cmd->r2t_base + whole * cmd->r2t_chunk, cmd->r2t_issued);
}

/*
 * Where the next H2CData PDU for this command must fall: within the R2T
 * that covers the next byte, and only if that R2T has been sent.  An
 * empty window (end == next_offset) means the host may send nothing.
 */
void vtcp_cmd_h2c_window(struct vtcp_cmd *cmd, struct vtcp_h2c_window *window)
{
	window->command_id = cmd->sqe.common.command_id;
	window->next_offset = cmd->rcvd;
	window->end = cmd->rcvd;	/* nothing expected */
	if (cmd->state == VTCP_CMD_RECV && cmd->r2t_chunk &&
	    vtcp_cmd_r2t_sent_end(cmd) > cmd->rcvd) {
		u32 r2t_end = cmd->rcvd - cmd->rcvd % cmd->r2t_chunk +
			      cmd->r2t_chunk;

		window->end = min(r2t_end, vtcp_cmd_r2t_sent_end(cmd));
	}
}

/* The command has its buffer: ask for its data, or run it. */
static void vtcp_cmd_go(struct vtcp_cmd *cmd)
{
	if (nvme_is_write(&cmd->sqe) && cmd->data_len)
		vtcp_cmd_issue_r2t(cmd);
	else
		vtcp_cmd_execute(cmd);
}

/*
 * A command without in-capsule data is ready to move its data.  Commands
 * that found no room wait in arrival order, so a large transfer is not
 * passed over forever by small ones.
 */
static void vtcp_cmd_start(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;
	int ret = -EAGAIN;

	if (list_empty(&queue->mem_wait_cmds) || cmd->sg || !cmd->data_len)
		ret = vtcp_cmd_alloc_data(cmd, false);
	if (ret == -EAGAIN) {
		cmd->wait_since = jiffies;
		list_add_tail(&cmd->wait_entry, &queue->mem_wait_cmds);
		vtcp_data_wait(queue);
		vtcp_cmd_arm_timer(queue);
		return;
	}
	if (ret) {
		nvmet_req_complete(&cmd->req, NVME_SC_INTERNAL);
		return;
	}
	vtcp_cmd_go(cmd);
}

/* Buffers were freed: start the commands that waited, oldest first. */
void vtcp_cmds_serve_waiting(struct vtcp_queue *queue)
{
	struct vtcp_cmd *cmd;
	int ret;

	while ((cmd = list_first_entry_or_null(&queue->mem_wait_cmds,
					       struct vtcp_cmd, wait_entry))) {
		ret = vtcp_cmd_alloc_data(cmd, false);
		if (ret == -EAGAIN) {
			vtcp_data_wait(queue);
			return;
		}
		list_del_init(&cmd->wait_entry);
		if (ret)
			nvmet_req_complete(&cmd->req, NVME_SC_INTERNAL);
		else
			vtcp_cmd_go(cmd);
	}
}

/* Write data the command still waits for from the host. */
static bool vtcp_cmd_waits_for_data(struct vtcp_cmd *cmd)
{
	return cmd->state == VTCP_CMD_RECV && list_empty(&cmd->wait_entry) &&
	       !cmd->inline_wait && nvme_is_write(&cmd->sqe) &&
	       cmd->rcvd < cmd->data_len;
}

static bool vtcp_cmds_await_h2c(struct vtcp_queue *queue)
{
	u32 i;

	for (i = 0; i < queue->nr_cmds; i++) {
		if (vtcp_cmd_waits_for_data(&queue->cmds[i]))
			return true;
	}
	return false;
}

/*
 * data_timer fired: fail commands that waited longer than data_timeout_ms
 * for a buffer (they have asked the host for nothing yet, so a retryable
 * status ends them cleanly), and end the connection if one waited that
 * long for H2C data (its transfer tag cannot be retired while the host may
 * still send for it).  Look again at the next deadline.
 */
void vtcp_cmds_check_waits(struct vtcp_queue *queue)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(vtcp_data_timeout_ms));
	unsigned long now = jiffies, next = now + timeout;
	struct vtcp_cmd *cmd, *tmp;
	bool waiting = false;
	u32 i;

	list_for_each_entry_safe(cmd, tmp, &queue->mem_wait_cmds, wait_entry) {
		if (time_before(now, cmd->wait_since + timeout)) {
			waiting = true;
			next = cmd->wait_since + timeout;
			break;	/* the rest came later */
		}
		pr_warn_ratelimited("queue %u: command %u got no data buffer in %u ms: failed, to be retried\n",
				    queue->id, cmd->sqe.common.command_id,
				    jiffies_to_msecs(timeout));
		list_del_init(&cmd->wait_entry);
		nvmet_req_complete(&cmd->req, NVME_SC_CMD_INTERRUPTED);
	}
	for (i = 0; i <= queue->nr_cmds; i++) {
		cmd = i < queue->nr_cmds ? &queue->cmds[i] : &queue->connect_cmd;
		if (cmd->inline_wait && cmd->state == VTCP_CMD_RECV &&
		    !time_before(now, cmd->wait_since + timeout)) {
			/* Waiting for room does not end: rx takes it now. */
			cmd->inline_force = true;
			vtcp_queue_kick(queue);
			continue;
		}
		if (!vtcp_cmd_waits_for_data(cmd) &&
		    !(cmd->inline_wait && cmd->state == VTCP_CMD_RECV))
			continue;
		/* Its R2T has not left yet: the send watchdog's business. */
		if (!list_empty(&cmd->tx.entry))
			continue;
		if (time_before(now, cmd->wait_since + timeout)) {
			if (!waiting || time_before(cmd->wait_since + timeout, next))
				next = cmd->wait_since + timeout;
			waiting = true;
			continue;
		}
		pr_warn_ratelimited("queue %u: no data for command %u in %u ms: terminating the connection\n",
				    queue->id, cmd->sqe.common.command_id,
				    jiffies_to_msecs(timeout));
		vtcp_queue_fatal(queue, &(struct vtcp_fatal){ .fes = VTCP_FES_PDU_SEQUENCE },
				 NULL, 0);
		return;
	}
	if (waiting)
		mod_delayed_work(vtcp_wq, &queue->data_timer,
				 time_after(next, now) ? next - now : 1);
}

/*
 * A capsule arrived in a free slot.  Returns the command whose buffer its
 * in-capsule data goes to, NULL when that data is to be discarded (the
 * command already failed), or ERR_PTR(-EAGAIN) when there is no room for
 * that data yet (vtcp_cmd_capsule_buffer() says when there is).
 */
struct vtcp_cmd *vtcp_cmd_capsule(struct vtcp_queue *queue, struct vtcp_cmd *cmd,
				  const struct vtcp_cmd_pdu *pdu, u32 inline_len)
{
	u16 status;

	memcpy(&cmd->sqe, pdu->sqe, sizeof(cmd->sqe));
	if (test_and_set_bit(cmd->sqe.common.command_id, queue->cid_busy)) {
		/* The host reused the id of a command still in flight. */
		memset(&cmd->cqe, 0, sizeof(cmd->cqe));
		cmd->cqe.command_id = cmd->sqe.common.command_id;
		cmd->cqe.sq_id = cpu_to_le16(queue->nvme_sq.qid);
		cmd->cqe.status = cpu_to_le16((NVME_SC_CMDID_CONFLICT |
					       NVME_STATUS_DNR) << 1);
		cmd->state = VTCP_CMD_RESP;
		vtcp_cmd_send_response(cmd);
		return NULL;
	}
	cmd->owns_cid = true;
	cmd->req.port = queue->port->nport;
	if (!vtcp_fwd_req_init(queue, cmd))
		return NULL;	/* nvmet has queued the error response */

	status = vtcp_cmd_check_data(cmd, inline_len);
	if (status) {
		nvmet_req_complete(&cmd->req, status);
		return NULL;
	}
	if (!inline_len) {
		vtcp_cmd_start(cmd);
		return NULL;
	}
	switch (vtcp_cmd_capsule_buffer(cmd)) {
	case 0:
		return cmd;
	case -EAGAIN:
		return ERR_PTR(-EAGAIN);
	default:
		return NULL;	/* failed */
	}
}

/*
 * A buffer for the in-capsule data that follows the capsule.  Over the
 * limits, receiving stops (the host is held back by TCP) until buffers are
 * freed: -EAGAIN, ask again.  Unless waiting cannot help: when data for
 * this queue's own R2Ts may be behind this capsule in the stream, or after
 * data_timeout_ms, the bytes are taken over the limit; one capsule per
 * connection at a time is received, so that is at most the in-capsule
 * size per connection.  -ENOMEM: the command failed.
 */
int vtcp_cmd_capsule_buffer(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;
	int ret;

	ret = vtcp_cmd_alloc_data(cmd, cmd->inline_force);
	if (ret == -EAGAIN && vtcp_cmds_await_h2c(queue))
		ret = vtcp_cmd_alloc_data(cmd, true);
	if (ret == -EAGAIN) {
		if (!cmd->inline_wait) {
			cmd->inline_wait = true;
			cmd->wait_since = jiffies;
			vtcp_cmd_arm_timer(queue);
		}
		vtcp_data_wait(queue);
		return ret;
	}
	cmd->inline_wait = false;
	if (ret) {
		nvmet_req_complete(&cmd->req, NVME_SC_INTERNAL);
		return ret;
	}
	cmd->wait_since = jiffies;
	vtcp_cmd_arm_timer(queue);
	return 0;
}

/* bytes of write data (in-capsule or one H2CData PDU) have arrived. */
void vtcp_cmd_data_received(struct vtcp_cmd *cmd, u32 bytes, bool digest_ok)
{
	u32 asked = cmd->r2t_issued > cmd->rcvd ? cmd->r2t_issued - cmd->rcvd : 0;

	/*
	 * Only a full-size data PDU (MAXH2CDATA, or all that the R2Ts still
	 * ask for) starts the data deadline again: a host that trickles tiny
	 * PDUs cannot hold a command beyond data_timeout_ms per MAXH2CDATA.
	 */
	if (asked && bytes >= min(cmd->queue->rules.maxh2cdata, asked))
		cmd->wait_since = jiffies;
	cmd->rcvd += bytes;
	if (!digest_ok && !cmd->status) {
		pr_warn_ratelimited("queue %u: data digest error on command %u\n",
				    cmd->queue->id, cmd->sqe.common.command_id);
		cmd->status = NVME_SC_TRANSIENT_TR_ERR;
	}
	if (cmd->rcvd < cmd->data_len) {
		/* After an error, ask for nothing more; fail once it is in. */
		if (!cmd->status)
			vtcp_cmd_issue_r2t(cmd);
		else if (cmd->rcvd == cmd->r2t_issued)
			nvmet_req_complete(&cmd->req, cmd->status);
		return;
	}
	if (cmd->status)
		nvmet_req_complete(&cmd->req, cmd->status);
	else
		vtcp_cmd_execute(cmd);
}

/* nvmet's completion callback; any context, even hard interrupt. */
void vtcp_queue_response(struct nvmet_req *req)
{
	struct vtcp_cmd *cmd = container_of(req, struct vtcp_cmd, req);
	struct vtcp_queue *queue = cmd->queue;

	cmd->state = VTCP_CMD_RESP;
	llist_add(&cmd->resp_node, &queue->resp_llist);
	vtcp_queue_kick(queue);
}

static void vtcp_cmd_response_sent(struct vtcp_tx_item *item)
{
	vtcp_cmd_put(container_of(item, struct vtcp_cmd, tx));
}

static u32 vtcp_cmd_build_resp(struct vtcp_cmd *cmd, void *buf)
{
	struct vtcp_queue *queue = cmd->queue;
	struct vtcp_resp_pdu *resp = buf;

	resp->hdr.type = VTCP_CAPSULE_RESP;
	resp->hdr.flags = queue->rules.hdgst ? VTCP_F_HDGST : 0;
	resp->hdr.hlen = VTCP_RESP_HLEN;
	resp->hdr.pdo = 0;
	resp->hdr.plen = cpu_to_le32(VTCP_RESP_HLEN + vtcp_hdgst_len(queue));
	memcpy(resp->cqe, &cmd->cqe, sizeof(resp->cqe));
	vtcp_put_hdgst(queue, resp, VTCP_RESP_HLEN);
	return VTCP_RESP_HLEN + vtcp_hdgst_len(queue);
}

/*
 * Queue what completes a command: C2HData for a successful read, then the
 * CapsuleResp.  The response can ride on the data PDU's SUCCESS flag only
 * when the host needs nothing from the CQE: no result in DW0 (KV Retrieve
 * returns the value size there) and no SQ head to report.
 */
void vtcp_cmd_send_response(struct vtcp_cmd *cmd)
{
	struct vtcp_queue *queue = cmd->queue;
	struct vtcp_tx_item *tx = &cmd->tx;
	bool data = !nvme_is_write(&cmd->sqe) && cmd->data_len &&
		    !cmd->cqe.status && cmd->sg;

	/*
	 * One tx item per command: a command completed while its R2Ts are
	 * still queued (its data failed early) answers once they are out.
	 */
	if (nvme_is_write(&cmd->sqe))
		vtcp_cmd_release_data(cmd);	/* not needed, however slow the host */
	if (!list_empty(&tx->entry)) {
		cmd->resp_waiting = true;
		return;
	}
	if (vtcp_cmd_is_connect(cmd) && !cmd->cqe.status)
		vtcp_fwd_connected(queue);	/* a Connect nvmet completed later */

	if (data) {
		struct vtcp_data_pdu *c2h = (void *)(cmd->hdrbuf + VTCP_HDRBUF_C2H);
		u32 header_len = VTCP_DATA_HLEN + vtcp_hdgst_len(queue);
		u32 pdo = vtcp_pdu_data_offset(header_len, queue->hpda);
		u32 ddgst_len = queue->rules.ddgst ? VTCP_DIGEST_LEN : 0;
		bool success = queue->nvme_sq.sqhd_disabled &&
			       !cmd->cqe.result.u64;

		memset(c2h, 0, pdo);
		c2h->hdr.type = VTCP_C2H_DATA;
		c2h->hdr.flags = VTCP_F_DATA_LAST |
				 (queue->rules.hdgst ? VTCP_F_HDGST : 0) |
				 (ddgst_len ? VTCP_F_DDGST : 0) |
				 (success ? VTCP_F_DATA_SUCCESS : 0);
		c2h->hdr.hlen = VTCP_DATA_HLEN;
		c2h->hdr.pdo = pdo;
		c2h->hdr.plen = cpu_to_le32(pdo + cmd->data_len + ddgst_len);
		c2h->command_id = cmd->sqe.common.command_id;
		c2h->data_length = cpu_to_le32(cmd->data_len);
		vtcp_put_hdgst(queue, c2h, VTCP_DATA_HLEN);

		vtcp_tx_prepare(tx, c2h, pdo, vtcp_cmd_response_sent);
		tx->sg = cmd->sg;
		tx->data_len = cmd->data_len;
		/*
		 * Pages allocated for this command are freed only when TCP
		 * drops its references, so they can be sent without a copy;
		 * the slot's own page is reused at once and must be copied.
		 */
		tx->zero_copy = cmd->sg_owned;
		if (ddgst_len) {
			__le32 digest = cpu_to_le32(~vtcp_crc_sg(~0, cmd->sg, 0,
								 cmd->data_len));

			memcpy(cmd->hdrbuf + VTCP_HDRBUF_DDGST, &digest, sizeof(digest));
			tx->ddgst = cmd->hdrbuf + VTCP_HDRBUF_DDGST;
			tx->ddgst_len = ddgst_len;
		}
		if (!success) {
			tx->tail = cmd->hdrbuf + VTCP_HDRBUF_RESP;
			tx->tail_len = vtcp_cmd_build_resp(cmd, tx->tail);
		}
	} else {
		void *resp = cmd->hdrbuf + VTCP_HDRBUF_RESP;

		vtcp_tx_prepare(tx, resp, vtcp_cmd_build_resp(cmd, resp),
				vtcp_cmd_response_sent);
	}
	vtcp_tx_queue(queue, tx);
}

static void vtcp_cmd_abandon(struct vtcp_cmd *cmd)
{
	if (cmd->state != VTCP_CMD_RECV)
		return;
	nvmet_req_uninit(&cmd->req);
	cmd->state = VTCP_CMD_FREE;
	vtcp_cmd_release_data(cmd);
}

/*
 * The queue is going away: commands nvmet accepted but never got to run
 * (their data was still coming) give their references back.
 */
void vtcp_cmds_abandon(struct vtcp_queue *queue)
{
	u32 i;

	vtcp_cmd_abandon(&queue->connect_cmd);
	for (i = 0; i < queue->nr_cmds; i++)
		vtcp_cmd_abandon(&queue->cmds[i]);
}
