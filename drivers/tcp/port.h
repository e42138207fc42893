/* SPDX-License-Identifier: GPL-2.0 */
/* port.c: one listening socket per enabled nvmet port of type tcp. */
#ifndef VTCP_PORT_H
#define VTCP_PORT_H

#include "vtcp.h"

int vtcp_add_port(struct nvmet_port *nport);
void vtcp_remove_port(struct nvmet_port *nport);
/* The port holds one reference and each queue accepted on it another. */
void vtcp_port_put(struct vtcp_port *port);
/* The traddr that discovery log entries give for @nport. */
void vtcp_disc_traddr(struct nvmet_req *req, struct nvmet_port *nport, char *traddr);

#endif /* VTCP_PORT_H */
