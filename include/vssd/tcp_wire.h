/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe/TCP PDU layouts and constants, as the NVMe/TCP transport
 * specification defines them on the wire.  Shared by vssd_tcp and the
 * userspace tools that speak raw NVMe/TCP (tools/, selftests/).
 */
#ifndef VSSD_TCP_WIRE_H
#define VSSD_TCP_WIRE_H

#include <linux/types.h>

enum vtcp_pdu_type {
	VTCP_ICREQ		= 0x00,
	VTCP_ICRESP		= 0x01,
	VTCP_H2C_TERM		= 0x02,
	VTCP_C2H_TERM		= 0x03,
	VTCP_CAPSULE_CMD	= 0x04,
	VTCP_CAPSULE_RESP	= 0x05,
	VTCP_H2C_DATA		= 0x06,
	VTCP_C2H_DATA		= 0x07,
	VTCP_R2T		= 0x09,
};

enum vtcp_pdu_flags {
	VTCP_F_HDGST		= 0x01,
	VTCP_F_DDGST		= 0x02,
	VTCP_F_DATA_LAST	= 0x04,	/* data PDUs only */
	VTCP_F_DATA_SUCCESS	= 0x08,	/* C2HData only */
};

/* Fatal Error Status of a C2HTermReq/H2CTermReq. */
enum vtcp_fes {
	VTCP_FES_INVALID_HEADER_FIELD	= 0x01,
	VTCP_FES_PDU_SEQUENCE		= 0x02,
	VTCP_FES_HEADER_DIGEST		= 0x03,
	VTCP_FES_DATA_OUT_OF_RANGE	= 0x04,
	VTCP_FES_DATA_LIMIT_EXCEEDED	= 0x05,
	VTCP_FES_UNSUPPORTED_PARAMETER	= 0x06,
};

/* ICReq/ICResp digest bits. */
#define VTCP_DIGEST_HEADER	0x01
#define VTCP_DIGEST_DATA	0x02

#define VTCP_DIGEST_LEN		4
#define VTCP_PFV_1_0		0
#define VTCP_MIN_MAXH2CDATA	4096
#define VTCP_MAX_HPDA		31
#define VTCP_TERM_MAX_DATA	128	/* a term PDU carries at most 152 bytes */

/* hlen of each PDU type. */
#define VTCP_IC_HLEN		128
#define VTCP_TERM_HLEN		24
#define VTCP_CMD_HLEN		72
#define VTCP_RESP_HLEN		24
#define VTCP_DATA_HLEN		24
#define VTCP_R2T_HLEN		24
#define VTCP_MAX_HLEN		128

struct vtcp_common_hdr {
	__u8	type;
	__u8	flags;
	__u8	hlen;
	__u8	pdo;
	__le32	plen;
};

struct vtcp_icreq_pdu {
	struct vtcp_common_hdr hdr;
	__le16	pfv;
	__u8	hpda;
	__u8	digest;
	__le32	maxr2t;		/* 0's based, per command */
	__u8	rsvd[112];
};

struct vtcp_icresp_pdu {
	struct vtcp_common_hdr hdr;
	__le16	pfv;
	__u8	cpda;
	__u8	digest;
	__le32	maxh2cdata;
	__u8	rsvd[112];
};

/* FEI is a 32-bit field at the unaligned offset 10, hence two halves. */
struct vtcp_term_pdu {
	struct vtcp_common_hdr hdr;
	__le16	fes;
	__le16	fei_low;
	__le16	fei_high;
	__u8	rsvd[10];
};

struct vtcp_cmd_pdu {
	struct vtcp_common_hdr hdr;
	__u8	sqe[64];
};

struct vtcp_resp_pdu {
	struct vtcp_common_hdr hdr;
	__u8	cqe[16];
};

/* H2CData and C2HData. */
struct vtcp_data_pdu {
	struct vtcp_common_hdr hdr;
	__u16	command_id;	/* as the host put it in the SQE */
	__u16	ttag;
	__le32	data_offset;
	__le32	data_length;
	__u8	rsvd[4];
};

struct vtcp_r2t_pdu {
	struct vtcp_common_hdr hdr;
	__u16	command_id;
	__u16	ttag;
	__le32	r2t_offset;
	__le32	r2t_length;
	__u8	rsvd[4];
};

/* Byte offsets of header fields, for the FEI of a termination. */
#define VTCP_OFF_TYPE		0
#define VTCP_OFF_FLAGS		1
#define VTCP_OFF_HLEN		2
#define VTCP_OFF_PDO		3
#define VTCP_OFF_PLEN		4
#define VTCP_OFF_ICREQ_PFV	8
#define VTCP_OFF_ICREQ_HPDA	10
#define VTCP_OFF_ICREQ_DIGEST	11
#define VTCP_OFF_DATA_CID	8
#define VTCP_OFF_DATA_TTAG	10
#define VTCP_OFF_DATA_LENGTH	16

#endif /* VSSD_TCP_WIRE_H */
