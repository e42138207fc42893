// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the dispatcher's side of a namespace's fault rules.  Before its
 * command set sees a command, a media rule may fail it; after, latency
 * rules and a stall may move its completion later.  Documentation/faults.rst
 * says what a user gets.
 */
#include <linux/lockdep.h>
#include <linux/random.h>
#include <linux/spinlock.h>

#include "../vssd.h"

void vssd_faults_init(struct vssd_ns *ns)
{
	spin_lock_init(&ns->faults.lock);
}

/* Which media rules a command meets: 0 for a command no rule fails. */
static u8 vssd_fault_media_op(const struct vssd_cmd *cmd)
{
	switch (cmd->sqe.common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_compare:
		return VSSD_FAULT_READ;
	case nvme_cmd_write:
		return VSSD_FAULT_WRITE;
	default:
		return 0;
	}
}

/* @cmd met a media rule of @op: its status, and the counters of a media error. */
static void vssd_fault_media_fail(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u8 op)
{
	struct vssd_ns *ns = cmd->ns;

	cmd->status = VSSD_SC(op == VSSD_FAULT_READ ? NVME_SC_READ_ERROR : NVME_SC_WRITE_FAULT);
	vssd_stat_inc(&ns->stats.media_errors, 1);
	vssd_stat_inc(&ctrl->stats.media_errors, 1);
}

/*
 * Dispatch lock held: fail @cmd if a media rule of its namespace covers
 * one of its blocks.  Only commands whose range is inside the namespace
 * are looked at, so that a range error stays the command set's answer.
 * Returns true when @cmd failed (with no data phase).
 */
bool vssd_fault_media(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	struct vssd_ns_faults *f = &ns->faults;
	u64 slba = le64_to_cpu(cmd->sqe.rw.slba);
	u64 nlb = (u64)le16_to_cpu(cmd->sqe.rw.length) + 1;
	struct vssd_fault_media_rule *hit;
	u8 op;

	lockdep_assert_held(&ctrl->dispatch_lock);
	if (!READ_ONCE(f->armed) || !ns->ops->blocks)
		return false;
	op = vssd_fault_media_op(cmd);
	if (!op || slba >= ns->cs.nr_lbas || nlb > ns->cs.nr_lbas - slba)
		return false;
	spin_lock(&f->lock);
	hit = vssd_fault_media_hit(&f->rules, op, slba, nlb);
	spin_unlock(&f->lock);
	if (!hit)
		return false;
	vssd_fault_media_fail(ctrl, cmd, op);
	return true;
}

/* <vssd/cs.h>: a KV command on key @key meets its namespace's key rules. */
bool vssd_fault_key(struct vssd_cmd *cmd, u8 op, const u8 *key, u8 len)
{
	struct vssd_ns_faults *f = &cmd->ns->faults;
	struct vssd_fault_media_rule *hit;

	vssd_assert_dispatching(cmd->ctrl);
	if (!READ_ONCE(f->armed))
		return false;
	spin_lock(&f->lock);
	hit = vssd_fault_key_hit(&f->rules, op, key, len);
	spin_unlock(&f->lock);
	if (!hit)
		return false;
	vssd_fault_media_fail(cmd->ctrl, cmd, op);
	return true;
}

/*
 * The kind of a command for latency rules: by the data transfer bits of
 * its opcode (10b to the host: read, 01b from it: write), Compare a read.
 */
static unsigned int vssd_fault_kind_of(const struct vssd_cmd *cmd)
{
	u8 opcode = cmd->sqe.common.opcode;

	if (opcode == nvme_cmd_compare || (opcode & 3) == 2)
		return VSSD_FAULT_KIND_READ;
	if ((opcode & 3) == 1)
		return VSSD_FAULT_KIND_WRITE;
	return VSSD_FAULT_KIND_OTHER;
}

/* @f->lock held: the extra time rule @d gives a command, drawn only for a rule. */
static u64 vssd_fault_draw(struct vssd_fault_delay *d)
{
	if (!d->ppm)
		return 0;
	return vssd_fault_delay_pick(d, get_random_u32(), get_random_u32());
}

/*
 * Dispatch lock held, the command set done with @cmd (which may have
 * failed): its namespace's latency rules (its kind's and "all") and a stall
 * move *@deadline later, or a "lost" rule loses it (fault/lost.c).
 */
void vssd_fault_delay(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_ns *ns = cmd->ns;
	struct vssd_ns_faults *f = &ns->faults;
	u64 stall = READ_ONCE(f->stall_until), extra = 0, before = max(*deadline, now);
	u64 own, all;

	lockdep_assert_held(&ctrl->dispatch_lock);
	if (READ_ONCE(f->armed)) {
		unsigned int kind = vssd_fault_kind_of(cmd);

		spin_lock(&f->lock);
		own = vssd_fault_draw(&f->rules.delay[kind]);
		all = vssd_fault_draw(&f->rules.delay[VSSD_FAULT_KIND_ALL]);
		spin_unlock(&f->lock);
		if ((own == VSSD_FAULT_LOST || all == VSSD_FAULT_LOST) && !cmd->no_lose) {
			/* fault/lost.c holds it; the deadline is its limit. */
			cmd->lost = true;
			vssd_stat_inc(&ns->stats.lost, 1);
			extra = (u64)VSSD_FAULT_MAX_US * NSEC_PER_USEC;
		} else {
			if (own == VSSD_FAULT_LOST)
				own = 0;
			if (all == VSSD_FAULT_LOST)
				all = 0;
			extra = own + all;
		}
	}
	if (cmd->lost) {
		*deadline = before + extra;
	} else if (extra) {
		/* Both rules together are held to the longest one alone. */
		*deadline = before + min_t(u64, extra, (u64)VSSD_FAULT_MAX_US * NSEC_PER_USEC);
		vssd_stat_inc(&ns->stats.delayed, 1);
	}
	if (stall > now && stall > *deadline) {
		*deadline = stall;
		vssd_stat_inc(&ns->stats.stalled, 1);
	}
	/* Not the model's: kept out of the model's means (stats.c). */
	cmd->fault_ns = max(*deadline, now) - before;
}
