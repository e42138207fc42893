// SPDX-License-Identifier: GPL-2.0
/*
 * vssd configfs tree:
 *
 *   /sys/kernel/config/vssd/features            what this build supports
 *   /sys/kernel/config/vssd/<ctrl>/             a controller (mkdir)
 *       <parameter>, model, preset, worker_cpus, power, index, stats
 *   /sys/kernel/config/vssd/<ctrl>/namespaces/<nsid>/   a namespace (mkdir)
 *       csi, size_mb, block_size, uuid, each command set's own (struct
 *       vssd_cs_ops.ns_attrs), device, stats
 *
 * Everything but power and stats is writable only while the controller is
 * powered off; a powered controller and its namespaces cannot be removed
 * (-EBUSY).
 * Documentation/configfs.rst lists every attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vssd.h"

/*
 * What this build can do, space-separated: the fixed part, then a word per
 * model and preset (from their tables), then the command sets' words.
 */
#define VSSD_FEATURES_BASE	"controllers nvm blk ioctl"

static struct configfs_subsystem vssd_subsys;

/* Take (or drop) configfs references so rmdir of a live device fails. */
int vssd_configfs_depend(struct vssd_ctrl *ctrl, bool depend)
{
	struct vssd_ns *ns, *failed = NULL;
	int ret;

	if (!depend) {
		list_for_each_entry(ns, &ctrl->ns_list, link)
			configfs_undepend_item(&ns->group.cg_item);
		configfs_undepend_item(&ctrl->group.cg_item);
		return 0;
	}
	ret = configfs_depend_item_unlocked(&vssd_subsys, &ctrl->group.cg_item);
	if (ret)
		return ret;
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		ret = configfs_depend_item_unlocked(&vssd_subsys, &ns->group.cg_item);
		if (ret) {
			failed = ns;
			break;
		}
	}
	if (!failed)
		return 0;
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		if (ns == failed)
			break;
		configfs_undepend_item(&ns->group.cg_item);
	}
	configfs_undepend_item(&ctrl->group.cg_item);
	return ret;
}

/* ---- controller attributes ---- */

/*
 * Refuse @page, none of the names name(0), name(1), ... (NULL ends them):
 * the kernel log says "@who: @what "<page>" refused: a, b or c".
 */
static int vssd_name_refused(const char *who, const char *what, const char *page,
			     const char *(*name)(unsigned int i))
{
	unsigned int i, n = 0;
	char names[64];

	names[0] = 0;
	for (i = 0; name(i); i++)
		n += scnprintf(names + n, sizeof(names) - n, "%s%s",
			       !i ? "" : name(i + 1) ? ", " : " or ", name(i));
	pr_warn("%s: %s \"%.*s\" refused: %s\n", who, what, (int)strcspn(page, "\n"), page,
		names);
	return -EINVAL;
}

static ssize_t vssd_param_show(struct vssd_ctrl *ctrl, enum vssd_param_index i,
			       char *page)
{
	long v;

	mutex_lock(&ctrl->lock);
	v = *vssd_param_ptr(&ctrl->params, i);
	mutex_unlock(&ctrl->lock);
	return sysfs_emit(page, "%ld\n", v);
}

static ssize_t vssd_param_store(struct vssd_ctrl *ctrl, enum vssd_param_index i,
				const char *page, size_t count)
{
	char why[96];
	long v;
	int ret;

	ret = kstrtol(page, 0, &v);
	if (ret)
		return ret;
	ret = vssd_param_value_check(i, v, why, sizeof(why));
	if (ret) {
		pr_warn("%s: %s\n", vssd_ctrl_name(ctrl), why);
		return ret;
	}
	mutex_lock(&ctrl->lock);
	if (ctrl->state != VSSD_CTRL_OFF) {
		ret = -EBUSY;
	} else {
		*vssd_param_ptr(&ctrl->params, i) = v;
		ret = count;
	}
	mutex_unlock(&ctrl->lock);
	return ret;
}

/* One attribute per entry of VSSD_PARAM_LIST (params.h). */
#define VSSD_CTRL_PARAM_ATTR(field, ...)				\
static ssize_t vssd_ctrl_##field##_show(struct config_item *item, char *page); \
static ssize_t vssd_ctrl_##field##_store(struct config_item *item,	\
					 const char *page, size_t count); \
CONFIGFS_ATTR(vssd_ctrl_, field);					\
static ssize_t vssd_ctrl_##field##_show(struct config_item *item, char *page) \
{									\
	return vssd_param_show(to_vssd_ctrl(item), VSSD_PARAM_##field, page); \
}									\
static ssize_t vssd_ctrl_##field##_store(struct config_item *item,	\
					 const char *page, size_t count) \
{									\
	return vssd_param_store(to_vssd_ctrl(item), VSSD_PARAM_##field,	\
				page, count);				\
}

VSSD_PARAM_LIST(VSSD_CTRL_PARAM_ATTR)

static ssize_t vssd_ctrl_model_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	ssize_t n;

	mutex_lock(&ctrl->lock);
	n = sysfs_emit(page, "%s\n", ctrl->params.model);
	mutex_unlock(&ctrl->lock);
	return n;
}

static ssize_t vssd_ctrl_model_store(struct config_item *item, const char *page,
				     size_t count)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	const struct vssd_model_ops *model = vssd_model_find(page);
	ssize_t ret = count;

	if (!model)
		return vssd_name_refused(vssd_ctrl_name(ctrl), "model", page, vssd_model_name);
	mutex_lock(&ctrl->lock);
	if (ctrl->state != VSSD_CTRL_OFF)
		ret = -EBUSY;
	else
		strscpy(ctrl->params.model, model->name, sizeof(ctrl->params.model));
	mutex_unlock(&ctrl->lock);
	return ret;
}
CONFIGFS_ATTR(vssd_ctrl_, model);

static ssize_t vssd_ctrl_preset_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	ssize_t n;

	mutex_lock(&ctrl->lock);
	n = sysfs_emit(page, "%s\n", vssd_preset_matching(&ctrl->params));
	mutex_unlock(&ctrl->lock);
	return n;
}

/* A preset sets the model and its parameters, while powered off only. */
static ssize_t vssd_ctrl_preset_store(struct config_item *item, const char *page,
				      size_t count)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	const struct vssd_preset *preset = vssd_preset_find(page);
	ssize_t ret;

	if (!preset)
		return vssd_name_refused(vssd_ctrl_name(ctrl), "preset", page, vssd_preset_name);
	mutex_lock(&ctrl->lock);
	ret = ctrl->state != VSSD_CTRL_OFF ? -EBUSY : 0;
	if (!ret)
		vssd_preset_apply(preset, &ctrl->params);
	mutex_unlock(&ctrl->lock);
	return ret ? ret : count;
}
CONFIGFS_ATTR(vssd_ctrl_, preset);

static ssize_t vssd_ctrl_worker_cpus_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	ssize_t n;

	mutex_lock(&ctrl->lock);
	n = sysfs_emit(page, "%*pbl\n", cpumask_pr_args(ctrl->worker_cpus));
	mutex_unlock(&ctrl->lock);
	return n;
}

static ssize_t vssd_ctrl_worker_cpus_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	cpumask_var_t cpus;
	ssize_t ret;

	if (!alloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	ret = cpulist_parse(page, cpus);
	if (!ret && (cpumask_empty(cpus) || !cpumask_subset(cpus, cpu_possible_mask)))
		ret = -EINVAL;
	if (ret) {
		pr_warn("%s: worker_cpus refused: need a non-empty list of existing CPUs\n",
			vssd_ctrl_name(ctrl));
		goto out;
	}
	mutex_lock(&ctrl->lock);
	if (ctrl->state != VSSD_CTRL_OFF) {
		ret = -EBUSY;
	} else {
		cpumask_copy(ctrl->worker_cpus, cpus);
		ret = count;
	}
	mutex_unlock(&ctrl->lock);
out:
	free_cpumask_var(cpus);
	return ret;
}
CONFIGFS_ATTR(vssd_ctrl_, worker_cpus);

static ssize_t vssd_ctrl_power_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);

	return sysfs_emit(page, "%d\n", READ_ONCE(ctrl->state) == VSSD_CTRL_LIVE);
}

static ssize_t vssd_ctrl_power_store(struct config_item *item, const char *page,
				     size_t count)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	bool on;
	int ret;

	ret = kstrtobool(page, &on);
	if (ret)
		return ret;
	mutex_lock(&ctrl->lock);
	ret = on ? vssd_ctrl_power_on(ctrl) : vssd_ctrl_power_off(ctrl);
	mutex_unlock(&ctrl->lock);
	return ret ? ret : count;
}
CONFIGFS_ATTR(vssd_ctrl_, power);

static ssize_t vssd_ctrl_index_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_vssd_ctrl(item)->index));
}
CONFIGFS_ATTR_RO(vssd_ctrl_, index);

static ssize_t vssd_ctrl_stats_show(struct config_item *item, char *page)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);
	ssize_t n;

	mutex_lock(&ctrl->lock);
	n = vssd_stats_show(ctrl, page);
	mutex_unlock(&ctrl->lock);
	return n;
}

/* Writing 0 starts the model's and the engine's measurements again (stats.c). */
static ssize_t vssd_ctrl_stats_store(struct config_item *item, const char *page,
				     size_t count)
{
	struct vssd_ctrl *ctrl = to_vssd_ctrl(item);

	if (!sysfs_streq(page, "0"))
		return -EINVAL;
	mutex_lock(&ctrl->lock);
	vssd_stats_reset(ctrl);
	mutex_unlock(&ctrl->lock);
	return count;
}
CONFIGFS_ATTR(vssd_ctrl_, stats);

#define VSSD_CTRL_PARAM_ATTR_PTR(field, ...) (&vssd_ctrl_attr_##field),

static struct configfs_attribute *vssd_ctrl_attrs[] = {
	VSSD_PARAM_LIST(VSSD_CTRL_PARAM_ATTR_PTR)
	(&vssd_ctrl_attr_model),
	&vssd_ctrl_attr_preset,
	&vssd_ctrl_attr_worker_cpus,
	&vssd_ctrl_attr_power,
	&vssd_ctrl_attr_index,
	&vssd_ctrl_attr_stats,
	NULL,
};

/* ---- namespace attributes ---- */

static struct vssd_ns *vssd_ns_of(struct vssd_cs_ns *cs)
{
	return container_of(cs, struct vssd_ns, cs);
}

struct vssd_cs_ns *vssd_cs_ns_of_item(struct config_item *item)
{
	return &to_vssd_ns(item)->cs;
}

ssize_t vssd_cs_ns_act(struct config_item *item, size_t count, const struct vssd_cs_ops *cs,
		       int (*act)(struct vssd_cs_ns *ns, const char *page),
		       const char *page)
{
	struct vssd_ns *ns = to_vssd_ns(item);
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	ssize_t ret;

	mutex_lock(&ctrl->lock);
	if (ctrl->state != VSSD_CTRL_LIVE) {
		ret = -ENODEV;
	} else if (ns->ops != cs) {
		ret = -EINVAL;
	} else {
		mutex_lock(&ctrl->dispatch_lock);
		ret = act(&ns->cs, page);
		mutex_unlock(&ctrl->dispatch_lock);
	}
	mutex_unlock(&ctrl->lock);
	return ret ? ret : count;
}

ssize_t vssd_cs_ns_store(struct config_item *item, size_t count,
			 int (*set)(struct vssd_cs_ns *ns, const char *page),
			 const char *page)
{
	struct vssd_ns *ns = to_vssd_ns(item);
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	ssize_t ret;

	mutex_lock(&ctrl->lock);
	ret = ctrl->state != VSSD_CTRL_OFF ? -EBUSY : set(&ns->cs, page);
	mutex_unlock(&ctrl->lock);
	return ret ? ret : count;
}

int vssd_cs_ns_parse_u32(struct vssd_cs_ns *ns, const char *page, const char *name,
			 u32 lo, u32 hi, u32 *out)
{
	u32 v;
	int ret = kstrtou32(page, 0, &v);

	if (ret)
		return ret;
	if (v < lo || v > hi) {
		pr_warn("namespace %u: %s=%u refused: must be %u..%u\n", ns->nsid, name, v, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static ssize_t vssd_ns_csi_get(struct vssd_cs_ns *cs, char *page)
{
	return sysfs_emit(page, "%s\n", vssd_ns_of(cs)->ops->name);
}

static const char *vssd_cs_name(unsigned int i)
{
	return vssd_cs_at(i) ? vssd_cs_at(i)->name : NULL;
}

static int vssd_ns_csi_set(struct vssd_cs_ns *cs, const char *page)
{
	const struct vssd_cs_ops *ops = vssd_cs_find(page);
	char who[24];

	if (!ops) {
		snprintf(who, sizeof(who), "namespace %u", cs->nsid);
		return vssd_name_refused(who, "csi", page, vssd_cs_name);
	}
	vssd_ns_set_ops(vssd_ns_of(cs), ops);
	return 0;
}
VSSD_CS_NS_ATTR(vssd_ns_, csi);

static ssize_t vssd_ns_size_mb_get(struct vssd_cs_ns *cs, char *page)
{
	return sysfs_emit(page, "%lu\n", vssd_ns_of(cs)->size_mb);
}

static int vssd_ns_size_mb_set(struct vssd_cs_ns *cs, const char *page)
{
	u32 v;
	int ret = vssd_cs_ns_parse_u32(cs, page, "size_mb", 1, VSSD_MAX_SIZE_MB, &v);

	if (!ret)
		vssd_ns_of(cs)->size_mb = v;
	return ret;
}
VSSD_CS_NS_ATTR(vssd_ns_, size_mb);

static ssize_t vssd_ns_block_size_get(struct vssd_cs_ns *cs, char *page)
{
	return sysfs_emit(page, "%u\n", vssd_ns_of(cs)->block_size);
}

static int vssd_ns_block_size_set(struct vssd_cs_ns *cs, const char *page)
{
	unsigned int v;
	int ret = kstrtouint(page, 0, &v);

	if (ret)
		return ret;
	if (v != 512 && v != 4096) {
		pr_warn("namespace %u: block_size=%u refused: 512 or 4096\n", cs->nsid, v);
		return -EINVAL;
	}
	vssd_ns_of(cs)->block_size = v;
	return 0;
}
VSSD_CS_NS_ATTR(vssd_ns_, block_size);

static ssize_t vssd_ns_uuid_get(struct vssd_cs_ns *cs, char *page)
{
	return sysfs_emit(page, "%pUb\n", &cs->uuid);
}

static int vssd_ns_uuid_set(struct vssd_cs_ns *cs, const char *page)
{
	char text[UUID_STRING_LEN + 1];

	if (strcspn(page, "\n") != UUID_STRING_LEN)
		return -EINVAL;
	memcpy(text, page, UUID_STRING_LEN);
	text[UUID_STRING_LEN] = 0;
	return uuid_parse(text, &cs->uuid);
}
VSSD_CS_NS_ATTR(vssd_ns_, uuid);

static ssize_t vssd_ns_device_show(struct config_item *item, char *page)
{
	struct vssd_ns *ns = to_vssd_ns(item);
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	ssize_t n;

	mutex_lock(&ctrl->lock);
	if (ctrl->state == VSSD_CTRL_LIVE && ns->disk)
		n = sysfs_emit(page, "/dev/%s\n", ns->disk->disk_name);
	else
		n = sysfs_emit(page, "\n");
	mutex_unlock(&ctrl->lock);
	return n;
}
CONFIGFS_ATTR_RO(vssd_ns_, device);

static ssize_t vssd_ns_stats_show(struct config_item *item, char *page)
{
	struct vssd_ns *ns = to_vssd_ns(item);
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	ssize_t n;

	mutex_lock(&ctrl->lock);
	n = vssd_stats_ns_show(ns, page);
	mutex_unlock(&ctrl->lock);
	return n;
}
CONFIGFS_ATTR_RO(vssd_ns_, stats);

static struct configfs_attribute *const vssd_ns_core_attrs[] = {
	&vssd_ns_attr_csi,
	&vssd_ns_attr_size_mb,
	&vssd_ns_attr_block_size,
	&vssd_ns_attr_uuid,
};

/*
 * The core's namespace attributes, each command set's, then device and
 * stats (built at init).
 */
static struct configfs_attribute **vssd_ns_attrs;

static int vssd_ns_attrs_build(void)
{
	const struct vssd_cs_ops *cs;
	unsigned int i, j, n = ARRAY_SIZE(vssd_ns_core_attrs) + 2;

	for (i = 0; (cs = vssd_cs_at(i)); i++)
		for (j = 0; cs->ns_attrs && cs->ns_attrs[j]; j++)
			n++;
	vssd_ns_attrs = kcalloc(n + 1, sizeof(*vssd_ns_attrs), GFP_KERNEL);
	if (!vssd_ns_attrs)
		return -ENOMEM;
	n = 0;
	for (j = 0; j < ARRAY_SIZE(vssd_ns_core_attrs); j++)
		vssd_ns_attrs[n++] = vssd_ns_core_attrs[j];
	for (i = 0; (cs = vssd_cs_at(i)); i++)
		for (j = 0; cs->ns_attrs && cs->ns_attrs[j]; j++)
			vssd_ns_attrs[n++] = cs->ns_attrs[j];
	vssd_ns_attrs[n++] = &vssd_ns_attr_device;
	vssd_ns_attrs[n] = &vssd_ns_attr_stats;
	return 0;
}

static void vssd_ns_release(struct config_item *item)
{
	struct vssd_ns *ns = to_vssd_ns(item);

	vssd_cs_ns_free_conf(ns);
	if (ns->kept)
		vssd_store_destroy(&ns->cs.store);
	if (ns->cs.kept_ops)
		ns->cs.kept_ops->drop_kept(&ns->cs);
	kfree(ns);
}

static struct configfs_item_operations vssd_ns_item_ops = {
	.release	= vssd_ns_release,
};

/* ct_attrs: vssd_ns_attrs, set before the subsystem is registered. */
static struct config_item_type vssd_ns_type = {
	.ct_item_ops	= &vssd_ns_item_ops,
	.ct_owner	= THIS_MODULE,
};

/* ---- namespaces/ directory ---- */

static struct vssd_ctrl *vssd_ns_group_ctrl(struct config_group *group)
{
	return container_of(group, struct vssd_ctrl, ns_group);
}

static struct config_group *vssd_ns_make(struct config_group *group, const char *name)
{
	struct vssd_ctrl *ctrl = vssd_ns_group_ctrl(group);
	struct vssd_ns *ns, *other;
	u32 nsid;
	int ret;

	/* Only the plain decimal form: "+3" or "03" would hide namespace 3. */
	ret = kstrtou32(name, 10, &nsid);
	if (!ret && (name[0] < '1' || name[0] > '9'))
		ret = -EINVAL;
	if (ret || !nsid || nsid > VSSD_MAX_NSID) {
		pr_warn("%s: namespace \"%s\" refused: name it by its NSID, 1..%u\n",
			vssd_ctrl_name(ctrl), name, VSSD_MAX_NSID);
		return ERR_PTR(-EINVAL);
	}
	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	ns->cs.ctrl = ctrl;
	ns->cs.nsid = nsid;
	vssd_faults_init(ns);
	vssd_pl_init(ns);
	vssd_ns_set_ops(ns, vssd_cs_at(0));
	ns->block_size = 512;
	ns->size_mb = 1024;
	uuid_gen(&ns->cs.uuid);
	ret = vssd_cs_ns_alloc_conf(ns);
	if (ret) {
		kfree(ns);
		return ERR_PTR(ret);
	}

	mutex_lock(&ctrl->lock);
	ret = ctrl->state != VSSD_CTRL_OFF ? -EBUSY : 0;
	list_for_each_entry(other, &ctrl->ns_list, link)
		if (other->cs.nsid == nsid)
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&ns->link, &ctrl->ns_list);
	mutex_unlock(&ctrl->lock);
	if (ret) {
		vssd_cs_ns_free_conf(ns);
		kfree(ns);
		return ERR_PTR(ret);
	}
	config_group_init_type_name(&ns->group, name, &vssd_ns_type);
	vssd_faults_add_group(ns);
	return &ns->group;
}

static void vssd_ns_drop(struct config_group *group, struct config_item *item)
{
	struct vssd_ctrl *ctrl = vssd_ns_group_ctrl(group);
	struct vssd_ns *ns = to_vssd_ns(item);

	mutex_lock(&ctrl->lock);
	list_del(&ns->link);
	mutex_unlock(&ctrl->lock);
	config_item_put(item);
}

static struct configfs_group_operations vssd_ns_group_ops = {
	.make_group	= vssd_ns_make,
	.drop_item	= vssd_ns_drop,
};

static const struct config_item_type vssd_ns_group_type = {
	.ct_group_ops	= &vssd_ns_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* ---- controllers ---- */

static void vssd_ctrl_item_release(struct config_item *item)
{
	vssd_ctrl_free(to_vssd_ctrl(item));
}

static struct configfs_item_operations vssd_ctrl_item_ops = {
	.release	= vssd_ctrl_item_release,
};

static const struct config_item_type vssd_ctrl_type = {
	.ct_item_ops	= &vssd_ctrl_item_ops,
	.ct_attrs	= vssd_ctrl_attrs,
	.ct_owner	= THIS_MODULE,
};

/*
 * A controller's name becomes its stable device links
 * (/dev/vssd/<name>/...) and part of its NQN: letters, digits, '.', '_',
 * ':' and '-', starting with a letter or digit, at most 64 characters, so
 * that udev uses it as it is and no two names share a link.
 */
#define VSSD_CTRL_NAME_MAX	64

static bool vssd_ctrl_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > VSSD_CTRL_NAME_MAX || !isalnum(name[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._:-", name[i]))
			return false;
	return true;
}

static struct config_group *vssd_ctrl_make(struct config_group *group, const char *name)
{
	struct vssd_ctrl *ctrl;

	if (!vssd_ctrl_name_ok(name)) {
		pr_warn("controller name \"%.*s\" refused: letters, digits, '.', '_', ':' and '-', starting with a letter or digit, at most %d characters\n",
			VSSD_CTRL_NAME_MAX + 1, name, VSSD_CTRL_NAME_MAX);
		return ERR_PTR(-EINVAL);
	}
	ctrl = vssd_ctrl_alloc(name);
	if (!ctrl)
		return ERR_PTR(-ENOMEM);
	config_group_init_type_name(&ctrl->group, name, &vssd_ctrl_type);
	config_group_init_type_name(&ctrl->ns_group, "namespaces", &vssd_ns_group_type);
	configfs_add_default_group(&ctrl->ns_group, &ctrl->group);
	vssd_ctrl_faults_add_group(ctrl);
	return &ctrl->group;
}

static void vssd_ctrl_drop(struct config_group *group, struct config_item *item)
{
	config_item_put(item);
}

static struct configfs_group_operations vssd_root_group_ops = {
	.make_group	= vssd_ctrl_make,
	.drop_item	= vssd_ctrl_drop,
};

static ssize_t vssd_root_features_show(struct config_item *item, char *page)
{
	const char *name;
	unsigned int i;
	int n;

	n = sysfs_emit(page, "%s", VSSD_FEATURES_BASE);
	for (i = 0; (name = vssd_model_name(i)); i++)
		n += sysfs_emit_at(page, n, " model-%s", name);
	for (i = 0; (name = vssd_preset_name(i)); i++)
		n += sysfs_emit_at(page, n, " preset-%s", name);
	for (i = 0; vssd_cs_at(i); i++)
		if (vssd_cs_at(i)->features)
			n += sysfs_emit_at(page, n, " %s", vssd_cs_at(i)->features);
	n += sysfs_emit_at(page, n, "\n");
	return n;
}
CONFIGFS_ATTR_RO(vssd_root_, features);

static struct configfs_attribute *vssd_root_attrs[] = {
	&vssd_root_attr_features,
	NULL,
};

static const struct config_item_type vssd_root_type = {
	.ct_group_ops	= &vssd_root_group_ops,
	.ct_attrs	= vssd_root_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem vssd_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "vssd",
			.ci_type	= &vssd_root_type,
		},
	},
};

int vssd_configfs_init(void)
{
	int ret = vssd_ns_attrs_build();

	if (ret)
		return ret;
	vssd_ns_type.ct_attrs = vssd_ns_attrs;
	config_group_init(&vssd_subsys.su_group);
	mutex_init(&vssd_subsys.su_mutex);
	ret = configfs_register_subsystem(&vssd_subsys);
	if (ret)
		kfree(vssd_ns_attrs);
	return ret;
}

void vssd_configfs_exit(void)
{
	configfs_unregister_subsystem(&vssd_subsys);
	kfree(vssd_ns_attrs);
}
