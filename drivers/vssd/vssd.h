/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: private declarations shared by the files of vssd.ko.
 *
 * A controller (struct vssd_ctrl) is born at mkdir in configfs and holds its
 * parameters; writing 1 to "power" builds the live part: submission queues,
 * one dispatcher thread, worker threads, the model's state, a character
 * device and a block device per namespace.  Commands (struct vssd_cmd) come
 * from the block layer or the passthrough ioctls, are timed by the
 * dispatcher through the model's ops and completed by a worker at their
 * deadline.
 */
#ifndef VSSD_PRIVATE_H
#define VSSD_PRIVATE_H

#include <linux/blk-mq.h>
#include <linux/bvec.h>
#include <linux/configfs.h>
#include <linux/cpumask.h>
#include <linux/llist.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/timerqueue.h>
#include <linux/uuid.h>
#include <linux/xarray.h>

#include <vssd/cs.h>
#include <vssd/fault.h>
#include <vssd/nvme_ext.h>
#include <vssd/nvme_fields.h>
#include <vssd/params.h>
#include <vssd/wcache.h>

#include "hist.h"

#define VSSD_MAX_CTRLS		64
#define VSSD_MAX_NSID		32
#define VSSD_MAX_DSM_RANGES	256
#define VSSD_MAX_COPY_RANGES	128
#define VSSD_UNIT_SHIFT		12	/* FTL mapping unit: 4 KiB */
#define VSSD_UNIT_SIZE		BIT(VSSD_UNIT_SHIFT)
#define VSSD_MAX_SIZE_MB	BIT(20)		/* 1 TiB per namespace */

struct vssd_ctrl;
struct vssd_ns;
struct vssd_cmd;
struct vssd_nand;

/* What the model reports for statistics and SMART. */
struct vssd_model_counters {
	u64 gc_runs;
	u64 gc_units_moved;
	u64 host_units_programmed;
	u64 erases;
	u64 max_erase_count;
	u64 avg_erase_count_x100;	/* hundredths */
	u64 free_blocks;
	u64 total_blocks;
};

/*
 * A timing model.  All hooks except the init, exit and counters() run
 * under the controller's dispatch lock, so model state needs no lock of
 * its own.  Times are ktime_get() nanoseconds.
 */
struct vssd_model_ops {
	const char *name;
	bool untimed;		/* every command completes at once (zero) */
	int (*ctrl_init)(struct vssd_ctrl *ctrl);
	void (*ctrl_exit)(struct vssd_ctrl *ctrl);
	int (*ns_init)(struct vssd_ns *ns);
	void (*ns_exit)(struct vssd_ns *ns);
	/* Bytes [off, off + len) of @ns: returns when the data is at the host. */
	u64 (*read)(struct vssd_ns *ns, u64 off, u64 len, u64 now);
	/* Returns 0 and *done, or -ENOSPC when the flash is full of live data. */
	int (*write)(struct vssd_ns *ns, u64 off, u64 len, u64 now, u64 *done);
	/* Deallocate: the FTL forgets the range. */
	void (*trim)(struct vssd_ns *ns, u64 off, u64 len);
	/* Everything acknowledged so far is on the flash at the returned time. */
	u64 (*flush)(struct vssd_ctrl *ctrl, u64 now);
	void (*format)(struct vssd_ns *ns);
	/*
	 * Background work while no command waits.  Returns 0 when there is
	 * none left, @now when it did some (call again), or a later time to
	 * be called at.
	 */
	u64 (*idle)(struct vssd_ctrl *ctrl, u64 now);
	void (*counters)(struct vssd_ctrl *ctrl, struct vssd_model_counters *c);
	/* The NAND array other command sets' namespaces share, if any. */
	struct vssd_nand *(*flash)(struct vssd_ctrl *ctrl);
};

extern const struct vssd_model_ops vssd_model_zero;
extern const struct vssd_model_ops vssd_model_simple;
extern const struct vssd_model_ops vssd_model_ssd;
const struct vssd_model_ops *vssd_model_find(const char *name);
const char *vssd_model_name(unsigned int i);

enum vssd_ctrl_state {
	VSSD_CTRL_OFF,
	VSSD_CTRL_STARTING,
	VSSD_CTRL_LIVE,
	VSSD_CTRL_STOPPING,
};

struct vssd_worker {
	struct vssd_ctrl *ctrl;
	struct task_struct *task;
	struct llist_head incoming;
	struct timerqueue_head timeline;
	int cpu;
	u64 spin_margin;	/* wake this long before a deadline, then spin */
	u64 wake_late_avg;	/* how late hrtimer wake-ups are, on average */
	u64 last_busy_ns;	/* poll=1: last completion, for the idle spin */
	/* poll=0: spinning is paid from a budget that refills at a share of time */
	s64 spin_budget_ns;
	u64 spin_checked_ns;	/* when the budget was last brought up to date */
	bool spinning;		/* the last decision was to spin */
	/* Written by this worker only. */
	u64 spin_ns;			/* time spent spinning for deadlines */
	u64 early;			/* completions before their deadline */
	struct vssd_hist lateness;	/* completion - deadline */
	struct vssd_hist overhead;	/* data moved - submission */
	struct vssd_hist latency[VSSD_NR_LAT];	/* completion - submission */
};

struct vssd_sq {
	struct llist_head pending;
};

/* Commands completed by their submitter (vssd_submit_direct), per CPU. */
struct vssd_direct_stats {
	struct vssd_hist lateness;	/* completion - deadline */
	struct vssd_hist overhead;	/* data moved - submission */
	struct vssd_hist latency[VSSD_NR_LAT];	/* completion - submission */
};

/* Counters written under the dispatch lock; readers take a racy snapshot. */
enum vssd_stat_kind {
	VSSD_STAT_READ,
	VSSD_STAT_WRITE,
	VSSD_STAT_FLUSH,
	VSSD_STAT_WRITE_ZEROES,
	VSSD_STAT_DSM,
	VSSD_STAT_COMPARE,
	VSSD_STAT_COPY,
	VSSD_STAT_CS,		/* on a namespace of another command set */
	VSSD_STAT_OTHER_IO,
	VSSD_STAT_ADMIN,
	VSSD_STAT_ERRORS,
	VSSD_NR_STATS,
};

struct vssd_stats {
	u64 cmds[VSSD_NR_STATS];
	u64 cs_cmds[VSSD_CS_MAX];	/* VSSD_STAT_CS by command set */
	u64 bytes_read;
	u64 bytes_written;
	u64 bytes_copied;
	u64 bytes_deallocated;
	/* What the model predicted: sum of (deadline - dispatch) for reads, writes. */
	u64 model_read_ns;
	u64 model_write_ns;
	u64 model_reads;
	u64 model_writes;
	u64 media_errors;	/* SMART: unrecovered errors reported */
};

#define VSSD_ERROR_LOG_ENTRIES	16

struct vssd_error_log {
	spinlock_t lock;	/* workers add, Get Log Page reads */
	u64 count;
	struct nvme_error_slot slots[VSSD_ERROR_LOG_ENTRIES];
};

/*
 * A namespace's share of the controller's counters, written under the
 * dispatch lock: reads and writes as the controller counts them, the
 * commands of a command set counted by its name, and those refused.
 */
struct vssd_ns_stats {
	u64 reads;
	u64 writes;
	u64 bytes_read;
	u64 bytes_written;
	u64 cs_cmds;
	u64 other_cmds;
	u64 errors;
	/* What its fault rules did (faults.rst). */
	u64 media_errors;
	u64 delayed;
	u64 stalled;
	u64 lost;		/* by a "lost" latency rule */
	u64 aborted;		/* lost ones completed as aborted, under ctrl->lost_lock */
};

/*
 * A namespace's fault rules: configuration that any time may change (its
 * faults/ directory) and the dispatcher applies.  @lock guards @rules;
 * @armed says whether there are any, so that the dispatcher takes @lock only
 * then.  @stall_until is a ktime_get_ns() time, written and read whole.
 */
struct vssd_ns_faults {
	spinlock_t lock;	/* @rules: configfs writes, the dispatcher */
	bool armed;
	struct vssd_fault_rules rules;
	u64 stall_until;
	struct config_group group;	/* faults/ */
};

/*
 * Power loss of a block namespace (fault/powerloss.c): the undo log of
 * its volatile write cache, from power on to power off.
 */
struct vssd_ns_pl {
	struct mutex lock;	/* wc, the slots, lost; see fault/powerloss.c */
	bool cached;		/* wc and the slots exist (wcache_kb > 0) */
	bool lost;		/* the power failed: nothing changes data */
	u8 shift;		/* log2 of a slot's size, the block size */
	struct vssd_wcache wc;
	struct page **pages;	/* the slots, PAGE_SIZE >> shift in each */
	u32 nr_pages;
	u64 restore_failed;	/* old contents that could not be put back */
};

struct vssd_ns {
	struct vssd_cs_ns cs;		/* first: see vssd_cs_ns() */
	struct config_group group;
	struct list_head link;

	/* Configuration, fixed while the controller is powered. */
	const struct vssd_cs_ops *ops;	/* its command set */
	unsigned int cs_index;		/* of ops in vssd_cs_table[] */
	u32 block_size;
	unsigned long size_mb;

	/* Live state (the command set's view in cs). */
	void *model_data;
	struct gendisk *disk;
	struct vssd_ns_stats stats;	/* zeroed at power on */
	struct vssd_ns_faults faults;	/* kept across power cycles */
	struct vssd_ns_pl pl;
	/* cs.store holds data from before the last power off (keep_data, power loss) */
	bool kept;
	/* I/O opcodes that change its data (LBCC in its effects), from power on */
	DECLARE_BITMAP(changes, 256);
};

static_assert(offsetof(struct vssd_ns, cs) == 0);

struct vssd_features {
	bool volatile_wc;
	u32 arbitration;
	u32 cs_config[VSSD_CS_MAX];	/* each command set's config_fid */
};

struct vssd_ctrl {
	struct config_group group;
	struct list_head all;		/* fwd.c's list of controllers */
	struct config_group ns_group;
	struct mutex lock;		/* state, params, namespaces, opens */

	struct vssd_params params;
	cpumask_var_t worker_cpus;
	struct list_head ns_list;
	enum vssd_ctrl_state state;
	int index;			/* N of /dev/vssdN while powered */
	unsigned int open_count;
	char serial[21];

	/* Live resources, from power on to power off. */
	const struct vssd_model_ops *model;
	void *model_data;
	struct vssd_ns *ns_by_id[VSSD_MAX_NSID + 1];
	unsigned int nr_io_queues;
	struct vssd_sq *sqs;		/* [0] admin, [1..nr_io_queues] I/O */
	struct task_struct *dispatcher;
	/*
	 * The dispatcher's role: held by the dispatcher thread while it
	 * dispatches or runs idle work, or by a submitter dispatching its own
	 * command (vssd_submit_direct).  Model state and the command counters
	 * are touched only under it.
	 */
	struct mutex dispatch_lock;
	struct vssd_direct_stats __percpu *direct;
	unsigned int nr_workers;
	struct vssd_worker *workers;
	unsigned int next_worker;
	struct blk_mq_tag_set tag_set;
	bool tag_set_ready;
	struct miscdevice misc;
	char misc_name[16];
	bool misc_ready;

	struct vssd_features features;
	/*
	 * Wear-out (fault/wear.c): percentage points added to what the model
	 * measures (configuration, faults/wear_percent; each write makes a
	 * new wear_gen), and, under the dispatch lock, whether the media is
	 * read-only as of wear_checked and generation wear_seen.
	 */
	u32 wear_added;
	atomic_t wear_gen;
	bool wear_read_only;
	u64 wear_checked;
	int wear_seen;
	struct config_group faults_group;	/* faults/ */
	/* Commands a latency rule lost, until aborted (fault/lost.c). */
	spinlock_t lost_lock;
	struct list_head lost;
	u32 lost_limit_ms;		/* faults/lost_limit_ms */
	atomic_t next_cid;		/* of the character device's commands */
	struct delayed_work lost_work;
	/*
	 * Power loss (fault/powerloss.c): set by faults/powerloss under
	 * ctrl->lock, cleared at power on; the dispatcher refuses I/O while
	 * it is set.  The namespaces keep their data until the power on
	 * after it (pl_keep).  pl_last says what the last one did.
	 */
	bool power_lost;
	bool pl_keep;		/* from a power loss to the next power on */
	u64 unsafe_shutdowns;
	char pl_last[112];
	u64 power_on_ns;
	u64 power_cycles;
	struct vssd_stats stats;
	struct vssd_error_log errors;
};

/* Namespace @nsid of a powered controller, or NULL (any @nsid). */
static inline struct vssd_ns *vssd_ns_get(struct vssd_ctrl *ctrl, u32 nsid)
{
	return nsid && nsid <= VSSD_MAX_NSID ? ctrl->ns_by_id[nsid] : NULL;
}

/* The first namespace of a powered controller after NSID @after, or NULL. */
static inline struct vssd_ns *vssd_ns_after(struct vssd_ctrl *ctrl, u32 after)
{
	u32 nsid;

	if (after >= VSSD_MAX_NSID)
		return NULL;
	for (nsid = after + 1; nsid <= VSSD_MAX_NSID; nsid++)
		if (ctrl->ns_by_id[nsid])
			return ctrl->ns_by_id[nsid];
	return NULL;
}

static inline struct vssd_ctrl *to_vssd_ctrl(struct config_item *item)
{
	return container_of(to_config_group(item), struct vssd_ctrl, group);
}

static inline struct vssd_ns *to_vssd_ns(struct config_item *item)
{
	return container_of(to_config_group(item), struct vssd_ns, group);
}

/* main.c / params.c */
int vssd_params_init(void);

/* configfs.c */
int vssd_configfs_init(void);
void vssd_configfs_exit(void);
int vssd_configfs_depend(struct vssd_ctrl *ctrl, bool depend);

/* ctrl.c: lifecycle */
struct vssd_ctrl *vssd_ctrl_alloc(const char *name);
void vssd_ctrl_free(struct vssd_ctrl *ctrl);
int vssd_ctrl_power_on(struct vssd_ctrl *ctrl);
int vssd_ctrl_power_off(struct vssd_ctrl *ctrl);
int vssd_ctrl_open(struct vssd_ctrl *ctrl);
void vssd_ctrl_release(struct vssd_ctrl *ctrl);

/* engine.c: submission, dispatcher, workers */
int vssd_engine_start(struct vssd_ctrl *ctrl);
void vssd_engine_stop(struct vssd_ctrl *ctrl);
void vssd_submit(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
void vssd_submit_direct(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
void vssd_complete(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
u16 vssd_pick_io_queue(struct vssd_ctrl *ctrl);
/* What the engine measured, all workers and direct completions merged. */
struct vssd_engine_view {
	struct vssd_hist lateness;
	struct vssd_hist overhead;
	struct vssd_hist latency[VSSD_NR_LAT];
	u64 direct;		/* completions by their submitter */
	u64 early;		/* completions before their deadline: never */
	u64 spin_ns;		/* worker time spent spinning for deadlines */
};

void vssd_engine_view(struct vssd_ctrl *ctrl, struct vssd_engine_view *view);

/* admin.c, identify.c, log.c: admin command set */
void vssd_admin_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			u64 *deadline);
void vssd_identify_exec(struct vssd_cmd *cmd);
void vssd_get_log_exec(struct vssd_cmd *cmd);
void vssd_error_log_add(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
u8 vssd_ns_lbaf_shift(struct vssd_ns *ns);

/* cs.c: I/O commands */
void vssd_io_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
		     u64 *deadline);

/* blk.c: block devices */
int vssd_blk_init(struct vssd_ctrl *ctrl);
void vssd_blk_exit(struct vssd_ctrl *ctrl);
int vssd_blk_add_ns(struct vssd_ns *ns);
void vssd_blk_remove_ns(struct vssd_ns *ns);
unsigned int vssd_blk_openers(struct vssd_ctrl *ctrl);
struct vssd_ns *vssd_blk_ns(struct block_device *bdev);

/* chardev.c and ioctl.c: /dev/vssdN and the passthrough ioctls */
int vssd_chardev_add(struct vssd_ctrl *ctrl);
void vssd_chardev_remove(struct vssd_ctrl *ctrl);
long vssd_passthru_ioctl(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			 unsigned int cmd, void __user *argp);

/* fwd.c: the API of <vssd/fwd.h> */
void vssd_fwd_add_ctrl(struct vssd_ctrl *ctrl);
void vssd_fwd_remove_ctrl(struct vssd_ctrl *ctrl);

/* cs.c: the command sets */
const struct vssd_cs_ops *vssd_cs_find(const char *name);
const struct vssd_cs_ops *vssd_cs_at(unsigned int i);
unsigned int vssd_cs_index(const struct vssd_cs_ops *cs);
void vssd_ns_set_ops(struct vssd_ns *ns, const struct vssd_cs_ops *cs);
bool vssd_cs_csi_known(u8 csi);
void vssd_cs_identify_ctrl(struct vssd_ctrl *ctrl, u8 csi, void *data);
const struct vssd_cs_ops *vssd_cs_of_feature(u8 fid);
u8 vssd_ns_presented_csi(struct vssd_ns *ns);
int vssd_cs_ns_alloc_conf(struct vssd_ns *ns);
void vssd_cs_cache_flush_all(struct vssd_ctrl *ctrl);
void vssd_cs_ns_free_conf(struct vssd_ns *ns);

/* A counter only the dispatcher writes; readers take a racy snapshot. */
static inline void vssd_stat_inc(u64 *counter, u64 by)
{
	WRITE_ONCE(*counter, *counter + by);
}

/* fault/inject.c, fault/configfs.c: fault rules of a namespace */
void vssd_faults_init(struct vssd_ns *ns);
bool vssd_fault_media(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
void vssd_fault_delay(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline);
void vssd_faults_add_group(struct vssd_ns *ns);
void vssd_ctrl_faults_add_group(struct vssd_ctrl *ctrl);
u32 vssd_wear_used(struct vssd_ctrl *ctrl);
bool vssd_wear_refuses(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now);
int vssd_cs_changes_init(struct vssd_ctrl *ctrl);

/* fault/lost.c: commands a latency rule lost */
void vssd_lost_init(struct vssd_ctrl *ctrl);
void vssd_lost_hold(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
bool vssd_lost_abort(struct vssd_ctrl *ctrl, u16 qid, u16 cid);
bool vssd_lost_take(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd);
void vssd_lost_stop(struct vssd_ctrl *ctrl);
void vssd_lost_set_limit(struct vssd_ctrl *ctrl, u32 ms);
ssize_t vssd_lost_show(struct vssd_ctrl *ctrl, char *page);

/* fault/powerloss.c: the volatile write cache and power loss */
void vssd_pl_init(struct vssd_ns *ns);
int vssd_pl_ns_init(struct vssd_ns *ns);
void vssd_pl_ns_exit(struct vssd_ns *ns);
bool vssd_pl_lock(struct vssd_cmd *cmd);
void vssd_pl_unlock(struct vssd_cmd *cmd);
bool vssd_pl_durable(struct vssd_cmd *cmd);
void vssd_pl_log(struct vssd_cmd *cmd, u64 slba, u64 nlb, bool durable);
bool vssd_pl_flush(struct vssd_ns *ns);
bool vssd_pl_flush_all(struct vssd_ctrl *ctrl);
bool vssd_pl_format(struct vssd_ns *ns);
void vssd_pl_exec_flush(struct vssd_cmd *cmd);
int vssd_pl_parse(const char *line, struct vssd_wcache_cut *cut);
int vssd_pl_cut(struct vssd_ctrl *ctrl, const struct vssd_wcache_cut *cut);
ssize_t vssd_pl_stats_show(struct vssd_ns *ns, char *page, ssize_t at);

/* stats.c */
ssize_t vssd_stats_show(struct vssd_ctrl *ctrl, char *page);
void vssd_stats_reset(struct vssd_ctrl *ctrl);
void vssd_stats_count(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 modelled);
ssize_t vssd_stats_ns_show(struct vssd_ns *ns, char *page);

#endif /* VSSD_PRIVATE_H */
