// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the controller's character device, /dev/vssdN, for the admin and
 * I/O passthrough ioctls (what nvme-cli uses on /dev/nvmeN).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "vssd.h"

static struct vssd_ctrl *vssd_chardev_ctrl(struct file *file)
{
	return container_of(file->private_data, struct vssd_ctrl, misc);
}

static int vssd_chardev_open(struct inode *inode, struct file *file)
{
	return vssd_ctrl_open(vssd_chardev_ctrl(file));
}

static int vssd_chardev_release(struct inode *inode, struct file *file)
{
	vssd_ctrl_release(vssd_chardev_ctrl(file));
	return 0;
}

static long vssd_chardev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return vssd_passthru_ioctl(vssd_chardev_ctrl(file), NULL, cmd,
				   (void __user *)arg);
}

static const struct file_operations vssd_chardev_fops = {
	.owner		= THIS_MODULE,
	.open		= vssd_chardev_open,
	.release	= vssd_chardev_release,
	.unlocked_ioctl	= vssd_chardev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* /sys/class/misc/vssdN/vssd/ctrl: the configfs name udev names the link by. */
static ssize_t ctrl_show(struct device *dev, struct device_attribute *attr, char *page)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return sysfs_emit(page, "%s\n",
			  vssd_ctrl_name(container_of(misc, struct vssd_ctrl, misc)));
}
static DEVICE_ATTR_RO(ctrl);

static struct attribute *vssd_chardev_attrs[] = {
	&dev_attr_ctrl.attr,
	NULL,
};

static const struct attribute_group vssd_chardev_group = {
	.name = "vssd",
	.attrs = vssd_chardev_attrs,
};

static const struct attribute_group *vssd_chardev_groups[] = {
	&vssd_chardev_group,
	NULL,
};

int vssd_chardev_add(struct vssd_ctrl *ctrl)
{
	int ret;

	snprintf(ctrl->misc_name, sizeof(ctrl->misc_name), "vssd%d", ctrl->index);
	ctrl->misc.minor = MISC_DYNAMIC_MINOR;
	ctrl->misc.name = ctrl->misc_name;
	ctrl->misc.fops = &vssd_chardev_fops;
	ctrl->misc.mode = 0600;
	ctrl->misc.groups = vssd_chardev_groups;
	ret = misc_register(&ctrl->misc);
	if (ret)
		return ret;
	ctrl->misc_ready = true;
	return 0;
}

void vssd_chardev_remove(struct vssd_ctrl *ctrl)
{
	if (ctrl->misc_ready)
		misc_deregister(&ctrl->misc);
	ctrl->misc_ready = false;
}
