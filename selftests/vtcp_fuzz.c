// SPDX-License-Identifier: GPL-2.0
/*
 * vtcp_fuzz: a seeded, stateful NVMe/TCP fuzzer.  Each case opens real
 * associations against a target on the loopback address (ICReq with or without
 * digests, Connect of the admin queue and an I/O queue, Property Set
 * CC.EN), stops at a random stage and then sends what a hostile host
 * might: commands with mutated SQEs and SGL descriptors, Connects with
 * mutated fields (twice, too), H2CData with mutated tags, offsets and
 * lengths, early or missing, PDUs with mutated header fields and digests,
 * reordered, duplicated or dropped, junk and termination PDUs.  The bytes
 * go out in one send, per PDU, cut at random places or trickled, and the
 * case ends by draining, half-closing, resetting or closing, possibly
 * after not reading at all.
 *
 * A case fails only on what a client can observe: a malformed PDU or a
 * wrong digest from the target, a response nobody asked for, a connection
 * left open after a C2HTermReq or the host's FIN, and above all a target
 * that stops serving: every --check-every cases and at the end a fresh
 * well-formed association (admin queue, Identify Controller, I/O queue, a
 * write read back) must succeed.
 *
 * usage: vtcp_fuzz [--seed S] [--cases N] [--seconds T] [--case K]
 *                  [--check-every N] [--kmsg] [-v] ADDR PORT SUBNQN
 * The subsystem must allow any host; namespace 1 is written anywhere in
 * its first 64 MiB (512-byte blocks), namespace 2 gets KV commands too.
 * Every case is a function of (seed, case number): --seed S --case K
 * replays case K alone, printing what it sends.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vtcp_fuzz.h"

struct fuzz_target fuzz_target;
int fuzz_verbose;
u32 fuzz_reports;
u64 fuzz_deadline;

static u64 fuzz_seed;
static u32 fuzz_case_index;
static u32 fuzz_checked_to;	/* cases before this one passed a health check */
static int fuzz_kmsg = -1;	/* /dev/kmsg, to mark each case in the kernel log */
static char fuzz_log[4096];
static size_t fuzz_log_len;
static u8 fuzz_data[1 << 20];	/* what writes carry */

/* How a case ended, as its fuzzed connection saw it. */
enum fuzz_outcome {
	FUZZ_TERM,		/* a C2HTermReq (then the close) */
	FUZZ_CLOSED,		/* closed without a termination */
	FUZZ_ERROR,		/* at least one error status */
	FUZZ_SUCCESS,		/* only successful responses */
	FUZZ_SILENT,		/* nothing came back */
	FUZZ_SETUP,		/* the well-formed prefix failed */
	FUZZ_OUTCOMES
};

static const char *const fuzz_outcome_names[] = {
	"terminated", "closed", "error status", "success", "no answer", "set-up failed",
};

enum fuzz_pacing {
	FUZZ_DRAIN,		/* read until quiet, then close */
	FUZZ_HALF_CLOSE,	/* shutdown(SHUT_WR): the target must close */
	FUZZ_RESET,		/* SO_LINGER 0 and close: a reset */
	FUZZ_CLOSE,		/* close without reading what is left */
};

static const char *const fuzz_pacing_names[] = { "drain", "half-close", "reset", "close" };
static const char *const fuzz_delivery_names[] = { "whole", "per-pdu", "chunks", "trickle" };

struct fuzz_case {
	struct fuzz_rng rng;
	struct fuzz_conn admin;	/* the admin queue kept open for an I/O queue */
	struct fuzz_conn conn;	/* the fuzzed connection */
	struct fuzz_wire w;	/* what goes out at the next flush */
	enum fuzz_delivery delivery;
	enum fuzz_pacing pacing;
	bool no_read;		/* the host stops reading */
	bool stopped;		/* nothing more can be sent */
	bool io;		/* the fuzzed connection is an I/O queue */
	u16 ttag_seen;		/* the ttag of the last R2T received */
	u16 cid;		/* the next command id */
};

void fuzz_report(const char *fmt, ...)
{
	va_list ap;

	printf("REPORT case %u (--seed %llu --case %u): ", fuzz_case_index,
	       (unsigned long long)fuzz_seed, fuzz_case_index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	fuzz_reports++;
}

void fuzz_note(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fuzz_log_len >= sizeof(fuzz_log) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fuzz_log + fuzz_log_len, sizeof(fuzz_log) - fuzz_log_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		fuzz_log_len += n;
	if (fuzz_log_len > sizeof(fuzz_log) - 1)
		fuzz_log_len = sizeof(fuzz_log) - 1;
}

/* A value from a list, or now and then any value at all. */
static u32 fuzz_pick(struct fuzz_rng *r, const u32 *v, u32 n)
{
	if (fuzz_chance(r, 10))
		return (u32)fuzz_next(r);
	return v[fuzz_below(r, n)];
}

#define PICK(r, ...) ({ const u32 _v[] = { __VA_ARGS__ }; fuzz_pick(r, _v, ARRAY_SIZE(_v)); })

/* ---- mutations ------------------------------------------------------- */

static u32 fuzz_nsid(struct fuzz_rng *r)
{
	return fuzz_chance(r, 80) ? 1 + fuzz_below(r, 2) : PICK(r, 0, 3, 0xffffffff);
}

static u64 fuzz_lba(struct fuzz_rng *r)
{
	if (fuzz_chance(r, 5))
		return fuzz_next(r) >> fuzz_below(r, 64);
	return fuzz_below(r, (64 << 20) / 512 - 2048);
}

/* Fields of a command, none of which changes how its PDU is framed. */
static void fuzz_mutate_sqe(struct fuzz_case *fc, u8 *sqe)
{
	struct fuzz_rng *r = &fc->rng;
	u32 n = 1 + fuzz_below(r, 3);

	if (!fuzz_chance(r, 25))
		return;
	while (n--) {
		switch (fuzz_below(r, 9)) {
		case 0:
			put16(sqe + 2, fuzz_chance(r, 50) ? fc->cid - 1 : (u16)fuzz_next(r));
			fuzz_note(" [cid %u]", get16(sqe + 2));
			break;
		case 1:
			put32(sqe + 4, fuzz_nsid(r));
			fuzz_note(" [nsid %u]", get32(sqe + 4));
			break;
		case 2:
			sqe[0] = (u8)fuzz_next(r);
			fuzz_note(" [opcode 0x%02x]", sqe[0]);
			break;
		case 3:
			sqe[1] = PICK(r, 0x00, 0x80, 0xc0, 0x41, 0x42, 0x43);
			fuzz_note(" [flags 0x%02x]", sqe[1]);
			break;
		case 4:
			sqe[39] = PICK(r, 0x00, 0x01, 0x0a, 0x10, 0x20, 0x30, 0x40, 0x4a, 0x5a,
				       0x50, 0x5f, 0xf1);
			fuzz_note(" [SGL type 0x%02x]", sqe[39]);
			break;
		case 5:
			put32(sqe + 32, PICK(r, 0, 1, 511, 4096, 65536, 1 << 20, 2 << 20,
					     0xffffffff));
			fuzz_note(" [SGL length %u]", get32(sqe + 32));
			break;
		case 6:
			put64(sqe + 24, fuzz_chance(r, 50) ? fuzz_below(r, 16384) :
				   fuzz_next(r));
			fuzz_note(" [SGL address/offset]");
			break;
		case 7:
			sqe[40 + fuzz_below(r, 24)] ^= 1 << fuzz_below(r, 8);
			fuzz_note(" [cdw10-15 bit]");
			break;
		default:
			sqe[fuzz_below(r, 64)] = (u8)fuzz_next(r);
			fuzz_note(" [SQE byte]");
			break;
		}
	}
}

/* The last PDU added: header fields, digests or data bytes. */
static void fuzz_mutate_pdu(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_wire *w = &fc->w;
	struct fuzz_conn *c = &fc->conn;
	u32 i, len;
	u8 *p;

	if (!w->nr)
		return;
	i = w->nr - 1;
	len = fuzz_wire_pdu_len(w, i);
	p = w->buf + w->start[i];
	if (fuzz_chance(r, 12)) {
		switch (fuzz_below(r, 5)) {
		case 0:
			p[0] = PICK(r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xff);
			break;
		case 1:
			p[1] ^= 1 << fuzz_below(r, 8);
			break;
		case 2:
			p[2] = PICK(r, 0, 8, 23, 24, 25, 71, 72, 73, 128, 255);
			break;
		case 3:
			p[3] = PICK(r, 0, 8, 24, 28, 71, 72, 76, 80, 255);
			break;
		default:
			put32(p + 4, PICK(r, 0, 7, 8, p[2] - 1, p[2], len - 1, len + 1,
					  len + 4, 0x7fffffff, 0xffffffff));
			break;
		}
		fuzz_note(" [header %02x %02x %02x %02x plen %u]", p[0], p[1], p[2], p[3],
			  get32(p + 4));
		c->desync = true;
		if (fuzz_chance(r, 60))
			fuzz_fix_hdgst(c, w, i);
	}
	if (w->hlen[i] && fuzz_chance(r, 4)) {
		p[w->hlen[i] + fuzz_below(r, 4)] ^= 1 << fuzz_below(r, 8);
		fuzz_note(" [header digest]");
	}
	if ((p[1] & VTCP_F_DDGST) && len > 4 && fuzz_chance(r, 4)) {
		p[len - 1 - fuzz_below(r, 4)] ^= 1 << fuzz_below(r, 8);
		fuzz_note(" [data digest]");
	}
}

/* Now and then, before a flush: PDUs swapped, duplicated or dropped. */
static void fuzz_mutate_order(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_wire *w = &fc->w, out = { 0 };
	u32 a, b, drop = ~0U, dup = ~0U;

	if (w->nr < 1 || w->nr >= FUZZ_MAX_PDUS - 1 || !fuzz_chance(r, 10))
		return;
	a = fuzz_below(r, w->nr);
	b = w->nr > 1 ? fuzz_below(r, w->nr) : a;
	switch (fuzz_below(r, 3)) {
	case 0:
		fuzz_note(" [swap PDUs %u and %u]", a, b);
		break;
	case 1:
		dup = a;
		b = a;
		fuzz_note(" [PDU %u twice]", a);
		break;
	default:
		drop = a;
		b = a;
		fuzz_note(" [PDU %u dropped]", a);
		break;
	}
	for (u32 i = 0; i < w->nr; i++) {
		u32 k = i == a ? b : i == b ? a : i;
		u32 len = fuzz_wire_pdu_len(w, k);

		for (int copy = 0; copy < (k == dup ? 2 : 1) && k != drop; copy++) {
			memcpy(fuzz_wire_add(&out, len), w->buf + w->start[k], len);
			out.hlen[out.nr - 1] = w->hlen[k];
			if (copy && w->buf[w->start[k]] == VTCP_CAPSULE_CMD && len >= 12) {
				u16 cid = get16(w->buf + w->start[k] + 10);

				if (fc->conn.sent[cid] < 255)
					fc->conn.sent[cid]++;
			}
		}
	}
	free(w->buf);
	*w = out;
}

/* Send what the steps built; read what came, unless the host stopped. */
static void fuzz_flush(struct fuzz_case *fc)
{
	struct fuzz_wire *w = &fc->w;

	if (!w->len)
		return;
	fuzz_mutate_order(fc);
	if (!w->nr)
		return;		/* its only PDU was dropped */
	if (!fc->stopped && fuzz_chance(&fc->rng, 3)) {
		/* Cut the stream inside its last PDU; nothing follows. */
		u32 last = w->start[w->nr - 1];

		w->len = last + fuzz_below(&fc->rng, w->len - last);
		fc->conn.desync = true;
		fc->stopped = true;
		fuzz_note(" [truncated at byte %u]", w->len);
	}
	if (fuzz_send(&fc->conn, w, fc->delivery, &fc->rng, fc->no_read))
		fc->stopped = true;
	fuzz_wire_reset(w);
	if (!fc->no_read)
		fuzz_pump(&fc->conn, 0);
	if (fc->conn.eof || fc->conn.terms)
		fc->stopped = true;
}

/* ---- steps ----------------------------------------------------------- */

static void fuzz_capsule(struct fuzz_case *fc, u8 *sqe, const void *data, u32 len)
{
	fuzz_mutate_sqe(fc, sqe);
	fuzz_add_capsule(&fc->conn, &fc->w, sqe, data, len);
	fuzz_mutate_pdu(fc);
}

static u16 fuzz_new_cid(struct fuzz_case *fc)
{
	return fc->cid++;
}

/* H2CData for [offset, offset + len) of cid's data, in PDUs. */
static void fuzz_h2c_range(struct fuzz_case *fc, u16 cid, u16 ttag, u32 offset, u32 len,
			   u32 total)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_conn *c = &fc->conn;
	u32 piece = c->maxh2c < (256u << 10) ? c->maxh2c : 256u << 10, done = 0;

	if (fuzz_chance(r, 40))
		piece = fuzz_chance(r, 50) ? 4096 : 512 * (1 + fuzz_below(r, 16));
	while (done < len && fc->w.nr < FUZZ_MAX_PDUS - 2) {
		u32 n = len - done < piece ? len - done : piece;
		u32 o = offset + done;
		u16 t = ttag, id = cid;
		bool last = o + n == offset + len;

		if (fuzz_chance(r, 6)) {
			switch (fuzz_below(r, 6)) {
			case 0:
				t = fuzz_chance(r, 50) ? t + 1 : (u16)fuzz_next(r);
				break;
			case 1:
				id = fuzz_chance(r, 50) ? id + 1 : (u16)fuzz_next(r);
				break;
			case 2:
				o = fuzz_chance(r, 50) ? o + 512 : (u32)fuzz_next(r);
				break;
			case 3:
				n = PICK(r, 0, 1, n ? n - 1 : 0, n + 1, n + 512, c->maxh2c + 4);
				if (n > sizeof(fuzz_data) - o % 4096)
					n = 1;
				break;
			case 4:
				last = !last;
				break;
			default:
				/* the same piece again */
				fuzz_add_h2c(c, &fc->w, id, t, o, fuzz_data + o % 4096, n, last);
				break;
			}
			fuzz_note(" [H2C cid %u ttag %u offset %u length %u%s]", id, t, o, n,
				  last ? " last" : "");
		}
		fuzz_add_h2c(c, &fc->w, id, t, o, fuzz_data + o % 4096, n, last);
		fuzz_mutate_pdu(fc);
		done += piece;
	}
	(void)total;
}

/* A write of len bytes through R2T: answer its R2Ts, or send early, or never. */
static void fuzz_write_r2t_data(struct fuzz_case *fc, u16 cid, u32 len)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_conn *c = &fc->conn;
	u32 plan = fuzz_below(r, 100);

	if (plan < 40 && !fc->no_read) {
		u32 got = 0;

		fuzz_note(" (data for its R2Ts)");
		fuzz_flush(fc);
		for (int rounds = 0; got < len && rounds < 64 && !fc->stopped; rounds++) {
			int i = fuzz_wait_r2t(c, cid, 1500);
			struct fuzz_r2t r2t;

			if (i < 0)
				break;
			r2t = c->r2t[i];
			fuzz_take_r2t(c, i);
			fc->ttag_seen = r2t.ttag;
			fuzz_h2c_range(fc, r2t.cid, r2t.ttag, r2t.offset, r2t.length, len);
			got += r2t.length;
			fuzz_flush(fc);
		}
	} else if (plan < 85) {
		/* Slots are taken lowest first and reused last-freed first. */
		u16 ttag = PICK(r, 0, 0, 0, 0, 1, 2, 3, fc->ttag_seen, fc->ttag_seen);
		u32 n = len < (256u << 10) ? len : 256u << 10;

		fuzz_note(" (data before any R2T, ttag %u)", ttag);
		fuzz_h2c_range(fc, cid, ttag, 0, n, len);
		if (fuzz_chance(r, 50)) {
			/* In one segment with its capsule, whatever the delivery. */
			enum fuzz_delivery delivery = fc->delivery;

			fc->delivery = FUZZ_SEND_WHOLE;
			fuzz_flush(fc);
			fc->delivery = delivery;
		}
	} else {
		fuzz_note(" (no data)");
	}
}

static void fuzz_step_write(struct fuzz_case *fc, bool inline_data)
{
	struct fuzz_rng *r = &fc->rng;
	u16 cid = fuzz_new_cid(fc);
	u32 len = 512 * (1 + fuzz_below(r, inline_data || fuzz_chance(r, 50) ? 16 : 256));
	u8 sqe[64];

	if (!inline_data && fuzz_chance(r, 5))
		len = PICK(r, 1 << 20, (1 << 20) + 512, 2 << 20);
	fuzz_sqe(sqe, 0x01, cid, fuzz_nsid(r));
	fuzz_sgl(sqe, inline_data ? 0x01 : 0x5a, len);
	put64(sqe + 40, fuzz_lba(r));
	put16(sqe + 48, len / 512 - 1);
	if (fuzz_chance(r, 20)) {
		/* NLB against the SGL length: nvmet fails it at once. */
		put16(sqe + 48, len / 512 - 1 + (fuzz_chance(r, 50) ? 1 : -1));
		fuzz_note("; (NLB %u)", get16(sqe + 48));
	}
	fuzz_note("; write cid %u %u B %s", cid, len, inline_data ? "in capsule" : "by R2T");
	fuzz_capsule(fc, sqe, inline_data ? fuzz_data : NULL, inline_data ? len : 0);
	if (!inline_data)
		fuzz_write_r2t_data(fc, get16(sqe + 2), len);
}

static void fuzz_step_read(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	u16 cid = fuzz_new_cid(fc);
	u32 len = fuzz_chance(r, 25) ? 1 << 20 : 512 * (1 + fuzz_below(r, 64));
	u8 sqe[64];

	fuzz_sqe(sqe, 0x02, cid, fuzz_nsid(r));
	fuzz_sgl(sqe, 0x5a, len);
	put64(sqe + 40, fuzz_lba(r));
	put16(sqe + 48, len / 512 - 1);
	fuzz_note("; read cid %u %u B", cid, len);
	fuzz_capsule(fc, sqe, NULL, 0);
}

/*
 * Reads of 1 MiB, more than the socket buffers hold: with the host not
 * reading, the target's send path stays blocked behind them.
 */
static void fuzz_step_flood(struct fuzz_case *fc)
{
	u32 n = 4 + fuzz_below(&fc->rng, 5);

	fuzz_note("; %u reads of 1 MiB", n);
	while (n--) {
		u8 sqe[64];

		fuzz_sqe(sqe, 0x02, fuzz_new_cid(fc), 1);
		fuzz_sgl(sqe, 0x5a, 1 << 20);
		put64(sqe + 40, fuzz_lba(&fc->rng));
		put16(sqe + 48, (1 << 20) / 512 - 1);
		fuzz_add_capsule(&fc->conn, &fc->w, sqe, NULL, 0);
	}
	fuzz_flush(fc);
}

/* Many small commands at once: more than the queue has slots. */
static void fuzz_step_burst(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	u32 n = 8 + fuzz_below(r, 48);

	fuzz_note("; burst of %u", n);
	while (n-- && fc->w.nr < FUZZ_MAX_PDUS - 8) {
		u16 cid = fuzz_new_cid(fc);
		bool wr = fuzz_chance(r, 50);
		u8 sqe[64];

		fuzz_sqe(sqe, wr ? 0x01 : 0x02, cid, 1);
		fuzz_sgl(sqe, wr ? 0x01 : 0x5a, 4096);
		put64(sqe + 40, fuzz_lba(r));
		put16(sqe + 48, 7);
		fuzz_add_capsule(&fc->conn, &fc->w, sqe, wr ? fuzz_data : NULL, wr ? 4096 : 0);
	}
}

/* Other NVM commands, KV commands (nsid 2) and unknown opcodes. */
static void fuzz_step_io_other(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	u16 cid = fuzz_new_cid(fc);
	u32 len = 0, nsid = fuzz_nsid(r);
	u8 op, sqe[64];

	switch (fuzz_below(r, 3)) {
	case 0:
		op = PICK(r, 0x00, 0x04, 0x05, 0x08, 0x09, 0x0c, 0x0d, 0x0e, 0x11, 0x15, 0x19);
		break;
	case 1:
		op = PICK(r, 0x01, 0x02, 0x06, 0x10, 0x14, 0x81, 0x83, 0x90, 0xa1, 0xb1, 0xb2,
			  0xb3);
		nsid = fuzz_chance(r, 80) ? 2 : nsid;
		break;
	default:
		op = (u8)fuzz_next(r);
		break;
	}
	fuzz_sqe(sqe, op, cid, nsid);
	for (int i = 8; i < 64; i += 4)
		if (i != 24 && i != 28 && i != 32 && i != 36 && fuzz_chance(r, 40))
			put32(sqe + i, fuzz_chance(r, 50) ? fuzz_below(r, 64) :
				   (u32)fuzz_next(r));
	if ((op & 3) == 1 || (op & 3) == 3) {
		len = fuzz_chance(r, 70) ? 16 * (1 + fuzz_below(r, 64)) : 0;
		fuzz_sgl(sqe, len ? 0x01 : 0x5a, len ? len : 512 * (1 + fuzz_below(r, 8)));
	} else if ((op & 3) == 2) {
		fuzz_sgl(sqe, 0x5a, fuzz_chance(r, 80) ? 512 * (1 + fuzz_below(r, 16)) :
			 (u32)fuzz_next(r) >> fuzz_below(r, 32));
	}
	fuzz_note("; opcode 0x%02x cid %u nsid %u%s", op, cid, nsid, len ? " with data" : "");
	fuzz_capsule(fc, sqe, fuzz_data, len);
	if ((op & 3) == 1 && !len && fuzz_chance(r, 50))
		fuzz_write_r2t_data(fc, cid, get32(sqe + 32));
}

static void fuzz_step_admin(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	u16 cid = fuzz_new_cid(fc);
	u32 len = 0, xfer = 4096;
	u8 sqe[64];

	switch (fuzz_below(r, 8)) {
	case 0:
		fuzz_sqe(sqe, 0x06, cid, fuzz_chance(r, 50) ? 0 : fuzz_nsid(r));
		put32(sqe + 40, PICK(r, 0, 1, 2, 3, 5, 6, 7, 8, 0x10, 0x11, 0x13, 0x1c) |
			   (u32)PICK(r, 0, 0, 1, 2) << 24);
		fuzz_note("; identify cns %u", sqe[40]);
		break;
	case 1: {
		u32 numd = fuzz_chance(r, 60) ? 1023 : (u32)fuzz_next(r);

		fuzz_sqe(sqe, 0x02, cid, fuzz_chance(r, 50) ? 0xffffffff : fuzz_nsid(r));
		put32(sqe + 40, PICK(r, 1, 2, 3, 5, 6, 0x0c, 0x70, 0x80, 0xc0) |
			   (numd & 0xffff) << 16);
		put32(sqe + 44, numd >> 16);
		put64(sqe + 48, fuzz_chance(r, 80) ? 0 : fuzz_next(r) >> fuzz_below(r, 64));
		if (fuzz_chance(r, 20))
			xfer = PICK(r, 4, 512, 8192, 65536, 1 << 20);
		fuzz_note("; get log page 0x%02x numd %u", sqe[40], numd);
		break;
	}
	case 2:
		fuzz_sqe(sqe, fuzz_chance(r, 50) ? 0x0a : 0x09, cid, fuzz_chance(r, 70) ? 0 : 1);
		put32(sqe + 40, PICK(r, 1, 2, 4, 5, 6, 7, 8, 0x0b, 0x0f, 0x20, 0x80) |
			   (fuzz_chance(r, 20) ? fuzz_below(r, 8) << 8 : 0));
		put32(sqe + 44, (u32)fuzz_next(r) >> fuzz_below(r, 32));
		len = sqe[0] == 0x09 && fuzz_chance(r, 30) ? 512 : 0;
		xfer = len ? len : fuzz_chance(r, 50) ? 0 : 4096;
		fuzz_note("; %s features 0x%02x", sqe[0] == 0x09 ? "set" : "get", sqe[40]);
		break;
	case 3:
		fuzz_sqe(sqe, PICK(r, 0x0c, 0x18, 0x08, 0x00, 0x01, 0x04, 0x05, 0x10, 0x11, 0x80,
				   0x81, 0x84, 0x19, 0x1c, 0x7c),
			 cid, 0);
		put32(sqe + 40, fuzz_chance(r, 50) ? (u32)(fc->cid - 2) << 16 :
			   (u32)fuzz_next(r));
		xfer = 0;
		fuzz_note("; admin opcode 0x%02x", sqe[0]);
		break;
	case 4:
	case 5: {
		/* Fabrics: property get/set, or another fctype. */
		u8 fctype = PICK(r, 0x00, 0x04, 0x00, 0x04, 0x05, 0x06, 0x08, 0x02);

		fuzz_sqe(sqe, 0x7f, cid, 0);
		sqe[4] = fctype;
		sqe[40] = fuzz_chance(r, 70) ? fuzz_below(r, 2) : (u8)fuzz_next(r);
		put32(sqe + 44, PICK(r, 0x00, 0x08, 0x0c, 0x14, 0x1c, 0x20, 0x24, 0x30,
				     0x1000, 0x1008));
		put64(sqe + 48, PICK(r, 0x00460001, 0x00460000, 0x00464001, 0x00468001,
				     0, 1) | (fuzz_chance(r, 5) ? fuzz_next(r) : 0));
		xfer = 0;
		fuzz_note("; fabrics fctype 0x%02x offset 0x%x", fctype, get32(sqe + 44));
		break;
	}
	default:
		fuzz_sqe(sqe, (u8)fuzz_next(r), cid, fuzz_nsid(r));
		for (int i = 40; i < 64; i += 4)
			put32(sqe + i, (u32)fuzz_next(r));
		xfer = fuzz_chance(r, 50) ? 0 : 4096;
		fuzz_note("; admin opcode 0x%02x (random)", sqe[0]);
		break;
	}
	fuzz_sgl(sqe, len ? 0x01 : 0x5a, len ? len : xfer);
	fuzz_capsule(fc, sqe, fuzz_data, len);
}

/* Connect with mutated fields: qid, sqsize, cntlid, KATO, data, length. */
static void fuzz_step_connect(struct fuzz_case *fc, u16 qid, u16 cntlid)
{
	struct fuzz_rng *r = &fc->rng;
	u16 cid = fuzz_new_cid(fc), sqsize = 31;
	u32 kato = qid ? 0 : 15000, len = 1024;
	u8 sqe[64], data[2048];

	if (fuzz_chance(r, 40))
		qid = PICK(r, 0, 1, 2, 3, 4, 64, 127, 128, 0xfffe, 0xffff);
	if (fuzz_chance(r, 40))
		sqsize = PICK(r, 0, 1, 2, 15, 127, 1023, 1024, 0x7fff, 0xffff);
	if (fuzz_chance(r, 40))
		cntlid = PICK(r, 0, 1, cntlid + 1, cntlid - 1, 0xffef, 0xfff0, 0xfffe, 0xffff);
	if (fuzz_chance(r, 20))
		kato = PICK(r, 0, 1, 100, 1000, 0xffffffff);
	fuzz_connect_sqe(sqe, cid, qid, sqsize, kato);
	fuzz_connect_data(data, cntlid);
	memset(data + 1024, 0x61, 1024);
	if (fuzz_chance(r, 15)) {
		switch (fuzz_below(r, 6)) {
		case 0:
			memset(data + 256, 'a', 256);	/* no NUL */
			break;
		case 1:
			memset(data + 512, 0, 256);	/* no host NQN */
			break;
		case 2:
			memset(data + 512, 0xff, 256);
			break;
		case 3:
			memset(data, 0, 16);		/* no host identifier */
			break;
		case 4:
			sqe[4] = (u8)fuzz_next(r);	/* another fctype */
			break;
		default:
			put16(sqe + 40, (u16)fuzz_next(r));	/* recfmt */
			break;
		}
		fuzz_note(" [Connect data/fctype]");
	}
	if (fuzz_chance(r, 15)) {
		len = PICK(r, 0, 16, 512, 1023, 1025, 2048);
		put32(sqe + 32, fuzz_chance(r, 50) ? len : 1024);
		if (len > sizeof(data))
			len = sizeof(data);	/* the SGL may say more */
		if (!len)
			sqe[39] = 0x5a;
	}
	fuzz_note("; connect qid %u sqsize %u cntlid 0x%x kato %u len %u", qid, sqsize, cntlid,
		  kato, len);
	fuzz_capsule(fc, sqe, data, len);
	if (fuzz_chance(r, 15)) {
		put16(sqe + 2, fuzz_new_cid(fc));
		fuzz_add_capsule(&fc->conn, &fc->w, sqe, data, len);
		fuzz_note(" (twice)");
	}
}

/* PDUs no host should send here: ICReq again, H2CTermReq, junk, orphans. */
static void fuzz_step_odd_pdu(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_conn *c = &fc->conn;
	u8 *p;
	u32 len;

	switch (fuzz_below(r, 5)) {
	case 0:
		fuzz_add_icreq(&fc->w, fuzz_below(r, 4), 0, 0);
		fuzz_note("; ICReq again");
		break;
	case 1:
		fuzz_add_term(&fc->w, fuzz_below(r, 8), (u32)fuzz_next(r));
		fuzz_note("; H2CTermReq");
		break;
	case 2:
		fuzz_add_h2c(c, &fc->w, (u16)fuzz_below(r, 64), (u16)fuzz_below(r, 64),
			     fuzz_below(r, 2) * 4096, fuzz_data, 512 * (1 + fuzz_below(r, 8)),
			     fuzz_chance(r, 50));
		fuzz_note("; H2CData for no R2T");
		fuzz_mutate_pdu(fc);
		break;
	default:
		/* Any type, a plausible header and random bytes after it. */
		len = 8 + fuzz_below(r, 200);
		p = fuzz_wire_add(&fc->w, len);
		for (u32 i = 0; i < len; i++)
			p[i] = (u8)fuzz_next(r);
		p[0] = fuzz_below(r, 12);
		p[2] = PICK(r, 8, 24, 72, 128);
		p[3] = 0;
		put32(p + 4, fuzz_chance(r, 70) ? len : (u32)fuzz_next(r));
		c->desync = true;
		fuzz_note("; junk PDU type %u len %u", p[0], len);
		break;
	}
}

static void fuzz_step(struct fuzz_case *fc)
{
	u32 k = fuzz_below(&fc->rng, 100);

	if (k < 6)
		return fuzz_step_odd_pdu(fc);
	if (k < 10)
		return fuzz_step_connect(fc, fc->io ? 1 : 0, fc->conn.cntlid);
	if (!fc->io || k < 15)
		return fuzz_step_admin(fc);
	if (k < 40)
		return fuzz_step_write(fc, false);
	if (k < 50)
		return fuzz_step_write(fc, true);
	if (k < 70)
		return fuzz_step_read(fc);
	if (k < 76)
		return fuzz_step_burst(fc);
	return fuzz_step_io_other(fc);
}

/* ---- one case -------------------------------------------------------- */

/* Stage 0: a mutated ICReq, perhaps with more behind it in the stream. */
static void fuzz_icreq_mutated(struct fuzz_case *fc)
{
	struct fuzz_rng *r = &fc->rng;
	u8 digests = fuzz_below(r, 4), *p;

	fuzz_add_icreq(&fc->w, digests, 0, fuzz_below(r, 4));
	p = fc->w.buf;
	switch (fuzz_below(r, 9)) {
	case 0:
		put16(p + 8, PICK(r, 1, 0xffff));
		break;
	case 1:
		p[10] = PICK(r, 1, 2, 31, 32, 255);
		break;
	case 2:
		p[11] = PICK(r, 4, 0xff);
		break;
	case 3:
		put32(p + 12, (u32)fuzz_next(r));
		break;
	case 4:
		p[8 + 8 + fuzz_below(r, 112)] = (u8)fuzz_next(r);	/* reserved */
		break;
	default:
		fuzz_mutate_pdu(fc);
		break;
	}
	fuzz_note("; ICReq hpda %u digest 0x%02x header %02x %02x %02x %02x plen %u", p[10],
		  p[11], p[0], p[1], p[2], p[3], get32(p + 4));
	/* What the ICReq asks for now, whatever the mutations did. */
	fc->conn.hd = p[11] & VTCP_DIGEST_HEADER;
	fc->conn.dd = p[11] & VTCP_DIGEST_DATA;
	if (fuzz_chance(r, 50)) {
		fuzz_flush(fc);
		if (!fc->no_read)
			fuzz_pump(&fc->conn, 300);
	}
	if (fuzz_chance(r, 60))
		fuzz_step_connect(fc, 0, 0xffff);
}

static enum fuzz_outcome fuzz_case_body(struct fuzz_case *fc, u32 stage)
{
	struct fuzz_rng *r = &fc->rng;
	struct fuzz_conn *c = &fc->conn;
	u8 digests = fuzz_below(r, 4);
	int rcvbuf = fc->no_read ? 4096 : 0;
	u32 steps = 1 + fuzz_below(r, 8);
	u16 qid = 1 + fuzz_below(r, 4), st;

	switch (stage) {
	case 0:
		if (fuzz_conn_open(c, rcvbuf))
			return FUZZ_SETUP;
		fuzz_icreq_mutated(fc);
		steps = fuzz_below(r, 3);
		break;
	case 1:
		fc->io = fuzz_chance(r, 50);
		if (fc->io) {
			if (fuzz_conn_open(&fc->admin, 0) || fuzz_icreq(&fc->admin, 0))
				return FUZZ_SETUP;
			if (fuzz_connect(&fc->admin, 0, 0xffff, 15000, &st) || st)
				return FUZZ_SETUP;
			if (fuzz_chance(r, 80) && fuzz_enable(&fc->admin))
				return FUZZ_SETUP;
		}
		if (fuzz_conn_open(c, rcvbuf) || fuzz_icreq(c, digests))
			return FUZZ_SETUP;
		fuzz_step_connect(fc, fc->io ? qid : 0, fc->io ? fc->admin.cntlid : 0xffff);
		steps = fuzz_below(r, 5);
		break;
	case 2:
		if (fuzz_admin(c, digests, rcvbuf))
			return FUZZ_SETUP;
		break;
	default:
		fc->io = true;
		if (fuzz_admin(&fc->admin, fuzz_below(r, 4), 0) ||
		    fuzz_io(&fc->admin, c, qid, digests, rcvbuf))
			return FUZZ_SETUP;
		break;
	}
	fuzz_note("; %u steps", steps);
	if (fc->no_read && fc->io && stage == 3 && fuzz_chance(r, 70))
		fuzz_step_flood(fc);
	while (steps-- && !fc->stopped) {
		fuzz_step(fc);
		if (fc->w.nr >= FUZZ_MAX_PDUS / 2 || fuzz_chance(r, 30))
			fuzz_flush(fc);
	}
	fuzz_flush(fc);

	switch (fc->pacing) {
	case FUZZ_DRAIN:
		if (fc->no_read)
			usleep(200000);
		fuzz_drain(c, 300, 3000);
		if (c->terms)
			fuzz_expect_close(c, "its C2HTermReq");
		break;
	case FUZZ_HALF_CLOSE:
		if (fc->no_read)
			usleep(200000);
		shutdown(c->fd, SHUT_WR);
		fuzz_expect_close(c, c->terms ? "its C2HTermReq" : "the host's FIN");
		break;
	default:
		break;
	}
	if (c->terms)
		return FUZZ_TERM;
	if (c->eof)
		return FUZZ_CLOSED;
	if (c->resp_err)
		return FUZZ_ERROR;
	return c->resp_ok ? FUZZ_SUCCESS : FUZZ_SILENT;
}

static enum fuzz_outcome fuzz_run_case(u32 index)
{
	static const u32 stage_weight[] = { 8, 17, 20, 55 };
	struct fuzz_case fc;
	enum fuzz_outcome out;
	u32 stage = 0, k;

	memset(&fc, 0, sizeof(fc));
	fc.admin.fd = -1;
	fc.conn.fd = -1;
	fc.rng.state = fuzz_seed ^ (0x9e3779b97f4a7c15ULL * (index + 1));
	fuzz_next(&fc.rng);
	fuzz_case_index = index;
	fuzz_log_len = 0;
	fuzz_log[0] = 0;
	fuzz_deadline = fuzz_now_ms() + 6000;
	if (fuzz_kmsg >= 0) {
		/* One write() per record (dprintf() seeks, which /dev/kmsg refuses). */
		char mark[64];
		int n = snprintf(mark, sizeof(mark), "vtcp_fuzz: seed %llu case %u\n",
				 (unsigned long long)fuzz_seed, index);

		if (write(fuzz_kmsg, mark, n) != n)
			fuzz_kmsg = -1;
	}

	for (k = fuzz_below(&fc.rng, 100); k >= stage_weight[stage]; stage++)
		k -= stage_weight[stage];
	fc.no_read = fuzz_chance(&fc.rng, 15);
	k = fuzz_below(&fc.rng, 100);
	fc.delivery = k < 40 ? FUZZ_SEND_WHOLE : k < 65 ? FUZZ_SEND_PER_PDU :
		      k < 90 ? FUZZ_SEND_CHUNKS : FUZZ_SEND_TRICKLE;
	k = fuzz_below(&fc.rng, 100);
	fc.pacing = k < 50 ? FUZZ_DRAIN : k < 65 ? FUZZ_HALF_CLOSE : k < 80 ? FUZZ_RESET :
		    FUZZ_CLOSE;
	fc.cid = fuzz_below(&fc.rng, 0x7000);
	fuzz_note("stage %u, %s, %s%s", stage, fuzz_delivery_names[fc.delivery],
		  fuzz_pacing_names[fc.pacing], fc.no_read ? ", host stops reading" : "");

	out = fuzz_case_body(&fc, stage);
	fuzz_conn_close(&fc.conn, fc.pacing == FUZZ_RESET);
	fuzz_conn_close(&fc.admin, fuzz_chance(&fc.rng, 20));
	free(fc.w.buf);
	if (fuzz_verbose)
		printf("case %u: %s: %s\n", index, fuzz_outcome_names[out], fuzz_log);
	return out;
}

/* ---- main ------------------------------------------------------------ */

static int fuzz_check(u32 round, u32 after)
{
	char why[128];

	for (int attempt = 0; attempt < 3; attempt++) {
		if (!fuzz_health(round, why, sizeof(why))) {
			fuzz_checked_to = after + 1;
			return 0;
		}
		sleep(2);
	}
	fuzz_case_index = after + 1 == fuzz_checked_to ? fuzz_checked_to : after;
	if (after + 1 == fuzz_checked_to)
		fuzz_report("the target does not serve a well-formed association (%s)", why);
	else
		fuzz_report("the target stopped serving a well-formed association (%s) %s %u..%u",
			    why, "after one of cases", fuzz_checked_to, after);
	return 1;
}

static void fuzz_usage(const char *me)
{
	fprintf(stderr,
		"Usage: %s [--seed S] [--cases N] [--seconds T] [--case K] [--check-every N]\n"
		"          [--kmsg] [-v]\n"
		"          ADDR PORT SUBNQN   (ADDR on the loopback only)\n", me);
	exit(2);
}

int main(int argc, char **argv)
{
	u32 cases = 1000000, seconds = 60, check_every = 25, only = ~0U;
	u32 counts[FUZZ_OUTCOMES] = { 0 }, run = 0, checks = 0, first = 0;
	static char last[sizeof(fuzz_log)];
	bool seeded = false;
	u64 start;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(argv[a], "-v")) {
			fuzz_verbose = 1;
			continue;
		}
		if (!strcmp(argv[a], "--kmsg")) {
			fuzz_kmsg = open("/dev/kmsg", O_WRONLY);
			continue;
		}
		if (!v)
			fuzz_usage(argv[0]);
		if (!strcmp(argv[a], "--seed")) {
			fuzz_seed = strtoull(v, NULL, 0);
			seeded = true;
		} else if (!strcmp(argv[a], "--cases")) {
			cases = strtoul(v, NULL, 0);
		} else if (!strcmp(argv[a], "--seconds")) {
			seconds = strtoul(v, NULL, 0);
		} else if (!strcmp(argv[a], "--case")) {
			only = strtoul(v, NULL, 0);
		} else if (!strcmp(argv[a], "--check-every")) {
			check_every = strtoul(v, NULL, 0);
		} else {
			fuzz_usage(argv[0]);
		}
		a++;
	}
	if (argc - a != 3)
		fuzz_usage(argv[0]);
	fuzz_target.addr = argv[a];
	fuzz_target.port = argv[a + 1];
	fuzz_target.nqn = argv[a + 2];
	if (fuzz_check_loopback(fuzz_target.addr)) {
		fprintf(stderr, "vtcp_fuzz: %s is not a loopback address; refusing\n",
			fuzz_target.addr);
		return 2;
	}
	if (!seeded)
		fuzz_seed = (u64)time(NULL) * 1000003 ^ (u64)getpid();
	crc32c_init();
	for (u32 i = 0; i < sizeof(fuzz_data); i++)
		fuzz_data[i] = (u8)(i * 131 + (i >> 9));
	fuzz_checked_to = only != ~0U ? only : 0;
	if (only != ~0U) {
		first = only;
		cases = only + 1;
		fuzz_verbose = 1;
	}
	printf("vtcp_fuzz: seed %llu (replay one case: --seed %llu --case K)\n",
	       (unsigned long long)fuzz_seed, (unsigned long long)fuzz_seed);
	fflush(stdout);

	start = fuzz_now_ms();
	if (fuzz_check(checks++, first - 1))
		goto out;
	for (u32 i = first; i < cases; i++) {
		enum fuzz_outcome out;

		if (fuzz_now_ms() - start >= (u64)seconds * 1000)
			break;
		out = fuzz_run_case(i);
		counts[out]++;
		run++;
		if (out == FUZZ_SETUP || (check_every && run % check_every == 0) ||
		    fuzz_reports) {
			u32 before = fuzz_reports;

			if (!fuzz_verbose)
				snprintf(last, sizeof(last), "%s", fuzz_log);
			fuzz_check(checks++, i);
			if (fuzz_reports && !fuzz_verbose)
				printf("case %u (the last before the report) was: %s: %s\n", i,
				       fuzz_outcome_names[out], last);
			if (fuzz_reports != before)
				break;
		}
		if (fuzz_reports)
			break;
	}
	if (!fuzz_reports)
		fuzz_check(checks++, first + run - 1);
out:
	printf("vtcp_fuzz: seed %llu: %u cases in %llu s:", (unsigned long long)fuzz_seed, run,
	       (unsigned long long)(fuzz_now_ms() - start) / 1000);
	for (int o = 0; o < FUZZ_OUTCOMES; o++)
		printf("%s %u %s", o ? "," : "", counts[o], fuzz_outcome_names[o]);
	printf("; %u health checks\n", checks);
	printf("vtcp_fuzz: cases %u reports %u\n", run, fuzz_reports);
	return fuzz_reports ? 1 : 0;
}
