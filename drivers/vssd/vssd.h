/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: private declarations shared by the files of vssd.ko.
 */
#ifndef VSSD_PRIVATE_H
#define VSSD_PRIVATE_H

int vssd_configfs_init(void);
void vssd_configfs_exit(void);

#endif /* VSSD_PRIVATE_H */
