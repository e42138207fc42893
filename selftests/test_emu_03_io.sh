#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# NVM I/O semantics on every model: fio verify; never-written blocks read as
# zeros; deallocate (DSM and block discard) and Write Zeroes read back zeros;
# Compare; Copy moves exactly the ranges asked; out-of-range, oversized and
# malformed commands get the right status and change nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme fio cmp blkdiscard
vssd_load
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# blocks DEV SLBA COUNT FILE: read COUNT 512-byte blocks into FILE.
blocks() {
	dd if="$1" of="$4" bs=512 skip="$2" count="$3" iflag=direct status=none
}

# put DEV SLBA FILE: write FILE (whole blocks) at SLBA.
put() {
	dd if="$3" of="$1" bs=512 seek="$2" oflag=direct conv=notrunc status=none
}

# status_of OUTPUT: the NVMe status name nvme-cli printed.
expect_status() {
	local what="$1" want="$2" out

	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: succeeded, expected $want"
	fi
	echo "$out" | grep -q "$want" || fail "$what: expected '$want', got: $out"
}

for model in zero simple ssd; do
	log "model $model: fio verify"
	vssd_ctrl "io-$model" model="$model"
	[ "$model" = ssd ] && echo 16 >"$VSSD_CFS/io-$model/pages_per_block"
	vssd_ns "io-$model" 1 size_mb=192
	vssd_power_on "io-$model"
	dev=$(vssd_blkdev "io-$model" 1)
	integrity_fio "$dev" || fail "fio verify on the $model model"
	expect_eq "$model: no errors counted" 0 "$(vssd_stat "io-$model" error_cmds)"
done
# poll=0: the zero model's commands complete in their submitter's context
# (direct dispatch); poll=1 hands every one to a worker, which completes
# it.  Both paths verify.
expect_eq "zero, poll=0: every completion direct" "$(vssd_stat io-zero completions)" \
	"$(vssd_stat io-zero direct_completions)"
vssd_ctrl io-zero-poll model=zero poll=1
vssd_ns io-zero-poll 1 size_mb=192
vssd_power_on io-zero-poll
integrity_fio "$(vssd_blkdev io-zero-poll 1)" || fail "fio verify on the zero model, poll=1"
expect_eq "zero, poll=1: no direct completion" 0 "$(vssd_stat io-zero-poll direct_completions)"
[ "$(vssd_stat io-zero-poll completions)" -gt 0 ] || fail "zero, poll=1: no completions counted"
echo 0 >"$VSSD_CFS/io-zero-poll/power"

# Measured latency (submission to completion): never below what the model
# asked for, and it tells reads from writes.  simple: 3 ms per read,
# 1 ms per write, at QD1.
log "measured latency against a fixed-latency model"
vssd_ctrl io-lat model=simple read_latency_ns=3000000 write_latency_ns=1000000
vssd_ns io-lat 1 size_mb=16
vssd_power_on io-lat
lat_dev=$(vssd_blkdev io-lat 1)
dd if=/dev/urandom of="$lat_dev" bs=4k count=20 oflag=direct status=none || fail "io-lat: write"
dd if="$lat_dev" of=/dev/null bs=4k count=20 iflag=direct status=none || fail "io-lat: read"
r50=$(vssd_stat io-lat read_latency_p50_ns)
w50=$(vssd_stat io-lat write_latency_p50_ns)
r99=$(vssd_stat io-lat read_latency_p99_ns)
rmean=$(vssd_stat io-lat read_latency_mean_ns)
log "io-lat: read p50 $r50 ns (mean $rmean), write p50 $w50 ns"
[ "$r50" -ge 3000000 ] && [ "$rmean" -ge 3000000 ] || fail "read latency below the model's 3 ms: p50 $r50 mean $rmean"
[ "$w50" -ge 1000000 ] && [ "$w50" -lt "$r50" ] || fail "write p50 $w50 ns: not 1 ms and up, or counted as a read"
[ "$r99" -ge "$r50" ] || fail "read p99 $r99 below p50 $r50"
echo 0 >"$VSSD_CFS/io-lat/stats"
expect_eq "read latency zeroed by a stats reset" 0 "$(vssd_stat io-lat read_latency_p50_ns)"
echo 0 >"$VSSD_CFS/io-lat/power"

# Semantics, on the ssd model (the one with an FTL to keep in step).
nsze=$((192 << 11))
# Above what integrity_fio wrote (its last job ends at 160 MiB).
B=$((164 << 11))
head -c 65536 /dev/urandom >"$tmp/a"
head -c 65536 /dev/urandom >"$tmp/b"

blocks "$dev" $((nsze - 2048)) 2048 "$tmp/tail"
cmp -n $((2048 * 512)) "$tmp/tail" /dev/zero || fail "never-written blocks are not zeros"

# DSM deallocate, through the ioctl.
put "$dev" $((B + 0)) "$tmp/a"
nvme dsm "$dev" --ad --slbs=$((B + 8)) --blocks=16 >/dev/null || fail "nvme dsm"
blocks "$dev" $((B + 0)) 128 "$tmp/r"
cmp -n 4096 "$tmp/a" "$tmp/r" || fail "dsm touched blocks before the range"
cmp -n 8192 -i 4096:4096 "$tmp/r" /dev/zero || fail "deallocated blocks are not zeros"
cmp -i 12288:12288 "$tmp/a" "$tmp/r" || fail "dsm touched blocks after the range"
dealloc=$(vssd_stat io-ssd bytes_deallocated)
expect_eq "bytes_deallocated after one 8 KiB range" 8192 "$dealloc"

# A DSM whose second range is out of range changes nothing.
put "$dev" $((B + 0)) "$tmp/a"
expect_status "dsm with a range past the end" "LBA Out of Range" \
	nvme dsm "$dev" --ad --slbs=$((B)),$((nsze - 1)) --blocks=8,2
blocks "$dev" $((B + 0)) 128 "$tmp/r"
cmp "$tmp/a" "$tmp/r" || fail "a refused dsm deallocated something"

# Block-layer discard and write zeroes.
put "$dev" $((B + 1024)) "$tmp/a"
expect_ok "blkdiscard" blkdiscard -o $(((B + 1024) * 512)) -l 32768 "$dev"
blocks "$dev" $((B + 1024)) 128 "$tmp/r"
cmp -n 32768 "$tmp/r" /dev/zero || fail "discarded blocks are not zeros"
cmp -i 32768:32768 "$tmp/a" "$tmp/r" || fail "discard went past its range"
put "$dev" $((B + 2048)) "$tmp/a"
expect_ok "blkdiscard -z" blkdiscard -z -o $(((B + 2048) * 512)) -l 16384 "$dev"
blocks "$dev" $((B + 2048)) 128 "$tmp/r"
cmp -n 16384 "$tmp/r" /dev/zero || fail "zeroed blocks are not zeros"
cmp -i 16384:16384 "$tmp/a" "$tmp/r" || fail "write zeroes went past its range"
put "$dev" $((B + 3072)) "$tmp/a"
nvme write-zeroes "$dev" -s $((B + 3073)) -c 2 >/dev/null || fail "nvme write-zeroes"
blocks "$dev" $((B + 3072)) 128 "$tmp/r"
cmp -n 512 "$tmp/a" "$tmp/r" || fail "write-zeroes touched the block before"
cmp -n 1536 -i 512:512 "$tmp/r" /dev/zero || fail "write-zeroes: not zeros"
cmp -i 2048:2048 "$tmp/a" "$tmp/r" || fail "write-zeroes touched blocks after"

# Compare.
put "$dev" $((B + 4096)) "$tmp/a"
head -c 4096 "$tmp/a" >"$tmp/a4k"
nvme compare "$dev" -s $((B + 4096)) -c 7 -z 4096 -d "$tmp/a4k" >/dev/null ||
	fail "compare of equal data failed"
head -c 4096 "$tmp/b" >"$tmp/b4k"
expect_status "compare of different data" "Compare Failure" \
	nvme compare "$dev" -s $((B + 4096)) -c 7 -z 4096 -d "$tmp/b4k"

# Copy: two source ranges to one destination, exactly.
put "$dev" $((B + 8192)) "$tmp/a"
put "$dev" $((B + 8448)) "$tmp/b"
nvme copy "$dev" --sdlba=$((B + 9000)) --slbs=$((B + 8200)),$((B + 8448)) --blocks=15,31 >/dev/null || fail "nvme copy"
blocks "$dev" $((B + 8999)) 50 "$tmp/r"
cmp -n 512 "$tmp/r" /dev/zero || fail "copy wrote before its destination"
cmp -n 8192 -i 512:4096 "$tmp/r" "$tmp/a" || fail "copy: first range"
cmp -n 16384 -i 8704:0 "$tmp/r" "$tmp/b" || fail "copy: second range"
cmp -n 512 -i 25088:0 "$tmp/r" /dev/zero || fail "copy wrote past its destination"
blocks "$dev" $((B + 8192)) 128 "$tmp/r"
cmp "$tmp/r" "$tmp/a" || fail "copy changed its source"
expect_status "copy to a destination past the end" "LBA Out of Range" \
	nvme copy "$dev" --sdlba=$((nsze - 8)) --slbs=$((B + 8192)) --blocks=15
blocks "$dev" $((nsze - 8)) 8 "$tmp/r"
cmp -n 4096 "$tmp/r" /dev/zero || fail "a refused copy wrote"

# Out of range, oversized and inconsistent commands touch nothing.
put "$dev" $((nsze - 128)) "$tmp/a"
expect_status "write across the end" "LBA Out of Range" \
	nvme write "$dev" -s $((nsze - 1)) -c 1 -z 1024 -d "$tmp/b"
blocks "$dev" $((nsze - 128)) 128 "$tmp/r"
cmp "$tmp/r" "$tmp/a" || fail "a refused write changed data"
expect_status "slba beyond 2^32" "LBA Out of Range" \
	nvme io-passthru "$dev" -o 2 -n 1 -l 512 -r --cdw10=0 --cdw11=1 --cdw12=0
head -c $((2 << 20)) /dev/zero >"$tmp/2m"
if nvme io-passthru "$dev" -o 2 -n 1 -l $((2 << 20)) -r --cdw12=4095 >/dev/null 2>&1; then
	fail "a 2 MiB read (over MDTS) was accepted"
fi
expect_status "read of 16 blocks into a 4 KiB buffer" "Invalid Field" \
	nvme io-passthru "$dev" -o 2 -n 1 -l 4096 -r --cdw10=0 --cdw12=15
expect_status "write of 16 blocks from a 4 KiB buffer" "Invalid Field" \
	nvme io-passthru "$dev" -o 1 -n 1 -l 4096 -w -i "$tmp/a4k" --cdw10=$((nsze - 128)) --cdw12=15
blocks "$dev" $((nsze - 128)) 128 "$tmp/r"
cmp "$tmp/r" "$tmp/a" || fail "a refused oversized write changed data"
expect_status "copy with a bad descriptor format" "Invalid Field" \
	nvme io-passthru "$dev" -o 0x19 -n 1 -l 32 -w -i "$tmp/a4k" --cdw12=$((1 << 8))
pass
