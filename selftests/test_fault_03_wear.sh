#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Wear-out: faults/wear_percent fast-forwards the percentage used; SMART's
# available spare and critical warning follow it (spare below the threshold
# at 109%, read-only media at 110%), and read-only media refuses every
# command that changes data (Namespace is Write Protected) while reads
# return what was written.  Then wear measured for real: a 970pro-timed
# namespace rated for one program/erase cycle, overwritten until it turns
# read-only by its own erase counts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme python3 blkdiscard cmp
vssd_load

# SMART fields as raw bytes (Get Log Page 02h): critical warning, available
# spare, its threshold, percentage used.
smart_bytes() {
	python3 - "$VSSD_SRC/selftests" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from nvme_ioctl import Device
c = Device(sys.argv[2]).admin(0x02, 0xffffffff, {10: ((512 // 4 - 1) << 16) | 0x02},
                              read_len=512)
assert c.status == 0, c
print(c.data[0], c.data[3], c.data[4], c.data[5])
PY
}

vssd_ctrl worn model=zero
vssd_ns worn 1 size_mb=16 block_size=4096
wear=$VSSD_CFS/worn/faults/wear_percent
expect_eq "wear_percent default" 0 "$(cat "$wear")"
vssd_power_on worn
chr=$VSSD_CHR
dev=$(vssd_blkdev worn 1)
expect_eq "new: warning spare threshold used" "0 100 10 0" "$(smart_bytes "$chr")"
head -c $((1 << 20)) /dev/urandom >/tmp/wear.data
expect_ok "write while new" dd if=/tmp/wear.data of="$dev" bs=1M oflag=direct status=none

echo 95 >"$wear" || fail "wear_percent 95 refused"
expect_eq "95% used" "0 75 10 95" "$(smart_bytes "$chr")"
expect_ok "write at 95%" dd if=/tmp/wear.data of="$dev" bs=1M oflag=direct status=none
echo 109 >"$wear" || fail "wear_percent 109 refused"
expect_eq "109% used: spare below threshold" "1 5 10 109" "$(smart_bytes "$chr")"
expect_ok "write at 109%" dd if=/tmp/wear.data of="$dev" bs=1M oflag=direct status=none

echo 110 >"$wear" || fail "wear_percent 110 refused"
expect_eq "110% used: read-only" "13 0 10 110" "$(smart_bytes "$chr")"
expect_fail "a write to read-only media" \
	dd if=/dev/zero of="$dev" bs=4096 count=1 oflag=direct status=none
out=$(nvme write "$dev" -s 8 -c 0 -z 4096 -d /tmp/wear.data 2>&1) &&
	fail "nvme write to read-only media succeeded"
echo "$out" | grep -qi "write protected" || fail "read-only write: $out"
out=$(nvme write-zeroes "$dev" -s 8 -c 0 2>&1) && fail "Write Zeroes on read-only media succeeded"
expect_fail "a deallocate on read-only media" blkdiscard -o 0 -l 4096 "$dev"
expect_ok "Flush on read-only media" nvme flush "$chr" -n 1
dd if="$dev" of=/tmp/wear.back bs=1M count=1 iflag=direct status=none ||
	fail "a read from read-only media"
cmp -s /tmp/wear.data /tmp/wear.back || fail "read-only media returns other data"
expect_fail "wear_percent 256" sh -c "echo 256 > $wear"
expect_fail "wear_percent -1" sh -c "echo -1 > $wear"
expect_eq "wear_percent after refusals" 110 "$(cat "$wear")"
echo 0 >"$wear" || fail "wear_percent 0 refused"
expect_ok "write once the wear is taken back" \
	dd if=/tmp/wear.data of="$dev" bs=1M oflag=direct status=none
expect_eq "errors counted" 4 "$(vssd_ns_stat worn 1 error_cmds)"

# Real wear: one rated cycle, 8 MiB erase blocks, rewritten until read-only.
vssd_ctrl aged preset=970pro pages_per_block=16 pe_cycles=1
vssd_ns aged 1 size_mb=16
vssd_power_on aged
adev=$(vssd_blkdev aged 1)
prev=0
for pass in $(seq 12); do
	if ! dd if=/dev/urandom of="$adev" bs=1M count=16 oflag=direct status=none 2>/dev/null; then
		break
	fi
	read -r warn spare _ used <<<"$(smart_bytes "$VSSD_CHR")"
	log "pass $pass: percentage used $used, spare $spare, warning $warn, erases $(vssd_stat aged erases)"
	[ "$used" -ge "$prev" ] || fail "percentage used went down: $prev -> $used"
	prev=$used
done
read -r warn spare _ used <<<"$(smart_bytes "$VSSD_CHR")"
[ "$used" -ge 110 ] || fail "after $pass passes: $used% used, not worn out"
[ $((warn & 8)) = 8 ] || fail "worn out ($used%) but critical warning $warn"
expect_fail "a write to the worn-out namespace" \
	dd if=/dev/zero of="$adev" bs=4096 count=1 oflag=direct status=none
expect_ok "reads of the worn-out namespace" \
	dd if="$adev" of=/dev/null bs=1M count=16 iflag=direct status=none
pass
