// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: statistics, the "stats" attributes of a controller and of each
 * namespace.
 *
 * Command and byte counters are written under the dispatch lock, the
 * engine's histograms (lateness, overhead, measured latency) by each worker
 * alone or per CPU; the reader sums a racy snapshot.
 */
#include <linux/slab.h>

#include "vssd.h"

/*
 * Commands of the command sets made of logical blocks count by their NVM
 * opcode; a command set's own commands, and every command of the others,
 * count under the command set's name.
 */
static enum vssd_stat_kind vssd_stat_kind_of(struct vssd_cmd *cmd)
{
	const struct vssd_cs_ops *cs = cmd->ns ? cmd->ns->ops : NULL;
	u8 opcode = cmd->sqe.common.opcode;

	if (cmd->qid == 0)
		return VSSD_STAT_ADMIN;
	if (cs && !cs->blocks)
		return VSSD_STAT_CS;
	if (cs && cs->stat_opcode)
		opcode = cs->stat_opcode(cmd);
	switch (opcode) {
	case nvme_cmd_read:
		return VSSD_STAT_READ;
	case nvme_cmd_write:
		return VSSD_STAT_WRITE;
	case nvme_cmd_flush:
		return VSSD_STAT_FLUSH;
	case nvme_cmd_write_zeroes:
		return VSSD_STAT_WRITE_ZEROES;
	case nvme_cmd_dsm:
		return VSSD_STAT_DSM;
	case nvme_cmd_compare:
		return VSSD_STAT_COMPARE;
	case VSSD_NVM_CMD_COPY:
		return VSSD_STAT_COPY;
	default:
		return cs && cs != &vssd_cs_nvm ? VSSD_STAT_CS : VSSD_STAT_OTHER_IO;
	}
}

/*
 * Dispatcher: count a command that passed (or failed) its checks, for the
 * controller and its namespace, and say which latency histogram its
 * completion joins.
 */
void vssd_stats_count(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 modelled)
{
	struct vssd_stats *s = &ctrl->stats;
	enum vssd_stat_kind kind;
	struct vssd_ns *ns;
	u64 bytes;

	lockdep_assert_held(&ctrl->dispatch_lock);
	ns = cmd->qid ? cmd->ns : NULL;
	if (cmd->status) {
		vssd_stat_inc(&s->cmds[VSSD_STAT_ERRORS], 1);
		if (ns)
			vssd_stat_inc(&ns->stats.errors, 1);
		return;
	}
	kind = vssd_stat_kind_of(cmd);
	if (kind == VSSD_STAT_CS) {
		unsigned int i = cmd->ns->cs_index;

		vssd_stat_inc(&s->cs_cmds[i], 1);
		vssd_stat_inc(&ns->stats.cs_cmds, 1);
		return;
	}
	vssd_stat_inc(&s->cmds[kind], 1);
	if (kind != VSSD_STAT_READ && kind != VSSD_STAT_WRITE) {
		if (ns)
			vssd_stat_inc(&ns->stats.other_cmds, 1);
		return;
	}
	bytes = (u64)(le16_to_cpu(cmd->sqe.rw.length) + 1) << cmd->ns->cs.lba_shift;
	if (kind == VSSD_STAT_READ) {
		cmd->lat_kind = VSSD_LAT_READ;
		vssd_stat_inc(&s->bytes_read, bytes);
		vssd_stat_inc(&s->model_read_ns, modelled);
		vssd_stat_inc(&s->model_reads, 1);
		vssd_stat_inc(&ns->stats.reads, 1);
		vssd_stat_inc(&ns->stats.bytes_read, bytes);
	} else {
		cmd->lat_kind = VSSD_LAT_WRITE;
		vssd_stat_inc(&s->bytes_written, bytes);
		vssd_stat_inc(&s->model_write_ns, modelled);
		vssd_stat_inc(&s->model_writes, 1);
		vssd_stat_inc(&ns->stats.writes, 1);
		vssd_stat_inc(&ns->stats.bytes_written, bytes);
	}
}

/*
 * "name value" lines of a namespace's stats attribute (emulator.rst):
 * what it counted since the controller powered on.  ctrl->lock held.
 */
ssize_t vssd_stats_ns_show(struct vssd_ns *ns, char *page)
{
	const struct vssd_ns_stats *s = &ns->stats;
	ssize_t n = 0;

	lockdep_assert_held(&ns->cs.ctrl->lock);	/* ns->ops stays */
	n += sysfs_emit_at(page, n, "read_cmds %llu\nwrite_cmds %llu\n",
			   READ_ONCE(s->reads), READ_ONCE(s->writes));
	if (ns->ops != &vssd_cs_nvm)	/* NVM commands count by opcode */
		n += sysfs_emit_at(page, n, "%s_cmds %llu\n", ns->ops->name,
				   READ_ONCE(s->cs_cmds));
	n += sysfs_emit_at(page, n, "other_cmds %llu\nerror_cmds %llu\n",
			   READ_ONCE(s->other_cmds), READ_ONCE(s->errors));
	n += sysfs_emit_at(page, n, "bytes_read %llu\nbytes_written %llu\n",
			   READ_ONCE(s->bytes_read), READ_ONCE(s->bytes_written));
	n += sysfs_emit_at(page, n, "media_errors %llu\ndelayed_cmds %llu\nstalled_cmds %llu\n",
			   READ_ONCE(s->media_errors), READ_ONCE(s->delayed),
			   READ_ONCE(s->stalled));
	n += sysfs_emit_at(page, n, "lost_cmds %llu\naborted_cmds %llu\n",
			   READ_ONCE(s->lost), READ_ONCE(s->aborted));
	return n + vssd_pl_stats_show(ns, page, n);
}

static const char *const vssd_stat_names[VSSD_NR_STATS] = {
	[VSSD_STAT_READ]		= "read_cmds",
	[VSSD_STAT_WRITE]		= "write_cmds",
	[VSSD_STAT_FLUSH]		= "flush_cmds",
	[VSSD_STAT_WRITE_ZEROES]	= "write_zeroes_cmds",
	[VSSD_STAT_DSM]			= "dsm_cmds",
	[VSSD_STAT_COMPARE]		= "compare_cmds",
	[VSSD_STAT_COPY]		= "copy_cmds",
	/* VSSD_STAT_CS: "<name>_cmds" per command set */
	[VSSD_STAT_OTHER_IO]		= "other_io_cmds",
	[VSSD_STAT_ADMIN]		= "admin_cmds",
	[VSSD_STAT_ERRORS]		= "error_cmds",
};

static ssize_t vssd_stats_hist(char *page, ssize_t at, const char *name,
			       const struct vssd_hist *h)
{
	ssize_t n = 0;

	n += sysfs_emit_at(page, at + n, "%s_mean_ns %llu\n", name,
			   h->count ? div64_u64(h->sum, h->count) : 0);
	n += sysfs_emit_at(page, at + n, "%s_p50_ns %llu\n%s_p99_ns %llu\n", name,
			   vssd_hist_percentile(h, 50), name, vssd_hist_percentile(h, 99));
	n += sysfs_emit_at(page, at + n, "%s_max_ns %llu\n", name, h->max);
	return n;
}

/*
 * "name value" lines; see Documentation/emulator.rst for each.  Called with
 * ctrl->lock held: model and workers exist only while the controller is live.
 */
ssize_t vssd_stats_show(struct vssd_ctrl *ctrl, char *page)
{
	const struct vssd_stats *s = &ctrl->stats;
	struct vssd_model_counters c = {};
	struct vssd_engine_view *view;
	ssize_t n = 0;
	u64 waf_x1000 = 0;
	unsigned int i;

	lockdep_assert_held(&ctrl->lock);
	view = kvzalloc(sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;
	for (i = 0; i < VSSD_NR_STATS; i++) {
		const struct vssd_cs_ops *cs;
		unsigned int j;

		if (i != VSSD_STAT_CS) {
			n += sysfs_emit_at(page, n, "%s %llu\n", vssd_stat_names[i],
					   READ_ONCE(s->cmds[i]));
			continue;
		}
		/* One line per command set but NVM (counted by opcode). */
		for (j = 0; (cs = vssd_cs_at(j)); j++)
			if (cs != &vssd_cs_nvm)
				n += sysfs_emit_at(page, n, "%s_cmds %llu\n", cs->name,
						   READ_ONCE(s->cs_cmds[j]));
	}
	n += sysfs_emit_at(page, n, "bytes_read %llu\nbytes_written %llu\n",
			   READ_ONCE(s->bytes_read), READ_ONCE(s->bytes_written));
	n += sysfs_emit_at(page, n, "bytes_copied %llu\nbytes_deallocated %llu\n",
			   READ_ONCE(s->bytes_copied), READ_ONCE(s->bytes_deallocated));
	n += sysfs_emit_at(page, n, "read_model_mean_ns %llu\nwrite_model_mean_ns %llu\n",
			   s->model_reads ? div64_u64(s->model_read_ns, s->model_reads) : 0,
			   s->model_writes ? div64_u64(s->model_write_ns, s->model_writes) : 0);
	if (ctrl->state == VSSD_CTRL_LIVE && ctrl->model->counters)
		ctrl->model->counters(ctrl, &c);
	if (c.host_units_programmed)
		waf_x1000 = div64_u64((c.host_units_programmed + c.gc_units_moved) * 1000,
				      c.host_units_programmed);
	n += sysfs_emit_at(page, n, "gc_runs %llu\ngc_pages_moved %llu\n",
			   c.gc_runs, c.gc_units_moved);
	n += sysfs_emit_at(page, n, "host_pages_written %llu\nwaf %llu.%03llu\n",
			   c.host_units_programmed, waf_x1000 / 1000, waf_x1000 % 1000);
	n += sysfs_emit_at(page, n, "erases %llu\nmax_erase_count %llu\n",
			   c.erases, c.max_erase_count);
	n += sysfs_emit_at(page, n, "free_blocks %llu\ntotal_blocks %llu\n",
			   c.free_blocks, c.total_blocks);
	if (ctrl->state == VSSD_CTRL_LIVE) {
		const struct vssd_cs_ops *cs;

		vssd_engine_view(ctrl, view);
		for (i = 0; (cs = vssd_cs_at(i)); i++)
			if (cs->stats_show)
				n += cs->stats_show(ctrl, page, n);
	}
	n += sysfs_emit_at(page, n, "completions %llu\ndirect_completions %llu\n",
			   view->lateness.count, view->direct);
	n += sysfs_emit_at(page, n, "early_completions %llu\nspin_ns %llu\n",
			   view->early, view->spin_ns);
	n += vssd_stats_hist(page, n, "lateness", &view->lateness);
	n += vssd_stats_hist(page, n, "overhead", &view->overhead);
	n += vssd_stats_hist(page, n, "read_latency", &view->latency[VSSD_LAT_READ - 1]);
	n += vssd_stats_hist(page, n, "write_latency", &view->latency[VSSD_LAT_WRITE - 1]);
	kvfree(view);
	return n;
}

/*
 * Zero the model's predicted-latency means and the engine's histograms.  The
 * command and byte counters stay: SMART reports them to the host.
 * Racy against running workers: meant for a quiet controller.
 */
void vssd_stats_reset(struct vssd_ctrl *ctrl)
{
	unsigned int i;

	lockdep_assert_held(&ctrl->lock);	/* workers exist while LIVE */
	WRITE_ONCE(ctrl->stats.model_read_ns, 0);
	WRITE_ONCE(ctrl->stats.model_write_ns, 0);
	WRITE_ONCE(ctrl->stats.model_reads, 0);
	WRITE_ONCE(ctrl->stats.model_writes, 0);
	if (ctrl->state != VSSD_CTRL_LIVE)
		return;
	for (i = 0; i < ctrl->nr_workers; i++) {
		memset(&ctrl->workers[i].lateness, 0, sizeof(ctrl->workers[i].lateness));
		memset(&ctrl->workers[i].overhead, 0, sizeof(ctrl->workers[i].overhead));
		memset(ctrl->workers[i].latency, 0, sizeof(ctrl->workers[i].latency));
		WRITE_ONCE(ctrl->workers[i].early, 0);
		WRITE_ONCE(ctrl->workers[i].spin_ns, 0);
	}
	for_each_possible_cpu(i)
		memset(per_cpu_ptr(ctrl->direct, i), 0, sizeof(*ctrl->direct));
}
