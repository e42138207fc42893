/* SPDX-License-Identifier: GPL-2.0 */
/* rx.c: the receive state machine of a queue (runs in its io_work). */
#ifndef VTCP_RX_H
#define VTCP_RX_H

#include "vtcp.h"

void vtcp_rx_init(struct vtcp_rx *rx);
/* Read what the socket has; < 0 ends the queue. */
int vtcp_rx(struct vtcp_queue *queue);
/* CRC32C over @len bytes of @sg from byte @skip on, continuing @crc. */
u32 vtcp_crc_sg(u32 crc, struct scatterlist *sg, u32 skip, u32 len);

#endif /* VTCP_RX_H */
