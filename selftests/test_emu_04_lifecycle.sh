#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Controller lifecycle: 8 controllers x 4 namespaces at once; power 0 refused
# while a node is open; a live controller and its namespaces cannot be
# removed or changed; bad configfs input is refused with a log line; rmmod
# after teardown leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

require_cmd nvme
unload_module vssd
vssd_load

# Defaults come from the module parameters; presets fill the parameters.
vssd_ctrl defaults
expect_eq "default model" ssd "$(cat "$VSSD_CFS/defaults/model")"
expect_eq "default preset" 970pro "$(cat "$VSSD_CFS/defaults/preset")"
expect_eq "default program_ns" 185000 "$(cat "$VSSD_CFS/defaults/program_ns")"
expect_eq "default power" 0 "$(cat "$VSSD_CFS/defaults/power")"
expect_eq "default index" -1 "$(cat "$VSSD_CFS/defaults/index")"
echo 200000 >"$VSSD_CFS/defaults/program_ns"
expect_eq "preset after a change" custom "$(cat "$VSSD_CFS/defaults/preset")"
echo optane >"$VSSD_CFS/defaults/preset"
expect_eq "preset optane sets the model" simple "$(cat "$VSSD_CFS/defaults/model")"
expect_eq "preset optane read latency" 12000 "$(cat "$VSSD_CFS/defaults/read_latency_ns")"

# Bad input: refused, nothing changed, a line in the log.
mark=$(kmsg_mark)
for bad in "channels=0" "channels=65" "page_kb=6" "model=hdd" "preset=nope" \
	"queue_depth=abc" "worker_cpus=9999" "worker_cpus=" "max_transfer_kb=12" \
	"dispatcher_cpu=-2" "poll=2"; do
	echo "${bad#*=}" >"$VSSD_CFS/defaults/${bad%%=*}" 2>/dev/null &&
		fail "configfs accepted $bad"
done
expect_eq "channels unchanged" 8 "$(cat "$VSSD_CFS/defaults/channels")"
kmsg_since "$mark" | grep -q "channels=65 refused" || fail "no log line for channels=65"
kmsg_since "$mark" | grep -q "max_transfer_kb=12 refused: not a power of two" ||
	fail "no log line for max_transfer_kb=12"
vssd_ns defaults 1 size_mb=16
for bad in 0 33 x 01x +3 03 " 3"; do
	mkdir "$VSSD_CFS/defaults/namespaces/$bad" 2>/dev/null &&
		fail "namespace directory '$bad' accepted"
done
for bad in size_mb=0 size_mb=2000000 block_size=1000 csi=ocssd uuid=xyz; do
	echo "${bad#*=}" >"$VSSD_CFS/defaults/namespaces/1/${bad%%=*}" 2>/dev/null &&
		fail "namespace attribute $bad accepted"
done

# 8 controllers with 4 namespaces each, at once, every model; Identify's
# model number names the preset the parameters match (the simple and ssd
# defaults are optane and 970pro), or the model (many5: ssd with 4
# channels matches no preset).
models=(zero simple ssd zero simple ssd zero simple)
names=("vssd zero" "vssd optane" "vssd 970pro" "vssd zero" "vssd optane" "vssd ssd" "vssd zero"
       "vssd optane")
for c in $(seq 0 7); do
	extra=()
	[ "$c" = 5 ] && extra=(channels=4)
	vssd_ctrl "many$c" model="${models[$c]}" nr_io_queues=2 "${extra[@]}"
	for n in 1 2 3 4; do
		vssd_ns "many$c" "$n" size_mb=$((8 * n))
	done
	vssd_power_on "many$c"
	for n in 1 2 3 4; do
		dev=$(vssd_blkdev "many$c" "$n")
		[ -b "$dev" ] || fail "many$c namespace $n has no block device"
		expect_eq "size of $dev" $((8 * n << 20)) "$(blockdev --getsize64 "$dev")"
	done
	nvme list-ns "$VSSD_CHR" | grep -c ':0x' | grep -qx 4 || fail "many$c: list-ns"
	expect_eq "many$c: model number" "${names[$c]}" "$(nvme id-ctrl "$VSSD_CHR" -o json |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["mn"].strip())')"
done

# A live controller cannot change or go away.
c=many3
expect_fail "write a parameter of a live controller" sh -c "echo 4 > $VSSD_CFS/$c/channels"
expect_fail "mkdir a namespace in a live controller" mkdir "$VSSD_CFS/$c/namespaces/9"
expect_fail "rmdir a namespace of a live controller" rmdir "$VSSD_CFS/$c/namespaces/1"
expect_fail "rmdir a live controller" rmdir "$VSSD_CFS/$c"
expect_fail "resize a live namespace" sh -c "echo 64 > $VSSD_CFS/$c/namespaces/2/size_mb"

# Power off is refused while the character or a block node is open.
idx=$(cat "$VSSD_CFS/$c/index")
dev=$(vssd_blkdev "$c" 2)
exec 7<"/dev/vssd$idx"
expect_fail "power off with /dev/vssd$idx open" sh -c "echo 0 > $VSSD_CFS/$c/power"
exec 7<&-
exec 8<"$dev"
mark=$(kmsg_mark)
expect_fail "power off with $dev open" sh -c "echo 0 > $VSSD_CFS/$c/power"
kmsg_since "$mark" | grep -q "cannot power off.*open" || fail "no log line for a refused power off"
expect_eq "still live" 1 "$(cat "$VSSD_CFS/$c/power")"
exec 8<&-
expect_ok "power off once closed" sh -c "echo 0 > $VSSD_CFS/$c/power"
[ -e "$dev" ] && fail "$dev still exists after power off"
[ -e "/dev/vssd$idx" ] && fail "/dev/vssd$idx still exists after power off"
expect_ok "power on again" sh -c "echo 1 > $VSSD_CFS/$c/power"
nvme smart-log "/dev/vssd$(cat "$VSSD_CFS/$c/index")" | grep -q "power_cycles.*: 2" ||
	fail "power cycles after a second power on"

# rmmod is refused while controllers exist (configfs holds the module).
expect_fail "rmmod with controllers" rmmod vssd

# Tear everything down by hand, then rmmod leaves no trace.
mem_before=$(awk '/^MemAvailable/ {print $2}' /proc/meminfo)
for c in $(seq 0 7); do
	echo 0 >"$VSSD_CFS/many$c/power" || fail "power off many$c"
	for n in 1 2 3 4; do
		rmdir "$VSSD_CFS/many$c/namespaces/$n" || fail "rmdir many$c/$n"
	done
	rmdir "$VSSD_CFS/many$c" || fail "rmdir many$c"
done
rmdir "$VSSD_CFS/defaults/namespaces/1" "$VSSD_CFS/defaults" || fail "rmdir defaults"
expect_ok "rmmod vssd" rmmod vssd
[ -e "$VSSD_CFS" ] && fail "$VSSD_CFS remains after rmmod"
ls /dev/vssd* 2>/dev/null && fail "device nodes remain after rmmod"
grep -q "^vssd" /proc/slabinfo 2>/dev/null && fail "a vssd slab cache remains"
log "MemAvailable before teardown ${mem_before} kB, after $(awk '/^MemAvailable/ {print $2}' /proc/meminfo) kB"
pass
