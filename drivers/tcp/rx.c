// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: receiving.  One recvmsg fills a staging buffer with whatever
 * the socket has (often many capsules at once); PDUs are then parsed out
 * of it: the 8-byte common header is checked before the rest of the header
 * is read, the whole header before any data is placed, and data goes into
 * the command's buffer at the offset the checks allowed.  Large data is
 * received straight into the command's pages instead of the staging
 * buffer.  Data digests are computed on the bytes as they are placed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "vtcp.h"

/* Bytes of work one call does before letting tx (and other queues) run. */
#define VTCP_RX_BUDGET		(256 * 1024)

int vtcp_rx_init(struct vtcp_rx *rx)
{
	rx->buf = kvmalloc(VTCP_RX_BUF_SIZE, GFP_KERNEL);
	if (!rx->buf)
		return -ENOMEM;
	rx->start = 0;
	rx->end = 0;
	rx->phase = VTCP_RX_HEADER;
	rx->hdr_have = 0;
	rx->hdr_want = sizeof(struct vtcp_common_hdr);
	return 0;
}

void vtcp_rx_free(struct vtcp_rx *rx)
{
	kvfree(rx->buf);
	rx->buf = NULL;
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
	rx->blocked = false;
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
	queue->rules.connected = true;
	cancel_delayed_work(&queue->deadline_work);
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
	if (vtcp_pdu_check_h2c(pdu, &rx->layout, &window, &fatal))
		return vtcp_rx_fatal(queue, &fatal);
	rx->cmd = cmd;
	rx->data_pos = le32_to_cpu(pdu->data_offset);
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
		cmd = vtcp_cmd_get(queue);
		if (!cmd) {
			/*
			 * More capsules than the queue has slots: read nothing
			 * more until a command completes.
			 */
			rx->blocked = true;
			return -EAGAIN;
		}
		rx->blocked = false;
		rx->cmd = vtcp_cmd_capsule(queue, cmd, (const void *)rx->hdr,
					   rx->layout.data_len);
		rx->data_pos = 0;
		vtcp_rx_start_data(queue);
		return 0;
	}
	/* vtcp_pdu_check_common() let no other type through. */
	return vtcp_rx_fatal_field(queue, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_TYPE);
}

static int vtcp_rx_take_header(struct vtcp_queue *queue, const u8 *data, u32 avail)
{
	struct vtcp_rx *rx = &queue->rx;
	u32 n = min(rx->hdr_want - rx->hdr_have, avail);
	struct vtcp_fatal fatal;
	int ret;

	memcpy(rx->hdr + rx->hdr_have, data, n);
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

static void vtcp_rx_place(struct vtcp_queue *queue, const u8 *data, u32 n)
{
	struct vtcp_rx *rx = &queue->rx;
	struct vtcp_cmd *cmd = rx->cmd;

	if (cmd) {
		sg_pcopy_from_buffer(cmd->sg, cmd->sg_nents, data, n, rx->data_pos);
		if (rx->layout.ddgst_len)
			rx->crc = crc32c(rx->crc, data, n);
	}
	rx->data_pos += n;
	rx->data_left -= n;
	if (!rx->data_left) {
		if (rx->layout.ddgst_len)
			rx->phase = VTCP_RX_DDGST;
		else
			vtcp_rx_pdu_end(queue);
	}
}

/* Parse buffered bytes; returns bytes used or a negative errno. */
static int vtcp_rx_consume(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	const u8 *data = rx->buf + rx->start;
	u32 avail = rx->end - rx->start, n;

	switch (rx->phase) {
	case VTCP_RX_HEADER:
		return vtcp_rx_take_header(queue, data, avail);
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
		vtcp_rx_place(queue, data, n);
		return n;
	case VTCP_RX_DDGST:
		n = min(VTCP_DIGEST_LEN - rx->ddgst_have, avail);
		memcpy(rx->ddgst + rx->ddgst_have, data, n);
		rx->ddgst_have += n;
		if (rx->ddgst_have == VTCP_DIGEST_LEN)
			vtcp_rx_pdu_end(queue);
		return n;
	}
	return -EINVAL;
}

static int vtcp_rx_fill(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = {
		.iov_base = rx->buf,
		.iov_len = VTCP_RX_BUF_SIZE,
	};
	int ret;

	rx->start = 0;
	rx->end = 0;
	ret = kernel_recvmsg(queue->sock, &msg, &iov, 1, iov.iov_len, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;
	if (ret > 0)
		rx->end = ret;
	return ret;
}

/* Receive data straight into the command's buffer. */
static int vtcp_rx_direct(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	struct vtcp_cmd *cmd = rx->cmd;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	unsigned int n;
	u32 bytes = 0;
	int ret;

	n = vtcp_sg_bvecs(cmd->sg, rx->data_pos, rx->data_left, queue->rx_bvec,
			  VTCP_TX_BVECS, &bytes);
	iov_iter_bvec(&msg.msg_iter, ITER_DEST, queue->rx_bvec, n, bytes);
	ret = sock_recvmsg(queue->sock, &msg, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;
	if (ret < 0)
		return ret;
	if (rx->layout.ddgst_len)
		rx->crc = vtcp_crc_sg(rx->crc, cmd->sg, rx->data_pos, ret);
	rx->data_pos += ret;
	rx->data_left -= ret;
	if (!rx->data_left) {
		if (rx->layout.ddgst_len)
			rx->phase = VTCP_RX_DDGST;
		else
			vtcp_rx_pdu_end(queue);
	}
	return ret;
}

/*
 * Receive and handle what the socket has.  Returns bytes taken in (0 when
 * there was nothing, or no free command slot), or a negative errno when the
 * queue must stop: -EPROTO after a fatal error (a C2HTermReq is queued),
 * anything else when the connection is gone.
 */
int vtcp_rx(struct vtcp_queue *queue)
{
	struct vtcp_rx *rx = &queue->rx;
	int total = 0, ret;

	while (total < VTCP_RX_BUDGET) {
		if (rx->blocked) {
			ret = vtcp_rx_header(queue);
			if (ret == -EAGAIN)
				return total;
			if (ret < 0)
				return ret;
			continue;
		}
		if (rx->start == rx->end) {
			if (rx->phase == VTCP_RX_DATA && rx->cmd &&
			    rx->data_left >= VTCP_RX_DIRECT_MIN)
				ret = vtcp_rx_direct(queue);
			else
				ret = vtcp_rx_fill(queue);
			if (ret == -EAGAIN)
				return total;
			if (ret < 0)
				return ret;
			total += ret;
			continue;
		}
		ret = vtcp_rx_consume(queue);
		if (ret < 0)
			return ret;
		rx->start += ret;
	}
	return total;
}
