// SPDX-License-Identifier: GPL-2.0
/*
 * vssd "zero" model: every command is due the moment it is dispatched, so
 * what is measured is the engine itself (queues, threads, data copies).
 */
#include "../vssd.h"

static u64 vssd_zero_read(struct vssd_ns *ns, u64 off, u64 len, u64 now)
{
	return now;
}

static int vssd_zero_write(struct vssd_ns *ns, u64 off, u64 len, u64 now, u64 *done)
{
	*done = now;
	return 0;
}

static u64 vssd_zero_flush(struct vssd_ctrl *ctrl, u64 now)
{
	return now;
}

const struct vssd_model_ops vssd_model_zero = {
	.name	= "zero",
	.untimed = true,
	.read	= vssd_zero_read,
	.write	= vssd_zero_write,
	.flush	= vssd_zero_flush,
};
