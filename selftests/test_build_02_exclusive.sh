#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vssd_tcp and the in-tree nvmet_tcp share nvmet's tcp transport slot: the
# second to load is refused with a clear message and the first is unharmed.
. "$(dirname "$0")/lib.sh"

for m in vssd_tcp nvmet_tcp; do
	unload_module "$m" || fail "cannot unload $m before the test"
done

expect_ok "load nvmet_tcp" modprobe nvmet_tcp
on_exit unload_module nvmet_tcp
mark=$(kmsg_mark)
expect_fail "vssd_tcp beside nvmet_tcp" modprobe vssd_tcp
module_loaded vssd_tcp && fail "vssd_tcp is loaded beside nvmet_tcp"
kmsg_since "$mark" | grep -q "vssd_tcp: the nvmet transport slot for trtype tcp is taken (is nvmet_tcp loaded?)" ||
	fail "no clear kernel log line explaining the refusal"
module_loaded nvmet_tcp || fail "nvmet_tcp went away"

expect_ok "unload nvmet_tcp" rmmod nvmet_tcp
expect_ok "vssd_tcp loads once the slot is free" modprobe vssd_tcp
on_exit unload_module vssd_tcp
expect_fail "nvmet_tcp beside vssd_tcp" modprobe nvmet_tcp
module_loaded vssd_tcp || fail "vssd_tcp went away when nvmet_tcp tried to load"
pass
