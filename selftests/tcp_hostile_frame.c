// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile cases: framing and connection set-up.  PDUs before ICReq,
 * ICReq fields, controller-to-host types from the host, header fields of
 * capsules and data PDUs, Connect and SGL checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcp_client.h"

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
	long deadline = param_get("icreq_timeout_ms"), t0;
	struct vtcp_icreq_pdu ic;
	int ret = 0;
	u8 buf[256];
	struct conn c;

	/*
	 * One byte a segment, 128 segments, 300 us apart: about 40 ms, but a
	 * debug kernel takes longer than the 1 s ICReq deadline the test sets
	 * for each send.  The deadline is not what this case is about.
	 */
	if (deadline < 0 || param_set("icreq_timeout_ms", 10000))
		return failf("cannot set icreq_timeout_ms");
	icreq_build(&ic, 0, 0);
	if (conn_open(&c)) {
		param_set("icreq_timeout_ms", deadline);
		return failf("cannot connect");
	}
	t0 = now_ms();
	for (size_t i = 0; i < sizeof(ic); i++) {
		send_all(&c, (u8 *)&ic + i, 1);
		usleep(300);
	}
	if (recv_pdu(&c, buf, sizeof(buf), NULL) != VTCP_ICRESP)
		ret = failf("no ICResp to an ICReq trickled over %ld ms", now_ms() - t0);
	conn_close(&c);
	param_set("icreq_timeout_ms", deadline);
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

const struct test_case tcp_frame_cases[] = {
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
};

const unsigned int tcp_frame_cases_n = ARRAY_SIZE(tcp_frame_cases);
