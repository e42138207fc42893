// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/tcp/pdu.c: every header a host may send is checked
 * field by field, with the right Fatal Error Status and field offset.
 */
// unit-sources: drivers/tcp/pdu.c
#include "unit.h"
#include "drivers/tcp/pdu.h"

static const struct vtcp_rx_rules live = {
	.connected = true, .maxh2cdata = 65536, .inline_max = 16384,
};

static const struct vtcp_rx_rules live_digests = {
	.connected = true, .hdgst = true, .ddgst = true,
	.maxh2cdata = 65536, .inline_max = 16384,
};

static const struct vtcp_rx_rules fresh = { .connected = false };

static struct vtcp_common_hdr hdr(u8 type, u8 flags, u8 hlen, u8 pdo, u32 plen)
{
	struct vtcp_common_hdr h = {
		.type = type, .flags = flags, .hlen = hlen, .pdo = pdo,
		.plen = cpu_to_le32(plen),
	};
	return h;
}

/* Check a header and return the FES (0 when accepted). */
static int check(const struct vtcp_rx_rules *rules, struct vtcp_common_hdr h,
		 struct vtcp_pdu_layout *layout, u32 *fei)
{
	struct vtcp_fatal fatal = { 0 };
	int ret = vtcp_pdu_check_common(rules, &h, layout, &fatal);

	*fei = fatal.fei;
	return ret ? fatal.fes : 0;
}

UNIT_TEST(icreq_first_and_only_once)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&fresh, hdr(VTCP_ICREQ, 0, 128, 0, 128), &l, &fei), 0);
	EXPECT_EQ(l.header_len, 128);
	EXPECT_EQ(l.data_len, 0);
	EXPECT_EQ(check(&live, hdr(VTCP_ICREQ, 0, 128, 0, 128), &l, &fei),
		  VTCP_FES_PDU_SEQUENCE);
	EXPECT_EQ(check(&fresh, hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 72), &l, &fei),
		  VTCP_FES_PDU_SEQUENCE);
	EXPECT_EQ(check(&fresh, hdr(VTCP_H2C_DATA, 0, 24, 24, 28), &l, &fei),
		  VTCP_FES_PDU_SEQUENCE);
}

UNIT_TEST(icreq_fields)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&fresh, hdr(VTCP_ICREQ, 0, 127, 0, 128), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_HLEN);
	EXPECT_EQ(check(&fresh, hdr(VTCP_ICREQ, VTCP_F_HDGST, 128, 0, 132), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_FLAGS);
	EXPECT_EQ(check(&fresh, hdr(VTCP_ICREQ, 0, 128, 0, 129), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(check(&fresh, hdr(VTCP_ICREQ, 0, 128, 0, 100), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PLEN);
}

UNIT_TEST(icreq_parameters)
{
	struct vtcp_icreq_pdu ic = { .hdr = hdr(VTCP_ICREQ, 0, 128, 0, 128) };
	struct vtcp_fatal f;

	EXPECT_EQ(vtcp_pdu_check_icreq(&ic, &f), 0);
	ic.digest = VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA;
	ic.hpda = 31;
	EXPECT_EQ(vtcp_pdu_check_icreq(&ic, &f), 0);
	ic.pfv = cpu_to_le16(1);
	EXPECT(vtcp_pdu_check_icreq(&ic, &f) != 0);
	EXPECT_EQ(f.fes, VTCP_FES_UNSUPPORTED_PARAMETER);
	EXPECT_EQ(f.fei, VTCP_OFF_ICREQ_PFV);
	ic.pfv = 0;
	ic.hpda = 32;
	EXPECT(vtcp_pdu_check_icreq(&ic, &f) != 0);
	EXPECT_EQ(f.fei, VTCP_OFF_ICREQ_HPDA);
	ic.hpda = 0;
	ic.digest = 0x04;
	EXPECT(vtcp_pdu_check_icreq(&ic, &f) != 0);
	EXPECT_EQ(f.fei, VTCP_OFF_ICREQ_DIGEST);
}

UNIT_TEST(types_a_host_may_not_send)
{
	static const u8 types[] = {
		VTCP_ICRESP, VTCP_C2H_TERM, VTCP_CAPSULE_RESP, VTCP_C2H_DATA,
		VTCP_R2T, 0x08, 0x0a, 0x7f, 0xff,
	};
	struct vtcp_pdu_layout l;
	unsigned int i;
	u32 fei;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		EXPECT_EQ(check(&live, hdr(types[i], 0, 24, 0, 24), &l, &fei),
			  VTCP_FES_INVALID_HEADER_FIELD);
		EXPECT_EQ(fei, VTCP_OFF_TYPE);
	}
}

UNIT_TEST(capsule_without_and_with_data)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 72), &l, &fei), 0);
	EXPECT_EQ(l.data_len, 0);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 72 + 4096), &l, &fei), 0);
	EXPECT_EQ(l.header_len, 72);
	EXPECT_EQ(l.pad_len, 0);
	EXPECT_EQ(l.data_len, 4096);
	/* Padding up to pdo is allowed when aligned. */
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 80, 80 + 512), &l, &fei), 0);
	EXPECT_EQ(l.pad_len, 8);
	EXPECT_EQ(l.data_len, 512);
}

UNIT_TEST(capsule_bad_lengths)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 24, 0, 24), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_HLEN);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 71), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PLEN);
	/* Data but no pdo, pdo inside the header, pdo past plen, unaligned. */
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 80), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PDO);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 64, 80), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 200, 100), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 74, 100), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PDO);
	/* No data but a pdo. */
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 72), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PDO);
	/* More in-capsule data than allowed, and absurd lengths. */
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 72 + 16385), &l, &fei),
		  VTCP_FES_DATA_LIMIT_EXCEEDED);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, 0, 72, 72, 0xffffffff), &l, &fei),
		  VTCP_FES_DATA_LIMIT_EXCEEDED);
}

UNIT_TEST(digest_flags_follow_negotiation)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	/* Negotiated none: any digest flag is wrong. */
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_FLAGS);
	EXPECT_EQ(check(&live, hdr(VTCP_CAPSULE_CMD, VTCP_F_DDGST, 72, 72, 72 + 8),
			&l, &fei), VTCP_FES_INVALID_HEADER_FIELD);
	/* Negotiated both. */
	EXPECT_EQ(check(&live_digests, hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76),
			&l, &fei), 0);
	EXPECT_EQ(l.header_len, 76);
	EXPECT_EQ(check(&live_digests, hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST | VTCP_F_DDGST,
					   72, 76, 76 + 4096 + 4), &l, &fei), 0);
	EXPECT_EQ(l.data_len, 4096);
	EXPECT_EQ(l.ddgst_len, 4);
	/* Header digest missing, data digest missing on a PDU with data. */
	EXPECT_EQ(check(&live_digests, hdr(VTCP_CAPSULE_CMD, 0, 72, 0, 72), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(check(&live_digests, hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 76,
					   76 + 4096), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	/* Data digest flag but room for nothing but the digest. */
	EXPECT_EQ(check(&live_digests, hdr(VTCP_CAPSULE_CMD, VTCP_F_HDGST | VTCP_F_DDGST,
					   72, 76, 80), &l, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_PLEN);
}

UNIT_TEST(h2c_data_limits)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&live, hdr(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + 65536),
			&l, &fei), 0);
	EXPECT_EQ(l.data_len, 65536);
	EXPECT_EQ(check(&live, hdr(VTCP_H2C_DATA, 0, 24, 24, 24 + 65540), &l, &fei),
		  VTCP_FES_DATA_LIMIT_EXCEEDED);
	/* H2CData without data. */
	EXPECT_EQ(check(&live, hdr(VTCP_H2C_DATA, 0, 24, 0, 24), &l, &fei), 0);
	EXPECT_EQ(l.data_len, 0);
	/* Success is a C2H-only flag. */
	EXPECT_EQ(check(&live, hdr(VTCP_H2C_DATA, VTCP_F_DATA_SUCCESS, 24, 24, 28),
			&l, &fei), VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_FLAGS);
}

UNIT_TEST(term_req)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&live, hdr(VTCP_H2C_TERM, 0, 24, 0, 24), &l, &fei), 0);
	EXPECT_EQ(check(&live, hdr(VTCP_H2C_TERM, 0, 24, 24, 152), &l, &fei), 0);
	EXPECT_EQ(l.data_len, 128);
	EXPECT_EQ(check(&live, hdr(VTCP_H2C_TERM, 0, 24, 24, 156), &l, &fei),
		  VTCP_FES_DATA_LIMIT_EXCEEDED);
}

/*
 * Term PDUs never carry digests (their flags must be 0), whatever the queue
 * negotiated: one with data is as acceptable on a digest queue as on any.
 */
UNIT_TEST(term_req_on_digest_queue)
{
	struct vtcp_pdu_layout l;
	u32 fei;

	EXPECT_EQ(check(&live_digests, hdr(VTCP_H2C_TERM, 0, 24, 0, 24), &l, &fei), 0);
	EXPECT_EQ(check(&live_digests, hdr(VTCP_H2C_TERM, 0, 24, 24, 152), &l, &fei), 0);
	EXPECT_EQ(l.header_len, 24);
	EXPECT_EQ(l.data_len, 128);
	EXPECT_EQ(l.ddgst_len, 0);
	EXPECT_EQ(check(&live_digests, hdr(VTCP_H2C_TERM, VTCP_F_DDGST, 24, 24, 156),
			&l, &fei), VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_FLAGS);
}

static struct vtcp_data_pdu h2c(u16 cid, u32 offset, u32 length, bool last)
{
	struct vtcp_data_pdu p = {
		.hdr = hdr(VTCP_H2C_DATA, last ? VTCP_F_DATA_LAST : 0, 24, 24, 24 + length),
		.command_id = cid,
		.data_offset = cpu_to_le32(offset),
		.data_length = cpu_to_le32(length),
	};
	return p;
}

static int check_h2c(struct vtcp_data_pdu p, u32 data_len,
		     const struct vtcp_h2c_window *w, u32 *fei)
{
	struct vtcp_pdu_layout l = { .header_len = 24, .data_len = data_len };
	struct vtcp_fatal f = { 0 };
	int ret = vtcp_pdu_check_h2c(&p, &l, w, &f);

	*fei = f.fei;
	return ret ? f.fes : 0;
}

UNIT_TEST(h2c_window)
{
	/* An R2T for bytes 8192..24575 of command 7. */
	struct vtcp_h2c_window w = { .command_id = 7, .next_offset = 8192, .end = 24576 };
	u32 fei;

	EXPECT_EQ(check_h2c(h2c(7, 8192, 8192, false), 8192, &w, &fei), 0);
	EXPECT_EQ(check_h2c(h2c(7, 8192, 16384, true), 16384, &w, &fei), 0);
	/* Wrong command, length field disagreeing with plen. */
	EXPECT_EQ(check_h2c(h2c(8, 8192, 8192, false), 8192, &w, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_DATA_CID);
	EXPECT_EQ(check_h2c(h2c(7, 8192, 8192, false), 4096, &w, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_DATA_LENGTH);
	EXPECT_EQ(check_h2c(h2c(7, 8192, 0, false), 0, &w, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_DATA_LENGTH);
	/* Out of order, before, overrunning, past the end. */
	EXPECT_EQ(check_h2c(h2c(7, 12288, 4096, false), 4096, &w, &fei),
		  VTCP_FES_DATA_OUT_OF_RANGE);
	EXPECT_EQ(check_h2c(h2c(7, 0, 4096, false), 4096, &w, &fei),
		  VTCP_FES_DATA_OUT_OF_RANGE);
	EXPECT_EQ(check_h2c(h2c(7, 8192, 20480, true), 20480, &w, &fei),
		  VTCP_FES_DATA_OUT_OF_RANGE);
	EXPECT_EQ(check_h2c(h2c(7, 0xfffff000, 0x2000, true), 0x2000, &w, &fei),
		  VTCP_FES_DATA_OUT_OF_RANGE);
	/* LAST_PDU missing at the end, or set early. */
	EXPECT_EQ(check_h2c(h2c(7, 8192, 16384, false), 16384, &w, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
	EXPECT_EQ(fei, VTCP_OFF_FLAGS);
	EXPECT_EQ(check_h2c(h2c(7, 8192, 4096, true), 4096, &w, &fei),
		  VTCP_FES_INVALID_HEADER_FIELD);
}

UNIT_TEST(data_offset_alignment)
{
	EXPECT_EQ(vtcp_pdu_data_offset(24, 0), 24);
	EXPECT_EQ(vtcp_pdu_data_offset(28, 0), 28);
	EXPECT_EQ(vtcp_pdu_data_offset(28, 1), 32);
	EXPECT_EQ(vtcp_pdu_data_offset(24, 31), 128);
	EXPECT_EQ(vtcp_pdu_data_offset(28, 31), 128);
}

static const struct unit_case cases[] = {
	UNIT_CASE(icreq_first_and_only_once),
	UNIT_CASE(icreq_fields),
	UNIT_CASE(icreq_parameters),
	UNIT_CASE(types_a_host_may_not_send),
	UNIT_CASE(capsule_without_and_with_data),
	UNIT_CASE(capsule_bad_lengths),
	UNIT_CASE(digest_flags_follow_negotiation),
	UNIT_CASE(h2c_data_limits),
	UNIT_CASE(term_req),
	UNIT_CASE(term_req_on_digest_queue),
	UNIT_CASE(h2c_window),
	UNIT_CASE(data_offset_alignment),
};

int main(void)
{
	return unit_run("tcp/pdu", cases, ARRAY_SIZE(cases));
}
