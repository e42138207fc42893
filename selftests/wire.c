// SPDX-License-Identifier: GPL-2.0
/* wire: CRC32C digests for the raw NVMe/TCP clients (see wire.h). */
#include "wire.h"

static u32 crc32c_table[256];

void crc32c_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78 : c >> 1;
		crc32c_table[i] = c;
	}
}

u32 crc32c_digest(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 c = ~0U;

	while (len--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return htole32(~c);
}
