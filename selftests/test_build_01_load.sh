#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Both modules load by name, are the ones just built, and unload cleanly
# with nvmet present, repeatedly, in either order: vssd_tcp neither needs
# nor holds vssd.ko.
. "$(dirname "$0")/lib.sh"

for m in vssd_tcp nvmet_tcp vssd; do
	unload_module "$m" || fail "cannot unload $m before the test"
done

expect_ok "load vssd" modprobe vssd
[ -r "$CONFIGFS/vssd/features" ] || fail "no $CONFIGFS/vssd/features after loading vssd"
expect_ok "load vssd_tcp" modprobe vssd_tcp
module_loaded nvmet || fail "nvmet was not loaded as a dependency of vssd_tcp"
[ -e /sys/module/nvmet/holders/vssd_tcp ] || fail "vssd_tcp does not hold nvmet"

for m in vssd vssd_tcp; do
	expect_eq "srcversion of the loaded $m" \
		"$(modinfo -F srcversion "$VSSD_SRC/$m.ko")" "$(cat /sys/module/$m/srcversion)"
done

for i in $(seq 10); do
	if [ $((i % 2)) = 0 ]; then
		expect_ok "unload vssd_tcp (round $i)" rmmod vssd_tcp
		expect_ok "unload vssd (round $i)" rmmod vssd
		expect_ok "reload vssd (round $i)" modprobe vssd
		expect_ok "reload vssd_tcp (round $i)" modprobe vssd_tcp
	else
		expect_ok "unload vssd while vssd_tcp stays (round $i)" rmmod vssd
		expect_ok "unload vssd_tcp (round $i)" rmmod vssd_tcp
		expect_ok "reload vssd_tcp alone (round $i)" modprobe vssd_tcp
		module_loaded vssd && fail "modprobe vssd_tcp loaded vssd.ko (round $i)"
		expect_ok "reload vssd (round $i)" modprobe vssd
	fi
done

expect_ok "final unload of vssd_tcp" rmmod vssd_tcp
expect_ok "final unload of vssd" rmmod vssd
[ -e "$CONFIGFS/vssd" ] && fail "$CONFIGFS/vssd is still there after rmmod vssd"
expect_eq "nvmet reference count after vssd_tcp left" 0 "$(cat /sys/module/nvmet/refcnt)"
pass
