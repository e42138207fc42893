#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel release (uname -r of the kernel to boot) whose headers are
# at KDIR: the /lib/modules/<release> whose build link points there, else what
# the headers say.  usage: kdir-release.sh KDIR
set -u
kdir=$(realpath -e "$1" 2>/dev/null) || exit 1
for dir in /lib/modules/*; do
	if [ "$(realpath -e "$dir/build" 2>/dev/null)" = "$kdir" ]; then
		basename "$dir"
		exit 0
	fi
done
sed -n 's/^override KERNELRELEASE = //p' "$kdir/.kernelvariables" 2>/dev/null | grep . ||
	cat "$kdir/include/config/kernel.release"
