// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: a pool of flash segments (see include/vssd/segs.h).
 */
#include <vssd/segs.h>

static void vssd_segs_push(struct vssd_segs *s, u32 i)
{
	s->seg[i].state = VSSD_SEG_FREE;
	s->seg[i].live = 0;
	s->free[s->nr_free++] = i;
}

/* Every segment free, the lowest number on top of the stack. */
static void vssd_segs_all_free(struct vssd_segs *s)
{
	u32 i;

	s->nr_free = 0;
	s->open = VSSD_SEG_NONE;
	for (i = s->nr; i-- > 0;)
		vssd_segs_push(s, i);
}

int vssd_segs_init(struct vssd_segs *s, u32 nr)
{
	memset(s, 0, sizeof(*s));
	s->open = VSSD_SEG_NONE;
	if (!nr || nr == VSSD_SEG_NONE)
		return -EINVAL;
	s->seg = vssd_pure_zalloc(sizeof(*s->seg) * nr);
	s->free = vssd_pure_zalloc(sizeof(u32) * nr);
	if (!s->seg || !s->free) {
		vssd_segs_destroy(s);
		return -ENOMEM;
	}
	s->nr = nr;
	vssd_segs_all_free(s);
	return 0;
}

void vssd_segs_destroy(struct vssd_segs *s)
{
	vssd_pure_free(s->seg);
	vssd_pure_free(s->free);
	s->seg = NULL;
	s->free = NULL;
	s->nr = 0;
	s->nr_free = 0;
}

u32 vssd_segs_open(struct vssd_segs *s)
{
	u32 i = s->free[--s->nr_free];

	s->seg[i].state = VSSD_SEG_OPEN;
	s->seg[i].live = 0;
	s->open = i;
	return i;
}

void vssd_segs_close(struct vssd_segs *s)
{
	s->seg[s->open].state = VSSD_SEG_FULL;
	s->open = VSSD_SEG_NONE;
}

void vssd_segs_erased(struct vssd_segs *s, u32 i)
{
	s->seg[i].erase_count++;
	vssd_segs_push(s, i);
}

u32 vssd_segs_victim(const struct vssd_segs *s, u64 below)
{
	u32 i, best = VSSD_SEG_NONE;

	for (i = 0; i < s->nr; i++) {
		const struct vssd_seg *seg = &s->seg[i];

		if (seg->state == VSSD_SEG_FULL && seg->live < below) {
			best = i;
			below = seg->live;
		}
	}
	return best;
}

u32 vssd_segs_format(struct vssd_segs *s)
{
	u32 i, used = 0;

	for (i = 0; i < s->nr; i++) {
		if (s->seg[i].state != VSSD_SEG_FREE) {
			s->seg[i].erase_count++;
			used++;
		}
	}
	vssd_segs_all_free(s);
	return used;
}

int vssd_segs_check(const struct vssd_segs *s)
{
	u32 i, free = 0, open = 0;

	for (i = 0; i < s->nr; i++) {
		free += s->seg[i].state == VSSD_SEG_FREE;
		open += s->seg[i].state == VSSD_SEG_OPEN;
	}
	if (s->open == VSSD_SEG_NONE)
		open++;		/* exactly one: an open segment, or none */
	if (free != s->nr_free || open != 1)
		return -1;
	for (i = 0; i < s->nr_free; i++)
		if (s->free[i] >= s->nr || s->seg[s->free[i]].state != VSSD_SEG_FREE)
			return -2;
	if (s->open != VSSD_SEG_NONE && s->seg[s->open].state != VSSD_SEG_OPEN)
		return -3;
	return 0;
}
