/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwd.c: the link to vssd.ko for namespaces that are vssd namespaces.  No
 * other file of the transport knows vssd.ko.
 */
#ifndef VTCP_FWD_H
#define VTCP_FWD_H

#include "vtcp.h"

/* After a successful Connect: the queue is added to its host's record. */
void vtcp_fwd_connected(struct vtcp_queue *queue);
/* On release: the queue leaves that record (the last one drops vssd.ko). */
void vtcp_fwd_queue_gone(struct vtcp_queue *queue);
/* Set up @cmd's nvmet request; false if nvmet already queued an error. */
bool vtcp_fwd_req_init(struct vtcp_queue *queue, struct vtcp_cmd *cmd);

#endif /* VTCP_FWD_H */
