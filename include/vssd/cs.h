/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the seam between the core of vssd.ko and its I/O command sets.
 *
 * The core (drivers/vssd/) owns controllers, queues, the engine that times
 * and completes commands, the timing models and the admin command set.  A
 * command set (NVM in drivers/vssd/nvm.c, key-value in kv/, zoned in zns/)
 * fills in a struct vssd_cs_ops and sees of the core only what this header
 * declares: commands and their data buffers, what it needs to know of a
 * namespace (struct vssd_cs_ns) and of its controller (accessor
 * functions), and the media timing of the controller's model.  Adding a command set is one ops
 * table in vssd_cs_table[] (drivers/vssd/cs.c) plus its own files; see
 * Documentation/emulator.rst, "Adding a command set".
 */
#ifndef VSSD_CS_H
#define VSSD_CS_H

#include <linux/bvec.h>
#include <linux/configfs.h>
#include <linux/llist.h>
#include <linux/nvme.h>
#include <linux/sysfs.h>
#include <linux/timerqueue.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include <vssd/nvme_ext.h>
#include <vssd/params.h>
#include <vssd/store.h>

struct bio;
struct vssd_ctrl;
struct vssd_ns;
struct vssd_nand;
struct vssd_cmd;
struct vssd_wcache_cut;

/* Where a command's data lives: a block request's bios or a bvec table. */
struct vssd_buf {
	struct bio *bio;
	const struct bio_vec *bvec;
	u32 len;
};

/* A position inside a vssd_buf, advanced as data is copied. */
struct vssd_buf_pos {
	struct bio *bio;
	const struct bio_vec *bvec;
	struct bvec_iter iter;
};

void vssd_buf_pos_init(struct vssd_buf_pos *pos, const struct vssd_buf *buf);
void vssd_buf_copy_to(struct vssd_buf_pos *pos, const void *src, u32 len);
void vssd_buf_copy_from(struct vssd_buf_pos *pos, void *dst, u32 len);
void vssd_buf_zero(struct vssd_buf_pos *pos, u32 len);
bool vssd_buf_equal(struct vssd_buf_pos *pos, const void *src, u32 len);
int vssd_buf_read_at(const struct vssd_buf *buf, u32 offset, void *dst, u32 len);

typedef void (*vssd_exec_fn)(struct vssd_cmd *cmd);

/* Measured latency (completion - submission) is kept for reads and writes. */
enum {
	VSSD_LAT_NONE,
	VSSD_LAT_READ,
	VSSD_LAT_WRITE,
	VSSD_NR_LAT = VSSD_LAT_WRITE,
};

#define VSSD_CMD_CS_PRIV	4
#define VSSD_CS_MAX		4	/* command sets in vssd_cs_table[] */

struct vssd_cmd {
	struct nvme_command sqe;
	struct vssd_buf buf;
	u16 qid;
	u16 status;		/* SCT << 8 | SC, with VSSD_SC_DNR */
	u8 lat_kind;		/* VSSD_LAT_*: the histogram its latency joins */
	u64 result;		/* CQE dwords 0 and 1 */
	u64 fault_ns;		/* of its latency, what fault rules added */

	/* Set at submission and by the dispatcher. */
	struct vssd_ctrl *ctrl;
	struct vssd_ns *ns;
	vssd_exec_fn exec;	/* data phase, run by the worker */
	u64 submit_ns;
	struct timerqueue_node deadline;
	struct llist_node node;
	/*
	 * A fault rule lost it (fault/lost.c): on ctrl->lost while held.
	 * @no_lose, the front end's (zeroed or set before submission): a
	 * command sent again after it was lost, which no rule loses again.
	 */
	bool no_lose;
	bool lost;
	bool lost_held;
	u64 lost_at;		/* ktime_get_ns() when held */
	struct list_head lost_link;

	/* The command set's own, from its prepare() to its exec(). */
	unsigned long cs_priv[VSSD_CMD_CS_PRIV];

	/*
	 * A command a transport forwards for a remote host (fwd.c): @owner
	 * is that host's controller, and @cs_config its value of the
	 * namespace's command set configuration feature (struct
	 * vssd_cs_ops.config_fid); local commands get the controller's.
	 */
	bool foreign;
	u64 owner;
	u32 cs_config;

	void (*complete)(struct vssd_cmd *cmd);
	void *private;		/* the front end's */
};

/*
 * What a command set sees of a namespace.  The configuration fields are
 * fixed while the controller is powered; @data is the command set's
 * state, from its ns_init() to its ns_exit().
 */
struct vssd_cs_ns {
	struct vssd_ctrl *ctrl;
	u32 nsid;
	uuid_t uuid;
	u64 size;		/* bytes */
	void *conf[VSSD_CS_MAX];	/* each command set's configfs values */
	void *data;
	/*
	 * Power off: @keep says ns_exit() is to keep the data for the next
	 * power on (keep_data, a power loss); what it keeps is @kept, of
	 * command set @kept_ops, until that ns_init() or drop_kept().
	 */
	bool keep;
	void *kept;
	const struct vssd_cs_ops *kept_ops;

	/* Logical blocks: their size and number, and their data. */
	u8 lba_shift;
	u64 nr_lbas;
	struct vssd_store store;
};

/* The first member of the core's namespace (static_assert in vssd.h). */
static inline struct vssd_cs_ns *vssd_cs_ns(struct vssd_ns *ns)
{
	return (struct vssd_cs_ns *)ns;
}

static inline struct vssd_cs_ns *vssd_cmd_cs_ns(const struct vssd_cmd *cmd)
{
	return vssd_cs_ns(cmd->ns);
}

/* A zone, as a zoned command set reports it to the block layer (logical blocks). */
struct vssd_cs_zone {
	u64 start;
	u64 len;
	u64 capacity;
	u64 wp;
	u8 state;		/* the ZNS zone state, which is BLK_ZONE_COND_* */
};

/* A zoned namespace's geometry and limits (0: no limit). */
struct vssd_cs_zone_limits {
	u64 zone_blocks;
	u32 nr_zones;
	u32 max_open;
	u32 max_active;
};

/**
 * struct vssd_cs_ops - an I/O command set
 * @name: its csi attribute value in configfs ("nvm", "kv", "zns")
 * @csi: the Command Set Identifier it implements
 * @features: words it adds to /sys/kernel/config/vssd/features
 * @blocks: its namespaces are made of logical blocks: the core answers
 *	Identify Namespace (CNS 00h) for them and counts their reads and
 *	writes as it does the NVM command set's
 * @conf_size: bytes of its namespace configuration (struct vssd_cs_ns.conf)
 * @conf_init: set that configuration to its defaults (at mkdir)
 * @ns_attrs: configfs attributes of every namespace directory that set it
 * @config_fid: a controller-wide feature it owns (0: none); the core keeps
 *	its value per controller and hands it to commands as cs_config
 * @config_mask: the bits of that feature a host may set
 * @ns_init: power on: build the namespace's state
 * @ns_exit: power off (or a failed power on): free what ns_init() built, if any
 * @presented_csi: the CSI the host is told (may differ from @csi)
 * @prepare: check a command, update state, set cmd->exec and the deadline
 * @stat_opcode: the NVM opcode a command counts as in the statistics
 *	(@blocks command sets; others count under their own name)
 * @identify_ns: Identify CNS 05h for @csi into a zeroed 4 KiB page
 * @identify_ctrl: Identify CNS 06h for @csi into a zeroed 4 KiB page
 * @effects: add its I/O commands to the effects log of @csi
 * @format: Format NVM: forget everything
 * @idle: background work, as the models' idle()
 * @forget: close what remote host controller @owner holds open
 * @stats_show: its lines of the controller's stats; returns bytes written
 * @zone_limits: a zoned namespace's geometry (its block device is then a
 *	host-managed zoned disk); false for a namespace that is not zoned
 * @zone_report: zone @idx of a zoned namespace
 * @cache_flush: its volatile write cache is written back (Flush of all
 *	namespaces, Format, the cache turned off); Documentation/faults.rst
 * @power_loss: the power fails: each change in the cache is lost or kept
 *	by @cut; returns how many were lost, *@kept how many kept, *@failed
 *	how many of the kept ones the rule would have lost (no memory)
 * @drop_kept: free the data ns_exit() kept (@kept), which no power on
 *	takes back (the namespace is removed or its command set changed)
 *
 * Context: @prepare, @format, @idle, @forget, @cache_flush and
 * @power_loss run under the controller's
 * dispatch lock, the only lock the command set's state needs, and so do
 * @stat_opcode and @zone_report.  @identify_ns, @identify_ctrl, @effects
 * and @stats_show run without it (on a worker, or reading stats, while the
 * controller is powered): they may read counters with READ_ONCE() and
 * configuration, nothing the dispatcher changes otherwise; @effects may
 * get a NULL @ctrl (a transport's log of @csi).  @presented_csi and
 * @zone_limits read only configuration (and what @ns_init built from it).
 * @conf_init runs at mkdir, @ns_init and @ns_exit at power on and off.
 * Only @name, @csi and @prepare are required.
 */
struct vssd_cs_ops {
	const char *name;
	u8 csi;
	const char *features;
	bool blocks;
	size_t conf_size;
	void (*conf_init)(void *conf);
	struct configfs_attribute *const *ns_attrs;
	u8 config_fid;
	u32 config_mask;
	int (*ns_init)(struct vssd_cs_ns *ns);
	void (*ns_exit)(struct vssd_cs_ns *ns);
	u8 (*presented_csi)(const struct vssd_cs_ns *ns);
	void (*prepare)(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			u64 *deadline);
	u8 (*stat_opcode)(const struct vssd_cmd *cmd);
	void (*identify_ns)(struct vssd_cs_ns *ns, u8 csi, void *data);
	void (*identify_ctrl)(struct vssd_ctrl *ctrl, u8 csi, void *data);
	void (*effects)(struct vssd_ctrl *ctrl, u8 csi, struct nvme_effects_log *log);
	void (*format)(struct vssd_cs_ns *ns);
	u64 (*idle)(struct vssd_cs_ns *ns, u64 now);
	void (*forget)(struct vssd_cs_ns *ns, u64 owner);
	int (*stats_show)(struct vssd_ctrl *ctrl, char *page, int at);
	bool (*zone_limits)(struct vssd_cs_ns *ns, struct vssd_cs_zone_limits *lim);
	void (*zone_report)(struct vssd_cs_ns *ns, u32 idx, struct vssd_cs_zone *zone);
	void (*cache_flush)(struct vssd_cs_ns *ns);
	u32 (*power_loss)(struct vssd_cs_ns *ns, const struct vssd_wcache_cut *cut, u32 *kept,
			  u32 *failed);
	void (*drop_kept)(struct vssd_cs_ns *ns);
};

/* The command sets, in the order of vssd_cs_table[] (drivers/vssd/cs.c). */
extern const struct vssd_cs_ops vssd_cs_nvm;
extern const struct vssd_cs_ops vssd_cs_kv;
extern const struct vssd_cs_ops vssd_cs_zns;

/* @cs's configuration of @ns (struct vssd_cs_ops.conf_size bytes). */
void *vssd_cs_conf(const struct vssd_cs_ns *ns, const struct vssd_cs_ops *cs);

/* The controller, as a command set may see it. */
const char *vssd_ctrl_name(struct vssd_ctrl *ctrl);
const struct vssd_params *vssd_ctrl_params(struct vssd_ctrl *ctrl);
/* Whether the volatile write cache is on (Set Features 06h). */
bool vssd_ctrl_write_cache(struct vssd_ctrl *ctrl);
void vssd_assert_dispatching(struct vssd_ctrl *ctrl);
/* @ctrl's next namespace of @cs after @prev (NULL: the first), while powered. */
struct vssd_cs_ns *vssd_cs_ns_next(struct vssd_ctrl *ctrl, const struct vssd_cs_ops *cs,
				   struct vssd_cs_ns *prev);

/*
 * The media of the controller's timing model: read and write timing under
 * the dispatch lock; whether it is timed and its NAND array at any time.
 */
bool vssd_media_untimed(struct vssd_ctrl *ctrl);
struct vssd_nand *vssd_media_nand(struct vssd_ctrl *ctrl);
u64 vssd_media_read(struct vssd_cs_ns *ns, u64 off, u64 len, u64 now);
int vssd_media_write(struct vssd_cs_ns *ns, u64 off, u64 len, u64 now, u64 *done);

/*
 * A namespace presented as NVM that holds no blocks (a command set's
 * compatibility presentation): reads return zeros, Flush succeeds, other
 * NVM opcodes are refused.
 */
void vssd_nvm_prepare_empty(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			    u64 *deadline);
/* The NVM command set's checks, for command sets that reuse its commands. */
u16 vssd_nvm_check_xfer(struct vssd_ctrl *ctrl, const struct vssd_cmd *cmd, u64 bytes);
u16 vssd_nvm_check_dsm(struct vssd_cmd *cmd);

/*
 * A namespace attribute's write: @set runs under the controller's lock
 * while the controller is off (else -EBUSY).  Returns @count or an error.
 */
ssize_t vssd_cs_ns_store(struct config_item *item, size_t count,
			 int (*set)(struct vssd_cs_ns *ns, const char *page),
			 const char *page);
/*
 * An action on a powered namespace of command set @cs through one of its
 * attributes: @act runs under the controller's lock and the dispatch lock
 * (-ENODEV while the controller is not live, -EINVAL for a namespace of
 * another command set).  Returns @count or an error.
 */
ssize_t vssd_cs_ns_act(struct config_item *item, size_t count, const struct vssd_cs_ops *cs,
		       int (*act)(struct vssd_cs_ns *ns, const char *page),
		       const char *page);
struct vssd_cs_ns *vssd_cs_ns_of_item(struct config_item *item);
/* Parse a number in [@lo, @hi] into *@out, or log why not and fail. */
int vssd_cs_ns_parse_u32(struct vssd_cs_ns *ns, const char *page, const char *name,
			 u32 lo, u32 hi, u32 *out);

/*
 * Namespace attribute @name (a file of every namespace directory) from
 * @pfx##@name##_get(struct vssd_cs_ns *, char *page) and
 * @pfx##@name##_set(struct vssd_cs_ns *, const char *page): defines
 * @pfx##attr_##@name for an attribute array.
 */
#define VSSD_CS_NS_ATTR(pfx, name)					\
static ssize_t pfx##name##_show(struct config_item *item, char *page)	\
{									\
	return pfx##name##_get(vssd_cs_ns_of_item(item), page);		\
}									\
static ssize_t pfx##name##_store(struct config_item *item,		\
				 const char *page, size_t count)	\
{									\
	return vssd_cs_ns_store(item, count, pfx##name##_set, page);	\
}									\
CONFIGFS_ATTR(pfx, name)

/* The same for the u32 at @offset of command set @cs's configuration, in [@lo, @hi]. */
#define VSSD_CS_NS_U32_ATTR(pfx, name, cs, offset, lo, hi)		\
static u32 *pfx##name##_ptr(struct vssd_cs_ns *ns)			\
{									\
	return (u32 *)((u8 *)vssd_cs_conf(ns, cs) + (offset));		\
}									\
static ssize_t pfx##name##_get(struct vssd_cs_ns *ns, char *page)	\
{									\
	return sysfs_emit(page, "%u\n", *pfx##name##_ptr(ns));		\
}									\
static int pfx##name##_set(struct vssd_cs_ns *ns, const char *page)	\
{									\
	return vssd_cs_ns_parse_u32(ns, page, #name, lo, hi,		\
				    pfx##name##_ptr(ns));		\
}									\
VSSD_CS_NS_ATTR(pfx, name)

/*
 * Dispatch lock held: whether a media fault rule of @cmd's namespace fails
 * a command on key @key (@len bytes) of @op (VSSD_FAULT_READ: it returns
 * the value, VSSD_FAULT_WRITE: it stores one); if so @cmd has its status
 * (Unrecovered Read Error, Write Fault) and must change nothing.
 */
bool vssd_fault_key(struct vssd_cmd *cmd, u8 op, const u8 *key, u8 len);

/* Errors vssd reports are final: with DNR. */
#define VSSD_SC(sc)	((u16)((sc) | VSSD_SC_DNR))

#endif /* VSSD_CS_H */
