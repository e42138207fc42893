// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: a queue is one accepted connection.  Its life:
 *
 *   WAIT_ICREQ --ICReq--> LIVE --fatal error--> TERMINATING --term taken--+
 *        |                  |                                             |
 *        +--timeout, host gone, port or controller removed--> CLOSING <---+
 *
 * "Term taken": the C2HTermReq and a FIN after it are acknowledged, or the
 * host stopped reading (see vtcp_term_sent()).
 *
 * All state changes go through cmpxchg/xchg, so CLOSING is entered once and
 * release_work runs once: it detaches the socket, stops io_work, hands back
 * the commands nvmet still counts, waits for nvmet (nvmet_sq_destroy) and
 * frees everything.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cmd.h"
#include "fwd.h"
#include "mem.h"
#include "port.h"
#include "queue.h"
#include "rx.h"
#include "tx.h"

#define VTCP_CID_BITS		BIT(16)
#define VTCP_TERM_GRACE_MS	2000	/* the host reads nothing: close */
#define VTCP_IO_ROUNDS		16

static LIST_HEAD(vtcp_queue_list);
static DEFINE_MUTEX(vtcp_queue_list_lock);
static atomic_t vtcp_queue_ids = ATOMIC_INIT(0);
static atomic_t vtcp_next_cpu = ATOMIC_INIT(0);

struct vtcp_queue *vtcp_sq_to_queue(struct nvmet_sq *sq)
{
	return container_of(sq, struct vtcp_queue, nvme_sq);
}

void vtcp_queue_kick(struct vtcp_queue *queue)
{
	queue_work_on(queue->cpu, vtcp_wq, &queue->io_work);
}

static void vtcp_queue_close(struct vtcp_queue *queue)
{
	if (xchg(&queue->state, VTCP_Q_CLOSING) == VTCP_Q_CLOSING)
		return;
	queue_work(vtcp_wq, &queue->release_work);
}

void vtcp_queue_send_icresp(struct vtcp_queue *queue)
{
	struct vtcp_icresp_pdu *icresp = (void *)queue->ctrl_buf;
	struct vtcp_tx_item *tx = &queue->icresp_tx;

	memset(icresp, 0, sizeof(*icresp));
	icresp->hdr.type = VTCP_ICRESP;
	icresp->hdr.hlen = VTCP_IC_HLEN;
	icresp->hdr.plen = cpu_to_le32(VTCP_IC_HLEN);
	icresp->pfv = cpu_to_le16(VTCP_PFV_1_0);
	icresp->cpda = queue->rules.cpda;
	icresp->digest = (queue->rules.hdgst ? VTCP_DIGEST_HEADER : 0) |
			 (queue->rules.ddgst ? VTCP_DIGEST_DATA : 0);
	icresp->maxh2cdata = cpu_to_le32(queue->rules.maxh2cdata);
	vtcp_tx_prepare(tx, icresp, sizeof(*icresp), NULL);
	vtcp_tx_queue(queue, tx);
}

/*
 * The C2HTermReq is in the socket, maybe behind read data the host has not
 * taken yet.  Closing now would lose it: a close with unread data in the
 * receive queue resets the connection, and a reset drops what is still
 * unsent.  Send FIN after it instead and close when the host has
 * acknowledged everything (FIN_WAIT2, vtcp_sock_state_change()) or stops
 * taking data (vtcp_term_waits()).
 */
static void vtcp_term_sent(struct vtcp_tx_item *item)
{
	struct vtcp_queue *queue = container_of(item, struct vtcp_queue, term_tx);

	if (READ_ONCE(queue->state) != VTCP_Q_TERMINATING)
		return;		/* dropped: the queue is closing anyway */
	if (kernel_sock_shutdown(queue->sock, SHUT_WR)) {
		vtcp_queue_close(queue);
		return;
	}
	/* From here on only the host's acknowledgements show progress. */
	mod_delayed_work(vtcp_wq, &queue->deadline_work,
			 msecs_to_jiffies(VTCP_TERM_GRACE_MS));
}

/*
 * A protocol error: tell the host why (C2HTermReq with the offending header)
 * and close.  The rest of the target is not affected.
 */
void vtcp_queue_fatal(struct vtcp_queue *queue, const struct vtcp_fatal *fatal,
		      const void *hdr, u32 hdr_len)
{
	struct vtcp_term_pdu *term = (void *)(queue->ctrl_buf + 256);
	struct vtcp_tx_item *tx = &queue->term_tx;
	int old = READ_ONCE(queue->state);
	u32 data_len = min_t(u32, hdr_len, VTCP_TERM_MAX_DATA);

	if (old != VTCP_Q_WAIT_ICREQ && old != VTCP_Q_LIVE)
		return;
	queue->term_since = jiffies;
	queue->term_una = READ_ONCE(tcp_sk(queue->sock->sk)->snd_una);
	if (cmpxchg(&queue->state, old, VTCP_Q_TERMINATING) != old)
		return;
	pr_warn_ratelimited("queue %u: fatal protocol error (FES %u, field offset %u): terminating the connection\n",
			    queue->id, fatal->fes, fatal->fei);

	vtcp_tx_drop(queue, true);
	memset(term, 0, sizeof(*term));
	term->hdr.type = VTCP_C2H_TERM;
	term->hdr.hlen = VTCP_TERM_HLEN;
	term->hdr.pdo = data_len ? VTCP_TERM_HLEN : 0;
	term->hdr.plen = cpu_to_le32(VTCP_TERM_HLEN + data_len);
	term->fes = cpu_to_le16(fatal->fes);
	if (fatal->fes == VTCP_FES_INVALID_HEADER_FIELD ||
	    fatal->fes == VTCP_FES_UNSUPPORTED_PARAMETER) {
		term->fei_low = cpu_to_le16(fatal->fei & 0xffff);
		term->fei_high = cpu_to_le16(fatal->fei >> 16);
	}
	if (data_len)
		memcpy(term + 1, hdr, data_len);
	vtcp_tx_prepare(tx, term, VTCP_TERM_HLEN + data_len, vtcp_term_sent);
	vtcp_tx_queue(queue, tx);
	/* A host that never reads must not keep the queue alive. */
	mod_delayed_work(vtcp_wq, &queue->deadline_work,
			 msecs_to_jiffies(VTCP_TERM_GRACE_MS));
}

/*
 * The C2HTermReq waits behind data the host has not read yet.  Wait on
 * while the host takes some every VTCP_TERM_GRACE_MS (a slow reader still
 * gets to see why it is cut off), at most send_timeout_ms in all.
 */
static bool vtcp_term_waits(struct vtcp_queue *queue)
{
	u32 una = READ_ONCE(tcp_sk(queue->sock->sk)->snd_una);
	unsigned long limit = msecs_to_jiffies(READ_ONCE(vtcp_send_timeout_ms));
	bool read = una != queue->term_una;

	queue->term_una = una;
	if (!read || !time_before(jiffies, queue->term_since + limit))
		return false;
	mod_delayed_work(vtcp_wq, &queue->deadline_work,
			 msecs_to_jiffies(VTCP_TERM_GRACE_MS));
	return true;
}

/* Spread queues over the online CPUs, round robin. */
static int vtcp_pick_cpu(void)
{
	int n = atomic_inc_return(&vtcp_next_cpu) % num_online_cpus();
	int cpu;

	for_each_online_cpu(cpu) {
		if (!n--)
			return cpu;
	}
	return WORK_CPU_UNBOUND;
}

static void vtcp_io_work(struct work_struct *work)
{
	struct vtcp_queue *queue = container_of(work, struct vtcp_queue, io_work);
	int round, rx, tx;

	for (round = 0; round < VTCP_IO_ROUNDS; round++) {
		int state = READ_ONCE(queue->state);

		if (state == VTCP_Q_CLOSING) {
			vtcp_tx_drop(queue, false);
			return;
		}
		rx = 0;
		if (state == VTCP_Q_WAIT_ICREQ || state == VTCP_Q_LIVE) {
			rx = vtcp_rx(queue);
			if (rx < 0 && rx != -EPROTO) {
				vtcp_queue_close(queue);
				return;
			}
		}
		if (READ_ONCE(queue->state) == VTCP_Q_LIVE) {
			if (READ_ONCE(queue->check_waits)) {
				WRITE_ONCE(queue->check_waits, false);
				vtcp_cmds_check_waits(queue);
			}
			/* A timeout just ended the queue: start nothing more. */
			if (READ_ONCE(queue->state) == VTCP_Q_LIVE)
				vtcp_cmds_serve_waiting(queue);
		}
		tx = vtcp_tx(queue);
		if (tx < 0) {
			vtcp_queue_close(queue);
			return;
		}
		if (rx <= 0 && !tx)
			return;
	}
	/* Still busy: let other work run, then continue. */
	vtcp_queue_kick(queue);
}

static void vtcp_deadline_work(struct work_struct *work)
{
	struct vtcp_queue *queue = container_of(to_delayed_work(work),
						struct vtcp_queue, deadline_work);

	int state = READ_ONCE(queue->state);
	const char *why = NULL;

	if (state == VTCP_Q_WAIT_ICREQ)
		why = "no ICReq in time";
	else if (state == VTCP_Q_LIVE && !READ_ONCE(queue->nvme_sq.ctrl))
		why = "no Connect in time";
	else if (state == VTCP_Q_TERMINATING && !vtcp_term_waits(queue))
		why = "termination not taken";
	if (why) {
		pr_info_ratelimited("queue %u: %s: closing\n", queue->id, why);
		vtcp_queue_close(queue);
	}
}

/* Time to look at commands waiting for data or buffers: io_work does it. */
static void vtcp_data_timer(struct work_struct *work)
{
	struct vtcp_queue *queue = container_of(to_delayed_work(work),
						struct vtcp_queue, data_timer);

	WRITE_ONCE(queue->check_waits, true);
	vtcp_queue_kick(queue);
}

static void vtcp_sock_data_ready(struct sock *sk)
{
	struct vtcp_queue *queue;

	read_lock_bh(&sk->sk_callback_lock);
	queue = sk->sk_user_data;
	if (queue)
		vtcp_queue_kick(queue);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void vtcp_sock_write_space(struct sock *sk)
{
	struct vtcp_queue *queue;

	read_lock_bh(&sk->sk_callback_lock);
	queue = sk->sk_user_data;
	if (queue && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		vtcp_queue_kick(queue);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void vtcp_sock_state_change(struct sock *sk)
{
	struct vtcp_queue *queue;

	read_lock_bh(&sk->sk_callback_lock);
	queue = sk->sk_user_data;
	if (queue) {
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
			/* Our FIN after a C2HTermReq: wait for the host to take it. */
			if (READ_ONCE(queue->state) != VTCP_Q_TERMINATING)
				vtcp_queue_close(queue);
			break;
		case TCP_FIN_WAIT2:	/* the host acknowledged all we sent */
		case TCP_CLOSE_WAIT:
		case TCP_CLOSE:
			vtcp_queue_close(queue);
			break;
		default:
			break;
		}
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void vtcp_queue_detach_sock(struct vtcp_queue *queue)
{
	struct sock *sk = queue->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == queue) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = queue->old_data_ready;
		sk->sk_write_space = queue->old_write_space;
		sk->sk_state_change = queue->old_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

static void vtcp_queue_free(struct vtcp_queue *queue)
{
	vtcp_cmds_free(queue);
	bitmap_free(queue->cid_busy);
	kfree(queue->ctrl_buf);
	if (queue->sock)
		sock_release(queue->sock);
	if (queue->port) {
		atomic_dec(&queue->port->nr_queues);
		vtcp_port_put(queue->port);
	}
	kfree(queue);
}

static void vtcp_release_work(struct work_struct *work)
{
	struct vtcp_queue *queue = container_of(work, struct vtcp_queue,
						release_work);

	mutex_lock(&vtcp_queue_list_lock);
	list_del_init(&queue->entry);
	mutex_unlock(&vtcp_queue_list_lock);

	vtcp_queue_detach_sock(queue);
	kernel_sock_shutdown(queue->sock, SHUT_RDWR);
	cancel_delayed_work_sync(&queue->deadline_work);
	cancel_work_sync(&queue->io_work);
	/* It kicks io_work, which does nothing more once CLOSING. */
	cancel_delayed_work_sync(&queue->data_timer);
	cancel_delayed_work_sync(&queue->send_timer);

	/* Commands nvmet accepted whose buffer or data never (fully) came. */
	vtcp_cmds_abandon(queue);

	/* Waits for every command nvmet still runs; they complete to us. */
	nvmet_sq_destroy(&queue->nvme_sq);
	/* Freed buffers kick waiting queues: off the list before the last sync. */
	vtcp_data_wait_cancel(queue);
	cancel_work_sync(&queue->io_work);
	vtcp_tx_drop(queue, false);
	vtcp_fwd_queue_gone(queue);
	vtcp_queue_free(queue);
}

int vtcp_queue_create(struct vtcp_port *port, struct socket *sock)
{
	struct vtcp_queue *queue;
	struct sock *sk = sock->sk;
	int ret = -ENOMEM;

	queue = kzalloc(sizeof(*queue), GFP_KERNEL);
	if (!queue)
		return -ENOMEM;
	queue->state = VTCP_Q_WAIT_ICREQ;
	queue->id = atomic_inc_return(&vtcp_queue_ids);
	INIT_LIST_HEAD(&queue->entry);
	INIT_LIST_HEAD(&queue->free_cmds);
	INIT_LIST_HEAD(&queue->tx_list);
	INIT_LIST_HEAD(&queue->exec_cmds);
	init_llist_head(&queue->resp_llist);
	INIT_WORK(&queue->io_work, vtcp_io_work);
	INIT_WORK(&queue->release_work, vtcp_release_work);
	INIT_DELAYED_WORK(&queue->deadline_work, vtcp_deadline_work);
	INIT_DELAYED_WORK(&queue->data_timer, vtcp_data_timer);
	INIT_DELAYED_WORK(&queue->send_timer, vtcp_tx_send_timer);
	INIT_LIST_HEAD(&queue->mem_wait_cmds);
	INIT_LIST_HEAD(&queue->mem_wait_entry);
	atomic_long_set(&queue->data_bytes, 0);
	vtcp_tx_init_item(&queue->icresp_tx);
	vtcp_tx_init_item(&queue->term_tx);

	queue->rules.cpda = 0;
	queue->rules.maxh2cdata = vtcp_max_h2c_data;
	queue->rules.inline_max = max(port->nport->inline_data_size,
				      VTCP_ADMIN_INLINE_SIZE);
	queue->r2t_per_cmd = 1;

	queue->cid_busy = bitmap_zalloc(VTCP_CID_BITS, GFP_KERNEL);
	queue->ctrl_buf = kzalloc(512, GFP_KERNEL);
	if (!queue->cid_busy || !queue->ctrl_buf)
		goto out_free;
	vtcp_rx_init(&queue->rx);
	if (vtcp_cmds_init_connect(queue))
		goto out_free;
	ret = nvmet_sq_init(&queue->nvme_sq);
	if (ret)
		goto out_free;

	queue->cpu = vtcp_pick_cpu();

	kref_get(&port->ref);
	atomic_inc(&port->nr_queues);
	queue->port = port;
	queue->sock = sock;
	tcp_sock_set_nodelay(sk);

	mutex_lock(&vtcp_queue_list_lock);
	list_add_tail(&queue->entry, &vtcp_queue_list);
	mutex_unlock(&vtcp_queue_list_lock);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = queue;
	queue->old_data_ready = sk->sk_data_ready;
	queue->old_write_space = sk->sk_write_space;
	queue->old_state_change = sk->sk_state_change;
	sk->sk_data_ready = vtcp_sock_data_ready;
	sk->sk_write_space = vtcp_sock_write_space;
	sk->sk_state_change = vtcp_sock_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	queue_delayed_work(vtcp_wq, &queue->deadline_work,
			   msecs_to_jiffies(vtcp_icreq_timeout_ms));
	/* The host may have sent (or closed) before the callbacks were set. */
	if (sk->sk_state != TCP_ESTABLISHED)
		vtcp_queue_close(queue);
	else
		vtcp_queue_kick(queue);
	return 0;

out_free:
	queue->sock = NULL;	/* the caller releases it */
	vtcp_queue_free(queue);
	return ret;
}

/* Close the queues matching a condition (port removal, controller deletion). */
static void vtcp_close_queues_if(bool (*match)(struct vtcp_queue *queue,
					       const void *what),
				 const void *what)
{
	struct vtcp_queue *queue;

	mutex_lock(&vtcp_queue_list_lock);
	list_for_each_entry(queue, &vtcp_queue_list, entry) {
		if (match(queue, what))
			vtcp_queue_close(queue);
	}
	mutex_unlock(&vtcp_queue_list_lock);
}

static bool vtcp_queue_on_port(struct vtcp_queue *queue, const void *port)
{
	return queue->port == port;
}

static bool vtcp_queue_of_ctrl(struct vtcp_queue *queue, const void *ctrl)
{
	return queue->nvme_sq.ctrl == ctrl;
}

static bool vtcp_queue_any(struct vtcp_queue *queue, const void *unused)
{
	return true;
}

void vtcp_close_port_queues(struct vtcp_port *port)
{
	vtcp_close_queues_if(vtcp_queue_on_port, port);
}

void vtcp_close_ctrl_queues(struct nvmet_ctrl *ctrl)
{
	vtcp_close_queues_if(vtcp_queue_of_ctrl, ctrl);
}

void vtcp_close_all_queues(void)
{
	vtcp_close_queues_if(vtcp_queue_any, NULL);
}
