// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: drivers/vssd/fault/rules.c, the lines a user writes to
 * a namespace's faults/media and faults/latency.  The input is split at
 * NUL bytes into lines (which may hold newlines), each parsed as both
 * kinds.  A media rule accepted has at least
 * one block and its range does not wrap; a latency rule has a probability
 * of at most 100% and a time range within the limit.  Every accepted rule,
 * printed as faults/ shows it (without its counters), parses back to the
 * same rule.  Accepted media rules go into one set of 16, which a command
 * on the rule's own first and last block (or its key) always meets while
 * a count is left, a key rule never meets a block; delays drawn from an
 * accepted rule stay within its range.
 */
// fuzz-sources: drivers/vssd/fault/rules.c
// fuzz-max-len: 1024
#include "fuzz.h"
#include <vssd/fault.h>

/* The line as shown, cut before its counters ("hits=", "left="). */
static void strip_counters(char *line)
{
	char *p = strstr(line, " left=");

	if (!p)
		p = strstr(line, " hits=");
	if (p)
		*p = 0;
}

static void media(struct vssd_fault_rules *rules, const char *line)
{
	struct vssd_fault_media_rule r, back;
	char shown[128];
	bool clear, again;

	if (vssd_fault_media_parse(line, &r, &clear))
		return;
	if (clear) {
		rules->nr_ranges = 0;
		return;
	}
	FUZZ_ASSERT(r.ops >= 1 && r.ops <= 3 && r.left == r.count);
	if (r.what == VSSD_FAULT_LBAS)
		FUZZ_ASSERT(r.nlb && r.slba + r.nlb - 1 >= r.slba);
	else if (r.what == VSSD_FAULT_KEY)
		FUZZ_ASSERT(r.key_len >= 1 && r.key_len <= VSSD_FAULT_KEY_MAX);
	else
		FUZZ_ASSERT(r.what == VSSD_FAULT_KEYS && r.ppm && r.ppm <= VSSD_FAULT_PPM);
	vssd_fault_media_format(&r, shown, sizeof(shown));
	strip_counters(shown);
	FUZZ_ASSERT(!vssd_fault_media_parse(shown, &back, &again) && !again);
	FUZZ_ASSERT(back.what == r.what && back.slba == r.slba && back.nlb == r.nlb &&
		    back.ops == r.ops && back.count == r.count && back.ppm == r.ppm &&
		    back.key_len == r.key_len && !memcmp(back.key, r.key, r.key_len));
	if (vssd_fault_media_add(rules, &r))
		return;
	FUZZ_ASSERT(rules->nr_ranges <= VSSD_FAULT_MAX_RANGES);
	/* Rules added earlier may match too: any rule failing it will do. */
	if (!(r.ops & VSSD_FAULT_READ))
		return;
	if (r.what == VSSD_FAULT_LBAS) {
		FUZZ_ASSERT(vssd_fault_media_hit(rules, VSSD_FAULT_READ, r.slba, 1));
		FUZZ_ASSERT(vssd_fault_media_hit(rules, VSSD_FAULT_READ, r.slba + r.nlb - 1, 1) ||
			    r.count);
	} else if (r.what == VSSD_FAULT_KEY) {
		FUZZ_ASSERT(vssd_fault_key_hit(rules, VSSD_FAULT_READ, r.key, r.key_len));
		FUZZ_ASSERT(!vssd_fault_media_hit(rules, VSSD_FAULT_READ, 0, 1) ||
			    rules->nr_ranges > 1);
	}
}

static void latency(struct vssd_fault_delay *kinds, const char *line, u32 rnd)
{
	struct vssd_fault_delay d, back;
	unsigned int kind = VSSD_FAULT_NR_KINDS, kind2 = VSSD_FAULT_NR_KINDS;
	char shown[128];
	bool clear, again;
	u64 t;

	if (vssd_fault_delay_parse(line, &kind, &d, &clear) || clear)
		return;
	FUZZ_ASSERT(kind < VSSD_FAULT_NR_KINDS && d.ppm <= VSSD_FAULT_PPM);
	FUZZ_ASSERT(!d.ppm || (d.lost && !d.min_us && !d.max_us) ||
		    (!d.lost && d.min_us <= d.max_us && d.max_us <= VSSD_FAULT_MAX_US && d.max_us));
	kinds[kind] = d;
	if (!d.ppm)
		return;
	vssd_fault_delay_format(&d, kind, shown, sizeof(shown));
	strip_counters(shown);
	FUZZ_ASSERT(!vssd_fault_delay_parse(shown, &kind2, &back, &again) && !again);
	FUZZ_ASSERT(kind2 == kind && back.ppm == d.ppm && back.min_us == d.min_us &&
		    back.max_us == d.max_us && back.every == d.every && back.lost == d.lost);
	/* A draw that applies: roll 0, or the Nth command of an "every" rule. */
	if (d.every)
		kinds[kind].seen = d.every - 1;
	t = vssd_fault_delay_pick(&kinds[kind], 0, rnd);
	if (d.lost)
		FUZZ_ASSERT(t == VSSD_FAULT_LOST);
	else
		FUZZ_ASSERT(t >= (u64)d.min_us * 1000 && t <= (u64)d.max_us * 1000);
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	static struct vssd_fault_rules rules;
	char line[257];
	size_t at = 0, n;

	memset(&rules, 0, sizeof(rules));
	while (at < size) {
		/* Lines end at NUL: a newline inside one is for the parser to judge. */
		for (n = 0; at < size && data[at] && n < sizeof(line) - 1; n++)
			line[n] = (char)data[at++];
		line[n] = 0;
		at++;
		media(&rules, line);
		latency(rules.delay, line, (u32)n * 2654435761U);
	}
	return 0;
}
