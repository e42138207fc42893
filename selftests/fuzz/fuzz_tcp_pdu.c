// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: drivers/tcp/pdu.c, the checks on every PDU header a host
 * sends.  The first input byte picks what is fuzzed:
 *
 *   0  one common header under fuzzed queue rules, against a reference
 *      model of the NVMe/TCP rules written here from the specification:
 *      the verdict must agree, and an accepted layout must add up to plen
 *   1  an ICReq
 *   2  a stream of H2CData PDUs against one R2T window: accepted data stays
 *      inside the window, arrives in order, LAST marks exactly the end
 *   3  the data offset a C2H PDU gets for a header and HPDA: aligned, and
 *      within the 128 bytes cmd.c keeps for a C2HData header and its pad
 */
// fuzz-sources: drivers/tcp/pdu.c
// fuzz-max-len: 256
#include "fuzz.h"
#include "drivers/tcp/pdu.h"

static u8 ref_hlen(u8 type)
{
	switch (type) {
	case VTCP_ICREQ:
		return VTCP_IC_HLEN;
	case VTCP_H2C_TERM:
		return VTCP_TERM_HLEN;
	case VTCP_CAPSULE_CMD:
		return VTCP_CMD_HLEN;
	case VTCP_H2C_DATA:
		return VTCP_DATA_HLEN;
	}
	return 0;
}

/* Only command capsules and H2CData carry digests (and data PDUs LAST). */
static bool ref_has_digests(u8 type)
{
	return type == VTCP_CAPSULE_CMD || type == VTCP_H2C_DATA;
}

static u64 ref_max_data(const struct vtcp_rx_rules *rules, u8 type)
{
	switch (type) {
	case VTCP_CAPSULE_CMD:
		return rules->inline_max;
	case VTCP_H2C_DATA:
		return rules->maxh2cdata;
	case VTCP_H2C_TERM:
		return VTCP_TERM_MAX_DATA;
	}
	return 0;
}

/* Whether a host may send this header on a queue with these rules. */
static bool ref_accepts(const struct vtcp_rx_rules *rules,
			const struct vtcp_common_hdr *hdr)
{
	u64 plen = le32_to_cpu(hdr->plen), header_len, ddgst_len, data_len;
	u8 allowed = 0, hlen = ref_hlen(hdr->type);
	bool hdgst = hdr->flags & VTCP_F_HDGST;
	bool ddgst = hdr->flags & VTCP_F_DDGST;
	u32 align = ((u32)rules->cpda + 1) * 4;
	bool is_icreq = hdr->type == VTCP_ICREQ;

	if (!hlen || is_icreq == rules->connected)
		return false;
	if (ref_has_digests(hdr->type))
		allowed = VTCP_F_HDGST | VTCP_F_DDGST;
	if (hdr->type == VTCP_H2C_DATA)
		allowed |= VTCP_F_DATA_LAST;
	if ((hdr->flags & ~allowed) || hdr->hlen != hlen)
		return false;
	if (ref_has_digests(hdr->type) && hdgst != rules->hdgst)
		return false;
	header_len = hlen + (hdgst ? 4 : 0);
	if (plen == header_len)
		return !hdr->pdo && !ddgst;
	if (plen < header_len)
		return false;
	/* A PDU with data carries a data digest exactly when negotiated. */
	if (ref_has_digests(hdr->type) && ddgst != rules->ddgst)
		return false;
	if (hdr->pdo < header_len || hdr->pdo > plen || hdr->pdo % align)
		return false;
	ddgst_len = ddgst ? 4 : 0;
	if (plen - hdr->pdo <= ddgst_len)
		return false;
	data_len = plen - hdr->pdo - ddgst_len;
	return data_len <= ref_max_data(rules, hdr->type);
}

static void fuzz_common(struct fuzz_input *in)
{
	struct vtcp_rx_rules rules = { 0 };
	struct vtcp_common_hdr hdr;
	struct vtcp_pdu_layout layout;
	struct vtcp_fatal fatal = { 0 };
	u8 bits = fuzz_u8(in);
	u64 plen;
	int ret;

	rules.connected = bits & 1;
	rules.hdgst = bits & 2;
	rules.ddgst = bits & 4;
	rules.cpda = fuzz_u8(in);
	rules.maxh2cdata = fuzz_u32(in);
	rules.inline_max = fuzz_u32(in);
	fuzz_bytes(in, &hdr, sizeof(hdr));

	ret = vtcp_pdu_check_common(&rules, &hdr, &layout, &fatal);
	FUZZ_ASSERT(ret == 0 || ret == -EPROTO);
	FUZZ_ASSERT(!ret == ref_accepts(&rules, &hdr));
	if (ret) {
		FUZZ_ASSERT(fatal.fes >= VTCP_FES_INVALID_HEADER_FIELD &&
			    fatal.fes <= VTCP_FES_UNSUPPORTED_PARAMETER);
		FUZZ_ASSERT(fatal.fei < sizeof(hdr));
		return;
	}
	plen = le32_to_cpu(hdr.plen);
	FUZZ_ASSERT(layout.header_len == hdr.hlen ||
		    layout.header_len == hdr.hlen + VTCP_DIGEST_LEN);
	FUZZ_ASSERT((u64)layout.header_len + layout.pad_len + layout.data_len +
		    layout.ddgst_len == plen);
	if (!layout.data_len) {
		FUZZ_ASSERT(!layout.pad_len && !layout.ddgst_len && !hdr.pdo);
		return;
	}
	FUZZ_ASSERT(hdr.pdo == layout.header_len + layout.pad_len);
	FUZZ_ASSERT(hdr.pdo % (((u32)rules.cpda + 1) * 4) == 0);
	FUZZ_ASSERT(layout.data_len <= ref_max_data(&rules, hdr.type));
	FUZZ_ASSERT(layout.ddgst_len == 0 || layout.ddgst_len == VTCP_DIGEST_LEN);
}

static void fuzz_icreq(struct fuzz_input *in)
{
	struct vtcp_icreq_pdu icreq;
	struct vtcp_fatal fatal = { 0 };
	bool ok;
	int ret;

	fuzz_bytes(in, &icreq, sizeof(icreq));
	ok = le16_to_cpu(icreq.pfv) == VTCP_PFV_1_0 && icreq.hpda <= VTCP_MAX_HPDA &&
	     !(icreq.digest & ~(VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA));
	ret = vtcp_pdu_check_icreq(&icreq, &fatal);
	FUZZ_ASSERT(!ret == ok);
	if (ret)
		FUZZ_ASSERT(fatal.fei < sizeof(icreq));
}

/* H2CData PDUs against one R2T: what is accepted fills the window once. */
static void fuzz_h2c(struct fuzz_input *in)
{
	struct vtcp_h2c_window window;
	struct vtcp_pdu_layout layout = { 0 };
	u32 start, end, accepted = 0, i;
	bool done = false;

	window.command_id = fuzz_u16(in);
	start = fuzz_u32(in);
	end = fuzz_u32(in);
	if (fuzz_u8(in) & 1) {
		/* A realistic R2T: offset and length within a few MiB. */
		start %= 1 << 22;
		end = start + 1 + end % (1 << 22);
	}
	if (end < start)
		return;
	window.next_offset = start;
	window.end = end;

	for (i = 0; i < 64 && !fuzz_done(in); i++) {
		struct vtcp_data_pdu pdu = { 0 };
		struct vtcp_fatal fatal = { 0 };
		u8 how = fuzz_u8(in);
		u32 offset, length;
		int ret;

		pdu.hdr.type = VTCP_H2C_DATA;
		pdu.hdr.flags = how & VTCP_F_DATA_LAST;
		pdu.command_id = how & 0x10 ? fuzz_u16(in) : window.command_id;
		offset = how & 0x20 ? fuzz_u32(in) : window.next_offset;
		length = fuzz_u32(in);
		if (how & 0x40)
			length %= 65536;
		pdu.data_offset = cpu_to_le32(offset);
		pdu.data_length = cpu_to_le32(length);
		layout.data_len = how & 0x80 ? fuzz_u32(in) : length;

		ret = vtcp_pdu_check_h2c(&pdu, &layout, &window, &fatal);
		FUZZ_ASSERT(ret == 0 || ret == -EPROTO);
		if (ret)
			continue;
		FUZZ_ASSERT(!done);
		FUZZ_ASSERT(pdu.command_id == window.command_id);
		FUZZ_ASSERT(length && length == layout.data_len);
		FUZZ_ASSERT(offset == window.next_offset);
		FUZZ_ASSERT((u64)offset + length <= window.end);
		FUZZ_ASSERT(!!(pdu.hdr.flags & VTCP_F_DATA_LAST) ==
			    ((u64)offset + length == window.end));
		/* What rx.c does with an accepted PDU. */
		window.next_offset += length;
		accepted += length;
		done = pdu.hdr.flags & VTCP_F_DATA_LAST;
	}
	FUZZ_ASSERT(accepted == window.next_offset - start);
	FUZZ_ASSERT(accepted <= end - start);
	if (done)
		FUZZ_ASSERT(accepted == end - start);
}

static void fuzz_data_offset(struct fuzz_input *in)
{
	u32 header_len = fuzz_u16(in) % (VTCP_MAX_HLEN + VTCP_DIGEST_LEN + 1);
	u8 pda = fuzz_u8(in);
	u32 align = ((u32)pda + 1) * 4;
	u32 pdo = vtcp_pdu_data_offset(header_len, pda);

	FUZZ_ASSERT(pdo >= header_len && pdo % align == 0 && pdo - header_len < align);
	/* cmd.c keeps a C2HData header and its pad in 128 bytes. */
	if (pda <= VTCP_MAX_HPDA && header_len <= VTCP_DATA_HLEN + VTCP_DIGEST_LEN)
		FUZZ_ASSERT(pdo <= 128);
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	struct fuzz_input in;

	fuzz_input_init(&in, data, size);
	switch (fuzz_u8(&in) % 4) {
	case 0:
		fuzz_common(&in);
		break;
	case 1:
		fuzz_icreq(&in);
		break;
	case 2:
		fuzz_h2c(&in);
		break;
	default:
		fuzz_data_offset(&in);
		break;
	}
	return 0;
}
