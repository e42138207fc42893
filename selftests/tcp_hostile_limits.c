// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile cases: limits.  Deadlines for ICReq, Connect and H2C data,
 * keep-alive, connections per port, and the data buffers hosts can make
 * the target hold.  Cases that need a limit lower than the run's set the
 * module parameter themselves (the tool runs on the target's machine) and
 * put it back.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcp_client.h"

/* MemAvailable from /proc/meminfo, KiB. */
static long mem_available_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %ld kB", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

/* An admin queue, retried for a while (a port may be full for a moment). */
static int admin_queue_retry(struct conn *c, int ms)
{
	long end = now_ms() + ms;

	for (;;) {
		if (!admin_queue(c, 0, 0))
			return 0;
		conn_close(c);
		if (now_ms() > end)
			return 1;
		usleep(100 * 1000);
	}
}

/* One more I/O queue (qid) of the controller admin is connected to. */
static int io_queue_on(struct conn *admin, struct conn *c, u16 qid)
{
	u16 st;

	if (conn_open(c))
		return failf("cannot open I/O connection %u", qid);
	if (icreq(c, 0, 0) || fabric_connect(c, qid, admin->cntlid, g_nqn, &st))
		return 1;
	if (st)
		return failf("I/O Connect %u failed with status 0x%x", qid, st);
	return 0;
}

/* The next PDU if one starts within ms: its type, or -3. */
static int poll_pdu(struct conn *c, u8 *buf, size_t max, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) <= 0)
		return -3;
	return recv_pdu(c, buf, max, NULL);
}

static int c_no_icreq_timeout(void)
{
	struct conn c;
	int ret;

	if (conn_open(&c))
		return failf("cannot connect");
	/* The test sets icreq_timeout_ms to 1000. */
	ret = expect_closed(&c, 4000);
	conn_close(&c);
	return ret;
}

/* ICReq, then silence: the same deadline covers the Connect. */
static int c_no_connect_timeout(void)
{
	struct conn c;
	int ret;

	if (conn_open(&c))
		return failf("cannot connect");
	if (icreq(&c, 0, 0)) {
		conn_close(&c);
		return 1;
	}
	ret = expect_closed(&c, 4000);
	conn_close(&c);
	return ret;
}

static int c_thousand_connections(void)
{
	struct vtcp_icreq_pdu ic;
	struct conn c;

	icreq_build(&ic, 0, 0);
	for (int i = 0; i < 1000; i++) {
		if (conn_open(&c))
			return failf("connection %d refused", i);
		/* Some send nothing, some half an ICReq, some a whole one. */
		if (i % 3 == 1)
			send_all(&c, &ic, 64);
		else if (i % 3 == 2)
			send_all(&c, &ic, sizeof(ic));
		if (i % 2) {
			struct linger lg = { 1, 0 };	/* reset, not FIN */

			setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		conn_close(&c);
	}
	/* The last ones may still be releasing: the port takes only so many. */
	if (admin_queue_retry(&c, 3000))
		return 1;
	conn_close(&c);
	return 0;
}

static int c_keepalive_expiry(void)
{
	struct conn c;
	int ret;

	/* KATO 1 s and no Keep Alive: nvmet declares the controller dead
	 * and the transport must close its queue.
	 */
	g_kato = 1000;
	ret = admin_queue(&c, 0, 0);
	g_kato = 30000;
	if (ret)
		return ret;
	ret = expect_closed(&c, 8000);
	conn_close(&c);
	return ret;
}

/* ---- data buffers ---------------------------------------------------- */

#define MEM_QUEUES	8
#define MEM_WRITES	16		/* per queue, of MEM_LEN each */
#define MEM_LEN		(512 * 1024)

struct mem_write {
	bool asked;		/* an R2T came */
	bool done;
};

/*
 * Take one PDU of queue q if there is one: send the data an R2T asks for
 * (unless holding), note a response.  1 on a failure (g_why says).
 */
static int mem_take(struct conn *c, int q, struct mem_write *w, u8 *buf,
		    const u8 *data, bool hold, struct vtcp_r2t_pdu *held, int *count)
{
	struct vtcp_r2t_pdu *r2t = (void *)buf;
	int type = poll_pdu(c, buf, 4096, 0);
	u16 cid, st;
	u32 off, len;

	if (type == -3)
		return 0;
	if (type == VTCP_R2T) {
		cid = le16toh(r2t->command_id);
		off = le32toh(r2t->r2t_offset);
		len = le32toh(r2t->r2t_length);
		if (cid >= MEM_WRITES || off + len > MEM_LEN)
			return failf("queue %d: R2T cid %u %u+%u unexpected", q, cid, off, len);
		if (!w[cid].asked)
			(*count)++;
		w[cid].asked = true;
		if (hold) {
			held[cid] = *r2t;
			return 0;
		}
		return send_h2c_split(c, cid, r2t->ttag, off, data + off, len) ?
		       failf("queue %d: sending data failed", q) : 0;
	}
	if (type == VTCP_CAPSULE_RESP) {
		memcpy(&cid, buf + 8 + 12, 2);
		memcpy(&st, buf + 8 + 14, 2);
		cid = le16toh(cid);
		st = (le16toh(st) >> 1) & 0x7ff;
		if (cid >= MEM_WRITES || st || hold)
			return failf("queue %d: write %u answered, status 0x%x", q, cid, st);
		w[cid].done = true;
		(*count)++;
		return 0;
	}
	return failf("queue %d: PDU type %d", q, type);
}

/* Wait up to ms for any of n connections to have something. */
static void poll_any(struct conn *c, int n, int ms)
{
	struct pollfd pfd[MEM_QUEUES];

	for (int i = 0; i < n; i++) {
		pfd[i].fd = c[i].fd;
		pfd[i].events = POLLIN;
	}
	poll(pfd, n, ms);
}

/*
 * Many writes asking for data buffers, no data sent: MEM_QUEUES queues of
 * one controller each send MEM_WRITES 512 KiB writes at once.  The target
 * may ask for the data of only as many as max_queue_data_kb (per queue)
 * and max_data_mb (all queues together, the bystander's included) allow;
 * the rest wait.  Then the data goes in as the R2Ts come and every write
 * must complete and read back.  The buffer high-water mark, printed, must
 * stay within max_data_mb but for in-capsule data (see slack_kb).
 */
static int c_data_buffers_capped(void)
{
	static struct vtcp_r2t_pdu held[MEM_QUEUES][MEM_WRITES];
	struct mem_write w[MEM_QUEUES][MEM_WRITES];
	long queue_kb = param_get("max_queue_data_kb");
	long module_mb = param_get("max_data_mb");
	long chunk = param_get("r2t_chunk");
	long data_timeout = param_get("data_timeout_ms");
	long avail0 = mem_available_kb(), avail1, peak_kb, use_kb, end;
	/*
	 * In-capsule data that cannot wait is taken over the cap: at most one
	 * in-capsule transfer per connection (the bystander's; this case sends
	 * none).  Allow that for 16 connections.
	 */
	long slack_kb = 16 * param_get("inline_data_size") / 1024;
	int per_write = MEM_LEN / 1024, done = 0, asked = 0, ret = 0;
	u8 *data = malloc(MEM_LEN), *buf = malloc(8192);
	struct conn a = { .fd = -1 }, c[MEM_QUEUES];
	int q, i;

	memset(w, 0, sizeof(w));
	for (q = 0; q < MEM_QUEUES; q++)
		c[q].fd = -1;
	if (!data || !buf) {
		ret = failf("out of memory");
		goto out;
	}
	pattern(data, MEM_LEN, 21);
	param_set("r2t_chunk", 0);	/* one R2T per write */
	param_set("data_peak_kb", 0);
	/*
	 * Waits are what this case measures, not their timeout: a write that
	 * waited out a short data_timeout_ms on a slow machine would fail
	 * with 21h and the case with it.
	 */
	param_set("data_timeout_ms", 60000);
	if (admin_queue(&a, 0, 0)) {
		ret = 1;
		goto out;
	}
	for (q = 0; q < MEM_QUEUES; q++) {
		if (io_queue_on(&a, &c[q], q + 1)) {
			ret = 1;
			goto out;
		}
	}
	for (q = 0; q < MEM_QUEUES; q++) {
		for (i = 0; i < MEM_WRITES; i++) {
			u64 slba = ((u64)q * MEM_WRITES + i) * (MEM_LEN / 512);
			struct sqe s = sqe_rw(0x01, i, slba, MEM_LEN, SGL_TRANSPORT);

			send_capsule(&c[q], &s, NULL, 0);
		}
	}
	/* Take every R2T the target sends in a second while no data goes in. */
	end = now_ms() + 1000;
	while (now_ms() < end) {
		poll_any(c, MEM_QUEUES, 100);
		for (q = 0; q < MEM_QUEUES; q++) {
			int n = 0;

			if (mem_take(&c[q], q, w[q], buf, data, true, held[q], &n)) {
				ret = 1;
				goto out;
			}
			asked += n;
		}
	}
	for (q = 0; q < MEM_QUEUES; q++) {
		int n = 0;

		for (i = 0; i < MEM_WRITES; i++)
			n += w[q][i].asked;
		if (queue_kb > 0 && n > 1 && n * per_write > queue_kb) {
			ret = failf("queue %d: %d writes of %d KiB asked for data, cap %ld KiB",
				    q, n, per_write, queue_kb);
			goto out;
		}
	}
	avail1 = mem_available_kb();
	use_kb = param_get("data_in_use_kb");
	peak_kb = param_get("data_peak_kb");
	printf("# %d of %d writes of %d KiB asked for data\n", asked,
	       MEM_QUEUES * MEM_WRITES, per_write);
	printf("# buffers held %ld KiB, high-water %ld KiB; caps %ld KiB/queue, %ld MiB\n",
	       use_kb, peak_kb, queue_kb, module_mb);
	printf("# MemAvailable %ld KiB before, %ld KiB while held\n", avail0, avail1);
	if (!asked) {
		ret = failf("no write was asked for its data");
		goto out;
	}
	if (module_mb > 0 && (long)asked * per_write > module_mb * 1024) {
		ret = failf("%d writes of %d KiB asked for data, max_data_mb %ld",
			    asked, per_write, module_mb);
		goto out;
	}
	if (peak_kb < 0 || peak_kb > module_mb * 1024 + slack_kb) {
		ret = failf("buffer high-water mark %ld KiB, cap %ld MiB + %ld KiB", peak_kb,
			    module_mb, slack_kb);
		goto out;
	}
	/* Now the data: for the R2Ts held, then for each R2T as it comes. */
	for (q = 0; q < MEM_QUEUES; q++) {
		for (i = 0; i < MEM_WRITES; i++) {
			struct vtcp_r2t_pdu *r = &held[q][i];
			u32 off = le32toh(r->r2t_offset), len = le32toh(r->r2t_length);

			if (!w[q][i].asked)
				continue;
			if (send_h2c_split(&c[q], i, r->ttag, off, data + off, len)) {
				ret = failf("sending data failed");
				goto out;
			}
		}
	}
	end = now_ms() + 120000;
	while (done < MEM_QUEUES * MEM_WRITES) {
		int before = done;

		poll_any(c, MEM_QUEUES, 100);
		for (q = 0; q < MEM_QUEUES; q++) {
			int n = 0;

			if (mem_take(&c[q], q, w[q], buf, data, false, NULL, &n)) {
				ret = 1;
				goto out;
			}
			for (i = 0, done = 0; i < MEM_QUEUES * MEM_WRITES; i++)
				done += w[i / MEM_WRITES][i % MEM_WRITES].done;
		}
		if (done == before && now_ms() > end) {
			ret = failf("only %d writes completed", done);
			goto out;
		}
	}
	peak_kb = param_get("data_peak_kb");
	printf("# all %d writes done; buffer high-water %ld KiB\n", done, peak_kb);
	if (peak_kb > module_mb * 1024 + slack_kb)
		ret = failf("buffer high-water mark %ld KiB over the cap %ld MiB + %ld KiB",
			    peak_kb, module_mb, slack_kb);
	else
		ret = read_back(&c[MEM_QUEUES - 1],
				((u64)MEM_QUEUES * MEM_WRITES - 1) * (MEM_LEN / 512), data,
				MEM_LEN);
out:
	if (chunk >= 0)
		param_set("r2t_chunk", chunk);
	if (data_timeout >= 0)
		param_set("data_timeout_ms", data_timeout);
	for (q = 0; q < MEM_QUEUES; q++)
		conn_close(&c[q]);
	conn_close(&a);
	free(data);
	free(buf);
	return ret;
}

/* ---- waits for data ------------------------------------------------- */

/*
 * A host that never sends the data an R2T asks for: after data_timeout_ms
 * without progress the target ends the connection (C2HTermReq, PDU
 * sequence error).  Half the data, then silence; the data sent after the
 * termination reaches no one, and the target keeps serving.
 */
static int c_no_data_for_r2t_times_out(void)
{
	static u8 d[8192];
	long timeout = param_get("data_timeout_ms");
	struct sqe s = sqe_rw(0x01, 80, 64, 65536, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	long t0;
	int ret;

	if (timeout < 0)
		return failf("vssd_tcp has no data_timeout_ms");
	if (io_queue(&a, &c, 0, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		conn_close(&c);
		conn_close(&a);
		return failf("no R2T");
	}
	send_h2c(&c, 80, r2t.ttag, 0, d, 4096, false);
	t0 = now_ms();
	ret = expect_term(&c, VTCP_FES_PDU_SEQUENCE, -1);
	if (!ret && now_ms() - t0 < timeout / 2)
		ret = failf("terminated after %ld ms, data_timeout_ms is %ld",
			    now_ms() - t0, timeout);
	/* Late data for the dead command goes nowhere. */
	send_h2c(&c, 80, r2t.ttag, 4096, d, 4096, false);
	conn_close(&c);
	conn_close(&a);
	if (!ret)
		ret = serves_again(81, 64, sizeof(d), 22);
	return ret;
}

/*
 * A write that cannot have a buffer while another holds the queue's share
 * waits, and after data_timeout_ms fails with Command Interrupted (21h, DNR
 * clear: the host may retry) while the holder, which keeps sending the data
 * of its R2Ts in time, lives on.  Then both finish and the retry succeeds.
 */
#define HOLDER_CHUNK	65536	/* r2t_chunk: the holder's data in R2Ts of this */
#define HOLDER_STEP	16384	/* trickled per quarter second */

/* The holder's next data PDU, up to step bytes, within the R2T it has. */
static void holder_send(struct conn *c, const u8 *d, u32 *sent, u32 end, u16 ttag,
			u32 step)
{
	u32 len = end - *sent < step ? end - *sent : step;

	if (!len)
		return;
	send_h2c(c, 82, ttag, *sent, d + *sent, len, *sent + len == end);
	*sent += len;
}

/* An R2T for the holder (cid 82): where its data may go now. */
static int holder_r2t(const u8 *buf, u32 *sent, u32 *end, u16 *ttag)
{
	const struct vtcp_r2t_pdu *r = (const void *)buf;

	if (le16toh(r->command_id) != 82 || le32toh(r->r2t_offset) != *sent)
		return failf("R2T for command %u at %u, expected 82 at %u",
			     le16toh(r->command_id), le32toh(r->r2t_offset), *sent);
	*ttag = r->ttag;
	*end = *sent + le32toh(r->r2t_length);
	return 0;
}

static int c_buffer_wait_times_out(void)
{
	static u8 d[1 << 20];
	long queue_kb = param_get("max_queue_data_kb");
	long timeout = param_get("data_timeout_ms");
	long chunk = param_get("r2t_chunk");
	struct sqe s1 = sqe_rw(0x01, 82, 0, sizeof(d), SGL_TRANSPORT);
	struct sqe s2 = sqe_rw(0x01, 83, 4096, sizeof(d), SGL_TRANSPORT);
	u8 buf[256];
	struct conn a, c;
	u32 sent = 0, end = 0;
	u16 ttag = 0;
	long t0;
	int type, ret = 0;

	if (queue_kb < 0 || timeout < 0 || chunk < 0)
		return failf("vssd_tcp has no max_queue_data_kb or data_timeout_ms");
	if (param_set("max_queue_data_kb", 1024) || param_set("r2t_chunk", HOLDER_CHUNK))
		return failf("cannot set the parameters");
	if (io_queue(&a, &c, 0, 0)) {
		ret = 1;
		goto out_params;
	}
	pattern(d, sizeof(d), 23);
	send_capsule(&c, &s1, NULL, 0);
	if (recv_pdu(&c, buf, sizeof(buf), NULL) != VTCP_R2T ||
	    holder_r2t(buf, &sent, &end, &ttag)) {
		ret = failf("no R2T for the first write");
		goto out;
	}
	send_capsule(&c, &s2, NULL, 0);
	/*
	 * Trickle the first write's data, R2T by R2T (each well within
	 * data_timeout_ms); the second must fail meanwhile.
	 */
	t0 = now_ms();
	for (;;) {
		u16 cid, st;

		if (now_ms() - t0 > timeout * 3) {
			ret = failf("the waiting write got no answer in %ld ms", timeout * 3);
			goto out;
		}
		holder_send(&c, d, &sent, end, ttag, HOLDER_STEP);
		type = poll_pdu(&c, buf, sizeof(buf), 250);
		if (type == -3)
			continue;
		if (type == VTCP_R2T) {
			if (holder_r2t(buf, &sent, &end, &ttag)) {
				ret = 1;
				goto out;
			}
			continue;
		}
		if (type != VTCP_CAPSULE_RESP) {
			ret = failf("PDU type %d while the second write waits", type);
			goto out;
		}
		memcpy(&cid, buf + 8 + 12, 2);
		memcpy(&st, buf + 8 + 14, 2);
		cid = le16toh(cid);
		st = le16toh(st) >> 1;
		if (cid != 83 || st != 0x21) {
			ret = failf("command %u answered with status 0x%x, expected 83 with 0x21",
				    cid, st);
			goto out;
		}
		break;
	}
	if (now_ms() - t0 < timeout / 2) {
		ret = failf("the waiting write failed after %ld ms, data_timeout_ms %ld",
			    now_ms() - t0, timeout);
		goto out;
	}
	/* The holder finishes; the retry of the second write gets its turn. */
	while (sent < sizeof(d)) {
		if (sent == end) {
			type = recv_pdu(&c, buf, sizeof(buf), NULL);
			if (type != VTCP_R2T || holder_r2t(buf, &sent, &end, &ttag)) {
				ret = failf("no R2T for the rest of the first write (PDU type %d)",
					    type);
				goto out;
			}
		}
		holder_send(&c, d, &sent, end, ttag, c.maxh2c);
	}
	ret = expect_status(&c, 82, 0) ||
	      r2t_write(&c, 83, 4096, d, sizeof(d), c.maxh2c) ||
	      read_back(&c, 0, d, sizeof(d)) || read_back(&c, 4096, d, sizeof(d));
out:
	conn_close(&c);
	conn_close(&a);
out_params:
	param_set("max_queue_data_kb", queue_kb);
	param_set("r2t_chunk", chunk);
	return ret;
}

/*
 * A host that trickles the data an R2T asked for, one small H2CData PDU
 * at a time, each well within data_timeout_ms of the one before (an R2T
 * of 8 KiB or more takes at least 8 of them): the data as a whole is due
 * data_timeout_ms after the R2T, so the connection ends then (C2HTermReq,
 * PDU sequence error), not when the host pleases.
 */
#define TRICKLE_LEN	65536
#define TRICKLE_PDU	256
#define TRICKLE_TIMEOUT	1000

static int c_h2c_trickle_times_out(void)
{
	static u8 d[TRICKLE_PDU];
	long timeout = param_get("data_timeout_ms");
	struct sqe s = sqe_rw(0x01, 82, 96, TRICKLE_LEN, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	long t0, took;
	u32 off, end;
	int ret = 0;

	if (timeout < 0)
		return failf("vssd_tcp has no data_timeout_ms");
	if (param_set("data_timeout_ms", TRICKLE_TIMEOUT))
		return failf("cannot set data_timeout_ms");
	if (io_queue(&a, &c, 0, 0)) {
		ret = 1;
		goto out_param;
	}
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		ret = failf("no R2T");
		goto out;
	}
	/* The R2T's data (all of it, or r2t_chunk), TRICKLE_PDU at a time. */
	off = le32toh(r2t.r2t_offset);
	end = off + le32toh(r2t.r2t_length);
	t0 = now_ms();
	for (;;) {
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };

		if (off < end) {
			u32 len = end - off < TRICKLE_PDU ? end - off : TRICKLE_PDU;

			send_h2c(&c, 82, r2t.ttag, off, d, len, off + len == end);
			off += len;
		}
		if (poll(&pfd, 1, TRICKLE_TIMEOUT / 4) > 0)
			break;
		if (now_ms() - t0 > 8 * TRICKLE_TIMEOUT) {
			ret = failf("no termination %ld ms after the R2T, %u bytes in (%d ms)",
				    now_ms() - t0, off, TRICKLE_TIMEOUT);
			goto out;
		}
	}
	took = now_ms() - t0;
	ret = expect_term(&c, VTCP_FES_PDU_SEQUENCE, -1);
	if (!ret && (took < TRICKLE_TIMEOUT / 2 || took > 3 * TRICKLE_TIMEOUT))
		ret = failf("terminated %ld ms after the R2T, data_timeout_ms %d", took,
			    TRICKLE_TIMEOUT);
	if (!ret)
		printf("# terminated %ld ms after the R2T, %u of %u bytes in\n", took, off,
		       TRICKLE_LEN);
out:
	conn_close(&c);
	conn_close(&a);
out_param:
	param_set("data_timeout_ms", timeout);
	if (!ret)
		ret = serves_again(83, 96, 8192, 23);
	return ret;
}

/*
 * A write that failed (a data digest error) while its next R2T waited
 * behind read data the host did not take: that R2T leaves once the host
 * reads again, the host never sends its data, and the write (failed, so
 * asking for nothing more) must still end data_timeout_ms after the R2T
 * left: C2HTermReq, PDU sequence error.  MAXR2T 1 (two R2Ts at a time),
 * r2t_chunk 4 KiB, a write of three chunks.
 */
#define FAILED_CID	84
#define FAILED_READS	4
#define FAILED_READ_LEN	(256u << 10)
#define FAILED_TIMEOUT	1000

static int c_failed_write_data_deadline(void)
{
	static u8 d[4096];
	long timeout = param_get("data_timeout_ms"), chunk = param_get("r2t_chunk");
	u8 *buf = malloc(FAILED_READ_LEN + 256);
	struct vtcp_r2t_pdu r2t[2];
	struct conn a, c;
	struct cqe cqe;
	struct sqe s;
	int i, type, ret = 0;
	long t0, last;
	u16 st;

	if (!buf || timeout < 0 || chunk < 0) {
		free(buf);
		return failf("no memory, or vssd_tcp lacks data_timeout_ms or r2t_chunk");
	}
	if (param_set("data_timeout_ms", FAILED_TIMEOUT) || param_set("r2t_chunk", 4096)) {
		ret = failf("cannot set data_timeout_ms and r2t_chunk");
		goto out_param;
	}
	if (admin_queue(&a, 0, 0)) {
		ret = 1;
		goto out_param;
	}
	if (conn_open_small(&c, 4096, 1024)) {
		conn_close(&a);
		ret = failf("cannot open the I/O connection");
		goto out_param;
	}
	if (icreq(&c, VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA, 1) ||
	    fabric_connect(&c, 1, a.cntlid, g_nqn, &st) || st) {
		ret = failf("I/O queue set-up failed");
		goto out;
	}
	/* The write's first two R2Ts arrive; then reads fill the send path. */
	s = sqe_rw(0x01, FAILED_CID, 16384, 3 * sizeof(d), SGL_TRANSPORT);
	send_capsule(&c, &s, NULL, 0);
	for (i = 0; i < 2; i++) {
		if (recv_until(&c, &cqe, NULL, 0, &r2t[i]) != VTCP_R2T) {
			ret = failf("R2T %d of the write did not come", i + 1);
			goto out;
		}
	}
	for (i = 0; i < FAILED_READS; i++) {
		s = sqe_rw(0x02, 70 + i, i * (FAILED_READ_LEN / 512), FAILED_READ_LEN,
			   SGL_TRANSPORT);
		send_capsule(&c, &s, NULL, 0);
	}
	usleep(500 * 1000);
	/* Chunk 1 in: R2T 3 is queued behind the reads.  Chunk 2: a bad digest. */
	pattern(d, sizeof(d), 9);
	send_h2c(&c, FAILED_CID, r2t[0].ttag, le32toh(r2t[0].r2t_offset), d, sizeof(d), true);
	send_h2c_bad_digest(&c, FAILED_CID, r2t[1].ttag, le32toh(r2t[1].r2t_offset), d,
			    sizeof(d));
	/*
	 * Past the deadline the first R2Ts set, then read everything.  The
	 * reads take as long as this host needs (seconds on a debug kernel);
	 * once the last of them is in, so is R2T 3, and the data deadline runs.
	 */
	usleep(2 * FAILED_TIMEOUT * 1000);
	t0 = now_ms();
	last = t0;
	for (;;) {
		type = recv_pdu(&c, buf, FAILED_READ_LEN + 256, NULL);
		if (type != VTCP_C2H_DATA && type != VTCP_CAPSULE_RESP && type != VTCP_R2T)
			break;
		last = now_ms();
		if (last - t0 > 60000)
			break;
	}
	if (type == -3 || type == VTCP_C2H_DATA || type == VTCP_CAPSULE_RESP ||
	    type == VTCP_R2T)
		ret = failf("the failed write still waited %ld ms after the host read all",
			    now_ms() - last);
	else if (type != VTCP_C2H_TERM)
		ret = failf("expected C2HTermReq, got %d", type);
	else
		printf("# terminated %ld ms after the host read again, %ld after it read all\n",
		       now_ms() - t0, now_ms() - last);
out:
	conn_close(&c);
	conn_close(&a);
out_param:
	free(buf);
	param_set("data_timeout_ms", timeout);
	param_set("r2t_chunk", chunk);
	if (!ret)
		ret = serves_again(85, 96, 8192, 24);
	return ret;
}

/* ---- hosts that stop reading ----------------------------------------- */

/*
 * A host that stops reading with reads outstanding: the target's send path
 * fills (small receive buffer and MSS) and stays full, holding the reads'
 * buffers.  The host asked for keep-alive 0, so nvmet never ends the
 * controller.  After send_timeout_ms without the host taking a byte the
 * target resets the connection (a FIN would wait behind the unread data)
 * and the buffers are freed; the target keeps serving.
 */
#define STALL_READS	8
#define STALL_READ_LEN	(256u << 10)
#define STALL_TIMEOUT	2000

/*
 * Read what the connection still holds until the target's close: 1 for a
 * reset, 0 for an orderly close (FIN), -1 if it stays open.
 */
static int drain_to_close(struct conn *c, int ms)
{
	static u8 buf[65536];
	long end = now_ms() + ms;

	while (now_ms() < end) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == ECONNRESET;
		if (!n)
			return 0;
	}
	return -1;
}

/*
 * data_in_use_kb once the connections of earlier cases have let go of
 * their buffers (a terminated one may hold them for the target's grace
 * period): 0, or what is still held after @ms.
 */
static long data_in_use_settled(int ms)
{
	long start = now_ms(), first = param_get("data_in_use_kb"), kb;

	while ((kb = param_get("data_in_use_kb")) > 0 && now_ms() < start + ms)
		usleep(50 * 1000);
	if (first > 0)
		printf("# %ld KiB of earlier connections held at the start, %ld KiB after %ld ms\n",
		       first, kb, now_ms() - start);
	return kb;
}

static int c_stopped_reader_closed(void)
{
	long timeout = param_get("send_timeout_ms");
	long base_kb = data_in_use_settled(10000), held_kb = 0, left_kb, t0, took;
	struct conn a, c;
	int i, ret = 0;
	struct sqe s;
	u16 st;

	if (base_kb < 0)
		return failf("vssd_tcp has no data_in_use_kb");
	/* A base that drops during the case would end it early. */
	if (base_kb > 0)
		return failf("%ld KiB still held by earlier connections after 10 s", base_kb);
	/* Without the parameter the close is still due (it fails then). */
	if (timeout >= 0 && param_set("send_timeout_ms", STALL_TIMEOUT))
		return failf("cannot set send_timeout_ms");
	c.fd = -1;
	/* Keep-alive 0: nvmet would never time this controller out. */
	g_kato = 0;
	ret = admin_queue(&a, 0, 0);
	g_kato = 30000;
	if (ret)
		goto out_param;
	if (conn_open_small(&c, 4096, 1024)) {
		ret = failf("cannot open the I/O connection");
		goto out;
	}
	if (icreq(&c, 0, 0) || fabric_connect(&c, 1, a.cntlid, g_nqn, &st)) {
		ret = 1;
		goto out;
	}
	if (st) {
		ret = failf("I/O Connect failed with status 0x%x", st);
		goto out;
	}
	for (i = 0; i < STALL_READS; i++) {
		s = sqe_rw(0x02, 100 + i, i * (STALL_READ_LEN / 512), STALL_READ_LEN,
			   SGL_TRANSPORT);
		send_capsule(&c, &s, NULL, 0);
	}
	t0 = now_ms();
	while (now_ms() - t0 < STALL_TIMEOUT / 2) {
		held_kb = param_get("data_in_use_kb") - base_kb;
		if (held_kb >= STALL_READS * (STALL_READ_LEN >> 10) / 2)
			break;
		usleep(20 * 1000);
	}
	if (held_kb < STALL_READS * (STALL_READ_LEN >> 10) / 2) {
		ret = failf("the unread reads hold %ld KiB, expected about %u", held_kb,
			    STALL_READS * (STALL_READ_LEN >> 10));
		goto out;
	}
	do {
		usleep(100 * 1000);
		left_kb = param_get("data_in_use_kb") - base_kb;
		took = now_ms() - t0;
	} while (left_kb > 0 && took < STALL_TIMEOUT + 10000);
	if (left_kb > 0) {
		ret = failf("%ld KiB still held %ld ms after the host stopped reading (%d ms)",
			    left_kb + base_kb, took, STALL_TIMEOUT);
		goto out;
	}
	if (took < STALL_TIMEOUT / 2) {
		ret = failf("the reads' buffers went after %ld ms: the send path was not full",
			    took);
		goto out;
	}
	printf("# %ld KiB held by a host that stopped reading, freed after %ld ms\n",
	       held_kb, took);
	switch (drain_to_close(&c, 5000)) {
	case 1:
		break;
	case 0:
		ret = failf("closed with a FIN: the unread data could keep the socket alive");
		break;
	default:
		ret = failf("the connection stayed open after its buffers were freed");
	}
out:
	conn_close(&c);
	conn_close(&a);
out_param:
	if (timeout >= 0)
		param_set("send_timeout_ms", timeout);
	if (!ret)
		ret = serves_again(84, 128, 8192, 24);
	return ret;
}

/*
 * A host that acknowledges nothing after a fatal error: once its admin
 * queue is connected (with header digests), traffic control on lo drops
 * its bare acknowledgements, and it sends a command capsule whose header
 * digest is wrong.  The target reads that PDU whole, so nothing of the
 * host's is left unread; the C2HTermReq and the FIN after it reach the
 * host.  Seeing no progress, the target must give the connection up
 * within its 2 s grace (the host sees a reset), not keep it while TCP
 * retransmits to a host that never answers.
 */
#define UNACKED_WAIT_MS	8000
#define TC		"PATH=/usr/sbin:/sbin:$PATH tc "

static int tc_clear(void)
{
	return system(TC "qdisc del dev lo root 2>/dev/null");
}

/* Run a shell command; the first line of its output goes to @out. */
static int run_cmd(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");

	out[0] = 0;
	if (!f)
		return -1;
	if (fgets(out, len, f))
		out[strcspn(out, "\n")] = 0;
	while (fgetc(f) != EOF)
		;
	return pclose(f);
}

static int c_term_unacked_closes(void)
{
	struct sqe cmd = sqe_rw(0x02, 40, 0, 4096, SGL_TRANSPORT);
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	char tc[384], out[160];
	struct tcp_info ti;
	int ret = 0, type;
	u8 buf[512], b[76];
	struct conn c;
	long t0;
	u16 st;

	if (strchr(g_addr, ':'))
		return skipf("the traffic control filter here is IPv4 only");
	if (run_cmd("PATH=/usr/sbin:/sbin:$PATH modprobe -a sch_prio cls_u32 act_gact 2>&1",
		    out, sizeof(out)))
		return skipf("no traffic control modules (%s)", out);
	if (conn_open(&c) || icreq(&c, VTCP_DIGEST_HEADER, 0) ||
	    fabric_connect(&c, 0, 0xffff, g_nqn, &st) || st) {
		conn_close(&c);
		return failf("cannot connect an admin queue");
	}
	getsockname(c.fd, (struct sockaddr *)&me, &len);
	/* Segments from this port whose TCP flags are ACK alone. */
	snprintf(tc, sizeof(tc), "(%s %s && %s %s %u 0xffff %s) 2>&1",
		 TC, "qdisc add dev lo root handle 1: prio",
		 TC, "filter add dev lo parent 1: protocol ip prio 1 u32 match ip sport",
		 ntohs(me.sin_port), "match u8 0x10 0xff at 33 action drop");
	if (run_cmd(tc, out, sizeof(out))) {
		tc_clear();
		conn_close(&c);
		return skipf("no traffic control on lo to hold acknowledgements back (%s)", out);
	}
	memset(b, 0, sizeof(b));
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76);
	memcpy(b + 8, cmd.b, 64);
	memset(b + 72, 0xab, 4);	/* wrong header digest */
	if (send_all(&c, b, sizeof(b)))
		ret = failf("sending the capsule failed");
	type = ret ? 0 : recv_pdu(&c, buf, sizeof(buf), NULL);
	if (!ret && type != VTCP_C2H_TERM)
		ret = failf("expected C2HTermReq, got %d", type);
	t0 = now_ms();
	while (!ret) {
		len = sizeof(ti);
		if (getsockopt(c.fd, IPPROTO_TCP, TCP_INFO, &ti, &len)) {
			ret = failf("TCP_INFO: %s", strerror(errno));
			break;
		}
		if (ti.tcpi_state == TCP_CLOSE) {
			printf("# reset %ld ms after a C2HTermReq the host did not acknowledge\n",
			       now_ms() - t0);
			break;
		}
		if (now_ms() - t0 > UNACKED_WAIT_MS)
			ret = failf("no reset %d ms after an unacked C2HTermReq (TCP state %u)",
				    UNACKED_WAIT_MS, ti.tcpi_state);
		usleep(50 * 1000);
	}
	run_cmd(TC "-s qdisc show dev lo | grep -o 'dropped [0-9]*' | head -1", out, sizeof(out));
	printf("# traffic control: %s\n", out);
	if (tc_clear())
		ret = ret ?: failf("cannot remove the traffic control on lo");
	conn_close(&c);
	return ret ?: serves_again(85, 8, 8192, 25);
}

/* ---- connections ---------------------------------------------------- */

#define FLOOD		40
#define FLOOD_LIMIT	16
/* Long enough for 40 connects and a look at each on a loaded debug kernel. */
#define FLOOD_ICREQ_TIMEOUT_MS	10000

/*
 * More connections than max_connections at once: those over the limit
 * are closed at once, without a byte; those accepted answer ICReq, and,
 * idle, are closed by icreq_timeout_ms.  Afterwards the port takes a
 * normal host again.  (The bystander host's connections count too.)
 */
static int c_connection_flood_refused(void)
{
	long limit = param_get("max_connections");
	long old_deadline = param_get("icreq_timeout_ms");
	long deadline = FLOOD_ICREQ_TIMEOUT_MS;
	struct conn c[FLOOD];
	int i, refused = 0, open = 0, ret = 0;
	long t0;

	if (limit < 0 || old_deadline < 0)
		return failf("vssd_tcp has no max_connections");
	if (param_set("max_connections", FLOOD_LIMIT) ||
	    param_set("icreq_timeout_ms", deadline)) {
		param_set("max_connections", limit);
		return failf("cannot set max_connections or icreq_timeout_ms");
	}
	for (i = 0; i < FLOOD; i++)
		c[i].fd = -1;
	t0 = now_ms();
	for (i = 0; i < FLOOD; i++) {
		if (conn_open(&c[i])) {
			ret = failf("connection %d failed at TCP level", i);
			goto out;
		}
	}
	usleep(300 * 1000);
	if (now_ms() - t0 >= deadline) {
		ret = failf("opening %d connections took %ld ms, over icreq_timeout_ms",
			    FLOOD, now_ms() - t0);
		goto out;
	}
	for (i = 0; i < FLOOD; i++) {
		u8 b;
		int r = recv_exact(&c[i], &b, 1, 0);

		if (r == -2) {
			refused++;
			conn_close(&c[i]);
		} else if (r == -3) {
			open++;
		} else {
			ret = failf("connection %d got a byte before sending any", i);
			goto out;
		}
	}
	printf("# %d connections: %d refused at once, %d accepted (limit %d)\n",
	       FLOOD, refused, open, FLOOD_LIMIT);
	if (refused < FLOOD - FLOOD_LIMIT || !open) {
		ret = failf("%d of %d connections refused, %d accepted, limit %d", refused,
			    FLOOD, open, FLOOD_LIMIT);
		goto out;
	}
	/* An accepted one works; then all idle ones time out. */
	for (i = 0; i < FLOOD && c[i].fd < 0; i++)
		;
	if (icreq(&c[i], 0, 0)) {
		ret = 1;
		goto out;
	}
	for (i = 0; i < FLOOD; i++) {
		if (c[i].fd < 0)
			continue;
		if (expect_closed(&c[i], deadline + 3000)) {
			ret = failf("an idle accepted connection stayed open: %s", g_why);
			goto out;
		}
		conn_close(&c[i]);
	}
	if (admin_queue_retry(&c[0], 3000))
		ret = 1;
out:
	for (i = 0; i < FLOOD; i++)
		conn_close(&c[i]);
	param_set("max_connections", limit);
	param_set("icreq_timeout_ms", old_deadline);
	return ret;
}

const struct test_case tcp_limit_cases[] = {
	{ "no_icreq_times_out", c_no_icreq_timeout },
	{ "no_connect_times_out", c_no_connect_timeout },
	{ "keepalive_expiry_closes_queue", c_keepalive_expiry },
	{ "thousand_connections", c_thousand_connections },
	{ "data_buffers_capped", c_data_buffers_capped },
	{ "no_data_for_r2t_times_out", c_no_data_for_r2t_times_out },
	{ "buffer_wait_times_out", c_buffer_wait_times_out },
	{ "h2c_trickle_times_out", c_h2c_trickle_times_out },
	{ "failed_write_data_deadline", c_failed_write_data_deadline },
	{ "stopped_reader_closed", c_stopped_reader_closed },
	{ "connection_flood_refused", c_connection_flood_refused },
	{ "term_unacked_closes", c_term_unacked_closes },
};

const unsigned int tcp_limit_cases_n = ARRAY_SIZE(tcp_limit_cases);
