#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/vssdctl and tools/vssd-stat on the real configfs.  Eight controllers
# (presets, custom parameters, worker_cpus, NVM, KV and zoned namespaces,
# two powered off), one namespace exported through nvmet: save; clear
# refuses the exported controller, naming it, and removes the others; with
# the export gone clear removes it too; restore, save again: the same file
# but for the indices; files refused up front (not JSON, an unknown
# attribute) and partway (a value, a power on the kernel refuses) exit 1
# and leave configfs as it was; vssd-stat -o json shows the writes of dd on
# a restored namespace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"
. "$(dirname "$0")/lib_nvmet.sh"

require_cmd python3 dd
vssdctl=$VSSD_SRC/tools/vssdctl
vssd_stat=$VSSD_SRC/tools/vssd-stat
vssd_load
for f in model-zero model-simple model-ssd preset-970pro preset-optane kv zns; do
	vssd_has "$f" || skip "this build has no $f"
done
[ -z "$(find "$VSSD_CFS" -mindepth 1 -maxdepth 1 -type d)" ] ||
	fail "controllers exist before the test: $(ls "$VSSD_CFS")"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
# Last of the cleanups (registered first): whatever vssdctl left.
on_exit "$vssdctl" clear

# ctrl NAME [ATTR=VALUE...]; ns CTRL NSID [ATTR=VALUE...]: as vssd_ctrl and
# vssd_ns, without their cleanups (vssdctl clear removes everything).
ctrl() {
	local name="$1" kv

	shift
	mkdir "$VSSD_CFS/$name" || fail "cannot create controller $name"
	for kv in "$@"; do
		echo "${kv#*=}" >"$VSSD_CFS/$name/${kv%%=*}" ||
			fail "controller $name: attribute $kv refused"
	done
}
ns() {
	local dir="$VSSD_CFS/$1/namespaces/$2" kv

	shift 2
	mkdir "$dir" || fail "cannot create namespace $dir"
	for kv in "$@"; do
		echo "${kv#*=}" >"$dir/${kv%%=*}" || fail "namespace $dir: attribute $kv refused"
	done
}
# cfs_dump FILE: every directory and attribute under $VSSD_CFS with its
# value, but stats (counters) and zone_fail (write-only); one process, not
# one cat per attribute.
cfs_dump() {
	python3 - "$VSSD_CFS" "$1" <<'EOF' || fail "cannot dump $VSSD_CFS"
import os, sys
root, lines = sys.argv[1], []
for top, dirs, files in os.walk(root):
    for name in dirs + files:
        if name in ("stats", "zone_fail"):
            continue
        path = os.path.join(top, name)
        rel = os.path.relpath(path, root)
        if os.path.isdir(path):
            lines.append(f"d {rel}")
            continue
        try:
            with open(path, errors="replace") as f:
                value = f.read().rstrip("\n")
        except OSError as e:
            value = f"<{e.strerror}>"
        lines.append(f"f {rel}: {value}")
with open(sys.argv[2], "w") as out:
    out.write("\n".join(sorted(lines)) + "\n")
EOF
}
# ctrl_dirs: the controllers, sorted, on one line.
ctrl_dirs() {
	find "$VSSD_CFS" -mindepth 1 -maxdepth 1 -type d -printf '%f ' | tr ' ' '\n' | sort | tr '\n' ' '
}

# 1. Eight controllers; powered on out of name order.
ctrl t0
ns t0 1 size_mb=64
ns t0 2 block_size=4096 size_mb=32
ctrl t1 preset=optane worker_cpus=0
ns t1 1 csi=kv size_mb=16 kv_max_value=65536 kv_max_keys=1000
ctrl t2 model=simple read_latency_ns=50000 write_mbps=1000
ns t2 1 csi=zns size_mb=256 zone_size_mb=16 zone_capacity_mb=12 max_open_zones=4 \
	max_active_zones=6
ctrl t3 model=zero nr_io_queues=2 queue_depth=64 poll=1 worker_cpus=0
ns t3 1 size_mb=8
ns t3 2 csi=kv kv_compat=1 size_mb=8
ns t3 3 csi=zns size_mb=128 zone_size_mb=32
ns t3 4 uuid=0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9 size_mb=2
ctrl t4 channels=4 program_ns=200000 op_percent=20 dispatcher_cpu=0 kv_index_ns=500
ns t4 1 size_mb=128
ctrl t5 preset=optane write_latency_ns=20000
ctrl t6 max_transfer_kb=128
ns t6 1 csi=kv size_mb=64 kv_max_value=131072
ctrl t7 preset=970pro
ns t7 1 csi=zns block_size=4096 size_mb=256 zone_size_mb=64
ns t7 7 size_mb=4
for c in t4 t0 t2 t1 t7 t6; do
	echo 1 >"$VSSD_CFS/$c/power" || fail "cannot power on $c"
done
expect_eq "index of t4" 0 "$(cat "$VSSD_CFS/t4/index")"

# 2. Export t4's namespace through nvmet: it holds the block device open.
tcp_stack
nqn=nqn.2026-11.io.vssd:tools
nvmet_subsys "$nqn"
nvmet_ns "$nqn" 1 "$(vssd_blkdev t4 1)"

# 3. save.
"$vssdctl" save "$tmp/s1.json" 2>"$tmp/err" || fail "save: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "save wrote to stderr: $(cat "$tmp/err")"
python3 - "$tmp/s1.json" <<'EOF' || fail "the saved file: $(cat "$tmp/s1.json")"
import json, sys
c = json.load(open(sys.argv[1]))["controllers"]
names = [x["name"] for x in c]
assert names == ["t4", "t0", "t2", "t1", "t7", "t6", "t3", "t5"], names
by = {x["name"]: x for x in c}
assert by["t1"]["preset"] == "optane" and by["t1"]["worker_cpus"] == "0", by["t1"]
assert by["t2"]["preset"] == "custom" and by["t2"]["params"]["read_latency_ns"] == 50000
assert by["t4"]["params"]["channels"] == 4 and by["t4"]["power"] == 1
assert by["t3"]["power"] == 0 and by["t3"]["params"]["poll"] == 1
assert by["t2"]["namespaces"][0]["csi"] == "zns"
assert by["t2"]["namespaces"][0]["zone_capacity_mb"] == 12
assert by["t1"]["namespaces"][0]["csi"] == "kv"
assert by["t1"]["namespaces"][0]["kv_max_keys"] == 1000
assert by["t3"]["namespaces"][3]["uuid"] == "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"
EOF

# 4. clear: the exported controller cannot power off; it is named, stays,
# and the others go.  Without the export clear removes it too.
"$vssdctl" clear 2>"$tmp/err" && fail "clear succeeded while t4 is exported"
grep -q "controller t4: cannot power off: Device or resource busy" "$tmp/err" ||
	fail "clear does not name t4: $(cat "$tmp/err")"
expect_eq "controllers left by clear" "t4 " "$(ctrl_dirs)"
expect_eq "t4 still powered" 1 "$(cat "$VSSD_CFS/t4/power")"
ns_dir=$NVMET/subsystems/$nqn/namespaces/1
echo 0 >"$ns_dir/enable" || fail "disable the nvmet namespace"
rmdir "$ns_dir" "$NVMET/subsystems/$nqn" || fail "remove the nvmet subsystem"
"$vssdctl" clear 2>"$tmp/err" || fail "clear without the export: $(cat "$tmp/err")"
expect_eq "controllers after clear" "" "$(ctrl_dirs)"

# 5. restore, save again: the same file, indices aside.
"$vssdctl" restore "$tmp/s1.json" 2>"$tmp/err" || fail "restore: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && log "restore said: $(cat "$tmp/err")"
"$vssdctl" save "$tmp/s2.json" || fail "second save"
python3 - "$tmp/s1.json" "$tmp/s2.json" <<'EOF' || fail "save after restore differs: $(diff "$tmp/s1.json" "$tmp/s2.json")"
import json, sys
def load(p):
    cfg = json.load(open(p))
    for c in cfg["controllers"]:
        c.pop("index", None)
    return cfg
sys.exit(load(sys.argv[1]) != load(sys.argv[2]))
EOF
if cmp -s "$tmp/s1.json" "$tmp/s2.json"; then
	log "every index as saved"
else
	log "indices differ from those saved"
fi
for c in t0 t1 t2 t4 t6 t7; do
	expect_eq "$c powered" 1 "$(cat "$VSSD_CFS/$c/power")"
done
expect_eq "t3 powered" 0 "$(cat "$VSSD_CFS/t3/power")"

# 6. Broken files: exit 1, the message, configfs unchanged.
cfs_dump "$tmp/before"
# broken NAME PYTHON: s1.json, controllers renamed (n...), PYTHON applied
# to cfg and c (the controllers by name).
broken() {
	python3 - "$tmp/s1.json" "$tmp/$1.json" "$2" <<'EOF' || fail "making $1.json"
import json, sys
cfg = json.load(open(sys.argv[1]))
for x in cfg["controllers"]:
    x["name"] = "n" + x["name"]
c = {x["name"]: x for x in cfg["controllers"]}
exec(sys.argv[3])
json.dump(cfg, open(sys.argv[2], "w"), indent=2)
EOF
}
# refused WHAT FILE PATTERN
refused() {
	"$vssdctl" restore "$2" >/dev/null 2>"$tmp/err" && fail "$1: restore succeeded"
	grep -q -- "$3" "$tmp/err" || fail "$1: no '$3' in: $(cat "$tmp/err")"
	cfs_dump "$tmp/after"
	diff -u "$tmp/before" "$tmp/after" >"$tmp/diff" ||
		fail "$1: configfs changed: $(head -n 20 "$tmp/diff")"
	log "$1: refused: $(head -n 1 "$tmp/err")"
}
head -c 200 "$tmp/s1.json" >"$tmp/truncated.json"
refused "truncated file" "$tmp/truncated.json" "not JSON"
refused "existing controllers" "$tmp/s1.json" "controller t0: exists already"
broken unknown 'c["nt2"]["namespaces"][0]["zone_sizemb"] = 16'
refused "unknown attribute" "$tmp/unknown.json" "unknown key 'zone_sizemb'"
broken value 'c["nt5"]["params"]["channels"] = 65'
refused "channels=65" "$tmp/value.json" "controller nt5: channels=65: Invalid argument"
broken power 'c["nt7"]["namespaces"][0]["zone_size_mb"] = 48'
refused "zone size 48 at power on" "$tmp/power.json" "controller nt7: power=1: Invalid argument"

# 7. vssd-stat while dd writes to t0's first namespace.
dev=$(vssd_blkdev t0 1)
[ -b "$dev" ] || fail "t0 namespace 1 has no block device after restore"
timeout 60 bash -c "while :; do dd if=/dev/zero of=$dev bs=4k count=4096 oflag=direct status=none || exit 1; done" &
dd_pid=$!
on_exit kill "$dd_pid"
sleep 0.5
timeout 60 "$vssd_stat" -o json -c 2 t0 0.5 >"$tmp/stat.json" 2>"$tmp/err" ||
	fail "vssd-stat exited $?: $(cat "$tmp/err")"
kill "$dd_pid"
wait "$dd_pid" 2>/dev/null
log "vssd-stat: $(tail -n 1 "$tmp/stat.json")"
python3 - "$tmp/stat.json" <<'EOF' || fail "vssd-stat's JSON: $(cat "$tmp/stat.json")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
first, second = (json.loads(line) for line in lines)
assert first["interval_s"] is None and second["interval_s"] == 0.5
(row,) = second["controllers"]
assert row["name"] == "t0" and row["write_iops"] > 0 and row["writes"] > 0, row
assert row["write_mbps"] > 0 and row["bytes_written"] >= 4096, row
EOF
"$vssd_stat" -c 1 >"$tmp/stat.txt" || fail "vssd-stat text"
grep -q "^t0 " "$tmp/stat.txt" || fail "vssd-stat text has no t0 row: $(cat "$tmp/stat.txt")"
grep -q "^t3 " "$tmp/stat.txt" && fail "vssd-stat reports t3, which is powered off"

# 8. clear leaves nothing.
"$vssdctl" clear 2>"$tmp/err" || fail "final clear: $(cat "$tmp/err")"
expect_eq "controllers after the last clear" "" "$(ctrl_dirs)"
pass
