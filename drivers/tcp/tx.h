/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tx.c: the send list of a queue.  An item is queued once and unlinked when
 * its last byte is out; its done callback then runs in io_work.
 */
#ifndef VTCP_TX_H
#define VTCP_TX_H

#include "vtcp.h"

void vtcp_tx_init_item(struct vtcp_tx_item *item);
void vtcp_tx_prepare(struct vtcp_tx_item *item, void *head, u32 head_len,
		     void (*done)(struct vtcp_tx_item *item));
void vtcp_tx_queue(struct vtcp_queue *queue, struct vtcp_tx_item *item);
/* Send what the socket takes; < 0 ends the queue. */
int vtcp_tx(struct vtcp_queue *queue);
void vtcp_tx_drop(struct vtcp_queue *queue, bool keep_started);
void vtcp_tx_send_timer(struct work_struct *work);

#endif /* VTCP_TX_H */
