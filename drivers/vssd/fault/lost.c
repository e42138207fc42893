// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: lost commands (Documentation/faults.rst, Latency): a latency rule
 * whose time is "lost" keeps a command from completing by itself.  Its
 * data has moved (a lost write is written, a lost read read); its
 * completion waits on the controller's list of lost commands for one of:
 *
 *   - an Abort (admin 08h) naming its submission queue and command
 *     identifier;
 *   - the block device's request timeout (io_timeout in the queue's sysfs
 *     directory), the host driver's turn: the request is sent again, as
 *     the Linux NVMe host retries an aborted command, and not lost again
 *     (struct vssd_cmd.no_lose), so that no request waits more than one
 *     timeout or the limit below;
 *   - faults/lost_limit_ms (ctrl->lost_limit_ms, 60 s unless set) after it
 *     was lost, the controller's own limit, so that no submitter waits
 *     forever (a front end that has no timeout, such as the character
 *     device, gets it back then); the sweep compares each command's age
 *     with the limit of the moment, so a new limit applies to the commands
 *     held already;
 *   - power off, which needs no opener left, so only commands forwarded
 *     for a transport can still be waiting.
 *
 * Each of them completes the command with Command Abort Requested.  The
 * list is under ctrl->lost_lock (a spinlock, taken in process context
 * only: workers, the block layer's timeout work, the sweep, Abort's
 * worker); whoever takes a command off the list completes it, exactly
 * once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../vssd.h"

/*
 * How often the limit is looked at while commands are lost: a tenth of
 * the limit, between 10 ms and 1 s, so that a command leaves at most a
 * tenth of its limit (and never more than 1 s) late.
 */
static unsigned long vssd_lost_period(struct vssd_ctrl *ctrl)
{
	return msecs_to_jiffies(clamp_t(u32, READ_ONCE(ctrl->lost_limit_ms) / 10, 10, 1000));
}

static void vssd_lost_done(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	cmd->status = NVME_SC_ABORT_REQ;
	cmd->result = 0;
	vssd_complete(ctrl, cmd);
}

/* ctrl->lost_lock held: @cmd leaves the list, counted as aborted. */
static void vssd_lost_unlink(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	lockdep_assert_held(&ctrl->lost_lock);
	list_del_init(&cmd->lost_link);
	cmd->lost_held = false;
	if (cmd->ns)
		WRITE_ONCE(cmd->ns->stats.aborted, cmd->ns->stats.aborted + 1);
}

static void vssd_lost_sweep(struct work_struct *work)
{
	struct vssd_ctrl *ctrl = container_of(to_delayed_work(work), struct vssd_ctrl,
					      lost_work);
	u64 limit = (u64)READ_ONCE(ctrl->lost_limit_ms) * NSEC_PER_MSEC;
	u64 now = ktime_get_ns();
	struct vssd_cmd *cmd, *next;
	LIST_HEAD(due);
	bool more;

	spin_lock(&ctrl->lost_lock);
	list_for_each_entry_safe(cmd, next, &ctrl->lost, lost_link) {
		/* Held after @now was read: lost_at may be past it. */
		if (cmd->lost_at + limit > now)
			continue;
		vssd_lost_unlink(ctrl, cmd);
		list_add_tail(&cmd->lost_link, &due);
	}
	more = !list_empty(&ctrl->lost);
	spin_unlock(&ctrl->lost_lock);
	list_for_each_entry_safe(cmd, next, &due, lost_link) {
		list_del_init(&cmd->lost_link);
		vssd_lost_done(ctrl, cmd);
	}
	if (more)
		schedule_delayed_work(&ctrl->lost_work, vssd_lost_period(ctrl));
}

void vssd_lost_init(struct vssd_ctrl *ctrl)
{
	spin_lock_init(&ctrl->lost_lock);
	INIT_LIST_HEAD(&ctrl->lost);
	INIT_DELAYED_WORK(&ctrl->lost_work, vssd_lost_sweep);
	ctrl->lost_limit_ms = VSSD_LOST_LIMIT_MS_DEFAULT;
}

/* A worker, the data of @cmd moved: it waits on the list instead of its deadline. */
void vssd_lost_hold(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	cmd->lost_at = ktime_get_ns();
	spin_lock(&ctrl->lost_lock);
	list_add_tail(&cmd->lost_link, &ctrl->lost);
	cmd->lost_held = true;
	spin_unlock(&ctrl->lost_lock);
	schedule_delayed_work(&ctrl->lost_work, vssd_lost_period(ctrl));
}

/*
 * Abort: the lost command of submission queue @qid with identifier @cid
 * completes with Command Abort Requested.  True when there was one.
 */
bool vssd_lost_abort(struct vssd_ctrl *ctrl, u16 qid, u16 cid)
{
	struct vssd_cmd *cmd, *found = NULL;

	spin_lock(&ctrl->lost_lock);
	list_for_each_entry(cmd, &ctrl->lost, lost_link) {
		/* A local Abort: commands forwarded for remote hosts have their ids. */
		if (cmd->qid == qid && cmd->sqe.common.command_id == cid && !cmd->foreign) {
			found = cmd;
			vssd_lost_unlink(ctrl, cmd);
			break;
		}
	}
	spin_unlock(&ctrl->lost_lock);
	if (found)
		vssd_lost_done(ctrl, found);
	return found;
}

/*
 * The block layer's timeout handler: true when @cmd was lost, now off the
 * list and the caller's to complete.
 */
bool vssd_lost_take(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	bool lost;

	spin_lock(&ctrl->lost_lock);
	lost = cmd->lost_held;
	if (lost)
		vssd_lost_unlink(ctrl, cmd);
	spin_unlock(&ctrl->lost_lock);
	return lost;
}

/*
 * faults/lost_limit_ms: a new limit, which the sweep applies to the
 * commands held now as well; with some held, the sweep runs at once.
 * Queued under the lock only while the list is not empty, so that once
 * vssd_lost_stop() has emptied it nothing queues the sweep again.
 */
void vssd_lost_set_limit(struct vssd_ctrl *ctrl, u32 ms)
{
	WRITE_ONCE(ctrl->lost_limit_ms, ms);
	spin_lock(&ctrl->lost_lock);
	if (!list_empty(&ctrl->lost))
		mod_delayed_work(system_wq, &ctrl->lost_work, 0);
	spin_unlock(&ctrl->lost_lock);
}

/* Power off, the workers stopped: every command still lost completes. */
void vssd_lost_stop(struct vssd_ctrl *ctrl)
{
	struct vssd_cmd *cmd;

	cancel_delayed_work_sync(&ctrl->lost_work);
	for (;;) {
		spin_lock(&ctrl->lost_lock);
		cmd = list_first_entry_or_null(&ctrl->lost, struct vssd_cmd, lost_link);
		if (cmd)
			vssd_lost_unlink(ctrl, cmd);
		spin_unlock(&ctrl->lost_lock);
		if (!cmd)
			break;
		vssd_lost_done(ctrl, cmd);
	}
	/* A new limit written during the drain may have queued it. */
	cancel_delayed_work_sync(&ctrl->lost_work);
}

/* faults/lost: one line per lost command, the oldest first. */
ssize_t vssd_lost_show(struct vssd_ctrl *ctrl, char *page)
{
	u64 now = ktime_get_ns();
	struct vssd_cmd *cmd;
	ssize_t n = 0;

	spin_lock(&ctrl->lost_lock);
	list_for_each_entry(cmd, &ctrl->lost, lost_link) {
		u64 age = now > cmd->lost_at ? now - cmd->lost_at : 0;

		if (n > PAGE_SIZE - 96) {
			n += sysfs_emit_at(page, n, "...\n");
			break;
		}
		n += sysfs_emit_at(page, n, "sqid %u cid %u nsid %u opcode 0x%02x age_ms %llu\n",
				   cmd->qid, cmd->sqe.common.command_id,
				   le32_to_cpu(cmd->sqe.common.nsid), cmd->sqe.common.opcode,
				   div_u64(age, NSEC_PER_MSEC));
	}
	spin_unlock(&ctrl->lost_lock);
	return n;
}
