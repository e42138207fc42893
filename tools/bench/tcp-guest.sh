#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh tcp): the same fio jobs through the
# in-tree nvmet_tcp and through vssd_tcp on a null_blk namespace, in one
# boot, alternating the two transports ROUNDS times.  fio JSON goes to
# OUT/<transport>-<round>-<job>.json, the CPU jiffies over it to
# OUT/<transport>-<round>-<job>.cpu.
set -u
out=${1:-/mnt/job/bench}
rounds=${ROUNDS:-2}
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

modprobe null_blk nr_devices=1 gb=16 || exit 1
modprobe nvme_tcp || exit 1

setup_target() {
	modprobe "$1" || return 1
	# BENCH_INLINE: in-capsule data size of the port (both transports).
	[ -z "${BENCH_INLINE:-}" ] || mkdir -p $cfs/ports/1
	mkdir -p $cfs/subsystems/$nqn/namespaces/1
	echo 1 >$cfs/subsystems/$nqn/attr_allow_any_host
	echo /dev/nullb0 >$cfs/subsystems/$nqn/namespaces/1/device_path
	echo 1 >$cfs/subsystems/$nqn/namespaces/1/enable
	mkdir -p $cfs/ports/1
	echo tcp >$cfs/ports/1/addr_trtype
	echo ipv4 >$cfs/ports/1/addr_adrfam
	echo 127.0.0.1 >$cfs/ports/1/addr_traddr
	echo 4420 >$cfs/ports/1/addr_trsvcid
	[ -z "${BENCH_INLINE:-}" ] || echo "$BENCH_INLINE" >$cfs/ports/1/param_inline_data_size
	ln -s $cfs/subsystems/$nqn $cfs/ports/1/subsystems/$nqn
}

teardown_target() {
	rm -f $cfs/ports/1/subsystems/$nqn
	rmdir $cfs/ports/1
	echo 0 >$cfs/subsystems/$nqn/namespaces/1/enable
	rmdir $cfs/subsystems/$nqn/namespaces/1
	rmdir $cfs/subsystems/$nqn
	rmmod "$1"
}

# cpu_jiffies: the guest's busy (user, nice, system, irq, softirq, steal)
# and total jiffies of all CPUs so far (/proc/stat), for report.py's CPU
# time per I/O: with the host and the target in one guest, what differs
# between the two targets is the target's.
cpu_jiffies() {
	awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6; exit }' /proc/stat
}

for round in $(seq "$rounds"); do
	for transport in nvmet_tcp vssd_tcp; do
		setup_target $transport || { echo "bench: cannot set up $transport"; exit 1; }
		nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $nqn -i 4 -Q 128 >/dev/null ||
			{ echo "bench: connect through $transport failed"; exit 1; }
		sleep 1
		dev=""
		for c in /sys/class/nvme/nvme*; do
			[ "$(cat "$c/subsysnqn" 2>/dev/null)" = $nqn ] || continue
			for p in "$c"/nvme*n1; do
				dev=/dev/$(basename "$p" | sed 's/c[0-9]*n/n/')
			done
		done
		[ -b "$dev" ] || { echo "bench: no device through $transport"; exit 1; }
		for job in "${jobs[@]}"; do
			name=${job%%:*}
			# Unquoted: BENCH_JOBS is a glob of job names to run (default all).
			# shellcheck disable=SC2254
			case "$name" in ${BENCH_JOBS:-*}) ;; *) continue ;; esac
			# BENCH_NSTAT=1: TCP counters over each job, for diagnosis.
			[ -z "${BENCH_NSTAT:-}" ] || nstat -n
			before=$(cpu_jiffies)
			# Unquoted: the job's part after the colon is its fio options.
			# shellcheck disable=SC2086
			fio --name="$name" --filename="$dev" --ioengine=libaio --direct=1 \
				--time_based --runtime="$runtime" --ramp_time=2 --group_reporting \
				--lat_percentiles=1 --output-format=json --output="$out/$transport-$round-$name.json" \
				${job#*:} || echo "bench: fio $name through $transport failed"
			echo "$before $(cpu_jiffies) $(nproc)" >"$out/$transport-$round-$name.cpu"
			[ -z "${BENCH_NSTAT:-}" ] || nstat >"$out/$transport-$round-$name.nstat"
			echo "bench: round $round $transport $name done"
		done
		nvme disconnect -n $nqn >/dev/null
		teardown_target $transport
	done
done
echo "bench: finished"
