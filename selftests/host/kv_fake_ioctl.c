// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD stand-in for a KV namespace, so that test_vssd_kv_cli.sh
 * runs vssd-kv end to end on the host: the NVMe passthrough ioctls on a
 * regular file are answered from a directory of keys (VSSD_FAKE_KV_DIR,
 * one file per key, named by the key in hex), every other ioctl goes to
 * the C library.  NVMe KV command set only (Store, Retrieve, Exist, Delete,
 * List); keys of 1..16 bytes, a value of 1 byte or more.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>
#include <linux/types.h>

#include <vssd/kv_cmd.h>

typedef __u8 u8;
typedef __u32 u32;

struct fake_key {
	u8 bytes[VSSD_KV_MAX_KEY];
	unsigned int len;
};

static const char *fake_dir(void)
{
	return getenv("VSSD_FAKE_KV_DIR");
}

static void key_path(const struct fake_key *k, char *path, size_t size)
{
	size_t at = snprintf(path, size, "%s/", fake_dir());
	unsigned int i;

	for (i = 0; i < k->len && at + 3 < size; i++)
		at += snprintf(path + at, size - at, "%02x", k->bytes[i]);
}

static void cmd_key(const struct nvme_passthru_cmd *cmd, struct fake_key *k)
{
	u32 dw[4] = { cmd->cdw2, cmd->cdw3, cmd->cdw14, cmd->cdw15 };
	unsigned int i;

	k->len = cmd->cdw11 & 0xff;
	for (i = 0; i < VSSD_KV_MAX_KEY; i++)
		k->bytes[i] = dw[i / 4] >> (8 * (i % 4));
}

/* Shorter keys before the longer keys they prefix, as vssd's index does. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct fake_key *a = pa, *b = pb;
	unsigned int n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->bytes, b->bytes, n);

	return c ? c : (int)a->len - (int)b->len;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int name_key(const char *name, struct fake_key *k)
{
	size_t n = strlen(name), i;

	if (!n || n % 2 || n / 2 > VSSD_KV_MAX_KEY)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(name[2 * i]), lo = hexval(name[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		k->bytes[i] = hi << 4 | lo;
	}
	k->len = n / 2;
	return 0;
}

static int fake_list(struct nvme_passthru_cmd *cmd, const struct fake_key *from)
{
	struct fake_key *keys = NULL, *more;
	u8 *out = (u8 *)(uintptr_t)cmd->addr;
	size_t nr = 0, i, at = VSSD_KV_LIST_HDR;
	u32 listed = 0;
	struct dirent *e;
	DIR *dir = opendir(fake_dir());

	if (!dir)
		return 0x6;	/* Internal Error */
	while ((e = readdir(dir))) {
		more = realloc(keys, (nr + 1) * sizeof(*keys));
		if (!more)
			break;
		keys = more;
		if (!name_key(e->d_name, &keys[nr]))
			nr++;
	}
	closedir(dir);
	if (keys)
		qsort(keys, nr, sizeof(*keys), key_cmp);
	for (i = 0; i < nr; i++) {
		size_t entry = (2 + keys[i].len + 3) & ~3UL;

		if (from->len && key_cmp(&keys[i], from) < 0)
			continue;
		if (at + entry > cmd->data_len)
			break;
		out[at] = keys[i].len;
		out[at + 1] = 0;
		memcpy(out + at + 2, keys[i].bytes, keys[i].len);
		at += entry;
		listed++;
	}
	free(keys);
	/* A hostile device: the first key claims 65535 bytes. */
	if (getenv("VSSD_FAKE_KV_BAD_LIST") && listed && cmd->data_len >= VSSD_KV_LIST_HDR + 2) {
		out[VSSD_KV_LIST_HDR] = 0xff;
		out[VSSD_KV_LIST_HDR + 1] = 0xff;
	}
	if (cmd->data_len >= VSSD_KV_LIST_HDR)
		for (i = 0; i < 4; i++)
			out[i] = listed >> (8 * i);
	cmd->result = listed;
	return 0;
}

static int fake_kv(struct nvme_passthru_cmd *cmd)
{
	u8 *data = (u8 *)(uintptr_t)cmd->addr;
	u8 opt = cmd->cdw11 >> 8;
	char path[4096];
	struct fake_key k;
	struct stat st;
	ssize_t n = 0;
	bool exists;
	int fd;

	cmd_key(cmd, &k);
	if (cmd->opcode == VSSD_KV_OP_LIST)
		return fake_list(cmd, &k);
	if (!k.len || k.len > VSSD_KV_MAX_KEY)
		return VSSD_KV_SC_INVALID_KEY_SIZE;
	key_path(&k, path, sizeof(path));
	exists = !stat(path, &st);
	switch (cmd->opcode) {
	case VSSD_KV_OP_STORE:
		if (!cmd->cdw10 || cmd->cdw10 != cmd->data_len)
			return VSSD_KV_SC_INVALID_VALUE_SIZE;
		if (exists && (opt & VSSD_KV_STORE_ONLY_IF_ABSENT))
			return VSSD_KV_SC_KEY_EXISTS;
		if (!exists && (opt & VSSD_KV_STORE_ONLY_IF_EXISTS))
			return VSSD_KV_SC_KEY_NOT_FOUND;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return 0x6;
		n = write(fd, data, cmd->data_len);
		close(fd);
		return n == (ssize_t)cmd->data_len ? 0 : 0x6;
	case VSSD_KV_OP_RETRIEVE:
		if (!exists)
			return VSSD_KV_SC_KEY_NOT_FOUND;
		cmd->result = st.st_size;
		if (!cmd->data_len)
			return 0;
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 0x6;
		n = read(fd, data, cmd->data_len);
		close(fd);
		return n < 0 ? 0x6 : 0;
	case VSSD_KV_OP_EXIST:
		return exists ? 0 : VSSD_KV_SC_KEY_NOT_FOUND;
	case VSSD_KV_OP_DELETE:
		if (exists)
			unlink(path);
		return 0;
	default:
		return 0x1;	/* Invalid Command Opcode */
	}
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*next)(int fd, unsigned long request, void *arg);
	struct stat st;
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake_dir() && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		if (request == (unsigned long)NVME_IOCTL_ID)
			return 1;
		if (request == (unsigned long)NVME_IOCTL_IO_CMD)
			return fake_kv(arg);
	}
	if (!next)
		next = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	return next(fd, request, arg);
}
