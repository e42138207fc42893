#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# After "make dkms-install" on the host (make check does it first), plain
# "modprobe vssd" / "modprobe vssd_tcp" load the DKMS-built modules from
# updates/dkms, and they were built from this source tree.  DKMS compresses
# them as the kernel's own modules are (6.12: vssd.ko.xz).
. "$(dirname "$0")/lib.sh"

kver=$(uname -r)
installed=/host/lib/modules/$kver/updates/dkms
ext=""
for e in .ko .ko.xz .ko.zst .ko.gz; do
	[ -f "$installed/vssd$e" ] && ext=$e
done
[ -n "$ext" ] || skip "no DKMS install on the host (make dkms-install)"

for m in vssd_tcp vssd; do
	unload_module "$m" || fail "cannot unload $m before the test"
done

# The host's module tree as DKMS left it (the guest normally uses an index
# that names the freshly built modules instead).
mount --bind "/host/lib/modules/$kver" "/lib/modules/$kver" || fail "cannot bind the host module tree"
on_exit umount "/lib/modules/$kver"

for m in vssd vssd_tcp; do
	expect_eq "modinfo -n $m" "/lib/modules/$kver/updates/dkms/$m$ext" "$(modinfo -n "$m")"
	expect_ok "modprobe $m" modprobe "$m"
	on_exit unload_module "$m"
	expect_eq "srcversion of the DKMS-built $m" \
		"$(modinfo -F srcversion "$VSSD_SRC/$m.ko")" "$(cat /sys/module/$m/srcversion)"
done
[ -r "$CONFIGFS/vssd/features" ] || fail "the DKMS-built vssd made no configfs tree"
expect_ok "unload vssd_tcp" rmmod vssd_tcp
expect_ok "unload vssd" rmmod vssd
pass
