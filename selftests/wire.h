/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wire: what every raw NVMe/TCP client of the selftests needs to build and
 * check PDUs: little-endian fields at any alignment and CRC32C digests.
 * Shared by tcp_hostile (tcp_client.c) and vtcp_fuzz.
 */
#ifndef SELFTESTS_WIRE_H
#define SELFTESTS_WIRE_H

#include <endian.h>
#include <stddef.h>
#include <string.h>

#include <vssd/tcp_wire.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

static inline void put16(u8 *p, u16 v) { v = htole16(v); memcpy(p, &v, 2); }
static inline void put32(u8 *p, u32 v) { v = htole32(v); memcpy(p, &v, 4); }
static inline void put64(u8 *p, u64 v) { v = htole64(v); memcpy(p, &v, 8); }
static inline u16 get16(const u8 *p) { u16 v; memcpy(&v, p, 2); return le16toh(v); }
static inline u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return le32toh(v); }

/* CRC32C of len bytes, as the digest goes on the wire (little endian). */
void crc32c_init(void);
u32 crc32c_digest(const void *buf, size_t len);

#endif /* SELFTESTS_WIRE_H */
