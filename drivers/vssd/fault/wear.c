// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: wear-out.  The percentage used is what the model measures (average
 * erase count over pe_cycles) plus what faults/wear_percent adds; the
 * available spare, the critical warning and read-only mode follow from it
 * (include/vssd/fault.h, Documentation/faults.rst).
 */
#include <linux/atomic.h>
#include <linux/lockdep.h>

#include "../vssd.h"

/* How often the dispatcher looks again whether the media is read-only. */
#define VSSD_WEAR_CHECK_NS	(100 * NSEC_PER_MSEC)

/* Percentage used, at most 255 as SMART reports it (model counters: any context). */
u32 vssd_wear_used(struct vssd_ctrl *ctrl)
{
	struct vssd_model_counters c = {};
	u64 used = 0;

	if (ctrl->model->counters && ctrl->params.pe_cycles) {
		ctrl->model->counters(ctrl, &c);
		used = div64_u64(c.avg_erase_count_x100, ctrl->params.pe_cycles);
	}
	return min_t(u64, used + READ_ONCE(ctrl->wear_added), 255);
}

/*
 * Dispatch lock held: refuse @cmd, which changes data, while the media is
 * read-only (Namespace is Write Protected).  Returns true when refused.
 */
bool vssd_wear_refuses(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now)
{
	int gen;

	lockdep_assert_held(&ctrl->dispatch_lock);
	if (!test_bit(cmd->sqe.common.opcode, cmd->ns->changes))
		return false;
	/* Pairs with the barrier before the increment in fault/configfs.c. */
	gen = atomic_read_acquire(&ctrl->wear_gen);
	if (!ctrl->wear_checked || gen != ctrl->wear_seen ||
	    now - ctrl->wear_checked >= VSSD_WEAR_CHECK_NS) {
		ctrl->wear_seen = gen;
		ctrl->wear_checked = now;
		ctrl->wear_read_only = vssd_wear_warning(vssd_wear_used(ctrl)) &
				       VSSD_WARN_READ_ONLY;
	}
	if (!ctrl->wear_read_only)
		return false;
	cmd->status = VSSD_SC(NVME_SC_NS_WRITE_PROTECTED);
	return true;
}
