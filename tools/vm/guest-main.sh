#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (from /mnt/job/entry.sh).  Prepares the guest (configfs,
# host NQN, the freshly built modules installed into the overlay so that
# "modprobe vssd" finds them), then does what /mnt/job/job.env asks:
#   VSSD_MODE=tests  run VSSD_TESTS (names under selftests/) one by one
#   VSSD_MODE=run    run VSSD_COMMAND
#   VSSD_MODE=shell  an interactive shell on the console
# Results for tests go to /mnt/job/results, one line per test:
#   begin NAME / ok NAME / fail NAME / skip NAME
# and logs to /mnt/job/logs/NAME.log and NAME.dmesg.
set -u
job=/mnt/job
# shellcheck source=/dev/null
. "$job/job.env"
src="$VSSD_SRC"
# Case selection for test_tcp_05_hostile, when the host asked for one.
[ -z "${HOSTILE_CASES:-}" ] || export HOSTILE_CASES
kver=$(uname -r)

beat() { touch "$job/heartbeat"; }

setup_guest() {
	modprobe configfs 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	mkdir -p /etc/nvme
	[ -s /etc/nvme/hostnqn ] || nvme gen-hostnqn >/etc/nvme/hostnqn 2>/dev/null
	[ -s /etc/nvme/hostid ] || cat /proc/sys/kernel/random/uuid >/etc/nvme/hostid
	# The freshly built modules, with an index the host made that names
	# them (and not any DKMS-installed copy), so "modprobe vssd" finds them.
	mkdir -p /lib/modules/"$kver"/updates/vssd
	cp "$job"/modules/*.ko /lib/modules/"$kver"/updates/vssd/
	cp "$job"/modules/modules.* /lib/modules/"$kver"/
}

# Lines that make a test fail when the kernel prints them during it.
bad_kernel_lines='BUG:|WARNING:|Oops|scheduling while atomic|refcount_t|general protection|lockdep|kmemleak|Call Trace|INFO: task .* blocked|hung_task'

run_one() {
	local name="$1" log="$job/logs/$1.log" dmesg_out="$job/logs/$1.dmesg" rc

	mkdir -p "$(dirname "$log")"
	echo "begin $name" >>"$job/results"
	sync
	beat
	echo "vssd-selftest: begin $name" >/dev/kmsg
	(cd "$src/selftests" && VSSD_SRC="$src" timeout -k 10 "$VSSD_TIMEOUT" bash "./$name") \
		>"$log" 2>&1 </dev/null
	rc=$?
	echo "vssd-selftest: end $name" >/dev/kmsg
	dmesg | sed -n "/vssd-selftest: begin ${name//\//\\/}\$/,/vssd-selftest: end ${name//\//\\/}\$/p" \
		>"$dmesg_out"
	if grep -Eq "$bad_kernel_lines" "$dmesg_out"; then
		{
			echo "# the kernel complained during this test:"
			grep -E "$bad_kernel_lines" "$dmesg_out" | head -n 20
		} >>"$log"
		rc=1
	fi
	case $rc in
	0) echo "ok $name" >>"$job/results" ;;
	4) echo "skip $name" >>"$job/results" ;;
	124|137) echo "# timed out after ${VSSD_TIMEOUT}s" >>"$log"
	   echo "fail $name" >>"$job/results" ;;
	*) echo "fail $name" >>"$job/results" ;;
	esac
	sync
	beat
}

beat
setup_guest >"$job/setup.log" 2>&1 || echo "guest setup failed; see setup.log" >&2
beat
case "$VSSD_MODE" in
tests)
	for name in $VSSD_TESTS; do
		run_one "$name"
	done
	;;
run)
	(cd "$src" && bash -c "$VSSD_COMMAND")
	echo "exit $?" >"$job/run-status"
	;;
shell)
	cd "$src" || exit 1
	PS1='vssd-vm:\w# ' exec bash --norc -i
	;;
esac
sync
