// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: what command data buffers may hold.  A buffer larger than a
 * command slot's own page is charged to its queue and to the module before
 * it is allocated, against max_queue_data_kb and max_data_mb; a command
 * whose charge does not fit waits (its R2T is not sent, or a read is not
 * started) until buffers are freed.  Queues that wait for memory another
 * queue holds are on a waiter list and are kicked when a buffer is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#include "mem.h"
#include "queue.h"

static atomic_long_t vtcp_data_bytes = ATOMIC_LONG_INIT(0);
static atomic_long_t vtcp_data_peak = ATOMIC_LONG_INIT(0);
/* Counts uncharges, so that a waiter can tell it missed one (see wait). */
static atomic_long_t vtcp_data_frees = ATOMIC_LONG_INIT(0);

static LIST_HEAD(vtcp_mem_waiters);
static DEFINE_SPINLOCK(vtcp_mem_waiters_lock);

/* The module-wide default: 1/16 of RAM, in MiB, at least 16 MiB. */
unsigned int vtcp_data_mb_default(void)
{
	unsigned long mb = totalram_pages() >> (20 - PAGE_SHIFT);

	return max_t(unsigned long, mb / 16, 16);
}

unsigned long vtcp_data_in_use(void)
{
	return atomic_long_read(&vtcp_data_bytes);
}

unsigned long vtcp_data_peak_bytes(void)
{
	return atomic_long_read(&vtcp_data_peak);
}

void vtcp_data_peak_reset(void)
{
	atomic_long_set(&vtcp_data_peak, atomic_long_read(&vtcp_data_bytes));
}

static void vtcp_data_note_peak(long now)
{
	long peak = atomic_long_read(&vtcp_data_peak);

	while (now > peak) {
		if (atomic_long_try_cmpxchg(&vtcp_data_peak, &peak, now))
			break;
	}
}

/*
 * Charge bytes to the queue and the module.  The per-queue limit gives way
 * for a queue that holds nothing, so one command of any allowed size can
 * always run; the module limit does not, unless force says the bytes are
 * on their way already (in-capsule data that cannot wait, see cmd.c).
 */
bool vtcp_data_charge(struct vtcp_queue *queue, u32 bytes, bool force)
{
	s64 queue_max = (s64)READ_ONCE(vtcp_max_queue_data_kb) << 10;
	s64 module_max = (s64)READ_ONCE(vtcp_max_data_mb) << 20;
	long held, total;

	/*
	 * Read before the attempt (the add_return below is fully ordered): a
	 * free after this point makes vtcp_data_wait() retry.
	 */
	queue->data_frees_seen = atomic_long_read(&vtcp_data_frees);
	held = atomic_long_add_return(bytes, &queue->data_bytes);
	if (force) {
		vtcp_data_note_peak(atomic_long_add_return(bytes, &vtcp_data_bytes));
		return true;
	}
	if (held > queue_max && held != bytes) {
		atomic_long_sub(bytes, &queue->data_bytes);
		return false;
	}
	total = atomic_long_add_return(bytes, &vtcp_data_bytes);
	if (total > module_max) {
		atomic_long_sub(bytes, &vtcp_data_bytes);
		atomic_long_sub(bytes, &queue->data_bytes);
		return false;
	}
	vtcp_data_note_peak(total);
	return true;
}

/* Give bytes back; queues waiting for memory try again. */
void vtcp_data_uncharge(struct vtcp_queue *queue, u32 bytes)
{
	struct vtcp_queue *waiter, *next;

	atomic_long_sub(bytes, &queue->data_bytes);
	atomic_long_sub(bytes, &vtcp_data_bytes);
	/* The bytes are back before the frees count moves. */
	smp_mb__after_atomic();
	atomic_long_inc(&vtcp_data_frees);
	/* Pairs with the barrier in vtcp_data_wait(). */
	smp_mb__after_atomic();
	if (list_empty_careful(&vtcp_mem_waiters))
		return;
	spin_lock_bh(&vtcp_mem_waiters_lock);
	list_for_each_entry_safe(waiter, next, &vtcp_mem_waiters, mem_wait_entry) {
		list_del_init(&waiter->mem_wait_entry);
		vtcp_queue_kick(waiter);
	}
	spin_unlock_bh(&vtcp_mem_waiters_lock);
}

/*
 * The queue has commands that wait for memory: kick it when some frees.
 * A free between its failed charge and joining the list found no waiter
 * to kick; the frees count tells, and the queue kicks itself.
 */
void vtcp_data_wait(struct vtcp_queue *queue)
{
	spin_lock_bh(&vtcp_mem_waiters_lock);
	if (list_empty(&queue->mem_wait_entry))
		list_add_tail(&queue->mem_wait_entry, &vtcp_mem_waiters);
	spin_unlock_bh(&vtcp_mem_waiters_lock);
	/* Pairs with the barrier in vtcp_data_uncharge(). */
	smp_mb();
	if (atomic_long_read(&vtcp_data_frees) != queue->data_frees_seen)
		vtcp_queue_kick(queue);
}

/* The queue is being released: no more kicks for it. */
void vtcp_data_wait_cancel(struct vtcp_queue *queue)
{
	spin_lock_bh(&vtcp_mem_waiters_lock);
	list_del_init(&queue->mem_wait_entry);
	spin_unlock_bh(&vtcp_mem_waiters_lock);
}
