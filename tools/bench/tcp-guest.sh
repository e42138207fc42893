#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh tcp): the same fio jobs through the
# in-tree nvmet_tcp and through vssd_tcp on a null_blk namespace, in one
# boot, alternating the two transports ROUNDS times.  fio JSON goes to
# OUT/<transport>-<round>-<job>.json, the CPU jiffies over it to
# OUT/<transport>-<round>-<job>.cpu.  BENCH_TARGETS names the two (default
# "nvmet_tcp vssd_tcp"); MODULE.LABEL measures MODULE under a name of its
# own, so that "nvmet_tcp nvmet_tcp.b" compares a target with itself.  The
# scale jobs run HOSTS host controllers at once, each to its own subsystem
# and null_blk device with 2 I/O queues, 256 commands in flight in all;
# their fio JSON (json+, with latency histograms) has one job per host.
# OUT/settings names the diagnosis settings of the run, if any.
set -u
# shellcheck source=tools/bench/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
out=${1:-/mnt/job/bench}
rounds=${ROUNDS:-5}
runtime=${RUNTIME:-10}
nqn=nqn.2026-11.io.vssd:bench
cfs=/sys/kernel/config/nvmet
mkdir -p "$out"

# name:fio arguments
jobs=(
	"randread-4k-qd1:--rw=randread --bs=4k --iodepth=1 --numjobs=1"
	"randread-4k-qd32:--rw=randread --bs=4k --iodepth=8 --numjobs=4"
	"randwrite-4k-qd32:--rw=randwrite --bs=4k --iodepth=8 --numjobs=4"
	"seqread-128k-qd8:--rw=read --bs=128k --iodepth=8 --numjobs=1"
	"seqwrite-128k-qd8:--rw=write --bs=128k --iodepth=8 --numjobs=1"
)
hosts=8
scale_jobs=(
	"scale-randread-4k:--rw=randread"
	"scale-randwrite-4k:--rw=randwrite"
)

modprobe null_blk nr_devices=$((hosts + 1)) gb=16 || exit 1
[ -b /dev/nullb$hosts ] || { echo "bench: null_blk has no device $hosts"; exit 1; }
modprobe nvme_tcp || exit 1
# Whatever way the run ends, no host controller stays connected.
trap 'nvme disconnect-all >/dev/null 2>&1' EXIT
settings=""
[ -z "${BENCH_PERF:-}" ] || settings+="BENCH_PERF=$BENCH_PERF "
[ -z "${BENCH_CALLS:-}" ] || settings+="BENCH_CALLS=$BENCH_CALLS "
[ -z "${BENCH_NSTAT:-}" ] || settings+="BENCH_NSTAT=$BENCH_NSTAT "
rm -f "$out/settings"
[ -z "$settings" ] || echo "${settings% }" >"$out/settings"
if [ -n "${BENCH_PERF:-}" ] && ! command -v perf >/dev/null; then
	echo "bench: BENCH_PERF needs perf (Debian package linux-perf) on the host"
	exit 1
fi

# subsystem NQN DEVICE: a subsystem open to any host with DEVICE as
# namespace 1, exported on port 1.
subsystem() {
	mkdir -p "$cfs/subsystems/$1/namespaces/1" &&
		echo 1 >"$cfs/subsystems/$1/attr_allow_any_host" &&
		echo "$2" >"$cfs/subsystems/$1/namespaces/1"/device_path &&
		echo 1 >"$cfs/subsystems/$1/namespaces/1"/enable &&
		ln -s "$cfs/subsystems/$1" "$cfs/ports/1/subsystems/$1"
}

unsubsystem() {
	rm -f "$cfs/ports/1/subsystems/$1"
	echo 0 >"$cfs/subsystems/$1/namespaces/1"/enable
	rmdir "$cfs/subsystems/$1/namespaces/1"
	rmdir "$cfs/subsystems/$1"
}

setup_target() {
	modprobe "$1" || return 1
	mkdir -p $cfs/ports/1
	echo tcp >$cfs/ports/1/addr_trtype
	echo ipv4 >$cfs/ports/1/addr_adrfam
	echo 127.0.0.1 >$cfs/ports/1/addr_traddr
	echo 4420 >$cfs/ports/1/addr_trsvcid
	# BENCH_INLINE: in-capsule data size of the port (both transports).
	[ -z "${BENCH_INLINE:-}" ] || echo "$BENCH_INLINE" >$cfs/ports/1/param_inline_data_size
	subsystem $nqn /dev/nullb0 || return 1
	for h in $(seq $hosts); do
		subsystem "$nqn-h$h" "/dev/nullb$h" || return 1
	done
}

teardown_target() {
	unsubsystem $nqn
	for h in $(seq $hosts); do
		unsubsystem "$nqn-h$h"
	done
	rmdir $cfs/ports/1
	rmmod "$1" || { echo "bench: cannot unload $1"; exit 1; }
}

# selected NAME: whether job NAME is in BENCH_JOBS, a glob of job names
# (default all).
selected() {
	# Unquoted: BENCH_JOBS is a glob.
	# shellcheck disable=SC2254
	case "$1" in ${BENCH_JOBS:-*}) return 0 ;; esac
	return 1
}

# cpu_jiffies: the guest's busy (user, nice, system, irq, softirq, steal)
# and total jiffies of all CPUs so far (/proc/stat), for report.py's CPU
# time per I/O: with the host and the target in one guest, what differs
# between the two targets is the target's.
cpu_jiffies() {
	awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6; exit }' /proc/stat
}

# BENCH_CALLS=1: how often the guest calls a few kernel functions whose
# count is a cost per I/O (queueing work, socket sends and receives, skb
# allocations), counted by kprobes, and its context switches; the I/Os of
# the same window are the host's command completions (nvme_complete_rq).
# A function the running kernel does not have is said and left out.
probes="nvme_complete_rq queue_work_on tcp_sendmsg_locked do_tcp_sendpages tcp_recvmsg tcp_read_sock __alloc_skb"
tracefs=/sys/kernel/tracing
if [ -n "${BENCH_CALLS:-}" ]; then
	[ -d $tracefs/events ] || mount -t tracefs nodev $tracefs
	echo 0 >$tracefs/tracing_on
	for f in $probes; do
		echo "p:vssdbench/$f $f" >>$tracefs/kprobe_events 2>/dev/null ||
			echo "bench: BENCH_CALLS: $f cannot be probed: not counted"
	done
	if [ ! -d $tracefs/events/vssdbench/nvme_complete_rq ] ||
		! echo 1 >$tracefs/events/vssdbench/enable; then
		echo "bench: BENCH_CALLS: cannot count completions"
		exit 1
	fi
fi

# calls: "name count" of each probe so far and of context switches.
calls() {
	[ -n "${BENCH_CALLS:-}" ] || return 0
	awk '{ print $1, $2 }' $tracefs/kprobe_profile
	awk '$1 == "ctxt" { print "context_switches", $2 }' /proc/stat
}

# measure TRANSPORT ROUND NAME FIO-ARGUMENTS...: one fio run, its JSON and
# the CPU jiffies over it saved under OUT.
measure() {
	local transport=$1 round=$2 name=$3 before perf
	shift 3
	# BENCH_NSTAT=1: TCP counters over each job, for diagnosis.
	[ -z "${BENCH_NSTAT:-}" ] || nstat -n
	# BENCH_PERF=1: a system-wide profile with call graphs over each fio
	# run, kept as perf report's text (the profiler's own cost is in that
	# run's figures).
	perf=()
	[ -z "${BENCH_PERF:-}" ] ||
		perf=(perf record -q -a -g -F 499 -o /tmp/bench.perf.data --)
	calls >"$out/$transport-$round-$name.calls0"
	before=$(cpu_jiffies)
	"${perf[@]}" fio --ioengine=libaio --direct=1 --time_based --runtime="$runtime" --ramp_time=2 \
		--lat_percentiles=1 --output="$out/$transport-$round-$name.json" "$@" ||
		echo "bench: fio $name through $transport failed"
	echo "$before $(cpu_jiffies) $(nproc)" >"$out/$transport-$round-$name.cpu"
	# .calls: the count of each over the fio run.
	calls | awk 'NR == FNR { n[$1] = $2; next } { print $1, $2 - n[$1] }' \
		"$out/$transport-$round-$name.calls0" - >"$out/$transport-$round-$name.calls"
	rm -f "$out/$transport-$round-$name.calls0"
	[ -s "$out/$transport-$round-$name.calls" ] || rm -f "$out/$transport-$round-$name.calls"
	[ -z "${BENCH_NSTAT:-}" ] || nstat >"$out/$transport-$round-$name.nstat"
	if [ ${#perf[@]} -gt 0 ]; then
		# Every function's own share, then the larger ones with their
		# callees' share.
		{
			perf report -i /tmp/bench.perf.data --stdio --no-children -g none --sort sym
			perf report -i /tmp/bench.perf.data --stdio --children -g none --sort sym \
				--percent-limit 0.5
		} >"$out/$transport-$round-$name.perf" 2>&1
		rm -f /tmp/bench.perf.data
	fi
	echo "bench: round $round $transport $name done"
}

for round in $(seq "$rounds"); do
	for transport in ${BENCH_TARGETS:-nvmet_tcp vssd_tcp}; do
		setup_target "${transport%%.*}" || { echo "bench: cannot set up $transport"; exit 1; }
		single=()
		for job in "${jobs[@]}"; do
			selected "${job%%:*}" && single+=("$job")
		done
		if [ ${#single[@]} -gt 0 ]; then
			nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $nqn -i 4 -Q 128 >/dev/null ||
				{ echo "bench: connect through $transport failed"; exit 1; }
			dev=$(nqn_device "$nqn") || { echo "bench: no device through $transport"; exit 1; }
			for job in "${single[@]}"; do
				# Unquoted: the job's part after the colon is its fio
				# options.
				# shellcheck disable=SC2086
				measure $transport "$round" "${job%%:*}" --name="${job%%:*}" \
					--filename="$dev" --group_reporting --output-format=json ${job#*:}
			done
			nvme disconnect -n $nqn >/dev/null
		fi
		# The scale jobs: HOSTS controllers, one fio job on each, depth
		# 256 / HOSTS.
		scale=()
		for job in "${scale_jobs[@]}"; do
			selected "${job%%:*}" && scale+=("$job")
		done
		if [ ${#scale[@]} -gt 0 ]; then
			hostargs=()
			for h in $(seq $hosts); do
				nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$nqn-h$h" -i 2 -Q 128 >/dev/null ||
					{ echo "bench: connect $h through $transport failed"; exit 1; }
			done
			for h in $(seq $hosts); do
				d=$(nqn_device "$nqn-h$h") || { echo "bench: no device $h through $transport"; exit 1; }
				hostargs+=(--name="host$h" --filename="$d")
			done
			for job in "${scale[@]}"; do
				# Unquoted: the job's fio options; before the first
				# --name they apply to every host's job.
				# shellcheck disable=SC2086
				measure $transport "$round" "${job%%:*}" --output-format=json+ --bs=4k \
					--iodepth=$((256 / hosts)) ${job#*:} "${hostargs[@]}"
			done
			for h in $(seq $hosts); do
				nvme disconnect -n "$nqn-h$h" >/dev/null
			done
		fi
		teardown_target "${transport%%.*}"
	done
done
echo "bench: finished"
