#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The shipped modprobe.d snippet makes "modprobe nvmet-tcp" load vssd_tcp,
# and only it: not the emulator.
. "$(dirname "$0")/lib.sh"

for m in vssd_tcp nvmet_tcp vssd; do
	unload_module "$m" || fail "cannot unload $m before the test"
done

conf=/etc/modprobe.d/vssd-tcp.conf
[ -e "$conf" ] && skip "$conf already exists"
cp "$VSSD_SRC/tools/modprobe.d/vssd-tcp.conf" "$conf" || fail "cannot install $conf"
on_exit rm -f "$conf"
on_exit unload_module vssd_tcp

expect_ok "modprobe nvmet-tcp with the snippet" modprobe nvmet-tcp
module_loaded vssd_tcp || fail "modprobe nvmet-tcp did not load vssd_tcp"
module_loaded nvmet_tcp && fail "modprobe nvmet-tcp loaded nvmet_tcp despite the snippet"
module_loaded vssd && fail "modprobe nvmet-tcp loaded vssd.ko"
pass
