/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key-value commands as they appear on the wire: the NVMe Key Value Command
 * Set 1.0 (CSI 01h) and the Samsung KV-SSD vendor opcodes that NVMeVirt and
 * most published KV-SSD research use.  Values are the specifications'
 * facts; the names are vssd's.  Shared by vssd.ko, vssd_tcp.ko and
 * tools/vssd-kv (plain types only, no kernel headers).
 */
#ifndef VSSD_KV_CMD_H
#define VSSD_KV_CMD_H

#define VSSD_KV_MAX_KEY			16

/* NVMe KV Command Set opcodes. */
#define VSSD_KV_OP_STORE		0x01
#define VSSD_KV_OP_RETRIEVE		0x02
#define VSSD_KV_OP_LIST			0x06
#define VSSD_KV_OP_DELETE		0x10
#define VSSD_KV_OP_EXIST		0x14

/*
 * KV command set: key bytes 0..3 in CDW2, 4..7 in CDW3, 8..11 in CDW14,
 * 12..15 in CDW15 (little-endian); CDW11[7:0] key length in bytes,
 * CDW11[15:8] options; CDW10 value size (Store) or host buffer size.
 */
#define VSSD_KV_STORE_ONLY_IF_EXISTS	0x01	/* CDW11 bit 8 */
#define VSSD_KV_STORE_ONLY_IF_ABSENT	0x02	/* CDW11 bit 9 */
#define VSSD_KV_STORE_NO_COMPRESS	0x04	/* CDW11 bit 10, accepted */

/* KV command set status codes (generic status type). */
#define VSSD_KV_SC_CAPACITY_EXCEEDED	0x81
#define VSSD_KV_SC_INVALID_VALUE_SIZE	0x85
#define VSSD_KV_SC_INVALID_KEY_SIZE	0x86
#define VSSD_KV_SC_KEY_NOT_FOUND	0x87
#define VSSD_KV_SC_KEY_EXISTS		0x89

/* Feature 20h (Key Value Configuration): bit 0 EDNEK. */
#define VSSD_FEAT_KV_CONFIG		0x20
#define VSSD_KV_CONFIG_EDNEK		0x1

/*
 * KV Identify Namespace (CNS 05h, CSI 01h): byte offsets.  NSZE and NUSE
 * are in bytes; KV format 0 at byte 72, 16 bytes each.
 */
#define VSSD_KV_ID_NSZE			0	/* le64 */
#define VSSD_KV_ID_NUSE			16	/* le64 */
#define VSSD_KV_ID_NSFEAT		24
#define VSSD_KV_ID_NKVF			25	/* number of KV formats, 0's based */
#define VSSD_KV_ID_NOVG			32	/* le32: optimal value granularity */
#define VSSD_KV_ID_NGUID		48
#define VSSD_KV_ID_KVF0			72
#define VSSD_KV_KVF_MAX_KEY		0	/* le16 */
#define VSSD_KV_KVF_MAX_VALUE		4	/* le32 */
#define VSSD_KV_KVF_MAX_KEYS		8	/* le32 */

/*
 * List data: le32 number of keys, then for each key a le16 length and the
 * key bytes, padded to a multiple of 4 bytes.
 */
#define VSSD_KV_LIST_HDR		4

/* Samsung KV-SSD vendor opcodes. */
#define VSSD_SKV_OP_STORE		0x81
#define VSSD_SKV_OP_APPEND		0x83
#define VSSD_SKV_OP_RETRIEVE		0x90
#define VSSD_SKV_OP_DELETE		0xa1
#define VSSD_SKV_OP_ITER_REQ		0xb1
#define VSSD_SKV_OP_ITER_READ		0xb2
#define VSSD_SKV_OP_EXIST		0xb3

/*
 * Samsung layout: key bytes in CDW12..15 (little-endian), CDW11[7:0] key
 * length - 1, CDW11[15:8] option, CDW10 value length in 4-byte words.
 * Iterate: CDW11[7:0] handle, CDW11[15:8] option, CDW12 prefix, CDW13
 * bitmask (both over the key's first four bytes, little-endian).
 */
#define VSSD_SKV_STORE_IDEMPOTENT	0x02	/* fail if the key exists */
#define VSSD_SKV_STORE_UPDATE_ONLY	0x08	/* fail if the key is absent */
#define VSSD_SKV_RETRIEVE_SIZE_ONLY	0x02	/* DW0 = size, no data */
#define VSSD_SKV_DELETE_CHECK_EXISTS	0x01	/* fail if the key is absent */
#define VSSD_SKV_ITER_OPEN		0x01
#define VSSD_SKV_ITER_CLOSE		0x02
#define VSSD_SKV_ITER_KEY_ONLY		0x04
#define VSSD_SKV_ITER_KEY_VALUE		0x08	/* refused */
#define VSSD_SKV_ITER_DELETE		0x10	/* refused */

/* Samsung status codes: status code type 3 (SCT 3h). */
#define VSSD_SKV_SCT			0x3
#define VSSD_SKV_SC_VALUE_SIZE		0x01
#define VSSD_SKV_SC_KEY_SIZE		0x03
#define VSSD_SKV_SC_KEY_NOT_FOUND	0x10
#define VSSD_SKV_SC_CAPACITY		0x12
#define VSSD_SKV_SC_KEY_EXISTS		0x80
#define VSSD_SKV_SC_ITER_NO_SLOT	0x90
#define VSSD_SKV_SC_ITER_END		0x93

/* Iterate read data: le32 number of keys, then le32 length + key, padded to 4. */
#define VSSD_SKV_ITER_HDR		4

#endif /* VSSD_KV_CMD_H */
