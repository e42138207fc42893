#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh kv): kvload (tools/bench/kvload.c)
# with 16-byte keys and 4 KiB values, 4 threads, put / get / 50-50, on
#   local  the ioctl path: /dev/vssdNn1 of a zero-model and a 970pro
#          controller; reference: the same threads doing 4 KiB O_DIRECT
#          block I/O on null_blk (kvload -b);
#   tcp    the same namespaces exported by vssd_tcp and used through the
#          host's /dev/ngXnY; reference: null_blk exported by vssd_tcp,
#          4 KiB block I/O through the host's /dev/nvmeXnY.
# All in one boot, ROUNDS times.  JSON goes to OUT/<path>_<impl>-<round>-<job>.json.
set -u
out=${1:-/mnt/job/bench}
rounds=${ROUNDS:-2}
runtime=${RUNTIME:-10}
kvload=$PWD/tools/bench/kvload
nqn=nqn.2026-11.io.vssd:kvbench
vcfs=/sys/kernel/config/vssd
cfs=/sys/kernel/config/nvmet
mkdir -p "$out"
[ -x "$kvload" ] || { echo "bench: $kvload not built"; exit 1; }

keys=10000
# name:kvload mix and options
jobs=(
	"put-4k:-m 100,0,0"
	"get-4k:-m 0,100,0"
	"mix-4k:-m 50,50,0"
)

modprobe null_blk nr_devices=1 gb=1 bs=4096 memory_backed=1 irqmode=0 \
	queue_mode=2 submit_queues=2 hw_queue_depth=256 || exit 1
modprobe vssd || exit 1
modprobe vssd_tcp || exit 1
modprobe nvme_tcp || exit 1
for c in zero 970pro; do
	mkdir $vcfs/kv$c $vcfs/kv$c/namespaces/1 || exit 1
	if [ $c = zero ]; then echo zero >$vcfs/kv$c/model; else echo 970pro >$vcfs/kv$c/preset; fi
	echo kv >$vcfs/kv$c/namespaces/1/csi
	echo 512 >$vcfs/kv$c/namespaces/1/size_mb
	echo 1 >$vcfs/kv$c/power || { echo "bench: power on kv$c"; exit 1; }
done
zero=$(cat $vcfs/kvzero/namespaces/1/device)
pro=$(cat $vcfs/kv970pro/namespaces/1/device)

mkdir $cfs/subsystems/$nqn
echo 1 >$cfs/subsystems/$nqn/attr_allow_any_host
nsid=1
for dev in /dev/nullb0 "$zero" "$pro"; do
	mkdir $cfs/subsystems/$nqn/namespaces/$nsid
	echo "$dev" >$cfs/subsystems/$nqn/namespaces/$nsid/device_path
	echo 1 >$cfs/subsystems/$nqn/namespaces/$nsid/enable || { echo "bench: export $dev"; exit 1; }
	nsid=$((nsid + 1))
done
mkdir $cfs/ports/1
echo tcp >$cfs/ports/1/addr_trtype
echo ipv4 >$cfs/ports/1/addr_adrfam
echo 127.0.0.1 >$cfs/ports/1/addr_traddr
echo 4420 >$cfs/ports/1/addr_trsvcid
ln -s $cfs/subsystems/$nqn $cfs/ports/1/subsystems/$nqn
nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $nqn -i 2 -Q 128 >/dev/null ||
	{ echo "bench: connect failed"; exit 1; }
sleep 2

# host_node NSID: the host's block node for nsid 1, generic node otherwise.
host_node() {
	local c p inst s

	for c in /sys/class/nvme/nvme*; do
		[ "$(cat "$c/subsysnqn" 2>/dev/null)" = $nqn ] || continue
		for p in "$c"/nvme*n*; do
			[ "$(cat "$p/nsid" 2>/dev/null)" = "$1" ] || continue
			inst=${p##*n}
			if [ "$1" = 1 ]; then
				echo "/dev/$(basename "$p" | sed 's/c[0-9]*n/n/')"
				return 0
			fi
			for s in "$c"/ng*n"$inst" /sys/class/nvme-subsystem/*/"$(basename "$c")"; do
				[ -e "$s" ] || continue
				case "$s" in
				*/ng*) echo "/dev/$(basename "$s")" ;;
				*) s=$(dirname "$s"); echo "/dev/ng${s##*nvme-subsys}n$inst" ;;
				esac
				return 0
			done
		done
	done
	return 1
}
tnull=$(host_node 1) && tzero=$(host_node 2) && tpro=$(host_node 3) ||
	{ echo "bench: host nodes not found"; exit 1; }
echo "bench: local $zero $pro, tcp $tnull $tzero $tpro"

# Every key once, so that gets hit and block reads read written blocks.
for dev in "$zero" "$pro"; do
	"$kvload" -t 2 -n $keys -m 100,0,0 -o 1 -p "$dev" >/dev/null ||
		{ echo "bench: prefill $dev failed"; exit 1; }
done
dd if=/dev/zero of=/dev/nullb0 bs=1M count=64 oflag=direct status=none

for round in $(seq "$rounds"); do
	for target in local_null_blk:/dev/nullb0:-b local_zero:$zero: local_970pro:$pro: \
		      tcp_null_blk:$tnull:-b tcp_zero:$tzero: tcp_970pro:$tpro:; do
		impl=${target%%:*}
		rest=${target#*:}
		dev=${rest%%:*}
		mode=${rest#*:}
		for job in "${jobs[@]}"; do
			name=${job%%:*}
			# Unquoted: BENCH_JOBS is a glob of job names to run (default all).
			# shellcheck disable=SC2254
			case "$name" in ${BENCH_JOBS:-*}) ;; *) continue ;; esac
			# Unquoted: $keys, $mode and the job's part after the colon are kvload options.
			# shellcheck disable=SC2086
			"$kvload" -t 4 -n $keys -k 16 -s 4096 -T "$runtime" $mode ${job#*:} \
				-j "$out/$impl-$round-$name.json" "$dev" >"$out/$impl-$round-$name.txt" 2>&1 ||
				echo "bench: kvload $name on $impl failed: $(tail -2 "$out/$impl-$round-$name.txt")"
			echo "bench: round $round $impl $name done"
		done
	done
done
for c in zero 970pro; do cat $vcfs/kv$c/stats >"$out/kv$c-stats.txt"; done
nvme disconnect -n $nqn >/dev/null
echo "bench: finished"
