// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: receiving.  tcp_read_sock() hands us the socket's queued skbs
 * directly, however many PDUs they hold, and the parser below takes bytes
 * from them as it needs: the 8-byte common header is checked before the
 * rest of the header is read, the whole header before any data is placed,
 * and data is copied straight into the command's pages at the offset the
 * checks allowed, one pass over each skb (skb_seq_read); no staging
 * buffer, no recvmsg per PDU.  Data digests are computed over the bytes
 * where they land.
 *
 * (recvmsg would also trip hardened usercopy when a loopback host's
 * zero-copied frags straddle two folios; copying ourselves does not.)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cmd.h"
#include "queue.h"
#include "rx.h"

/* Bytes of work one call does before letting tx (and other queues) run. */
#define VTCP_RX_BUDGET		(256 * 1024)
/*
 * Bytes taken per hold of the socket lock: while we hold it, arriving
 * segments wait in the backlog (and are dropped past its limit), so let
 * TCP process them every so often, as recvmsg does.
 */
#define VTCP_RX_LOCK_SLICE	(64 * 1024)

void vtcp_rx_init(struct vtcp_rx *rx)
{
	rx->phase = VTCP_RX_HEADER;
	rx->hdr_have = 0;
	rx->hdr_want = sizeof(struct vtcp_common_hdr);
}

u32 vtcp_crc_sg(u32 crc, struct scatterlist *sg, u32 skip, u32 len)
{
	for (; sg && len; sg = sg_next(sg)) {
		u32 seg = sg->length, this;
		void *addr;

		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		this = min(seg - skip, len);
		addr = kmap_local_page(sg_page(sg));
		crc = crc32c(crc, addr + sg->offset + skip, this);
		kunmap_local(addr);
		len -= this;
		skip = 0;
	}
	return crc;
}

static void vtcp_rx_next_pdu(struct vtcp_rx *rx)
{
	rx->phase = VTCP_RX_HEADER;
	rx->hdr_have = 0;
	rx->hdr_want = sizeof(struct vtcp_common_hdr);
	rx->cmd = NULL;
	rx->blocked = VTCP_RX_GO;
}

static int vtcp_rx_fatal(struct vtcp_queue *queue, const struct vtcp_fatal *fatal)
{
	vtcp_queue_fatal(queue, fatal, queue->rx.hdr, queue->rx.hdr_have);
	return -EPROTO;
}

static int vtcp_rx_fatal_field(struct vtcp_queue *queue, u16 fes, u32 fei)
{
	struct vtcp_fatal fatal = { .fes = fes, .fei = fei };

	return vtcp_rx_fatal(queue, &fatal);
}

/* The PDU's data, digest and all, has been taken in. */
static void vtcp_rx_pdu_end(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	struct vtcp_cmd *cmd = rx->cmd;

	if (cmd) {
		bool ok = true;

		if (rx->layout.ddgst_len) {
			__le32 want = cpu_to_le32(~rx->crc);

			ok = !memcmp(&want, rx->ddgst, sizeof(want));
		}
		vtcp_cmd_data_received(cmd, rx->layout.data_len, ok);
	}
	vtcp_rx_next_pdu(rx);
}

static void vtcp_rx_start_data(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;

	rx->pad_left = rx->layout.pad_len;
	rx->data_left = rx->layout.data_len;
	rx->crc = ~0;
	rx->ddgst_have = 0;
	if (rx->pad_left)
		rx->phase = VTCP_RX_PAD;
	else if (rx->data_left)
		rx->phase = VTCP_RX_DATA;
	else
		vtcp_rx_pdu_end(queue);
}

static int vtcp_rx_icreq(struct vtcp_queue *queue)
{
	const struct vtcp_icreq_pdu *icreq = (const void *)queue->rx.hdr;
	struct vtcp_fatal fatal;
	u32 maxr2t;

	if (vtcp_pdu_check_icreq(icreq, &fatal))
		return vtcp_rx_fatal(queue, &fatal);
	queue->rules.hdgst = icreq->digest & VTCP_DIGEST_HEADER;
	queue->rules.ddgst = icreq->digest & VTCP_DIGEST_DATA;
	queue->hpda = icreq->hpda;
	maxr2t = le32_to_cpu(icreq->maxr2t);
	queue->r2t_per_cmd = maxr2t >= VTCP_MAX_R2T_PER_CMD ?
			     VTCP_MAX_R2T_PER_CMD : maxr2t + 1;
	if (cmpxchg(&queue->state, VTCP_Q_WAIT_ICREQ, VTCP_Q_LIVE) !=
	    VTCP_Q_WAIT_ICREQ)
		return -ECONNRESET;
	queue->rules.connected = true;	/* the deadline now waits for Connect */
	pr_debug("queue %u: header digest %s, data digest %s, hpda %u, maxr2t %u\n",
		 queue->id, queue->rules.hdgst ? "on" : "off",
		 queue->rules.ddgst ? "on" : "off", queue->hpda, maxr2t);
	vtcp_queue_send_icresp(queue);
	vtcp_rx_next_pdu(&queue->rx);
	return 0;
}

static int vtcp_rx_h2c(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	const struct vtcp_data_pdu *pdu = (const void *)rx->hdr;
	struct vtcp_h2c_window window;
	struct vtcp_fatal fatal;
	struct vtcp_cmd *cmd;

	cmd = vtcp_cmd_by_ttag(queue, pdu->ttag);
	if (!cmd || cmd->state != VTCP_CMD_RECV)
		return vtcp_rx_fatal_field(queue, VTCP_FES_INVALID_HEADER_FIELD,
					   VTCP_OFF_DATA_TTAG);
	vtcp_cmd_h2c_window(cmd, &window);
	if (window.end == window.next_offset) {
		/* No R2T of this command that has left is waiting for data. */
		pr_warn_ratelimited("queue %u: H2CData for command %u before its R2T was sent\n",
				    queue->id, cmd->sqe.common.command_id);
		return vtcp_rx_fatal_field(queue, VTCP_FES_PDU_SEQUENCE, 0);
	}
	if (vtcp_pdu_check_h2c(pdu, &rx->layout, &window, &fatal))
		return vtcp_rx_fatal(queue, &fatal);
	rx->cmd = cmd;
	rx->data_pos = le32_to_cpu(pdu->data_offset);
	vtcp_rx_start_data(queue);
	return 0;
}

/* Buffers were freed: the capsule that waited for room may go on. */
static int vtcp_rx_capsule_buffer(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	int ret = vtcp_cmd_capsule_buffer(rx->cmd);

	if (ret == -EAGAIN)
		return ret;
	rx->blocked = VTCP_RX_GO;
	if (ret)
		rx->cmd = NULL;	/* the command failed: its data is dropped */
	rx->data_pos = 0;
	vtcp_rx_start_data(queue);
	return 0;
}

/* A whole header is in: verify its digest and act on it. */
static int vtcp_rx_header(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	const struct vtcp_common_hdr *hdr = (const void *)rx->hdr;
	struct vtcp_cmd *cmd;

	if (rx->layout.header_len > hdr->hlen) {
		__le32 want = cpu_to_le32(~crc32c(~0, rx->hdr, hdr->hlen));

		if (memcmp(&want, rx->hdr + hdr->hlen, sizeof(want)))
			return vtcp_rx_fatal_field(queue, VTCP_FES_HEADER_DIGEST, 0);
	}

	switch (hdr->type) {
	case VTCP_ICREQ:
		return vtcp_rx_icreq(queue);
	case VTCP_H2C_DATA:
		return vtcp_rx_h2c(queue);
	case VTCP_H2C_TERM:
		pr_info_ratelimited("queue %u: the host terminated the connection (FES %u)\n",
				    queue->id,
				    le16_to_cpu(((struct vtcp_term_pdu *)rx->hdr)->fes));
		return -ECONNRESET;
	case VTCP_CAPSULE_CMD:
		if (rx->blocked == VTCP_RX_WAIT_BUFFER)
			return vtcp_rx_capsule_buffer(queue);
		cmd = vtcp_cmd_get(queue);
		if (!cmd) {
			/*
			 * More capsules than the queue has slots: read nothing
			 * more until a command completes.
			 */
			rx->blocked = VTCP_RX_WAIT_SLOT;
			return -EAGAIN;
		}
		rx->blocked = VTCP_RX_GO;
		rx->cmd = vtcp_cmd_capsule(queue, cmd, (const void *)rx->hdr,
					   rx->layout.data_len);
		if (rx->cmd == ERR_PTR(-EAGAIN)) {
			/* No room for its data yet: read nothing more till then. */
			rx->cmd = cmd;
			rx->blocked = VTCP_RX_WAIT_BUFFER;
			return -EAGAIN;
		}
		rx->data_pos = 0;
		vtcp_rx_start_data(queue);
		return 0;
	}
	/* vtcp_pdu_check_common() let no other type through. */
	return vtcp_rx_fatal_field(queue, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_TYPE);
}

static int vtcp_rx_take_header(struct vtcp_queue *queue, struct sk_buff *skb,
			       u32 offset, u32 avail)
{
	struct vtcp_rx *rx = &queue->rx;
	u32 n = min(rx->hdr_want - rx->hdr_have, avail);
	struct vtcp_fatal fatal;
	int ret;

	if (skb_copy_bits(skb, offset, rx->hdr + rx->hdr_have, n))
		return -EFAULT;
	rx->hdr_have += n;
	if (rx->hdr_have < rx->hdr_want)
		return n;
	if (rx->hdr_want == sizeof(struct vtcp_common_hdr)) {
		if (vtcp_pdu_check_common(&queue->rules, (const void *)rx->hdr,
					  &rx->layout, &fatal))
			return vtcp_rx_fatal(queue, &fatal);
		rx->hdr_want = rx->layout.header_len;
		if (rx->hdr_have < rx->hdr_want)
			return n;
	}
	ret = vtcp_rx_header(queue);
	if (ret == -EAGAIN)
		return n;	/* header kept; rx->blocked says why we wait */
	return ret ?: n;
}

/*
 * Copy n bytes of the skb, from offset, into the command's pages at
 * data_pos.  skb_seq_read() hands out the skb's data in contiguous pieces
 * in one pass, and the destination is walked once, so a large PDU costs
 * one walk of each, not one skb walk per destination page.
 */
static int vtcp_rx_place(struct vtcp_queue *queue, struct sk_buff *skb,
			 u32 offset, u32 n)
{
	struct vtcp_rx *rx = &queue->rx;
	struct scatterlist *sg = rx->cmd->sg;
	u32 skip = rx->data_pos, done = 0;
	struct skb_seq_state st;

	while (sg && skip >= sg->length) {
		skip -= sg->length;
		sg = sg_next(sg);
	}
	skb_prepare_seq_read(skb, offset, offset + n, &st);
	while (done < n) {
		const u8 *src;
		u32 avail = skb_seq_read(done, &src, &st);

		if (!avail)
			break;
		avail = min(avail, n - done);
		done += avail;
		while (avail) {
			u32 this;
			u8 *dst;

			if (!sg) {
				skb_abort_seq_read(&st);
				return -EFAULT;
			}
			this = min(sg->length - skip, avail);
			dst = kmap_local_page(sg_page(sg));
			memcpy(dst + sg->offset + skip, src, this);
			if (rx->layout.ddgst_len)
				rx->crc = crc32c(rx->crc, dst + sg->offset + skip, this);
			kunmap_local(dst);
			src += this;
			avail -= this;
			skip += this;
			if (skip == sg->length) {
				sg = sg_next(sg);
				skip = 0;
			}
		}
	}
	skb_abort_seq_read(&st);
	return done == n ? 0 : -EFAULT;
}

static void vtcp_rx_data_taken(struct vtcp_queue *queue, u32 n)
{
	struct vtcp_rx *rx = &queue->rx;

	rx->data_pos += n;
	rx->data_left -= n;
	if (!rx->data_left) {
		if (rx->layout.ddgst_len)
			rx->phase = VTCP_RX_DDGST;
		else
			vtcp_rx_pdu_end(queue);
	}
}

/* Take what the current phase needs from skb; bytes used or -errno. */
static int vtcp_rx_feed(struct vtcp_queue *queue, struct sk_buff *skb,
			u32 offset, u32 avail)
{
	struct vtcp_rx *rx = &queue->rx;
	u32 n;
	int ret;

	switch (rx->phase) {
	case VTCP_RX_HEADER:
		return vtcp_rx_take_header(queue, skb, offset, avail);
	case VTCP_RX_PAD:
		n = min(rx->pad_left, avail);
		rx->pad_left -= n;
		if (!rx->pad_left) {
			if (rx->data_left)
				rx->phase = VTCP_RX_DATA;
			else
				vtcp_rx_pdu_end(queue);
		}
		return n;
	case VTCP_RX_DATA:
		n = min(rx->data_left, avail);
		if (rx->cmd) {
			ret = vtcp_rx_place(queue, skb, offset, n);
			if (ret)
				return ret;
		}
		vtcp_rx_data_taken(queue, n);
		return n;
	case VTCP_RX_DDGST:
		n = min(VTCP_DIGEST_LEN - rx->ddgst_have, avail);
		if (skb_copy_bits(skb, offset, rx->ddgst + rx->ddgst_have, n))
			return -EFAULT;
		rx->ddgst_have += n;
		if (rx->ddgst_have == VTCP_DIGEST_LEN)
			vtcp_rx_pdu_end(queue);
		return n;
	}
	return -EINVAL;
}

struct vtcp_rx_call {
	struct vtcp_queue	*queue;
	int			taken;
	int			limit;
	int			error;
};

/*
 * A command taken in on the admin queue, or before Connect, must run
 * before the next capsule is parsed: Connect gives the queue its
 * controller, Property Set enables it, and nvmet checks both when it
 * parses what follows.  I/O commands do not depend on each other that
 * way and run in batches.
 */
static bool vtcp_rx_must_run(struct vtcp_queue *queue)
{
	return !list_empty(&queue->exec_cmds) &&
	       (!queue->nvme_sq.ctrl || !queue->nvme_sq.qid);
}

static int vtcp_rx_actor(read_descriptor_t *desc, struct sk_buff *skb,
			 unsigned int offset, size_t len)
{
	struct vtcp_rx_call *call = desc->arg.data;
	struct vtcp_queue *queue = call->queue;
	size_t used = 0;

	/* tcp_read_sock() calls again for the rest of an skb: honour a stop. */
	if (!desc->count)
		return 0;
	while (used < len) {
		int ret;

		if (queue->rx.blocked) {
			ret = vtcp_rx_header(queue);
			if (ret == -EAGAIN)
				break;
			if (ret < 0) {
				call->error = ret;
				break;
			}
			continue;
		}
		ret = vtcp_rx_feed(queue, skb, offset + used, len - used);
		if (ret < 0) {
			call->error = ret;
			break;
		}
		used += ret;
		if (queue->rx.blocked || vtcp_rx_must_run(queue))
			break;
	}
	call->taken += used;
	/*
	 * Stop (tcp_read_sock() checks count) on errors, when blocked, at the
	 * budget, and as soon as an R2T is queued: the host can send nothing
	 * for that write until it has it.  Responses wait for the round's end
	 * so that they leave in batches.
	 */
	if (call->error || queue->rx.blocked || call->taken >= call->limit ||
	    !list_empty(&queue->tx_list) || vtcp_rx_must_run(queue))
		desc->count = 0;
	return used;
}

/*
 * Receive and handle what the socket has.  Returns bytes taken in (0 when
 * there was nothing, or no free command slot), or a negative errno when the
 * queue must stop: -EPROTO after a fatal error (a C2HTermReq is queued),
 * anything else when the connection is gone.
 */
int vtcp_rx(struct vtcp_queue *queue)
{
	struct vtcp_rx_call call = { .queue = queue };
	struct sock *sk = queue->sock->sk;
	int ret;

	if (queue->rx.blocked) {
		/* A slot may have come free: place the waiting capsule. */
		ret = vtcp_rx_header(queue);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return ret;
	}
	while (call.taken < VTCP_RX_BUDGET) {
		read_descriptor_t desc = { .arg.data = &call, .count = 1 };

		call.limit = call.taken + VTCP_RX_LOCK_SLICE;
		lock_sock(sk);
		queue->rx_in_sock = true;
		ret = tcp_read_sock(sk, &desc, vtcp_rx_actor);
		queue->rx_in_sock = false;
		release_sock(sk);
		/* Commands taken in, even those before an error, run now. */
		vtcp_cmds_run_deferred(queue);
		if (call.error)
			return call.error;
		if (ret < 0)
			return ret;
		if (ret == 0 || call.taken < call.limit)
			break;	/* drained, blocked, or something to send */
	}
	return call.taken;
}
