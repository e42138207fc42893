#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh zns): a zoned namespace of a
# zero-model vssd controller against null_blk in zoned mode (memory_backed,
# no completion timer), the same geometry (33 zones of 16 MiB, no
# conventional zones, no open or active limit), in one boot, alternating
# the two ROUNDS times, the host controllers connected again before each
# round in alternate order (see connect).  Every job writes 32 zones at
# once (zones 1 to 32) with one 64 KiB command in flight per zone, 32 in
# flight in all:
#   seqwrite      local block device, fio --zonemode=zbd, 32 threads each
#                 writing its own zone sequentially (fio resets a full zone
#                 and writes it again);
#   tcp-seqwrite  the same on the host's /dev/nvmeXn1 of each device
#                 exported by vssd_tcp (nvmet's zoned block device backend);
#   tcp-append    Zone Append through the same host nodes
#                 (tools/bench/zappend.c, NVMe passthrough), which nvmet
#                 turns into REQ_OP_ZONE_APPEND on the device.
# Zone Append has no local path from userspace on Linux 6.1 (Documentation/
# zns.rst, Benchmark).  JSON (fio's, or zappend's with the same fields)
# goes to OUT/<impl>-<round>-<job>.json.
set -u
# shellcheck source=tools/bench/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
out=${1:-/mnt/job/bench}
rounds=${ROUNDS:-2}
runtime=${RUNTIME:-10}
zappend=$PWD/tools/bench/zappend
vcfs=/sys/kernel/config/vssd
ncfs=/sys/kernel/config/nullb
cfs=/sys/kernel/config/nvmet
nqn=nqn.2026-11.io.vssd:znsbench
zone_mb=16
zones=33
mkdir -p "$out"
[ -x "$zappend" ] || { echo "bench: $zappend not built"; exit 1; }

modprobe null_blk nr_devices=0 || exit 1
modprobe vssd || exit 1
modprobe vssd_tcp || exit 1
modprobe nvme_tcp || exit 1
mkdir $ncfs/znull || exit 1
for kv in size=$((zone_mb * zones)) blocksize=4096 zoned=1 zone_size=$zone_mb \
	zone_nr_conv=0 memory_backed=1 irqmode=0 queue_mode=2 submit_queues=2 \
	hw_queue_depth=256 power=1; do
	echo "${kv#*=}" >$ncfs/znull/"${kv%%=*}" || { echo "bench: null_blk $kv"; exit 1; }
done
mkdir $vcfs/zbench $vcfs/zbench/namespaces/1 || exit 1
echo zero >$vcfs/zbench/model
for kv in csi=zns size_mb=$((zone_mb * zones)) block_size=4096 zone_size_mb=$zone_mb; do
	echo "${kv#*=}" >$vcfs/zbench/namespaces/1/"${kv%%=*}" || { echo "bench: vssd $kv"; exit 1; }
done
echo 1 >$vcfs/zbench/power || { echo "bench: power on"; exit 1; }
vdev=$(cat $vcfs/zbench/namespaces/1/device)

# One subsystem per device, nsid 1 each, on one vssd_tcp port.
mkdir $cfs/ports/1
echo tcp >$cfs/ports/1/addr_trtype
echo ipv4 >$cfs/ports/1/addr_adrfam
echo 127.0.0.1 >$cfs/ports/1/addr_traddr
echo 4420 >$cfs/ports/1/addr_trsvcid
for impl in null_blk vssd; do
	dev=/dev/znull
	[ $impl = vssd ] && dev=$vdev
	s=$cfs/subsystems/$nqn-$impl
	mkdir "$s" "$s/namespaces/1"
	echo 1 >"$s/attr_allow_any_host"
	echo "$dev" >"$s/namespaces/1/device_path"
	echo 1 >"$s/namespaces/1/enable" || { echo "bench: export $dev"; exit 1; }
	ln -s "$s" $cfs/ports/1/subsystems/
done

# connect IMPL...: a host controller for each device's subsystem, in that
# order; sets tnull and tvssd.  vssd_tcp gives each new queue the next CPU
# in turn, so with two CPUs and three queues a controller (admin and two
# I/O queues) the two controllers' I/O queues sit on opposite CPUs: one
# controller's queue N shares the CPU the host's nvme_tcp runs its queue N
# on, the other's does not, and over loopback that alone moves a device's
# rate by as much as 1.8 times.  Rounds alternate the order so that each
# device is measured in both placements, an even number of rounds giving
# each the same count.
connect() {
	local impl

	for impl in "$@"; do
		nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$nqn-$impl" -i 2 -Q 128 >/dev/null ||
			{ echo "bench: connect $impl failed"; return 1; }
	done
	tnull=$(nqn_device "$nqn-null_blk") && tvssd=$(nqn_device "$nqn-vssd") ||
		{ echo "bench: host nodes not found"; return 1; }
}

disconnect() {
	local impl ret=0

	for impl in null_blk vssd; do
		nvme disconnect -n "$nqn-$impl" >/dev/null ||
			{ echo "bench: disconnect $impl failed"; ret=1; }
	done
	return $ret
}
trap 'disconnect >/dev/null || true' EXIT

[ "$(nproc)" = 2 ] ||
	echo "bench: warning: $(nproc) CPUs: the two orders give each device" \
		"both placements with 2"
[ $((rounds % 2)) = 0 ] ||
	echo "bench: warning: ROUNDS=$rounds is odd: the order null_blk first" \
		"is measured once more"
connect null_blk vssd || exit 1
# BENCH_ZNS_SCHED: the target-side devices' I/O scheduler (default: what
# the kernel picked, mq-deadline on 6.1); "none" is safe for these jobs,
# which keep one write per zone in flight.
for dev in /dev/znull "$vdev"; do
	[ -z "${BENCH_ZNS_SCHED:-}" ] ||
		echo "$BENCH_ZNS_SCHED" >"/sys/block/${dev#/dev/}/queue/scheduler" ||
		{ echo "bench: scheduler $BENCH_ZNS_SCHED on $dev"; exit 1; }
done
for dev in /dev/znull "$vdev" "$tnull" "$tvssd"; do
	b=/sys/block/${dev#/dev/}/queue
	echo "bench: $dev: $(cat "$b/zoned"), $(cat "$b/nr_zones") zones of $(($(cat "$b/chunk_sectors") / 2)) KiB, scheduler $(cat "$b/scheduler"), zone append max $(cat "$b/zone_append_max_bytes") B"
done

seqwrite="--zonemode=zbd --rw=write --bs=64k --ioengine=psync --numjobs=32 --size=${zone_mb}M --offset=${zone_mb}M --offset_increment=${zone_mb}M"
# name:where:fio arguments, or "append"
jobs=(
	"seqwrite-64k-qd32:local:$seqwrite"
	"tcp-seqwrite-64k-qd32:tcp:$seqwrite"
	"tcp-append-64k-qd32:tcp:append"
)

for round in $(seq "$rounds"); do
	order=(null_blk vssd)
	[ $((round % 2)) = 1 ] || order=(vssd null_blk)
	if [ "$round" -gt 1 ]; then
		disconnect || exit 1
		connect "${order[@]}" || exit 1
	fi
	echo "bench: round $round: host controllers connected ${order[*]};" \
		"null_blk $tnull, vssd $tvssd"
	for impl in null_blk vssd; do
		for job in "${jobs[@]}"; do
			name=${job%%:*}
			rest=${job#*:}
			where=${rest%%:*}
			args=${rest#*:}
			# Unquoted: BENCH_JOBS is a glob of job names to run (default all).
			# shellcheck disable=SC2254
			case "$name" in ${BENCH_JOBS:-*}) ;; *) continue ;; esac
			case $impl-$where in
			null_blk-local) dev=/dev/znull ;;
			vssd-local) dev=$vdev ;;
			null_blk-tcp) dev=$tnull ;;
			vssd-tcp) dev=$tvssd ;;
			esac
			blkzone reset "$dev" || echo "bench: reset $dev failed"
			if [ "$args" = append ]; then
				"$zappend" -z ${zone_mb}M -l 4096 -f 1 -t 32 -b 64k -T "$runtime" \
					-j "$out/$impl-$round-$name.json" "$dev" ||
					echo "bench: zappend on $impl failed"
			else
				# Unquoted: $args is the job's fio options.
				# shellcheck disable=SC2086
				fio --name="$name" --filename="$dev" --direct=1 \
					--time_based --runtime="$runtime" --ramp_time=2 --group_reporting \
					--lat_percentiles=1 --output-format=json --output="$out/$impl-$round-$name.json" \
					$args || echo "bench: fio $name on $impl failed"
			fi
			echo "bench: round $round $impl $name done"
		done
	done
done
cat $vcfs/zbench/stats >"$out/vssd-stats.txt"
echo "bench: finished"
