// SPDX-License-Identifier: GPL-2.0
/*
 * zappend: Zone Append load through an NVMe namespace's passthrough node
 * (/dev/ngXnY or /dev/nvmeXnY, NVME_IOCTL_IO64_CMD).
 *
 * THREADS threads, thread i appending BS-byte blocks to zone FIRST + i,
 * each with one command in flight, so the device sees THREADS appends at
 * once.  A zone that is full (the zone size is its capacity) is reset with
 * Zone Management Send and appended to again, until the run time is over.
 * Every completion's LBA (the command's result) is checked: inside
 * the zone, right after the previous append of that thread.
 *
 *   zappend -z ZONE_BYTES -l LBA_BYTES [-n NSID] [-f FIRST] [-t THREADS]
 *           [-b BS] [-T SECONDS] [-j FILE] DEVICE
 *
 * Prints appends/s, MB/s, mean and p99 latency; -j writes the same as JSON
 * with the fields of fio's JSON output that tools/bench/report.py reads
 * (jobs[0].write.iops, .bw_bytes, .lat_ns.mean, .lat_ns.percentile).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define OPC_ZONE_MGMT_SEND	0x79
#define OPC_ZONE_APPEND		0x7d
#define ZSA_RESET		0x04

struct worker {
	pthread_t thread;
	uint64_t zslba;
	uint64_t *lat;		/* ns per append */
	size_t nr, cap;
	uint64_t bytes, resets;
	char err[160];		/* why the thread stopped early */
};

static struct {
	const char *dev;
	uint64_t zone_bytes, lba_bytes, first;
	uint32_t nsid, threads;
	size_t bs;
	double seconds;
	const char *json;
} cfg = { .nsid = 1, .first = 1, .threads = 32, .bs = 128 * 1024, .seconds = 10 };

static uint64_t deadline;
static int fd;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int record(struct worker *w, uint64_t ns)
{
	if (w->nr == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint64_t *lat = realloc(w->lat, cap * sizeof(*lat));

		if (!lat)
			return -1;
		w->lat = lat;
		w->cap = cap;
	}
	w->lat[w->nr++] = ns;
	return 0;
}

/* The command's NVMe status (SCT << 8 | SC), or -errno; *result its DW0-1. */
static int submit(uint8_t opcode, uint64_t slba, void *buf, uint32_t len, uint32_t cdw12,
		  uint32_t cdw13, uint64_t *result)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = opcode, .nsid = cfg.nsid, .addr = (uintptr_t)buf, .data_len = len,
		.cdw10 = (uint32_t)slba, .cdw11 = (uint32_t)(slba >> 32),
		.cdw12 = cdw12, .cdw13 = cdw13,
	};
	int ret = ioctl(fd, NVME_IOCTL_IO64_CMD, &c);

	if (ret < 0)
		return -errno;
	*result = c.result;
	return ret & 0x7ff;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	uint64_t blocks = cfg.bs / cfg.lba_bytes, zone_blocks = cfg.zone_bytes / cfg.lba_bytes;
	uint64_t next = w->zslba, lba;
	void *buf;
	int st;

	if (posix_memalign(&buf, 4096, cfg.bs)) {
		snprintf(w->err, sizeof(w->err), "out of memory");
		return NULL;
	}
	memset(buf, 0xa5, cfg.bs);
	st = submit(OPC_ZONE_MGMT_SEND, w->zslba, NULL, 0, 0, ZSA_RESET, &lba);
	while (!st && now_ns() < deadline) {
		uint64_t t0;

		/*
		 * The thread alone writes its zone, so it knows when the zone
		 * is full: an append to a full zone fails with Zone Is Full on
		 * the device, but nvmet's block device backend reports that as
		 * an Internal Error.
		 */
		if (next + blocks > w->zslba + zone_blocks) {
			st = submit(OPC_ZONE_MGMT_SEND, w->zslba, NULL, 0, 0, ZSA_RESET, &lba);
			w->resets++;
			next = w->zslba;
			continue;
		}
		t0 = now_ns();
		st = submit(OPC_ZONE_APPEND, w->zslba, buf, (uint32_t)cfg.bs,
			    (uint32_t)(blocks - 1), 0, &lba);
		if (st)
			break;
		if (lba != next || lba + blocks > w->zslba + zone_blocks) {
			snprintf(w->err, sizeof(w->err),
				 "zone %#llx: append landed at LBA %#llx, expected %#llx",
				 (unsigned long long)w->zslba, (unsigned long long)lba,
				 (unsigned long long)next);
			break;
		}
		next = lba + blocks;
		if (record(w, now_ns() - t0)) {
			snprintf(w->err, sizeof(w->err), "out of memory");
			break;
		}
		w->bytes += cfg.bs;
	}
	if (st < 0)
		snprintf(w->err, sizeof(w->err), "zone %#llx: %s",
			 (unsigned long long)w->zslba, strerror(-st));
	else if (st)
		snprintf(w->err, sizeof(w->err), "zone %#llx: NVMe status %#x",
			 (unsigned long long)w->zslba, st);
	free(buf);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: zappend -z ZONE_BYTES -l LBA_BYTES [-n NSID] [-f FIRST] [-t THREADS]\n"
		"               [-b BS] [-T SECONDS] [-j FILE] DEVICE\n");
	exit(2);
}

/* A number of at most @max, with an optional k or M suffix. */
static uint64_t number(const char *s, uint64_t max)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		print_usage();
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end == 'k' || *end == 'K')
		shift = 10, end++;
	else if (*end == 'm' || *end == 'M')
		shift = 20, end++;
	if (errno || *end || v > (max >> shift))
		print_usage();
	return v << shift;
}

/* The summary line; the JSON file only for a run that did not fail. */
static void report(struct worker *w, uint64_t elapsed, int failed)
{
	uint64_t *all, bytes = 0, resets = 0, sum = 0, p99 = 0;
	size_t nr = 0, i, k;
	double iops, mean = 0, secs = elapsed / 1e9;

	for (i = 0; i < cfg.threads; i++) {
		nr += w[i].nr;
		bytes += w[i].bytes;
		resets += w[i].resets;
	}
	all = malloc((nr ? nr : 1) * sizeof(*all));
	if (!all)
		exit(1);
	for (i = 0, k = 0; i < cfg.threads; i++) {
		memcpy(all + k, w[i].lat, w[i].nr * sizeof(*all));
		k += w[i].nr;
	}
	qsort(all, nr, sizeof(*all), cmp_u64);
	for (i = 0; i < nr; i++)
		sum += all[i];
	if (nr) {
		mean = (double)sum / nr;
		p99 = all[nr * 99 / 100];
	}
	iops = nr / secs;
	printf("zappend: %u zones, %zu B appends: %.0f appends/s, %.1f MB/s, ",
	       cfg.threads, cfg.bs, iops, bytes / secs / 1e6);
	printf("mean %.0f us, p99 %.0f us, %llu zone resets\n",
	       mean / 1e3, p99 / 1e3, (unsigned long long)resets);
	if (cfg.json && !failed) {
		FILE *f = fopen(cfg.json, "w");

		if (!f) {
			perror(cfg.json);
			exit(1);
		}
		fprintf(f, "{\"jobs\": [{\"jobname\": \"zappend\",\n"
			"  \"read\": {\"iops\": 0, \"bw_bytes\": 0, \"lat_ns\": {\"mean\": 0}},\n"
			"  \"write\": {\"iops\": %.3f, \"bw_bytes\": %.0f, \"total_ios\": %zu,\n"
			"    \"lat_ns\": {\"mean\": %.1f, \"percentile\": {\"99.000000\": %llu}}},\n"
			"  \"zone_resets\": %llu}]}\n",
			iops, bytes / secs, nr, mean, (unsigned long long)p99,
			(unsigned long long)resets);
		fclose(f);
	}
	free(all);
}

int main(int argc, char **argv)
{
	struct worker *w;
	uint64_t start;
	uint32_t i;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "z:l:n:f:t:b:T:j:")) != -1) {
		switch (opt) {
		case 'z':
			cfg.zone_bytes = number(optarg, 1ULL << 40);
			break;
		case 'l':
			cfg.lba_bytes = number(optarg, 1 << 16);
			break;
		case 'n':
			cfg.nsid = (uint32_t)number(optarg, 0xfffffffe);
			break;
		case 'f':
			cfg.first = number(optarg, 1ULL << 32);
			break;
		case 't':
			cfg.threads = (uint32_t)number(optarg, 1024);
			break;
		case 'b':
			cfg.bs = number(optarg, 1 << 24);
			break;
		case 'T':
			cfg.seconds = atof(optarg);
			if (!(cfg.seconds > 0 && cfg.seconds <= 86400))
				print_usage();
			break;
		case 'j':
			cfg.json = optarg;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc - 1 || !cfg.zone_bytes || !cfg.lba_bytes || !cfg.threads ||
	    !cfg.bs || cfg.bs % cfg.lba_bytes || cfg.zone_bytes % cfg.bs ||
	    cfg.bs / cfg.lba_bytes > 65536 || cfg.zone_bytes % cfg.lba_bytes)
		print_usage();
	cfg.dev = argv[optind];
	fd = open(cfg.dev, O_RDWR);
	if (fd < 0) {
		perror(cfg.dev);
		return 1;
	}
	w = calloc(cfg.threads, sizeof(*w));
	if (!w)
		return 1;
	start = now_ns();
	deadline = start + (uint64_t)(cfg.seconds * 1e9);
	for (i = 0; i < cfg.threads; i++) {
		w[i].zslba = (cfg.first + i) * (cfg.zone_bytes / cfg.lba_bytes);
		if (pthread_create(&w[i].thread, NULL, run, &w[i])) {
			fprintf(stderr, "zappend: cannot start a thread\n");
			return 1;
		}
	}
	for (i = 0; i < cfg.threads; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].err[0]) {
			fprintf(stderr, "zappend: %s: %s\n", cfg.dev, w[i].err);
			failed = 1;
		}
	}
	report(w, now_ns() - start, failed);
	close(fd);
	return failed;
}
