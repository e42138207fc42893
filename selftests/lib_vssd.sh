# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers to create emulated controllers through configfs
# (/sys/kernel/config/vssd).  Source after lib.sh; everything made is undone
# at exit (power off, then the directories).

VSSD_CFS=$CONFIGFS/vssd

# vssd_load: load vssd.ko for this test and check the configfs root exists.
vssd_load() {
	load_module vssd
	[ -r "$VSSD_CFS/features" ] || fail "no $VSSD_CFS/features after loading vssd"
}

# vssd_has FEATURE: the loaded build lists FEATURE in "features".
vssd_has() {
	grep -qw -- "$1" "$VSSD_CFS/features"
}

# vssd_ctrl NAME [ATTR=VALUE...]: a controller, attributes set in order.
vssd_ctrl() {
	local name="$1" kv

	shift
	mkdir "$VSSD_CFS/$name" || fail "cannot create controller $name"
	on_exit rmdir "$VSSD_CFS/$name"
	for kv in "$@"; do
		echo "${kv#*=}" >"$VSSD_CFS/$name/${kv%%=*}" ||
			fail "controller $name: attribute $kv refused"
	done
}

# vssd_ns CTRL NSID [ATTR=VALUE...]: a namespace of a powered-off controller.
vssd_ns() {
	local ctrl="$1" nsid="$2" dir="$VSSD_CFS/$1/namespaces/$2" kv

	shift 2
	mkdir "$dir" || fail "cannot create namespace $nsid of $ctrl"
	on_exit rmdir "$dir"
	for kv in "$@"; do
		echo "${kv#*=}" >"$dir/${kv%%=*}" ||
			fail "namespace $ctrl/$nsid: attribute $kv refused"
	done
}

# vssd_power_on CTRL: power it on (off again at exit); sets VSSD_INDEX and
# VSSD_CHR (/dev/vssdN).  Do not call inside $(...).
vssd_power_on() {
	echo 1 >"$VSSD_CFS/$1/power" || fail "cannot power on $1"
	on_exit sh -c "echo 0 > $VSSD_CFS/$1/power"
	VSSD_INDEX=$(cat "$VSSD_CFS/$1/index")
	VSSD_CHR=/dev/vssd$VSSD_INDEX
	[ -c "$VSSD_CHR" ] || fail "$VSSD_CHR does not exist after power on"
}

# vssd_blkdev CTRL NSID: the block device node of a live namespace.
vssd_blkdev() {
	cat "$VSSD_CFS/$1/namespaces/$2/device"
}

# vssd_stat CTRL KEY: one value from the controller's stats.
vssd_stat() {
	awk -v k="$2" '$1 == k { print $2 }' "$VSSD_CFS/$1/stats"
}

# vssd_ns_stat CTRL NSID KEY: one value from a namespace's stats.
vssd_ns_stat() {
	awk -v k="$3" '$1 == k { print $2 }' "$VSSD_CFS/$1/namespaces/$2/stats"
}

# vssd_smart DEV FIELD: a field of "nvme smart-log -o json" (numbers only).
vssd_smart() {
	nvme smart-log "$1" -o json | python3 -c \
		'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# vssd_kv_room DEV NSID: bytes a KV namespace can still take, NSZE - NUSE
# of its KV Identify Namespace (CNS 05h, CSI 01h); NUSE is the RAM its keys
# are charged (Documentation/kv.rst, Capacity).  DEV: a controller node.
vssd_kv_room() {
	nvme admin-passthru "$1" --opcode=0x06 --namespace-id="$2" --cdw10=5 \
		--cdw11=$((1 << 24)) --data-len=4096 -r -b 2>/dev/null | python3 -c \
		'import struct,sys; d=sys.stdin.buffer.read(); print(struct.unpack_from("<Q", d, 0)[0] - struct.unpack_from("<Q", d, 16)[0])'
}

# vssd_kv_bad_key_sizes DEV NSID: Exist and Store with keys of 0 and 17
# bytes, sent through the passthrough ioctl, get Invalid Key Size (SCT 0h,
# SC 86h).  DEV: a node that takes I/O passthrough for NSID.
vssd_kv_bad_key_sizes() {
	python3 - "$VSSD_SRC/selftests" "$1" "$2" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from nvme_ioctl import Device
d, nsid = Device(sys.argv[2]), int(sys.argv[3])
for klen in (0, 17):
    c = d.io(0x14, nsid, {11: klen, 2: 0x41414141, 3: 0x41414141})
    assert c.code == 0x086, "Exist, key size %d: %r" % (klen, c)
    c = d.io(0x01, nsid, {10: 1, 11: klen, 2: 0x41414141}, data=b"v")
    assert c.code == 0x086, "Store, key size %d: %r" % (klen, c)
PY
}
