// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: fault rules, the pure part (include/vssd/fault.h).
 */
#include <vssd/fault.h>

static const char *const vssd_fault_kinds[VSSD_FAULT_NR_KINDS] = {
	[VSSD_FAULT_KIND_READ] = "read",
	[VSSD_FAULT_KIND_WRITE] = "write",
	[VSSD_FAULT_KIND_OTHER] = "other",
	[VSSD_FAULT_KIND_ALL] = "all",
};

const char *vssd_fault_kind_name(unsigned int kind)
{
	return kind < VSSD_FAULT_NR_KINDS ? vssd_fault_kinds[kind] : "?";
}

static bool vssd_fault_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A word ends at a space, the end of the string or its final newline. */
static bool vssd_fault_word_end(char c)
{
	return !c || c == '\n' || vssd_fault_space(c);
}

/*
 * The next word of *@pos into @word (NUL-terminated, at most @size - 1
 * characters): false at the end of the line or for a longer word.
 */
static bool vssd_fault_word(const char **pos, char *word, size_t size)
{
	const char *p = *pos;
	size_t n = 0;

	while (vssd_fault_space(*p))
		p++;
	while (!vssd_fault_word_end(*p)) {
		if (n + 1 >= size)
			return false;
		word[n++] = *p++;
	}
	word[n] = 0;
	*pos = p;
	return n > 0;
}

/* Nothing left but spaces and one final newline. */
static bool vssd_fault_at_end(const char *pos)
{
	while (vssd_fault_space(*pos))
		pos++;
	return !*pos || (*pos == '\n' && !pos[1]);
}

/* Plain decimal digits, no sign, no overflow of @max. */
static bool vssd_fault_number(const char *s, u64 max, u64 *out)
{
	u64 v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "P" or "P.dddd" percent, at most 100, into millionths. */
static bool vssd_fault_percent(const char *s, u32 *ppm)
{
	char whole[8], frac[5] = "0000";
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	u64 w, f;

	if (n == 0 || n >= sizeof(whole))
		return false;
	memcpy(whole, s, n);
	whole[n] = 0;
	if (dot) {
		size_t k = strlen(dot + 1);

		if (k == 0 || k > 4)
			return false;
		memcpy(frac, dot + 1, k);
	}
	if (!vssd_fault_number(whole, 100, &w) || !vssd_fault_number(frac, 9999, &f))
		return false;
	if (w * 10000 + f > 100 * 10000)
		return false;
	*ppm = (u32)(w * 10000 + f);
	return true;
}

static bool vssd_fault_is(const char *word, const char *name)
{
	return !strcmp(word, name);
}

static int vssd_fault_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 to VSSD_FAULT_KEY_MAX bytes written as pairs of hexadecimal digits. */
static bool vssd_fault_hex_key(const char *s, u8 *key, u8 *len)
{
	size_t n = strlen(s), i;

	if (!n || n % 2 || n > 2 * VSSD_FAULT_KEY_MAX)
		return false;
	for (i = 0; i < n; i += 2) {
		int hi = vssd_fault_hex_digit(s[i]), lo = vssd_fault_hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		key[i / 2] = (u8)(hi << 4 | lo);
	}
	*len = (u8)(n / 2);
	return true;
}

int vssd_fault_media_parse(const char *line, struct vssd_fault_media_rule *r, bool *clear)
{
	char word[2 * VSSD_FAULT_KEY_MAX + 2];
	u64 v;

	memset(r, 0, sizeof(*r));
	*clear = false;
	if (!vssd_fault_word(&line, word, sizeof(word)))
		return -EINVAL;
	if (vssd_fault_is(word, "clear")) {
		*clear = true;
		return vssd_fault_at_end(line) ? 0 : -EINVAL;
	}
	if (vssd_fault_is(word, "read"))
		r->ops = VSSD_FAULT_READ;
	else if (vssd_fault_is(word, "write"))
		r->ops = VSSD_FAULT_WRITE;
	else if (vssd_fault_is(word, "rw"))
		r->ops = VSSD_FAULT_READ | VSSD_FAULT_WRITE;
	else
		return -EINVAL;
	if (!vssd_fault_word(&line, word, sizeof(word)))
		return -EINVAL;
	if (vssd_fault_is(word, "key")) {
		r->what = VSSD_FAULT_KEY;
		if (!vssd_fault_word(&line, word, sizeof(word)) ||
		    !vssd_fault_hex_key(word, r->key, &r->key_len))
			return -EINVAL;
	} else if (vssd_fault_is(word, "keys")) {
		r->what = VSSD_FAULT_KEYS;
		if (!vssd_fault_word(&line, word, sizeof(word)) ||
		    !vssd_fault_percent(word, &r->ppm) || !r->ppm)
			return -EINVAL;
	} else {
		r->what = VSSD_FAULT_LBAS;
		if (!vssd_fault_number(word, ~0ULL, &r->slba))
			return -EINVAL;
		if (!vssd_fault_word(&line, word, sizeof(word)) ||
		    !vssd_fault_number(word, ~0ULL - r->slba, &r->nlb) || !r->nlb)
			return -EINVAL;
	}
	if (vssd_fault_word(&line, word, sizeof(word))) {
		if (!vssd_fault_number(word, 0xffffffffU, &v) || !v)
			return -EINVAL;
		r->count = (u32)v;
		r->left = r->count;
	}
	return vssd_fault_at_end(line) ? 0 : -EINVAL;
}

int vssd_fault_media_add(struct vssd_fault_rules *rules, const struct vssd_fault_media_rule *r)
{
	unsigned int i;

	for (i = 0; i < rules->nr_ranges; i++) {
		struct vssd_fault_media_rule *old = &rules->ranges[i];

		if (old->what == r->what && old->slba == r->slba && old->nlb == r->nlb &&
		    old->ops == r->ops && old->ppm == r->ppm && old->key_len == r->key_len &&
		    !memcmp(old->key, r->key, r->key_len)) {
			*old = *r;
			return 0;
		}
	}
	if (rules->nr_ranges == VSSD_FAULT_MAX_RANGES)
		return -ENOSPC;
	rules->ranges[rules->nr_ranges++] = *r;
	return 0;
}

struct vssd_fault_media_rule *vssd_fault_media_hit(struct vssd_fault_rules *rules, u8 op,
						   u64 slba, u64 nlb)
{
	unsigned int i;

	for (i = 0; i < rules->nr_ranges; i++) {
		struct vssd_fault_media_rule *r = &rules->ranges[i];

		if (r->what != VSSD_FAULT_LBAS || !(r->ops & op) || (r->count && !r->left))
			continue;
		/* Overlap, written so that neither end can overflow. */
		if (slba - r->slba < r->nlb || (slba < r->slba && r->slba - slba < nlb)) {
			if (r->count)
				r->left--;
			r->hits++;
			return r;
		}
	}
	return NULL;
}

/* FNV-1a, 32 bits: a key's place among all keys for a "keys" rule. */
static u32 vssd_fault_key_hash(const u8 *key, u8 len)
{
	u32 h = 2166136261U;
	u8 i;

	for (i = 0; i < len; i++)
		h = (h ^ key[i]) * 16777619U;
	return h;
}

struct vssd_fault_media_rule *vssd_fault_key_hit(struct vssd_fault_rules *rules, u8 op,
						 const u8 *key, u8 len)
{
	u32 h = vssd_fault_key_hash(key, len);
	unsigned int i;

	for (i = 0; i < rules->nr_ranges; i++) {
		struct vssd_fault_media_rule *r = &rules->ranges[i];
		bool hit;

		if (!(r->ops & op) || (r->count && !r->left))
			continue;
		if (r->what == VSSD_FAULT_KEY)
			hit = r->key_len == len && !memcmp(r->key, key, len);
		else if (r->what == VSSD_FAULT_KEYS)
			hit = (u64)h * VSSD_FAULT_PPM < (u64)r->ppm << 32;
		else
			hit = false;
		if (hit) {
			if (r->count)
				r->left--;
			r->hits++;
			return r;
		}
	}
	return NULL;
}

/* What the rule names, as written: "SLBA NLB", "key HEX" or "keys PERCENT". */
static int vssd_fault_media_target(const struct vssd_fault_media_rule *r, char *buf,
				   size_t size)
{
	int n = 0;
	u8 i;

	switch (r->what) {
	case VSSD_FAULT_KEY:
		n = snprintf(buf, size, "key ");
		for (i = 0; i < r->key_len && n >= 0 && (size_t)n < size; i++)
			n += snprintf(buf + n, size - n, "%02x", r->key[i]);
		return n;
	case VSSD_FAULT_KEYS:
		return snprintf(buf, size, "keys %u.%04u", r->ppm / 10000, r->ppm % 10000);
	default:
		return snprintf(buf, size, "%llu %llu", r->slba, r->nlb);
	}
}

int vssd_fault_media_format(const struct vssd_fault_media_rule *r, char *buf, size_t size)
{
	static const char *const ops[] = { "?", "read", "write", "rw" };
	char target[2 * VSSD_FAULT_KEY_MAX + 48];
	int n;

	vssd_fault_media_target(r, target, sizeof(target));
	if (r->count)
		n = snprintf(buf, size, "%s %s %u left=%u hits=%llu\n", ops[r->ops & 3],
			     target, r->count, r->left, r->hits);
	else
		n = snprintf(buf, size, "%s %s hits=%llu\n", ops[r->ops & 3], target, r->hits);
	return n < 0 ? 0 : (size_t)n < size ? n : (int)size - 1;
}

int vssd_fault_delay_parse(const char *line, unsigned int *kind,
			   struct vssd_fault_delay *d, bool *clear)
{
	char word[24], *dash;
	u64 lo, hi;
	unsigned int k;

	memset(d, 0, sizeof(*d));
	*clear = false;
	if (!vssd_fault_word(&line, word, sizeof(word)))
		return -EINVAL;
	if (vssd_fault_is(word, "clear")) {
		*clear = true;
		return vssd_fault_at_end(line) ? 0 : -EINVAL;
	}
	for (k = 0; k < VSSD_FAULT_NR_KINDS; k++)
		if (vssd_fault_is(word, vssd_fault_kinds[k]))
			break;
	if (k == VSSD_FAULT_NR_KINDS)
		return -EINVAL;
	*kind = k;
	if (!vssd_fault_word(&line, word, sizeof(word)))
		return -EINVAL;
	if (vssd_fault_is(word, "every")) {
		u64 n;

		if (!vssd_fault_word(&line, word, sizeof(word)) ||
		    !vssd_fault_number(word, 0xffffffffU, &n) || !n)
			return -EINVAL;
		d->every = (u32)n;
		d->ppm = VSSD_FAULT_PPM;
		if (!vssd_fault_word(&line, word, sizeof(word)))
			return -EINVAL;
		goto time;
	}
	if (!vssd_fault_percent(word, &d->ppm))
		return -EINVAL;
	if (!vssd_fault_word(&line, word, sizeof(word)))
		return d->ppm || !vssd_fault_at_end(line) ? -EINVAL : 0;
time:
	if (vssd_fault_is(word, "lost")) {
		d->lost = true;
		return vssd_fault_at_end(line) ? 0 : -EINVAL;
	}
	dash = strchr(word, '-');
	if (dash)
		*dash = 0;
	if (!vssd_fault_number(word, VSSD_FAULT_MAX_US, &lo))
		return -EINVAL;
	hi = lo;
	if (dash && !vssd_fault_number(dash + 1, VSSD_FAULT_MAX_US, &hi))
		return -EINVAL;
	if (hi < lo || !hi)
		return -EINVAL;
	d->min_us = (u32)lo;
	d->max_us = (u32)hi;
	return vssd_fault_at_end(line) ? 0 : -EINVAL;
}

u64 vssd_fault_delay_pick(struct vssd_fault_delay *d, u32 roll, u32 pick)
{
	u64 span;

	if (!d->ppm)
		return 0;
	if (d->every) {
		if (++d->seen < d->every)
			return 0;
		d->seen = 0;
	} else if ((u64)roll * VSSD_FAULT_PPM >= (u64)d->ppm << 32) {
		/* roll / 2^32 >= ppm / 10^6, without division */
		return 0;
	}
	d->hits++;
	if (d->lost)
		return VSSD_FAULT_LOST;
	span = (u64)(d->max_us - d->min_us) + 1;
	return ((u64)d->min_us + (((u64)pick * span) >> 32)) * 1000;
}

int vssd_fault_delay_format(const struct vssd_fault_delay *d, unsigned int kind,
			    char *buf, size_t size)
{
	int n;

	char when[24], time[24];

	if (!d->ppm)
		return 0;
	if (d->every)
		snprintf(when, sizeof(when), "every %u", d->every);
	else
		snprintf(when, sizeof(when), "%u.%04u", d->ppm / 10000, d->ppm % 10000);
	if (d->lost)
		snprintf(time, sizeof(time), "lost");
	else if (d->min_us == d->max_us)
		snprintf(time, sizeof(time), "%u", d->min_us);
	else
		snprintf(time, sizeof(time), "%u-%u", d->min_us, d->max_us);
	n = snprintf(buf, size, "%s %s %s hits=%llu\n", vssd_fault_kind_name(kind), when, time,
		     d->hits);
	return n < 0 ? 0 : (size_t)n < size ? n : (int)size - 1;
}
