#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failures (failslab and fail_page_alloc) injected into each
# setup and I/O step (selftests/fault_step.c marks itself around the step's
# own system calls) and into the threads that do the modules' work (the
# emulator's dispatcher and workers, the high-priority kworkers that run
# vssd_tcp's queues) while vssd and vssd_tcp load, a controller with a block
# and a KV namespace is built and powered on, local I/O runs, nvmet exports
# the namespace on a vssd_tcp port, the stock host connects and does I/O.
# Any step may fail; none may crash, warn or leak (the runner's kernel-log
# scan and kmemleak judge that), no I/O that reports success may return
# other data than was written, every round comes down again with both
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
fs=$VSSD_SRC/selftests/build/fault_step
[ -x "$fs" ] || fail "helpers not built (make -C selftests helpers)"

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

# step NAME OP ARGS...: one step through fault_step, which marks itself for
# the failures around the step's own system calls only (the shell, fork,
# exec and the 9p root stay out).  An error is what a failure may cause;
# success with wrong data never is.
step() {
	local name=$1 rc

	shift
	stage "$name"
	timeout 120 "$fs" "$@"
	rc=$?
	case $rc in
	0 | 1) return $rc ;;
	2) fail "round $r: $name: wrong data without an error" ;;
	*) fail "round $r: $name: fault_step $* exited $rc" ;;
	esac
}

# One round of setup and I/O whose allocations fail.
faulty_round() {
	local idx dev hdev c

	step load-vssd insmod "$ko/vssd.ko" || return
	step mkdir-ctrl mkdir "$ctrl" || return
	step preset write "$ctrl/preset" 970pro || return
	step mkdir-ns mkdir "$ctrl/namespaces/1" || return
	step ns-size write "$ctrl/namespaces/1/size_mb" 64 || return
	step mkdir-kv mkdir "$ctrl/namespaces/2" || return
	step kv-csi write "$ctrl/namespaces/2/csi" kv || return
	step kv-size write "$ctrl/namespaces/2/size_mb" 16 || return
	step power-on write "$ctrl/power" 1 || return
	idx=$(cat "$ctrl/index") || fail "round $r: no index of a powered controller"
	dev=$(cat "$ctrl/namespaces/1/device") || fail "round $r: no device node"
	mark_workers 1
	step local-io rw "$dev" "$tmp/pattern" 1048576
	step local-kv kv "/dev/vssd$idx" 2 key1 value1
	step load-vssd_tcp insmod "$ko/vssd_tcp.ko" || return
	step nvmet-subsystem mkdir "$subsys" || return
	step allow-any write "$subsys/attr_allow_any_host" 1 || return
	step nvmet-ns mkdir "$subsys/namespaces/1" || return
	step ns-path write "$subsys/namespaces/1/device_path" "$dev" || return
	step ns-enable write "$subsys/namespaces/1/enable" 1 || return
	step nvmet-port mkdir "$port" || return
	step trtype write "$port/addr_trtype" tcp || return
	step adrfam write "$port/addr_adrfam" ipv4 || return
	step traddr write "$port/addr_traddr" 127.0.0.1 || return
	step trsvcid write "$port/addr_trsvcid" 4420 || return
	step port-link symlink "$subsys" "$port/subsystems/$nqn" || return
	mark_workers 1
	step connect connect "nqn=$nqn,transport=tcp,traddr=127.0.0.1,trsvcid=4420,nr_io_queues=2,ctrl_loss_tmo=2,reconnect_delay=1" >/dev/null ||
		return
	c=$(host_ctrls "$nqn" | head -n 1)
	[ -n "$c" ] || return
	hdev=$(host_ns_dev "$c" 1) || return
	step host-io rw "$hdev" "$tmp/pattern" 1048576 || return
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
# The module images, and what they need, loaded from memory without faults.
ko=$(mktemp -d /dev/shm/fault-ko.XXXXXX)
on_exit rm -rf "$ko"
for m in vssd vssd_tcp; do
	cp "$(modinfo -n $m)" "$ko/$m.ko" || fail "cannot find $m.ko"
	for d in $(modinfo -F depends $m | tr , ' '); do
		[ "$d" = vssd ] || load_module "$d"
	done
done
on_exit mark_workers 0

# Sparse failures first (deep into the setup), dense ones later (early
# error paths).  The counters run on across rounds, so each round fails at
# other points.
rates=(9973 4999 1999 997 499 211 97 53 31 17 11 7 5 3 2)
start=$(date +%s)
declare -A reached=()
r=0
while [ $r -lt "$rounds" ] && [ $(($(date +%s) - start)) -lt "$budget" ]; do
	rate=${rates[r % ${#rates[@]}]}
	stage none
	fi_rate "$rate"
	faulty_round
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
