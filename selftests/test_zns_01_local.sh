#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Zoned namespaces through the local passthrough ioctls (/dev/vssdN): zone
# settings refused at power on with a reason, the identify data and effects
# log of CSI 02h, a model check of every zoned command against a reference
# model (zns_check.py: writes, Zone Append, Write Zeroes, reads of the data
# written, every Zone Management Send action, Report Zones with filters and
# partial reports) on the zero, simple and ssd models with open and active
# limits and without, nvme-cli's zns commands, Format, and the statistics.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme python3 cmp
check=$VSSD_SRC/selftests/zns_check.py
vssd_load
vssd_has zns || fail "this build has no zns feature"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# refused NAME EXPECTED-LOG ATTR=VALUE...: a zoned namespace that cannot power on.
refused() {
	local name="$1" want="$2" mark

	shift 2
	vssd_ctrl "$name" model=zero
	vssd_ns "$name" 1 csi=zns "$@"
	mark=$(kmsg_mark)
	echo 1 >"$VSSD_CFS/$name/power" 2>/dev/null && fail "$name: power on with $*"
	kmsg_since "$mark" | grep -q "$want" || fail "$name: no log line \"$want\""
}
refused bad1 "size_mb 40 is not a multiple of zone_size_mb 16" size_mb=40 zone_size_mb=16
refused bad2 "zone_capacity_mb 8 is above zone_size_mb 4" size_mb=16 zone_size_mb=4 \
	zone_capacity_mb=8
refused bad3 "must not exceed the 4 zones" size_mb=16 zone_size_mb=4 max_open_zones=5
echo 0 >"$VSSD_CFS/bad1/namespaces/1/zone_size_mb" 2>/dev/null && fail "zone_size_mb 0 accepted"

# zns_check CTRL NSID ZONE_BLOCKS CAP_BLOCKS MAX_OPEN MAX_ACTIVE STEPS SEED
zns_check() {
	local out

	out=$(python3 "$check" "$VSSD_CHR" "${@:2}") || fail "$1 ns $2: $out"
	log "$1 ns $2: ${out#\# zns_check: }"
}

# Zero model: limits on ns 1 (4 KiB blocks), none on ns 2 (512 B blocks).
vssd_ctrl z model=zero
vssd_ns z 1 csi=zns size_mb=64 zone_size_mb=4 zone_capacity_mb=3 max_open_zones=3 \
	max_active_zones=5 block_size=4096
vssd_ns z 2 csi=zns size_mb=32 zone_size_mb=2 block_size=512
vssd_ns z 3 size_mb=16
expect_eq "default zone_size_mb" 64 "$(cat "$VSSD_CFS/z/namespaces/3/zone_size_mb")"
vssd_power_on z
zns_check z 1 1024 768 3 5 3000 1
zns_check z 2 4096 4096 0 0 1500 2

# nvme-cli's zns commands on the character device.
nvme zns id-ns "$VSSD_CHR" -n 1 -o json >"$tmp/idns" || fail "nvme zns id-ns"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lbafe"][0]["zsze"] == 1024 and d["mor"] == 2 and d["mar"] == 4, d' \
	"$tmp/idns" || fail "nvme zns id-ns: $(cat "$tmp/idns")"
nvme zns reset-zone "$VSSD_CHR" -n 1 -a || fail "nvme zns reset-zone -a"
head -c 8192 /dev/urandom >"$tmp/a"
out=$(nvme zns zone-append "$VSSD_CHR" -n 1 -s 1024 -z 8192 -d "$tmp/a" 2>&1) ||
	fail "zone-append: $out"
case "$out" in *"LBA 400") ;; *) fail "zone-append (LBA in hex): $out" ;; esac
out=$(nvme zns zone-append "$VSSD_CHR" -n 1 -s 1024 -z 8192 -d "$tmp/a" 2>&1) ||
	fail "zone-append: $out"
case "$out" in *"LBA 402") ;; *) fail "second zone-append: $out" ;; esac
nvme read "$VSSD_CHR" -n 1 -s 1026 -c 1 -z 8192 -d "$tmp/b" >/dev/null 2>&1 || fail "nvme read"
cmp -s "$tmp/a" "$tmp/b" || fail "appended data differs"
nvme zns report-zones "$VSSD_CHR" -n 1 -o json >"$tmp/rz" || fail "nvme zns report-zones"
python3 - "$tmp/rz" <<'PY' || fail "report-zones: $(head -c 600 "$tmp/rz")"
import json, sys
d = json.load(open(sys.argv[1]))
z = d["zone_list"]
assert d["nr_zones"] == 16 and len(z) == 16, d["nr_zones"]
num = lambda v: v if isinstance(v, int) else int(v, 0)
assert num(z[1]["wp"]) == 1028 and z[1]["state"] == "IMP_OPENED", z[1]
assert all(x["state"] == "EMPTY" for i, x in enumerate(z) if i != 1)
PY
out=$(nvme zns finish-zone "$VSSD_CHR" -n 1 -s 1024 2>&1) || fail "finish-zone: $out"
out=$(nvme zns zone-append "$VSSD_CHR" -n 1 -s 1024 -z 4096 -d "$tmp/a" 2>&1) &&
	fail "append to a full zone: $out"
case "$out" in *ZONE_FULL*|*"0x1b9"*|*"0x41b9"*) ;; *) fail "append to a full zone: $out" ;; esac

# Statistics and Format: every zone empty and reading zeros again.
grep -q "^zns_namespaces 2$" "$VSSD_CFS/z/stats" || fail "stats: $(grep zns_ "$VSSD_CFS/z/stats")"
resets=$(sed -n 's/^zns_zone_resets //p' "$VSSD_CFS/z/stats")
[ "${resets:-0}" -gt 0 ] || fail "zns_zone_resets ${resets:-missing}"
finishes=$(sed -n 's/^zns_zone_finishes //p' "$VSSD_CFS/z/stats")
[ "${finishes:-0}" -gt 0 ] || fail "zns_zone_finishes ${finishes:-missing}"
nvme format "$VSSD_CHR" -n 1 -f >/dev/null 2>&1 || fail "format"
nvme read "$VSSD_CHR" -n 1 -s 1024 -c 1 -z 8192 -d "$tmp/b" >/dev/null 2>&1 || fail "read after format"
cmp -s "$tmp/b" <(head -c 8192 /dev/zero) || fail "data after format"
nvme zns report-zones "$VSSD_CHR" -n 1 -o json | python3 -c \
	'import json,sys; z=json.load(sys.stdin)["zone_list"]; assert all(x["state"] == "EMPTY" for x in z)' ||
	fail "zones after format"
# A zone the device fails: read-only keeps its data and refuses writes and
# resets; taken offline, it loses the data and refuses reads too.
fz=$VSSD_CFS/z/namespaces/1/zone_fail
head -c 4096 /dev/urandom >"$tmp/z5"
nvme write "$VSSD_CHR" -n 1 -s 5120 -c 0 -z 4096 -d "$tmp/z5" >/dev/null 2>&1 ||
	fail "write to zone 5"
echo "5 ro" >"$fz" || fail "zone_fail refused \"5 ro\""
python3 - "$VSSD_SRC/selftests" "$VSSD_CHR" "$tmp/z5" <<'PY' || fail "failed zones"
import struct, sys
sys.path.insert(0, sys.argv[1])
from nvme_ioctl import Device
d = Device(sys.argv[2])
z5 = 5 * 1024
assert d.io(0x02, 1, {10: z5, 12: 0}, read_len=4096).data == open(sys.argv[3], "rb").read()
assert d.io(0x79, 1, {10: z5, 13: 4}).code == 0x1bf   # a read-only zone cannot be reset
assert d.io(0x01, 1, {10: z5, 12: 0}, data=bytes(4096)).code == 0x1ba
assert d.io(0x7d, 1, {10: z5, 12: 0}, data=bytes(4096)).code == 0x1ba
assert d.io(0x02, 1, {10: z5, 12: 0}, read_len=4096).code == 0
r = d.io(0x7a, 1, {12: 31, 13: 6 << 8}, read_len=128)
assert struct.unpack_from("<Q", r.data, 0)[0] == 1 and struct.unpack_from("<Q", r.data, 80)[0] == z5
assert d.io(0x79, 1, {10: z5, 13: 5}).code == 0              # offline from read-only
assert d.io(0x02, 1, {10: z5 - 2, 12: 3}, read_len=16384).code == 0x1bb
assert d.io(0x01, 1, {10: z5, 12: 0}, data=bytes(4096)).code == 0x1bb
assert d.io(0x79, 1, {10: z5, 13: 4}).code == 0x1bf          # nor can an offline one
assert d.io(0x79, 1, {10: 6 * 1024, 13: 5}).code == 0x1bf    # offline needs read-only
r = d.io(0x7a, 1, {12: 31, 13: 7 << 8}, read_len=128)
assert struct.unpack_from("<Q", r.data, 0)[0] == 1 and r.data[65] >> 4 == 0xf
PY
echo "16 ro" >"$fz" 2>/dev/null && fail "zone_fail accepted zone 16 of 16"
echo "1 broken" >"$fz" 2>/dev/null && fail "zone_fail accepted \"broken\""
echo "1 ro" >"$VSSD_CFS/z/namespaces/3/zone_fail" 2>/dev/null &&
	fail "zone_fail accepted on an NVM namespace"
echo 0 >"$VSSD_CFS/z/power"
echo "1 ro" >"$fz" 2>/dev/null && fail "zone_fail accepted while powered off"

# Timed models: the same checks with the simple model's timelines and the
# ssd model's NAND array (970pro geometry).
vssd_ctrl s model=simple
vssd_ns s 1 csi=zns size_mb=32 zone_size_mb=4 max_open_zones=2 block_size=4096
vssd_power_on s
zns_check s 1 1024 1024 2 0 800 3
vssd_ctrl p preset=970pro
vssd_ns p 1 csi=zns size_mb=128 zone_size_mb=8 zone_capacity_mb=6 max_open_zones=4 \
	max_active_zones=6 block_size=4096
vssd_ns p 2 csi=zns size_mb=512 zone_size_mb=256 block_size=4096
vssd_power_on p
zns_check p 1 2048 1536 4 6 800 4
# One Write Zeroes of 256 MiB (no MDTS for it) fills a zone: 256 times the
# write buffer, freed page by page as the command goes, in well under a
# second of dispatch.
start=$(date +%s%N)
nvme write-zeroes "$VSSD_CHR" -n 2 -s 0 -c 65535 >/dev/null 2>&1 || fail "256 MiB Write Zeroes"
ms=$((($(date +%s%N) - start) / 1000000))
log "256 MiB Write Zeroes on the 970pro zoned namespace: $ms ms"
[ "$ms" -lt 20000 ] || fail "a 256 MiB Write Zeroes took $ms ms"
nvme zns report-zones "$VSSD_CHR" -n 2 -d 1 -o json | python3 -c \
	'import json,sys; z=json.load(sys.stdin)["zone_list"][0]; assert z["state"] == "FULL", z' ||
	fail "zone 0 not full after a Write Zeroes of its capacity"
grep -q "^zns_pages_programmed [1-9]" "$VSSD_CFS/p/stats" ||
	fail "no flash programs: $(grep zns_ "$VSSD_CFS/p/stats")"
pass
