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
	static u8 data[4096];
	/* In order; the last two check both queues are still in step. */
	const struct {
		bool admin;
		u8 opcode;
		u32 len;
		u8 sgl;
		const char *what;
	} cmds[] = {
		{ true, 0x06, 4096, SGL_TRANSPORT, "Identify on the admin queue" },
		{ false, 0x02, 4096, SGL_TRANSPORT, "a read" },
		{ false, 0x01, 4096, SGL_INCAPSULE, "a write with its data in the capsule" },
		{ false, 0x01, 65536, SGL_TRANSPORT, "a write that needs an R2T" },
		{ false, 0x02, 4096, SGL_TRANSPORT, "a second read" },
		{ true, 0x06, 4096, SGL_TRANSPORT, "a second Identify" },
	};
	u16 st;
	int ret = 1;

	pattern(data, sizeof(data), 91);
	/* Property Set (CC.EN) is allowed before authentication. */
	if (admin_queue(&a, 0, 0))
		goto out;
	if (!(a.connect_dw0 & CONNECT_ATR)) {
		ret = skipf("the target does not ask %s to authenticate", HOSTNQN);
		goto out;
	}
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
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		bool inline_data = cmds[i].sgl == SGL_INCAPSULE;
		struct sqe s;

		if (cmds[i].admin) {
			s = sqe_make(cmds[i].opcode, i + 1, 0, cmds[i].sgl, cmds[i].len);
			s.b[40] = 1;	/* CNS 01h: Identify Controller */
		} else {
			s = sqe_rw(cmds[i].opcode, i + 1, 0, cmds[i].len, cmds[i].sgl);
		}
		if (refused(cmds[i].admin ? &a : &q, &s, inline_data ? data : NULL,
			    inline_data ? cmds[i].len : 0, cmds[i].what))
			goto out;
	}
	ret = 0;
out:
	conn_close(&q);
	conn_close(&a);
	return ret;
}

const struct test_case tcp_auth_cases[] = {
	{ "auth_never_done", c_auth_never_done },
};

const unsigned int tcp_auth_cases_n = ARRAY_SIZE(tcp_auth_cases);
