#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The emulated-SSD walkthrough of Documentation/user-guide.rst, step by
# step: every '# ' command runs and prints what the document shows
# (selftests/doc_walk.py says how each output is compared).
. "$(dirname "$0")/lib.sh"

require_cmd nvme fio lsblk udevadm python3
module_loaded vssd && skip "vssd is already loaded; the walkthrough starts without it"
cfs=$CONFIGFS/vssd
# Undone in reverse if a step fails half way.
on_exit unload_module vssd
# A step that fails half way must not leave a regular file where a later
# test expects a device node, nor links udev would not have.
on_exit sh -c '[ -b /dev/vssd0n1 ] || rm -f /dev/vssd0n1; rm -rf /dev/vssd/ssd0'
on_exit rmdir "$cfs/ssd0"
on_exit rmdir "$cfs/ssd0/namespaces/1"
on_exit sh -c "echo 0 > $cfs/ssd0/power"
# The rule make dkms-install installs; the VM runs no udev daemon, so the
# links are made by udevadm test, as the daemon would on power on.
mkdir -p /run/udev/rules.d
cp "$VSSD_SRC/tools/udev/60-vssd.rules" /run/udev/rules.d/ || fail "cannot install the udev rule"
on_exit rm -f /run/udev/rules.d/60-vssd.rules
udev='udevadm test --action=add /sys/block/vssd0n1 >/dev/null 2>&1; udevadm test --action=add /sys/class/misc/vssd0 >/dev/null 2>&1'
out=$(cd /tmp && python3 "$VSSD_SRC/selftests/doc_walk.py" --before "^ls -l /dev/vssd/=$udev" \
	"$VSSD_SRC/Documentation/user-guide.rst" "Emulating an SSD with vssd" 2>&1)
rc=$?
echo "$out" | sed "s/^/# $TEST_NAME: /"
[ $rc = 0 ] || fail "the walkthrough and what the commands print differ"
module_loaded vssd && fail "the walkthrough's rmmod left vssd loaded"
pass
