/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtcp_fuzz: a seeded, stateful NVMe/TCP fuzzer (see vtcp_fuzz.c).  This
 * header is the client side both files share: connections, what came back
 * on them and the checks on it, the byte stream a case builds, and the
 * seeded random source.
 */
#ifndef VTCP_FUZZ_H
#define VTCP_FUZZ_H

#include <stdbool.h>

#include "wire.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define FUZZ_HOSTNQN		"nqn.2026-11.io.vssd:fuzz-host"
#define FUZZ_MAX_PDUS		64
#define FUZZ_MAX_R2TS		32
/* Largest PDU the target may send: MDTS at its maximum (4 KiB << 10). */
#define FUZZ_MAX_RX_PDU		((4u << 20) + 256)
/* After a C2HTermReq or the host's FIN, the target must close within this. */
#define FUZZ_CLOSE_MS		8000

struct fuzz_rng {
	u64 state;
};

u64 fuzz_next(struct fuzz_rng *r);
u32 fuzz_below(struct fuzz_rng *r, u32 n);
bool fuzz_chance(struct fuzz_rng *r, u32 percent);

/* The bytes a case sends next, and where each PDU in them starts. */
struct fuzz_wire {
	u8 *buf;
	u32 len;
	u32 cap;
	u32 start[FUZZ_MAX_PDUS];
	u8 hlen[FUZZ_MAX_PDUS];	/* where its header digest goes; 0: none */
	u32 nr;
};

void fuzz_wire_reset(struct fuzz_wire *w);
/* Room for a new PDU of len bytes at the end; returns its first byte. */
u8 *fuzz_wire_add(struct fuzz_wire *w, u32 len);
u32 fuzz_wire_pdu_len(const struct fuzz_wire *w, u32 i);

/* An R2T the target sent that no H2CData step has used yet. */
struct fuzz_r2t {
	u16 cid;
	u16 ttag;
	u32 offset;
	u32 length;
};

/* One NVMe/TCP connection to the target and what came back on it. */
struct fuzz_conn {
	int fd;
	bool hd, dd;		/* digests in force (as asked in ICReq) */
	u32 maxh2c;
	u16 cntlid;
	bool eof;		/* the target closed (FIN or reset) */
	bool desync;		/* our stream may not parse as we meant */
	bool broken;		/* the target's stream stopped parsing */
	u64 term_at;		/* when a C2HTermReq arrived (ms), 0 if none */
	u16 term_fes;
	u32 terms, resp_ok, resp_err, c2h, icresp;
	/* the response a set-up step waits for, and C2HData for it */
	u16 want_cid;
	bool want_done;
	u16 want_status;
	u32 want_dw0;
	u8 *sink;
	u32 sink_len, sink_got;
	struct fuzz_r2t r2t[FUZZ_MAX_R2TS];
	u32 nr_r2t;
	u8 *rx;			/* a partly received PDU */
	u32 rx_have, rx_cap;
	u8 *sent;		/* capsules sent per command id */
	u8 *answered;		/* responses received per command id */
};

struct fuzz_target {
	const char *addr;
	const char *port;
	const char *nqn;
};

extern struct fuzz_target fuzz_target;
extern int fuzz_verbose;
extern u32 fuzz_reports;
extern u64 fuzz_deadline;	/* the current case ends by then (ms) */

u64 fuzz_now_ms(void);

/* Print one finding (the target misbehaved as a client can see). */
void fuzz_report(const char *fmt, ...);
/* A note for the case log (printed with -v, on replay, and with reports). */
void fuzz_note(const char *fmt, ...);

/* Loopback only: 0 if addr is 127.0.0.0/8 or ::1. */
int fuzz_check_loopback(const char *addr);
int fuzz_conn_open(struct fuzz_conn *c, int rcvbuf);
/* Close; with reset, SO_LINGER 0 first (the peer sees a reset). */
void fuzz_conn_close(struct fuzz_conn *c, bool reset);

enum fuzz_delivery {
	FUZZ_SEND_WHOLE,	/* everything in one send() */
	FUZZ_SEND_PER_PDU,	/* one send() per PDU */
	FUZZ_SEND_CHUNKS,	/* random cuts, some paced */
	FUZZ_SEND_TRICKLE,	/* the first bytes one at a time */
	FUZZ_SEND_MODES
};

/*
 * Send the wire as mode says, reading what arrives meanwhile unless
 * no_read.  0, or -1 when the connection broke or sending stalled until
 * the case's deadline.
 */
int fuzz_send(struct fuzz_conn *c, const struct fuzz_wire *w, enum fuzz_delivery mode,
	      struct fuzz_rng *r, bool no_read);
/* Read and check what arrives for up to wait_ms; -1 once closed. */
int fuzz_pump(struct fuzz_conn *c, int wait_ms);
/* Read until quiet_ms without data, the close, or max_ms. */
void fuzz_drain(struct fuzz_conn *c, int quiet_ms, int max_ms);
/* Wait for the response to cid (set-up steps); 0 when it came. */
int fuzz_wait_resp(struct fuzz_conn *c, u16 cid, int max_ms);
/* Wait for an R2T of cid; returns its index in c->r2t or -1. */
int fuzz_wait_r2t(struct fuzz_conn *c, u16 cid, int max_ms);
void fuzz_take_r2t(struct fuzz_conn *c, int i);
/* After a C2HTermReq or our FIN: the target must close; reports if not. */
void fuzz_expect_close(struct fuzz_conn *c, const char *after);

/* PDU builders; each appends one PDU with the connection's digests. */
void fuzz_sqe(u8 *sqe, u8 opcode, u16 cid, u32 nsid);
void fuzz_sgl(u8 *sqe, u8 type, u32 len);
void fuzz_add_icreq(struct fuzz_wire *w, u8 digests, u8 hpda, u32 maxr2t);
void fuzz_add_capsule(struct fuzz_conn *c, struct fuzz_wire *w, const u8 *sqe,
		      const void *data, u32 len);
void fuzz_add_h2c(struct fuzz_conn *c, struct fuzz_wire *w, u16 cid, u16 ttag, u32 offset,
		  const void *data, u32 len, bool last);
void fuzz_add_term(struct fuzz_wire *w, u16 fes, u32 fei);
/* The Connect command and its 1024 bytes of data. */
void fuzz_connect_sqe(u8 *sqe, u16 cid, u16 qid, u16 sqsize, u32 kato);
void fuzz_connect_data(u8 *data, u16 cntlid);
/* Recompute the header digest of PDU i after its header was changed. */
void fuzz_fix_hdgst(const struct fuzz_conn *c, struct fuzz_wire *w, u32 i);

/* A well-formed association, step by step; 0 on success. */
int fuzz_icreq(struct fuzz_conn *c, u8 digests);
int fuzz_connect(struct fuzz_conn *c, u16 qid, u16 cntlid, u32 kato, u16 *status);
int fuzz_enable(struct fuzz_conn *c);
/* An admin queue: ICReq, Connect, Property Set CC.EN. */
int fuzz_admin(struct fuzz_conn *c, u8 digests, int rcvbuf);
/* An I/O queue of the admin queue's controller. */
int fuzz_io(struct fuzz_conn *admin, struct fuzz_conn *c, u16 qid, u8 digests, int rcvbuf);
/*
 * A fresh well-formed association must work: admin queue, Identify Controller
 * (its subsystem NQN), an I/O queue, a write read back.  0 if it does.
 */
int fuzz_health(u32 round, char *why, size_t len);

#endif /* VTCP_FUZZ_H */
