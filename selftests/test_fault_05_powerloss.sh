#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Power loss: faults/powerloss against a reference model of the volatile
# write cache over many seeds (every block after the power cycle exactly as
# the rule and its seed say: powerloss_check.py), with a cache small enough
# to write back and one that never fills, 4096- and 512-byte blocks, and on
# a KV namespace (every key's value, or its absence, as predicted); what a
# power cycle keeps (keep_data) and drops; refused lines; an ext4 file
# system that loses its unflushed writes under each rule, replays its
# journal and checks clean, its fsynced files intact, a file overwritten in
# place without a flush old or new block by block; over NVMe/TCP the
# host's Flush and FUA decide what survives, its commands fail after the
# cut.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd python3 mkfs.ext4 e2fsck cmp nvme
modprobe ext4 2>/dev/null
grep -qw ext4 /proc/filesystems || fail "no ext4 in this kernel"
vssd_load

check=$VSSD_SRC/selftests/powerloss_check.py

# The model check: a 16-block cache on a 48-block window (write-backs),
# then a 4-block cache of 512-byte blocks (commands as long as the cache).
vssd_ctrl plc model=zero wcache_kb=64
vssd_ns plc 1 size_mb=16 block_size=4096
vssd_power_on plc
expect_eq "powerloss before any" none "$(cat "$VSSD_CFS/plc/faults/powerloss")"
python3 "$check" "$VSSD_CFS/plc" 1 30 200 48 all random prefix ||
	fail "power-loss model check, 4096-byte blocks, 16-block cache"
# Four processes writing and flushing at once, cut while they run.
python3 "$check" concurrent "$VSSD_CFS/plc" 1 6 4 8 all random prefix ||
	fail "power loss under concurrent writes and Flushes"

vssd_ctrl plb wcache_kb=2
vssd_ns plb 1 size_mb=16 block_size=512
vssd_power_on plb
python3 "$check" "$VSSD_CFS/plb" 1 12 300 64 random all prefix ||
	fail "power-loss model check, 512-byte blocks, 4-block cache, ssd model"

# A KV namespace: the unit is the key, a 16-key cache over 40 keys.
vssd_ctrl plk model=zero wcache_kb=64
vssd_ns plk 1 csi=kv size_mb=16
vssd_power_on plk
python3 "$check" kv "$VSSD_CFS/plk" 1 24 150 40 random all prefix ||
	fail "power-loss model check, KV namespace"

# Refusals: a line that is no rule, a controller that is off, a second cut.
pl=$VSSD_CFS/plc/faults/powerloss
for bad in "2" "random" "random 101" "prefix x" "all now" "lose"; do
	expect_fail "powerloss '$bad'" sh -c "echo '$bad' > $pl"
done
echo all >"$pl" || fail "powerloss all refused"
expect_fail "a second power loss" sh -c "echo all > $pl"
grep -q "power off and on" "$pl" || fail "powerloss does not say the power is lost: $(cat "$pl")"
echo 0 >"$VSSD_CFS/plc/power" || fail "power off after a power loss"
expect_fail "powerloss while off" sh -c "echo all > $pl"

# What a power cycle keeps: nothing by default, everything with
# keep_data=1, nothing once the size changes.
vssd_ctrl keep model=zero
vssd_ns keep 1 size_mb=8 block_size=4096
head -c $((1 << 20)) /dev/urandom >/tmp/pl.data
cycle_and_read() {
	echo 0 >"$VSSD_CFS/keep/power" || fail "power off of keep"
	echo 1 >"$VSSD_CFS/keep/power" || fail "power on of keep"
	dd if="$(vssd_blkdev keep 1)" of=/tmp/pl.back bs=1M count=1 iflag=direct status=none ||
		fail "read after a power cycle"
}
vssd_power_on keep
dd if=/tmp/pl.data of="$(vssd_blkdev keep 1)" bs=1M oflag=direct status=none || fail "write"
cycle_and_read
cmp -s /tmp/pl.back <(head -c $((1 << 20)) /dev/zero) ||
	fail "keep_data=0: data survived an orderly power cycle"
echo 0 >"$VSSD_CFS/keep/power" || fail "power off"
echo 1 >"$VSSD_CFS/keep/keep_data" || fail "keep_data=1"
echo 1 >"$VSSD_CFS/keep/power" || fail "power on"
dd if=/tmp/pl.data of="$(vssd_blkdev keep 1)" bs=1M oflag=direct status=none || fail "write"
cycle_and_read
cmp -s /tmp/pl.back /tmp/pl.data || fail "keep_data=1: data lost in an orderly power cycle"
echo 0 >"$VSSD_CFS/keep/power" || fail "power off"
echo 16 >"$VSSD_CFS/keep/namespaces/1/size_mb" || fail "size_mb=16"
echo 1 >"$VSSD_CFS/keep/power" || fail "power on"
cycle_and_read
cmp -s /tmp/pl.back <(head -c $((1 << 20)) /dev/zero) ||
	fail "data kept across a size change"

# A KV namespace with keep_data=1 keeps its keys across an orderly power cycle.
vssd_ctrl keepkv model=zero keep_data=1
vssd_ns keepkv 1 csi=kv size_mb=8
vssd_power_on keepkv
kv_step() {
	python3 - "$VSSD_SRC/selftests" "/dev/vssd$(cat "$VSSD_CFS/keepkv/index")" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from nvme_ioctl import Device
from powerloss_check import kv_cdw, KV_STORE, KV_RETRIEVE
dev, key, val = Device(sys.argv[2]), b"kept-key", bytes(range(256)) * 12
if sys.argv[3] == "store":
    c = dev.io(KV_STORE, 1, kv_cdw(key, {10: len(val)}), data=val)
    assert c.status == 0, c
else:
    c = dev.io(KV_RETRIEVE, 1, kv_cdw(key, {10: 8192}), read_len=8192)
    assert c.status == 0 and c.data[:c.result & 0xffffffff] == val, c
PY
}
kv_step store || fail "KV store before an orderly power cycle"
echo 0 >"$VSSD_CFS/keepkv/power" || fail "power off keepkv"
echo 1 >"$VSSD_CFS/keepkv/power" || fail "power on keepkv"
kv_step retrieve || fail "keep_data=1: a KV value did not survive an orderly power cycle"

# ext4: fsynced files survive, the journal replays, fsck is clean.
vssd_ctrl fs model=zero wcache_kb=65536
vssd_ns fs 1 size_mb=256 block_size=4096
vssd_power_on fs
dev=$(vssd_blkdev fs 1)
mnt=$(mktemp -d)
on_exit rmdir "$mnt"
expect_ok "mkfs.ext4" mkfs.ext4 -q -F -b 4096 "$dev"
head -c $((256 << 10)) /dev/urandom >/tmp/pl.file
head -c $((256 << 10)) /dev/urandom >/tmp/pl.new
round=0
for rule in all "random 50" prefix "random 90"; do
	round=$((round + 1))
	# No periodic journal commit (each one flushes) between the writes below and the cut.
	mount -t ext4 -o commit=300 "$dev" "$mnt" || fail "mount before power loss $round"
	mkdir -p "$mnt/r$round"
	for i in $(seq 8); do
		cp /tmp/pl.file "$mnt/r$round/synced$i"
	done
	sync -f "$mnt/r$round/synced1" || fail "syncfs"
	cp /tmp/pl.file "$mnt/r$round/over"
	sync -f "$mnt/r$round/over" || fail "syncfs"
	for i in $(seq 16); do
		cp /tmp/pl.file "$mnt/r$round/unsynced$i"
	done
	rm -f "$mnt/r$round/synced8"
	# Overwritten in place, past the page cache, never flushed: each block
	# comes back old or new.
	dd if=/tmp/pl.new of="$mnt/r$round/over" bs=64k conv=notrunc oflag=direct status=none ||
		fail "overwrite in place"
	echo "$rule" >"$VSSD_CFS/fs/faults/powerloss" || fail "powerloss $rule"
	log "round $round '$rule': $(cat "$VSSD_CFS/fs/faults/powerloss")"
	# The file system now sees I/O errors; it is taken down as after a crash.
	umount "$mnt" 2>/dev/null || fail "umount after power loss $round"
	echo 0 >"$VSSD_CFS/fs/power" || fail "power off after power loss $round"
	echo 1 >"$VSSD_CFS/fs/power" || fail "power on after power loss $round"
	dev=$(vssd_blkdev fs 1)
	mount -t ext4 "$dev" "$mnt" || fail "mount (journal replay) after power loss $round"
	for r in $(seq "$round"); do
		for i in $(seq 7); do
			cmp -s /tmp/pl.file "$mnt/r$r/synced$i" ||
				fail "round $round: r$r/synced$i differs after power loss"
		done
	done
	lost=$(find "$mnt/r$round" -name 'unsynced*' | wc -l)
	# Written after the last sync: under "all" none of them made it.
	[ "$rule" != all ] || [ "$lost" = 0 ] ||
		fail "round $round 'all': $lost unsynced files survived"
	blocks=$(python3 - "$mnt/r$round/over" /tmp/pl.file /tmp/pl.new <<'PY'
import sys
got, old, new = (open(p, "rb").read() for p in sys.argv[1:4])
assert len(got) == len(old), "size changed"
n = 0
for i in range(0, len(got), 4096):
    b = got[i:i + 4096]
    assert b in (old[i:i + 4096], new[i:i + 4096]), f"block {i // 4096} neither old nor new"
    n += b == new[i:i + 4096]
print(n)
PY
	) || fail "round $round '$rule': an overwritten file has a block neither old nor new"
	[ "$rule" != all ] || [ "$blocks" = 0 ] ||
		fail "round $round 'all': $blocks unflushed blocks survived"
	log "round $round: 7 synced files intact, $lost of 16 unsynced files present," \
		"overwritten file: $blocks of 64 blocks new, the others old"
	umount "$mnt" || fail "umount after replay $round"
	out=$(e2fsck -fn "$dev" 2>&1) || fail "round $round '$rule': e2fsck: $out"
done
expect_eq "SMART unsafe shutdowns" 4 "$(vssd_smart "/dev/vssd$(cat "$VSSD_CFS/fs/index")" unsafe_shutdowns)"

# Over NVMe/TCP: the host's Flush and FUA reach the namespace through nvmet.
vssd_ctrl tpl model=zero wcache_kb=4096
vssd_ns tpl 1 size_mb=16 block_size=4096
vssd_power_on tpl
tcp_stack
nqn=nqn.2026-12.io.vssd:powerloss
nvmet_subsys $nqn
nvmet_ns $nqn 1 "$(vssd_blkdev tpl 1)"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 1 || fail "connect to $nqn failed"
hdev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
udevadm settle 2>/dev/null
head -c $((1 << 20)) /dev/urandom >/tmp/pl.a
head -c $((512 << 10)) /dev/urandom >/tmp/pl.b
head -c $((256 << 10)) /dev/urandom >/tmp/pl.c
dd if=/tmp/pl.a of="$hdev" bs=1M oflag=direct status=none || fail "remote write A"
expect_ok "remote Flush" nvme flush "$hdev"
dd if=/tmp/pl.b of="$hdev" bs=512k oflag=direct status=none || fail "remote write B"
expect_ok "remote FUA write C" nvme write "$hdev" --start-block=128 --block-count=63 \
	--data-size=$((256 << 10)) --data=/tmp/pl.c --force-unit-access
echo all >"$VSSD_CFS/tpl/faults/powerloss" || fail "powerloss all"
expect_fail "a remote read after the power loss" \
	dd if="$hdev" of=/dev/null bs=4096 count=1 iflag=direct status=none
nvme disconnect -n $nqn >/dev/null || fail "disconnect"
echo 0 >"$NVMET/subsystems/$nqn/namespaces/1/enable" || fail "disable the export"
echo 0 >"$VSSD_CFS/tpl/power" || fail "power off after a remote power loss"
echo 1 >"$VSSD_CFS/tpl/power" || fail "power on after a remote power loss"
ldev=$(vssd_blkdev tpl 1)
dd if="$ldev" of=/tmp/pl.back bs=1M count=1 iflag=direct status=none || fail "local read"
{ head -c $((512 << 10)) /tmp/pl.a; cat /tmp/pl.c; tail -c $((256 << 10)) /tmp/pl.a; } \
	>/tmp/pl.expect
cmp -s /tmp/pl.back /tmp/pl.expect ||
	fail "after a remote power loss: not the flushed A with the FUA write C over it"
log "over NVMe/TCP: $(cat "$VSSD_CFS/tpl/faults/powerloss"); the flushed and FUA data survived"
