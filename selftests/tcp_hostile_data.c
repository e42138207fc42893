// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile cases: the data path.  R2T/H2CData writes and their misuse,
 * digests, trickled and truncated PDUs, slots, data before its R2T, the
 * tails of read buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcp_client.h"

static int c_r2t_write_and_read(void)
{
	static u8 d[65536];
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 1);
	ret = r2t_write(&c, 10, 64, d, sizeof(d), sizeof(d)) || read_back(&c, 64, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_h2c_split(void)
{
	static u8 d[65536];
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 2);
	ret = r2t_write(&c, 11, 256, d, sizeof(d), 4096) || read_back(&c, 256, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_multiple_r2ts(void)
{
	static u8 d[32768];
	struct vtcp_r2t_pdu r2t[4];
	struct conn a, c;
	struct sqe s;
	struct cqe cqe;
	int ret = 0, i;

	/* maxr2t 3: four R2Ts of 8 KiB outstanding at once (r2t_chunk=8192). */
	if (io_queue(&a, &c, 0, 3))
		return 1;
	pattern(d, sizeof(d), 3);
	s = sqe_rw(0x01, 12, 512, sizeof(d), SGL_TRANSPORT);
	send_capsule(&c, &s, NULL, 0);
	for (i = 0; i < 4; i++) {
		if (recv_until(&c, &cqe, NULL, 0, &r2t[i]) != VTCP_R2T) {
			ret = failf("only %d R2Ts arrived before any data", i);
			goto out;
		}
		if (le32toh(r2t[i].r2t_offset) != (u32)i * 8192 ||
		    le32toh(r2t[i].r2t_length) != 8192) {
			ret = failf("R2T %d covers %u+%u", i, le32toh(r2t[i].r2t_offset),
				    le32toh(r2t[i].r2t_length));
			goto out;
		}
	}
	for (i = 0; i < 4; i++)
		send_h2c(&c, 12, r2t[i].ttag, i * 8192, d + i * 8192, 8192, true);
	ret = expect_status(&c, 12, 0) || read_back(&c, 512, d, sizeof(d));
out:
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/* Start an 8 KiB write (one R2T), then send a bad H2CData. */
static int bad_h2c(int kind, u16 fes, int fei)
{
	static u8 d[1 << 20];
	struct sqe s = sqe_rw(0x01, 20, 0, 8192, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	u8 raw[64];
	struct vtcp_data_pdu *p = (void *)raw;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		conn_close(&c);
		conn_close(&a);
		return failf("no R2T");
	}
	switch (kind) {
	case 0:	/* wrong offset */
		send_h2c(&c, 20, r2t.ttag, 4096, d, 4096, false);
		break;
	case 1:	/* beyond the R2T */
		send_h2c(&c, 20, r2t.ttag, 0, d, 12288, true);
		break;
	case 2:	/* length field disagrees with plen */
		memset(raw, 0, sizeof(raw));
		p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + 16);
		p->command_id = htole16(20);
		p->ttag = r2t.ttag;
		p->data_length = htole32(8192);
		send_all(&c, raw, 40);
		break;
	case 3:	/* wrong command id for the ttag */
		send_h2c(&c, 21, r2t.ttag, 0, d, 8192, true);
		break;
	case 4:	/* LAST missing on the final PDU */
		send_h2c(&c, 20, r2t.ttag, 0, d, 8192, false);
		break;
	case 5:	/* more than MAXH2CDATA in one PDU */
		memset(raw, 0, sizeof(raw));
		p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + c.maxh2c + 4);
		send_all(&c, raw, 24);
		break;
	case 6:	/* a data PDU after all data is in, for a finished R2T */
		send_h2c(&c, 20, r2t.ttag, 0, d, 8192, true);
		if (expect_status(&c, 20, 0)) {
			conn_close(&c);
			conn_close(&a);
			return 1;
		}
		send_h2c(&c, 20, r2t.ttag, 8192, d, 4096, true);
		break;
	}
	ret = expect_term(&c, fes, fei);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_h2c_wrong_offset(void)
{
	return bad_h2c(0, VTCP_FES_DATA_OUT_OF_RANGE, -1);
}

static int c_h2c_overrun(void)
{
	return bad_h2c(1, VTCP_FES_DATA_OUT_OF_RANGE, -1);
}

static int c_h2c_length_mismatch(void)
{
	return bad_h2c(2, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_LENGTH);
}

static int c_h2c_wrong_cid(void)
{
	return bad_h2c(3, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_CID);
}

static int c_h2c_missing_last(void)
{
	return bad_h2c(4, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_FLAGS);
}

static int c_h2c_over_maxh2cdata(void)
{
	return bad_h2c(5, VTCP_FES_DATA_LIMIT_EXCEEDED, -1);
}

static int c_h2c_after_done(void)
{
	return bad_h2c(6, VTCP_FES_INVALID_HEADER_FIELD, VTCP_OFF_DATA_TTAG);
}

static int c_duplicate_cid(void)
{
	static u8 d[8192];
	struct sqe s = sqe_rw(0x01, 30, 1024, sizeof(d), SGL_TRANSPORT);
	struct sqe dup = sqe_rw(0x02, 30, 0, 4096, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct conn a, c;
	struct cqe cqe;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 4);
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T) {
		ret = failf("no R2T");
		goto out;
	}
	/* Same id while the write is in flight: Command ID Conflict. */
	send_capsule(&c, &dup, NULL, 0);
	ret = expect_status(&c, 30, 0x03);
	if (ret)
		goto out;
	/* The first command is unharmed. */
	send_h2c(&c, 30, r2t.ttag, 0, d, sizeof(d), true);
	ret = expect_status(&c, 30, 0) || read_back(&c, 1024, d, sizeof(d));
out:
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_header_digest_error(void)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x02, 40, 0, 4096, SGL_TRANSPORT);
	u8 b[76];
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER, 0))
		return 1;
	memset(b, 0, sizeof(b));
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, VTCP_F_HDGST, 72, 0, 76);
	memcpy(b + 8, s.b, 64);
	memset(b + 72, 0xab, 4);	/* wrong digest */
	send_all(&c, b, sizeof(b));
	ret = expect_term(&c, VTCP_FES_HEADER_DIGEST, -1);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_data_digest_error_incapsule(void)
{
	static u8 d[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 41, 2048, sizeof(d), SGL_INCAPSULE);
	u8 *b = malloc(72 + 4 + 4096 + 4);
	u32 dg;
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA, 0)) {
		free(b);
		return 1;
	}
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, VTCP_F_HDGST | VTCP_F_DDGST, 72, 76,
					   72 + 4 + 4096 + 4);
	memcpy(b + 8, s.b, 64);
	dg = crc32c_digest(b, 72);
	memcpy(b + 72, &dg, 4);
	memcpy(b + 76, d, 4096);
	dg = ~crc32c_digest(d, 4096);	/* wrong */
	memcpy(b + 76 + 4096, &dg, 4);
	send_all(&c, b, 72 + 4 + 4096 + 4);
	free(b);
	/* Transient Transport Error, and the queue keeps working. */
	ret = expect_status(&c, 41, 0x22);
	if (!ret) {
		pattern(d, sizeof(d), 5);
		send_capsule(&c, &s, d, sizeof(d));
		ret = expect_status(&c, 41, 0) || read_back(&c, 2048, d, sizeof(d));
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_data_digest_error_h2c(void)
{
	static u8 d[8192];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 42, 4096, sizeof(d), SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;
	int ret;

	if (io_queue(&a, &c, VTCP_DIGEST_HEADER | VTCP_DIGEST_DATA, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T)
		return failf("no R2T");
	send_h2c_bad_digest(&c, 42, r2t.ttag, 0, d, sizeof(d));
	ret = expect_status(&c, 42, 0x22);
	if (!ret) {
		pattern(d, sizeof(d), 6);
		ret = r2t_write(&c, 43, 4096, d, sizeof(d), sizeof(d)) ||
		      read_back(&c, 4096, d, sizeof(d));
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_capsule_trickled(void)
{
	static u8 d[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 50, 3072, sizeof(d), SGL_INCAPSULE);
	u8 b[72 + 4096];
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	pattern(d, sizeof(d), 7);
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, 0, 72, 72, sizeof(b));
	memcpy(b + 8, s.b, 64);
	memcpy(b + 72, d, sizeof(d));
	for (size_t i = 0; i < 200; i++) {
		send_all(&c, b + i, 1);
		usleep(1000);
	}
	send_all(&c, b + 200, sizeof(b) - 200);
	ret = expect_status(&c, 50, 0) || read_back(&c, 3072, d, sizeof(d));
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_capsule_truncated_close(void)
{
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 51, 0, 4096, SGL_INCAPSULE);
	u8 b[72 + 4096] = { 0 };

	if (io_queue(&a, &c, 0, 0))
		return 1;
	*(struct vtcp_common_hdr *)b = ch(VTCP_CAPSULE_CMD, 0, 72, 72, sizeof(b));
	memcpy(b + 8, s.b, 64);
	send_all(&c, b, 72 + 1000);
	conn_close(&c);
	conn_close(&a);
	/* Still serving. */
	if (admin_queue(&a, 0, 0))
		return 1;
	conn_close(&a);
	return 0;
}

static int c_r2t_write_abandoned(void)
{
	static u8 half[4096];
	struct conn a, c;
	struct sqe s = sqe_rw(0x01, 52, 0, 65536, SGL_TRANSPORT);
	struct vtcp_r2t_pdu r2t;
	struct cqe cqe;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	send_capsule(&c, &s, NULL, 0);
	if (recv_until(&c, &cqe, NULL, 0, &r2t) != VTCP_R2T)
		return failf("no R2T");
	/* Disappear with the write half done. */
	send_h2c(&c, 52, r2t.ttag, 0, half, sizeof(half), false);
	conn_close(&c);
	conn_close(&a);
	if (admin_queue(&a, 0, 0))
		return 1;
	conn_close(&a);
	return 0;
}

static int c_hpda_alignment(void)
{
	static u8 d[4096];
	struct conn a, c;
	int ret;

	/* HPDA 3: C2HData must start at a multiple of 16 bytes (32 here). */
	if (admin_queue(&a, 0, 0))
		return 1;
	if (conn_open(&c))
		return failf("cannot connect");
	g_hpda = 3;
	ret = icreq(&c, 0, 0);
	g_hpda = 0;
	if (!ret) {
		u16 st;

		ret = fabric_connect(&c, 1, a.cntlid, g_nqn, &st) || st;
	}
	if (!ret) {
		pattern(d, sizeof(d), 8);
		ret = r2t_write(&c, 60, 4096, d, sizeof(d), sizeof(d)) ||
		      read_back(&c, 4096, d, sizeof(d));
	}
	if (!ret && g_last_c2h_pdo != 32)
		ret = failf("C2HData pdo %u with HPDA 3, expected 32", g_last_c2h_pdo);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

static int c_more_capsules_than_slots(void)
{
	struct conn a, c;
	struct cqe cqe;
	int i, got = 0, ret = 0;

	/* The queue has 32 slots; 48 reads arrive at once.  The target
	 * stops reading until slots free, and answers all of them.
	 */
	if (io_queue(&a, &c, 0, 0))
		return 1;
	for (i = 0; i < 48; i++) {
		struct sqe s = sqe_rw(0x02, 100 + i, i * 8, 4096, SGL_TRANSPORT);

		send_capsule(&c, &s, NULL, 0);
	}
	while (got < 48) {
		if (recv_until(&c, &cqe, NULL, 0, NULL) != VTCP_CAPSULE_RESP) {
			ret = failf("only %d of 48 reads answered", got);
			break;
		}
		if (cqe.status) {
			ret = failf("read cid %u failed with 0x%x", cqe.cid, cqe.status);
			break;
		}
		got++;
	}
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/*
 * A Write capsule and an H2CData PDU for it in one segment: the data comes
 * before the target has sent the R2T it would answer.  The NLB field asks
 * for twice the SGL's length, so nvmet fails the command as soon as its
 * data is in.  PDU sequence error; the target keeps serving.
 */
static int c_h2c_before_r2t_same_segment(void)
{
	static u8 d[512];
	struct sqe s = sqe_rw(0x01, 50, 0, 1024, SGL_TRANSPORT);
	u8 buf[72 + 24 + sizeof(d)];
	struct vtcp_data_pdu *p = (void *)(buf + 72);
	struct vtcp_cmd_pdu *cp = (void *)buf;
	struct conn a, c;
	int ret;

	if (io_queue(&a, &c, 0, 0))
		return 1;
	put32(&s.b[32], sizeof(d));	/* SGL 512 B, NLB 1 (1 KiB) */
	memset(buf, 0, sizeof(buf));
	cp->hdr = ch(VTCP_CAPSULE_CMD, 0, 72, 0, 72);
	memcpy(cp->sqe, s.b, 64);
	p->hdr = ch(VTCP_H2C_DATA, VTCP_F_DATA_LAST, 24, 24, 24 + sizeof(d));
	p->command_id = htole16(50);
	p->ttag = 0;
	p->data_length = htole32(sizeof(d));
	pattern(buf + 72 + 24, sizeof(d), 5);
	send_all(&c, buf, sizeof(buf));
	ret = expect_term(&c, VTCP_FES_PDU_SEQUENCE, -1);
	conn_close(&c);
	conn_close(&a);
	/* Nothing else was harmed: a new controller does verified I/O. */
	if (!ret)
		ret = serves_again(51, 8, sizeof(d), 6);
	return ret;
}

/*
 * A host that stops reading, so that the R2T for its write cannot leave the
 * target, and sends the data for that write anyway, with the right transfer
 * tag and offset 0: a PDU sequence error.  The I/O connection has a small
 * receive buffer and MSS from its handshake on, so the target's send buffer
 * holds far less than the first read's data: no read is fully sent, none
 * gives its slot back, and the write takes the next slot of the fresh
 * queue, whose transfer tag is its index.  When the host reads again it
 * gets the rest of the read under way, then C2HTermReq (FES 02h) and the
 * close; never the write's R2T nor a response to it.
 */
#define UNSENT_READS	4
#define UNSENT_READ_LEN	(256u << 10)
#define UNSENT_CID	90

static int c_h2c_while_r2t_unsent(void)
{
	static u8 d[4096];
	u8 *buf = malloc(UNSENT_READ_LEN + 256);
	struct vtcp_term_pdu *t = (void *)buf;
	int i, type, ret = 0;
	struct conn a, c;
	struct sqe s;
	u16 st, cid;

	if (!buf)
		return failf("out of memory");
	if (admin_queue(&a, 0, 0)) {
		free(buf);
		return 1;
	}
	if (conn_open_small(&c, 4096, 1024)) {
		conn_close(&a);
		free(buf);
		return failf("cannot open the I/O connection");
	}
	if (icreq(&c, 0, 0) || fabric_connect(&c, 1, a.cntlid, g_nqn, &st)) {
		ret = 1;
		goto out;
	}
	if (st) {
		ret = failf("I/O Connect failed with status 0x%x", st);
		goto out;
	}
	/* Slots 0 to UNSENT_READS - 1: reads the host does not take. */
	for (i = 0; i < UNSENT_READS; i++) {
		s = sqe_rw(0x02, 60 + i, i * (UNSENT_READ_LEN / 512), UNSENT_READ_LEN,
			   SGL_TRANSPORT);
		send_capsule(&c, &s, NULL, 0);
	}
	usleep(500 * 1000);	/* the reads complete and fill the send path */
	s = sqe_rw(0x01, UNSENT_CID, 8192, sizeof(d), SGL_TRANSPORT);
	send_capsule(&c, &s, NULL, 0);
	usleep(300 * 1000);	/* its R2T is queued behind the read data */
	pattern(d, sizeof(d), 7);
	send_h2c(&c, UNSENT_CID, UNSENT_READS, 0, d, sizeof(d), true);

	/* Read again: what was under way, then the termination. */
	for (;;) {
		type = recv_pdu(&c, buf, UNSENT_READ_LEN + 256, NULL);
		if (type != VTCP_C2H_DATA && type != VTCP_CAPSULE_RESP)
			break;
		memcpy(&cid, buf + (type == VTCP_C2H_DATA ? 8 : 8 + 12), 2);
		if (le16toh(cid) == UNSENT_CID) {
			ret = failf("the write got a response");
			goto out;
		}
	}
	if (type == VTCP_R2T)
		ret = failf("the write's R2T left before its data: the send path was not full");
	else if (type == -2)
		ret = failf("connection closed without a C2HTermReq");
	else if (type == -3)
		ret = failf("no C2HTermReq within %d ms", TIMEOUT_MS);
	else if (type != VTCP_C2H_TERM)
		ret = failf("expected C2HTermReq, got PDU type %d", type);
	else if (le16toh(t->fes) != VTCP_FES_PDU_SEQUENCE)
		ret = failf("FES %u, expected %u (was the write's transfer tag %u?)",
			    le16toh(t->fes), VTCP_FES_PDU_SEQUENCE, UNSENT_READS);
	else if (recv_exact(&c, buf, 1, TIMEOUT_MS) != -2)
		ret = failf("the connection stayed open after C2HTermReq");
out:
	free(buf);
	conn_close(&c);
	conn_close(&a);
	return ret;
}

/*
 * Get Log Page (ANA, far shorter than asked for) in the slot an Identify
 * Controller just used: the part of the buffer the log does not fill must
 * come back zero, not as the Identify data.
 */
static int c_log_page_tail_zero(void)
{
	static u8 got[4096];
	struct conn a;
	struct cqe cqe;
	struct sqe s;
	u32 i;
	int ret = 0;

	if (admin_queue(&a, 0, 0))
		return 1;
	s = sqe_make(0x06, 70, 0, SGL_TRANSPORT, sizeof(got));
	put32(&s.b[40], 0x01);		/* CNS 01h: controller */
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, got, sizeof(got), NULL) != VTCP_CAPSULE_RESP ||
	    cqe.status) {
		conn_close(&a);
		return failf("Identify failed");
	}
	memset(got, 0xee, sizeof(got));
	s = sqe_make(0x02, 71, 0xffffffff, SGL_TRANSPORT, sizeof(got));
	put32(&s.b[40], 0x0c | (sizeof(got) / 4 - 1) << 16);	/* ANA, NUMDL */
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, got, sizeof(got), NULL) != VTCP_CAPSULE_RESP) {
		conn_close(&a);
		return failf("no Get Log Page response");
	}
	if (cqe.status) {
		ret = failf("Get Log Page status 0x%x", cqe.status);
	} else {
		for (i = 256; i < sizeof(got); i++) {
			if (got[i]) {
				ret = failf("byte %u of the log is 0x%02x, not zero", i,
					    got[i]);
				break;
			}
		}
	}
	conn_close(&a);
	return ret;
}

/*
 * Get Log Page 05h (commands supported and effects) for CSI 01h, which
 * vssd_tcp answers itself while vssd.ko is loaded: NUMD all ones asks for 16 GiB and must be
 * refused against a transfer of none (a 32-bit length wraps to 0 and
 * "succeeds"); the same log asked for properly lists the KV Store command.
 */
static int c_effects_log_numd_max(void)
{
	static u8 got[4096];
	struct conn a;
	struct cqe cqe;
	struct sqe s;
	int ret = 0;

	if (admin_queue(&a, 0, 0))
		return 1;
	s = sqe_make(0x02, 72, 0, SGL_TRANSPORT, 0);
	put32(&s.b[40], 0x05 | 0xffffu << 16);	/* LID 05h, NUMDL */
	put32(&s.b[44], 0xffff);		/* NUMDU */
	put32(&s.b[56], 0x01u << 24);		/* CSI 01h */
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, NULL, 0, NULL) != VTCP_CAPSULE_RESP) {
		conn_close(&a);
		return failf("no response to a Get Log Page of 16 GiB");
	}
	if (!cqe.status)
		ret = failf("a Get Log Page of 16 GiB into no buffer succeeded");
	memset(got, 0xee, sizeof(got));
	s = sqe_make(0x02, 73, 0, SGL_TRANSPORT, sizeof(got));
	put32(&s.b[40], 0x05 | (sizeof(got) / 4 - 1) << 16);
	put32(&s.b[56], 0x01u << 24);
	send_capsule(&a, &s, NULL, 0);
	if (recv_until(&a, &cqe, got, sizeof(got), NULL) != VTCP_CAPSULE_RESP || cqe.status)
		ret = ret ?: failf("the effects log of CSI 01h failed afterwards");
	else if (!(get32(&got[1024 + 4 * 0x01]) & 1))
		ret = ret ?: failf("the effects log of CSI 01h does not list KV Store");
	conn_close(&a);
	return ret;
}

const struct test_case tcp_data_cases[] = {
	{ "r2t_write_then_read", c_r2t_write_and_read },
	{ "h2c_split_in_pdus", c_h2c_split },
	{ "several_outstanding_r2ts", c_multiple_r2ts },
	{ "h2c_wrong_offset", c_h2c_wrong_offset },
	{ "h2c_overrun", c_h2c_overrun },
	{ "h2c_length_mismatch", c_h2c_length_mismatch },
	{ "h2c_wrong_command_id", c_h2c_wrong_cid },
	{ "h2c_missing_last_flag", c_h2c_missing_last },
	{ "h2c_over_maxh2cdata", c_h2c_over_maxh2cdata },
	{ "h2c_after_all_data", c_h2c_after_done },
	{ "duplicate_command_id", c_duplicate_cid },
	{ "header_digest_error", c_header_digest_error },
	{ "data_digest_error_incapsule", c_data_digest_error_incapsule },
	{ "data_digest_error_h2c", c_data_digest_error_h2c },
	{ "capsule_trickled", c_capsule_trickled },
	{ "capsule_truncated_then_close", c_capsule_truncated_close },
	{ "write_abandoned_mid_r2t", c_r2t_write_abandoned },
	{ "hpda_alignment", c_hpda_alignment },
	{ "more_capsules_than_slots", c_more_capsules_than_slots },
	{ "h2c_before_r2t_same_segment", c_h2c_before_r2t_same_segment },
	{ "h2c_while_r2t_unsent", c_h2c_while_r2t_unsent },
	{ "log_page_tail_zero", c_log_page_tail_zero },
	{ "effects_log_numd_max", c_effects_log_numd_max },
};

const unsigned int tcp_data_cases_n = ARRAY_SIZE(tcp_data_cases);
