#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A zero-model controller with one namespace comes up, answers nvme-cli on
# both nodes, stores data through the block device and goes down again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme dd cmp
vssd_load
vssd_ctrl smoke model=zero
vssd_ns smoke 1 size_mb=64
vssd_power_on smoke
dev=$(vssd_blkdev smoke 1)
[ -b "$dev" ] || fail "no block device for namespace 1 (got '$dev')"

nvme id-ctrl "$VSSD_CHR" >/tmp/idctrl.txt || fail "nvme id-ctrl $VSSD_CHR failed"
grep -q "^mn *: vssd zero" /tmp/idctrl.txt || fail "id-ctrl model: $(grep ^mn /tmp/idctrl.txt)"
nvme id-ns "$dev" >/tmp/idns.txt || fail "nvme id-ns $dev failed"
expect_eq "nsze of 64 MiB in 512 B blocks" "0x20000" "$(awk '/^nsze/ {print $3}' /tmp/idns.txt)"

head -c 4M /dev/urandom >/tmp/smoke.in
expect_ok "write" dd if=/tmp/smoke.in of="$dev" bs=1M oflag=direct status=none
expect_ok "read back" dd if="$dev" of=/tmp/smoke.out bs=1M count=4 iflag=direct status=none
expect_ok "data read equals data written" cmp /tmp/smoke.in /tmp/smoke.out
pass
