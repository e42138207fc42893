/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels vssd builds for (Debian 12's 6.1 and the
 * 6.12 backports), one shim each, named after the change.
 */
#ifndef VSSD_COMPAT_H
#define VSSD_COMPAT_H

#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <linux/version.h>

/*
 * Zero-copy send of whole pages.  6.5 removed ->sendpage in favour of
 * sendmsg(MSG_SPLICE_PAGES); 6.1 defines MSG_SPLICE_PAGES in some stable
 * releases but its TCP ignores it and copies, so this keys on the version,
 * not on the flag.  Returns bytes sent or a negative errno.
 */
static inline int vssd_sock_send_pages(struct socket *sock, struct bio_vec *bvec,
				       unsigned int nr, size_t len, int flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, nr, len);
	return sock_sendmsg(sock, &msg);
#else
	size_t sent = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		int more = i + 1 < nr ? MSG_MORE | MSG_SENDPAGE_NOTLAST : 0;
		int ret = kernel_sendpage(sock, bvec[i].bv_page, bvec[i].bv_offset,
					  bvec[i].bv_len, flags | more |
					  (flags & MSG_MORE ? MSG_SENDPAGE_NOTLAST : 0));

		if (ret <= 0)
			return sent ? sent : ret;
		sent += ret;
		if (ret < bvec[i].bv_len)
			break;
	}
	return sent;
#endif
}

#endif /* VSSD_COMPAT_H */
