#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh emu): the same fio jobs on a vssd
# controller with the zero model and on null_blk (memory_backed=1, no
# completion timer), in one boot, alternating the two ROUNDS times.  Both
# are 1 GiB (both fit in the guest's 3 GiB at once), preconditioned by a
# sequential write so that reads copy real pages on both.  fio JSON goes to OUT/<device>-<round>-<job>.json.
set -u
out=${1:-/mnt/job/bench}
rounds=${ROUNDS:-2}
runtime=${RUNTIME:-10}
cfs=/sys/kernel/config/vssd
mkdir -p "$out"

# name:fio arguments
jobs=(
	"randread-4k-qd32:--rw=randread --bs=4k --iodepth=16 --numjobs=2"
	"randwrite-4k-qd32:--rw=randwrite --bs=4k --iodepth=16 --numjobs=2"
	"seqread-128k-qd8:--rw=read --bs=128k --iodepth=8 --numjobs=1"
	"seqwrite-128k-qd8:--rw=write --bs=128k --iodepth=8 --numjobs=1"
)

modprobe null_blk nr_devices=1 gb=1 bs=512 memory_backed=1 irqmode=0 \
	queue_mode=2 submit_queues=2 hw_queue_depth=256 || exit 1
modprobe vssd || exit 1
mkdir $cfs/bench $cfs/bench/namespaces/1
echo zero >$cfs/bench/model
# The power-loss write cache (faults.rst), to measure what it costs.
echo "${BENCH_WCACHE_KB:-0}" >$cfs/bench/wcache_kb || exit 1
echo 1024 >$cfs/bench/namespaces/1/size_mb
echo 1 >$cfs/bench/power || exit 1
vdev=$(cat $cfs/bench/namespaces/1/device)

for dev in /dev/nullb0 "$vdev"; do
	dd if=/dev/zero of="$dev" bs=1M count=1024 oflag=direct status=none ||
		{ echo "bench: preconditioning $dev failed"; exit 1; }
done

for round in $(seq "$rounds"); do
	for impl in null_blk vssd; do
		dev=/dev/nullb0
		[ $impl = vssd ] && dev=$vdev
		for job in "${jobs[@]}"; do
			name=${job%%:*}
			# Unquoted: BENCH_JOBS is a glob of job names to run (default all).
			# shellcheck disable=SC2254
			case "$name" in ${BENCH_JOBS:-*}) ;; *) continue ;; esac
			# Unquoted: the job's part after the colon is its fio options.
			# shellcheck disable=SC2086
			fio --name="$name" --filename="$dev" --ioengine=libaio --direct=1 \
				--time_based --runtime="$runtime" --ramp_time=2 --group_reporting \
				--lat_percentiles=1 --output-format=json --output="$out/$impl-$round-$name.json" \
				${job#*:} || echo "bench: fio $name on $impl failed"
			echo "bench: round $round $impl $name done"
		done
	done
done
cat $cfs/bench/stats >"$out/vssd-stats.txt"
echo 0 >$cfs/bench/power
echo "bench: finished"
