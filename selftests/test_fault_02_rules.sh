#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault rules of a namespace (faults/media, faults/latency, faults/stall_ms):
# media errors fail exactly the blocks a rule covers, with Unrecovered Read
# Error or Write Fault, counted in the namespace's stats, SMART and the error
# log, transient rules run out; latency rules and stalls hold completions
# back by their time.  A KV namespace's key rules fail one key, or always
# the same share of the keys, and a failed Store keeps the old value; a
# write fault on a zoned namespace leaves its write pointer in place.  Then the same namespace exported through vssd_tcp:
# a host sees the errors on the same blocks and the added latency, and a
# fio verify beside the faulty blocks passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd nvme fio python3 xxd blkzone
vssd_load
vssd_ctrl faulty model=zero
vssd_ns faulty 1 size_mb=32 block_size=4096
nsdir=$VSSD_CFS/faulty/namespaces/1
[ -d "$nsdir/faults" ] || fail "no faults/ directory in namespace 1"
# Rules may be written before power on; they wait for it.
echo "read 10 1" >"$nsdir/faults/media" || fail "a rule refused while powered off"
expect_eq "rule kept" "read 10 1 hits=0" "$(cat "$nsdir/faults/media")"
echo clear >"$nsdir/faults/media" || fail "clear refused"
vssd_power_on faulty
vdev=$(vssd_blkdev faulty 1)
expect_eq "no media rule" "" "$(cat "$nsdir/faults/media")"
expect_eq "no latency rule" "" "$(cat "$nsdir/faults/latency")"
expect_eq "no stall" 0 "$(cat "$nsdir/faults/stall_ms")"

python3 "$VSSD_SRC/selftests/fault_media.py" "$nsdir" "$vdev" "$VSSD_CHR" 1 ||
	fail "media rules on $vdev"
python3 "$VSSD_SRC/selftests/fault_latency.py" "$nsdir" "$vdev" ||
	fail "latency rules on $vdev"

# A zoned namespace: a write fault at the write pointer leaves the zone as
# it was, and the write succeeds there once the rule is gone.
vssd_ctrl zfaulty model=zero
vssd_ns zfaulty 1 csi=zns size_mb=64 zone_size_mb=16 block_size=4096
vssd_power_on zfaulty
zdev=$(vssd_blkdev zfaulty 1)
zdir=$VSSD_CFS/zfaulty/namespaces/1
# The first zone's write pointer in 512-byte sectors from its start.
wptr() {
	local hex

	hex=$(blkzone report -c 1 "$zdev" | sed -n 's/.*wptr 0x\([0-9a-f]*\).*/\1/p')
	[ -n "$hex" ] && echo $((16#$hex))
}
expect_ok "8 blocks into zone 0" dd if=/dev/urandom of="$zdev" bs=4096 count=8 oflag=direct status=none
expect_eq "write pointer after 8 blocks" 64 "$(wptr)"
echo "write 8 1" >"$zdir/faults/media" || fail "rule refused on a zoned namespace"
expect_fail "a write into a write-fault block at the write pointer" \
	dd if=/dev/urandom of="$zdev" bs=4096 count=1 seek=8 oflag=direct status=none
expect_eq "write pointer after the failed write" 64 "$(wptr)"
echo clear >"$zdir/faults/media"
expect_ok "the write once the rule is gone" \
	dd if=/dev/urandom of="$zdev" bs=4096 count=1 seek=8 oflag=direct status=none
expect_eq "write pointer after it" 72 "$(wptr)"
expect_eq "zoned media errors" 1 "$(vssd_ns_stat zfaulty 1 media_errors)"
expect_fail "a key rule on a zoned namespace" sh -c "echo 'read key 6b31' > $zdir/faults/media"

# A KV namespace: rules on one key, and on a share of the keys.
kv=$VSSD_SRC/selftests/build/vssd-kv
[ -x "$kv" ] || fail "helpers not built (make -C selftests helpers)"
vssd_ctrl kvfaulty model=zero
vssd_ns kvfaulty 1 csi=kv
vssd_power_on kvfaulty
kvchr=$VSSD_CHR
kvdir=$VSSD_CFS/kvfaulty/namespaces/1
kvx() { "$kv" "$kvchr" --nsid 1 "$@"; }
# kv_status CMD...: the exit status of vssd-kv (2: the device said no).
kv_status() { "$@" >/dev/null 2>&1; echo $?; }
for i in $(seq 200); do
	kvx put "key$i" "value$i" || fail "put key$i"
done
echo "read key $(printf key7 | xxd -p)" >"$kvdir/faults/media" || fail "key rule refused"
expect_eq "get of a key with a read rule" 2 "$(kv_status kvx get key7)"
expect_eq "vendor get of that key" 2 "$(kv_status kvx --vendor get key7)"
expect_eq "get of another key" value8 "$(kvx get key8)"
expect_eq "put to the key with a read rule" 0 "$(kv_status kvx put key7 seven)"
echo "write key $(printf key9 | xxd -p) 1" >"$kvdir/faults/media" || fail "key rule refused"
expect_eq "put to a key with a write rule" 2 "$(kv_status kvx put key9 nine)"
expect_eq "the old value stays" value9 "$(kvx get key9)"
expect_eq "put once the count is used" 0 "$(kv_status kvx put key9 nine)"
expect_eq "the new value" nine "$(kvx get key9)"
expect_eq "key rules shown" "read key 6b657937 hits=2
write key 6b657939 1 left=0 hits=1" "$(cat "$kvdir/faults/media")"
echo clear >"$kvdir/faults/media"
expect_fail "a block rule on a KV namespace" sh -c "echo 'read 0 1' > $kvdir/faults/media"
echo "read keys 25" >"$kvdir/faults/media" || fail "share rule refused"
failing=() again=()
for i in $(seq 200); do
	[ "$(kv_status kvx get "key$i")" = 2 ] && failing+=("$i")
done
for i in $(seq 200); do
	[ "$(kv_status kvx get "key$i")" = 2 ] && again+=("$i")
done
log "read keys 25: ${#failing[@]} of 200 keys fail"
expect_eq "the same keys fail each time" "${failing[*]}" "${again[*]}"
# Binomial(200, 0.25): 20..80 is beyond four standard deviations.
[ "${#failing[@]}" -ge 20 ] && [ "${#failing[@]}" -le 80 ] ||
	fail "${#failing[@]} of 200 keys fail a 25% rule"
echo clear >"$kvdir/faults/media"
expect_eq "KV media errors counted" $((3 + 2 * ${#failing[@]})) \
	"$(vssd_ns_stat kvfaulty 1 media_errors)"

# The same namespace over NVMe/TCP (nvmet's block backend).
tcp_stack
nqn=nqn.2026-12.io.vssd:faults
nvmet_subsys $nqn
nvmet_ns $nqn 1 "$vdev"
nvmet_port 1 ipv4 127.0.0.1 4420
nvmet_link 1 $nqn
host_connect $nqn 127.0.0.1 4420 -i 1 || fail "connect to $nqn failed"
dev=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
python3 "$VSSD_SRC/selftests/fault_media.py" --remote "$nsdir" "$dev" ||
	fail "media rules seen over NVMe/TCP"
python3 "$VSSD_SRC/selftests/fault_latency.py" "$nsdir" "$dev" --remote ||
	fail "latency rules seen over NVMe/TCP"
# fio verify on the first 16 MiB while the blocks after it fail every read.
echo "read 4096 4096" >"$nsdir/faults/media" || fail "rule refused"
run_fio faults-verify --filename="$dev" --rw=randwrite --bs=4k --size=16m \
	--iodepth=16 --verify=crc32c --verify_fatal=1 ||
	fail "fio verify beside a read-error range over NVMe/TCP"
expect_fail "a read of the failing range over NVMe/TCP" \
	dd if="$dev" of=/dev/null bs=4096 skip=4096 count=1 iflag=direct status=none
echo clear >"$nsdir/faults/media"
pass
