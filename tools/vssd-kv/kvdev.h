/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvdev: key-value commands through the Linux NVMe passthrough ioctls
 * (libnvme), in either family: the NVMe KV Command Set or the Samsung
 * vendor opcodes.  Shared by vssd-kv, the KV load generator and the KV
 * model-check test.
 *
 * Every call returns 0, a positive NVMe status (SCT << 8 | SC, as the
 * ioctl gives it), or a negative errno.
 */
#ifndef VSSD_KVDEV_H
#define VSSD_KVDEV_H

#include <stdbool.h>
#include <stdint.h>

struct kvdev {
	int fd;
	uint32_t nsid;
	bool vendor;		/* Samsung opcodes instead of the KV command set */
};

/* Opens @path; @nsid 0: the namespace of a namespace node. */
int kvdev_open(struct kvdev *d, const char *path, uint32_t nsid, bool vendor);
void kvdev_close(struct kvdev *d);

/* Store options (both families, mapped to each one's bits). */
#define KVDEV_IF_EXISTS		0x1
#define KVDEV_IF_ABSENT		0x2
#define KVDEV_APPEND		0x4	/* vendor only */

int kvdev_store(struct kvdev *d, const void *key, unsigned int klen, const void *val,
		uint32_t len, unsigned int opts);
/* *full = the value's whole size (CQE DW0); at most @size bytes land in @buf. */
int kvdev_retrieve(struct kvdev *d, const void *key, unsigned int klen, void *buf,
		   uint32_t size, uint32_t *full);
/* Vendor "return size only". */
int kvdev_value_size(struct kvdev *d, const void *key, unsigned int klen, uint32_t *full);
int kvdev_delete(struct kvdev *d, const void *key, unsigned int klen, bool must_exist);
int kvdev_exist(struct kvdev *d, const void *key, unsigned int klen);
/* KV command set List from @start (klen 0: from the first key). */
int kvdev_list(struct kvdev *d, const void *start, unsigned int klen, void *buf,
	       uint32_t size, uint32_t *nr_keys);
/* Samsung iterators. */
int kvdev_iter_open(struct kvdev *d, uint32_t prefix, uint32_t mask, uint8_t *handle);
int kvdev_iter_read(struct kvdev *d, uint8_t handle, void *buf, uint32_t size,
		    uint32_t *bytes);
int kvdev_iter_close(struct kvdev *d, uint8_t handle);
/* Set Features 20h (EDNEK). */
int kvdev_set_ednek(struct kvdev *d, bool on);
/* Any raw command (tests): @cdw[0..15], data in or out by opcode bit 0. */
int kvdev_raw(struct kvdev *d, const uint32_t cdw[16], void *data, uint32_t len,
	      uint32_t *result);

/* A readable name for a status, for messages. */
const char *kvdev_strstatus(int status);

#endif /* VSSD_KVDEV_H */
