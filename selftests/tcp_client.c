// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_client: the raw NVMe/TCP host the tcp_hostile cases are written with
 * (see tcp_client.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>

#include "tcp_client.h"

const char *g_addr, *g_port, *g_nqn;
char g_why[256];

/* Record why a case failed; the caller returns 1. */
int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g_why, sizeof(g_why), fmt, ap);
	va_end(ap);
	return 1;
}

int skipf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g_why, sizeof(g_why), fmt, ap);
	va_end(ap);
	return CASE_SKIPPED;
}

/* ---- the target's parameters, time ---------------------------------- */

#define PARAMS	"/sys/module/vssd_tcp/parameters/"

/* A vssd_tcp module parameter, or -1 when there is no such file. */
long param_get(const char *name)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int param_set(const char *name, long v)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -1 : 0;
}

long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

/* ---- connection ----------------------------------------------------- */

int conn_open(struct conn *c)
{
	return conn_open_small(c, 0, 0);
}

/*
 * A connection whose receive buffer (SO_RCVBUF) and segment size
 * (TCP_MAXSEG) are set before the handshake when not 0: the target then
 * sees a small window and a small MSS, and sizes its send buffer for them.
 */
int conn_open_small(struct conn *c, int rcvbuf, int maxseg)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1;

	memset(c, 0, sizeof(*c));
	if (strchr(g_addr, ':')) {
		struct sockaddr_in6 *s6 = (void *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(g_port));
		inet_pton(AF_INET6, g_addr, &s6->sin6_addr);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(g_port));
		inet_pton(AF_INET, g_addr, &s4->sin_addr);
		sl = sizeof(*s4);
	}
	c->fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((rcvbuf && setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf))) ||
	    (maxseg && setsockopt(c->fd, IPPROTO_TCP, TCP_MAXSEG, &maxseg, sizeof(maxseg)))) {
		close(c->fd);
		return -1;
	}
	if (connect(c->fd, (void *)&ss, sl)) {
		close(c->fd);
		return -1;
	}
	return 0;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int send_all(struct conn *c, const void *buf, size_t len)
{
	const u8 *p = buf;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Read exactly len bytes: 0, -1 on error, -2 on EOF, -3 on timeout. */
int recv_exact(struct conn *c, void *buf, size_t len, int timeout_ms)
{
	u8 *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -3;
		n = recv(c->fd, p, len, 0);
		if (n == 0)
			return -2;
		if (n < 0)
			return errno == ECONNRESET ? -2 : -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Receive one PDU into buf (at most max bytes kept); returns its type. */
int recv_pdu(struct conn *c, u8 *buf, size_t max, u32 *plen)
{
	struct vtcp_common_hdr *h = (void *)buf;
	u32 len, keep;
	int ret = recv_exact(c, buf, 8, TIMEOUT_MS);

	if (ret)
		return ret;
	len = le32toh(h->plen);
	if (len < 8 || len > (64u << 20))
		return -1;
	keep = len < max ? len : max;
	ret = recv_exact(c, buf + 8, keep - 8, TIMEOUT_MS);
	if (ret)
		return ret;
	for (u32 left = len - keep; left;) {
		u8 sink[4096];
		u32 n = left < sizeof(sink) ? left : sizeof(sink);

		ret = recv_exact(c, sink, n, TIMEOUT_MS);
		if (ret)
			return ret;
		left -= n;
	}
	if (plen)
		*plen = len;
	return h->type;
}

/* The target must answer with C2HTermReq(fes, fei) and then close. */
int expect_term(struct conn *c, u16 fes, int fei)
{
	u8 buf[512];
	struct vtcp_term_pdu *t = (void *)buf;
	int type = recv_pdu(c, buf, sizeof(buf), NULL);
	u32 got_fei;

	if (type == -2)
		return failf("connection closed without a C2HTermReq");
	if (type == -3)
		return failf("no C2HTermReq within %d ms", TIMEOUT_MS);
	if (type != VTCP_C2H_TERM)
		return failf("expected C2HTermReq, got PDU type %d", type);
	got_fei = le16toh(t->fei_low) | (u32)le16toh(t->fei_high) << 16;
	if (le16toh(t->fes) != fes)
		return failf("FES %u, expected %u", le16toh(t->fes), fes);
	if (fei >= 0 && got_fei != (u32)fei)
		return failf("FEI %u, expected %d", got_fei, fei);
	if (recv_exact(c, buf, 1, TIMEOUT_MS) != -2)
		return failf("the connection stayed open after C2HTermReq");
	return 0;
}

/* The target must close without sending anything more. */
int expect_closed(struct conn *c, int timeout_ms)
{
	u8 b;
	int ret = recv_exact(c, &b, 1, timeout_ms);

	if (ret == -2)
		return 0;
	if (ret == -3)
		return failf("still open after %d ms", timeout_ms);
	return failf("got data (%d) instead of a close", ret);
}

void icreq_build(struct vtcp_icreq_pdu *ic, u8 digest_bits, u32 maxr2t)
{
	memset(ic, 0, sizeof(*ic));
	ic->hdr.type = VTCP_ICREQ;
	ic->hdr.hlen = VTCP_IC_HLEN;
	ic->hdr.plen = htole32(VTCP_IC_HLEN);
	ic->digest = digest_bits;
	ic->maxr2t = htole32(maxr2t);
}

u8 g_hpda;

int icreq(struct conn *c, u8 digest_bits, u32 maxr2t)
{
	struct vtcp_icreq_pdu ic;
	u8 buf[256];
	struct vtcp_icresp_pdu *r = (void *)buf;

	icreq_build(&ic, digest_bits, maxr2t);
	ic.hpda = g_hpda;
	if (send_all(c, &ic, sizeof(ic)))
		return failf("sending ICReq failed");
	if (recv_pdu(c, buf, sizeof(buf), NULL) != VTCP_ICRESP)
		return failf("no ICResp");
	if (r->digest != digest_bits)
		return failf("ICResp digest %u, asked %u", r->digest, digest_bits);
	c->hd = digest_bits & VTCP_DIGEST_HEADER;
	c->dd = digest_bits & VTCP_DIGEST_DATA;
	c->maxh2c = le32toh(r->maxh2cdata);
	if (c->maxh2c < VTCP_MIN_MAXH2CDATA)
		return failf("MAXH2CDATA %u below the minimum", c->maxh2c);
	return 0;
}

/* ---- commands ------------------------------------------------------- */

struct sqe sqe_make(u8 opcode, u16 cid, u32 nsid,
		    u8 sgl_type, u32 len)
{
	struct sqe s = { 0 };

	s.b[0] = opcode;
	s.b[1] = 0x40;	/* PSDT: SGL for data, metadata buffer */
	put16(&s.b[2], cid);
	put32(&s.b[4], nsid);
	put32(&s.b[32], len);
	s.b[39] = sgl_type;
	return s;
}

struct sqe sqe_rw(u8 opcode, u16 cid, u64 slba, u32 bytes,
		  u8 sgl_type)
{
	struct sqe s = sqe_make(opcode, cid, 1, sgl_type, bytes);

	put64(&s.b[40], slba);
	put16(&s.b[48], bytes / 512 - 1);
	return s;
}

/* A CapsuleCmd with optional in-capsule data; digests as negotiated. */
int send_capsule(struct conn *c, const struct sqe *s, const void *data, u32 len)
{
	u8 *buf = malloc(72 + 8 + len + 8);
	struct vtcp_cmd_pdu *p = (void *)buf;
	u32 hl = 72 + (c->hd ? 4 : 0), off = hl;
	int ret;

	memset(p, 0, 72);
	p->hdr.type = VTCP_CAPSULE_CMD;
	p->hdr.flags = (c->hd ? VTCP_F_HDGST : 0) | (c->dd && len ? VTCP_F_DDGST : 0);
	p->hdr.hlen = 72;
	p->hdr.pdo = len ? hl : 0;
	p->hdr.plen = htole32(hl + (len ? len + (c->dd ? 4 : 0) : 0));
	memcpy(p->sqe, s->b, 64);
	if (c->hd) {
		u32 d = crc32c_digest(buf, 72);

		memcpy(buf + 72, &d, 4);
	}
	if (len) {
		memcpy(buf + off, data, len);
		off += len;
		if (c->dd) {
			u32 d = crc32c_digest(data, len);

			memcpy(buf + off, &d, 4);
			off += 4;
		}
	}
	ret = send_all(c, buf, off);
	free(buf);
	return ret;
}

static int h2c_pdu(struct conn *c, u16 cid, u16 ttag, u32 offset,
		   const void *data, u32 len, bool last, bool bad_digest)
{
	u8 *buf = malloc(24 + 8 + len + 8);
	struct vtcp_data_pdu *p = (void *)buf;
	u32 hl = 24 + (c->hd ? 4 : 0), off = hl;
	int ret;

	memset(p, 0, 24);
	p->hdr.type = VTCP_H2C_DATA;
	p->hdr.flags = (c->hd ? VTCP_F_HDGST : 0) | (c->dd ? VTCP_F_DDGST : 0) |
		       (last ? VTCP_F_DATA_LAST : 0);
	p->hdr.hlen = 24;
	p->hdr.pdo = hl;
	p->command_id = htole16(cid);
	p->ttag = ttag;
	p->data_offset = htole32(offset);
	p->data_length = htole32(len);
	p->hdr.plen = htole32(hl + len + (c->dd ? 4 : 0));
	if (c->hd) {
		u32 d = crc32c_digest(buf, 24);

		memcpy(buf + 24, &d, 4);
	}
	memcpy(buf + off, data, len);
	off += len;
	if (c->dd) {
		u32 d = crc32c_digest(data, len);

		if (bad_digest)
			d = ~d;
		memcpy(buf + off, &d, 4);
		off += 4;
	}
	ret = send_all(c, buf, off);
	free(buf);
	return ret;
}

int send_h2c(struct conn *c, u16 cid, u16 ttag, u32 offset,
	     const void *data, u32 len, bool last)
{
	return h2c_pdu(c, cid, ttag, offset, data, len, last, false);
}

/* The last H2CData PDU of a transfer, with a wrong data digest. */
int send_h2c_bad_digest(struct conn *c, u16 cid, u16 ttag, u32 offset,
			const void *data, u32 len)
{
	if (!c->dd)
		return -1;
	return h2c_pdu(c, cid, ttag, offset, data, len, true, true);
}

/* The data an R2T asked for, in H2CData PDUs of at most MAXH2CDATA. */
int send_h2c_split(struct conn *c, u16 cid, u16 ttag, u32 offset,
		   const void *data, u32 len)
{
	for (u32 done = 0; done < len;) {
		u32 n = len - done < c->maxh2c ? len - done : c->maxh2c;

		if (send_h2c(c, cid, ttag, offset + done, (const u8 *)data + done, n,
			     done + n == len))
			return -1;
		done += n;
	}
	return 0;
}

u8 g_last_c2h_pdo;

/*
 * Receive until the response: C2HData goes into rbuf (if given), R2Ts are
 * returned to the caller.  Returns the PDU type that ended the wait.
 */
int recv_until(struct conn *c, struct cqe *cqe, u8 *rbuf, u32 rlen,
	       struct vtcp_r2t_pdu *r2t)
{
	for (;;) {
		static u8 buf[(1 << 20) + 256];
		int type = recv_pdu(c, buf, sizeof(buf), NULL);

		if (type < 0)
			return type;
		if (type == VTCP_C2H_DATA) {
			struct vtcp_data_pdu *d = (void *)buf;

			g_last_c2h_pdo = d->hdr.pdo;
			u32 off = le32toh(d->data_offset), len = le32toh(d->data_length);

			if (rbuf && off + len <= rlen)
				memcpy(rbuf + off, buf + d->hdr.pdo, len);
			if (d->hdr.flags & VTCP_F_DATA_SUCCESS) {
				memset(cqe, 0, sizeof(*cqe));
				cqe->cid = le16toh(d->command_id);
				return VTCP_CAPSULE_RESP;
			}
			continue;
		}
		if (type == VTCP_CAPSULE_RESP) {
			u16 st;

			memcpy(&cqe->dw0, buf + 8, 4);
			cqe->dw0 = le32toh(cqe->dw0);
			memcpy(&cqe->cid, buf + 8 + 12, 2);
			cqe->cid = le16toh(cqe->cid);
			memcpy(&st, buf + 8 + 14, 2);
			cqe->status = (le16toh(st) >> 1) & 0x7ff;
			return type;
		}
		if (type == VTCP_R2T) {
			if (r2t)
				memcpy(r2t, buf, sizeof(*r2t));
			return type;
		}
		return type;
	}
}

int expect_status(struct conn *c, u16 cid, u16 want)
{
	struct cqe cqe;
	int type = recv_until(c, &cqe, NULL, 0, NULL);

	if (type != VTCP_CAPSULE_RESP)
		return failf("expected a response for cid %u, got %d", cid, type);
	if (cqe.cid != cid)
		return failf("response for cid %u, expected %u", cqe.cid, cid);
	if (cqe.status != want)
		return failf("cid %u status 0x%x, expected 0x%x", cid, cqe.status, want);
	return 0;
}

u32 g_kato = 30000;
u16 g_sqsize = 31;

/* Send a Fabrics Connect capsule (qid 0: admin), without waiting. */
int send_connect(struct conn *c, u16 qid, u16 cntlid, const char *nqn)
{
	struct sqe s = sqe_make(0x7f, 0x7f00 | qid, 0, SGL_INCAPSULE, 1024);
	u8 data[1024] = { 0 };

	s.b[4] = 0x01;		/* fctype: connect */
	put16(&s.b[42], qid);
	put16(&s.b[44], g_sqsize);	/* sqsize, 0's based */
	put32(&s.b[48], qid ? 0 : g_kato);
	memset(data, 0x11, 16);	/* hostid */
	put16(&data[16], cntlid);
	snprintf((char *)data + 256, 256, "%s", nqn);
	snprintf((char *)data + 512, 256, "%s", HOSTNQN);
	return send_capsule(c, &s, data, sizeof(data));
}

/* Fabrics Connect on this connection: qid 0 (admin) or an I/O queue. */
int fabric_connect(struct conn *c, u16 qid, u16 cntlid, const char *nqn,
		   u16 *status)
{
	struct cqe cqe;
	int type;

	if (send_connect(c, qid, cntlid, nqn))
		return failf("sending Connect failed");
	type = recv_until(c, &cqe, NULL, 0, NULL);
	if (type != VTCP_CAPSULE_RESP)
		return failf("no Connect response (got %d)", type);
	*status = cqe.status;
	c->connect_dw0 = cqe.dw0;
	if (!qid)
		c->cntlid = cqe.dw0 & 0xffff;
	return 0;
}

/* Property Set CC: enable the controller (4 KiB pages, 64/16-byte entries). */
int enable_ctrl(struct conn *c)
{
	struct sqe s = sqe_make(0x7f, 0x7e00, 0, SGL_TRANSPORT, 0);

	s.b[4] = 0x00;			/* fctype: property set */
	s.b[40] = 0;			/* 4-byte property */
	put32(&s.b[44], 0x14);		/* CC */
	put64(&s.b[48], 0x00460001);	/* IOCQES 4, IOSQES 6, EN */
	if (send_capsule(c, &s, NULL, 0))
		return failf("sending Property Set failed");
	return expect_status(c, 0x7e00, 0);
}

/* A live admin queue (ICReq + Connect + CC.EN). */
int admin_queue(struct conn *c, u8 digests, u32 maxr2t)
{
	u16 st;

	if (conn_open(c))
		return failf("cannot connect to %s:%s", g_addr, g_port);
	if (icreq(c, digests, maxr2t) || fabric_connect(c, 0, 0xffff, g_nqn, &st))
		return 1;
	if (st)
		return failf("admin Connect failed with status 0x%x", st);
	return enable_ctrl(c);
}

/* A live I/O queue (needs its admin queue to stay open). */
int io_queue(struct conn *admin, struct conn *c, u8 digests, u32 maxr2t)
{
	u16 st;

	if (admin_queue(admin, 0, 0))
		return 1;
	if (conn_open(c))
		return failf("cannot open the I/O connection");
	if (icreq(c, digests, maxr2t) || fabric_connect(c, 1, admin->cntlid, g_nqn, &st))
		return 1;
	if (st)
		return failf("I/O Connect failed with status 0x%x", st);
	return 0;
}

void pattern(u8 *buf, u32 len, u32 seed)
{
	for (u32 i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 16;
	}
}

/* Read bytes at slba back and compare with want. */
int read_back(struct conn *c, u64 slba, const u8 *want, u32 len)
{
	struct sqe s = sqe_rw(0x02, 900, slba, len, SGL_TRANSPORT);
	u8 *got = calloc(1, len);
	struct cqe cqe;
	int ok;

	send_capsule(c, &s, NULL, 0);
	ok = recv_until(c, &cqe, got, len, NULL) == VTCP_CAPSULE_RESP && !cqe.status &&
	     !memcmp(got, want, len);
	free(got);
	if (!ok)
		return failf("read back of %u bytes at LBA %llu differs or failed", len,
		      (unsigned long long)slba);
	return 0;
}

/* Send raw bytes on a fresh (optionally ICReq'd) connection, expect a term. */
int raw_term(bool after_icreq, const void *pdu, size_t len, u16 fes, int fei)
{
	struct conn c;
	int ret;

	if (conn_open(&c))
		return failf("cannot connect");
	if (after_icreq && icreq(&c, 0, 0)) {
		conn_close(&c);
		return 1;
	}
	send_all(&c, pdu, len);
	ret = expect_term(&c, fes, fei);
	conn_close(&c);
	return ret;
}

struct vtcp_common_hdr ch(u8 type, u8 flags, u8 hlen, u8 pdo,
			  u32 plen)
{
	struct vtcp_common_hdr h = { type, flags, hlen, pdo, htole32(plen) };

	return h;
}

/* Write len bytes at slba through R2T + H2CData (split at chunk). */
int r2t_write(struct conn *c, u16 cid, u64 slba, const u8 *data,
	      u32 len, u32 chunk)
{
	struct sqe s = sqe_rw(0x01, cid, slba, len, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;
	u32 done = 0;

	send_capsule(c, &s, NULL, 0);
	while (done < len) {
		int type = recv_until(c, &cqe, NULL, 0, &r2t);
		u32 off, rl;

		if (type != VTCP_R2T)
			return failf("expected R2T, got %d (status 0x%x)", type,
				     cqe.status);
		off = le32toh(r2t.r2t_offset);
		rl = le32toh(r2t.r2t_length);
		if (le16toh(r2t.command_id) != cid || off != done || off + rl > len)
			return failf("R2T for cid %u offset %u length %u is wrong",
				     le16toh(r2t.command_id), off, rl);
		for (u32 o = off; o < off + rl; o += chunk) {
			u32 n = off + rl - o < chunk ? off + rl - o : chunk;

			send_h2c(c, cid, r2t.ttag, o, data + o, n, o + n == off + rl);
		}
		done = off + rl;
	}
	return expect_status(c, cid, 0);
}

/*
 * After a hostile case: a new controller writes len bytes (at most 8 KiB)
 * of a pattern at slba through an R2T and reads them back.  0 if it does.
 */
int serves_again(u16 cid, u64 slba, u32 len, u32 seed)
{
	static u8 d[8192];
	struct conn a, c;
	int ret;

	if (len > sizeof(d))
		return failf("%s: %u bytes asked, %zu at most", __func__, len, sizeof(d));
	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, len, seed);
	ret = r2t_write(&c, cid, slba, d, len, len) || read_back(&c, slba, d, len);
	conn_close(&c);
	conn_close(&a);
	return ret;
}
