/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd_tcp: validation of received PDU headers.  Pure logic (no sockets, no
 * nvmet), built into the module and into selftests/unit.
 */
#ifndef VTCP_PDU_H
#define VTCP_PDU_H

#include <vssd/pure.h>
#include <vssd/tcp_wire.h>

/* What a queue has negotiated, which decides what the host may send. */
struct vtcp_rx_rules {
	bool	connected;	/* ICReq done: capsules and data may come */
	bool	hdgst;
	bool	ddgst;
	u8	cpda;		/* the alignment we asked for: (cpda + 1) * 4 */
	u32	maxh2cdata;
	u32	inline_max;	/* in-capsule data limit */
};

/* Where the parts of a PDU lie, derived from a checked common header. */
struct vtcp_pdu_layout {
	u32	header_len;	/* hlen plus the header digest */
	u32	pad_len;	/* bytes between header and data (pdo) */
	u32	data_len;	/* data bytes, without the data digest */
	u32	ddgst_len;	/* 0 or 4 */
};

/* A fatal error: what the C2HTermReq will carry. */
struct vtcp_fatal {
	u16	fes;
	u32	fei;		/* field offset, for FES 01h and 06h */
};

/* Where an H2CData PDU must fall: the R2T it answers. */
struct vtcp_h2c_window {
	u16	command_id;
	u32	next_offset;	/* data within an R2T arrives in order */
	u32	end;		/* r2t_offset + r2t_length */
};

int vtcp_pdu_check_common(const struct vtcp_rx_rules *rules,
			  const struct vtcp_common_hdr *hdr,
			  struct vtcp_pdu_layout *layout,
			  struct vtcp_fatal *fatal);
int vtcp_pdu_check_icreq(const struct vtcp_icreq_pdu *icreq,
			 struct vtcp_fatal *fatal);
int vtcp_pdu_check_h2c(const struct vtcp_data_pdu *pdu,
		       const struct vtcp_pdu_layout *layout,
		       const struct vtcp_h2c_window *window,
		       struct vtcp_fatal *fatal);
u32 vtcp_pdu_data_offset(u32 header_len, u8 pda);

#endif /* VTCP_PDU_H */
