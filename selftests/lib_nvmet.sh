# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers to build an nvmet target (configfs) and connect the stock Linux
# host to it.  Source after lib.sh; everything made is undone at exit.

NVMET=$CONFIGFS/nvmet

# nvmet_subsys NQN: a subsystem any host may use.
nvmet_subsys() {
	mkdir "$NVMET/subsystems/$1" || fail "cannot create subsystem $1"
	on_exit rmdir "$NVMET/subsystems/$1"
	echo 1 >"$NVMET/subsystems/$1/attr_allow_any_host"
}

# nvmet_allow_host NQN HOSTNQN: the subsystem serves that host only; sets
# HOSTDIR to the host's configfs directory (its dhchap_* attributes).
nvmet_allow_host() {
	HOSTDIR="$NVMET/hosts/$2"
	echo 0 >"$NVMET/subsystems/$1/attr_allow_any_host"
	mkdir "$HOSTDIR" || fail "cannot create host $2"
	on_exit rmdir "$HOSTDIR"
	ln -s "$HOSTDIR" "$NVMET/subsystems/$1/allowed_hosts/$2" || fail "cannot allow $2"
	on_exit rm -f "$NVMET/subsystems/$1/allowed_hosts/$2"
}

# nvmet_ns NQN NSID PATH [ATTR=VALUE...]: a namespace on a device or file.
nvmet_ns() {
	local nqn="$1" nsid="$2" path="$3" dir kv

	dir="$NVMET/subsystems/$nqn/namespaces/$nsid"
	shift 3
	mkdir "$dir" || fail "cannot create namespace $nsid"
	on_exit rmdir "$dir"
	echo "$path" >"$dir/device_path" || fail "device_path $path refused"
	for kv in "$@"; do
		echo "${kv#*=}" >"$dir/${kv%%=*}" || fail "namespace attribute $kv refused"
	done
	echo 1 >"$dir/enable" || fail "cannot enable namespace $nsid ($path)"
	on_exit sh -c "echo 0 > $dir/enable"
}

# nvmet_port ID ipv4|ipv6 ADDR SVC [ATTR=VALUE...]
nvmet_port() {
	local id="$1" fam="$2" addr="$3" svc="$4" dir="$NVMET/ports/$1" kv

	shift 4
	mkdir "$dir" || fail "cannot create port $id"
	on_exit rmdir "$dir"
	echo tcp >"$dir/addr_trtype"
	echo "$fam" >"$dir/addr_adrfam"
	echo "$addr" >"$dir/addr_traddr"
	echo "$svc" >"$dir/addr_trsvcid"
	for kv in "$@"; do
		echo "${kv#*=}" >"$dir/${kv%%=*}" || fail "port attribute $kv refused"
	done
}

# nvmet_link PORT NQN: export the subsystem on the port (enables it).
nvmet_link() {
	ln -s "$NVMET/subsystems/$2" "$NVMET/ports/$1/subsystems/$2" ||
		fail "cannot link $2 to port $1"
	on_exit rm -f "$NVMET/ports/$1/subsystems/$2"
}

nvmet_unlink() {
	rm -f "$NVMET/ports/$1/subsystems/$2"
}

# host_ctrl NQN: the host controller names (nvmeN) connected to NQN.
host_ctrls() {
	local c

	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/subsysnqn" ] || continue
		[ "$(cat "$c/subsysnqn")" = "$1" ] && basename "$c"
	done
}

# host_connect NQN ADDR SVC [nvme connect options]: sets CTRL to the new
# controller (not in a subshell: the disconnect is registered for exit).
host_connect() {
	local nqn="$1" addr="$2" svc="$3" before c

	shift 3
	CTRL=""
	before=" $(host_ctrls "$nqn" | tr '\n' ' ') "
	nvme connect -t tcp -a "$addr" -s "$svc" -n "$nqn" "$@" >/dev/null 2>&1 || return 1
	on_exit nvme disconnect -n "$nqn"
	for c in $(host_ctrls "$nqn"); do
		case "$before" in *" $c "*) ;; *) CTRL=$c ;; esac
	done
	[ -n "$CTRL" ]
}

# host_ns_dev CTRL NSID: the block device of a namespace (waits for it).
host_ns_dev() {
	local ctrl="$1" nsid="$2" p name

	for _ in $(seq 100); do
		# By the nsid attribute: the instance number in the name
		# follows the host's scan order, not the nsid (6.12 differs).
		for p in /sys/class/nvme/"$ctrl"/nvme*n*; do
			[ "$(cat "$p/nsid" 2>/dev/null)" = "$nsid" ] || continue
			name=$(basename "$p")
			# With native multipath the path is nvmeXcYnZ, the disk nvmeXnZ.
			name=$(echo "$name" | sed 's/c[0-9]*n/n/')
			if [ -b "/dev/$name" ]; then
				echo "/dev/$name"
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}

# verify_rw DEV MIB: random data written with O_DIRECT reads back equal.
verify_rw() {
	local dev="$1" mib="$2" a b

	a=$(mktemp) b=$(mktemp)
	dd if=/dev/urandom of="$a" bs=1M count="$mib" status=none
	dd if="$a" of="$dev" bs=1M oflag=direct status=none || { rm -f "$a" "$b"; return 1; }
	dd if="$dev" of="$b" bs=1M count="$mib" iflag=direct status=none || { rm -f "$a" "$b"; return 1; }
	cmp -s "$a" "$b"
	local rc=$?
	rm -f "$a" "$b"
	return $rc
}

# run_fio NAME ARGS...: fio must exit 0 and report no errors.
run_fio() {
	local name="$1" out

	shift
	out=$(fio --name="$name" --ioengine=libaio --direct=1 --group_reporting "$@" 2>&1)
	local rc=$?
	echo "$out" | grep -E 'err=|IOPS=|verify' | sed 's/^/# fio: /'
	[ $rc = 0 ] || { echo "$out" | tail -n 20 | sed 's/^/# fio: /'; return 1; }
	echo "$out" | grep -q 'err= 0' || return 1
	return 0
}

# tcp_stack: the modules a target + host test needs.
tcp_stack() {
	unload_module nvmet_tcp
	load_module vssd_tcp
	load_module nvme_tcp
}

# tcp_stack_alone: the same without vssd.ko, which block and file
# namespaces do not need.
tcp_stack_alone() {
	unload_module vssd_tcp || fail "cannot unload vssd_tcp before the test"
	unload_module vssd || fail "cannot unload vssd before the test"
	tcp_stack
	module_loaded vssd && fail "loading vssd_tcp loaded vssd.ko"
}

# debug_queue_log: turn on vssd_tcp's per-queue debug lines for this test.
debug_queue_log() {
	local ctl=/sys/kernel/debug/dynamic_debug/control

	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	[ -w "$ctl" ] || return 1
	echo 'module vssd_tcp +p' >"$ctl"
	on_exit sh -c "echo 'module vssd_tcp -p' > $ctl"
}

# integrity_fio DEV: random writes then verification (crc32c) with block
# sizes from the logical block size (512 B or 4 KiB) to 1 MiB, at QD1, QD32
# and with several jobs, each on a region of its own in the first 160 MiB.
integrity_fio() {
	local dev="$1" lbs

	lbs=$(cat "/sys/block/$(basename "$dev")/queue/logical_block_size")
	log "logical block size of $dev: $lbs"
	run_fio qd1-bsrange --filename="$dev" --rw=randwrite --bsrange="$lbs"-1m \
		--iodepth=1 --offset=0 --size=24M --verify=crc32c --verify_fatal=1 ||
		return 1
	run_fio qd32-mixed --filename="$dev" --rw=randwrite \
		--bssplit="$lbs"/10:8k/30:16k/20:64k/20:128k/10:1m/10 \
		--iodepth=32 --offset=32M --size=48M --verify=crc32c --verify_fatal=1 ||
		return 1
	run_fio jobs4 --filename="$dev" --rw=randwrite --bsrange=4k-64k \
		--iodepth=8 --numjobs=4 --offset=96M --size=16M --offset_increment=16M \
		--verify=crc32c --verify_fatal=1 || return 1
}

# export_and_connect NQN PATH [NS-ATTR=VALUE...]: export PATH on 127.0.0.1
# (port 1, 4420), connect; sets DEV to the host's block device.
export_and_connect() {
	local nqn="$1" path="$2"

	shift 2
	nvmet_subsys "$nqn"
	nvmet_ns "$nqn" 1 "$path" "$@"
	nvmet_port 1 ipv4 127.0.0.1 4420
	nvmet_link 1 "$nqn"
	host_connect "$nqn" 127.0.0.1 4420 -i 2 -Q 64 || fail "connect to $nqn failed"
	# DEV is the result, read by the test that sources this file.
	# shellcheck disable=SC2034
	DEV=$(host_ns_dev "$CTRL" 1) || fail "no namespace device on $CTRL"
}
