#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failures (failslab and fail_page_alloc) injected into the test's
# own processes and into the threads that do the modules' work (the
# emulator's dispatcher and workers, the high-priority kworkers that run
# vssd_tcp's queues) while vssd and vssd_tcp load, a controller with a block
# and a KV namespace is built and powered on, local I/O runs, nvmet exports
# the namespace on a vssd_tcp port, the stock host connects and does I/O.
# Any step may fail; none may crash, warn or leak (the runner's kernel-log
# scan and kmemleak judge that), every round comes down again with both
# modules unloaded, and the same setup without faults then works.
# Needs a kernel with fault injection (make check-debug); skipped elsewhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

dbg=/sys/kernel/debug
mountpoint -q "$dbg" || mount -t debugfs none "$dbg"
[ -d "$dbg/failslab" ] && [ -d "$dbg/fail_page_alloc" ] ||
	skip "no failslab / fail_page_alloc in this kernel (make check-debug has them)"
require_cmd nvme dd cmp
kv=$VSSD_SRC/selftests/build/vssd-kv
[ -x "$kv" ] || fail "helpers not built (make -C selftests helpers)"

rounds=${VSSD_FAULT_ROUNDS:-40}
budget=${VSSD_FAULT_SECONDS:-600}
nqn=nqn.2026-12.io.vssd:fault
ctrl=$VSSD_CFS/fault
port=$NVMET/ports/1
subsys=$NVMET/subsystems/$nqn
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
many=1000000000

# Forced failures make allocation sites without __GFP_NOWARN print
# warn_alloc reports: the runner leaves those (only those) out of its scan.
touch /run/vssd-alloc-failures-expected

fi_knob() {
	echo "$3" >"$dbg/$1/$2" || fail "cannot set $1/$2 to $3"
}

for f in failslab fail_page_alloc; do
	fi_knob $f probability 0
	on_exit sh -c "echo 0 > $dbg/$f/probability"
	fi_knob $f task-filter Y
	fi_knob $f verbose 0
	fi_knob $f space 0
	fi_knob $f times $many
	fi_knob $f ignore-gfp-wait N
done
# User pages (highmem-capable) stay out: a failed page fault only retries.
fi_knob fail_page_alloc ignore-gfp-highmem Y
fi_knob fail_page_alloc min-order 0

# fi_rate N: fail every Nth allocation of the marked tasks.
fi_rate() {
	local f

	for f in failslab fail_page_alloc; do
		fi_knob $f interval "$1"
		fi_knob $f probability "$([ "$1" = 0 ] && echo 0 || echo 100)"
	done
}

# mark_workers 0|1: the module's threads and the high-priority kworkers
# (vssd_tcp's workqueue, WQ_HIGHPRI) take part in the failures or not.
mark_workers() {
	local p comm

	for p in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$p/comm" || continue
		case "$comm" in
		vssd[0-9]*-*|kworker/*H*) echo "$1" >"$p/make-it-fail" 2>/dev/null ;;
		esac
	done
}

stage() {
	echo "$1" >"$tmp/stage"
}

# One round of setup and I/O; runs in a subshell whose allocations fail.
faulty_round() {
	local idx dev hdev c

	echo 1 >/proc/self/make-it-fail || return
	stage load-vssd
	modprobe vssd 2>/dev/null || return
	stage mkdir-ctrl
	mkdir "$ctrl" 2>/dev/null || return
	echo 970pro >"$ctrl/preset" 2>/dev/null || return
	stage mkdir-ns
	mkdir "$ctrl/namespaces/1" 2>/dev/null || return
	echo 64 >"$ctrl/namespaces/1/size_mb" 2>/dev/null || return
	mkdir "$ctrl/namespaces/2" 2>/dev/null || return
	echo kv >"$ctrl/namespaces/2/csi" 2>/dev/null || return
	echo 16 >"$ctrl/namespaces/2/size_mb" 2>/dev/null || return
	stage power-on
	echo 1 >"$ctrl/power" 2>/dev/null || return
	idx=$(cat "$ctrl/index" 2>/dev/null) || return
	dev=$(cat "$ctrl/namespaces/1/device" 2>/dev/null) || return
	mark_workers 1
	stage local-io
	dd if="$tmp/pattern" of="$dev" bs=64k oflag=direct status=none 2>/dev/null &&
		dd if="$dev" of="$tmp/back" bs=64k count=16 iflag=direct status=none 2>/dev/null
	"$kv" --nsid 2 "/dev/vssd$idx" put key1 value1 >/dev/null 2>&1 &&
		"$kv" --nsid 2 "/dev/vssd$idx" get key1 >/dev/null 2>&1
	stage load-vssd_tcp
	modprobe vssd_tcp 2>/dev/null || return
	stage nvmet-subsystem
	mkdir "$subsys" 2>/dev/null || return
	echo 1 >"$subsys/attr_allow_any_host" 2>/dev/null || return
	mkdir "$subsys/namespaces/1" 2>/dev/null || return
	echo "$dev" >"$subsys/namespaces/1/device_path" 2>/dev/null || return
	echo 1 >"$subsys/namespaces/1/enable" 2>/dev/null || return
	stage nvmet-port
	mkdir "$port" 2>/dev/null || return
	echo tcp >"$port/addr_trtype" && echo ipv4 >"$port/addr_adrfam" &&
		echo 127.0.0.1 >"$port/addr_traddr" && echo 4420 >"$port/addr_trsvcid" || return
	ln -s "$subsys" "$port/subsystems/$nqn" 2>/dev/null || return
	mark_workers 1
	stage connect
	timeout 120 nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$nqn" -i 2 -l 2 -c 1 \
		>/dev/null 2>&1 || return
	stage host-io
	c=$(host_ctrls "$nqn" | head -n 1)
	[ -n "$c" ] || return
	hdev=$(host_ns_dev "$c" 1) || return
	timeout 120 dd if="$tmp/pattern" of="$hdev" bs=64k oflag=direct status=none 2>/dev/null &&
		timeout 120 dd if="$hdev" of="$tmp/back" bs=64k count=16 iflag=direct status=none 2>/dev/null
	stage "done"
}

# Everything a round may have left, taken down without faults; any refusal
# (a reference or an object the failed step forgot) fails the test.
teardown() {
	local c ns

	mark_workers 0
	for c in $(host_ctrls "$nqn"); do
		nvme disconnect -d "$c" >/dev/null 2>&1 || fail "round $1: cannot disconnect $c"
	done
	if [ -L "$port/subsystems/$nqn" ]; then
		rm -f "$port/subsystems/$nqn" || fail "round $1: cannot unlink the port"
	fi
	if [ -d "$subsys/namespaces/1" ]; then
		echo 0 >"$subsys/namespaces/1/enable"
		rmdir "$subsys/namespaces/1" || fail "round $1: cannot remove the nvmet namespace"
	fi
	if [ -d "$subsys" ]; then
		rmdir "$subsys" || fail "round $1: cannot remove the subsystem"
	fi
	if [ -d "$port" ]; then
		rmdir "$port" || fail "round $1: cannot remove the port"
	fi
	if [ -d "$ctrl" ]; then
		if [ "$(cat "$ctrl/power")" = 1 ]; then
			echo 0 >"$ctrl/power" || fail "round $1: the controller refuses to power off"
		fi
		for ns in "$ctrl"/namespaces/*; do
			[ -d "$ns" ] || continue
			rmdir "$ns" || fail "round $1: cannot remove $ns"
		done
		rmdir "$ctrl" || fail "round $1: cannot remove the controller"
	fi
	unload_module vssd_tcp || fail "round $1: vssd_tcp does not unload"
	unload_module vssd || fail "round $1: vssd does not unload"
	[ "$(cat /sys/module/nvmet/refcnt 2>/dev/null || echo 0)" = 0 ] ||
		fail "round $1: nvmet still has references after vssd_tcp left"
}

for m in vssd_tcp vssd; do
	unload_module "$m" || fail "cannot unload $m before the test"
done
unload_module nvmet_tcp
load_module nvmet
load_module nvme_tcp
head -c 1M /dev/urandom >"$tmp/pattern"
on_exit mark_workers 0

# Sparse failures first (deep into the setup), dense ones later (early
# error paths).  The counters run on across rounds, so each round fails at
# other points.
rates=(997 499 211 97 53 31 17 11 7 5 3 2)
start=$(date +%s)
declare -A reached=()
r=0
while [ $r -lt "$rounds" ] && [ $(($(date +%s) - start)) -lt "$budget" ]; do
	rate=${rates[r % ${#rates[@]}]}
	stage none
	fi_rate "$rate"
	(faulty_round)
	fi_rate 0
	s=$(cat "$tmp/stage")
	reached[$s]=$((${reached[$s]:-0} + 1))
	log "round $r (every ${rate}th allocation fails): reached $s"
	teardown "$r"
	r=$((r + 1))
done
injected=0
for f in failslab fail_page_alloc; do
	left=$(cat "$dbg/$f/times")
	log "$f: $((many - left)) failures injected"
	injected=$((injected + many - left))
done
log "$r rounds in $(($(date +%s) - start)) s; furthest stage reached:" \
	"$(for s in "${!reached[@]}"; do printf '%s=%s ' "$s" "${reached[$s]}"; done)"
[ "$injected" -gt 0 ] || fail "no allocation failure was injected"
[ -n "${reached[done]:-}${reached[host-io]:-}${reached[connect]:-}" ] ||
	fail "no round got as far as connecting: the rates are too dense"

# The same setup without faults works, and everything comes down again.
vssd_load
vssd_ctrl fault preset=970pro
vssd_ns fault 1 size_mb=64
vssd_power_on fault
dev=$(vssd_blkdev fault 1)
verify_rw "$dev" 4 || fail "local data does not read back after the faulty rounds"
tcp_stack
export_and_connect "$nqn" "$dev"
verify_rw "$DEV" 4 || fail "data over NVMe/TCP does not read back after the faulty rounds"
pass
