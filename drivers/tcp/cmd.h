/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.c: command slots of a queue.  A slot is made at queue setup (the
 * Connect slot) or after Connect; a capsule takes a free one; write data
 * comes in against the window its R2T opened; nvmet completes the request;
 * the slot is free again once the response is out.  Slots still waiting for
 * data when the queue goes are abandoned.
 */
#ifndef VTCP_CMD_H
#define VTCP_CMD_H

#include "vtcp.h"

int vtcp_cmds_init_connect(struct vtcp_queue *queue);
int vtcp_cmds_alloc(struct vtcp_queue *queue, u32 nr);
void vtcp_cmds_free(struct vtcp_queue *queue);

/* Receive side, called from rx.c. */
struct vtcp_cmd *vtcp_cmd_get(struct vtcp_queue *queue);
struct vtcp_cmd *vtcp_cmd_capsule(struct vtcp_queue *queue, struct vtcp_cmd *cmd,
				  const struct vtcp_cmd_pdu *pdu, u32 inline_len);
int vtcp_cmd_capsule_buffer(struct vtcp_cmd *cmd);
struct vtcp_cmd *vtcp_cmd_by_ttag(struct vtcp_queue *queue, u16 ttag);
void vtcp_cmd_h2c_window(struct vtcp_cmd *cmd, struct vtcp_h2c_window *window);
void vtcp_cmd_data_received(struct vtcp_cmd *cmd, u32 bytes, bool digest_ok);
void vtcp_cmds_run_deferred(struct vtcp_queue *queue);

/* nvmet's queue_response callback; the response is sent from io_work. */
void vtcp_queue_response(struct nvmet_req *req);
void vtcp_cmd_send_response(struct vtcp_cmd *cmd);
void vtcp_cmd_put(struct vtcp_cmd *cmd);

/* io_work housekeeping: commands waiting for buffers or for their data. */
void vtcp_cmds_serve_waiting(struct vtcp_queue *queue);
void vtcp_cmds_check_waits(struct vtcp_queue *queue);
void vtcp_cmds_abandon(struct vtcp_queue *queue);

#endif /* VTCP_CMD_H */
