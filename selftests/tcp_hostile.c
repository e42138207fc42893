// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile: a raw NVMe/TCP host that sends malformed and hostile PDUs to
 * a target and checks that each one gets the answer the protocol demands:
 * a C2HTermReq with the right FES and field offset followed by the close,
 * or an error status in a CapsuleResp while the connection keeps working.
 *
 * usage: tcp_hostile ADDR PORT SUBNQN [CASE...]
 * Needs a subsystem that allows any host with namespace 1 of at least
 * 16 MiB and 512-byte blocks.  Prints one TAP line per case.
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

#include <vssd/tcp_wire.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define TIMEOUT_MS	5000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define HOSTNQN		"nqn.2026-11.io.vssd:hostile-host"

static const char *g_addr, *g_port, *g_nqn;
static char g_why[256];

/* Record why a case failed; the caller returns 1. */
static int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g_why, sizeof(g_why), fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- CRC32C (digests) ---------------------------------------------- */

static u32 crc32c_table[256];

static void crc32c_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78 : c >> 1;
		crc32c_table[i] = c;
	}
}

static u32 digest(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 c = ~0U;

	while (len--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return htole32(~c);
}

/* ---- connection ----------------------------------------------------- */

struct conn {
	int fd;
	bool hd, dd;
	u32 maxh2c;
	u16 cntlid;
};

static int conn_open(struct conn *c)
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
	if (connect(c->fd, (void *)&ss, sl)) {
		close(c->fd);
		return -1;
	}
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int send_all(struct conn *c, const void *buf, size_t len)
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
static int recv_exact(struct conn *c, void *buf, size_t len, int timeout_ms)
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
static int recv_pdu(struct conn *c, u8 *buf, size_t max, u32 *plen)
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
static int expect_term(struct conn *c, u16 fes, int fei)
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
static int expect_closed(struct conn *c, int timeout_ms)
{
	u8 b;
	int ret = recv_exact(c, &b, 1, timeout_ms);

	if (ret == -2)
		return 0;
	if (ret == -3)
		return failf("still open after %d ms", timeout_ms);
	return failf("got data (%d) instead of a close", ret);
}

static void icreq_build(struct vtcp_icreq_pdu *ic, u8 digest_bits, u32 maxr2t)
{
	memset(ic, 0, sizeof(*ic));
	ic->hdr.type = VTCP_ICREQ;
	ic->hdr.hlen = VTCP_IC_HLEN;
	ic->hdr.plen = htole32(VTCP_IC_HLEN);
	ic->digest = digest_bits;
	ic->maxr2t = htole32(maxr2t);
}

static u8 g_hpda;	/* HPDA for the next ICReq (then back to 0) */

static int icreq(struct conn *c, u8 digest_bits, u32 maxr2t)
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

struct sqe {
	u8 b[64];
};

static void put16(u8 *p, u16 v) { v = htole16(v); memcpy(p, &v, 2); }
static void put32(u8 *p, u32 v) { v = htole32(v); memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { v = htole64(v); memcpy(p, &v, 8); }

#define SGL_INCAPSULE	0x01
#define SGL_TRANSPORT	0x5a

static struct sqe sqe_make(u8 opcode, u16 cid, u32 nsid,
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

static struct sqe sqe_rw(u8 opcode, u16 cid, u64 slba, u32 bytes,
			 u8 sgl_type)
{
	struct sqe s = sqe_make(opcode, cid, 1, sgl_type, bytes);

	put64(&s.b[40], slba);
	put16(&s.b[48], bytes / 512 - 1);
	return s;
}

/* A CapsuleCmd with optional in-capsule data; digests as negotiated. */
static int send_capsule(struct conn *c, const struct sqe *s, const void *data, u32 len)
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
		u32 d = digest(buf, 72);

		memcpy(buf + 72, &d, 4);
	}
	if (len) {
		memcpy(buf + off, data, len);
		off += len;
		if (c->dd) {
			u32 d = digest(data, len);

			memcpy(buf + off, &d, 4);
			off += 4;
		}
	}
	ret = send_all(c, buf, off);
	free(buf);
	return ret;
}

static int send_h2c(struct conn *c, u16 cid, u16 ttag, u32 offset,
		    const void *data, u32 len, bool last)
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
		u32 d = digest(buf, 24);

		memcpy(buf + 24, &d, 4);
	}
	memcpy(buf + off, data, len);
	off += len;
	if (c->dd) {
		u32 d = digest(data, len);

		memcpy(buf + off, &d, 4);
		off += 4;
	}
	ret = send_all(c, buf, off);
	free(buf);
	return ret;
}

static u8 g_last_c2h_pdo;

struct cqe {
	u32 dw0;
	u16 cid;
	u16 status;	/* SCT << 8 | SC */
};

/*
 * Receive until the response: C2HData goes into rbuf (if given), R2Ts are
 * returned to the caller.  Returns the PDU type that ended the wait.
 */
static int recv_until(struct conn *c, struct cqe *cqe, u8 *rbuf, u32 rlen,
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

static int expect_status(struct conn *c, u16 cid, u16 want)
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

static u32 g_kato = 30000;	/* keep-alive timeout asked at admin Connect */

/* Fabrics Connect on this connection: qid 0 (admin) or an I/O queue. */
static int fabric_connect(struct conn *c, u16 qid, u16 cntlid, const char *nqn,
			  u16 *status)
{
	struct sqe s = sqe_make(0x7f, 0x7f00 | qid, 0, SGL_INCAPSULE, 1024);
	u8 data[1024] = { 0 };
	struct cqe cqe;
	int type;

	s.b[4] = 0x01;		/* fctype: connect */
	put16(&s.b[42], qid);
	put16(&s.b[44], 31);	/* sqsize, 0's based */
	put32(&s.b[48], qid ? 0 : g_kato);
	memset(data, 0x11, 16);	/* hostid */
	put16(&data[16], cntlid);
	strncpy((char *)data + 256, nqn, 255);
	strncpy((char *)data + 512, HOSTNQN, 255);
	if (send_capsule(c, &s, data, sizeof(data)))
		return failf("sending Connect failed");
	type = recv_until(c, &cqe, NULL, 0, NULL);
	if (type != VTCP_CAPSULE_RESP)
		return failf("no Connect response (got %d)", type);
	*status = cqe.status;
	if (!qid)
		c->cntlid = cqe.dw0 & 0xffff;
	return 0;
}

/* Property Set CC: enable the controller (4 KiB pages, 64/16-byte entries). */
static int enable_ctrl(struct conn *c)
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
static int admin_queue(struct conn *c, u8 digests, u32 maxr2t)
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
static int io_queue(struct conn *admin, struct conn *c, u8 digests, u32 maxr2t)
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

static void pattern(u8 *buf, u32 len, u32 seed)
{
	for (u32 i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 16;
	}
}

/* Read bytes at slba back and compare with want. */
static int read_back(struct conn *c, u64 slba, const u8 *want, u32 len)
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

/* ---- the cases ------------------------------------------------------ */

/* Send raw bytes on a fresh (optionally ICReq'd) connection, expect a term. */
static int raw_term(bool after_icreq, const void *pdu, size_t len, u16 fes, int fei)
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

static struct vtcp_common_hdr ch(u8 type, u8 flags, u8 hlen, u8 pdo,
				 u32 plen)
{
	struct vtcp_common_hdr h = { type, flags, hlen, pdo, htole32(plen) };

	return h;
}

static int c_capsule_before_icreq(void)
{
	u8 b[72] = { 0 };
	struct vtcp_common_hdr h = ch(VTCP_CAPSULE_CMD, 0, 72, 0, 72);

	memcpy(b, &h, 8);
	return raw_term(false, b, sizeof(b), VTCP_FES_PDU_SEQUENCE, -1);
}

static int c_h2c_before_icreq(void)
{
	u8 b[28] = { 0 };
	struct vtcp_common_hdr h = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 28);

	memcpy(b, &h, 8);
	return raw_term(false, b, sizeof(b), VTCP_FES_PDU_SEQUENCE, -1);
}

static int c_unknown_type(void)
{
	u8 b[24] = { 0 };
	struct vtcp_common_hdr h = ch(0x08, 0, 24, 0, 24);

	memcpy(b, &h, 8);
	return raw_term(false, b, sizeof(b), VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_TYPE);
}

static int icreq_variant(void (*mod)(struct vtcp_icreq_pdu *), size_t len, u16 fes,
			 int fei)
{
	struct vtcp_icreq_pdu ic;

	icreq_build(&ic, 0, 0);
	mod(&ic);
	return raw_term(false, &ic, len, fes, fei);
}

static void m_hlen(struct vtcp_icreq_pdu *ic) { ic->hdr.hlen = 127; }
static void m_plen(struct vtcp_icreq_pdu *ic) { ic->hdr.plen = htole32(200); }
static void m_pfv(struct vtcp_icreq_pdu *ic) { ic->pfv = htole16(1); }
static void m_hpda(struct vtcp_icreq_pdu *ic) { ic->hpda = 32; }
static void m_digest(struct vtcp_icreq_pdu *ic) { ic->digest = 0x04; }
static void m_flags(struct vtcp_icreq_pdu *ic) { ic->hdr.flags = VTCP_F_HDGST; }
static void m_pdo(struct vtcp_icreq_pdu *ic) { ic->hdr.pdo = 8; }

static int c_icreq_hlen(void)
{
	return icreq_variant(m_hlen, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_HLEN);
}

static int c_icreq_plen(void)
{
	return icreq_variant(m_plen, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PLEN);
}

static int c_icreq_pfv(void)
{
	return icreq_variant(m_pfv, 128, VTCP_FES_UNSUPPORTED_PARAMETER, VTCP_OFF_ICREQ_PFV);
}

static int c_icreq_hpda(void)
{
	return icreq_variant(m_hpda, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_ICREQ_HPDA);
}

static int c_icreq_digest(void)
{
	return icreq_variant(m_digest, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_ICREQ_DIGEST);
}

static int c_icreq_flags(void)
{
	return icreq_variant(m_flags, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
}

static int c_icreq_pdo(void)
{
	return icreq_variant(m_pdo, 128, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PDO);
}

static int c_icreq_twice(void)
{
	struct vtcp_icreq_pdu ic;

	icreq_build(&ic, 0, 0);
	return raw_term(true, &ic, sizeof(ic), VTCP_FES_PDU_SEQUENCE, -1);
}

static int c_icreq_truncated_close(void)
{
	struct vtcp_icreq_pdu ic;
	struct conn c;

	icreq_build(&ic, 0, 0);
	if (conn_open(&c))
		return failf("cannot connect");
	send_all(&c, &ic, 60);
	conn_close(&c);
	/* The target must still serve a normal connection. */
	if (admin_queue(&c, 0, 0))
		return 1;
	conn_close(&c);
	return 0;
}

static int c_icreq_trickled(void)
{
	struct vtcp_icreq_pdu ic;
	u8 buf[256];
	struct conn c;

	icreq_build(&ic, 0, 0);
	if (conn_open(&c))
		return failf("cannot connect");
	for (size_t i = 0; i < sizeof(ic); i++) {
		send_all(&c, (u8 *)&ic + i, 1);
		usleep(2000);
	}
	if (recv_pdu(&c, buf, sizeof(buf), NULL) != VTCP_ICRESP) {
		conn_close(&c);
		return failf("no ICResp to a trickled ICReq");
	}
	conn_close(&c);
	return 0;
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

static int after_icreq_hdr(u8 type, u8 flags, u8 hlen, u8 pdo,
			   u32 plen, size_t send_len, u16 fes, int fei)
{
	u8 b[256] = { 0 };
	struct vtcp_common_hdr h = ch(type, flags, hlen, pdo, plen);

	memcpy(b, &h, 8);
	return raw_term(true, b, send_len, fes, fei);
}

static int c_c2h_data_from_host(void)
{
	return after_icreq_hdr(VTCP_C2H_DATA, 0, 24, 24, 28, 28, VTCP_FES_INVALID_HEADER_FIELD, 0);
}

static int c_resp_from_host(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_RESP, 0, 24, 0, 24, 24,
		    VTCP_FES_INVALID_HEADER_FIELD, 0);
}

static int c_r2t_from_host(void)
{
	return after_icreq_hdr(VTCP_R2T, 0, 24, 0, 24, 24, VTCP_FES_INVALID_HEADER_FIELD, 0);
}

static int c_capsule_bad_hlen(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 24, 0, 24, 24,
		    VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_HLEN);
}

static int c_capsule_hdgst_not_negotiated(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76, 76,
		    VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
}

static int c_capsule_plen_short(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 50, 50,
		    VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PLEN);
}

static int c_capsule_data_no_pdo(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 80, 80,
		    VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PDO);
}

static int c_capsule_pdo_unaligned(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 72, 74, 80, 80,
		    VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PDO);
}

static int c_capsule_huge_plen(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 0x7fffffff, 72,
		    VTCP_FES_DATA_LIMIT_EXCEEDED, -1);
}

static int c_capsule_inline_over_limit(void)
{
	return after_icreq_hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 72 + 200 * 1024, 72,
		    VTCP_FES_DATA_LIMIT_EXCEEDED, -1);
}

static int c_h2c_unknown_ttag(void)
{
	u8 b[32] = { 0 };
	struct vtcp_data_pdu *p = (void *)b;

	p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 32);
	p->ttag = 0x1234;
	p->data_length = htole32(8);
	return raw_term(true, b, sizeof(b), VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_TTAG);
}

static int c_h2c_huge_plen(void)
{
	return after_icreq_hdr(VTCP_H2C_DATA, 0, 24, 24, 0xffffffff, 24,
		    VTCP_FES_DATA_LIMIT_EXCEEDED, -1);
}

static int c_host_term(void)
{
	u8 b[24] = { 0 };
	struct vtcp_term_pdu *t = (void *)b;
	struct conn c;
	int ret;

	t->hdr = ch(VTCP_H2C_TERM, 0, 24, 0, 24);
	t->fes = htole16(VTCP_FES_PDU_SEQUENCE);
	if (conn_open(&c) || icreq(&c, 0, 0))
		return failf("setup failed");
	send_all(&c, b, sizeof(b));
	ret = expect_closed(&c, TIMEOUT_MS);
	conn_close(&c);
	return ret;
}

static int c_connect_wrong_nqn(void)
{
	struct conn c;
	u16 st;
	int ret = 0;

	if (conn_open(&c) || icreq(&c, 0, 0))
		return failf("setup failed");
	if (fabric_connect(&c, 0, 0xffff, "nqn.2026-11.io.vssd:no-such-subsystem", &st))
		ret = 1;
	else if (!st)
		ret = failf("Connect to a missing subsystem succeeded");
	/* The queue still answers: now a good Connect. */
	else if (fabric_connect(&c, 0, 0xffff, g_nqn, &st) || st)
		ret = failf("a good Connect after a failed one: 0x%x", st);
	conn_close(&c);
	return ret;
}

static int c_command_before_connect(void)
{
	struct sqe s = sqe_make(0x06, 1, 0, SGL_TRANSPORT, 4096);	/* Identify */
	struct conn c;
	struct cqe cqe;
	int ret = 0;

	if (conn_open(&c) || icreq(&c, 0, 0))
		return failf("setup failed");
	s.b[40] = 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, NULL) != VTCP_CAPSULE_RESP || !cqe.status)
		ret = failf("Identify before Connect did not fail");
	conn_close(&c);
	return ret;
}

/* Identify with a given SGL on a live admin queue; expect status. */
static int identify_sgl(u8 type, u64 addr, u32 len, const void *data,
			u32 dlen, u16 want)
{
	struct sqe s = sqe_make(0x06, 7, 0, type, len);
	struct conn c;
	int ret;

	if (admin_queue(&c, 0, 0))
		return 1;
	s.b[40] = 1;	/* CNS: controller */
	put64(&s.b[24], addr);
	send_capsule(&c, &s, data, dlen);
	ret = expect_status(&c, 7, want);
	conn_close(&c);
	return ret;
}

static int c_sgl_unsupported_type(void)
{
	return identify_sgl(0x20, 0, 4096, NULL, 0, 0x11);	/* segment descriptor */
}

static int c_sgl_keyed_type(void)
{
	return identify_sgl(0x40, 0, 4096, NULL, 0, 0x11);	/* keyed data block */
}

static int c_read_with_incapsule_sgl(void)
{
	static u8 d[4096];

	return identify_sgl(SGL_INCAPSULE, 0, 4096, d, sizeof(d), 0x11);
}

static int io_write_status(u8 sgl, u64 addr, u32 sgl_len, u32 dlen,
			   u16 want)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 3, 0, 4096, sgl);
	static u8 d[8192];
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	put32(&s.b[32], sgl_len);
	put64(&s.b[24], addr);
	send_capsule(&c, &s, d, dlen);
	ret = expect_status(&c, 3, want);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_incapsule_offset(void)
{
	return io_write_status(SGL_INCAPSULE, 512, 4096, 4096, 0x16);
}

static int c_incapsule_length_mismatch(void)
{
	return io_write_status(SGL_INCAPSULE, 0, 4096, 2048, 0x0f);
}

static int c_transport_sgl_with_data(void)
{
	return io_write_status(SGL_TRANSPORT, 0, 4096, 4096, 0x0f);
}

static int c_transfer_over_mdts(void)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x02, 4, 0, 4096, SGL_TRANSPORT);
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	put32(&s.b[32], 64u << 20);
	put16(&s.b[48], 0xffff);	/* 32 MiB of LBAs; the SGL asks 64 */
	send_capsule(&c, &s, NULL, 0);
	ret = expect_status(&c, 4, 0x0f);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/* Write len bytes at slba through R2T + H2CData (split at chunk). */
static int r2t_write(struct conn *c, u16 cid, u64 slba, const u8 *data,
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

static int c_r2t_write_and_read(void)
{
	static u8 d[65536];
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 1);
	ret = r2t_write(&c, 10, 64, d, sizeof(d), sizeof(d)) || read_back(&c, 64, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_h2c_split(void)
{
	static u8 d[65536];
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 2);
	ret = r2t_write(&c, 11, 256, d, sizeof(d), 4096) || read_back(&c, 256, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_multiple_r2ts(void)
{
	static u8 d[32768];
	struct vtcp_r2t_pdu r2t[4];
	struct conn a, c;
	struct sqe s;
	struct cqe cqe;
	int ret = 0, i;

	/* maxr2t 3: four R2Ts of 8 KiB outstanding at once (r2t_chunk=8192). */
	if (io_queue(&a, &c, 0, 3))
		return 1;
	pattern(d, sizeof(d), 3);
	s = sqe_rw(0x01, 12, 512, sizeof(d), SGL_TRANSPORT);
	send_capsule(&c, &s, NULL, 0);
	for (i = 0; i < 4; i++) {
		if (recv_until(&c, &cqe, NULL, 0, &r2t[i]) != VTCP_R2T) {
			ret = failf("only %d R2Ts arrived before any data", i);
			goto out;
		}
		if (le32toh(r2t[i].r2t_offset) != (u32)i * 8192 ||
		    le32toh(r2t[i].r2t_length) != 8192) {
			ret = failf("R2T %d covers %u+%u", i, le32toh(r2t[i].r2t_offset),
				    le32toh(r2t[i].r2t_length));
			goto out;
		}
	}
	for (i = 0; i < 4; i++)
		send_h2c(&c, 12, r2t[i].ttag, i * 8192, d + i * 8192, 8192, true);
	ret = expect_status(&c, 12, 0) || read_back(&c, 512, d, sizeof(d));
out:
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/* Start an 8 KiB write (one R2T), then send a bad H2CData. */
static int bad_h2c(int kind, u16 fes, int fei)
{
	static u8 d[1 << 20];
	struct sqe s = sqe_rw(0x01, 20, 0, 8192, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	u8 raw[64];
	struct vtcp_data_pdu *p = (void *)raw;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		conn_close(&c);
		conn_close(&a);
		return failf("no R2T");
	}
	switch (kind) {
	case 0:	/* wrong offset */
		send_h2c(&c, 20, r2t.ttag, 4096, d, 4096, false);
		break;
	case 1:	/* beyond the R2T */
		send_h2c(&c, 20, r2t.ttag, 0, d, 12288, true);
		break;
	case 2:	/* length field disagrees with plen */
		memset(raw, 0, sizeof(raw));
		p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + 16);
		p->command_id = htole16(20);
		p->ttag = r2t.ttag;
		p->data_length = htole32(8192);
		send_all(&c, raw, 40);
		break;
	case 3:	/* wrong command id for the ttag */
		send_h2c(&c, 21, r2t.ttag, 0, d, 8192, true);
		break;
	case 4:	/* LAST missing on the final PDU */
		send_h2c(&c, 20, r2t.ttag, 0, d, 8192, false);
		break;
	case 5:	/* more than MAXH2CDATA in one PDU */
		memset(raw, 0, sizeof(raw));
		p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + c.maxh2c + 4);
		send_all(&c, raw, 24);
		break;
	case 6:	/* a data PDU after all data is in, for a finished R2T */
		send_h2c(&c, 20, r2t.ttag, 0, d, 8192, true);
		if (expect_status(&c, 20, 0)) {
			conn_close(&c);
			conn_close(&a);
			return 1;
		}
		send_h2c(&c, 20, r2t.ttag, 8192, d, 4096, true);
		break;
	}
	ret = expect_term(&c, fes, fei);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_h2c_wrong_offset(void)
{
	return bad_h2c(0, VTCP_FES_DATA_OUT_OF_RANGE, -1);
}

static int c_h2c_overrun(void)
{
	return bad_h2c(1, VTCP_FES_DATA_OUT_OF_RANGE, -1);
}

static int c_h2c_length_mismatch(void)
{
	return bad_h2c(2, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_LENGTH);
}

static int c_h2c_wrong_cid(void)
{
	return bad_h2c(3, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_CID);
}

static int c_h2c_missing_last(void)
{
	return bad_h2c(4, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
}

static int c_h2c_over_maxh2cdata(void)
{
	return bad_h2c(5, VTCP_FES_DATA_LIMIT_EXCEEDED, -1);
}

static int c_h2c_after_done(void)
{
	return bad_h2c(6, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_TTAG);
}

static int c_duplicate_cid(void)
{
	static u8 d[8192];
	struct sqe s = sqe_rw(0x01, 30, 1024, sizeof(d), SGL_TRANSPORT);
	struct sqe dup = sqe_rw(0x02, 30, 0, 4096, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 4);
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		ret = failf("no R2T");
		goto out;
	}
	/* Same id while the write is in flight: Command ID Conflict. */
	send_capsule(&c, &dup, NULL, 0);
	ret = expect_status(&c, 30, 0x03);
	if (ret)
		goto out;
	/* The first command is unharmed. */
	send_h2c(&c, 30, r2t.ttag, 0, d, sizeof(d), true);
	ret = expect_status(&c, 30, 0) || read_back(&c, 1024, d, sizeof(d));
out:
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_header_digest_error(void)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x02, 40, 0, 4096, SGL_TRANSPORT);
	u8 b[76];
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER, 0))
		return 1;
	memset(b, 0, sizeof(b));
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76);
	memcpy(b + 8, s.b, 64);
	memset(b + 72, 0xab, 4);	/* wrong digest */
	send_all(&c, b, sizeof(b));
	ret = expect_term(&c, VTCP_FES_HEADER_DIGEST, -1);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_data_digest_error_incapsule(void)
{
	static u8 d[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 41, 2048, sizeof(d), SGL_INCAPSULE);
	u8 *b = malloc(72 + 4 + 4096 + 4);
	u32 dg;
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA, 0)) {
		free(b);
		return 1;
	}
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, VTCP_F_HDGST | VTCP_F_DDGST, 72, 76,
					   72 + 4 + 4096 + 4);
	memcpy(b + 8, s.b, 64);
	dg = digest(b, 72);
	memcpy(b + 72, &dg, 4);
	memcpy(b + 76, d, 4096);
	dg = ~digest(d, 4096);	/* wrong */
	memcpy(b + 76 + 4096, &dg, 4);
	send_all(&c, b, 72 + 4 + 4096 + 4);
	free(b);
	/* Transient Transport Error, and the queue keeps working. */
	ret = expect_status(&c, 41, 0x22);
	if (!ret) {
		pattern(d, sizeof(d), 5);
		send_capsule(&c, &s, d, sizeof(d));
		ret = expect_status(&c, 41, 0) || read_back(&c, 2048, d, sizeof(d));
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_data_digest_error_h2c(void)
{
	static u8 d[8192];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 42, 4096, sizeof(d), SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;
	u8 *b = malloc(28 + sizeof(d) + 4);
	struct vtcp_data_pdu *p = (void *)b;
	u32 dg;
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA, 0)) {
		free(b);
		return 1;
	}
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		free(b);
		return failf("no R2T");
	}
	memset(b, 0, 28);
	p->hdr = ch(VTCP_H2C_DATA, VTCP_F_HDGST | VTCP_F_DDGST | VTCP_F_DATA_LAST, 24, 28,
		    28 + sizeof(d) + 4);
	p->command_id = htole16(42);
	p->ttag = r2t.ttag;
	p->data_length = htole32(sizeof(d));
	dg = digest(b, 24);
	memcpy(b + 24, &dg, 4);
	memcpy(b + 28, d, sizeof(d));
	dg = ~digest(d, sizeof(d));
	memcpy(b + 28 + sizeof(d), &dg, 4);
	send_all(&c, b, 28 + sizeof(d) + 4);
	free(b);
	ret = expect_status(&c, 42, 0x22);
	if (!ret) {
		pattern(d, sizeof(d), 6);
		ret = r2t_write(&c, 43, 4096, d, sizeof(d), sizeof(d)) ||
		      read_back(&c, 4096, d, sizeof(d));
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_capsule_trickled(void)
{
	static u8 d[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 50, 3072, sizeof(d), SGL_INCAPSULE);
	u8 b[72 + 4096];
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 7);
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, 0, 72, 72, sizeof(b));
	memcpy(b + 8, s.b, 64);
	memcpy(b + 72, d, sizeof(d));
	for (size_t i = 0; i < 200; i++) {
		send_all(&c, b + i, 1);
		usleep(1000);
	}
	send_all(&c, b + 200, sizeof(b) - 200);
	ret = expect_status(&c, 50, 0) || read_back(&c, 3072, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_capsule_truncated_close(void)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 51, 0, 4096, SGL_INCAPSULE);
	u8 b[72 + 4096] = { 0 };

	if (io_queue(&a, &c, 0, 0))
		return 1;
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, 0, 72, 72, sizeof(b));
	memcpy(b + 8, s.b, 64);
	send_all(&c, b, 72 + 1000);
	conn_close(&c);
	conn_close(&a);
	/* Still serving. */
	if (admin_queue(&a, 0, 0))
		return 1;
	conn_close(&a);
	return 0;
}

static int c_r2t_write_abandoned(void)
{
	static u8 half[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 52, 0, 65536, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T)
		return failf("no R2T");
	/* Disappear with the write half done. */
	send_h2c(&c, 52, r2t.ttag, 0, half, sizeof(half), false);
	conn_close(&c);
	conn_close(&a);
	if (admin_queue(&a, 0, 0))
		return 1;
	conn_close(&a);
	return 0;
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
	if (admin_queue(&c, 0, 0))
		return 1;
	conn_close(&c);
	return 0;
}

static int c_hpda_alignment(void)
{
	static u8 d[4096];
	struct conn a, c;
	int ret;

	/* HPDA 3: C2HData must start at a multiple of 16 bytes (32 here). */
	if (admin_queue(&a, 0, 0))
		return 1;
	if (conn_open(&c))
		return failf("cannot connect");
	g_hpda = 3;
	ret = icreq(&c, 0, 0);
	g_hpda = 0;
	if (!ret) {
		u16 st;

		ret = fabric_connect(&c, 1, a.cntlid, g_nqn, &st) || st;
	}
	if (!ret) {
		pattern(d, sizeof(d), 8);
		ret = r2t_write(&c, 60, 4096, d, sizeof(d), sizeof(d)) ||
		      read_back(&c, 4096, d, sizeof(d));
	}
	if (!ret && g_last_c2h_pdo != 32)
		ret = failf("C2HData pdo %u with HPDA 3, expected 32", g_last_c2h_pdo);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_more_capsules_than_slots(void)
{
	struct conn a, c;
	struct cqe cqe;
	int i, got = 0, ret = 0;

	/* The queue has 32 slots; 48 reads arrive at once.  The target
	 * stops reading until slots free, and answers all of them.
	 */
	if (io_queue(&a, &c, 0, 0))
		return 1;
	for (i = 0; i < 48; i++) {
		struct sqe s = sqe_rw(0x02, 100 + i, i * 8, 4096, SGL_TRANSPORT);

		send_capsule(&c, &s, NULL, 0);
	}
	while (got < 48) {
		if (recv_until(&c, &cqe, NULL, 0, NULL) != VTCP_CAPSULE_RESP) {
			ret = failf("only %d of 48 reads answered", got);
			break;
		}
		if (cqe.status) {
			ret = failf("read cid %u failed with 0x%x", cqe.cid, cqe.status);
			break;
		}
		got++;
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
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

struct test_case {
	const char *name;
	int (*fn)(void);
};

/*
 * A Write capsule and an H2CData PDU for it in one segment: the data comes
 * before the target has sent the R2T it would answer.  The NLB field asks
 * for twice the SGL's length, so nvmet fails the command as soon as its
 * data is in.  PDU sequence error; the target keeps serving.
 */
static int c_h2c_before_r2t_same_segment(void)
{
	static u8 d[512];
	struct sqe s = sqe_rw(0x01, 50, 0, 1024, SGL_TRANSPORT);
	u8 buf[72 + 24 + sizeof(d)];
	struct vtcp_data_pdu *p = (void *)(buf + 72);
	struct vtcp_cmd_pdu *cp = (void *)buf;
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	put32(&s.b[32], sizeof(d));	/* SGL 512 B, NLB 1 (1 KiB) */
	memset(buf, 0, sizeof(buf));
	cp->hdr = ch(VTCP_CAPSULE_CMD, 0, 72, 0, 72);
	memcpy(cp->sqe, s.b, 64);
	p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + sizeof(d));
	p->command_id = htole16(50);
	p->ttag = 0;
	p->data_length = htole32(sizeof(d));
	pattern(buf + 72 + 24, sizeof(d), 5);
	send_all(&c, buf, sizeof(buf));
	ret = expect_term(&c, VTCP_FES_PDU_SEQUENCE, -1);
	conn_close(&c);
	conn_close(&a);
	/* Nothing else was harmed: a new controller does verified I/O. */
	if (!ret && !io_queue(&a, &c, 0, 0)) {
		pattern(d, sizeof(d), 6);
		ret = r2t_write(&c, 51, 8, d, sizeof(d), sizeof(d)) ||
		      read_back(&c, 8, d, sizeof(d));
		conn_close(&c);
		conn_close(&a);
	} else if (!ret) {
		ret = 1;
	}
	return ret;
}

/*
 * A host that stops reading: its reads fill the target's send path, so the
 * R2T for a later write cannot leave; data sent for that write anyway is a
 * sequence error.  The target gives up on the connection (it cannot even
 * send the termination) and never completes the write.
 */
static int c_h2c_while_r2t_unsent(void)
{
	static u8 d[4096];
	int small = 4096, i, type, ret = 0;
	u8 *buf = malloc((1 << 20) + 256);
	struct timespec t0, t1;
	struct conn a, c;
	struct sqe s;

	if (!buf)
		return failf("out of memory");
	if (io_queue(&a, &c, 0, 0)) {
		free(buf);
		return 1;
	}
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (i = 0; i < 16; i++) {
		s = sqe_rw(0x02, 60 + i, 0, 1 << 20, SGL_TRANSPORT);
		send_capsule(&c, &s, NULL, 0);
	}
	usleep(1500 * 1000);	/* the reads complete and fill the send path */
	s = sqe_rw(0x01, 90, 2048, sizeof(d), SGL_TRANSPORT);
	send_capsule(&c, &s, NULL, 0);
	usleep(300 * 1000);	/* its R2T is queued behind the read data */
	/* The write took slot 16: slots 0-15 hold the reads. */
	send_h2c(&c, 90, 16, 0, d, sizeof(d), true);
	usleep(300 * 1000);
	/* Now read everything: no success for the write, then the close. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		type = recv_pdu(&c, buf, (1 << 20) + 256, NULL);
		if (type < 0)
			break;
		if (type == VTCP_CAPSULE_RESP) {
			u16 cid;

			memcpy(&cid, buf + 8 + 12, 2);
			if (le16toh(cid) == 90) {
				ret = failf("the write got a response");
				break;
			}
		}
		if (type == VTCP_C2H_TERM) {
			struct vtcp_term_pdu *t = (void *)buf;

			if (le16toh(t->fes) != VTCP_FES_PDU_SEQUENCE)
				ret = failf("FES %u, expected %u", le16toh(t->fes),
					    VTCP_FES_PDU_SEQUENCE);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 20) {
			ret = failf("the connection stayed open");
			break;
		}
	}
	if (type == -3)
		ret = failf("the connection stayed open and silent");
	free(buf);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/*
 * Get Log Page (ANA, far shorter than asked for) in the slot an Identify
 * Controller just used: the part of the buffer the log does not fill must
 * come back zero, not as the Identify data.
 */
static int c_log_page_tail_zero(void)
{
	static u8 got[4096];
	struct conn a;
	struct cqe cqe;
	struct sqe s;
	u32 i;
	int ret = 0;

	if (admin_queue(&a, 0, 0))
		return 1;
	s = sqe_make(0x06, 70, 0, SGL_TRANSPORT, sizeof(got));
	put32(&s.b[40], 0x01);		/* CNS 01h: controller */
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, got, sizeof(got), NULL) != VTCP_CAPSULE_RESP ||
	    cqe.status) {
		conn_close(&a);
		return failf("Identify failed");
	}
	memset(got, 0xee, sizeof(got));
	s = sqe_make(0x02, 71, 0xffffffff, SGL_TRANSPORT, sizeof(got));
	put32(&s.b[40], 0x0c | (sizeof(got) / 4 - 1) << 16);	/* ANA, NUMDL */
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, got, sizeof(got), NULL) != VTCP_CAPSULE_RESP) {
		conn_close(&a);
		return failf("no Get Log Page response");
	}
	if (cqe.status) {
		ret = failf("Get Log Page status 0x%x", cqe.status);
	} else {
		for (i = 256; i < sizeof(got); i++) {
			if (got[i]) {
				ret = failf("byte %u of the log is 0x%02x, not zero", i,
					    got[i]);
				break;
			}
		}
	}
	conn_close(&a);
	return ret;
}

static const struct test_case cases[] = {
	{ "capsule_before_icreq", c_capsule_before_icreq },
	{ "h2c_before_icreq", c_h2c_before_icreq },
	{ "unknown_pdu_type", c_unknown_type },
	{ "icreq_bad_hlen", c_icreq_hlen },
	{ "icreq_bad_plen", c_icreq_plen },
	{ "icreq_unsupported_pfv", c_icreq_pfv },
	{ "icreq_bad_hpda", c_icreq_hpda },
	{ "icreq_bad_digest_bits", c_icreq_digest },
	{ "icreq_with_digest_flag", c_icreq_flags },
	{ "icreq_with_pdo", c_icreq_pdo },
	{ "icreq_twice", c_icreq_twice },
	{ "icreq_truncated_then_close", c_icreq_truncated_close },
	{ "icreq_trickled_byte_by_byte", c_icreq_trickled },
	{ "no_icreq_times_out", c_no_icreq_timeout },
	{ "no_connect_times_out", c_no_connect_timeout },
	{ "c2h_data_from_host", c_c2h_data_from_host },
	{ "capsule_resp_from_host", c_resp_from_host },
	{ "r2t_from_host", c_r2t_from_host },
	{ "capsule_bad_hlen", c_capsule_bad_hlen },
	{ "capsule_hdgst_not_negotiated", c_capsule_hdgst_not_negotiated },
	{ "capsule_plen_below_hlen", c_capsule_plen_short },
	{ "capsule_data_without_pdo", c_capsule_data_no_pdo },
	{ "capsule_pdo_unaligned", c_capsule_pdo_unaligned },
	{ "capsule_huge_plen", c_capsule_huge_plen },
	{ "capsule_inline_over_limit", c_capsule_inline_over_limit },
	{ "h2c_unknown_ttag", c_h2c_unknown_ttag },
	{ "h2c_huge_plen", c_h2c_huge_plen },
	{ "host_term_req", c_host_term },
	{ "connect_wrong_subsystem", c_connect_wrong_nqn },
	{ "command_before_connect", c_command_before_connect },
	{ "sgl_segment_type", c_sgl_unsupported_type },
	{ "sgl_keyed_type", c_sgl_keyed_type },
	{ "read_with_incapsule_sgl", c_read_with_incapsule_sgl },
	{ "incapsule_sgl_offset", c_incapsule_offset },
	{ "incapsule_sgl_length_mismatch", c_incapsule_length_mismatch },
	{ "transport_sgl_with_incapsule_data", c_transport_sgl_with_data },
	{ "transfer_over_mdts", c_transfer_over_mdts },
	{ "r2t_write_then_read", c_r2t_write_and_read },
	{ "h2c_split_in_pdus", c_h2c_split },
	{ "several_outstanding_r2ts", c_multiple_r2ts },
	{ "h2c_wrong_offset", c_h2c_wrong_offset },
	{ "h2c_overrun", c_h2c_overrun },
	{ "h2c_length_mismatch", c_h2c_length_mismatch },
	{ "h2c_wrong_command_id", c_h2c_wrong_cid },
	{ "h2c_missing_last_flag", c_h2c_missing_last },
	{ "h2c_over_maxh2cdata", c_h2c_over_maxh2cdata },
	{ "h2c_after_all_data", c_h2c_after_done },
	{ "duplicate_command_id", c_duplicate_cid },
	{ "header_digest_error", c_header_digest_error },
	{ "data_digest_error_incapsule", c_data_digest_error_incapsule },
	{ "data_digest_error_h2c", c_data_digest_error_h2c },
	{ "capsule_trickled", c_capsule_trickled },
	{ "capsule_truncated_then_close", c_capsule_truncated_close },
	{ "write_abandoned_mid_r2t", c_r2t_write_abandoned },
	{ "hpda_alignment", c_hpda_alignment },
	{ "more_capsules_than_slots", c_more_capsules_than_slots },
	{ "keepalive_expiry_closes_queue", c_keepalive_expiry },
	{ "thousand_connections", c_thousand_connections },
	{ "h2c_before_r2t_same_segment", c_h2c_before_r2t_same_segment },
	{ "h2c_while_r2t_unsent", c_h2c_while_r2t_unsent },
	{ "log_page_tail_zero", c_log_page_tail_zero },
};

int main(int argc, char **argv)
{
	unsigned int n = ARRAY_SIZE(cases), run = 0, failed = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s ADDR PORT SUBNQN [CASE...]\n", argv[0]);
		return 2;
	}
	g_addr = argv[1];
	g_port = argv[2];
	g_nqn = argv[3];
	crc32c_init();
	for (unsigned int i = 0; i < n; i++) {
		bool pick = argc == 4;

		for (int a = 4; a < argc; a++)
			pick |= !strcmp(argv[a], cases[i].name);
		if (!pick)
			continue;
		g_why[0] = 0;
		run++;
		if (cases[i].fn()) {
			failed++;
			printf("not ok %u - %s: %s\n", run, cases[i].name, g_why);
		} else {
			printf("ok %u - %s\n", run, cases[i].name);
		}
		fflush(stdout);
	}
	printf("# %u cases, %u failed\n", run, failed);
	return failed ? 1 : 0;
}
