/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: fault rules of a namespace, the pure part: what a line written to
 * faults/media or faults/latency means, which rule a command meets, and how
 * much later a delayed command completes.  Documentation/faults.rst is the
 * user's view.
 *
 * Media rules name a range of logical blocks, one key of a KV namespace
 * or a share of its keys, and the commands they fail: reads get
 * Unrecovered Read Error, writes Write Fault.  A rule with a count fails
 * that many matching commands, then lets them pass (a transient error);
 * without one it fails every matching command.
 *
 * Latency rules, one per kind of command (read, write, other, and all,
 * which every command meets as well as its own kind's), delay a matching
 * command with a probability, in millionths, or every Nth one, by a fixed
 * or a uniformly distributed extra time.
 *
 * The wear-out model at the end (inline) maps a percentage used to the
 * SMART available spare and critical warning.
 *
 * Not locked: the caller serialises every call on one set of rules.  Pure
 * code (include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_FAULT_H
#define VSSD_FAULT_H

#include <vssd/pure.h>

#define VSSD_FAULT_MAX_RANGES	16
#define VSSD_FAULT_PPM		1000000U	/* probability 1 */
/*
 * 60 s: the longest extra latency, past a host's I/O timeout (30 s in
 * Linux) but well inside the kernel's hung-task limit (120 s).
 */
#define VSSD_FAULT_MAX_US	60000000U
/*
 * How long a lost command is held at most (faults/lost_limit_ms, ms): the
 * same 60 s unless set lower, down to 100 ms.
 */
#define VSSD_LOST_LIMIT_MS_MIN		100U
#define VSSD_LOST_LIMIT_MS_MAX		(VSSD_FAULT_MAX_US / 1000)
#define VSSD_LOST_LIMIT_MS_DEFAULT	VSSD_LOST_LIMIT_MS_MAX
/* What vssd_fault_delay_pick() returns for a command a "lost" rule loses. */
#define VSSD_FAULT_LOST		(~0ULL)

/* What a media rule fails (bits). */
enum {
	VSSD_FAULT_READ = 1,
	VSSD_FAULT_WRITE = 2,
};

/* Kinds of commands a latency rule applies to. */
enum vssd_fault_kind {
	VSSD_FAULT_KIND_READ,
	VSSD_FAULT_KIND_WRITE,
	VSSD_FAULT_KIND_OTHER,
	VSSD_FAULT_KIND_ALL,
	VSSD_FAULT_NR_KINDS,
};

/* What a media rule names. */
enum {
	VSSD_FAULT_LBAS,	/* logical blocks [slba, slba + nlb) */
	VSSD_FAULT_KEY,		/* one key of a KV namespace */
	VSSD_FAULT_KEYS,	/* a share of the keys: ppm of them, by hash */
};

#define VSSD_FAULT_KEY_MAX	16

struct vssd_fault_media_rule {
	u64 slba;
	u64 nlb;
	u32 count;	/* 0: every matching command; else the first @count */
	u32 left;	/* of @count */
	u64 hits;	/* commands failed */
	u32 ppm;	/* VSSD_FAULT_KEYS */
	u8 ops;		/* VSSD_FAULT_READ | VSSD_FAULT_WRITE */
	u8 what;	/* VSSD_FAULT_LBAS, _KEY, _KEYS */
	u8 key_len;
	u8 key[VSSD_FAULT_KEY_MAX];
};

struct vssd_fault_delay {
	u32 ppm;	/* probability in millionths; 0: no rule */
	u32 every;	/* else 0; N: only every Nth command (ppm is then 1) */
	u32 seen;	/* commands since the last one delayed (@every) */
	u32 min_us;
	u32 max_us;	/* == min_us: a fixed extra time */
	bool lost;	/* instead of a time: the command is lost (min_us, max_us 0) */
	u64 hits;	/* commands delayed */
};

struct vssd_fault_rules {
	unsigned int nr_ranges;
	struct vssd_fault_media_rule ranges[VSSD_FAULT_MAX_RANGES];
	struct vssd_fault_delay delay[VSSD_FAULT_NR_KINDS];
};

/*
 * One line of faults/media: "clear" (*@clear set) or one rule into *@r:
 * "read|write|rw SLBA NLB [COUNT]", "read|write|rw key HEX [COUNT]" (a key
 * of 1 to 16 bytes in hexadecimal) or "read|write|rw keys PERCENT [COUNT]".
 * Returns 0 or -EINVAL.
 */
int vssd_fault_media_parse(const char *line, struct vssd_fault_media_rule *r, bool *clear);
/* Add @r to @rules (a rule for the same range and ops replaces it): 0 or -ENOSPC. */
int vssd_fault_media_add(struct vssd_fault_rules *rules, const struct vssd_fault_media_rule *r);
/*
 * A command of @op (VSSD_FAULT_READ or _WRITE) on blocks [@slba, @slba +
 * @nlb): the first rule that fails it, counted (hits, and one of its count
 * used), or NULL when none does.
 */
struct vssd_fault_media_rule *vssd_fault_media_hit(struct vssd_fault_rules *rules, u8 op,
						   u64 slba, u64 nlb);
/*
 * A KV command of @op on key @key (@len bytes): the first rule that fails
 * it, counted, or NULL.  A "keys" rule fails the keys whose FNV-1a hash,
 * as a fraction of 2^32, is below its share: always the same keys.
 */
struct vssd_fault_media_rule *vssd_fault_key_hit(struct vssd_fault_rules *rules, u8 op,
						 const u8 *key, u8 len);
/* Rule @r as the line faults/media shows; returns the length (< @size). */
int vssd_fault_media_format(const struct vssd_fault_media_rule *r, char *buf, size_t size);

/*
 * One line of faults/latency: "clear" (*@clear set) or
 * "read|write|other|all PERCENT US[-US]" or "... every N US[-US]" into
 * *@kind and *@d, or "lost" in place of the time (the command never
 * completes by itself); a PERCENT of 0 removes the kind's rule.  PERCENT has up
 * to four decimals; N is 1 to 4294967295.  Returns 0 or -EINVAL.
 */
int vssd_fault_delay_parse(const char *line, unsigned int *kind,
			   struct vssd_fault_delay *d, bool *clear);
/*
 * The extra nanoseconds rule @d gives a command, from two uniformly
 * distributed random words: @roll decides whether it applies (an "every"
 * rule: whether it is the Nth), @pick the time within [min_us, max_us];
 * VSSD_FAULT_LOST from a "lost" rule.  Counts a hit when it applies.
 */
u64 vssd_fault_delay_pick(struct vssd_fault_delay *d, u32 roll, u32 pick);
/* The rule of @kind as the line faults/latency shows (< @size), or 0 for none. */
int vssd_fault_delay_format(const struct vssd_fault_delay *d, unsigned int kind,
			    char *buf, size_t size);
const char *vssd_fault_kind_name(unsigned int kind);

/*
 * Wear-out: the available spare (percent) and the SMART critical warning
 * bits a percentage used gives.  The spare starts to go past 90% used, 5
 * points per percent, and is gone at 110%: below the 10% threshold the
 * warning says so, with none left the media is read-only.
 */
#define VSSD_WEAR_SPARE_THRESH	10
#define VSSD_WEAR_SPARE_FROM	90
#define VSSD_WEAR_END		110
#define VSSD_WARN_SPARE		0x01	/* available spare below the threshold */
#define VSSD_WARN_RELIABILITY	0x04	/* reliability degraded */
#define VSSD_WARN_READ_ONLY	0x08	/* media in read-only mode */

static inline u8 vssd_wear_spare(u32 used)
{
	if (used <= VSSD_WEAR_SPARE_FROM)
		return 100;
	if (used >= VSSD_WEAR_END)
		return 0;
	return (u8)(100 - 5 * (used - VSSD_WEAR_SPARE_FROM));
}

static inline u8 vssd_wear_warning(u32 used)
{
	u8 spare = vssd_wear_spare(used), warn = 0;

	if (spare < VSSD_WEAR_SPARE_THRESH)
		warn |= VSSD_WARN_SPARE;
	if (!spare)
		warn |= VSSD_WARN_RELIABILITY | VSSD_WARN_READ_ONLY;
	return warn;
}

#endif /* VSSD_FAULT_H */
