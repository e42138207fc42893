#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a host can make a KV namespace hold and do: one-byte values fill it
# to Capacity Exceeded before the RAM the kernel holds for them passes 1.5x
# the namespace's size (the capacity is charged in RAM: entry, packed
# value, buckets); an Iterate Read whose prefix matches nothing, among
# 100,000 keys, looks at a handful of keys instead of walking them all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme python3
kv=$VSSD_SRC/selftests/build/vssd-kv
load=$VSSD_SRC/selftests/build/kvload
[ -x "$kv" ] && [ -x "$load" ] || fail "helpers not built (make -C selftests helpers)"
vssd_load
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

size_mb=16
vssd_ctrl mem model=zero
vssd_ns mem 1 csi=kv size_mb=$size_mb kv_max_value=4096 kv_max_keys=4194304
vssd_power_on mem
n1=$(vssd_blkdev mem 1)
room=$(vssd_kv_room "$VSSD_CHR" 1) || fail "KV identify namespace"
log "room in an empty ${size_mb} MiB namespace: $room bytes"

# MemFree in bytes, caches dropped first so that only what is held counts.
mem_free() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	echo $(($(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo) * 1024))
}

before=$(mem_free)
# Twice the keys that fit; the old charge (a 64-byte record per key) let in
# 262,144 of them here, each holding a page: about 1.1 GiB.
keys=$(((size_mb << 20) / 160 * 2))
"$load" -t 2 -n "$keys" -k 16 -s 1 -m 0,100,0 -o 1 -p "$n1" >"$tmp/load.out" 2>&1 &&
	fail "$keys one-byte values fitted ${size_mb} MiB"
grep -q "capacity exceeded" "$tmp/load.out" || fail "filling: $(tail -3 "$tmp/load.out")"
log "kvload: $(tail -1 "$tmp/load.out")"
after=$(mem_free)
stored=$(vssd_stat mem kv_keys)
charged=$(vssd_stat mem kv_nuse_bytes)
held=$((before - after))
log "one-byte values: $stored keys stored, $charged bytes charged, $held bytes of RAM held" \
	"($(python3 -c "print(round($held / ($size_mb << 20), 2))")x the size)"
[ "$charged" -le $((size_mb << 20)) ] || fail "charged $charged bytes, above the size"
# KASAN's redzones and quarantine and kmemleak's objects multiply what each
# allocation holds: the debug kernel cannot judge this bound.
[ "$held" -le $(((size_mb << 20) * 3 / 2)) ] || [ "${VSSD_KERNEL_DEBUG:-0}" = 1 ] ||
	fail "$held bytes of RAM held for a ${size_mb} MiB namespace (over 1.5x)"
# Packed: a one-byte value costs its entry and a small object, not a page.
[ "$stored" -ge $((room / 160 - 2)) ] || fail "only $stored one-byte keys fitted"
"$kv" "$n1" put onemore x 2>"$tmp/err" && fail "a store into the full namespace succeeded"
grep -q "capacity exceeded" "$tmp/err" || fail "full namespace: $(cat "$tmp/err")"
expect_eq "a one-byte value reads back" 1 "$("$kv" "$n1" get k000000000000001 | wc -c)"

# Deleting a key gives its RAM back.
"$kv" "$n1" del k000000000000001 || fail "del"
"$kv" "$n1" put onemore x || fail "put after a delete"

# Iterate Read over $stored keys (heads all "k000"): prefixes that match
# nothing end at once, a matching one returns every key.
steps() { vssd_stat mem kv_iter_steps; }
for pm in "0x7a7a7a7a 0xffffffff" "0x3130306b 0xffffffff" "0x31000000 0xff000000" \
	"0x00000001 0x000000ff"; do
	# Unquoted: $pm is a prefix and a mask, split into $1 and $2.
	# shellcheck disable=SC2086
	set -- $pm
	s0=$(steps)
	t0=$(date +%s%N)
	out=$("$kv" --vendor --prefix "$1" --mask "$2" "$n1" list) || fail "iterate $pm"
	t1=$(date +%s%N)
	[ -z "$out" ] || fail "iterate $pm returned keys"
	s1=$(steps)
	log "iterate prefix $1 mask $2 among $stored keys: $((s1 - s0)) steps, $(((t1 - t0) / 1000)) us"
	[ $((s1 - s0)) -le 8 ] || fail "iterate $pm took $((s1 - s0)) steps over $stored keys"
done
s0=$(steps)
got=$("$kv" --vendor --prefix 0x3030306b --mask 0xffffffff "$n1" list | wc -l)
expect_eq "iterate k000: every key but onemore" $(($(vssd_stat mem kv_keys) - 1)) "$got"
log "full iteration: $got keys in $(($(steps) - s0)) steps"
pass
