#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A zoned namespace as a block device: /dev/vssdNnM is a host-managed zoned
# disk with the namespace's zone size, capacity and limits; blkzone reports
# and moves zones; writes at the write pointer read back and others fail;
# fio zonemode=zbd verifies sequential and random-zone writes with zone
# resets.  Then the same namespace exported by vssd_tcp through nvmet's
# zoned block support: the host sees a zoned /dev/nvmeXnY, nvme-cli reports
# and appends (the append reaches the namespace as a block-layer Zone
# Append), and fio zonemode=zbd verifies through NVMe/TCP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme fio blkzone python3 cmp dd
vssd_load
vssd_has zns || fail "this build has no zns feature"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

vssd_ctrl zb preset=970pro
vssd_ns zb 1 csi=zns size_mb=128 zone_size_mb=8 zone_capacity_mb=6 max_open_zones=4 \
	max_active_zones=6 block_size=4096
vssd_ns zb 2 csi=zns size_mb=16 zone_size_mb=12
mark=$(kmsg_mark)
echo 1 >"$VSSD_CFS/zb/power" 2>/dev/null && fail "power on with a 12 MiB zone size"
kmsg_since "$mark" | grep -q "zone_size_mb 12 is not a power of two" ||
	fail "no log line for a zone size that is not a power of two"
rmdir "$VSSD_CFS/zb/namespaces/2"
vssd_ns zb 3 csi=zns size_mb=32 zone_size_mb=4 block_size=512
vssd_power_on zb
dev=$(vssd_blkdev zb 1)
q=/sys/block/$(basename "$dev")/queue
expect_eq "zoned model" host-managed "$(cat "$q/zoned")"
expect_eq "nr_zones" 16 "$(cat "$q/nr_zones")"
expect_eq "zone size (chunk_sectors)" 16384 "$(cat "$q/chunk_sectors")"
expect_eq "max_open_zones" 4 "$(cat "$q/max_open_zones")"
expect_eq "max_active_zones" 6 "$(cat "$q/max_active_zones")"
[ "$(cat "$q/zone_append_max_bytes")" -gt 0 ] || fail "no zone append limit"

# blkzone_state START: the condition blkzone reports for the zone at sector START.
blkzone_state() {
	blkzone report -o "$1" -c 1 "$dev" | sed -n 's/.*zcond:[[:space:]]*[0-9]*(\([a-z]*\)).*/\1/p'
}
expect_eq "zones reported" 16 "$(blkzone report "$dev" | grep -c 'start:')"
blkzone report -c 1 "$dev" | grep -q "cap 0x003000" ||
	fail "zone capacity: $(blkzone report -c 1 "$dev")"
log "$(blkzone report -c 2 "$dev")"
blkzone open -o 16384 -c 1 "$dev" || fail "blkzone open"
expect_eq "explicitly opened" oe "$(blkzone_state 16384)"
blkzone close -o 16384 -c 1 "$dev" || fail "blkzone close"
expect_eq "closed" cl "$(blkzone_state 16384)"
blkzone finish -o 16384 -c 1 "$dev" || fail "blkzone finish"
expect_eq "finished" fu "$(blkzone_state 16384)"
blkzone reset -o 16384 -c 1 "$dev" || fail "blkzone reset"
expect_eq "reset" em "$(blkzone_state 16384)"

# Writes at the write pointer read back; one elsewhere fails.
head -c $((40 * 4096)) /dev/urandom >"$tmp/d"
dd if="$tmp/d" of="$dev" bs=4096 seek=$((2 * 2048)) oflag=direct status=none ||
	fail "write at the write pointer of zone 2"
dd if="$dev" of="$tmp/r" bs=4096 skip=$((2 * 2048)) count=40 iflag=direct status=none
cmp -s "$tmp/d" "$tmp/r" || fail "zone 2 reads back different data"
dd if="$tmp/d" of="$dev" bs=4096 count=1 seek=$((2 * 2048 + 100)) oflag=direct \
	status=none 2>/dev/null && fail "a write away from the write pointer succeeded"
expect_eq "implicitly opened" oi "$(blkzone_state $((2 * 16384)))"
blkzone reset "$dev" || fail "blkzone reset of every zone"
dd if="$dev" of="$tmp/r" bs=4096 skip=$((2 * 2048)) count=40 iflag=direct status=none
cmp -s "$tmp/r" <(head -c $((40 * 4096)) /dev/zero) || fail "reset zone 2 does not read zeros"

# fio on the zoned disk: every zone written to its capacity, then random zones.
run_fio zbd-seq --filename="$dev" --zonemode=zbd --rw=write --bs=64k --iodepth=8 \
	--max_open_zones=4 --verify=crc32c --verify_fatal=1 ||
	fail "fio zonemode=zbd sequential verify on $dev"
run_fio zbd-rand --filename="$dev" --zonemode=zbd --rw=randwrite --bs=16k --iodepth=4 \
	--max_open_zones=4 --zone_reset_threshold=0.5 --zone_reset_frequency=0.1 \
	--io_size=48M --verify=crc32c --verify_fatal=1 ||
	fail "fio zonemode=zbd random-zone verify on $dev"
resets=$(vssd_stat zb zns_zone_resets)
[ "$resets" -gt 0 ] || fail "no zone resets counted"
log "local: $(vssd_stat zb write_cmds) writes, $resets zone resets, $(vssd_stat zb zns_blocks_erased) blocks erased"
# The one refused command: the write away from the write pointer, which
# Linux 6.10 and later (zone write plugging; its debugfs file zone_wplugs)
# refuse in the block layer before it reaches the device.
refused=1
[ -e "/sys/kernel/debug/block/$(basename "$dev")/zone_wplugs" ] && refused=0
expect_eq "errors locally" $refused "$(vssd_stat zb error_cmds)"

# 512-byte blocks: the zone geometry in sectors is the namespace's.
dev3=$(vssd_blkdev zb 3)
expect_eq "512 B: nr_zones" 8 "$(blkzone report "$dev3" | grep -c 'start:')"
expect_eq "512 B: zone size" 8192 "$(cat "/sys/block/$(basename "$dev3")/queue/chunk_sectors")"
dd if="$tmp/d" of="$dev3" bs=512 seek=8192 count=9 oflag=direct status=none ||
	fail "512 B: write at the write pointer of zone 1"
expect_eq "512 B: write pointer, from the zone start" "0x000009" \
	"$(blkzone report -o 8192 -c 1 "$dev3" | sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')"

# Through NVMe/TCP: nvmet's zoned block support on the vssd disks, the
# 4 KiB one as namespace 1, the 512 B one as namespace 2.
blkzone reset "$dev" || fail "blkzone reset before export"
blkzone reset "$dev3" || fail "blkzone reset of the 512 B namespace"
tcp_stack
nqn=nqn.2026-12.io.vssd:zns
nvmet_subsys "$nqn"
nvmet_ns "$nqn" 1 "$dev"
nvmet_ns "$nqn" 2 "$dev3"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 "$nqn"
host_connect "$nqn" 127.0.0.1 4420 -i 2 -Q 64 || fail "connect to $nqn failed"
hdev=$(host_ns_dev "$CTRL" 1) || fail "no namespace 1 on $CTRL"
hdev3=$(host_ns_dev "$CTRL" 2) || fail "no namespace 2 on $CTRL"
log "$(nvme zns id-ns "$hdev" | grep -E '^(mar|mor)|zsze')"
log "$(nvme zns report-zones "$hdev" -d 2)"
expect_eq "host sees a zoned namespace" host-managed \
	"$(cat "/sys/block/$(basename "$hdev")/queue/zoned")"
nvme zns report-zones "$hdev" -o json >"$tmp/rz" || fail "nvme zns report-zones on $hdev"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["nr_zones"] == 16, d["nr_zones"]' \
	"$tmp/rz" || fail "host report-zones: $(head -c 400 "$tmp/rz")"
head -c 16384 /dev/urandom >"$tmp/a"
out=$(nvme zns zone-append "$hdev" -s 2048 -z 16384 -d "$tmp/a" 2>&1) || fail "host zone-append: $out"
out=$(nvme zns zone-append "$hdev" -s 2048 -z 16384 -d "$tmp/a" 2>&1) || fail "host zone-append: $out"
case "$out" in *"LBA 804") ;; *) fail "second append at the wrong place: $out" ;; esac
dd if="$hdev" of="$tmp/r" bs=4096 skip=2052 count=4 iflag=direct status=none
cmp -s "$tmp/a" "$tmp/r" || fail "appended data read back through NVMe/TCP differs"
# The same on 512 B blocks: the append's place comes back in sectors 1:1.
out=$(nvme zns zone-append "$hdev3" -s 8192 -z 16384 -d "$tmp/a" 2>&1) || fail "512 B append: $out"
out=$(nvme zns zone-append "$hdev3" -s 8192 -z 16384 -d "$tmp/a" 2>&1) || fail "512 B append: $out"
case "$out" in *"LBA 2020") ;; *) fail "512 B: second append at the wrong place: $out" ;; esac
dd if="$hdev3" of="$tmp/r" bs=512 skip=8224 count=32 iflag=direct status=none
cmp -s "$tmp/a" "$tmp/r" || fail "512 B: appended data read back through NVMe/TCP differs"
blkzone reset "$hdev" || fail "host blkzone reset"
# A 6.1 host keeps a zone's writes in order only with mq-deadline on the
# path device, which it does not choose by itself for NVMe (6.12 plugs
# zone writes without it).
for p in /sys/class/nvme/"$CTRL"/nvme*n*/queue/scheduler; do
	[ -e "$p" ] && grep -q mq-deadline "$p" && echo mq-deadline >"$p"
done
run_fio zbd-tcp --filename="$hdev" --zonemode=zbd --rw=write --bs=128k --iodepth=16 \
	--max_open_zones=4 --size=48M --verify=crc32c --verify_fatal=1 ||
	fail "fio zonemode=zbd verify through NVMe/TCP"
expect_eq "errors after NVMe/TCP (none new)" "$refused" "$(vssd_stat zb error_cmds)"
pass
