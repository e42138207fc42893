#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stock nvme-cli on /dev/vssdN and /dev/vssdNnM: identify, namespace lists
# and descriptors, SMART counters that move by exactly the I/O done, error,
# firmware and effects logs, features, abort, unknown opcodes, format.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme python3 cmp
vssd_load
vssd_ctrl cli model=zero
vssd_ns cli 1 size_mb=64
vssd_ns cli 2 size_mb=32 block_size=4096
vssd_power_on cli
n1=$(vssd_blkdev cli 1)
n2=$(vssd_blkdev cli 2)
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# json FIELD < json: one value, 128-bit counters included.
json() {
	python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(int(v))' "$1"
}

# Identify controller, from the character and the block node alike.
nvme id-ctrl "$VSSD_CHR" -o json >"$tmp/idc.json" || fail "id-ctrl $VSSD_CHR"
nvme id-ctrl "$n1" -o json >"$tmp/idc1.json" || fail "id-ctrl $n1"
expect_eq "id-ctrl the same through both nodes" "$(md5sum <"$tmp/idc.json")" "$(md5sum <"$tmp/idc1.json")"
expect_eq "nn" 32 "$(json nn <"$tmp/idc.json")"
expect_eq "oncs: compare, dsm, write zeroes, copy" $((0x10d)) "$(json oncs <"$tmp/idc.json")"
expect_eq "tnvmcap = 96 MiB" $((96 << 20)) "$(json tnvmcap <"$tmp/idc.json")"
expect_eq "mdts (1 MiB in 4 KiB pages)" 8 "$(json mdts <"$tmp/idc.json")"
python3 - "$tmp/idc.json" <<'PY' || fail "identify strings: $(cat "$tmp/idc.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sn"].strip().startswith("VSSD"), d["sn"]
assert d["mn"].strip() == "vssd zero", d["mn"]
assert d["fr"].strip() == open("/sys/module/vssd/version").read().strip(), d["fr"]
PY

# Identify namespace, namespace lists and descriptors.
nvme id-ns "$n1" -o json >"$tmp/idn1.json" || fail "id-ns $n1"
expect_eq "nsze of namespace 1 (512 B blocks)" $((64 << 11)) "$(json nsze <"$tmp/idn1.json")"
nvme id-ns "$n2" -o json >"$tmp/idn2.json" || fail "id-ns $n2"
expect_eq "nsze of namespace 2 (4 KiB blocks)" $((32 << 8)) "$(json nsze <"$tmp/idn2.json")"
python3 - "$tmp/idn2.json" <<'PY' || fail "namespace 2 format: $(cat "$tmp/idn2.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["lbafs"][0]["ds"] == 12, d["lbafs"]
assert d["nuse"] == 0, d["nuse"]
PY
nvme id-ns "$VSSD_CHR" -n 2 -o json | json nsze | grep -qx $((32 << 8)) ||
	fail "id-ns -n 2 on the character device"
expect_eq "nvme list-ns" "[ 0]:0x1 [ 1]:0x2" "$(nvme list-ns "$VSSD_CHR" | xargs)"
uuid=$(cat "$VSSD_CFS/cli/namespaces/1/uuid")
nvme ns-descs "$n1" >"$tmp/descs" || fail "ns-descs"
grep -q "uuid *: *$uuid" "$tmp/descs" || fail "ns-descs lacks uuid $uuid: $(cat "$tmp/descs")"
grep -q "nguid *: *${uuid//-/}" "$tmp/descs" || fail "ns-descs lacks nguid: $(cat "$tmp/descs")"
grep -q "csi *: *0" "$tmp/descs" || fail "ns-descs lacks csi 0: $(cat "$tmp/descs")"

# SMART counters move by exactly the I/O done.
nvme smart-log "$VSSD_CHR" -o json >"$tmp/s0.json" || fail "smart-log"
head -c 12288 /dev/urandom >"$tmp/w12k"
head -c 8192 /dev/urandom >"$tmp/w8k"
for i in 0 1 2; do
	dd if="$tmp/w12k" of="$tmp/w4k.$i" bs=4096 skip="$i" count=1 status=none
	nvme write "$n1" -s $((i * 8)) -c 7 -z 4096 -d "$tmp/w4k.$i" >/dev/null ||
		fail "nvme write $i"
done
nvme io-passthru "$n1" -o 1 -n 1 -l 8192 -w -i "$tmp/w8k" --cdw10=24 --cdw12=15 \
	>/dev/null || fail "io-passthru write"
nvme read "$n1" -s 0 -c 23 -z 12288 -d "$tmp/r12k" >/dev/null || fail "nvme read"
cmp "$tmp/w12k" "$tmp/r12k" || fail "data read back differs from data written"
nvme io-passthru "$n1" -o 2 -n 1 -l 8192 -r -b --cdw10=24 --cdw12=15 >"$tmp/r8k" ||
	fail "io-passthru read"
cmp "$tmp/w8k" "$tmp/r8k" || fail "io-passthru read differs from io-passthru write"
nvme smart-log "$VSSD_CHR" -o json >"$tmp/s1.json" || fail "smart-log"
for f in host_write_commands:4 host_read_commands:2 data_units_written:1 data_units_read:1; do
	before=$(json "${f%%:*}" <"$tmp/s0.json")
	after=$(json "${f%%:*}" <"$tmp/s1.json")
	expect_eq "SMART ${f%%:*} moved by" "${f#*:}" $((after - before))
done
expect_eq "stats bytes_written" 20480 "$(vssd_stat cli bytes_written)"
expect_eq "stats bytes_read" 20480 "$(vssd_stat cli bytes_read)"
expect_eq "stats write_cmds" 4 "$(vssd_stat cli write_cmds)"
# The namespace's own counters: all of it on namespace 1, none on 2, until
# namespace 2 gets a write of its own.
for f in write_cmds:4 read_cmds:2 bytes_written:20480 bytes_read:20480 error_cmds:0; do
	expect_eq "namespace 1 stats ${f%%:*}" "${f#*:}" "$(vssd_ns_stat cli 1 "${f%%:*}")"
	expect_eq "namespace 2 stats ${f%%:*}" 0 "$(vssd_ns_stat cli 2 "${f%%:*}")"
done
nvme write "$n2" -s 3 -c 0 -z 4096 -d "$tmp/w4k.0" >/dev/null || fail "nvme write on namespace 2"
expect_eq "namespace 2 stats write_cmds" 1 "$(vssd_ns_stat cli 2 write_cmds)"
expect_eq "namespace 2 stats bytes_written" 4096 "$(vssd_ns_stat cli 2 bytes_written)"
expect_eq "namespace 1 stats write_cmds, after a write to 2" 4 "$(vssd_ns_stat cli 1 write_cmds)"
expect_eq "SMART power_cycles" 1 "$(json power_cycles <"$tmp/s1.json")"
nvme id-ns "$n1" -o json | json nuse | grep -qx 40 || fail "nuse after 20 KiB written"

# Errors are reported, counted and logged.
out=$(nvme read "$n1" -s $((64 << 11)) -c 0 -z 512 -d /dev/null 2>&1) &&
	fail "read beyond the end succeeded"
echo "$out" | grep -q "LBA Out of Range" || fail "read beyond the end: $out"
nvme smart-log "$VSSD_CHR" -o json | json num_err_log_entries | grep -qx 1 ||
	fail "SMART error log entries after one error"
expect_eq "namespace 1 stats error_cmds" 1 "$(vssd_ns_stat cli 1 error_cmds)"
nvme error-log "$VSSD_CHR" -e 1 >"$tmp/err" || fail "error-log"
grep -q "status_field.*0x4080(LBA Out of Range" "$tmp/err" ||
	fail "error log entry: $(cat "$tmp/err")"
# Active namespaces after NSID FFFFFFFFh: Invalid Namespace, not the whole list.
out=$(nvme admin-passthru "$VSSD_CHR" -o 0x06 --cdw10=2 -n 0xffffffff -l 4096 -r 2>&1) &&
	fail "active namespace list after FFFFFFFFh succeeded: $out"
echo "$out" | grep -qi "Invalid Namespace" || fail "active list after FFFFFFFFh: $out"
out=$(nvme admin-passthru "$VSSD_CHR" -o 0xc5 2>&1) && fail "unknown admin opcode succeeded"
echo "$out" | grep -q "Invalid Command Opcode" || fail "unknown admin opcode: $out"
out=$(nvme io-passthru "$n1" -o 0x7f -n 1 2>&1) && fail "unknown I/O opcode succeeded"
echo "$out" | grep -q "Invalid Command Opcode" || fail "unknown I/O opcode: $out"
out=$(nvme read "$VSSD_CHR" -n 9 -s 0 -c 0 -z 512 -d /dev/null 2>&1) &&
	fail "I/O to an inactive namespace succeeded"

# Firmware slot and effects logs, features, abort.
nvme fw-log "$VSSD_CHR" | grep -q "frs1 *: *0x.*(0.1.0\|frs1.*0\.1\.0" ||
	fail "fw-log: $(nvme fw-log "$VSSD_CHR")"
nvme get-log "$VSSD_CHR" -i 5 -l 4096 -b >"$tmp/eff" || fail "commands supported and effects log"
python3 - "$tmp/eff" <<'PY' || fail "effects log content"
import struct, sys
d = open(sys.argv[1], "rb").read()
acs = struct.unpack_from("<256I", d, 0)
iocs = struct.unpack_from("<256I", d, 1024)
assert acs[0x06] == 1 and acs[0x02] == 1, "identify / get log page"
assert iocs[0x01] == 3 and iocs[0x02] == 1, "write changes LBAs, read does not"
assert iocs[0x19] == 3 and iocs[0x09] == 3, "copy, dsm"
assert iocs[0x81] == 0, "no vendor opcodes for the NVM command set"
PY
# feature FID: the current value nvme-cli reports, in decimal.
feature() {
	local v

	v=$(nvme get-feature "$VSSD_CHR" -f "$1" | sed -n 's/.*Current value: *\(0x\)\{0,1\}\([0-9a-fA-F]*\).*/\2/p')
	echo $((16#${v:-x}))
}
expect_eq "number of queues (2 + 2, 0's based)" $((0x10001)) "$(feature 7)"
expect_eq "volatile write cache on" 1 "$(feature 6)"
nvme set-feature "$VSSD_CHR" -f 6 -v 0 >/dev/null || fail "disable the write cache"
expect_eq "volatile write cache off" 0 "$(feature 6)"
out=$(nvme admin-passthru "$VSSD_CHR" -o 0x08 --cdw10=0x10001 2>&1) || fail "abort: $out"
echo "$out" | grep -q "result: *0x0*1$" || fail "abort result: $out"

# Format erases the namespace.
nvme format "$VSSD_CHR" -n 1 -l 0 --force >/dev/null 2>&1 || fail "format"
nvme read "$n1" -s 0 -c 23 -z 12288 -d "$tmp/after" >/dev/null || fail "read after format"
cmp -n 12288 "$tmp/after" /dev/zero || fail "data survived a format"
nvme id-ns "$n1" -o json | json nuse | grep -qx 0 || fail "nuse after format"
pass
