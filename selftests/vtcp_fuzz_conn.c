// SPDX-License-Identifier: GPL-2.0
/*
 * vtcp_fuzz, the client side: connections with a deadline on every wait,
 * the PDU builders, the parser that checks everything the target sends,
 * and the well-formed association the health check opens.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vtcp_fuzz.h"

/* ---- small helpers ---------------------------------------------------- */

u64 fuzz_next(struct fuzz_rng *r)
{
	u64 z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u32 fuzz_below(struct fuzz_rng *r, u32 n)
{
	return n ? (u32)(fuzz_next(r) % n) : 0;
}

bool fuzz_chance(struct fuzz_rng *r, u32 percent)
{
	return fuzz_below(r, 100) < percent;
}

u64 fuzz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left of max_ms, never past the case's deadline. */
static int fuzz_budget(int max_ms)
{
	u64 now = fuzz_now_ms();
	u64 left = fuzz_deadline > now ? fuzz_deadline - now : 0;

	return left < (u64)max_ms ? (int)left : max_ms;
}

/* ---- the wire a case builds ------------------------------------------ */

void fuzz_wire_reset(struct fuzz_wire *w)
{
	w->len = 0;
	w->nr = 0;
}

u8 *fuzz_wire_add(struct fuzz_wire *w, u32 len)
{
	u8 *p;

	if (w->len + len > w->cap) {
		u32 cap = (w->len + len) * 2;
		u8 *buf = realloc(w->buf, cap);

		if (!buf) {
			perror("vtcp_fuzz: realloc");
			exit(2);
		}
		w->buf = buf;
		w->cap = cap;
	}
	p = w->buf + w->len;
	memset(p, 0, len);
	if (w->nr < FUZZ_MAX_PDUS) {
		w->start[w->nr] = w->len;
		w->hlen[w->nr] = 0;
		w->nr++;
	} else {
		/* The last entry grows: boundaries are only a delivery hint. */
	}
	w->len += len;
	return p;
}

u32 fuzz_wire_pdu_len(const struct fuzz_wire *w, u32 i)
{
	return (i + 1 < w->nr ? w->start[i + 1] : w->len) - w->start[i];
}

/* ---- connections ----------------------------------------------------- */

int fuzz_check_loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 ? 0 : -1;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ? 0 : -1;
	return -1;
}

int fuzz_conn_open(struct fuzz_conn *c, int rcvbuf)
{
	struct sockaddr_storage ss = { 0 };
	int one = 1, port = atoi(fuzz_target.port), err = 0;
	socklen_t sl;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strchr(fuzz_target.addr, ':')) {
		struct sockaddr_in6 *s6 = (void *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, fuzz_target.addr, &s6->sin6_addr);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, fuzz_target.addr, &s4->sin_addr);
		sl = sizeof(*s4);
	}
	c->sent = calloc(2, 65536);
	if (!c->sent)
		return -1;
	c->answered = c->sent + 65536;
	c->fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A small receive window (set before connect) fills up at once. */
	if (rcvbuf)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/*
	 * Non-blocking from here on (every send and receive waits in poll):
	 * a target that stops accepting costs a timeout, not a SYN retry
	 * schedule of minutes.
	 */
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	if (connect(c->fd, (void *)&ss, sl)) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
		socklen_t el = sizeof(err);

		err = errno == EINPROGRESS ? ETIMEDOUT : errno;
		if (err == ETIMEDOUT && poll(&pfd, 1, 3000) == 1)
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
	}
	if (err) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->maxh2c = VTCP_MIN_MAXH2CDATA;
	return 0;
}

void fuzz_conn_close(struct fuzz_conn *c, bool reset)
{
	if (c->fd >= 0) {
		if (reset) {
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(c->fd);
	}
	c->fd = -1;
	free(c->rx);
	free(c->sent);
	c->rx = NULL;
	c->sent = NULL;
	c->answered = NULL;
}

/* ---- what the target sends ------------------------------------------ */

static bool fuzz_digest_ok(const u8 *p, u32 len, const u8 *digest)
{
	u32 d = crc32c_digest(p, len);

	return !memcmp(&d, digest, sizeof(d));
}

static void fuzz_bad(struct fuzz_conn *c, const char *what, const u8 *p)
{
	fuzz_report("%s (PDU type %u flags 0x%02x hlen %u pdo %u plen %u)", what, p[0], p[1],
		    p[2], p[3], get32(p + 4));
	c->broken = true;
}

/* A response (CapsuleResp, or C2HData with SUCCESS) for cid. */
static void fuzz_answered(struct fuzz_conn *c, u16 cid, u16 status, u32 dw0)
{
	if (status)
		c->resp_err++;
	else
		c->resp_ok++;
	if (c->answered[cid] < 255)
		c->answered[cid]++;
	if (!c->desync && c->answered[cid] > c->sent[cid])
		fuzz_report("%u response(s) for command id %u, %u sent", c->answered[cid], cid,
			    c->sent[cid]);
	if (cid == c->want_cid) {
		c->want_done = true;
		c->want_status = status;
		c->want_dw0 = dw0;
	}
}

static void fuzz_rx_c2h(struct fuzz_conn *c, const u8 *p, u32 plen, u32 hl)
{
	u32 off = get32(p + 12), len = get32(p + 16), pdo = p[3];
	u16 cid = get16(p + 8);
	u32 dl = c->dd ? VTCP_DIGEST_LEN : 0;

	c->c2h++;
	if (pdo < hl || (u64)pdo + len + dl != plen)
		return fuzz_bad(c, "C2HData whose pdo, length and plen disagree", p);
	if (!!(p[1] & VTCP_F_DDGST) != c->dd)
		return fuzz_bad(c, "C2HData data digest flag against the negotiation", p);
	if (c->dd && !fuzz_digest_ok(p + pdo, len, p + pdo + len))
		return fuzz_bad(c, "C2HData with a wrong data digest", p);
	if (cid == c->want_cid && c->sink && (u64)off + len <= c->sink_len) {
		memcpy(c->sink + off, p + pdo, len);
		c->sink_got += len;
	}
	if (p[1] & VTCP_F_DATA_SUCCESS)
		fuzz_answered(c, cid, 0, 0);
}

static void fuzz_rx_pdu(struct fuzz_conn *c, const u8 *p, u32 plen)
{
	static const u8 hlen_of[] = {
		[VTCP_ICRESP] = VTCP_IC_HLEN, [VTCP_C2H_TERM] = VTCP_TERM_HLEN,
		[VTCP_CAPSULE_RESP] = VTCP_RESP_HLEN, [VTCP_C2H_DATA] = VTCP_DATA_HLEN,
		[VTCP_R2T] = VTCP_R2T_HLEN,
	};
	u8 type = p[0];
	u32 hl;

	if (type >= sizeof(hlen_of) || !hlen_of[type])
		return fuzz_bad(c, "a PDU type a controller never sends", p);
	if (p[2] != hlen_of[type] || plen < p[2])
		return fuzz_bad(c, "a PDU with a wrong hlen or a plen below it", p);
	if (type == VTCP_C2H_TERM) {
		u16 fes = get16(p + 8);

		if (!fes || fes > VTCP_FES_UNSUPPORTED_PARAMETER)
			return fuzz_bad(c, "C2HTermReq with an undefined FES", p);
		if (!c->term_at)
			c->term_at = fuzz_now_ms();
		c->term_fes = fes;
		c->terms++;
		return;
	}
	if (type == VTCP_ICRESP) {
		if (plen != VTCP_IC_HLEN)
			return fuzz_bad(c, "ICResp with a wrong plen", p);
		c->icresp++;
		if (p[11] != ((c->hd ? VTCP_DIGEST_HEADER : 0) | (c->dd ? VTCP_DIGEST_DATA : 0)))
			return fuzz_bad(c, "ICResp enables other digests than the ICReq asked", p);
		c->maxh2c = get32(p + 12);
		if (c->maxh2c < VTCP_MIN_MAXH2CDATA)
			return fuzz_bad(c, "ICResp with MAXH2CDATA below 4096", p);
		return;
	}
	/* Header digests, as negotiated, on everything else. */
	hl = p[2];
	if (!!(p[1] & VTCP_F_HDGST) != c->hd)
		return fuzz_bad(c, "header digest flag against the negotiation", p);
	if (c->hd) {
		if (plen < hl + VTCP_DIGEST_LEN)
			return fuzz_bad(c, "no room for the header digest", p);
		if (!fuzz_digest_ok(p, hl, p + hl))
			return fuzz_bad(c, "a wrong header digest", p);
		hl += VTCP_DIGEST_LEN;
	}
	switch (type) {
	case VTCP_CAPSULE_RESP:
		if (plen != hl)
			return fuzz_bad(c, "CapsuleResp with data", p);
		fuzz_answered(c, get16(p + 8 + 12), (get16(p + 8 + 14) >> 1) & 0x7ff,
			      get32(p + 8));
		return;
	case VTCP_C2H_DATA:
		return fuzz_rx_c2h(c, p, plen, hl);
	case VTCP_R2T:
		if (plen != hl || !get32(p + 16))
			return fuzz_bad(c, "R2T with data or for no bytes", p);
		if (get32(p + 16) > (4u << 20) || get32(p + 12) >= (4u << 20))
			return fuzz_bad(c, "R2T beyond any transfer the target allows", p);
		if (c->nr_r2t < FUZZ_MAX_R2TS) {
			struct fuzz_r2t *r = &c->r2t[c->nr_r2t++];

			r->cid = get16(p + 8);
			r->ttag = get16(p + 10);
			r->offset = get32(p + 12);
			r->length = get32(p + 16);
		}
		return;
	}
}

static void fuzz_feed(struct fuzz_conn *c, const u8 *p, u32 n)
{
	while (n && !c->broken) {
		u32 want = c->rx_have < 8 ? 8 : get32(c->rx + 4), take;

		if (want > c->rx_cap) {
			u32 cap = want < 4096 ? 4096 : want;
			u8 *rx = realloc(c->rx, cap);

			if (!rx) {
				perror("vtcp_fuzz: realloc");
				exit(2);
			}
			c->rx = rx;
			c->rx_cap = cap;
		}
		take = want - c->rx_have < n ? want - c->rx_have : n;
		memcpy(c->rx + c->rx_have, p, take);
		c->rx_have += take;
		p += take;
		n -= take;
		if (c->rx_have < 8)
			continue;
		want = get32(c->rx + 4);
		if (want < 8 || want > FUZZ_MAX_RX_PDU)
			return fuzz_bad(c, "a plen no PDU of the target may have", c->rx);
		if (c->rx_have == want) {
			fuzz_rx_pdu(c, c->rx, want);
			c->rx_have = 0;
		}
	}
}

int fuzz_pump(struct fuzz_conn *c, int wait_ms)
{
	static u8 buf[65536];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int got = 0;

	if (c->fd < 0 || c->eof)
		return -1;
	if (poll(&pfd, 1, wait_ms < 0 ? 0 : wait_ms) <= 0)
		return 0;
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			c->eof = true;
			return -1;
		}
		if (n < 0)
			return got;
		got = 1;
		fuzz_feed(c, buf, n);
	}
}

void fuzz_drain(struct fuzz_conn *c, int quiet_ms, int max_ms)
{
	u64 end = fuzz_now_ms() + max_ms;

	while (fuzz_now_ms() < end) {
		u64 left = end - fuzz_now_ms();
		int r = fuzz_pump(c, left < (u64)quiet_ms ? (int)left : quiet_ms);

		if (r <= 0)
			return;
	}
}

int fuzz_wait_resp(struct fuzz_conn *c, u16 cid, int max_ms)
{
	u64 end;

	if (c->want_cid != cid) {
		c->want_cid = cid;
		c->want_done = false;
	}
	end = fuzz_now_ms() + fuzz_budget(max_ms);
	while (!c->want_done && !c->broken && fuzz_now_ms() < end)
		if (fuzz_pump(c, (int)(end - fuzz_now_ms())) < 0)
			break;
	return c->want_done ? 0 : -1;
}

int fuzz_wait_r2t(struct fuzz_conn *c, u16 cid, int max_ms)
{
	u64 end = fuzz_now_ms() + fuzz_budget(max_ms);

	for (;;) {
		for (u32 i = 0; i < c->nr_r2t; i++)
			if (c->r2t[i].cid == cid)
				return (int)i;
		if (c->broken || c->terms || fuzz_now_ms() >= end)
			return -1;
		if (fuzz_pump(c, (int)(end - fuzz_now_ms())) < 0)
			return -1;
	}
}

void fuzz_take_r2t(struct fuzz_conn *c, int i)
{
	memmove(&c->r2t[i], &c->r2t[i + 1], (c->nr_r2t - i - 1) * sizeof(c->r2t[0]));
	c->nr_r2t--;
}

void fuzz_expect_close(struct fuzz_conn *c, const char *after)
{
	u64 start = fuzz_now_ms(), end = start + FUZZ_CLOSE_MS;

	if (c->fd < 0 || c->broken)
		return;
	while (!c->eof && fuzz_now_ms() < end)
		fuzz_pump(c, (int)(end - fuzz_now_ms()));
	if (!c->eof)
		fuzz_report("the connection stayed open %d ms after %s", FUZZ_CLOSE_MS, after);
}

/* ---- sending --------------------------------------------------------- */

static int fuzz_send_bytes(struct fuzz_conn *c, const u8 *p, u32 n, bool no_read)
{
	while (n) {
		ssize_t s = send(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
		int wait;

		if (s > 0) {
			p += s;
			n -= s;
			continue;
		}
		if (s < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		/* The target is not reading: wait, but not past the deadline. */
		if (!no_read)
			pfd.events |= POLLIN;
		wait = fuzz_budget(2000);
		if (wait <= 0 || poll(&pfd, 1, wait) <= 0)
			return -1;
		if ((pfd.revents & POLLIN) && fuzz_pump(c, 0) < 0)
			return -1;
	}
	return 0;
}

int fuzz_send(struct fuzz_conn *c, const struct fuzz_wire *w, enum fuzz_delivery mode,
	      struct fuzz_rng *r, bool no_read)
{
	u32 pos = 0, next = 0;

	if (c->fd < 0)
		return -1;
	while (pos < w->len) {
		u32 left = w->len - pos, n = left;

		switch (mode) {
		case FUZZ_SEND_PER_PDU:
			while (next < w->nr && w->start[next] <= pos)
				next++;
			n = (next < w->nr ? w->start[next] : w->len) - pos;
			break;
		case FUZZ_SEND_CHUNKS:
			n = 1 + fuzz_below(r, fuzz_chance(r, 50) ? 64 : 4096);
			if (fuzz_chance(r, 25))
				usleep(fuzz_below(r, 3000));
			break;
		case FUZZ_SEND_TRICKLE:
			if (pos < 384) {
				n = 1;
				usleep(200);
			}
			break;
		default:
			break;
		}
		if (n > left)
			n = left;
		if (fuzz_send_bytes(c, w->buf + pos, n, no_read))
			return -1;
		pos += n;
	}
	return 0;
}

/* ---- PDU builders ---------------------------------------------------- */

void fuzz_sqe(u8 *sqe, u8 opcode, u16 cid, u32 nsid)
{
	memset(sqe, 0, 64);
	sqe[0] = opcode;
	sqe[1] = 0x40;		/* PSDT: SGL */
	put16(sqe + 2, cid);
	put32(sqe + 4, nsid);
}

void fuzz_sgl(u8 *sqe, u8 type, u32 len)
{
	memset(sqe + 24, 0, 16);
	put32(sqe + 32, len);
	sqe[39] = type;
}

static void fuzz_common(u8 *p, u8 type, u8 flags, u8 hlen, u8 pdo, u32 plen)
{
	p[0] = type;
	p[1] = flags;
	p[2] = hlen;
	p[3] = pdo;
	put32(p + 4, plen);
}

void fuzz_add_icreq(struct fuzz_wire *w, u8 digests, u8 hpda, u32 maxr2t)
{
	u8 *p = fuzz_wire_add(w, VTCP_IC_HLEN);

	fuzz_common(p, VTCP_ICREQ, 0, VTCP_IC_HLEN, 0, VTCP_IC_HLEN);
	p[10] = hpda;
	p[11] = digests;
	put32(p + 12, maxr2t);
}

/* Header (hlen bytes) and data of a PDU, with the connection's digests. */
static void fuzz_add_pdu(struct fuzz_conn *c, struct fuzz_wire *w, const u8 *hdr, u8 hlen,
			 const void *data, u32 len)
{
	u32 hl = hlen + (c->hd ? VTCP_DIGEST_LEN : 0);
	u32 dl = c->dd && len ? VTCP_DIGEST_LEN : 0;
	u8 *p = fuzz_wire_add(w, hl + len + dl);

	memcpy(p, hdr, hlen);
	p[1] |= (c->hd ? VTCP_F_HDGST : 0) | (dl ? VTCP_F_DDGST : 0);
	p[3] = len ? hl : 0;
	put32(p + 4, hl + len + dl);
	if (c->hd) {
		u32 d = crc32c_digest(p, hlen);

		memcpy(p + hlen, &d, 4);
		w->hlen[w->nr - 1] = hlen;
	}
	if (len) {
		memcpy(p + hl, data, len);
		if (dl) {
			u32 d = crc32c_digest(data, len);

			memcpy(p + hl + len, &d, 4);
		}
	}
}

void fuzz_add_capsule(struct fuzz_conn *c, struct fuzz_wire *w, const u8 *sqe,
		      const void *data, u32 len)
{
	u8 hdr[VTCP_CMD_HLEN] = { VTCP_CAPSULE_CMD, 0, VTCP_CMD_HLEN };
	u16 cid = get16(sqe + 2);

	memcpy(hdr + 8, sqe, 64);
	fuzz_add_pdu(c, w, hdr, VTCP_CMD_HLEN, data, len);
	if (c->sent && c->sent[cid] < 255)
		c->sent[cid]++;
}

void fuzz_add_h2c(struct fuzz_conn *c, struct fuzz_wire *w, u16 cid, u16 ttag, u32 offset,
		  const void *data, u32 len, bool last)
{
	u8 hdr[VTCP_DATA_HLEN] = { VTCP_H2C_DATA, 0, VTCP_DATA_HLEN };

	hdr[1] = last ? VTCP_F_DATA_LAST : 0;
	put16(hdr + 8, cid);
	put16(hdr + 10, ttag);
	put32(hdr + 12, offset);
	put32(hdr + 16, len);
	fuzz_add_pdu(c, w, hdr, VTCP_DATA_HLEN, data, len);
	if (!len)
		w->buf[w->start[w->nr - 1] + 3] = 0;
}

void fuzz_add_term(struct fuzz_wire *w, u16 fes, u32 fei)
{
	u8 *p = fuzz_wire_add(w, VTCP_TERM_HLEN);

	fuzz_common(p, VTCP_H2C_TERM, 0, VTCP_TERM_HLEN, 0, VTCP_TERM_HLEN);
	put16(p + 8, fes);
	put16(p + 10, fei & 0xffff);
	put16(p + 12, fei >> 16);
}

void fuzz_fix_hdgst(const struct fuzz_conn *c, struct fuzz_wire *w, u32 i)
{
	u8 *p = w->buf + w->start[i];
	u32 hlen = w->hlen[i];

	if (c->hd && hlen && fuzz_wire_pdu_len(w, i) >= hlen + VTCP_DIGEST_LEN) {
		u32 d = crc32c_digest(p, hlen);

		memcpy(p + hlen, &d, 4);
	}
}

void fuzz_connect_sqe(u8 *sqe, u16 cid, u16 qid, u16 sqsize, u32 kato)
{
	fuzz_sqe(sqe, 0x7f, cid, 0);
	sqe[4] = 0x01;		/* fctype: Connect */
	fuzz_sgl(sqe, 0x01, 1024);
	put16(sqe + 42, qid);
	put16(sqe + 44, sqsize);
	put32(sqe + 48, kato);
}

void fuzz_connect_data(u8 *data, u16 cntlid)
{
	memset(data, 0, 1024);
	memset(data, 0x5f, 16);		/* host identifier */
	put16(data + 16, cntlid);
	snprintf((char *)data + 256, 256, "%s", fuzz_target.nqn);
	snprintf((char *)data + 512, 256, "%s", FUZZ_HOSTNQN);
}

/* ---- a well-formed association ------------------------------------------- */

static int fuzz_send_whole(struct fuzz_conn *c, struct fuzz_wire *w)
{
	int ret = fuzz_send(c, w, FUZZ_SEND_WHOLE, NULL, false);

	free(w->buf);
	return ret;
}

int fuzz_icreq(struct fuzz_conn *c, u8 digests)
{
	struct fuzz_wire w = { 0 };
	u64 end;

	fuzz_add_icreq(&w, digests, 0, 3);
	c->hd = digests & VTCP_DIGEST_HEADER;
	c->dd = digests & VTCP_DIGEST_DATA;
	if (fuzz_send_whole(c, &w))
		return -1;
	end = fuzz_now_ms() + fuzz_budget(3000);
	while (!c->icresp && !c->broken && fuzz_now_ms() < end)
		if (fuzz_pump(c, (int)(end - fuzz_now_ms())) < 0)
			break;
	return c->icresp ? 0 : -1;
}

int fuzz_connect(struct fuzz_conn *c, u16 qid, u16 cntlid, u32 kato, u16 *status)
{
	struct fuzz_wire w = { 0 };
	u8 sqe[64], data[1024];
	u16 cid = 0x7f00 | (qid & 0xff);

	fuzz_connect_sqe(sqe, cid, qid, 31, kato);
	fuzz_connect_data(data, cntlid);
	fuzz_add_capsule(c, &w, sqe, data, sizeof(data));
	if (fuzz_send_whole(c, &w) || fuzz_wait_resp(c, cid, 3000))
		return -1;
	*status = c->want_status;
	if (!qid)
		c->cntlid = c->want_dw0 & 0xffff;
	return 0;
}

int fuzz_enable(struct fuzz_conn *c)
{
	struct fuzz_wire w = { 0 };
	u8 sqe[64];

	fuzz_sqe(sqe, 0x7f, 0x7e00, 0);
	sqe[4] = 0x00;			/* fctype: Property Set */
	fuzz_sgl(sqe, 0x5a, 0);
	put32(sqe + 44, 0x14);	/* CC */
	put64(sqe + 48, 0x00460001);	/* IOCQES 4, IOSQES 6, EN */
	fuzz_add_capsule(c, &w, sqe, NULL, 0);
	if (fuzz_send_whole(c, &w) || fuzz_wait_resp(c, 0x7e00, 3000))
		return -1;
	return c->want_status ? -1 : 0;
}

int fuzz_admin(struct fuzz_conn *c, u8 digests, int rcvbuf)
{
	u16 st;

	if (fuzz_conn_open(c, rcvbuf) || fuzz_icreq(c, digests) ||
	    fuzz_connect(c, 0, 0xffff, 15000, &st) || st)
		return -1;
	return fuzz_enable(c);
}

int fuzz_io(struct fuzz_conn *admin, struct fuzz_conn *c, u16 qid, u8 digests, int rcvbuf)
{
	u16 st;

	if (fuzz_conn_open(c, rcvbuf) || fuzz_icreq(c, digests) ||
	    fuzz_connect(c, qid, admin->cntlid, 0, &st))
		return -1;
	return st ? -1 : 0;
}

/* One command with a data buffer (read or in-capsule write), status out. */
static int fuzz_exchange(struct fuzz_conn *c, const u8 *sqe, const void *data, u32 len,
			 u8 *sink, u32 sink_len)
{
	struct fuzz_wire w = { 0 };
	u16 cid = get16(sqe + 2);

	c->sink = sink;
	c->sink_len = sink_len;
	c->sink_got = 0;
	c->want_cid = cid;
	c->want_done = false;
	fuzz_add_capsule(c, &w, sqe, data, len);
	if (fuzz_send_whole(c, &w) || fuzz_wait_resp(c, cid, 4000))
		return -1;
	c->sink = NULL;
	return c->want_status;
}

int fuzz_health(u32 round, char *why, size_t why_len)
{
	u8 digests = round & 1 ? VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA : 0;
	static u8 id[4096], data[4096], back[4096];
	struct fuzz_conn a, q;
	u64 slba = 0x20000 + (round % 64) * 8;
	u8 sqe[64];
	int ret = -1;

	fuzz_deadline = fuzz_now_ms() + 15000;
	memset(&q, 0, sizeof(q));
	q.fd = -1;
	if (fuzz_admin(&a, digests, 0)) {
		snprintf(why, why_len, "no admin queue (ICReq, Connect, Property Set)");
		goto out;
	}
	fuzz_sqe(sqe, 0x06, 1, 0);
	fuzz_sgl(sqe, 0x5a, sizeof(id));
	put32(sqe + 40, 0x01);		/* CNS 01h: controller */
	memset(id, 0, sizeof(id));
	if (fuzz_exchange(&a, sqe, NULL, 0, id, sizeof(id)) || a.sink_got != sizeof(id) ||
	    strncmp((char *)id + 768, fuzz_target.nqn, 256)) {
		snprintf(why, why_len, "Identify Controller failed or names another subsystem");
		goto out;
	}
	if (fuzz_io(&a, &q, 1, digests, 0)) {
		snprintf(why, why_len, "no I/O queue");
		goto out;
	}
	for (u32 i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 7 + round);
	fuzz_sqe(sqe, 0x01, 2, 1);
	fuzz_sgl(sqe, 0x01, sizeof(data));
	put64(sqe + 40, slba);
	put16(sqe + 48, sizeof(data) / 512 - 1);
	if (fuzz_exchange(&q, sqe, data, sizeof(data), NULL, 0)) {
		snprintf(why, why_len, "a 4 KiB write failed");
		goto out;
	}
	fuzz_sqe(sqe, 0x02, 3, 1);
	fuzz_sgl(sqe, 0x5a, sizeof(back));
	put64(sqe + 40, slba);
	put16(sqe + 48, sizeof(back) / 512 - 1);
	memset(back, 0, sizeof(back));
	if (fuzz_exchange(&q, sqe, NULL, 0, back, sizeof(back)) ||
	    memcmp(back, data, sizeof(data))) {
		snprintf(why, why_len, "the 4 KiB just written does not read back");
		goto out;
	}
	ret = 0;
out:
	fuzz_conn_close(&q, false);
	fuzz_conn_close(&a, false);
	return ret;
}
