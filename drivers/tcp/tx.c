// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: sending.  Everything a queue has to send (ICResp, R2Ts,
 * C2HData, responses, a C2HTermReq) is a tx item on one list; each round
 * gathers as many items as fit into one bio_vec array and hands them to the
 * socket in a single sendmsg, so a burst of small completions costs one
 * call, not three per command.  Headers and reused buffers are copied by
 * TCP, so they may be reused as soon as an item is done; data pages
 * allocated for one command go out without a copy (vssd_sock_send_pages).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/uio.h>
#include <net/sock.h>

#include <vssd/compat.h>

#include "cmd.h"
#include "queue.h"
#include "tx.h"

void vtcp_tx_init_item(struct vtcp_tx_item *item)
{
	INIT_LIST_HEAD(&item->entry);
	item->done = NULL;
}

/* Make item send head_len bytes at head; data and a tail may be added. */
void vtcp_tx_prepare(struct vtcp_tx_item *item, void *head, u32 head_len,
		     void (*done)(struct vtcp_tx_item *item))
{
	item->head = head;
	item->head_len = head_len;
	item->sg = NULL;
	item->data_len = 0;
	item->ddgst = NULL;
	item->ddgst_len = 0;
	item->tail = NULL;
	item->tail_len = 0;
	item->zero_copy = false;
	item->done = done;
}

void vtcp_tx_queue(struct vtcp_queue *queue, struct vtcp_tx_item *item)
{
	item->sent = 0;
	item->total = item->head_len + item->data_len + item->ddgst_len +
		      item->tail_len;
	list_add_tail(&item->entry, &queue->tx_list);
}

/* bio_vecs for len bytes of a scatterlist, starting skip bytes in. */
static unsigned int vtcp_sg_bvecs(struct scatterlist *sg, u32 skip, u32 len,
				  struct bio_vec *bvec, unsigned int max, u32 *bytes)
{
	unsigned int n = 0;

	for (; sg && len && n < max; sg = sg_next(sg)) {
		u32 seg = sg->length, this;

		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		this = min(seg - skip, len);
		bvec[n].bv_page = sg_page(sg);
		bvec[n].bv_offset = sg->offset + skip;
		bvec[n].bv_len = this;
		n++;
		*bytes += this;
		len -= this;
		skip = 0;
	}
	return n;
}

/* One piece of kernel memory (never crossing a page) as a bio_vec. */
static unsigned int vtcp_buf_bvec(void *buf, u32 len, u32 *skip,
				  struct bio_vec *bvec, u32 *bytes)
{
	if (!len)
		return 0;
	if (*skip >= len) {
		*skip -= len;
		return 0;
	}
	buf += *skip;
	len -= *skip;
	*skip = 0;
	bvec->bv_page = virt_to_page(buf);
	bvec->bv_offset = offset_in_page(buf);
	bvec->bv_len = len;
	*bytes += len;
	return 1;
}

/*
 * bio_vecs for what is still unsent of an item; returns how many, and marks
 * in zc[] those that may be sent without a copy.
 */
static unsigned int vtcp_item_bvecs(struct vtcp_tx_item *item,
				    struct bio_vec *bvec, bool *zc,
				    unsigned int max, u32 *bytes)
{
	u32 skip = item->sent;
	unsigned int n = 0, first;

	if (n < max && vtcp_buf_bvec(item->head, item->head_len, &skip, &bvec[n], bytes))
		zc[n++] = false;
	if (item->data_len && n < max) {
		if (skip >= item->data_len) {
			skip -= item->data_len;
		} else {
			first = n;
			n += vtcp_sg_bvecs(item->sg, skip, item->data_len - skip,
					   &bvec[n], max - n, bytes);
			memset(&zc[first], item->zero_copy, n - first);
			skip = 0;
			if (n == max)
				return n;	/* the rest of the data next time */
		}
	}
	if (n < max && vtcp_buf_bvec(item->ddgst, item->ddgst_len, &skip, &bvec[n], bytes))
		zc[n++] = false;
	if (n < max && vtcp_buf_bvec(item->tail, item->tail_len, &skip, &bvec[n], bytes))
		zc[n++] = false;
	return n;
}

/* The socket took sent bytes: retire the items they complete. */
static void vtcp_tx_advance(struct vtcp_queue *queue, u32 sent)
{
	while (sent) {
		struct vtcp_tx_item *item = list_first_entry(&queue->tx_list,
							     struct vtcp_tx_item,
							     entry);
		u32 left = item->total - item->sent;

		if (sent < left) {
			item->sent += sent;
			return;
		}
		sent -= left;
		list_del_init(&item->entry);
		if (item->done)
			item->done(item);
	}
}

/* Responses nvmet completed since the last round, in completion order. */
static void vtcp_tx_collect(struct vtcp_queue *queue)
{
	struct llist_node *nodes = llist_del_all(&queue->resp_llist);
	struct vtcp_cmd *cmd, *next;

	nodes = llist_reverse_order(nodes);
	llist_for_each_entry_safe(cmd, next, nodes, resp_node) {
		if (READ_ONCE(queue->state) == VTCP_Q_LIVE)
			vtcp_cmd_send_response(cmd);
		else
			vtcp_cmd_put(cmd);	/* no more sending on this queue */
	}
}

/*
 * Hand n bio_vecs to the socket: runs to be copied in one sendmsg each,
 * runs of zero-copy pages through vssd_sock_send_pages().  Returns bytes
 * taken (possibly fewer than offered) or a negative errno.
 */
static int vtcp_tx_push(struct vtcp_queue *queue, unsigned int n, bool more)
{
	unsigned int i = 0;
	int total = 0;

	while (i < n) {
		unsigned int j = i;
		int flags = MSG_DONTWAIT | MSG_NOSIGNAL, ret;
		u32 len = 0;

		while (j < n && queue->tx_zc[j] == queue->tx_zc[i])
			len += queue->tx_bvec[j++].bv_len;
		if (j < n || more)
			flags |= MSG_MORE;
		if (queue->tx_zc[i]) {
			ret = vssd_sock_send_pages(queue->sock, &queue->tx_bvec[i],
						   j - i, len, flags);
		} else {
			struct msghdr msg = { .msg_flags = flags };

			iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &queue->tx_bvec[i],
				      j - i, len);
			ret = sock_sendmsg(queue->sock, &msg);
		}
		if (ret < 0)
			return total ? total : ret;
		total += ret;
		if (ret < len)
			break;
		i = j;
	}
	return total;
}

/*
 * The send watchdog, run at the end of every send round (io_work only, so
 * tx_blocked and tx_progress have one writer and reader).  While items
 * wait for room in the socket, tx_progress is when the socket last took
 * bytes.  send_timer only asks io_work to look (check_send): io_work then
 * tries to send first, so a host that read anything at all since shows as
 * progress.  A host that took nothing for send_timeout_ms has stopped
 * reading: -ETIMEDOUT, and the connection is closed with a reset (a
 * C2HTermReq could not reach it, and a FIN would queue behind the data it
 * does not read, keeping the socket and its pages alive).  Without this,
 * such a host would hold its read buffers, and with them a share of
 * max_data_mb, for as long as it likes.
 */
static int vtcp_tx_watch(struct vtcp_queue *queue, int sent)
{
	unsigned long now = jiffies;
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(vtcp_send_timeout_ms));
	bool check = READ_ONCE(queue->check_send);

	if (check)
		WRITE_ONCE(queue->check_send, false);
	if (list_empty(&queue->tx_list)) {
		queue->tx_blocked = false;
		return 0;
	}
	if (sent > 0 || !queue->tx_blocked)
		queue->tx_progress = now;
	if (!queue->tx_blocked) {
		queue->tx_blocked = true;
		mod_delayed_work(vtcp_wq, &queue->send_timer, timeout);
		return 0;
	}
	if (!check)
		return 0;
	if (time_before(now, queue->tx_progress + timeout)) {
		mod_delayed_work(vtcp_wq, &queue->send_timer,
				 queue->tx_progress + timeout - now);
		return 0;
	}
	pr_info_ratelimited("queue %u: the host took no data for %u ms: closing\n",
			    queue->id, jiffies_to_msecs(timeout));
	sock_no_linger(queue->sock->sk);
	return -ETIMEDOUT;
}

/* send_timer fired: io_work looks at the send path (vtcp_tx_watch). */
void vtcp_tx_send_timer(struct work_struct *work)
{
	struct vtcp_queue *queue = container_of(to_delayed_work(work),
						struct vtcp_queue, send_timer);

	WRITE_ONCE(queue->check_send, true);
	vtcp_queue_kick(queue);
}

/*
 * Send what can be sent without blocking.  Returns the bytes sent, or a
 * negative errno when the connection is broken.
 */
int vtcp_tx(struct vtcp_queue *queue)
{
	int total = 0;

	vtcp_tx_collect(queue);
	while (!list_empty(&queue->tx_list)) {
		struct vtcp_tx_item *item;
		unsigned int n = 0;
		u32 bytes = 0;
		bool more = false;
		int ret;

		list_for_each_entry(item, &queue->tx_list, entry) {
			if (n == VTCP_TX_BVECS || bytes >= VTCP_TX_BATCH_BYTES) {
				more = true;
				break;
			}
			n += vtcp_item_bvecs(item, &queue->tx_bvec[n], &queue->tx_zc[n],
					     VTCP_TX_BVECS - n, &bytes);
		}
		ret = vtcp_tx_push(queue, n, more || !llist_empty(&queue->resp_llist));
		if (ret == -EAGAIN)
			break;
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		total += ret;
		vtcp_tx_advance(queue, ret);
		if (ret < bytes)
			break;	/* the socket is full: write_space resumes us */
		if (list_empty(&queue->tx_list))
			vtcp_tx_collect(queue);
	}
	return vtcp_tx_watch(queue, total) ?: total;
}

/*
 * Take items off the list unsent and tell their owners (the queue is no
 * longer live, so nothing queues again): responses give their slots back,
 * R2T items leave their command waiting for data, abandoned at release.
 * After a fatal error an item already half sent is kept (keep_started), so
 * that the C2HTermReq lands on a PDU boundary; when the queue is closing
 * nothing more goes out at all, and completions still arriving are freed.
 */
void vtcp_tx_drop(struct vtcp_queue *queue, bool keep_started)
{
	struct vtcp_tx_item *item, *next;

	list_for_each_entry_safe(item, next, &queue->tx_list, entry) {
		if (keep_started && item->sent)
			continue;
		list_del_init(&item->entry);
		if (item->done)
			item->done(item);
	}
	if (!keep_started)
		vtcp_tx_collect(queue);
}
