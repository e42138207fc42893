// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the faults/ directories in configfs (Documentation/faults.rst): a
 * namespace's media, latency and stall_ms, a controller's wear_percent,
 * powerloss and lost.
 * Each may change at any time, the controller powered or not; the rules
 * stay until cleared or the namespace or controller is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "../vssd.h"

#define VSSD_FAULT_MAX_STALL_MS	(VSSD_FAULT_MAX_US / 1000)

static struct vssd_ns *vssd_faults_ns(struct config_item *item)
{
	return container_of(to_config_group(item), struct vssd_ns, faults.group);
}

/* Whether any media or latency rule is left: the dispatcher's fast test. */
static bool vssd_faults_any(const struct vssd_fault_rules *rules)
{
	unsigned int k;

	if (rules->nr_ranges)
		return true;
	for (k = 0; k < VSSD_FAULT_NR_KINDS; k++)
		if (rules->delay[k].ppm)
			return true;
	return false;
}

/* The longest line a faults/ file takes (a rule is far shorter). */
#define VSSD_FAULT_LINE_MAX	256

/*
 * A write to a faults/ file is one line: no NUL inside it, not longer than
 * VSSD_FAULT_LINE_MAX (configfs would cut a longer write in pieces, each
 * then read as a line of its own).
 */
static int vssd_faults_line_ok(const char *page, size_t count)
{
	return count <= VSSD_FAULT_LINE_MAX && strnlen(page, count) == count ? 0 : -EINVAL;
}

/* How much of a refused line the kernel log shows (escaped, %*pE). */
static int vssd_faults_line_len(const char *page, size_t count)
{
	return (int)min_t(size_t, strnlen(page, count), 80);
}

/* Whether @ns takes block rules (else key rules): its command set now. */
static bool vssd_faults_blocks(struct vssd_ns *ns)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	bool blocks;

	mutex_lock(&ctrl->lock);
	blocks = ns->ops->blocks;
	mutex_unlock(&ctrl->lock);
	return blocks;
}

static ssize_t vssd_faults_media_show(struct config_item *item, char *page)
{
	struct vssd_ns_faults *f = &vssd_faults_ns(item)->faults;
	unsigned int i;
	int n = 0;

	spin_lock(&f->lock);
	for (i = 0; i < f->rules.nr_ranges; i++)
		n += vssd_fault_media_format(&f->rules.ranges[i], page + n, PAGE_SIZE - n);
	spin_unlock(&f->lock);
	return n;
}

static ssize_t vssd_faults_media_store(struct config_item *item, const char *page,
				       size_t count)
{
	struct vssd_ns *ns = vssd_faults_ns(item);
	struct vssd_ns_faults *f = &ns->faults;
	struct vssd_fault_media_rule r;
	bool clear, blocks, lbas;
	int ret = vssd_faults_line_ok(page, count);

	if (!ret)
		ret = vssd_fault_media_parse(page, &r, &clear);
	if (ret) {
		pr_warn_ratelimited("namespace %u: faults/media \"%*pE\" refused: \"read|write|rw SLBA NLB [COUNT]\", \"... key HEX [COUNT]\", \"... keys PERCENT [COUNT]\" or \"clear\"\n",
				    ns->cs.nsid, vssd_faults_line_len(page, count), page);
		return ret;
	}
	blocks = vssd_faults_blocks(ns);
	lbas = r.what == VSSD_FAULT_LBAS;
	if (!clear && blocks != lbas) {
		pr_warn_ratelimited("namespace %u: faults/media: %s rules only on a namespace of csi %s\n",
				    ns->cs.nsid, blocks ? "block" : "key",
				    blocks ? "nvm or zns" : "kv");
		return -EINVAL;
	}
	spin_lock(&f->lock);
	if (clear)
		f->rules.nr_ranges = 0;
	else
		ret = vssd_fault_media_add(&f->rules, &r);
	WRITE_ONCE(f->armed, vssd_faults_any(&f->rules));
	spin_unlock(&f->lock);
	if (ret) {
		pr_warn_ratelimited("namespace %u: faults/media: %u rules already, \"clear\" first\n",
				    ns->cs.nsid, VSSD_FAULT_MAX_RANGES);
		return ret;
	}
	return count;
}
CONFIGFS_ATTR(vssd_faults_, media);

static ssize_t vssd_faults_latency_show(struct config_item *item, char *page)
{
	struct vssd_ns_faults *f = &vssd_faults_ns(item)->faults;
	unsigned int k;
	int n = 0;

	spin_lock(&f->lock);
	for (k = 0; k < VSSD_FAULT_NR_KINDS; k++)
		n += vssd_fault_delay_format(&f->rules.delay[k], k, page + n, PAGE_SIZE - n);
	spin_unlock(&f->lock);
	return n;
}

static ssize_t vssd_faults_latency_store(struct config_item *item, const char *page,
					 size_t count)
{
	struct vssd_ns *ns = vssd_faults_ns(item);
	struct vssd_ns_faults *f = &ns->faults;
	struct vssd_fault_delay d;
	unsigned int kind = 0;
	bool clear;
	int ret = vssd_faults_line_ok(page, count);

	if (!ret)
		ret = vssd_fault_delay_parse(page, &kind, &d, &clear);
	if (ret) {
		pr_warn_ratelimited("namespace %u: faults/latency \"%*pE\" refused: \"read|write|other|all PERCENT|every N US[-US]\", \"... 0\" or \"clear\"\n",
				    ns->cs.nsid, vssd_faults_line_len(page, count), page);
		return ret;
	}
	spin_lock(&f->lock);
	if (clear)
		memset(f->rules.delay, 0, sizeof(f->rules.delay));
	else
		f->rules.delay[kind] = d;
	WRITE_ONCE(f->armed, vssd_faults_any(&f->rules));
	spin_unlock(&f->lock);
	return count;
}
CONFIGFS_ATTR(vssd_faults_, latency);

static ssize_t vssd_faults_stall_ms_show(struct config_item *item, char *page)
{
	u64 until = READ_ONCE(vssd_faults_ns(item)->faults.stall_until), now = ktime_get_ns();

	return sysfs_emit(page, "%llu\n", until > now ? div_u64(until - now, NSEC_PER_MSEC) : 0);
}

static ssize_t vssd_faults_stall_ms_store(struct config_item *item, const char *page,
					  size_t count)
{
	struct vssd_ns *ns = vssd_faults_ns(item);
	u32 ms;
	int ret = kstrtou32(page, 10, &ms);

	if (ret || ms > VSSD_FAULT_MAX_STALL_MS) {
		pr_warn_ratelimited("namespace %u: faults/stall_ms refused: 0..%u\n", ns->cs.nsid,
				    VSSD_FAULT_MAX_STALL_MS);
		return -EINVAL;
	}
	/* From now; 0 ends a stall. */
	WRITE_ONCE(ns->faults.stall_until, ms ? ktime_get_ns() + (u64)ms * NSEC_PER_MSEC : 0);
	return count;
}
CONFIGFS_ATTR(vssd_faults_, stall_ms);

static struct configfs_attribute *vssd_faults_attrs[] = {
	&vssd_faults_attr_media,
	&vssd_faults_attr_latency,
	&vssd_faults_attr_stall_ms,
	NULL,
};

static const struct config_item_type vssd_faults_type = {
	.ct_attrs	= vssd_faults_attrs,
	.ct_owner	= THIS_MODULE,
};

/* At mkdir of the namespace: its faults/ directory, freed with it. */
void vssd_faults_add_group(struct vssd_ns *ns)
{
	config_group_init_type_name(&ns->faults.group, "faults", &vssd_faults_type);
	configfs_add_default_group(&ns->faults.group, &ns->group);
}

/* ---- a controller's faults/ ---- */

static struct vssd_ctrl *vssd_faults_ctrl(struct config_item *item)
{
	return container_of(to_config_group(item), struct vssd_ctrl, faults_group);
}

static ssize_t vssd_ctrl_faults_wear_percent_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(vssd_faults_ctrl(item)->wear_added));
}

static ssize_t vssd_ctrl_faults_wear_percent_store(struct config_item *item,
						   const char *page, size_t count)
{
	struct vssd_ctrl *ctrl = vssd_faults_ctrl(item);
	u32 v;

	if (kstrtou32(page, 10, &v) || v > 255) {
		pr_warn_ratelimited("%s: faults/wear_percent refused: 0..255\n",
				    vssd_ctrl_name(ctrl));
		return -EINVAL;
	}
	WRITE_ONCE(ctrl->wear_added, v);
	/*
	 * A new generation: the dispatcher looks again at its next command
	 * that changes data (fault/wear.c), and reads wear_added after it.
	 */
	smp_mb__before_atomic();
	atomic_inc(&ctrl->wear_gen);
	return count;
}
CONFIGFS_ATTR(vssd_ctrl_faults_, wear_percent);

/* What the last power loss did, or "none". */
static ssize_t vssd_ctrl_faults_powerloss_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = vssd_faults_ctrl(item);
	ssize_t ret;

	mutex_lock(&ctrl->lock);
	ret = sysfs_emit(page, "%s%s\n", ctrl->pl_last[0] ? ctrl->pl_last : "none",
			 ctrl->power_lost ? " (power off and on to go on)" : "");
	mutex_unlock(&ctrl->lock);
	return ret;
}

/* A rule (fault/powerloss.c) cuts the power of a live controller now. */
static ssize_t vssd_ctrl_faults_powerloss_store(struct config_item *item,
						const char *page, size_t count)
{
	struct vssd_ctrl *ctrl = vssd_faults_ctrl(item);
	struct vssd_wcache_cut cut;
	int ret;

	if (vssd_faults_line_ok(page, count) || vssd_pl_parse(page, &cut)) {
		pr_warn_ratelimited("%s: faults/powerloss refused: \"%*pE\": 1, all, random PERCENT [SEED] or prefix [SEED]\n",
				    vssd_ctrl_name(ctrl), vssd_faults_line_len(page, count), page);
		return -EINVAL;
	}
	mutex_lock(&ctrl->lock);
	ret = vssd_pl_cut(ctrl, &cut);
	mutex_unlock(&ctrl->lock);
	if (ret == -ENODEV)
		pr_warn_ratelimited("%s: faults/powerloss refused: the controller is not powered\n",
				    vssd_ctrl_name(ctrl));
	else if (ret)
		pr_warn_ratelimited("%s: faults/powerloss refused: the power is lost already\n",
				    vssd_ctrl_name(ctrl));
	return ret ? ret : count;
}
CONFIGFS_ATTR(vssd_ctrl_faults_, powerloss);

static ssize_t vssd_ctrl_faults_lost_show(struct config_item *item, char *page)
{
	return vssd_lost_show(vssd_faults_ctrl(item), page);
}
CONFIGFS_ATTR_RO(vssd_ctrl_faults_, lost);

static ssize_t vssd_ctrl_faults_lost_limit_ms_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(vssd_faults_ctrl(item)->lost_limit_ms));
}

/* It applies to the commands held now too (fault/lost.c). */
static ssize_t vssd_ctrl_faults_lost_limit_ms_store(struct config_item *item,
						    const char *page, size_t count)
{
	struct vssd_ctrl *ctrl = vssd_faults_ctrl(item);
	u32 v;

	if (kstrtou32(page, 10, &v) || v < VSSD_LOST_LIMIT_MS_MIN || v > VSSD_LOST_LIMIT_MS_MAX) {
		pr_warn_ratelimited("%s: faults/lost_limit_ms refused: %u..%u\n",
				    vssd_ctrl_name(ctrl), VSSD_LOST_LIMIT_MS_MIN,
				    VSSD_LOST_LIMIT_MS_MAX);
		return -EINVAL;
	}
	vssd_lost_set_limit(ctrl, v);
	return count;
}
CONFIGFS_ATTR(vssd_ctrl_faults_, lost_limit_ms);

static struct configfs_attribute *vssd_ctrl_faults_attrs[] = {
	&vssd_ctrl_faults_attr_wear_percent,
	&vssd_ctrl_faults_attr_powerloss,
	&vssd_ctrl_faults_attr_lost,
	&vssd_ctrl_faults_attr_lost_limit_ms,
	NULL,
};

static const struct config_item_type vssd_ctrl_faults_type = {
	.ct_attrs	= vssd_ctrl_faults_attrs,
	.ct_owner	= THIS_MODULE,
};

/* At mkdir of the controller: its faults/ directory, freed with it. */
void vssd_ctrl_faults_add_group(struct vssd_ctrl *ctrl)
{
	config_group_init_type_name(&ctrl->faults_group, "faults", &vssd_ctrl_faults_type);
	configfs_add_default_group(&ctrl->faults_group, &ctrl->group);
}
