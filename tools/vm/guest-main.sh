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
# and logs to /mnt/job/logs/NAME.log and NAME.dmesg (and NAME.kmemleak when
# the kernel has kmemleak and it found something during the test).
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
	# A kernel whose modules are not in the host's /lib/modules (the debug
	# kernel): its module tree, seen through the host root.
	if [ -n "${VSSD_VM_MODULES:-}" ] && [ ! -e /lib/modules/"$kver"/kernel ]; then
		mkdir -p /lib/modules/"$kver"
		ln -s "$VSSD_VM_MODULES/lib/modules/$kver/kernel" /lib/modules/"$kver"/kernel
	fi
	# The freshly built modules, with an index the host made that names
	# them (and not any DKMS-installed copy), so "modprobe vssd" finds them.
	mkdir -p /lib/modules/"$kver"/updates/vssd
	cp "$job"/modules/*.ko /lib/modules/"$kver"/updates/vssd/
	cp "$job"/modules/modules.* /lib/modules/"$kver"/
	modprobe configfs 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	mkdir -p /etc/nvme
	[ -s /etc/nvme/hostnqn ] || nvme gen-hostnqn >/etc/nvme/hostnqn 2>/dev/null
	[ -s /etc/nvme/hostid ] || cat /proc/sys/kernel/random/uuid >/etc/nvme/hostid
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	# What boot leaves for kmemleak is nobody's test.
	kmemleak_collect >/dev/null
}

# Lines that make a test fail when the kernel prints them during it.  The
# second line is what only the debug kernel's checkers print (most of their
# reports also carry BUG: or WARNING:).
bad_kernel_lines='BUG:|WARNING:|Oops|scheduling while atomic|refcount_t|general protection|lockdep|kmemleak|Call Trace|INFO: task .* blocked|hung_task'
bad_kernel_lines+='|KASAN|UBSAN|ODEBUG|possible recursive locking|circular locking|inconsistent lock state|list_(add|del) corruption|suspicious RCU usage|stack(-protector| guard page)|Kernel panic|soft lockup|rcu.*stall'

kmemleak=/sys/kernel/debug/kmemleak

# A test that forces allocations to fail (test_fault_*) creates this file:
# then the kernel's allocation-failure reports (warn_alloc: "page allocation
# failure", "vmalloc error", each with a stack) are what it asked for, and
# so is kmemleak's note that it scans a whole object when it could not
# allocate a scan area, and the warnings the kernel's jump-label code
# prints (kernel/jump_label.c, "Failed to allocate memory: jump_label may
# not work properly", up to its end-trace line) when a module's load fails
# an allocation; only those are left out of the scan, everything else (a
# leak, or kmemleak disabling itself) still counts.
alloc_failures_expected=/run/vssd-alloc-failures-expected

# kernel_log_to_scan FILE: FILE without the reports the test asked for.
kernel_log_to_scan() {
	if [ -e "$alloc_failures_expected" ]; then
		awk '/page allocation failure: |vmalloc error: / { skip = 1 }
		     /WARNING: .* at kernel\/jump_label\.c:[0-9]+ / { skip = 2 }
		     /kmemleak: Cannot allocate a scan area, scanning the full object/ { next }
		     !skip { print }
		     skip == 1 && /<\/TASK>/ { skip = 0 }
		     skip == 2 && /---\[ end trace/ { skip = 0 }' "$1"
	else
		cat "$1"
	fi
}

# kmemleak_collect: with kmemleak, scan for unreferenced objects, print the
# reports and forget them, so that the next call reports only what is newer.
# An object is reported once it is older than 5 s and unreferenced in two
# scans in a row (kmemleak's own rules), hence the wait and the double scan.
kmemleak_collect() {
	[ -w "$kmemleak" ] || return 0
	sleep 5
	echo scan >"$kmemleak"
	echo scan >"$kmemleak"
	cat "$kmemleak"
	echo clear >"$kmemleak"
}

run_one() {
	local name="$1" log="$job/logs/$1.log" dmesg_out="$job/logs/$1.dmesg" rc

	mkdir -p "$(dirname "$log")"
	rm -f "$alloc_failures_expected"
	echo "begin $name" >>"$job/results"
	sync
	beat
	echo "vssd-selftest: begin $name" >/dev/kmsg
	(cd "$src/selftests" && VSSD_SRC="$src" VSSD_KERNEL_DEBUG="${VSSD_KERNEL_DEBUG:-0}" \
		timeout -k 10 "$VSSD_TIMEOUT" bash "./$name") >"$log" 2>&1 </dev/null
	rc=$?
	# Leaks of this test (kmemleak's own log line lands in its dmesg too).
	kmemleak_collect >"$job/logs/$name.kmemleak" 2>&1
	if [ -s "$job/logs/$name.kmemleak" ]; then
		{
			echo "# kmemleak found unreferenced objects after this test ($name.kmemleak):"
			head -n 40 "$job/logs/$name.kmemleak"
		} >>"$log"
		rc=1
	else
		rm -f "$job/logs/$name.kmemleak"
	fi
	echo "vssd-selftest: end $name" >/dev/kmsg
	dmesg | sed -n "/vssd-selftest: begin ${name//\//\\/}\$/,/vssd-selftest: end ${name//\//\\/}\$/p" \
		>"$dmesg_out"
	if kernel_log_to_scan "$dmesg_out" | grep -Eq "$bad_kernel_lines"; then
		{
			echo "# the kernel complained during this test:"
			kernel_log_to_scan "$dmesg_out" | grep -E "$bad_kernel_lines" | head -n 20
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
		# Lockdep turns itself off after its first report: the tests
		# left run in a fresh boot (the runner boots again for them).
		if grep -Eq '^ *debug_locks: +0$' /proc/lockdep_stats 2>/dev/null; then
			echo "lockdep is off after a report in $name: rebooting for the rest" >>"$job/setup.log"
			break
		fi
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
