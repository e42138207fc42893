// SPDX-License-Identifier: GPL-2.0
/*
 * vssd-kv: store, retrieve, delete, test and list keys on a KV namespace,
 * through the NVMe passthrough ioctls of /dev/vssdN (with --nsid),
 * /dev/vssdNnM, /dev/ngXnY or /dev/nvmeXnY.  Documentation/kv.rst.
 *
 * The command line is checked in full (options, command, its arguments,
 * a value read from a file or stdin) before the device is opened: a usage
 * error exits 2 without touching it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vssd/kv_cmd.h>

#include "kvdev.h"

#ifndef VSSD_VERSION
#define VSSD_VERSION	"unknown"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_VALUE	(16U << 20)
#define MAX_NSID	0xfffffffeULL

/* Everything the command line asks for, checked before the device opens. */
struct kv_args {
	bool vendor, hex, must_exist, quiet, json;
	uint32_t nsid, max, prefix, mask;
	unsigned int opts;		/* KVDEV_IF_EXISTS, ... */
	uint8_t key[VSSD_KV_MAX_KEY];	/* KEY, or list's START */
	uint32_t klen;
	uint8_t *val;			/* put's VALUE */
	uint32_t vlen;
};

/* What a command's arguments are. */
enum kv_arg {
	ARG_KEY,			/* a key of 1..16 bytes */
	ARG_START,			/* a key of 0..16 bytes */
	ARG_VALUE,			/* text, hex:HEX, @FILE, - or @- */
};

struct kv_cmd {
	const char *name;
	const char *args;		/* for the usage text */
	const char *help;
	unsigned int min_args, max_args;
	enum kv_arg kinds[2];
	int (*run)(struct kvdev *d, const struct kv_args *a);
};

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

/*
 * --nsid and the like: decimal, or hex after 0x; nothing else, no sign,
 * within [min, max].  Prints why not and returns -EINVAL otherwise.
 */
static int parse_num(const char *opt, const char *arg, unsigned long long min,
		     unsigned long long max, bool show_hex, uint32_t *out)
{
	bool is_hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	const char *digits = is_hex ? arg + 2 : arg;
	unsigned long long v;
	char *end;

	if (!(is_hex ? isxdigit((unsigned char)digits[0]) : isdigit((unsigned char)digits[0]))) {
		fprintf(stderr, "vssd-kv: %s: '%s' is not a number\n", opt, arg);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(digits, &end, is_hex ? 16 : 10);
	if (*end) {
		fprintf(stderr, "vssd-kv: %s: '%s' is not a number\n", opt, arg);
		return -EINVAL;
	}
	if (errno == ERANGE || v < min || v > max) {
		if (show_hex)
			fprintf(stderr, "vssd-kv: %s: '%s' is out of range (0x%llx..0x%llx)\n",
				opt, arg, min, max);
		else
			fprintf(stderr, "vssd-kv: %s: '%s' is out of range (%llu..%llu)\n",
				opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Pairs of hex digits into @out (room for strlen(hex) / 2); -EINVAL if not. */
static int decode_hex(const char *hex, uint8_t *out, size_t *len)
{
	size_t n = strlen(hex), i;

	if (n % 2)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (out)
			out[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

/* A key (text or hex:HEX) of @min..16 bytes into a->key. */
static int parse_key(const char *arg, const char *what, size_t min, struct kv_args *a)
{
	bool is_hex = !strncmp(arg, "hex:", 4);
	size_t n = strlen(arg);

	if (is_hex && decode_hex(arg + 4, NULL, &n)) {
		fprintf(stderr, "vssd-kv: %s '%s': hex:HEX takes pairs of hex digits\n", what, arg);
		return -EINVAL;
	}
	if (n < min || n > VSSD_KV_MAX_KEY) {
		fprintf(stderr, "vssd-kv: %s '%s': invalid key size, %zu bytes (%zu..%u bytes)\n",
			what, arg, n, min, VSSD_KV_MAX_KEY);
		return -EINVAL;
	}
	if (is_hex)
		decode_hex(arg + 4, a->key, &n);
	else
		memcpy(a->key, arg, n);
	a->klen = n;
	return 0;
}

/*
 * All of @fd into a new value buffer: a loop of reads, so pipes, terminals
 * and other files that cannot seek work as well; at most MAX_VALUE bytes.
 */
static int read_value(int fd, const char *name, struct kv_args *a)
{
	size_t cap = 64 << 10, n = 0;
	uint8_t *buf = value_alloc(cap), *bigger;
	ssize_t got;

	if (!buf)
		goto nomem;
	for (;;) {
		if (n == cap) {
			cap = cap * 2 > MAX_VALUE + 1 ? MAX_VALUE + 1 : cap * 2;
			bigger = value_alloc(cap);
			if (!bigger)
				goto nomem;
			memcpy(bigger, buf, n);
			free(buf);
			buf = bigger;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "vssd-kv: value from %s: %s\n", name, strerror(errno));
			free(buf);
			return -EIO;
		}
		if (!got)
			break;
		n += got;
		if (n > MAX_VALUE) {
			fprintf(stderr, "vssd-kv: value from %s: larger than %u bytes (16 MiB)\n",
				name, MAX_VALUE);
			free(buf);
			return -EFBIG;
		}
	}
	a->val = buf;
	a->vlen = n;
	return 0;
nomem:
	free(buf);
	fprintf(stderr, "vssd-kv: value from %s: %s\n", name, strerror(ENOMEM));
	return -ENOMEM;
}

/* VALUE: "-" or "@-" (stdin), "@FILE", "hex:HEX" or text. */
static int parse_value(const char *arg, struct kv_args *a)
{
	size_t n = strlen(arg);
	int fd, ret;

	if (!strcmp(arg, "-") || !strcmp(arg, "@-"))
		return read_value(STDIN_FILENO, "stdin", a);
	if (arg[0] == '@') {
		fd = open(arg + 1, O_RDONLY);
		if (fd < 0) {
			ret = -errno;
			fprintf(stderr, "vssd-kv: value file '%s': %s\n", arg + 1, strerror(-ret));
			return ret;
		}
		ret = read_value(fd, arg + 1, a);
		close(fd);
		return ret;
	}
	if (!strncmp(arg, "hex:", 4) && decode_hex(arg + 4, NULL, &n)) {
		fprintf(stderr, "vssd-kv: value: hex:HEX takes pairs of hex digits\n");
		return -EINVAL;
	}
	if (n > MAX_VALUE) {
		fprintf(stderr, "vssd-kv: value: larger than %u bytes (16 MiB)\n", MAX_VALUE);
		return -EFBIG;
	}
	a->val = value_alloc(n);
	if (!a->val) {
		fprintf(stderr, "vssd-kv: value: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (!strncmp(arg, "hex:", 4))
		decode_hex(arg + 4, a->val, &n);
	else
		memcpy(a->val, arg, n);
	a->vlen = n;
	return 0;
}

/* Bytes as lower-case hex on stdout, without a per-byte printf. */
static void print_hex(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char out[4096];
	size_t i, at = 0;

	for (i = 0; i < len; i++) {
		out[at++] = digits[p[i] >> 4];
		out[at++] = digits[p[i] & 0xf];
		if (at == sizeof(out)) {
			fwrite(out, 1, at, stdout);
			at = 0;
		}
	}
	fwrite(out, 1, at, stdout);
}

static void print_bytes(const uint8_t *p, uint32_t len, bool hex)
{
	if (hex)
		print_hex(p, len);
	else
		fwrite(p, 1, len, stdout);
}

/* JSON output: every string is hex digits, so nothing needs escaping. */
static void json_key(const struct kv_args *a)
{
	printf("{\"key\": \"");
	print_hex(a->key, a->klen);
	printf("\"");
}

static int fail(const char *what, int status)
{
	fprintf(stderr, "vssd-kv: %s: %s\n", what, kvdev_strstatus(status));
	return (status & 0x7ff) == VSSD_KV_SC_KEY_NOT_FOUND ||
	       (status & 0x7ff) == (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND) ? 1 : 2;
}

/* One listed key: a line, or an element of {"keys": [...]}. */
static void list_key(const struct kv_args *a, unsigned long *nr, const uint8_t *key,
		     uint32_t len)
{
	if (a->json) {
		printf(*nr ? ", \"" : "{\"keys\": [\"");
		print_hex(key, len);
		putchar('"');
	} else {
		print_bytes(key, len, a->hex);
		putchar('\n');
	}
	(*nr)++;
}

static void list_end(const struct kv_args *a, unsigned long nr)
{
	if (a->json)
		puts(nr ? "]}" : "{\"keys\": []}");
}

/*
 * A key entry the device returned: @hdr bytes of length field, then @kl key
 * bytes, all inside the first @limit bytes of the buffer.  The device's
 * counts and lengths are not trusted (a remote target writes them).
 */
static bool list_entry_ok(uint32_t at, uint32_t hdr, uint32_t kl, uint32_t limit)
{
	return at <= limit && hdr <= limit - at && kl >= 1 && kl <= VSSD_KV_MAX_KEY &&
	       kl <= limit - at - hdr;
}

static int list_bad(const struct kv_args *a, unsigned long nr)
{
	list_end(a, nr);
	fprintf(stderr, "vssd-kv: list: the device returned a malformed key list\n");
	return 2;
}

static int list_standard(struct kvdev *d, const struct kv_args *a)
{
	uint32_t size = 64 << 10, n, i, at;
	uint8_t *buf = malloc(size), from[VSSD_KV_MAX_KEY];
	unsigned int flen = a->klen;
	bool skip_first = false;
	unsigned long nr = 0;
	int ret;

	if (!buf)
		return 2;
	memcpy(from, a->key, a->klen);
	for (;;) {
		ret = kvdev_list(d, from, flen, buf, size, &n);
		if (ret) {
			free(buf);
			return fail("list", ret);
		}
		n = le32toh(*(uint32_t *)buf);
		for (i = 0, at = 4; i < n; i++) {
			uint16_t kl;

			if (!list_entry_ok(at, 2, 1, size)) {
				free(buf);
				return list_bad(a, nr);
			}
			kl = buf[at] | buf[at + 1] << 8;
			if (!list_entry_ok(at, 2, kl, size)) {
				free(buf);
				return list_bad(a, nr);
			}
			if (!(skip_first && i == 0))
				list_key(a, &nr, buf + at + 2, kl);
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
	list_end(a, nr);
	return 0;
}

static int list_vendor(struct kvdev *d, const struct kv_args *a)
{
	uint32_t size = 32 << 10, bytes, n, i, at;
	uint8_t *buf = malloc(size), handle;
	unsigned long nr = 0;
	int ret;

	if (!buf)
		return 2;
	ret = kvdev_iter_open(d, a->prefix, a->mask, &handle);
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
			uint32_t kl;

			if (!list_entry_ok(at, 4, 1, size)) {
				ret = -EPROTO;
				break;
			}
			kl = le32toh(*(uint32_t *)(buf + at));
			if (!list_entry_ok(at, 4, kl, size)) {
				ret = -EPROTO;
				break;
			}
			list_key(a, &nr, buf + at + 4, kl);
			at += 4 + ((kl + 3) & ~3U);
		}
		if (ret)
			break;
	}
	kvdev_iter_close(d, handle);
	free(buf);
	if (ret == -EPROTO)
		return list_bad(a, nr);
	if (ret)
		return fail("iterate read", ret);
	list_end(a, nr);
	return 0;
}

static int cmd_list(struct kvdev *d, const struct kv_args *a)
{
	return a->vendor ? list_vendor(d, a) : list_standard(d, a);
}

static int print_ok(const struct kv_args *a)
{
	if (a->json) {
		json_key(a);
		printf(", \"status\": \"ok\"}\n");
	}
	return 0;
}

static int cmd_put(struct kvdev *d, const struct kv_args *a)
{
	int ret = kvdev_store(d, a->key, a->klen, a->val, a->vlen, a->opts);

	return ret ? fail("put", ret) : print_ok(a);
}

static int cmd_del(struct kvdev *d, const struct kv_args *a)
{
	int ret = kvdev_delete(d, a->key, a->klen, a->must_exist);

	return ret ? fail("del", ret) : print_ok(a);
}

/* The value's whole size: vendor "size only", else a Retrieve of 0 bytes. */
static int value_size(struct kvdev *d, const struct kv_args *a, uint32_t *full)
{
	return a->vendor ? kvdev_value_size(d, a->key, a->klen, full) :
			   kvdev_retrieve(d, a->key, a->klen, NULL, 0, full);
}

static int cmd_get(struct kvdev *d, const struct kv_args *a)
{
	uint32_t max = a->max, full;
	uint8_t *val;
	int ret;

	if (!max) {
		ret = value_size(d, a, &full);
		if (ret)
			return fail("get", ret);
		max = full < MAX_VALUE ? full : MAX_VALUE;
	}
	val = value_alloc(max);
	if (!val)
		return 2;
	ret = kvdev_retrieve(d, a->key, a->klen, val, max, &full);
	if (ret) {
		free(val);
		return fail("get", ret);
	}
	if (a->json) {
		json_key(a);
		printf(", \"size\": %u, \"value_hex\": \"", full);
		print_hex(val, full < max ? full : max);
		printf("\"}\n");
	} else {
		print_bytes(val, full < max ? full : max, a->hex);
		if (a->hex)
			putchar('\n');
	}
	free(val);
	return 0;
}

static int cmd_size(struct kvdev *d, const struct kv_args *a)
{
	uint32_t full;
	int ret = value_size(d, a, &full);

	if (ret)
		return fail("size", ret);
	if (a->json) {
		json_key(a);
		printf(", \"size\": %u}\n", full);
	} else {
		printf("%u\n", full);
	}
	return 0;
}

static int cmd_exists(struct kvdev *d, const struct kv_args *a)
{
	int ret = kvdev_exist(d, a->key, a->klen);

	if (ret && (ret & 0x7ff) != VSSD_KV_SC_KEY_NOT_FOUND &&
	    (ret & 0x7ff) != (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND))
		return fail("exists", ret);
	if (a->quiet)
		return ret ? 1 : 0;
	if (a->json) {
		json_key(a);
		printf(", \"exists\": %s}\n", ret ? "false" : "true");
	} else {
		puts(ret ? "no" : "yes");
	}
	return ret ? 1 : 0;
}

static const struct kv_cmd commands[] = {
	{ "put", "KEY VALUE", "store (VALUE: text, hex:HEX, @FILE; - or @-: stdin)",
	  2, 2, { ARG_KEY, ARG_VALUE }, cmd_put },
	{ "get", "KEY", "retrieve; the value goes to stdout",
	  1, 1, { ARG_KEY }, cmd_get },
	{ "size", "KEY", "print the value's size",
	  1, 1, { ARG_KEY }, cmd_size },
	{ "del", "KEY", "delete",
	  1, 1, { ARG_KEY }, cmd_del },
	{ "exists", "KEY", "print yes or no; exit 0 if the key exists, 1 if not",
	  1, 1, { ARG_KEY }, cmd_exists },
	{ "list", "[START]", "keys in order from START (KV List; --vendor: iterator)",
	  0, 1, { ARG_START }, cmd_list },
};

static const unsigned int nr_commands = ARRAY_SIZE(commands);

static void print_usage(FILE *f)
{
	char name[32];
	unsigned int i;

	fprintf(f, "usage: vssd-kv [options] DEVICE COMMAND [ARGS]\ncommands:\n");
	for (i = 0; i < nr_commands; i++) {
		snprintf(name, sizeof(name), "%s %s", commands[i].name, commands[i].args);
		fprintf(f, "  %-18s %s\n", name, commands[i].help);
	}
	fprintf(f,
		"KEY: text or hex:HEX, 1..16 bytes.  N: decimal, or hex with 0x.\n"
		"options:\n"
		"  --vendor           Samsung KV-SSD opcodes instead of the NVMe KV command set\n"
		"  --nsid N           namespace (needed on controller nodes like /dev/vssd0)\n"
		"  --if-exists        put: only if the key exists\n"
		"  --if-absent        put: only if the key does not exist\n"
		"  --append           put: append to the value (--vendor)\n"
		"  --must-exist       del: fail if the key does not exist (--vendor; else feature 20h)\n"
		"  --max N            get: buffer size in bytes, 1..16 MiB (default: the value's size)\n"
		"  --hex              get: print the value as hex; list: keys as hex\n"
		"  --prefix P --mask M  list --vendor: iterator over keys whose first 4 bytes\n"
		"                     (little-endian) match P under mask M (default 0 0: all)\n"
		"  -q, --quiet        exists: print nothing, only the exit status tells\n"
		"  -o, --output FMT   normal (default) or json (keys and values as hex)\n"
		"  -h, --help         this text\n"
		"  --version          print the version\n"
		"exit status: 0 success, 1 key does not exist, 2 any other error.\n");
}

static const struct kv_cmd *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_commands; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The command's arguments, by the kinds its table entry gives. */
static int parse_args(const struct kv_cmd *cmd, int argc, char **argv, struct kv_args *a)
{
	int i, ret = 0;

	if ((unsigned int)argc < cmd->min_args || (unsigned int)argc > cmd->max_args) {
		if (cmd->min_args == cmd->max_args)
			fprintf(stderr, "vssd-kv: %s: takes %u argument%s (%s), not %d\n",
				cmd->name, cmd->min_args, cmd->min_args == 1 ? "" : "s",
				cmd->args, argc);
		else if (!cmd->min_args)
			fprintf(stderr, "vssd-kv: %s: takes at most %u argument%s (%s), not %d\n",
				cmd->name, cmd->max_args, cmd->max_args == 1 ? "" : "s",
				cmd->args, argc);
		else
			fprintf(stderr, "vssd-kv: %s: takes %u to %u arguments (%s), not %d\n",
				cmd->name, cmd->min_args, cmd->max_args, cmd->args, argc);
		fprintf(stderr, "usage: vssd-kv [options] DEVICE %s %s\n", cmd->name, cmd->args);
		return -EINVAL;
	}
	for (i = 0; i < argc && !ret; i++) {
		switch (cmd->kinds[i]) {
		case ARG_KEY:
			ret = parse_key(argv[i], "key", 1, a);
			break;
		case ARG_START:
			ret = parse_key(argv[i], "start key", 0, a);
			break;
		case ARG_VALUE:
			ret = parse_value(argv[i], a);
			break;
		}
	}
	return ret;
}

enum {
	OPT_VENDOR = 0x100, OPT_NSID, OPT_IF_EXISTS, OPT_IF_ABSENT, OPT_APPEND,
	OPT_MUST_EXIST, OPT_MAX, OPT_HEX, OPT_PREFIX, OPT_MASK, OPT_VERSION,
};

/* The options into @a; 0, or the exit status for main (help/version: -1). */
static int parse_options(int argc, char **argv, struct kv_args *a)
{
	static const struct option longopts[] = {
		{ "vendor", no_argument, NULL, OPT_VENDOR },
		{ "nsid", required_argument, NULL, OPT_NSID },
		{ "if-exists", no_argument, NULL, OPT_IF_EXISTS },
		{ "if-absent", no_argument, NULL, OPT_IF_ABSENT },
		{ "append", no_argument, NULL, OPT_APPEND },
		{ "must-exist", no_argument, NULL, OPT_MUST_EXIST },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "mask", required_argument, NULL, OPT_MASK },
		{ "quiet", no_argument, NULL, 'q' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	bool iterator = false;
	int c, ret = 0;

	while (!ret && (c = getopt_long(argc, argv, "hqo:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_VENDOR:
			a->vendor = true;
			break;
		case OPT_NSID:
			ret = parse_num("--nsid", optarg, 1, MAX_NSID, false, &a->nsid);
			break;
		case OPT_IF_EXISTS:
			a->opts |= KVDEV_IF_EXISTS;
			break;
		case OPT_IF_ABSENT:
			a->opts |= KVDEV_IF_ABSENT;
			break;
		case OPT_APPEND:
			a->opts |= KVDEV_APPEND;
			break;
		case OPT_MUST_EXIST:
			a->must_exist = true;
			break;
		case OPT_MAX:
			ret = parse_num("--max", optarg, 1, MAX_VALUE, false, &a->max);
			break;
		case OPT_HEX:
			a->hex = true;
			break;
		case OPT_PREFIX:
			ret = parse_num("--prefix", optarg, 0, 0xffffffffULL, true, &a->prefix);
			iterator = true;
			break;
		case OPT_MASK:
			ret = parse_num("--mask", optarg, 0, 0xffffffffULL, true, &a->mask);
			iterator = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'o':
			if (!strcmp(optarg, "json")) {
				a->json = true;
			} else if (!strcmp(optarg, "normal")) {
				a->json = false;
			} else {
				fprintf(stderr,
					"vssd-kv: --output: '%s' is not a format (normal or json)\n",
					optarg);
				ret = -EINVAL;
			}
			break;
		case 'h':
			print_usage(stdout);
			return -1;
		case OPT_VERSION:
			printf("vssd-kv %s\n", VSSD_VERSION);
			return -1;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (ret)
		return 2;
	/* Options that cannot go together, refused before the device opens. */
	if ((a->opts & KVDEV_IF_EXISTS) && (a->opts & KVDEV_IF_ABSENT)) {
		fprintf(stderr, "vssd-kv: --if-exists and --if-absent exclude each other\n");
		return 2;
	}
	if ((a->opts & KVDEV_APPEND) && !a->vendor) {
		fprintf(stderr, "vssd-kv: --append needs --vendor (NVMe KV has no append)\n");
		return 2;
	}
	if (iterator && !a->vendor) {
		fprintf(stderr, "vssd-kv: --prefix and --mask need --vendor (an iterator)\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kv_args a = { 0 };
	const struct kv_cmd *cmd;
	const char *dev;
	struct kvdev d;
	int ret;

	ret = parse_options(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (argc - optind < 2) {
		fprintf(stderr, "vssd-kv: %s\n", argc == optind ? "no DEVICE and COMMAND" :
			"no COMMAND after the DEVICE");
		print_usage(stderr);
		return 2;
	}
	dev = argv[optind++];
	cmd = find_command(argv[optind]);
	if (!cmd) {
		unsigned int i;

		fprintf(stderr, "vssd-kv: unknown command '%s'; the commands:", argv[optind]);
		for (i = 0; i < nr_commands; i++)
			fprintf(stderr, " %s", commands[i].name);
		fprintf(stderr, " (vssd-kv --help)\n");
		return 2;
	}
	optind++;
	if (parse_args(cmd, argc - optind, argv + optind, &a))
		return 2;

	ret = kvdev_open(&d, dev, a.nsid, a.vendor);
	if (ret) {
		fprintf(stderr, "vssd-kv: %s: %s%s\n", dev, strerror(-ret),
			ret == -ENOTTY ? " (a controller node needs --nsid)" : "");
		free(a.val);
		return 2;
	}
	ret = cmd->run(&d, &a);
	kvdev_close(&d);
	free(a.val);
	return ret;
}
