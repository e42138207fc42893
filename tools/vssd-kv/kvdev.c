// SPDX-License-Identifier: GPL-2.0
/*
 * kvdev: KV commands through libnvme's passthrough ioctls (see kvdev.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libnvme.h>

#include <vssd/kv_cmd.h>

#include "kvdev.h"

int kvdev_open(struct kvdev *d, const char *path, uint32_t nsid, bool vendor)
{
	memset(d, 0, sizeof(*d));
	d->vendor = vendor;
	d->fd = open(path, O_RDONLY);
	if (d->fd < 0)
		return -errno;
	if (!nsid && nvme_get_nsid(d->fd, &nsid) < 0) {
		int err = errno ? -errno : -EINVAL;

		close(d->fd);
		return err;
	}
	d->nsid = nsid;
	return 0;
}

void kvdev_close(struct kvdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static uint32_t le32_of(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The key into the command: KV command set CDW2/3/14/15, Samsung CDW12..15. */
static void kvdev_key(const struct kvdev *d, uint32_t cdw[16], const void *key,
		      unsigned int klen, uint8_t opt)
{
	static const int standard[] = { 2, 3, 14, 15 }, vendor[] = { 12, 13, 14, 15 };
	const int *dws = d->vendor ? vendor : standard;
	uint8_t raw[VSSD_KV_MAX_KEY + 4] = { 0 };
	int i;

	memcpy(raw, key, klen > VSSD_KV_MAX_KEY ? VSSD_KV_MAX_KEY : klen);
	for (i = 0; i < 4; i++)
		cdw[dws[i]] = le32_of(raw + 4 * i);
	/* Key lengths above 16 go out as asked: the device must refuse them. */
	cdw[11] = (d->vendor ? klen - 1 : klen) & 0xff;
	cdw[11] |= (uint32_t)opt << 8;
}

int kvdev_raw(struct kvdev *d, const uint32_t cdw[16], void *data, uint32_t len,
	      uint32_t *result)
{
	struct nvme_passthru_cmd cmd;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = cdw[0] & 0xff;
	cmd.nsid = cdw[1] ? cdw[1] : d->nsid;
	cmd.cdw2 = cdw[2];
	cmd.cdw3 = cdw[3];
	cmd.addr = (uint64_t)(uintptr_t)data;
	cmd.data_len = len;
	cmd.cdw10 = cdw[10];
	cmd.cdw11 = cdw[11];
	cmd.cdw12 = cdw[12];
	cmd.cdw13 = cdw[13];
	cmd.cdw14 = cdw[14];
	cmd.cdw15 = cdw[15];
	ret = nvme_submit_io_passthru(d->fd, &cmd, result);
	return ret < 0 ? -errno : ret;
}

int kvdev_store(struct kvdev *d, const void *key, unsigned int klen, const void *val,
		uint32_t len, unsigned int opts)
{
	uint32_t cdw[16] = { 0 };
	uint8_t opt = 0;

	if (d->vendor) {
		cdw[0] = opts & KVDEV_APPEND ? VSSD_SKV_OP_APPEND : VSSD_SKV_OP_STORE;
		if (opts & KVDEV_IF_ABSENT)
			opt |= VSSD_SKV_STORE_IDEMPOTENT;
		if (opts & KVDEV_IF_EXISTS)
			opt |= VSSD_SKV_STORE_UPDATE_ONLY;
		cdw[10] = (len + 3) / 4;
	} else {
		if (opts & KVDEV_APPEND)
			return -EOPNOTSUPP;
		cdw[0] = VSSD_KV_OP_STORE;
		if (opts & KVDEV_IF_EXISTS)
			opt |= VSSD_KV_STORE_ONLY_IF_EXISTS;
		if (opts & KVDEV_IF_ABSENT)
			opt |= VSSD_KV_STORE_ONLY_IF_ABSENT;
		cdw[10] = len;
	}
	kvdev_key(d, cdw, key, klen, opt);
	return kvdev_raw(d, cdw, (void *)val, len, NULL);
}

int kvdev_retrieve(struct kvdev *d, const void *key, unsigned int klen, void *buf,
		   uint32_t size, uint32_t *full)
{
	uint32_t cdw[16] = { 0 };

	cdw[0] = d->vendor ? VSSD_SKV_OP_RETRIEVE : VSSD_KV_OP_RETRIEVE;
	cdw[10] = d->vendor ? (size + 3) / 4 : size;
	kvdev_key(d, cdw, key, klen, 0);
	return kvdev_raw(d, cdw, buf, size, full);
}

int kvdev_value_size(struct kvdev *d, const void *key, unsigned int klen, uint32_t *full)
{
	uint32_t cdw[16] = { 0 };

	if (!d->vendor)
		return -EOPNOTSUPP;
	cdw[0] = VSSD_SKV_OP_RETRIEVE;
	kvdev_key(d, cdw, key, klen, VSSD_SKV_RETRIEVE_SIZE_ONLY);
	return kvdev_raw(d, cdw, NULL, 0, full);
}

int kvdev_delete(struct kvdev *d, const void *key, unsigned int klen, bool must_exist)
{
	uint32_t cdw[16] = { 0 };

	cdw[0] = d->vendor ? VSSD_SKV_OP_DELETE : VSSD_KV_OP_DELETE;
	kvdev_key(d, cdw, key, klen,
		  d->vendor && must_exist ? VSSD_SKV_DELETE_CHECK_EXISTS : 0);
	return kvdev_raw(d, cdw, NULL, 0, NULL);
}

int kvdev_exist(struct kvdev *d, const void *key, unsigned int klen)
{
	uint32_t cdw[16] = { 0 };

	cdw[0] = d->vendor ? VSSD_SKV_OP_EXIST : VSSD_KV_OP_EXIST;
	kvdev_key(d, cdw, key, klen, 0);
	return kvdev_raw(d, cdw, NULL, 0, NULL);
}

int kvdev_list(struct kvdev *d, const void *start, unsigned int klen, void *buf,
	       uint32_t size, uint32_t *nr_keys)
{
	uint32_t cdw[16] = { 0 };
	struct kvdev std = *d;

	std.vendor = false;
	cdw[0] = VSSD_KV_OP_LIST;
	cdw[10] = size;
	kvdev_key(&std, cdw, start, klen, 0);
	return kvdev_raw(d, cdw, buf, size, nr_keys);
}

int kvdev_iter_open(struct kvdev *d, uint32_t prefix, uint32_t mask, uint8_t *handle)
{
	uint32_t cdw[16] = { 0 }, result = 0;
	int ret;

	cdw[0] = VSSD_SKV_OP_ITER_REQ;
	cdw[11] = (VSSD_SKV_ITER_OPEN | VSSD_SKV_ITER_KEY_ONLY) << 8;
	cdw[12] = prefix;
	cdw[13] = mask;
	ret = kvdev_raw(d, cdw, NULL, 0, &result);
	*handle = result;
	return ret;
}

int kvdev_iter_read(struct kvdev *d, uint8_t handle, void *buf, uint32_t size,
		    uint32_t *bytes)
{
	uint32_t cdw[16] = { 0 };

	cdw[0] = VSSD_SKV_OP_ITER_READ;
	cdw[10] = size / 4;
	cdw[11] = handle;
	return kvdev_raw(d, cdw, buf, size, bytes);
}

int kvdev_iter_close(struct kvdev *d, uint8_t handle)
{
	uint32_t cdw[16] = { 0 };

	cdw[0] = VSSD_SKV_OP_ITER_REQ;
	cdw[11] = handle | VSSD_SKV_ITER_CLOSE << 8;
	return kvdev_raw(d, cdw, NULL, 0, NULL);
}

int kvdev_set_ednek(struct kvdev *d, bool on)
{
	struct nvme_passthru_cmd cmd;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = nvme_admin_set_features;
	cmd.nsid = d->nsid;
	cmd.cdw10 = VSSD_FEAT_KV_CONFIG;
	cmd.cdw11 = on ? VSSD_KV_CONFIG_EDNEK : 0;
	ret = nvme_submit_admin_passthru(d->fd, &cmd, NULL);
	return ret < 0 ? -errno : ret;
}

const char *kvdev_strstatus(int status)
{
	static char other[48];

	if (status < 0)
		return strerror(-status);
	switch (status & 0x7ff) {
	case 0:
		return "success";
	case VSSD_KV_SC_CAPACITY_EXCEEDED:
		return "capacity exceeded";
	case VSSD_KV_SC_INVALID_VALUE_SIZE:
		return "invalid value size";
	case VSSD_KV_SC_INVALID_KEY_SIZE:
		return "invalid key size (1..16 bytes)";
	case VSSD_KV_SC_KEY_NOT_FOUND:
		return "key does not exist";
	case VSSD_KV_SC_KEY_EXISTS:
		return "key exists";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_VALUE_SIZE:
		return "invalid value size (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_SIZE:
		return "invalid key size, 1..16 bytes (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND:
		return "key does not exist (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_CAPACITY:
		return "capacity exceeded (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_EXISTS:
		return "key exists (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_ITER_NO_SLOT:
		return "no free iterator (vendor)";
	case VSSD_SKV_SCT << 8 | VSSD_SKV_SC_ITER_END:
		return "iterator end (vendor)";
	case 0x1:
		return "invalid opcode";
	case 0x2:
		return "invalid field in command";
	case 0xb:
		return "invalid namespace";
	case 0x20:
		return "namespace is write protected";
	default:
		snprintf(other, sizeof(other), "NVMe status 0x%x", status);
		return other;
	}
}
