/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mem.c: the budget for data buffers, per queue and for the module
 * (max_data_mb).  Charge before allocating, uncharge after freeing.
 */
#ifndef VTCP_MEM_H
#define VTCP_MEM_H

#include "vtcp.h"

unsigned int vtcp_data_mb_default(void);
unsigned long vtcp_data_in_use(void);
unsigned long vtcp_data_peak_bytes(void);
/* Start the high-water mark again from what is charged now. */
void vtcp_data_peak_reset(void);

/* false: @bytes would exceed a budget (@force charges anyway). */
bool vtcp_data_charge(struct vtcp_queue *queue, u32 bytes, bool force);
void vtcp_data_uncharge(struct vtcp_queue *queue, u32 bytes);

/* Kick @queue when buffers are freed, until it is served or cancels. */
void vtcp_data_wait(struct vtcp_queue *queue);
void vtcp_data_wait_cancel(struct vtcp_queue *queue);

#endif /* VTCP_MEM_H */
