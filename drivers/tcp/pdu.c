// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: checks on every header field a host sends, before anything is
 * read, allocated or looked up with it.  Each failure names the Fatal Error
 * Status and, for header field errors, the byte offset of the field.
 */
#include "pdu.h"

static int vtcp_fail(struct vtcp_fatal *fatal, u16 fes, u32 fei)
{
	fatal->fes = fes;
	fatal->fei = fei;
	return -EPROTO;
}

/* The fixed hlen of each PDU type a host may send; 0 for the others. */
static u8 vtcp_host_pdu_hlen(u8 type)
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
	default:
		return 0;
	}
}

static u8 vtcp_allowed_flags(u8 type)
{
	switch (type) {
	case VTCP_CAPSULE_CMD:
		return VTCP_F_HDGST | VTCP_F_DDGST;
	case VTCP_H2C_DATA:
		return VTCP_F_HDGST | VTCP_F_DDGST | VTCP_F_DATA_LAST;
	default:
		/* ICReq and term PDUs carry no digests. */
		return 0;
	}
}

/* Largest data part a PDU of this type may carry on this queue. */
static u32 vtcp_max_data(const struct vtcp_rx_rules *rules, u8 type)
{
	switch (type) {
	case VTCP_CAPSULE_CMD:
		return rules->inline_max;
	case VTCP_H2C_DATA:
		return rules->maxh2cdata;
	case VTCP_H2C_TERM:
		return VTCP_TERM_MAX_DATA;
	default:
		return 0;
	}
}

u32 vtcp_pdu_data_offset(u32 header_len, u8 pda)
{
	u32 align = ((u32)pda + 1) * 4;

	return (header_len + align - 1) / align * align;
}

int vtcp_pdu_check_common(const struct vtcp_rx_rules *rules,
			  const struct vtcp_common_hdr *hdr,
			  struct vtcp_pdu_layout *layout,
			  struct vtcp_fatal *fatal)
{
	u32 plen = le32_to_cpu(hdr->plen);
	u8 hlen = vtcp_host_pdu_hlen(hdr->type);
	bool is_icreq = hdr->type == VTCP_ICREQ;
	bool hdgst, ddgst;
	u32 align;

	memset(layout, 0, sizeof(*layout));
	if (!hlen)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_TYPE);
	/* Exactly one ICReq, first; nothing else before it. */
	if (is_icreq == rules->connected)
		return vtcp_fail(fatal, VTCP_FES_PDU_SEQUENCE, 0);
	if (hdr->flags & ~vtcp_allowed_flags(hdr->type))
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
	if (hdr->hlen != hlen)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_HLEN);

	hdgst = hdr->flags & VTCP_F_HDGST;
	ddgst = hdr->flags & VTCP_F_DDGST;
	/* Digests are all or nothing per queue, as negotiated. */
	if (vtcp_allowed_flags(hdr->type) & VTCP_F_HDGST) {
		if (hdgst != rules->hdgst)
			return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
					 VTCP_OFF_FLAGS);
		if (ddgst && !rules->ddgst)
			return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
					 VTCP_OFF_FLAGS);
	}

	layout->header_len = hlen + (hdgst ? VTCP_DIGEST_LEN : 0);
	if (plen < layout->header_len)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PLEN);

	if (plen == layout->header_len) {
		/* No data: no data offset, no data digest. */
		if (hdr->pdo)
			return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
					 VTCP_OFF_PDO);
		if (ddgst)
			return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
					 VTCP_OFF_FLAGS);
		return 0;
	}

	if (!vtcp_max_data(rules, hdr->type))
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PLEN);
	/* Term PDUs carry no data digest, whatever the queue negotiated. */
	if (rules->ddgst && !ddgst && (vtcp_allowed_flags(hdr->type) & VTCP_F_DDGST))
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
	align = ((u32)rules->cpda + 1) * 4;
	if (hdr->pdo < layout->header_len || hdr->pdo > plen || hdr->pdo % align)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PDO);

	layout->pad_len = hdr->pdo - layout->header_len;
	layout->ddgst_len = ddgst ? VTCP_DIGEST_LEN : 0;
	if (plen - hdr->pdo <= layout->ddgst_len)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_PLEN);
	layout->data_len = plen - hdr->pdo - layout->ddgst_len;
	if (layout->data_len > vtcp_max_data(rules, hdr->type))
		return vtcp_fail(fatal, VTCP_FES_DATA_LIMIT_EXCEEDED, 0);
	return 0;
}

int vtcp_pdu_check_icreq(const struct vtcp_icreq_pdu *icreq,
			 struct vtcp_fatal *fatal)
{
	if (le16_to_cpu(icreq->pfv) != VTCP_PFV_1_0)
		return vtcp_fail(fatal, VTCP_FES_UNSUPPORTED_PARAMETER,
				 VTCP_OFF_ICREQ_PFV);
	if (icreq->hpda > VTCP_MAX_HPDA)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
				 VTCP_OFF_ICREQ_HPDA);
	if (icreq->digest & ~(VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA))
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
				 VTCP_OFF_ICREQ_DIGEST);
	return 0;
}

int vtcp_pdu_check_h2c(const struct vtcp_data_pdu *pdu,
		       const struct vtcp_pdu_layout *layout,
		       const struct vtcp_h2c_window *window,
		       struct vtcp_fatal *fatal)
{
	u32 offset = le32_to_cpu(pdu->data_offset);
	u32 length = le32_to_cpu(pdu->data_length);
	bool last = pdu->hdr.flags & VTCP_F_DATA_LAST;

	if (pdu->command_id != window->command_id)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
				 VTCP_OFF_DATA_CID);
	if (!length || length != layout->data_len)
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
				 VTCP_OFF_DATA_LENGTH);
	if (offset != window->next_offset || offset >= window->end ||
	    length > window->end - offset)
		return vtcp_fail(fatal, VTCP_FES_DATA_OUT_OF_RANGE, 0);
	/* LAST_PDU marks exactly the PDU that completes the R2T. */
	if (last != (offset + length == window->end))
		return vtcp_fail(fatal, VTCP_FES_INVALID_HEADER_FIELD,
				 VTCP_OFF_FLAGS);
	return 0;
}
