// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: power loss of a controller (Documentation/faults.rst).
 *
 * The store takes a write's data at once; what a real device would still
 * hold in its volatile write cache is remembered as an undo log
 * (<vssd/wcache.h>): for every logical block of a block namespace whose
 * newest write is not durable, a slot keeps the block's content from
 * before its first write since it last was durable.  The atomic unit is
 * the logical block.  A Flush empties the log, a write with FUA or with
 * the volatile write cache off is durable at once, and a log that is full
 * writes back its oldest block.  The log is wcache_kb large per block
 * namespace; 0 (the default) makes every completed write durable.
 *
 * faults/powerloss cuts the power: under each namespace's lock every block
 * in its log is decided by the cut's rule, and those that lose get their
 * old content back; from then on no command changes data and every I/O
 * command fails until the controller is powered off and on again.  The
 * block namespaces keep their data across that power cycle.
 *
 * A command that writes more blocks than the cache holds first writes the
 * whole cache back (the blocks in it become durable), then caches its
 * last wcache_kb worth of blocks: what writing them one by one through a
 * full cache leaves, with each block's old content the one it had when
 * the command started.
 *
 * Locking: ns->pl.lock is taken where data moves (the exec functions of
 * nvm.c and Format's, on a worker or a submitter, never under the
 * dispatch lock), by Set Features under the dispatch lock, and by the
 * cut and the stats under ctrl->lock; so the order is ctrl->lock, then
 * dispatch_lock, then pl.lock.  Every holder of pl.lock does work bounded
 * by the cache's size or by one command's data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../vssd.h"

/* Where slot @slot of @pl keeps a block's old content. */
static void *vssd_pl_slot(struct vssd_ns_pl *pl, u32 slot)
{
	u32 per_page = PAGE_SIZE >> pl->shift;

	return page_address(pl->pages[slot / per_page]) + ((slot % per_page) << pl->shift);
}

void vssd_pl_init(struct vssd_ns *ns)
{
	mutex_init(&ns->pl.lock);
}

/* At power on, after the store: the undo log of a block namespace. */
int vssd_pl_ns_init(struct vssd_ns *ns)
{
	struct vssd_ns_pl *pl = &ns->pl;
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	u64 bytes = (u64)ctrl->params.wcache_kb << 10;
	u32 cap, per_page, i;
	int ret;

	pl->lost = false;
	pl->cached = false;
	if (!bytes || ns->ops != &vssd_cs_nvm)
		return 0;
	pl->shift = ns->cs.lba_shift;
	/* Never more than the namespace has: a bigger cache changes nothing. */
	cap = clamp_t(u64, bytes >> pl->shift, 1, ns->cs.nr_lbas);
	per_page = PAGE_SIZE >> pl->shift;
	pl->nr_pages = DIV_ROUND_UP(cap, per_page);
	pl->pages = kvcalloc(pl->nr_pages, sizeof(*pl->pages), GFP_KERNEL);
	if (!pl->pages)
		return -ENOMEM;
	for (i = 0; i < pl->nr_pages; i++) {
		/* Power on fails with ENOMEM rather than wake the OOM killer. */
		pl->pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
		if (!pl->pages[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
		cond_resched();
	}
	ret = vssd_wcache_init(&pl->wc, cap);
	if (ret)
		goto out_free;
	pl->cached = true;
	return 0;

out_free:
	vssd_pl_ns_exit(ns);
	return ret;
}

void vssd_pl_ns_exit(struct vssd_ns *ns)
{
	struct vssd_ns_pl *pl = &ns->pl;
	u32 i;

	if (pl->cached)
		vssd_wcache_destroy(&pl->wc);
	pl->cached = false;
	for (i = 0; pl->pages && i < pl->nr_pages; i++)
		if (pl->pages[i])
			__free_page(pl->pages[i]);
	kvfree(pl->pages);
	pl->pages = NULL;
	pl->nr_pages = 0;
}

/*
 * Before an exec function changes data: false when the power is lost
 * (the command fails and changes nothing), else ns->pl.lock is held until
 * vssd_pl_unlock().
 */
bool vssd_pl_lock(struct vssd_cmd *cmd)
{
	struct vssd_ns_pl *pl = &cmd->ns->pl;

	/* Without a cache a cut restores nothing: no lock to take. */
	if (pl->cached)
		mutex_lock(&pl->lock);
	if (!READ_ONCE(pl->lost))
		return true;
	if (pl->cached)
		mutex_unlock(&pl->lock);
	cmd->status = VSSD_SC(NVME_SC_NS_NOT_READY);
	return false;
}

void vssd_pl_unlock(struct vssd_cmd *cmd)
{
	if (cmd->ns->pl.cached)
		mutex_unlock(&cmd->ns->pl.lock);
}

/*
 * Whether what @cmd writes is durable when it completes: the volatile
 * write cache is off, or FUA is set (Write, Write Zeroes and Copy have it
 * in the same bit of CDW12; Dataset Management has none).
 */
bool vssd_pl_durable(struct vssd_cmd *cmd)
{
	bool fua = le16_to_cpu(cmd->sqe.rw.control) & NVME_RW_FUA;

	if (cmd->sqe.common.opcode == nvme_cmd_dsm)
		fua = false;
	return fua || !READ_ONCE(cmd->ctrl->features.volatile_wc);
}

/*
 * ns->pl.lock held, before blocks @slba..@slba + @nlb - 1 change: log
 * their present content, or forget it when the write is durable.
 */
void vssd_pl_log(struct vssd_cmd *cmd, u64 slba, u64 nlb, bool durable)
{
	struct vssd_ns_pl *pl = &cmd->ns->pl;
	u64 lba;

	if (!pl->cached)
		return;
	lockdep_assert_held(&pl->lock);
	if (durable) {
		vssd_wcache_write_durable_range(&pl->wc, slba, nlb);
		return;
	}
	if (nlb >= pl->wc.cap) {
		/* More than it holds: all of it is written back, the last blocks stay. */
		vssd_wcache_drain(&pl->wc);
		slba += nlb - pl->wc.cap;
		nlb = pl->wc.cap;
	}
	for (lba = slba; lba < slba + nlb; lba++) {
		u32 slot = vssd_wcache_write(&pl->wc, lba);

		if (slot != VSSD_WCACHE_NO_SLOT)
			vssd_store_read_kernel(&cmd->ns->cs.store, lba << pl->shift,
					       vssd_pl_slot(pl, slot), 1U << pl->shift);
		if (!((lba - slba + 1) & 1023))
			cond_resched();
	}
}

/*
 * Everything written to @ns before is durable.  False when the power was
 * lost first: what the cache held is gone, the Flush must not succeed.
 */
bool vssd_pl_flush(struct vssd_ns *ns)
{
	struct vssd_ns_pl *pl = &ns->pl;
	bool ok;

	if (!pl->cached)
		return true;
	mutex_lock(&pl->lock);
	ok = !pl->lost;
	if (ok)
		vssd_wcache_flush(&pl->wc);
	mutex_unlock(&pl->lock);
	return ok;
}

/* Every namespace of a powered controller; false if any lost its power first. */
bool vssd_pl_flush_all(struct vssd_ctrl *ctrl)
{
	struct vssd_ns *ns;
	bool ok = true;

	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid))
		ok &= vssd_pl_flush(ns);
	return ok;
}

/* The data phase of a Flush: for one namespace, or all (no cmd->ns). */
void vssd_pl_exec_flush(struct vssd_cmd *cmd)
{
	bool ok = cmd->ns ? vssd_pl_flush(cmd->ns) : vssd_pl_flush_all(cmd->ctrl);

	if (!ok)
		cmd->status = VSSD_SC(NVME_SC_NS_NOT_READY);
}

/*
 * Format's data phase for @ns: the cache is written back and every block
 * deallocated, at once for the cache; false (nothing changes) when the
 * power was lost first.
 */
bool vssd_pl_format(struct vssd_ns *ns)
{
	struct vssd_ns_pl *pl = &ns->pl;
	bool ok;

	if (pl->cached)
		mutex_lock(&pl->lock);
	ok = !READ_ONCE(pl->lost);
	if (ok) {
		if (pl->cached)
			vssd_wcache_flush(&pl->wc);
		vssd_store_discard(&ns->cs.store, 0, ns->cs.store.size);
	}
	if (pl->cached)
		mutex_unlock(&pl->lock);
	return ok;
}

static void vssd_pl_restore(void *priv, u64 lba, u32 slot)
{
	struct vssd_ns *ns = priv;
	struct vssd_ns_pl *pl = &ns->pl;
	void *old = vssd_pl_slot(pl, slot);
	u32 len = 1U << pl->shift;

	/* Blocks never written or deallocated read as zeros: keep no page for them. */
	if (!memchr_inv(old, 0, len))
		vssd_store_discard(&ns->cs.store, lba << pl->shift, len);
	else if (vssd_store_write_kernel(&ns->cs.store, lba << pl->shift, old, len))
		/* No page for it: the block keeps its new content, as the rule allows. */
		pl->restore_failed++;
}

/*
 * Parses a faults/powerloss line: "1" or "all", "random PERCENT [SEED]"
 * (the share of cached blocks that keep their new content), "prefix
 * [SEED]"; words separated by spaces, a newline at the end at most.
 * Without a seed one is drawn.  0 or -EINVAL.
 */
int vssd_pl_parse(const char *line, struct vssd_wcache_cut *cut)
{
	char buf[64], *p = buf, *word[4];
	unsigned int n = 0, pct;

	if (strscpy(buf, line, sizeof(buf)) < 0)
		return -EINVAL;
	strim(buf);
	while (p && n < ARRAY_SIZE(word)) {
		word[n] = strsep(&p, " ");
		if (*word[n])
			n++;
	}
	if (p || !n)
		return -EINVAL;
	memset(cut, 0, sizeof(*cut));
	cut->seed = get_random_u64();
	if (!strcmp(word[0], "1") || !strcmp(word[0], "all")) {
		cut->rule = VSSD_WCACHE_LOSE_ALL;
		return n == 1 ? 0 : -EINVAL;
	}
	if (!strcmp(word[0], "random")) {
		if (n < 2 || n > 3 || kstrtouint(word[1], 10, &pct) || pct > 100)
			return -EINVAL;
		cut->rule = VSSD_WCACHE_RANDOM;
		cut->keep_permille = pct * 10;
		return n == 3 ? kstrtou64(word[2], 10, &cut->seed) : 0;
	}
	if (!strcmp(word[0], "prefix")) {
		if (n > 2)
			return -EINVAL;
		cut->rule = VSSD_WCACHE_PREFIX;
		return n == 2 ? kstrtou64(word[1], 10, &cut->seed) : 0;
	}
	return -EINVAL;
}

static const char *const vssd_pl_rule_names[] = {
	[VSSD_WCACHE_LOSE_ALL] = "all",
	[VSSD_WCACHE_RANDOM] = "random",
	[VSSD_WCACHE_PREFIX] = "prefix",
};

/*
 * ctrl->lock held, the controller live: the power fails.  Every block
 * namespace's cache is decided by @cut; afterwards nothing changes data.
 */
int vssd_pl_cut(struct vssd_ctrl *ctrl, const struct vssd_wcache_cut *cut)
{
	struct vssd_ns *ns;
	u64 lost = 0, kept = 0, failed = 0;

	lockdep_assert_held(&ctrl->lock);
	if (ctrl->state != VSSD_CTRL_LIVE)
		return -ENODEV;
	if (ctrl->power_lost)
		return -EALREADY;
	/* The dispatcher refuses I/O from here on; data moving now finishes first. */
	WRITE_ONCE(ctrl->power_lost, true);
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		struct vssd_ns_pl *pl = &ns->pl;
		u32 n;

		mutex_lock(&pl->lock);
		WRITE_ONCE(pl->lost, true);
		if (pl->cached) {
			u32 nr = pl->wc.nr;
			u64 before = pl->restore_failed;

			n = vssd_wcache_power_loss(&pl->wc, cut, vssd_pl_restore, ns);
			/* Those that could not get their old content back kept the new. */
			failed += pl->restore_failed - before;
			lost += n - (pl->restore_failed - before);
			kept += nr - n + (pl->restore_failed - before);
		}
		mutex_unlock(&pl->lock);
		if (ns->ops->power_loss) {
			u32 k;

			/* A command set that keeps its own cache, as its commands change it. */
			mutex_lock(&ctrl->dispatch_lock);
			lost += ns->ops->power_loss(&ns->cs, cut, &k, &n);
			mutex_unlock(&ctrl->dispatch_lock);
			kept += k;
			failed += n;
		}
	}
	WRITE_ONCE(ctrl->unsafe_shutdowns, ctrl->unsafe_shutdowns + 1);
	ctrl->pl_keep = true;
	snprintf(ctrl->pl_last, sizeof(ctrl->pl_last), "%s %u seed %llu lost %llu kept %llu",
		 vssd_pl_rule_names[cut->rule],
		 cut->rule == VSSD_WCACHE_RANDOM ? cut->keep_permille / 10 : 0,
		 cut->seed, lost, kept);
	pr_info("%s: power lost (%s): %llu cached blocks or keys lost, %llu kept\n",
		vssd_ctrl_name(ctrl), vssd_pl_rule_names[cut->rule], lost, kept);
	if (failed)
		pr_warn("%s: power loss: %llu of the kept ones could not get their old content back (no memory)\n",
			vssd_ctrl_name(ctrl), failed);
	return 0;
}

/* ctrl->lock held: the cache's lines of the namespace's stats, while it has one. */
ssize_t vssd_pl_stats_show(struct vssd_ns *ns, char *page, ssize_t at)
{
	struct vssd_ns_pl *pl = &ns->pl;
	struct vssd_wcache_stats st;
	u32 nr;

	lockdep_assert_held(&ns->cs.ctrl->lock);
	if (!pl->cached)
		return 0;
	mutex_lock(&pl->lock);
	st = pl->wc.stats;
	nr = pl->wc.nr;
	mutex_unlock(&pl->lock);
	return sysfs_emit_at(page, at,
			     "wcache_blocks %u\nwcache_cached %llu\nwcache_written_back %llu\n"
			     "wcache_flushed %llu\nwcache_lost %llu\nwcache_kept %llu\n",
			     nr, st.logged, st.drained, st.flushed, st.lost, st.survived);
}
