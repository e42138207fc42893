// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: listening ports.  nvmet calls add_port when an nvmet tcp port
 * gets its first subsystem and remove_port when it loses its last; each
 * enabled port is a listening socket whose connections become queues.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "port.h"
#include "queue.h"

#define VTCP_LISTEN_BACKLOG	128

static void vtcp_port_release(struct kref *ref)
{
	kfree(container_of(ref, struct vtcp_port, ref));
}

void vtcp_port_put(struct vtcp_port *port)
{
	kref_put(&port->ref, vtcp_port_release);
}

static void vtcp_accept_work(struct work_struct *work)
{
	struct vtcp_port *port = container_of(work, struct vtcp_port, accept_work);
	struct socket *sock;
	int ret;

	for (;;) {
		ret = kernel_accept(port->listener, &sock, O_NONBLOCK);
		if (ret) {
			if (ret != -EAGAIN)
				pr_warn_ratelimited("accept on %pISpc failed: %d\n",
						    &port->addr, ret);
			return;
		}
		/*
		 * Each connection costs memory before it has said a word, so
		 * a port takes only so many; the rest are closed at once.
		 */
		if (atomic_read(&port->nr_queues) >= READ_ONCE(vtcp_max_connections)) {
			pr_warn_ratelimited("port %u: %u connections already: refusing a new one\n",
					    le16_to_cpu(port->nport->disc_addr.portid),
					    atomic_read(&port->nr_queues));
			sock_release(sock);
			continue;
		}
		ret = vtcp_queue_create(port, sock);
		if (ret) {
			pr_warn_ratelimited("cannot set up a connection on %pISpc: %d\n",
					    &port->addr, ret);
			sock_release(sock);
		}
	}
}

static void vtcp_listen_data_ready(struct sock *sk)
{
	struct vtcp_port *port;

	read_lock_bh(&sk->sk_callback_lock);
	port = sk->sk_user_data;
	if (port && sk->sk_state == TCP_LISTEN)
		queue_work(vtcp_wq, &port->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static int vtcp_port_family(struct nvmet_port *nport, unsigned short *af)
{
	switch (nport->disc_addr.adrfam) {
	case NVMF_ADDR_FAMILY_IP4:
		*af = AF_INET;
		return 0;
	case NVMF_ADDR_FAMILY_IP6:
		*af = AF_INET6;
		return 0;
	default:
		pr_err("port %u: address family %u is not IPv4 or IPv6\n",
		       le16_to_cpu(nport->disc_addr.portid), nport->disc_addr.adrfam);
		return -EINVAL;
	}
}

/*
 * Whether a port's address asks for a secure channel (6.12's addr_tsas
 * tls1.3): for a TCP port the first byte of the TSAS is the security type,
 * 0 for none, and kernels without TLS leave it 0.  Read as a byte, not by
 * name, so that no kernel's headers can turn the check off.
 */
static bool vtcp_port_wants_tls(const struct nvmet_port *nport)
{
	return nport->disc_addr.tsas.common[0] != 0;
}

int vtcp_add_port(struct nvmet_port *nport)
{
	u16 portid = le16_to_cpu(nport->disc_addr.portid);
	struct vtcp_port *port;
	unsigned short af;
	int ret;

	ret = vtcp_port_family(nport, &af);
	if (ret)
		return ret;
	if (vtcp_port_wants_tls(nport)) {
		/* Served in clear, it would hand a host's data to anyone. */
		pr_err("port %u: addr_tsas is tls1.3 but vssd_tcp has no TLS: refusing the port (set addr_tsas to none, or use nvmet_tcp)\n",
		       portid);
		return -EPROTONOSUPPORT;
	}
	if (nport->inline_data_size > VTCP_MAX_INLINE_SIZE) {
		pr_err("port %u: param_inline_data_size %d is above the maximum %d\n",
		       portid, nport->inline_data_size, VTCP_MAX_INLINE_SIZE);
		return -EINVAL;
	}

	if (nport->inline_data_size < 0)
		nport->inline_data_size = vtcp_inline_data_size;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	kref_init(&port->ref);
	atomic_set(&port->nr_queues, 0);
	port->nport = nport;
	INIT_WORK(&port->accept_work, vtcp_accept_work);

	ret = inet_pton_with_scope(&init_net, af, nport->disc_addr.traddr,
				   nport->disc_addr.trsvcid, &port->addr);
	if (ret) {
		pr_err("port %u: malformed address %s, service %s\n", portid,
		       nport->disc_addr.traddr, nport->disc_addr.trsvcid);
		goto out_free;
	}

	ret = sock_create(port->addr.ss_family, SOCK_STREAM, IPPROTO_TCP,
			  &port->listener);
	if (ret) {
		pr_err("port %u: cannot create a socket: %d\n", portid, ret);
		goto out_free;
	}
	sock_set_reuseaddr(port->listener->sk);
	tcp_sock_set_nodelay(port->listener->sk);

	ret = kernel_bind(port->listener, (struct sockaddr *)&port->addr,
			  sizeof(port->addr));
	if (ret) {
		pr_err("port %u: cannot bind %pISpc: %d\n", portid, &port->addr, ret);
		goto out_release;
	}

	write_lock_bh(&port->listener->sk->sk_callback_lock);
	port->listener->sk->sk_user_data = port;
	port->listener_data_ready = port->listener->sk->sk_data_ready;
	port->listener->sk->sk_data_ready = vtcp_listen_data_ready;
	write_unlock_bh(&port->listener->sk->sk_callback_lock);

	ret = kernel_listen(port->listener, VTCP_LISTEN_BACKLOG);
	if (ret) {
		pr_err("port %u: cannot listen on %pISpc: %d\n", portid,
		       &port->addr, ret);
		goto out_detach;
	}

	nport->priv = port;
	pr_info("port %u: listening on %pISpc\n", portid, &port->addr);
	return 0;

out_detach:
	write_lock_bh(&port->listener->sk->sk_callback_lock);
	port->listener->sk->sk_user_data = NULL;
	port->listener->sk->sk_data_ready = port->listener_data_ready;
	write_unlock_bh(&port->listener->sk->sk_callback_lock);
out_release:
	sock_release(port->listener);
out_free:
	kfree(port);
	return ret;
}

void vtcp_remove_port(struct nvmet_port *nport)
{
	struct vtcp_port *port = nport->priv;
	struct sock *sk = port->listener->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = port->listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&port->accept_work);
	sock_release(port->listener);
	port->listener = NULL;
	/* The port's hosts lose their connections with it. */
	vtcp_close_port_queues(port);
	nport->priv = NULL;
	pr_info("port %u: removed\n", le16_to_cpu(nport->disc_addr.portid));
	vtcp_port_put(port);
}

/* For the discovery log: a wildcard port reports the address in use. */
void vtcp_disc_traddr(struct nvmet_req *req, struct nvmet_port *nport,
		      char *traddr)
{
	struct vtcp_queue *queue = vtcp_sq_to_queue(req->sq);
	struct vtcp_port *port = nport->priv;
	struct sockaddr_storage local;

	if (port && inet_addr_is_any((struct sockaddr *)&port->addr) &&
	    kernel_getsockname(queue->sock, (struct sockaddr *)&local) >= 0) {
		snprintf(traddr, NVMF_TRADDR_SIZE, "%pISc", &local);
		return;
	}
	memcpy(traddr, nport->disc_addr.traddr, NVMF_TRADDR_SIZE);
}
