/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queue.c: one accepted connection, from the ICReq to its release.  Its
 * io_work runs rx and tx; anything else that has news for the queue kicks it.
 */
#ifndef VTCP_QUEUE_H
#define VTCP_QUEUE_H

#include "vtcp.h"

int vtcp_queue_create(struct vtcp_port *port, struct socket *sock);
void vtcp_queue_kick(struct vtcp_queue *queue);
void vtcp_queue_send_icresp(struct vtcp_queue *queue);

/*
 * A protocol violation: send the C2HTermReq @fatal describes (quoting @hdr)
 * and close once it is out.
 */
void vtcp_queue_fatal(struct vtcp_queue *queue, const struct vtcp_fatal *fatal,
		      const void *hdr, u32 hdr_len);

/* Teardown by scope: one port's queues, one controller's, or all. */
void vtcp_close_port_queues(struct vtcp_port *port);
void vtcp_close_ctrl_queues(struct nvmet_ctrl *ctrl);
void vtcp_close_all_queues(void);

struct vtcp_queue *vtcp_sq_to_queue(struct nvmet_sq *sq);

#endif /* VTCP_QUEUE_H */
