// SPDX-License-Identifier: GPL-2.0
/*
 * vssd-kv: store, retrieve, delete, test and list keys on a KV namespace,
 * through the NVMe passthrough ioctls of /dev/vssdN (with --nsid),
 * /dev/vssdNnM, /dev/ngXnY or /dev/nvmeXnY.  Documentation/kv.rst.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vssd/kv_cmd.h>

#include "kvdev.h"

/*
 * Value buffers are page-aligned: the kernel then maps them for the
 * transfer as they are, so a value of the maximum size (MDTS) fits the
 * segment limit of every host transport.
 */
static void *value_alloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size ? size : 1))
		return NULL;
	return p;
}

#define MAX_VALUE	(16U << 20)

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: vssd-kv [options] DEVICE COMMAND [ARGS]\n"
		"commands:\n"
		"  put KEY VALUE      store (VALUE: text, hex:HEX or @FILE)\n"
		"  get KEY            retrieve; the value goes to stdout\n"
		"  size KEY           print the value's size\n"
		"  del KEY            delete\n"
		"  exists KEY         exit 0 if the key exists, 1 if not\n"
		"  list [START]       keys in order from START (KV List; --vendor: iterator)\n"
		"KEY: text or hex:HEX, 1..16 bytes.\n"
		"options:\n"
		"  --vendor           Samsung KV-SSD opcodes instead of the NVMe KV command set\n"
		"  --nsid N           namespace (needed on controller nodes like /dev/vssd0)\n"
		"  --if-exists        put: only if the key exists\n"
		"  --if-absent        put: only if the key does not exist\n"
		"  --append           put: append to the value (--vendor)\n"
		"  --must-exist       del: fail if the key does not exist (--vendor; else feature 20h)\n"
		"  --max N            get: buffer size in bytes (default: the value's size, up to 16 MiB)\n"
		"  --hex              get: print the value as hex; list: keys as hex\n"
		"  --prefix P --mask M  list --vendor: iterator over keys whose first 4 bytes\n"
		"                     (little-endian) match P under mask M (default 0 0: all)\n");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "text", "hex:0a1b..." or (values only) "@file" into a new buffer. */
static int parse_bytes(const char *arg, bool allow_file, uint8_t **out, uint32_t *len)
{
	size_t n, i;

	if (!strncmp(arg, "hex:", 4)) {
		arg += 4;
		n = strlen(arg);
		if (n % 2)
			return -EINVAL;
		*out = malloc(n / 2 + 1);
		if (!*out)
			return -ENOMEM;
		for (i = 0; i < n / 2; i++) {
			int hi = hexval(arg[2 * i]), lo = hexval(arg[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return -EINVAL;
			(*out)[i] = hi << 4 | lo;
		}
		*len = n / 2;
		return 0;
	}
	if (allow_file && arg[0] == '@') {
		FILE *f = fopen(arg + 1, "rb");
		long size;

		if (!f)
			return -errno;
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		if (size < 0 || size > MAX_VALUE) {
			fclose(f);
			return -EFBIG;
		}
		*out = value_alloc(size + 1);
		if (!*out || fread(*out, 1, size, f) != (size_t)size) {
			fclose(f);
			return -EIO;
		}
		fclose(f);
		*len = size;
		return 0;
	}
	*len = strlen(arg);
	*out = (uint8_t *)strdup(arg);
	return *out ? 0 : -ENOMEM;
}

static void print_bytes(const uint8_t *p, uint32_t len, bool hex)
{
	uint32_t i;

	if (!hex) {
		fwrite(p, 1, len, stdout);
		return;
	}
	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static int fail(const char *what, int status)
{
	fprintf(stderr, "vssd-kv: %s: %s\n", what, kvdev_strstatus(status));
	return (status & 0x7ff) == VSSD_KV_SC_KEY_NOT_FOUND ||
	       (status & 0x7ff) == (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND) ? 1 : 2;
}

static int list_standard(struct kvdev *d, const uint8_t *start, uint32_t slen, bool hex)
{
	uint32_t size = 64 << 10, n, i, at;
	uint8_t *buf = malloc(size), from[VSSD_KV_MAX_KEY];
	unsigned int flen = slen;
	bool skip_first = false;
	int ret;

	if (!buf)
		return 2;
	memcpy(from, start, slen);
	for (;;) {
		ret = kvdev_list(d, from, flen, buf, size, &n);
		if (ret) {
			free(buf);
			return fail("list", ret);
		}
		n = le32toh(*(uint32_t *)buf);
		for (i = 0, at = 4; i < n; i++) {
			uint16_t kl = buf[at] | buf[at + 1] << 8;

			if (!(skip_first && i == 0)) {
				print_bytes(buf + at + 2, kl, hex);
				putchar('\n');
			}
			memcpy(from, buf + at + 2, kl);
			flen = kl;
			at += (2 + kl + 3) & ~3U;
		}
		/* The next batch starts at the last key, which it repeats. */
		if (n <= (skip_first ? 1U : 0U))
			break;
		skip_first = true;
	}
	free(buf);
	return 0;
}

static int list_vendor(struct kvdev *d, uint32_t prefix, uint32_t mask, bool hex)
{
	uint32_t size = 32 << 10, bytes, n, i, at;
	uint8_t *buf = malloc(size), handle;
	int ret;

	if (!buf)
		return 2;
	ret = kvdev_iter_open(d, prefix, mask, &handle);
	if (ret) {
		free(buf);
		return fail("iterate open", ret);
	}
	for (;;) {
		ret = kvdev_iter_read(d, handle, buf, size, &bytes);
		if ((ret & 0x7ff) == (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_ITER_END)) {
			ret = 0;
			break;
		}
		if (ret)
			break;
		n = le32toh(*(uint32_t *)buf);
		for (i = 0, at = 4; i < n; i++) {
			uint32_t kl = le32toh(*(uint32_t *)(buf + at));

			print_bytes(buf + at + 4, kl, hex);
			putchar('\n');
			at += 4 + ((kl + 3) & ~3U);
		}
	}
	kvdev_iter_close(d, handle);
	free(buf);
	return ret ? fail("iterate read", ret) : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vendor", no_argument, NULL, 'v' },
		{ "nsid", required_argument, NULL, 'n' },
		{ "if-exists", no_argument, NULL, 'e' },
		{ "if-absent", no_argument, NULL, 'a' },
		{ "append", no_argument, NULL, 'A' },
		{ "must-exist", no_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "hex", no_argument, NULL, 'x' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "mask", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool vendor = false, hex = false, must_exist = false;
	uint32_t nsid = 0, max = 0, prefix = 0, mask = 0, klen = 0, vlen, full;
	unsigned int opts = 0;
	uint8_t *key = NULL, *val;
	const char *dev, *cmd;
	struct kvdev d;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			vendor = true;
			break;
		case 'n':
			nsid = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			opts |= KVDEV_IF_EXISTS;
			break;
		case 'a':
			opts |= KVDEV_IF_ABSENT;
			break;
		case 'A':
			opts |= KVDEV_APPEND;
			break;
		case 'm':
			must_exist = true;
			break;
		case 'M':
			max = strtoul(optarg, NULL, 0);
			break;
		case 'x':
			hex = true;
			break;
		case 'p':
			prefix = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			mask = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2) {
		print_usage(stderr);
		return 2;
	}
	dev = argv[optind++];
	cmd = argv[optind++];
	if (optind < argc && strcmp(cmd, "list") &&
	    parse_bytes(argv[optind++], false, &key, &klen)) {
		fprintf(stderr, "vssd-kv: bad key\n");
		return 2;
	}
	ret = kvdev_open(&d, dev, nsid, vendor);
	if (ret) {
		fprintf(stderr, "vssd-kv: %s: %s%s\n", dev, strerror(-ret),
			ret == -ENOTTY ? " (a controller node needs --nsid)" : "");
		return 2;
	}
	if (!strcmp(cmd, "list")) {
		uint8_t *start = NULL;
		uint32_t slen = 0;

		if (optind < argc && parse_bytes(argv[optind], false, &start, &slen)) {
			fprintf(stderr, "vssd-kv: bad start key\n");
			return 2;
		}
		if (slen > VSSD_KV_MAX_KEY) {
			fprintf(stderr, "vssd-kv: start key longer than 16 bytes\n");
			return 2;
		}
		return vendor ? list_vendor(&d, prefix, mask, hex) :
				list_standard(&d, start, slen, hex);
	}
	if (!key) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "put")) {
		if (optind >= argc || parse_bytes(argv[optind], true, &val, &vlen)) {
			fprintf(stderr, "vssd-kv: bad or missing value\n");
			return 2;
		}
		ret = kvdev_store(&d, key, klen, val, vlen, opts);
		return ret ? fail("put", ret) : 0;
	}
	if (!strcmp(cmd, "get")) {
		if (!max) {
			ret = vendor ? kvdev_value_size(&d, key, klen, &full) :
				       kvdev_retrieve(&d, key, klen, NULL, 0, &full);
			if (ret)
				return fail("get", ret);
			max = full < MAX_VALUE ? full : MAX_VALUE;
		}
		val = value_alloc(max);
		if (!val)
			return 2;
		ret = kvdev_retrieve(&d, key, klen, val, max, &full);
		if (ret)
			return fail("get", ret);
		print_bytes(val, full < max ? full : max, hex);
		if (hex)
			putchar('\n');
		return 0;
	}
	if (!strcmp(cmd, "size")) {
		ret = vendor ? kvdev_value_size(&d, key, klen, &full) :
			       kvdev_retrieve(&d, key, klen, NULL, 0, &full);
		if (ret)
			return fail("size", ret);
		printf("%u\n", full);
		return 0;
	}
	if (!strcmp(cmd, "del")) {
		ret = kvdev_delete(&d, key, klen, must_exist);
		return ret ? fail("del", ret) : 0;
	}
	if (!strcmp(cmd, "exists")) {
		ret = kvdev_exist(&d, key, klen);
		if (ret && (ret & 0x7ff) != VSSD_KV_SC_KEY_NOT_FOUND &&
		    (ret & 0x7ff) != (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND))
			return fail("exists", ret);
		puts(ret ? "no" : "yes");
		return ret ? 1 : 0;
	}
	fprintf(stderr, "vssd-kv: unknown command %s\n", cmd);
	print_usage(stderr);
	return 2;
}
