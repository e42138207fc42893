#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Garbage collection: a full namespace random-overwritten twice over still
# verifies, with GC runs and a write amplification above 1 reported and no
# error; a namespace without over-provisioning answers Capacity Exceeded
# when full (never hangs), and takes writes again after a deallocate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd fio nvme blkdiscard
vssd_load

# 970pro timings, 8 MiB lines (16 dies x 16 pages x 32 KiB) so that a small
# namespace has enough of them.
vssd_ctrl gc preset=970pro pages_per_block=16
vssd_ns gc 1 size_mb=64
vssd_power_on gc
dev=$(vssd_blkdev gc 1)
run_fio fill --filename="$dev" --rw=write --bs=1m --iodepth=4 --size=64M ||
	fail "filling the namespace"
expect_eq "no GC while filling" 0 "$(vssd_stat gc gc_runs)"
run_fio overwrite --filename="$dev" --rw=randwrite --bs=4k --iodepth=16 --size=64M \
	--loops=2 --verify=crc32c --verify_fatal=1 || fail "random overwrite with verify"
runs=$(vssd_stat gc gc_runs)
waf=$(vssd_stat gc waf)
log "after 2x random overwrite: gc_runs $runs, gc_pages_moved $(vssd_stat gc gc_pages_moved), waf $waf, erases $(vssd_stat gc erases), free blocks $(vssd_stat gc free_blocks)/$(vssd_stat gc total_blocks)"
[ "$runs" -gt 0 ] || fail "GC never ran"
python3 -c 'import sys; sys.exit(float(sys.argv[1]) <= 1.0)' "$waf" || fail "WAF $waf is not above 1"
expect_eq "errors" 0 "$(vssd_stat gc error_cmds)"
nvme smart-log "$VSSD_CHR" | grep -q "percentage_used" || fail "smart-log"

# No over-provisioning: exactly two lines, one of them kept for GC.
vssd_ctrl full preset=970pro pages_per_block=16 op_percent=0
vssd_ns full 1 size_mb=16
vssd_power_on full
fdev=$(vssd_blkdev full 1)
if dd if=/dev/urandom of="$fdev" bs=1M count=16 oflag=direct status=none 2>"/tmp/full.err"; then
	fail "16 MiB fitted in a namespace with no room for GC"
fi
grep -q "No space left" /tmp/full.err || fail "the full namespace failed with: $(cat /tmp/full.err)"
head -c 4096 /dev/urandom >/tmp/full.4k
out=$(nvme write "$fdev" -s $(((16 << 11) - 8)) -c 7 -z 4096 -d /tmp/full.4k 2>&1) &&
	fail "a write to the full namespace succeeded"
echo "$out" | grep -q "Capacity Exceeded" || fail "full namespace: $out"
# Still serving reads, and deallocating makes room.
dd if="$fdev" of=/dev/null bs=1M count=16 iflag=direct status=none || fail "reads of a full namespace"
expect_ok "deallocate half" blkdiscard -o 0 -l $((8 << 20)) "$fdev"
nvme write "$fdev" -s $(((16 << 11) - 8)) -c 7 -z 4096 -d /tmp/full.4k >/dev/null ||
	fail "a write after deallocating half"
nvme read "$fdev" -s $(((16 << 11) - 8)) -c 7 -z 4096 -d /tmp/full.back >/dev/null ||
	fail "reading it back"
cmp /tmp/full.4k /tmp/full.back || fail "data written after the deallocate differs"
pass
