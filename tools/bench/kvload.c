// SPDX-License-Identifier: GPL-2.0
/*
 * kvload: a key-value load generator for vssd KV namespaces (locally
 * /dev/vssdNnM, over NVMe/TCP /dev/ngXnY or a compat /dev/nvmeXnY).
 *
 * N threads, each with its own descriptor, issue put/get/delete in a given
 * mix on keys drawn uniformly from a key space, with value sizes from a
 * distribution, for a time or a number of operations; then it prints
 * ops/s and latency percentiles per operation and overall.  Values are a
 * pattern of their key, so --verify can check every get whatever the
 * interleaving of threads.  --block runs the same threads doing block I/O
 * of the value size (O_DIRECT pread/pwrite at random aligned offsets) on a
 * block device instead: the reference a KV figure is compared with.
 *
 *   kvload [options] DEVICE
 *     -t THREADS        (1)       -n KEYS        key space (10000)
 *     -k KEYLEN         1..16 (16)
 *     -s SIZES          value sizes: 4096 | 1024-8192 (uniform) |
 *                       4096:70,65536:30 (weighted)      (4096)
 *     -m PUT,GET,DEL    percentages (50,50,0)
 *     -T SECONDS (10)   or -o OPS (total, overrides -T)
 *     -p                prefill every key once before the timed part
 *     -V                Samsung vendor opcodes   -v  verify gets
 *     -b                block reference mode     -j FILE  JSON summary
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vssd/kv_cmd.h>

#include "../vssd-kv/kvdev.h"

enum { OP_PUT, OP_GET, OP_DEL, NR_OPS };
static const char *const op_names[NR_OPS] = { "put", "get", "del" };

#define MAX_SIZES	16

static struct {
	const char *dev;
	unsigned int threads, klen, mix[NR_OPS];
	uint64_t keys, ops;
	double seconds;
	bool prefill, vendor, verify, block;
	const char *json;
	unsigned int nr_sizes;
	uint32_t size_lo[MAX_SIZES], size_hi[MAX_SIZES], weight[MAX_SIZES];
	uint32_t max_size;
	uint64_t block_bytes;
} cfg = {
	.threads = 1, .klen = 16, .mix = { 50, 50, 0 }, .keys = 10000, .seconds = 10,
};

struct lat {
	uint64_t *ns;
	size_t n, cap;
};

struct worker {
	pthread_t thread;
	unsigned int id;
	uint64_t rng;
	struct kvdev d;
	int fd;
	uint8_t *buf;
	struct lat lat[NR_OPS];
	uint64_t errors, misses, bad, bytes;
	char first_error[128];
};

static atomic_uint_fast64_t ops_left;
static atomic_bool stop;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t rnd(struct worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ull;
}

static void make_key(uint64_t i, uint8_t *key)
{
	char tmp[32];

	/* "k" and the index, zero-padded to the key length: distinct keys. */
	snprintf(tmp, sizeof(tmp), "k%0*llu", (int)cfg.klen - 1, (unsigned long long)i);
	memcpy(key, tmp + strlen(tmp) - cfg.klen, cfg.klen);
	key[0] = 'k';
}

/* Byte j of any value of key i: the same for every put of that key. */
static inline uint8_t pattern(uint64_t i, uint32_t j)
{
	return (uint8_t)(i * 131 + j * 7 + (j >> 8));
}

static void fill(uint8_t *buf, uint64_t i, uint32_t len)
{
	uint32_t j;

	for (j = 0; j < len; j++)
		buf[j] = pattern(i, j);
}

static uint32_t pick_size(struct worker *w)
{
	uint32_t total = 0, r, k;

	for (k = 0; k < cfg.nr_sizes; k++)
		total += cfg.weight[k];
	r = rnd(w) % total;
	for (k = 0; k + 1 < cfg.nr_sizes && r >= cfg.weight[k]; k++)
		r -= cfg.weight[k];
	if (cfg.size_hi[k] == cfg.size_lo[k])
		return cfg.size_lo[k];
	return cfg.size_lo[k] + rnd(w) % (cfg.size_hi[k] - cfg.size_lo[k] + 1);
}

static int pick_op(struct worker *w)
{
	unsigned int r = rnd(w) % 100;

	if (r < cfg.mix[OP_PUT])
		return OP_PUT;
	if (r < cfg.mix[OP_PUT] + cfg.mix[OP_GET])
		return OP_GET;
	return OP_DEL;
}

static void lat_add(struct lat *l, uint64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		uint64_t *p = realloc(l->ns, cap * sizeof(*p));

		if (!p)
			return;
		l->ns = p;
		l->cap = cap;
	}
	l->ns[l->n++] = ns;
}

static void note_error(struct worker *w, const char *what, uint64_t key, int ret)
{
	if (!w->errors++)
		snprintf(w->first_error, sizeof(w->first_error), "%s of key %llu: %s", what,
			 (unsigned long long)key, kvdev_strstatus(ret));
}

static int do_kv(struct worker *w, int op, uint64_t i)
{
	uint8_t key[VSSD_KV_MAX_KEY];
	uint32_t len, full = 0, j;
	int ret;

	make_key(i, key);
	switch (op) {
	case OP_PUT:
		len = pick_size(w);
		fill(w->buf, i, len);
		ret = kvdev_store(&w->d, key, cfg.klen, w->buf, len, 0);
		if (ret)
			note_error(w, "put", i, ret);
		else
			w->bytes += len;
		return ret;
	case OP_GET:
		ret = kvdev_retrieve(&w->d, key, cfg.klen, w->buf, cfg.max_size, &full);
		/* Without the DNR bit (0x4000) and the More bit. */
		if (ret > 0 && ((ret & 0x7ff) == VSSD_KV_SC_KEY_NOT_FOUND ||
				(ret & 0x7ff) == (VSSD_SKV_SCT << 8 | VSSD_SKV_SC_KEY_NOT_FOUND))) {
			w->misses++;
			return 0;
		}
		if (ret) {
			note_error(w, "get", i, ret);
			return ret;
		}
		len = full < cfg.max_size ? full : cfg.max_size;
		w->bytes += len;
		if (cfg.verify) {
			for (j = 0; j < len && w->buf[j] == pattern(i, j); j++)
				;
			if (j < len && !w->bad++)
				snprintf(w->first_error, sizeof(w->first_error),
					 "get of key %llu: byte %u of %u differs",
					 (unsigned long long)i, j, len);
		}
		return 0;
	default:
		ret = kvdev_delete(&w->d, key, cfg.klen, false);
		if (ret)
			note_error(w, "del", i, ret);
		return ret;
	}
}

/* Block reference: put = write, get = read, of the value size, aligned. */
static int do_block(struct worker *w, int op, uint64_t i)
{
	uint32_t len = (pick_size(w) + 4095) & ~4095u;
	uint64_t slots = cfg.block_bytes / cfg.max_size;
	off_t off = (off_t)(i % (slots ? slots : 1)) * cfg.max_size;
	ssize_t n;

	if (op == OP_DEL)
		return 0;
	n = op == OP_PUT ? pwrite(w->fd, w->buf, len, off) : pread(w->fd, w->buf, len, off);
	if (n != (ssize_t)len) {
		if (!w->errors++)
			snprintf(w->first_error, sizeof(w->first_error), "%s at %lld: %s",
				 op_names[op], (long long)off, n < 0 ? strerror(errno) : "short");
		return -EIO;
	}
	w->bytes += len;
	return 0;
}

static bool take_op(void)
{
	uint_fast64_t left;

	if (!cfg.ops)
		return !atomic_load(&stop);
	left = atomic_load(&ops_left);
	while (left) {
		if (atomic_compare_exchange_weak(&ops_left, &left, left - 1))
			return true;
	}
	return false;
}

static void *run(void *arg)
{
	struct worker *w = arg;

	while (take_op()) {
		int op = pick_op(w);
		uint64_t key = rnd(w) % cfg.keys, t0 = now_ns();
		int ret = cfg.block ? do_block(w, op, key) : do_kv(w, op, key);

		if (!ret)
			lat_add(&w->lat[op], now_ns() - t0);
		if (w->errors > 100)
			break;
	}
	return NULL;
}

/* Every key once, split over the threads (untimed). */
static void *prefill(void *arg)
{
	struct worker *w = arg;
	uint64_t i;

	for (i = w->id; i < cfg.keys && w->errors < 10; i += cfg.threads)
		do_kv(w, OP_PUT, i);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (n - 1) + 0.5);
	return v[i] / 1000.0;
}

static int parse_sizes(const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;

	cfg.nr_sizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long lo, hi, weight = 1;
		char *end;

		if (cfg.nr_sizes == MAX_SIZES)
			goto bad;
		lo = strtoul(tok, &end, 0);
		hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 0);
		if (*end == ':')
			weight = strtoul(end + 1, &end, 0);
		if (*end || !lo || hi < lo || hi > (16u << 20) || !weight)
			goto bad;
		cfg.size_lo[cfg.nr_sizes] = lo;
		cfg.size_hi[cfg.nr_sizes] = hi;
		cfg.weight[cfg.nr_sizes] = weight;
		if (hi > cfg.max_size)
			cfg.max_size = hi;
		cfg.nr_sizes++;
	}
	free(copy);
	return cfg.nr_sizes ? 0 : -1;
bad:
	free(copy);
	return -1;
}

/* Distinct keys of cfg.klen bytes: "k" and klen - 1 decimal digits. */
static uint64_t key_space(void)
{
	uint64_t n = 1;
	unsigned int i;

	for (i = 1; i < cfg.klen && n < UINT64_MAX / 10; i++)
		n *= 10;
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: kvload [-t threads] [-n keys] [-k keylen] [-s sizes] [-m put,get,del]\n"
		"              [-T seconds | -o ops] [-p] [-V] [-v] [-b] [-j file] DEVICE\n");
	exit(2);
}

#define JSON_HEAD "{\"device\": \"%s\", \"mode\": \"%s\", \"threads\": %u, " \
	"\"seconds\": %.3f, \"ops\": {"
#define JSON_OP "%s\"%s\": {\"count\": %zu, \"ops_per_s\": %.1f, \"mean_us\": %.2f, " \
	"\"p50_us\": %.2f, \"p90_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f}"
#define SUMMARY "total %llu ops in %.2f s: %.0f ops/s, %.1f MB/s; get misses %llu, " \
	"errors %llu, verify failures %llu\n"

static void report(struct worker *ws, double secs)
{
	uint64_t total = 0, errors = 0, misses = 0, bad = 0, bytes = 0;
	FILE *js = cfg.json ? fopen(cfg.json, "w") : NULL;
	struct lat all = { 0 };
	bool first = true;
	unsigned int t;
	int op;

	if (cfg.json && !js)
		perror(cfg.json);
	if (js)
		fprintf(js, JSON_HEAD, cfg.dev,
			cfg.block ? "block" : cfg.vendor ? "vendor" : "kv", cfg.threads, secs);
	printf("%-5s %10s %10s %9s %9s %9s %9s %9s\n", "op", "count", "ops/s", "mean_us",
	       "p50_us", "p90_us", "p99_us", "max_us");
	for (op = 0; op <= NR_OPS; op++) {
		struct lat merged = { 0 };
		struct lat *l = op < NR_OPS ? &merged : &all;
		double sum = 0;
		size_t i;

		if (op < NR_OPS) {
			for (t = 0; t < cfg.threads; t++)
				for (i = 0; i < ws[t].lat[op].n; i++) {
					lat_add(&merged, ws[t].lat[op].ns[i]);
					lat_add(&all, ws[t].lat[op].ns[i]);
				}
		}
		if (!l->n)
			continue;
		qsort(l->ns, l->n, sizeof(*l->ns), cmp_u64);
		for (i = 0; i < l->n; i++)
			sum += l->ns[i];
		printf("%-5s %10zu %10.0f %9.1f %9.1f %9.1f %9.1f %9.1f\n",
		       op < NR_OPS ? op_names[op] : "all", l->n, l->n / secs, sum / l->n / 1000.0,
		       pct(l->ns, l->n, 50), pct(l->ns, l->n, 90), pct(l->ns, l->n, 99),
		       l->ns[l->n - 1] / 1000.0);
		if (js)
			fprintf(js, JSON_OP, first ? "" : ", ",
				op < NR_OPS ? op_names[op] : "all", l->n, l->n / secs,
				sum / l->n / 1000.0, pct(l->ns, l->n, 50), pct(l->ns, l->n, 90),
				pct(l->ns, l->n, 99), l->ns[l->n - 1] / 1000.0);
		first = false;
		if (op < NR_OPS) {
			total += l->n;
			free(merged.ns);
		}
	}
	for (t = 0; t < cfg.threads; t++) {
		errors += ws[t].errors;
		misses += ws[t].misses;
		bad += ws[t].bad;
		bytes += ws[t].bytes;
		if ((ws[t].errors || ws[t].bad) && ws[t].first_error[0])
			fprintf(stderr, "kvload: thread %u: %s\n", t, ws[t].first_error);
	}
	printf(SUMMARY, (unsigned long long)total, secs, total / secs, bytes / secs / 1e6,
	       (unsigned long long)misses, (unsigned long long)errors, (unsigned long long)bad);
	if (js) {
		fprintf(js, "}, \"errors\": %llu, \"misses\": %llu, \"verify_failures\": %llu}\n",
			(unsigned long long)errors, (unsigned long long)misses,
			(unsigned long long)bad);
		fclose(js);
	}
	free(all.ns);
}

int main(int argc, char **argv)
{
	struct worker *ws;
	uint64_t t0, t1;
	unsigned int t;
	int c, ret = 0;

	if (parse_sizes("4096"))
		return 2;
	while ((c = getopt(argc, argv, "t:n:k:s:m:T:o:pVvbj:h")) != -1) {
		switch (c) {
		case 't':
			cfg.threads = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			cfg.keys = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			cfg.klen = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.max_size = 0;
			if (parse_sizes(optarg))
				usage();
			break;
		case 'm':
			if (sscanf(optarg, "%u,%u,%u", &cfg.mix[0], &cfg.mix[1], &cfg.mix[2]) < 2 ||
			    cfg.mix[0] + cfg.mix[1] + cfg.mix[2] != 100)
				usage();
			break;
		case 'T':
			cfg.seconds = strtod(optarg, NULL);
			break;
		case 'o':
			cfg.ops = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			cfg.prefill = true;
			break;
		case 'V':
			cfg.vendor = true;
			break;
		case 'v':
			cfg.verify = true;
			break;
		case 'b':
			cfg.block = true;
			break;
		case 'j':
			cfg.json = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || !cfg.threads || cfg.threads > 256 || !cfg.keys ||
	    cfg.klen < 2 || cfg.klen > VSSD_KV_MAX_KEY || cfg.keys > key_space())
		usage();
	cfg.dev = argv[optind];
	atomic_store(&ops_left, cfg.ops);

	ws = calloc(cfg.threads, sizeof(*ws));
	if (!ws)
		return 1;
	for (t = 0; t < cfg.threads; t++) {
		struct worker *w = &ws[t];

		w->id = t;
		w->rng = 0x9e3779b97f4a7c15ull * (t + 1);
		if (posix_memalign((void **)&w->buf, 4096, (cfg.max_size + 4095) & ~4095u))
			return 1;
		if (cfg.block) {
			w->fd = open(cfg.dev, (cfg.mix[OP_PUT] ? O_RDWR : O_RDONLY) | O_DIRECT);
			if (w->fd < 0) {
				perror(cfg.dev);
				return 1;
			}
			cfg.block_bytes = lseek(w->fd, 0, SEEK_END);
			if (cfg.block_bytes < cfg.max_size) {
				fprintf(stderr, "kvload: %s is smaller than a value\n", cfg.dev);
				return 1;
			}
			continue;
		}
		ret = kvdev_open(&w->d, cfg.dev, 0, cfg.vendor);
		if (ret) {
			fprintf(stderr, "kvload: %s: %s\n", cfg.dev, kvdev_strstatus(ret));
			return 1;
		}
	}
	if (cfg.prefill && !cfg.block) {
		for (t = 0; t < cfg.threads; t++)
			pthread_create(&ws[t].thread, NULL, prefill, &ws[t]);
		for (t = 0; t < cfg.threads; t++)
			pthread_join(ws[t].thread, NULL);
		for (t = 0; t < cfg.threads; t++) {
			if (ws[t].errors) {
				fprintf(stderr, "kvload: prefill: %s\n", ws[t].first_error);
				return 1;
			}
			ws[t].bytes = 0;
		}
	}
	t0 = now_ns();
	for (t = 0; t < cfg.threads; t++)
		pthread_create(&ws[t].thread, NULL, run, &ws[t]);
	if (!cfg.ops) {
		struct timespec ts = { (time_t)cfg.seconds,
				       (long)((cfg.seconds - (time_t)cfg.seconds) * 1e9) };

		nanosleep(&ts, NULL);
		atomic_store(&stop, true);
	}
	for (t = 0; t < cfg.threads; t++)
		pthread_join(ws[t].thread, NULL);
	t1 = now_ns();
	report(ws, (t1 - t0) / 1e9);
	for (t = 0; t < cfg.threads; t++) {
		if (ws[t].errors || ws[t].bad)
			ret = 1;
		if (cfg.block)
			close(ws[t].fd);
		else
			kvdev_close(&ws[t].d);
	}
	return ret;
}
