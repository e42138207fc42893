// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/vssd/fault/rules.c: what faults/media and
 * faults/latency accept and refuse, which commands a media rule fails
 * (overlap at both edges, LBAs near 2^64, counts that run out), and that a
 * latency rule's probability and time range hold over many draws.
 */
// unit-sources: drivers/vssd/fault/rules.c
#include <stdlib.h>

#include "unit.h"
#include <vssd/fault.h>

static u32 next_rand(u64 *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(*state >> 32);
}

UNIT_TEST(media_lines)
{
	struct vssd_fault_media_rule r;
	bool clear;

	EXPECT_EQ(vssd_fault_media_parse("read 100 8\n", &r, &clear), 0);
	EXPECT(!clear);
	EXPECT_EQ(r.ops, VSSD_FAULT_READ);
	EXPECT_EQ(r.slba, 100);
	EXPECT_EQ(r.nlb, 8);
	EXPECT_EQ(r.count, 0);
	EXPECT_EQ(vssd_fault_media_parse("  write\t0 1 3 ", &r, &clear), 0);
	EXPECT_EQ(r.ops, VSSD_FAULT_WRITE);
	EXPECT_EQ(r.count, 3);
	EXPECT_EQ(r.left, 3);
	EXPECT_EQ(vssd_fault_media_parse("rw 18446744073709551614 1", &r, &clear), 0);
	EXPECT_EQ(r.ops, VSSD_FAULT_READ | VSSD_FAULT_WRITE);
	EXPECT_EQ(vssd_fault_media_parse("clear\n", &r, &clear), 0);
	EXPECT(clear);

	/* Refused: each of these would be a rule the user did not mean. */
	EXPECT_EQ(vssd_fault_media_parse("", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("clear now", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("erase 1 1", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1 0", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read -1 5", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read +1 5", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 0x10 5", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1 5 0", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1 5 2 9", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1 5 4294967296", &r, &clear), -EINVAL);
	/* One rule per line: a newline only at the end. */
	EXPECT_EQ(vssd_fault_media_parse("read 0 8\n3", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 0 8\n\n", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read\n0 8", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("clear\nread 0 8", &r, &clear), -EINVAL);
	/* The range may not wrap past the last LBA a u64 holds. */
	EXPECT_EQ(vssd_fault_media_parse("read 18446744073709551615 2", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 18446744073709551616 1", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read 1 99999999999999999999999", &r, &clear),
		  -EINVAL);
}

UNIT_TEST(media_overlap)
{
	struct vssd_fault_rules rules = {};
	struct vssd_fault_media_rule r;
	bool clear;

	EXPECT_EQ(vssd_fault_media_parse("read 100 8", &r, &clear), 0);
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	/* [100, 108): every command that touches it, none that does not. */
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 0, 100));
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 0, 101));
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 107, 1));
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 108, 1));
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 90, 100));
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 103, 2));
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_WRITE, 100, 8));
	EXPECT_EQ(rules.ranges[0].hits, 4);

	/* Near the top of the LBA space nothing wraps. */
	EXPECT_EQ(vssd_fault_media_parse("write 18446744073709551614 1", &r, &clear), 0);
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_WRITE, 18446744073709551613ULL, 2));
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_WRITE, 18446744073709551613ULL, 1));
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_WRITE, 0, 65536));
}

UNIT_TEST(media_count)
{
	struct vssd_fault_rules rules = {};
	struct vssd_fault_media_rule r;
	bool clear;
	int i, failed = 0;

	EXPECT_EQ(vssd_fault_media_parse("rw 10 1 3", &r, &clear), 0);
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	for (i = 0; i < 10; i++)
		if (vssd_fault_media_hit(&rules, i & 1 ? VSSD_FAULT_READ : VSSD_FAULT_WRITE, 10, 1))
			failed++;
	EXPECT_EQ(failed, 3);
	EXPECT_EQ(rules.ranges[0].left, 0);
	EXPECT_EQ(rules.ranges[0].hits, 3);
	/* Written again: the same rule, armed again, not a second one. */
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	EXPECT_EQ(rules.nr_ranges, 1);
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 10, 1));
}

UNIT_TEST(media_full)
{
	struct vssd_fault_rules rules = {};
	struct vssd_fault_media_rule r = { .nlb = 1, .ops = VSSD_FAULT_READ };
	unsigned int i;

	for (i = 0; i < VSSD_FAULT_MAX_RANGES; i++) {
		r.slba = i * 10;
		EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	}
	r.slba = 1000;
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), -ENOSPC);
	EXPECT_EQ(rules.nr_ranges, VSSD_FAULT_MAX_RANGES);
	EXPECT(vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 150, 1));
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 1000, 1));
}

UNIT_TEST(media_format)
{
	struct vssd_fault_media_rule r;
	char line[80];
	bool clear;

	EXPECT_EQ(vssd_fault_media_parse("write 5 2 4", &r, &clear), 0);
	r.left = 1;
	r.hits = 3;
	vssd_fault_media_format(&r, line, sizeof(line));
	EXPECT(!strcmp(line, "write 5 2 4 left=1 hits=3\n"));
	EXPECT_EQ(vssd_fault_media_format(&r, line, 8), 7);
	EXPECT_EQ(strlen(line), 7);
}

UNIT_TEST(delay_lines)
{
	struct vssd_fault_delay d;
	unsigned int kind = 99;
	char line[80];
	bool clear;

	EXPECT_EQ(vssd_fault_delay_parse("read 12.5 2000\n", &kind, &d, &clear), 0);
	EXPECT_EQ(kind, VSSD_FAULT_KIND_READ);
	EXPECT_EQ(d.ppm, 125000);
	EXPECT_EQ(d.min_us, 2000);
	EXPECT_EQ(d.max_us, 2000);
	EXPECT_EQ(vssd_fault_delay_parse("all 0.0001 10-20", &kind, &d, &clear), 0);
	EXPECT_EQ(kind, VSSD_FAULT_KIND_ALL);
	EXPECT_EQ(d.ppm, 1);
	EXPECT_EQ(d.max_us, 20);
	vssd_fault_delay_format(&d, kind, line, sizeof(line));
	EXPECT(!strcmp(line, "all 0.0001 10-20 hits=0\n"));
	EXPECT_EQ(vssd_fault_delay_parse("other 100 60000000", &kind, &d, &clear), 0);
	EXPECT_EQ(d.ppm, VSSD_FAULT_PPM);
	EXPECT_EQ(vssd_fault_delay_parse("write 0", &kind, &d, &clear), 0);
	EXPECT_EQ(d.ppm, 0);
	EXPECT_EQ(vssd_fault_delay_format(&d, kind, line, sizeof(line)), 0);
	EXPECT_EQ(vssd_fault_delay_parse("clear", &kind, &d, &clear), 0);
	EXPECT(clear);

	EXPECT_EQ(vssd_fault_delay_parse("read 100.0001 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 101 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 1.00001 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 1. 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read .5 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 0", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 20-10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 10-", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 60000001", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read every 0 10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read every 10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read every x 10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("flush 5 10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 10 x", &kind, &d, &clear), -EINVAL);
	/* Lost: no time, the command never completes by itself. */
	EXPECT_EQ(vssd_fault_delay_parse("write every 7 lost\n", &kind, &d, &clear), 0);
	EXPECT_EQ(kind, VSSD_FAULT_KIND_WRITE);
	EXPECT_EQ(d.lost, true);
	EXPECT_EQ(d.every, 7);
	vssd_fault_delay_format(&d, kind, line, sizeof(line));
	EXPECT(!strcmp(line, "write every 7 lost hits=0\n"));
	d.seen = 6;
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0, 0), VSSD_FAULT_LOST);
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0, 0), 0);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 lost 10", &kind, &d, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_delay_parse("read 5 lost-10", &kind, &d, &clear), -EINVAL);
}

/* Over many draws the share delayed is the probability, each time in range. */
UNIT_TEST(delay_draws)
{
	struct vssd_fault_delay d;
	unsigned int kind, i, n = 200000, hit = 0;
	u64 seed = 7, t, lo = ~0ULL, hi = 0;
	bool clear;

	EXPECT_EQ(vssd_fault_delay_parse("write 10 100-300", &kind, &d, &clear), 0);
	for (i = 0; i < n; i++) {
		u32 roll = next_rand(&seed);

		t = vssd_fault_delay_pick(&d, roll, next_rand(&seed));
		if (!t)
			continue;
		hit++;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	EXPECT_EQ(d.hits, hit);
	EXPECT(hit > n / 10 - n / 100 && hit < n / 10 + n / 100);
	EXPECT_EQ(lo, 100000);
	EXPECT_EQ(hi, 300000);
	/* The extremes of the random words. */
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0, 0), 100000);
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0, 0xffffffffU), 300000);
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0xffffffffU, 0), 0);
	EXPECT_EQ(vssd_fault_delay_parse("read 100 5", &kind, &d, &clear), 0);
	EXPECT_EQ(vssd_fault_delay_pick(&d, 0xffffffffU, 0xffffffffU), 5000);
}

/* An "every N" rule delays exactly each Nth command, whatever the draws. */
UNIT_TEST(delay_every)
{
	struct vssd_fault_delay d;
	unsigned int kind, i, hit = 0;
	char line[80];
	bool clear;

	EXPECT_EQ(vssd_fault_delay_parse("write every 3 8000000", &kind, &d, &clear), 0);
	EXPECT_EQ(d.every, 3);
	vssd_fault_delay_format(&d, kind, line, sizeof(line));
	EXPECT(!strcmp(line, "write every 3 8000000 hits=0\n"));
	for (i = 1; i <= 30; i++) {
		u64 t = vssd_fault_delay_pick(&d, 0xffffffffU, 0);

		EXPECT_EQ(t, i % 3 ? 0 : 8000000000ULL);
		hit += !!t;
	}
	EXPECT_EQ(hit, 10);
	EXPECT_EQ(d.hits, 10);
}

/* Key rules: one key exactly; a share of keys, always the same ones. */
UNIT_TEST(keys)
{
	struct vssd_fault_rules rules = {};
	struct vssd_fault_media_rule r;
	unsigned int i, failed = 0, again = 0;
	char line[96];
	u8 key[8];
	bool clear;

	EXPECT_EQ(vssd_fault_media_parse("read key 6B31", &r, &clear), 0);
	EXPECT_EQ(r.what, VSSD_FAULT_KEY);
	EXPECT_EQ(r.key_len, 2);
	EXPECT(!memcmp(r.key, "k1", 2));
	vssd_fault_media_format(&r, line, sizeof(line));
	EXPECT(!strcmp(line, "read key 6b31 hits=0\n"));
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	EXPECT(vssd_fault_key_hit(&rules, VSSD_FAULT_READ, (const u8 *)"k1", 2));
	EXPECT(!vssd_fault_key_hit(&rules, VSSD_FAULT_WRITE, (const u8 *)"k1", 2));
	EXPECT(!vssd_fault_key_hit(&rules, VSSD_FAULT_READ, (const u8 *)"k1x", 3));
	EXPECT(!vssd_fault_key_hit(&rules, VSSD_FAULT_READ, (const u8 *)"k", 1));
	/* Key rules never meet blocks, nor block rules keys. */
	EXPECT(!vssd_fault_media_hit(&rules, VSSD_FAULT_READ, 0, 65536));
	EXPECT_EQ(vssd_fault_media_parse("rw 0 1000", &r, &clear), 0);
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	EXPECT(!vssd_fault_key_hit(&rules, VSSD_FAULT_WRITE, (const u8 *)"k2", 2));

	EXPECT_EQ(vssd_fault_media_parse("write keys 25 ", &r, &clear), 0);
	EXPECT_EQ(r.ppm, 250000);
	vssd_fault_media_format(&r, line, sizeof(line));
	EXPECT(!strcmp(line, "write keys 25.0000 hits=0\n"));
	rules.nr_ranges = 0;
	EXPECT_EQ(vssd_fault_media_add(&rules, &r), 0);
	for (i = 0; i < 4000; i++) {
		memcpy(key, &i, sizeof(i));
		memcpy(key + 4, "abcd", 4);
		failed += !!vssd_fault_key_hit(&rules, VSSD_FAULT_WRITE, key, 8);
		again += !!vssd_fault_key_hit(&rules, VSSD_FAULT_WRITE, key, 8);
	}
	EXPECT_EQ(failed, again);
	EXPECT(failed > 850 && failed < 1150);

	EXPECT_EQ(vssd_fault_media_parse("read key", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read key 6b3", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read key 6g31", &r, &clear), -EINVAL);
	/* 16 bytes, the longest key, and 17. */
	snprintf(line, sizeof(line), "%s", "read key 000102030405060708090a0b0c0d0e0f");
	EXPECT_EQ(vssd_fault_media_parse(line, &r, &clear), 0);
	strcat(line, "10");
	EXPECT_EQ(vssd_fault_media_parse(line, &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read keys 0", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read keys 100.5", &r, &clear), -EINVAL);
	EXPECT_EQ(vssd_fault_media_parse("read keys 10 2 3", &r, &clear), -EINVAL);
}

/* The spare goes from 100 to 0 between 90% and 110% used, warnings in order. */
UNIT_TEST(wear)
{
	u32 used;
	u8 prev = 100;

	EXPECT_EQ(vssd_wear_spare(0), 100);
	EXPECT_EQ(vssd_wear_spare(90), 100);
	EXPECT_EQ(vssd_wear_spare(91), 95);
	EXPECT_EQ(vssd_wear_spare(108), 10);
	EXPECT_EQ(vssd_wear_spare(109), 5);
	EXPECT_EQ(vssd_wear_spare(110), 0);
	EXPECT_EQ(vssd_wear_spare(255), 0);
	EXPECT_EQ(vssd_wear_warning(108), 0);
	EXPECT_EQ(vssd_wear_warning(109), VSSD_WARN_SPARE);
	EXPECT_EQ(vssd_wear_warning(110), VSSD_WARN_SPARE | VSSD_WARN_RELIABILITY |
					  VSSD_WARN_READ_ONLY);
	for (used = 0; used < 300; used++) {
		EXPECT(vssd_wear_spare(used) <= prev);
		prev = vssd_wear_spare(used);
		EXPECT_EQ(!!(vssd_wear_warning(used) & VSSD_WARN_READ_ONLY), used >= 110);
	}
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(media_lines), UNIT_CASE(media_overlap), UNIT_CASE(media_count),
		UNIT_CASE(media_full), UNIT_CASE(media_format), UNIT_CASE(delay_lines),
		UNIT_CASE(delay_draws), UNIT_CASE(delay_every), UNIT_CASE(keys), UNIT_CASE(wear),
	};

	return unit_run("fault_rules", cases, ARRAY_SIZE(cases));
}
