/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd_tcp: include/vssd/tcp_wire.h, which the userspace tools share, held
 * to the kernel's own NVMe/TCP definitions (<linux/nvme-tcp.h>) at build
 * time: every constant, PDU size and field offset the transport uses.
 * Included once, by main.c.
 */
#ifndef VTCP_WIRE_CHECK_H
#define VTCP_WIRE_CHECK_H

#include <linux/build_bug.h>
#include <linux/nvme-tcp.h>
#include <linux/stddef.h>

#include <vssd/tcp_wire.h>

/* Compared as numbers: the two sides are often of different enum types. */
#define VTCP_SAME(a, b)		static_assert((long)(a) == (long)(b), #a " != " #b)
#define VTCP_SAME_SIZE(a, b)	static_assert(sizeof(struct a) == sizeof(struct b), \
					      "size of " #a " != " #b)
#define VTCP_SAME_FIELD(a, fa, b, fb)						\
	static_assert(offsetof(struct a, fa) == offsetof(struct b, fb) &&	\
		      sizeof_field(struct a, fa) == sizeof_field(struct b, fb),	\
		      #a "." #fa " != " #b "." #fb)

VTCP_SAME(VTCP_ICREQ, nvme_tcp_icreq);
VTCP_SAME(VTCP_ICRESP, nvme_tcp_icresp);
VTCP_SAME(VTCP_H2C_TERM, nvme_tcp_h2c_term);
VTCP_SAME(VTCP_C2H_TERM, nvme_tcp_c2h_term);
VTCP_SAME(VTCP_CAPSULE_CMD, nvme_tcp_cmd);
VTCP_SAME(VTCP_CAPSULE_RESP, nvme_tcp_rsp);
VTCP_SAME(VTCP_H2C_DATA, nvme_tcp_h2c_data);
VTCP_SAME(VTCP_C2H_DATA, nvme_tcp_c2h_data);
VTCP_SAME(VTCP_R2T, nvme_tcp_r2t);

VTCP_SAME(VTCP_F_HDGST, NVME_TCP_F_HDGST);
VTCP_SAME(VTCP_F_DDGST, NVME_TCP_F_DDGST);
VTCP_SAME(VTCP_F_DATA_LAST, NVME_TCP_F_DATA_LAST);
VTCP_SAME(VTCP_F_DATA_SUCCESS, NVME_TCP_F_DATA_SUCCESS);

VTCP_SAME(VTCP_FES_INVALID_HEADER_FIELD, NVME_TCP_FES_INVALID_PDU_HDR);
VTCP_SAME(VTCP_FES_PDU_SEQUENCE, NVME_TCP_FES_PDU_SEQ_ERR);
VTCP_SAME(VTCP_FES_HEADER_DIGEST, NVME_TCP_FES_HDR_DIGEST_ERR);
VTCP_SAME(VTCP_FES_DATA_OUT_OF_RANGE, NVME_TCP_FES_DATA_OUT_OF_RANGE);
VTCP_SAME(VTCP_FES_DATA_LIMIT_EXCEEDED, NVME_TCP_FES_DATA_LIMIT_EXCEEDED);
VTCP_SAME(VTCP_FES_UNSUPPORTED_PARAMETER, NVME_TCP_FES_UNSUPPORTED_PARAM);

VTCP_SAME(VTCP_DIGEST_HEADER, NVME_TCP_HDR_DIGEST_ENABLE);
VTCP_SAME(VTCP_DIGEST_DATA, NVME_TCP_DATA_DIGEST_ENABLE);
VTCP_SAME(VTCP_PFV_1_0, NVME_TCP_PFV_1_0);
VTCP_SAME(VTCP_DIGEST_LEN, NVME_TCP_DIGEST_LENGTH);
VTCP_SAME(VTCP_MIN_MAXH2CDATA, NVME_TCP_MIN_MAXH2CDATA);
VTCP_SAME(VTCP_TERM_HLEN + VTCP_TERM_MAX_DATA, NVME_TCP_MAX_C2HTERM_PLEN);

VTCP_SAME_SIZE(vtcp_common_hdr, nvme_tcp_hdr);
VTCP_SAME(VTCP_OFF_TYPE, offsetof(struct nvme_tcp_hdr, type));
VTCP_SAME(VTCP_OFF_FLAGS, offsetof(struct nvme_tcp_hdr, flags));
VTCP_SAME(VTCP_OFF_HLEN, offsetof(struct nvme_tcp_hdr, hlen));
VTCP_SAME(VTCP_OFF_PDO, offsetof(struct nvme_tcp_hdr, pdo));
VTCP_SAME(VTCP_OFF_PLEN, offsetof(struct nvme_tcp_hdr, plen));
VTCP_SAME_FIELD(vtcp_common_hdr, type, nvme_tcp_hdr, type);
VTCP_SAME_FIELD(vtcp_common_hdr, flags, nvme_tcp_hdr, flags);
VTCP_SAME_FIELD(vtcp_common_hdr, hlen, nvme_tcp_hdr, hlen);
VTCP_SAME_FIELD(vtcp_common_hdr, pdo, nvme_tcp_hdr, pdo);
VTCP_SAME_FIELD(vtcp_common_hdr, plen, nvme_tcp_hdr, plen);

VTCP_SAME_SIZE(vtcp_icreq_pdu, nvme_tcp_icreq_pdu);
VTCP_SAME(VTCP_IC_HLEN, sizeof(struct nvme_tcp_icreq_pdu));
VTCP_SAME_FIELD(vtcp_icreq_pdu, pfv, nvme_tcp_icreq_pdu, pfv);
VTCP_SAME_FIELD(vtcp_icreq_pdu, hpda, nvme_tcp_icreq_pdu, hpda);
VTCP_SAME_FIELD(vtcp_icreq_pdu, digest, nvme_tcp_icreq_pdu, digest);
VTCP_SAME_FIELD(vtcp_icreq_pdu, maxr2t, nvme_tcp_icreq_pdu, maxr2t);
VTCP_SAME(VTCP_OFF_ICREQ_PFV, offsetof(struct nvme_tcp_icreq_pdu, pfv));
VTCP_SAME(VTCP_OFF_ICREQ_HPDA, offsetof(struct nvme_tcp_icreq_pdu, hpda));
VTCP_SAME(VTCP_OFF_ICREQ_DIGEST, offsetof(struct nvme_tcp_icreq_pdu, digest));

VTCP_SAME_SIZE(vtcp_icresp_pdu, nvme_tcp_icresp_pdu);
VTCP_SAME_FIELD(vtcp_icresp_pdu, pfv, nvme_tcp_icresp_pdu, pfv);
VTCP_SAME_FIELD(vtcp_icresp_pdu, cpda, nvme_tcp_icresp_pdu, cpda);
VTCP_SAME_FIELD(vtcp_icresp_pdu, digest, nvme_tcp_icresp_pdu, digest);
VTCP_SAME_FIELD(vtcp_icresp_pdu, maxh2cdata, nvme_tcp_icresp_pdu, maxdata);

VTCP_SAME_SIZE(vtcp_term_pdu, nvme_tcp_term_pdu);
VTCP_SAME(VTCP_TERM_HLEN, sizeof(struct nvme_tcp_term_pdu));
VTCP_SAME_FIELD(vtcp_term_pdu, fes, nvme_tcp_term_pdu, fes);
VTCP_SAME_FIELD(vtcp_term_pdu, fei_low, nvme_tcp_term_pdu, feil);
VTCP_SAME_FIELD(vtcp_term_pdu, fei_high, nvme_tcp_term_pdu, feiu);

VTCP_SAME_SIZE(vtcp_cmd_pdu, nvme_tcp_cmd_pdu);
VTCP_SAME(VTCP_CMD_HLEN, sizeof(struct nvme_tcp_cmd_pdu));
VTCP_SAME_FIELD(vtcp_cmd_pdu, sqe, nvme_tcp_cmd_pdu, cmd);

VTCP_SAME_SIZE(vtcp_resp_pdu, nvme_tcp_rsp_pdu);
VTCP_SAME(VTCP_RESP_HLEN, sizeof(struct nvme_tcp_rsp_pdu));
VTCP_SAME_FIELD(vtcp_resp_pdu, cqe, nvme_tcp_rsp_pdu, cqe);

VTCP_SAME_SIZE(vtcp_data_pdu, nvme_tcp_data_pdu);
VTCP_SAME(VTCP_DATA_HLEN, sizeof(struct nvme_tcp_data_pdu));
VTCP_SAME_FIELD(vtcp_data_pdu, command_id, nvme_tcp_data_pdu, command_id);
VTCP_SAME_FIELD(vtcp_data_pdu, ttag, nvme_tcp_data_pdu, ttag);
VTCP_SAME_FIELD(vtcp_data_pdu, data_offset, nvme_tcp_data_pdu, data_offset);
VTCP_SAME_FIELD(vtcp_data_pdu, data_length, nvme_tcp_data_pdu, data_length);
VTCP_SAME(VTCP_OFF_DATA_CID, offsetof(struct nvme_tcp_data_pdu, command_id));
VTCP_SAME(VTCP_OFF_DATA_TTAG, offsetof(struct nvme_tcp_data_pdu, ttag));
VTCP_SAME(VTCP_OFF_DATA_LENGTH, offsetof(struct nvme_tcp_data_pdu, data_length));

VTCP_SAME_SIZE(vtcp_r2t_pdu, nvme_tcp_r2t_pdu);
VTCP_SAME(VTCP_R2T_HLEN, sizeof(struct nvme_tcp_r2t_pdu));
VTCP_SAME_FIELD(vtcp_r2t_pdu, command_id, nvme_tcp_r2t_pdu, command_id);
VTCP_SAME_FIELD(vtcp_r2t_pdu, ttag, nvme_tcp_r2t_pdu, ttag);
VTCP_SAME_FIELD(vtcp_r2t_pdu, r2t_offset, nvme_tcp_r2t_pdu, r2t_offset);
VTCP_SAME_FIELD(vtcp_r2t_pdu, r2t_length, nvme_tcp_r2t_pdu, r2t_length);

#endif /* VTCP_WIRE_CHECK_H */
