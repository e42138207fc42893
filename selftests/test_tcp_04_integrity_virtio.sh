#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A virtio disk of the VM exported through vssd_tcp: fio verifies, then a
# 64 MiB deterministic pattern is written and flushed at its start.  After
# the VM powers off, test_tcp_04_integrity_virtio.host-check compares the
# disk image with the pattern: nothing lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nvmet.sh"
require_cmd nvme fio openssl

modprobe virtio_blk 2>/dev/null
disk=""
for b in /sys/block/vd*; do
	[ "$(cat "$b/serial" 2>/dev/null)" = vssd-scratch ] && disk=/dev/$(basename "$b")
done
[ -n "$disk" ] || skip "no scratch virtio disk (run through tools/vm/run-selftests.sh)"

tcp_stack
export_and_connect nqn.2026-11.io.vssd:integrity-virtio "$disk"
dev=$DEV
# fio on the region after the pattern.
run_fio virtio-qd32 --filename="$dev" --rw=randwrite \
	--bssplit=512/10:4k/40:64k/30:1m/20 --iodepth=32 --offset=128M --size=96M \
	--verify=crc32c --verify_fatal=1 || fail "fio verify failed on the virtio namespace"

key=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
echo "$key" >/mnt/job/virtio-pattern.key
openssl enc -aes-128-ctr -nosalt -K "$key" -iv 0 -in /dev/zero 2>/dev/null |
	head -c $((64 << 20)) | dd of="$dev" bs=1M oflag=direct iflag=fullblock status=none ||
	fail "writing the pattern failed"
nvme flush "$dev" -n 1 >/dev/null || fail "flush through NVMe/TCP failed"
echo "$disk 64" >/mnt/job/virtio-pattern.done
sync
pass
