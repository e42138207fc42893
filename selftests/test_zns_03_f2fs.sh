#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# f2fs on a zoned namespace, with a conventional vssd namespace of the same
# controller for its metadata (f2fs-tools' multi-device format): made,
# mounted, files written, rewritten and deleted until f2fs cleans and
# resets zones, unmounted, fsck clean, mounted again with every file's
# checksum as written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd mkfs.f2fs fsck.f2fs mount umount sha256sum
vssd_load
vssd_has zns || fail "this build has no zns feature"
modprobe f2fs 2>/dev/null
grep -qw f2fs /proc/filesystems || skip "the kernel has no f2fs"
tmp=$(mktemp -d)
mnt=$tmp/mnt
mkdir "$mnt"
on_exit rm -rf "$tmp"

# Zone capacity equal to the zone size: with a smaller capacity fsck.f2fs
# 1.15 reports "free segment_count matched with CP [Fail]", on null_blk's
# zoned mode as well (zns.rst, Limitations).
vssd_ctrl fz model=zero
vssd_ns fz 1 size_mb=64 block_size=4096
vssd_ns fz 2 csi=zns size_mb=256 zone_size_mb=8 max_open_zones=12 \
	block_size=4096
vssd_power_on fz
conv=$(vssd_blkdev fz 1)
zoned=$(vssd_blkdev fz 2)
out=$(mkfs.f2fs -f -m -c "$zoned" "$conv" 2>&1) || fail "mkfs.f2fs: $out"
mount -t f2fs "$conv" "$mnt" || fail "mount f2fs on $conv + $zoned"
on_exit umount "$mnt"

# Files of 64 KiB to 3 MiB, all rewritten six times and a third deleted:
# more data than the zoned namespace holds, so f2fs has to clean zones.
for round in 1 2 3 4 5 6; do
	for i in $(seq 1 24); do
		head -c $(((i % 8) * 393216 + 65536)) /dev/urandom >"$mnt/f$i" ||
			fail "round $round: write f$i"
	done
	sync
	for i in $(seq 1 3 24); do rm -f "$mnt/f$i"; done
	sync
done
(cd "$mnt" && sha256sum f* >"$tmp/sums") || fail "checksums"
df -h "$mnt" | sed 's/^/# /'
umount "$mnt" || fail "umount"
out=$(fsck.f2fs -f "$conv" 2>&1) || fail "fsck.f2fs: $out"
echo "$out" | grep -q "\[FSCK\] other corrupted bugs *\[Ok..\]" ||
	fail "fsck.f2fs: $(echo "$out" | tail -n 20)"
mount -t f2fs "$conv" "$mnt" || fail "second mount"
(cd "$mnt" && sha256sum -c --quiet "$tmp/sums") || fail "files differ after remount"
log "zoned namespace: $(vssd_stat fz zns_zone_resets) zone resets, $(vssd_stat fz write_cmds) writes"
expect_eq "errors" 0 "$(vssd_stat fz error_cmds)"
pass
