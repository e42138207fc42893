// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile cases: authentication.  A host that the subsystem asks to
 * authenticate (nvmet's dhchap_key set for HOSTNQN) never does and sends
 * commands anyway: each is refused with Authentication Required (nvmet's
 * core decides, before the transport moves any data), on the admin queue
 * and on an I/O queue, reads, writes with data in the capsule and writes
 * that would need an R2T, and both connections stay in step and open.
 * Skipped when the target does not ask this host to authenticate.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_client.h"

/* Connect response, dword 0: authentication required (AUTHREQ.ATR). */
#define CONNECT_ATR		0x00020000u
/* Command Specific status 91h: Authentication Required. */
#define SC_AUTH_REQUIRED	0x191

/* A command that must be refused, with no data and no R2T before its answer. */
static int refused(struct conn *c, const struct sqe *s, const void *data, u32 len,
		   const char *what)
{
	u16 cid = s->b[2] | s->b[3] << 8;
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;
	u8 rbuf[4096];
	int type;

	if (send_capsule(c, s, data, len))
		return failf("%s: the capsule could not be sent", what);
	memset(rbuf, 0, sizeof(rbuf));
	type = recv_until(c, &cqe, rbuf, sizeof(rbuf), &r2t);
	if (type == VTCP_R2T)
		return failf("%s: an R2T before authentication", what);
	if (type != VTCP_CAPSULE_RESP)
		return failf("%s: no response (got %d)", what, type);
	if (cqe.cid != cid || cqe.status != SC_AUTH_REQUIRED)
		return failf("%s: cid %u status 0x%x, expected cid %u status 0x%x", what,
			     cqe.cid, cqe.status, cid, SC_AUTH_REQUIRED);
	for (unsigned int i = 0; i < sizeof(rbuf); i++)
		if (rbuf[i])
			return failf("%s: data sent before authentication", what);
	return 0;
}

static int c_auth_never_done(void)
{
	struct conn a = { .fd = -1 }, q = { .fd = -1 };
	u8 *data = malloc(4096);
	struct sqe s;
	u16 st;
	int ret = 1;

	if (!data)
		return failf("out of memory");
	pattern(data, 4096, 91);
	if (conn_open(&a)) {
		ret = failf("cannot connect to %s:%s", g_addr, g_port);
		goto out;
	}
	if (icreq(&a, 0, 0) || fabric_connect(&a, 0, 0xffff, g_nqn, &st))
		goto out;
	if (st) {
		ret = failf("admin Connect failed with status 0x%x", st);
		goto out;
	}
	if (!(a.connect_dw0 & CONNECT_ATR)) {
		ret = skipf("the target does not ask %s to authenticate", HOSTNQN);
		goto out;
	}
	/* Property Set is allowed before authentication; Identify is not. */
	if (enable_ctrl(&a))
		goto out;
	s = sqe_make(0x06, 1, 0, SGL_TRANSPORT, 4096);
	s.b[40] = 1;	/* CNS 01h: Identify Controller */
	if (refused(&a, &s, NULL, 0, "Identify on the admin queue"))
		goto out;

	if (conn_open(&q)) {
		ret = failf("cannot open the I/O connection");
		goto out;
	}
	if (icreq(&q, 0, 0) || fabric_connect(&q, 1, a.cntlid, g_nqn, &st))
		goto out;
	if (st) {
		ret = failf("I/O Connect failed with status 0x%x", st);
		goto out;
	}
	s = sqe_rw(0x02, 2, 0, 4096, SGL_TRANSPORT);
	if (refused(&q, &s, NULL, 0, "a read"))
		goto out;
	s = sqe_rw(0x01, 3, 0, 4096, SGL_INCAPSULE);
	if (refused(&q, &s, data, 4096, "a write with its data in the capsule"))
		goto out;
	s = sqe_rw(0x01, 4, 0, 65536, SGL_TRANSPORT);
	if (refused(&q, &s, NULL, 0, "a write that needs an R2T"))
		goto out;
	/* Both queues are still in step: the same answers again. */
	s = sqe_rw(0x02, 5, 0, 4096, SGL_TRANSPORT);
	if (refused(&q, &s, NULL, 0, "a second read"))
		goto out;
	s = sqe_make(0x06, 6, 0, SGL_TRANSPORT, 4096);
	s.b[40] = 1;
	if (refused(&a, &s, NULL, 0, "a second Identify"))
		goto out;
	ret = 0;
out:
	conn_close(&q);
	conn_close(&a);
	free(data);
	return ret;
}

const struct test_case tcp_auth_cases[] = {
	{ "auth_never_done", c_auth_never_done },
};

const unsigned int tcp_auth_cases_n = ARRAY_SIZE(tcp_auth_cases);
