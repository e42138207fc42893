/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_client: a raw NVMe/TCP host for the tcp_hostile cases: connections,
 * ICReq, capsules, H2CData, responses, Fabrics Connect, and the checks a
 * case makes on what the target answers.  A case returns 0, or 1 after
 * failf() has said why.
 */
#ifndef TCP_CLIENT_H
#define TCP_CLIENT_H

#include <stdbool.h>

#include "wire.h"

#define TIMEOUT_MS	5000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define HOSTNQN		"nqn.2026-11.io.vssd:hostile-host"

#define SGL_INCAPSULE	0x01
#define SGL_TRANSPORT	0x5a

extern const char *g_addr, *g_port, *g_nqn;
extern char g_why[256];
extern u8 g_hpda;		/* HPDA for the next ICReq (then back to 0) */
extern u8 g_last_c2h_pdo;	/* pdo of the last C2HData received */
extern u32 g_kato;		/* keep-alive timeout asked at admin Connect */
extern u16 g_sqsize;		/* queue size asked at Connect, 0's based */

struct conn {
	int fd;
	bool hd, dd;
	u32 maxh2c;
	u16 cntlid;
	u32 connect_dw0;	/* dword 0 of the last Connect response */
};

struct sqe {
	u8 b[64];
};

struct cqe {
	u32 dw0;
	u16 cid;
	u16 status;	/* SCT << 8 | SC */
};

struct test_case {
	const char *name;
	int (*fn)(void);
};

/* The case tables, one per file. */
extern const struct test_case tcp_frame_cases[];
extern const unsigned int tcp_frame_cases_n;
extern const struct test_case tcp_data_cases[];
extern const unsigned int tcp_data_cases_n;
extern const struct test_case tcp_limit_cases[];
extern const unsigned int tcp_limit_cases_n;
extern const struct test_case tcp_auth_cases[];
extern const unsigned int tcp_auth_cases_n;

int failf(const char *fmt, ...);
/* A vssd_tcp module parameter (-1: no such file); set one (0 or -1). */
long param_get(const char *name);
int param_set(const char *name, long v);
long now_ms(void);
/* A case that cannot run here returns skipf()'s CASE_SKIPPED, saying why. */
#define CASE_SKIPPED	2
int skipf(const char *fmt, ...);

int conn_open(struct conn *c);
int conn_open_small(struct conn *c, int rcvbuf, int maxseg);
void conn_close(struct conn *c);
int send_all(struct conn *c, const void *buf, size_t len);
int recv_exact(struct conn *c, void *buf, size_t len, int timeout_ms);
int recv_pdu(struct conn *c, u8 *buf, size_t max, u32 *plen);
int expect_term(struct conn *c, u16 fes, int fei);
int expect_closed(struct conn *c, int timeout_ms);
void icreq_build(struct vtcp_icreq_pdu *ic, u8 digest_bits, u32 maxr2t);
int icreq(struct conn *c, u8 digest_bits, u32 maxr2t);

struct sqe sqe_make(u8 opcode, u16 cid, u32 nsid, u8 sgl_type, u32 len);
struct sqe sqe_rw(u8 opcode, u16 cid, u64 slba, u32 bytes, u8 sgl_type);
int send_capsule(struct conn *c, const struct sqe *s, const void *data, u32 len);
int send_h2c(struct conn *c, u16 cid, u16 ttag, u32 offset,
	     const void *data, u32 len, bool last);
int send_h2c_bad_digest(struct conn *c, u16 cid, u16 ttag, u32 offset,
			const void *data, u32 len);
int send_h2c_split(struct conn *c, u16 cid, u16 ttag, u32 offset,
		   const void *data, u32 len);
int recv_until(struct conn *c, struct cqe *cqe, u8 *rbuf, u32 rlen,
	       struct vtcp_r2t_pdu *r2t);
int expect_status(struct conn *c, u16 cid, u16 want);

int send_connect(struct conn *c, u16 qid, u16 cntlid, const char *nqn);
int fabric_connect(struct conn *c, u16 qid, u16 cntlid, const char *nqn,
		   u16 *status);
int enable_ctrl(struct conn *c);
int admin_queue(struct conn *c, u8 digests, u32 maxr2t);
int io_queue(struct conn *admin, struct conn *c, u8 digests, u32 maxr2t);

void pattern(u8 *buf, u32 len, u32 seed);
int read_back(struct conn *c, u64 slba, const u8 *want, u32 len);
int serves_again(u16 cid, u64 slba, u32 len, u32 seed);
int raw_term(bool after_icreq, const void *pdu, size_t len, u16 fes, int fei);
struct vtcp_common_hdr ch(u8 type, u8 flags, u8 hlen, u8 pdo, u32 plen);
int r2t_write(struct conn *c, u16 cid, u64 slba, const u8 *data,
	      u32 len, u32 chunk);

#endif /* TCP_CLIENT_H */
