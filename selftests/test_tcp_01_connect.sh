#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The stock host discovers and connects over IPv4 and IPv6 with 1 and 4 I/O
# queues, queue sizes 32 and 128, header and/or data digests; nvme list
# shows the namespace, data written reads back equal, and it disconnects.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio

nqn=nqn.2026-11.io.vssd:test-connect
load_module null_blk nr_devices=1 memory_backed=1 gb=1
tcp_stack
debug_queue_log || skip "no dynamic debug"
nvmet_subsys $nqn
nvmet_ns $nqn 1 /dev/nullb0
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_port 2 ipv6 ::1 4421
nvmet_link 1 $nqn
nvmet_link 2 $nqn

for target in "127.0.0.1 4420" "::1 4421"; do
	set -- $target
	out=$(nvme discover -t tcp -a "$1" -s "$2") || fail "discover on $1 failed"
	echo "$out" | grep -q "subnqn: *$nqn" || fail "discovery on $1 does not list $nqn"
	echo "$out" | grep -q "traddr: *$1" || fail "discovery on $1 does not give its address"
done

check_one() {
	local addr="$1" svc="$2" queues="$3" depth="$4" hd="$5" dd="$6" opts=() ctrl dev mark

	[ "$hd" = 1 ] && opts+=(-g)
	[ "$dd" = 1 ] && opts+=(-G)
	mark=$(kmsg_mark)
	host_connect $nqn "$addr" "$svc" -i "$queues" -Q "$depth" "${opts[@]}" ||
		fail "connect to $addr -i $queues -Q $depth ${opts[*]} failed"
	ctrl=$CTRL
	dev=$(host_ns_dev "$ctrl" 1) || fail "no namespace device for $ctrl"
	# The host makes at most one I/O queue per CPU.
	[ "$queues" -gt "$(nproc)" ] && queues=$(nproc)
	expect_eq "queue count of $ctrl" $((queues + 1)) "$(cat /sys/class/nvme/$ctrl/queue_count)"
	expect_eq "sqsize of $ctrl" $((depth - 1)) "$(cat /sys/class/nvme/$ctrl/sqsize)"
	nvme list | grep -q "$(basename "$dev")" || fail "nvme list does not show $dev"
	# Every queue negotiated the digests asked for.
	n=$(kmsg_since "$mark" | grep -c "header digest $([ "$hd" = 1 ] && echo on || echo off), data digest $([ "$dd" = 1 ] && echo on || echo off)")
	expect_eq "queues with the asked digests" $((queues + 1)) "$n"
	verify_rw "$dev" 4 || fail "data read back differs on $dev ($addr ${opts[*]})"
	run_fio "mixed-$ctrl" --filename="$dev" --rw=randwrite --bssplit=512/20:4k/40:64k/30:1m/10 \
		--iodepth=16 --size=16M --verify=crc32c --verify_fatal=1 ||
		fail "fio verify failed on $dev ($addr ${opts[*]})"
	nvme disconnect -n $nqn >/dev/null || fail "disconnect failed"
	[ -z "$(host_ctrls $nqn)" ] || fail "controller still there after disconnect"
	log "ok: $addr -i $queues -Q $depth ${opts[*]}"
}

check_one 127.0.0.1 4420 1 32 0 0
check_one 127.0.0.1 4420 4 128 0 0
check_one ::1 4421 1 32 1 0
check_one 127.0.0.1 4420 4 32 0 1
check_one ::1 4421 4 128 1 1
pass
