// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the engine that decides when each command completes.
 *
 * Front ends (block layer, ioctls, the transport) push commands onto a
 * submission queue, a lock-free list.  One dispatcher thread per controller
 * drains the queues round-robin, checks each command and asks the model for
 * its latency; whoever dispatches holds the controller's dispatch lock, so
 * models need no locks of their own.  The command goes to the worker that
 * owns its queue.  A worker moves the data at once, then sets the deadline:
 * the modelled latency counted from that moment, so the emulator's own
 * overhead (what the zero model measures) adds to the model instead of
 * hiding inside it.  It files the command in a timerqueue (an rbtree:
 * O(log n) insertion) and completes it when the deadline comes, sleeping on
 * an hrtimer until a learnt margin before it and spinning the rest (with
 * poll=0 briefly and within a CPU budget; with poll=1 longer, and a little
 * while after the last completion too).  The dispatcher always sleeps when
 * the queues are empty:
 * spinning there would steal the CPU of the very submitter it waits for,
 * as measured on 2-CPU guests.
 *
 * Direct dispatch: a front end that may sleep and takes completions
 * before its submit call returns (block device, ioctls, commands a
 * transport forwards) calls vssd_submit_direct: the submitter takes the
 * dispatch lock and plays the dispatcher for its own command, one thread
 * hand-off fewer.  With poll=0 (the default) a command with no modelled
 * latency (the zero model, errors) then has its data moved and completes
 * right there, with no hand-off at all, as null_blk does.  With poll=1
 * every command goes on to a worker, so that the zero model measures
 * exactly the path the other models take (Documentation/emulator.rst,
 * Accuracy).  The dispatcher thread keeps admin commands, background work
 * and whatever front ends queue without dispatching.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vssd.h"

static void vssd_submit_init(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	cmd->status = 0;
	cmd->result = 0;
	cmd->ctrl = ctrl;
	cmd->ns = NULL;
	cmd->exec = NULL;
	cmd->lat_kind = VSSD_LAT_NONE;
	cmd->fault_ns = 0;
	cmd->lost = false;
	cmd->lost_held = false;
	cmd->submit_ns = ktime_get_ns();
}

void vssd_submit(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	vssd_submit_init(ctrl, cmd);
	/* Only the push onto an empty queue needs to wake the dispatcher. */
	if (llist_add(&cmd->node, &ctrl->sqs[cmd->qid].pending))
		wake_up_process(ctrl->dispatcher);
}

/* The I/O queue for a command submitted on this CPU. */
u16 vssd_pick_io_queue(struct vssd_ctrl *ctrl)
{
	return 1 + raw_smp_processor_id() % ctrl->nr_io_queues;
}

static struct vssd_worker *vssd_worker_for(struct vssd_ctrl *ctrl, u16 qid)
{
	return &ctrl->workers[qid % ctrl->nr_workers];
}

/* Dispatch lock held: check @cmd, ask the model; returns its latency. */
static u64 vssd_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	u64 now = ktime_get_ns(), deadline = now, latency;

	lockdep_assert_held(&ctrl->dispatch_lock);
	if (cmd->qid == 0)
		vssd_admin_prepare(ctrl, cmd, now, &deadline);
	else
		vssd_io_prepare(ctrl, cmd, now, &deadline);
	latency = max(deadline, now) - now;
	/* The model's means leave out what fault rules added. */
	vssd_stats_count(ctrl, cmd, latency - min(cmd->fault_ns, latency));
	if (cmd->status)
		cmd->exec = NULL;
	return latency;
}

/* Dispatch lock held, so that workers get commands in dispatch order. */
static void vssd_hand_to_worker(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd,
				u64 latency)
{
	struct vssd_worker *worker = vssd_worker_for(ctrl, cmd->qid);

	lockdep_assert_held(&ctrl->dispatch_lock);
	timerqueue_init(&cmd->deadline);
	/* The worker turns it into a deadline once the data has moved. */
	cmd->deadline.expires = latency;
	if (llist_add(&cmd->node, &worker->incoming))
		wake_up_process(worker->task);
}

static void vssd_dispatch_one(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	vssd_hand_to_worker(ctrl, cmd, vssd_prepare(ctrl, cmd));
}

static bool vssd_dispatch_all(struct vssd_ctrl *ctrl)
{
	bool found = false;
	unsigned int q;

	for (q = 0; q <= ctrl->nr_io_queues; q++) {
		struct llist_node *list;
		struct vssd_cmd *cmd, *next;

		/* A plain read first: direct submitters pass here per command. */
		if (llist_empty(&ctrl->sqs[q].pending))
			continue;
		list = llist_del_all(&ctrl->sqs[q].pending);
		if (!list)
			continue;
		found = true;
		list = llist_reverse_order(list);
		llist_for_each_entry_safe(cmd, next, list, node)
			vssd_dispatch_one(ctrl, cmd);
	}
	return found;
}

static bool vssd_sqs_empty(struct vssd_ctrl *ctrl)
{
	unsigned int q;

	for (q = 0; q <= ctrl->nr_io_queues; q++)
		if (!llist_empty(&ctrl->sqs[q].pending))
			return false;
	return true;
}

/*
 * Dispatch lock held: background work of the model, then of the command
 * sets' namespaces; stops at the first that did some (returns @now).
 */
static u64 vssd_idle_work(struct vssd_ctrl *ctrl, u64 now)
{
	struct vssd_ns *ns;
	u64 next = 0, t;

	lockdep_assert_held(&ctrl->dispatch_lock);
	if (ctrl->model->idle)
		next = ctrl->model->idle(ctrl, now);
	for (ns = vssd_ns_after(ctrl, 0); ns && next != now;
	     ns = vssd_ns_after(ctrl, ns->cs.nsid)) {
		if (!ns->ops->idle)
			continue;
		t = ns->ops->idle(&ns->cs, now);
		if (t && (!next || t < next))
			next = t;
	}
	return next;
}

static int vssd_dispatcher_fn(void *data)
{
	struct vssd_ctrl *ctrl = data;

	while (!kthread_should_stop()) {
		u64 now = 0, next = 0;
		bool found;

		mutex_lock(&ctrl->dispatch_lock);
		found = vssd_dispatch_all(ctrl);
		if (!found) {
			now = ktime_get_ns();
			next = vssd_idle_work(ctrl, now);
		}
		mutex_unlock(&ctrl->dispatch_lock);
		if (found || (next && next <= now))
			continue;
		set_current_state(TASK_INTERRUPTIBLE);
		if (vssd_sqs_empty(ctrl) && !kthread_should_stop()) {
			if (next) {
				ktime_t expires = ns_to_ktime(next);

				schedule_hrtimeout_range(&expires, 0, HRTIMER_MODE_ABS);
			} else {
				schedule();
			}
		}
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

void vssd_complete(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	if (cmd->status)
		vssd_error_log_add(ctrl, cmd);
	cmd->complete(cmd);
}

static void vssd_worker_take(struct vssd_worker *worker)
{
	struct llist_node *list = llist_del_all(&worker->incoming);
	struct vssd_cmd *cmd, *next;

	if (!list)
		return;
	list = llist_reverse_order(list);
	llist_for_each_entry_safe(cmd, next, list, node) {
		u64 now;

		if (cmd->exec)
			cmd->exec(cmd);
		now = ktime_get_ns();
		vssd_hist_add(&worker->overhead, now - cmd->submit_ns);
		if (cmd->lost) {
			vssd_lost_hold(worker->ctrl, cmd);
			continue;
		}
		cmd->deadline.expires += now;
		timerqueue_add(&worker->timeline, &cmd->deadline);
	}
}

/*
 * Submitted by a front end that may sleep and accepts the completion
 * before this returns.  See the top of the file.
 */
void vssd_submit_direct(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_direct_stats *ds;
	u64 latency;

	if (!cmd->qid) {
		vssd_submit(ctrl, cmd);
		return;
	}
	vssd_submit_init(ctrl, cmd);
	/*
	 * Held only for dispatch work: a few checks and the model's
	 * arithmetic, or a step of background GC; waiting for it costs less
	 * than two thread hand-offs.
	 */
	mutex_lock(&ctrl->dispatch_lock);
	/* What came before goes first. */
	vssd_dispatch_all(ctrl);
	latency = vssd_prepare(ctrl, cmd);
	if (latency || ctrl->params.poll) {
		vssd_hand_to_worker(ctrl, cmd, latency);
		mutex_unlock(&ctrl->dispatch_lock);
		return;
	}
	mutex_unlock(&ctrl->dispatch_lock);
	if (cmd->exec)
		cmd->exec(cmd);
	/* Due the moment its data has moved: never late. */
	ds = get_cpu_ptr(ctrl->direct);
	latency = ktime_get_ns() - cmd->submit_ns;
	vssd_hist_add(&ds->overhead, latency);
	vssd_hist_add(&ds->lateness, 0);
	if (cmd->lat_kind)
		vssd_hist_add(&ds->latency[cmd->lat_kind - 1], latency);
	put_cpu_ptr(ctrl->direct);
	vssd_complete(ctrl, cmd);
}

/* Complete what is due; returns the earliest deadline left, or 0. */
static u64 vssd_worker_complete_due(struct vssd_worker *worker)
{
	struct timerqueue_node *node;
	u64 now = ktime_get_ns();

	while ((node = timerqueue_getnext(&worker->timeline))) {
		struct vssd_cmd *cmd;

		if (node->expires > now) {
			now = ktime_get_ns();
			if (node->expires > now)
				return node->expires;
		}
		timerqueue_del(&worker->timeline, node);
		cmd = container_of(node, struct vssd_cmd, deadline);
		vssd_hist_add(&worker->lateness, now - node->expires);
		if (cmd->lat_kind)
			vssd_hist_add(&worker->latency[cmd->lat_kind - 1],
				      now - cmd->submit_ns);
		vssd_complete(worker->ctrl, cmd);
		worker->last_busy_ns = now;
	}
	return 0;
}

/*
 * Workers sleep until a margin before the deadline and spin the rest, so
 * that a late hrtimer wake-up does not make the completion late.  The
 * margin follows how late wake-ups turn out on this machine: twice their
 * moving average plus a floor, within bounds.  With poll=1 that is all.
 * With poll=0 the margin is capped lower and the spinning is paid from a
 * budget that refills at a quarter of the time that passes, so that a
 * sleeping worker never takes more than a quarter of its CPU: past that it
 * sleeps to the deadline itself, as it did without the margin.
 */
#define VSSD_SPIN_MARGIN_MIN_NS		(20 * NSEC_PER_USEC)
#define VSSD_SPIN_MARGIN_MAX_NS		(2 * NSEC_PER_MSEC)
#define VSSD_SLEEP_MARGIN_MAX_NS	(300 * NSEC_PER_USEC)
#define VSSD_SLEEP_BUDGET_MAX_NS	(2 * NSEC_PER_MSEC)
#define VSSD_SLEEP_BUDGET_SHIFT		2	/* refill: 1/4 of the time */

/*
 * Bring the spin accounting up to date: the time since the last check was
 * spent spinning if the last decision was to spin.  The poll=0 budget
 * refills at a quarter of the time that passes and pays for the spinning.
 */
static void vssd_worker_account(struct vssd_worker *worker, u64 now)
{
	u64 elapsed = now - worker->spin_checked_ns;
	s64 budget = worker->spin_budget_ns + (elapsed >> VSSD_SLEEP_BUDGET_SHIFT);

	if (worker->spinning) {
		budget -= elapsed;
		worker->spin_ns += elapsed;
	}
	worker->spin_checked_ns = now;
	worker->spin_budget_ns = clamp_t(s64, budget, -VSSD_SLEEP_BUDGET_MAX_NS,
					 VSSD_SLEEP_BUDGET_MAX_NS);
}

/* The worker is about to sleep or to wait for new work. */
static void vssd_worker_stop_spinning(struct vssd_worker *worker)
{
	vssd_worker_account(worker, ktime_get_ns());
	worker->spinning = false;
}

/*
 * When to wake for the deadline @next: 0 means spin now, otherwise the
 * time to sleep until.
 */
static u64 vssd_worker_sleep_until(struct vssd_worker *worker, u64 next)
{
	u64 now = ktime_get_ns(), margin = worker->spin_margin;
	s64 budget;

	vssd_worker_account(worker, now);
	if (worker->ctrl->params.poll) {
		worker->spinning = next <= now + margin;
		return worker->spinning ? 0 : next - margin;
	}
	budget = worker->spin_budget_ns;
	margin = min_t(u64, margin, VSSD_SLEEP_MARGIN_MAX_NS);
	worker->spinning = next <= now + margin && budget >= (s64)(next - now);
	if (worker->spinning)
		return 0;
	if (next > now + margin && budget >= (s64)margin)
		return next - margin;
	return next;
}

static void vssd_worker_learn_wakeup(struct vssd_worker *worker, u64 wanted)
{
	u64 late = ktime_get_ns() - wanted;

	if ((s64)late < 0)
		return;			/* woken early, by new work */
	worker->wake_late_avg = (7 * worker->wake_late_avg + late) / 8;
	worker->spin_margin = clamp_t(u64, 2 * worker->wake_late_avg + VSSD_SPIN_MARGIN_MIN_NS,
				      VSSD_SPIN_MARGIN_MIN_NS, VSSD_SPIN_MARGIN_MAX_NS);
}

/*
 * A polling worker that runs out of work keeps spinning this long before it
 * sleeps: the next command of a QD1 loop then finds it awake, as it finds
 * the zero model's worker, instead of paying for a halted CPU's wake-up
 * that the zero-model baseline does not see.
 */
#define VSSD_IDLE_POLL_NS	(200 * NSEC_PER_USEC)

static bool vssd_worker_idle_spin(struct vssd_worker *worker)
{
	return worker->ctrl->params.poll &&
	       ktime_get_ns() < worker->last_busy_ns + VSSD_IDLE_POLL_NS;
}

static int vssd_worker_fn(void *data)
{
	struct vssd_worker *worker = data;

	worker->spin_margin = VSSD_SPIN_MARGIN_MAX_NS / 4;
	while (!kthread_should_stop()) {
		u64 next, wake = 0;

		vssd_worker_take(worker);
		next = vssd_worker_complete_due(worker);
		if (!llist_empty(&worker->incoming))
			continue;
		if (next) {
			wake = vssd_worker_sleep_until(worker, next);
			if (!wake) {
				cond_resched();
				continue;
			}
		}
		vssd_worker_stop_spinning(worker);
		if (!next && vssd_worker_idle_spin(worker)) {
			cond_resched();
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (llist_empty(&worker->incoming) && !kthread_should_stop()) {
			if (wake) {
				ktime_t expires = ns_to_ktime(wake);

				schedule_hrtimeout_range(&expires, 0, HRTIMER_MODE_ABS);
				vssd_worker_learn_wakeup(worker, wake);
			} else {
				schedule();
			}
		}
		__set_current_state(TASK_RUNNING);
	}
	/*
	 * Front ends drained before the engine stops; finish stragglers anyway,
	 * counted as early if their deadline has not come.
	 */
	vssd_worker_take(worker);
	while (timerqueue_getnext(&worker->timeline)) {
		struct timerqueue_node *node = timerqueue_getnext(&worker->timeline);

		timerqueue_del(&worker->timeline, node);
		if (node->expires > ktime_get_ns())
			worker->early++;
		vssd_complete(worker->ctrl, container_of(node, struct vssd_cmd, deadline));
	}
	return 0;
}

static void vssd_engine_stop_threads(struct vssd_ctrl *ctrl)
{
	unsigned int i;

	if (ctrl->dispatcher) {
		kthread_stop(ctrl->dispatcher);
		ctrl->dispatcher = NULL;
	}
	for (i = 0; i < ctrl->nr_workers; i++) {
		if (ctrl->workers[i].task)
			kthread_stop(ctrl->workers[i].task);
		ctrl->workers[i].task = NULL;
	}
}

int vssd_engine_start(struct vssd_ctrl *ctrl)
{
	cpumask_var_t cpus;
	unsigned int i = 0;
	int cpu, ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	cpumask_and(cpus, ctrl->worker_cpus, cpu_online_mask);
	ctrl->nr_workers = max(1U, cpumask_weight(cpus));
	ctrl->sqs = kcalloc(ctrl->nr_io_queues + 1, sizeof(*ctrl->sqs), GFP_KERNEL);
	ctrl->workers = kvcalloc(ctrl->nr_workers, sizeof(*ctrl->workers), GFP_KERNEL);
	ctrl->direct = alloc_percpu(struct vssd_direct_stats);
	if (!ctrl->sqs || !ctrl->workers || !ctrl->direct) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i <= ctrl->nr_io_queues; i++)
		init_llist_head(&ctrl->sqs[i].pending);

	i = 0;
	cpu = cpumask_first(cpus);
	for (i = 0; i < ctrl->nr_workers; i++) {
		struct vssd_worker *w = &ctrl->workers[i];

		w->ctrl = ctrl;
		w->cpu = cpu < nr_cpu_ids ? cpu : -1;
		init_llist_head(&w->incoming);
		timerqueue_init_head(&w->timeline);
		w->task = kthread_create(vssd_worker_fn, w, "vssd%d-w%u", ctrl->index, i);
		if (IS_ERR(w->task)) {
			ret = PTR_ERR(w->task);
			w->task = NULL;
			goto out_stop;
		}
		if (w->cpu >= 0)
			set_cpus_allowed_ptr(w->task, cpumask_of(w->cpu));
		/* Likewise for sleeping workers; polling ones stay fair. */
		if (!ctrl->params.poll)
			sched_set_fifo_low(w->task);
		wake_up_process(w->task);
		if (cpu < nr_cpu_ids)
			cpu = cpumask_next(cpu, cpus);
	}

	ctrl->dispatcher = kthread_create(vssd_dispatcher_fn, ctrl, "vssd%d-disp",
					  ctrl->index);
	if (IS_ERR(ctrl->dispatcher)) {
		ret = PTR_ERR(ctrl->dispatcher);
		ctrl->dispatcher = NULL;
		goto out_stop;
	}
	if (ctrl->params.dispatcher_cpu >= 0)
		set_cpus_allowed_ptr(ctrl->dispatcher,
				     cpumask_of(ctrl->params.dispatcher_cpu));
	/*
	 * A device does not wait for the host's CPU: the dispatcher (short
	 * bursts, never spins) preempts the submitter at once instead of
	 * waiting out CFS's wake-up granularity behind a busy one.
	 */
	sched_set_fifo_low(ctrl->dispatcher);
	wake_up_process(ctrl->dispatcher);
	free_cpumask_var(cpus);
	return 0;

out_stop:
	vssd_engine_stop_threads(ctrl);
out_free:
	free_percpu(ctrl->direct);
	kvfree(ctrl->workers);
	kfree(ctrl->sqs);
	ctrl->direct = NULL;
	ctrl->workers = NULL;
	ctrl->sqs = NULL;
	free_cpumask_var(cpus);
	return ret;
}

/* Front ends are gone: nothing new arrives.  Stop the threads, free. */
void vssd_engine_stop(struct vssd_ctrl *ctrl)
{
	/* The dispatcher first: whatever it still holds reaches a worker. */
	if (ctrl->dispatcher) {
		kthread_stop(ctrl->dispatcher);
		ctrl->dispatcher = NULL;
	}
	vssd_engine_stop_threads(ctrl);
	vssd_lost_stop(ctrl);
	free_percpu(ctrl->direct);
	kvfree(ctrl->workers);
	kfree(ctrl->sqs);
	ctrl->direct = NULL;
	ctrl->workers = NULL;
	ctrl->sqs = NULL;
	ctrl->nr_workers = 0;
}

/*
 * What the engine measured, merged over all workers and direct
 * completions.  Racy against running workers, fine for statistics.
 */
void vssd_engine_view(struct vssd_ctrl *ctrl, struct vssd_engine_view *view)
{
	unsigned int i, j;

	for (i = 0; i < ctrl->nr_workers; i++) {
		const struct vssd_worker *w = &ctrl->workers[i];

		vssd_hist_merge(&view->lateness, &w->lateness);
		vssd_hist_merge(&view->overhead, &w->overhead);
		for (j = 0; j < VSSD_NR_LAT; j++)
			vssd_hist_merge(&view->latency[j], &w->latency[j]);
		view->early += READ_ONCE(w->early);
		view->spin_ns += READ_ONCE(w->spin_ns);
	}
	for_each_possible_cpu(i) {
		const struct vssd_direct_stats *ds = per_cpu_ptr(ctrl->direct, i);

		vssd_hist_merge(&view->lateness, &ds->lateness);
		vssd_hist_merge(&view->overhead, &ds->overhead);
		for (j = 0; j < VSSD_NR_LAT; j++)
			vssd_hist_merge(&view->latency[j], &ds->latency[j]);
		view->direct += ds->lateness.count;
	}
}
