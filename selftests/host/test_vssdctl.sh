#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vssdctl on the host, against fake_configfs.py (vssd's configfs acted out
# on a directory: attribute files on mkdir, values checked, power and
# held controllers):
#   - it compiles, --help lists save, restore and clear; its attribute
#     lists match params.h and the configfs attribute tables;
#   - 8 controllers (presets, custom parameters, worker_cpus, NVM, KV and
#     zoned namespaces, powered on out of name order, one powered off):
#     save, clear (refused for a held controller, which it names, the
#     others removed; then all), restore, save again: the same JSON and
#     the same tree, indices included;
#   - files refused before anything changes (not JSON, unknown keys,
#     wrong types, existing controllers) and files the kernel refuses
#     partway (a parameter value, a namespace value, worker_cpus, a power
#     on): exit 1, the message names the attribute and value, and the
#     tree is exactly as before;
#   - a hand-written minimal file, save to a new directory, clear by name,
#     an attribute vssdctl does not know is named on save;
#   - the systemd unit has the documented lines.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export PYTHONDONTWRITEBYTECODE=1 VSSD_SRC="$top"
ctl=$top/tools/vssdctl
fake=$top/selftests/host/fake_configfs.py
root=$tmp/vssd
export VSSD_CONFIGFS="$root" VSSD_CONFIGFS_FAKE="$fake"
fk() { python3 "$fake" --root "$root" "$@" || fail "fake_configfs $*"; }
dump() { python3 "$fake" --root "$root" dump >"$1" || fail "dump"; }

# 1. It compiles; --help; the attribute lists match the kernel's sources.
for f in "$ctl" "$top/tools/vssd-stat" "$fake"; do
	python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
		"$f" "$tmp/compiled.pyc" || fail "$f does not compile"
done
[ -x "$ctl" ] || fail "$ctl is not executable"
"$ctl" --help >"$tmp/help" 2>&1 || fail "--help exited $?"
for c in save restore clear; do
	grep -q "^    $c " "$tmp/help" || fail "--help does not list $c: $(cat "$tmp/help")"
	"$ctl" "$c" --help >/dev/null 2>&1 || fail "$c --help exited $?"
done
python3 - "$ctl" "$top" <<'EOF' || fail "vssdctl's attribute lists differ from the kernel's"
import importlib.machinery, importlib.util, re, sys
ctl, top = sys.argv[1:]
loader = importlib.machinery.SourceFileLoader("vssdctl", ctl)
spec = importlib.util.spec_from_loader("vssdctl", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
src = lambda p: open(f"{top}/{p}").read()
params = re.findall(r"X\((\w+), -?\d+,", src("include/vssd/params.h"))
cfs = src("drivers/vssd/configfs.c")
ctrl_attrs = re.findall(r"&vssd_ctrl_attr_(\w+)\)?,", cfs)
ns_attrs = re.findall(r"&vssd_ns_attr_(\w+),", cfs) + re.findall(r"= &vssd_ns_attr_(\w+);", cfs)
ns_attrs += re.findall(r"&vssd_kv_ns_attr_(\w+),", src("kv/configfs.c"))
ns_attrs += re.findall(r"&vssd_zns_ns_attr_(\w+),", src("zns/configfs.c"))
ok = True
def same(what, mine, theirs):
    global ok
    if sorted(mine) != sorted(theirs):
        print(f"{what}: vssdctl {sorted(mine)}, kernel {sorted(theirs)}")
        ok = False
same("parameters", m.CTRL_PARAMS, params)
if list(m.CTRL_PARAMS) != params:
    print("parameters: not in params.h's order"); ok = False
same("controller attributes", m.CTRL_OWN_KEYS + m.CTRL_NOT_SAVED, ctrl_attrs)
same("namespace attributes", list(m.NS_ATTRS) + list(m.NS_NOT_SAVED), ns_attrs)
sys.exit(0 if ok else 1)
EOF

# 2. Eight controllers, as mkdir and echo would make them.
fk init
# ctrl NAME [ATTR=VALUE...]; ns CTRL NSID [ATTR=VALUE...]: the lines of
# fake_configfs.py's batch, run together below.
ctrl() {
	local name="$1" kv

	shift
	echo "mkdir $name"
	for kv in "$@"; do echo "write $name/${kv%%=*} ${kv#*=}"; done
}
ns() {
	local c="$1" n="$2" kv

	shift 2
	echo "mkdir $c/namespaces/$n"
	for kv in "$@"; do echo "write $c/namespaces/$n/${kv%%=*} ${kv#*=}"; done
}
{
	ctrl c0
	ns c0 1 size_mb=64
	ns c0 2 block_size=4096 size_mb=32
	ctrl c1 preset=optane worker_cpus=1
	ns c1 1 csi=kv size_mb=16 kv_max_value=65536 kv_max_keys=1000
	ctrl c2 model=simple read_latency_ns=50000 write_mbps=1000
	ns c2 1 csi=zns size_mb=256 zone_size_mb=16 zone_capacity_mb=12 max_open_zones=4 \
		max_active_zones=6
	ctrl c3 model=zero nr_io_queues=2 queue_depth=64 poll=1 worker_cpus=0,2-3
	ns c3 1
	ns c3 2 csi=kv kv_compat=1 size_mb=8
	ns c3 3 csi=zns size_mb=128 zone_size_mb=32
	ns c3 4 uuid=0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9 size_mb=2
	ctrl c4 channels=4 program_ns=200000 op_percent=20 dispatcher_cpu=0 kv_index_ns=500
	ns c4 1 size_mb=128
	ctrl c5 preset=optane write_latency_ns=20000
	ctrl c6 max_transfer_kb=128
	ns c6 1 csi=kv kv_max_value=131072
	ctrl zns.big preset=970pro
	ns zns.big 1 csi=zns block_size=4096 size_mb=1024 zone_size_mb=64
	ns zns.big 7 csi=nvm size_mb=4
	for c in c4 c0 c2 c1 zns.big c6; do echo "write $c/power 1"; done
} >"$tmp/setup"
fk batch <"$tmp/setup"
[ "$(cat "$root/c4/index")" = 0 ] || fail "the fake gave c4 index $(cat "$root/c4/index")"
dump "$tmp/tree-full"

# 3. save: JSON in index order, every attribute of the setup above.
"$ctl" save "$tmp/s1.json" 2>"$tmp/err" || fail "save: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "save wrote to stderr: $(cat "$tmp/err")"
"$ctl" save - >"$tmp/s1-stdout.json" || fail "save -"
cmp -s "$tmp/s1.json" "$tmp/s1-stdout.json" || fail "save - differs from save FILE"
python3 - "$tmp/s1.json" <<'EOF' || fail "saved JSON: $(cat "$tmp/s1.json")"
import json, sys
cfg = json.load(open(sys.argv[1]))
c = cfg["controllers"]
assert cfg["version"] == 1
names = [x["name"] for x in c]
assert names == ["c4", "c0", "c2", "c1", "zns.big", "c6", "c3", "c5"], names
by = {x["name"]: x for x in c}
assert [by[n]["index"] for n in names[:6]] == list(range(6))
assert "index" not in by["c3"] and by["c3"]["power"] == 0 and by["c4"]["power"] == 1
assert by["c0"]["preset"] == "970pro" and by["c1"]["preset"] == "optane"
assert by["c1"]["model"] == "simple" and by["c1"]["worker_cpus"] == "1"
assert by["c2"]["preset"] == "custom" and by["c2"]["params"]["read_latency_ns"] == 50000
assert by["c3"]["worker_cpus"] == "0,2-3" and by["c3"]["params"]["poll"] == 1
assert by["c4"]["params"]["kv_index_ns"] == 500 and by["c4"]["params"]["dispatcher_cpu"] == 0
assert by["c5"]["preset"] == "custom" and by["c5"]["namespaces"] == []
assert len(by["c4"]["params"]) == 30
z = by["c2"]["namespaces"][0]
assert (z["csi"], z["zone_size_mb"], z["zone_capacity_mb"], z["max_open_zones"],
        z["max_active_zones"]) == ("zns", 16, 12, 4, 6), z
k = by["c1"]["namespaces"][0]
assert (k["csi"], k["kv_max_value"], k["kv_max_keys"]) == ("kv", 65536, 1000), k
assert by["c3"]["namespaces"][1]["kv_compat"] == 1
assert by["c3"]["namespaces"][3]["uuid"] == "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"
assert [n["nsid"] for n in by["zns.big"]["namespaces"]] == [1, 7]
for x in c:
    for n in x["namespaces"]:
        assert "device" not in n and "zone_fail" not in n and "stats" not in n, n
    assert "stats" not in x and "stats" not in x["params"]
EOF

# 4. clear: a held controller (power 0 refused) is named and stays; the
# others go.  Released, clear removes it too.
fk hold c2
"$ctl" clear >"$tmp/out" 2>"$tmp/err" && fail "clear succeeded with c2 held"
grep -q "controller c2: cannot power off: Device or resource busy" "$tmp/err" ||
	fail "clear's message does not name c2 and EBUSY: $(cat "$tmp/err")"
[ "$(grep -c . "$tmp/err")" = 1 ] || fail "clear printed more than c2's failure: $(cat "$tmp/err")"
left=$(cd "$root" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' ')
[ "$left" = "./c2 " ] || fail "after clear with c2 held: '$left' left, expected ./c2"
[ "$(cat "$root/c2/power")" = 1 ] || fail "c2 was powered off"
fk release c2
"$ctl" clear 2>"$tmp/err" || fail "clear: $(cat "$tmp/err")"
[ "$(ls "$root")" = features ] || fail "after clear: $(ls "$root")"
"$ctl" clear || fail "clear of nothing"

# 5. restore, save again: the same file and the same tree.
"$ctl" restore "$tmp/s1.json" 2>"$tmp/err" || fail "restore: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "restore wrote to stderr: $(cat "$tmp/err")"
"$ctl" save "$tmp/s2.json" || fail "second save"
diff -u "$tmp/s1.json" "$tmp/s2.json" || fail "save after restore differs"
dump "$tmp/tree-restored"
diff -u "$tmp/tree-full" "$tmp/tree-restored" || fail "the restored tree differs"

# 6. Refusals: exit 1, the message, the tree unchanged.
# refused NAME FILE PATTERN: restore FILE fails, prints PATTERN, changes nothing.
refused() {
	"$ctl" restore "$2" >"$tmp/out" 2>"$tmp/err" && fail "$1: restore succeeded"
	[ $? = 1 ] || fail "$1: exit status not 1"
	grep -q -- "$3" "$tmp/err" || fail "$1: no '$3' in: $(cat "$tmp/err")"
	dump "$tmp/tree-after"
	diff -u "$tmp/tree-full" "$tmp/tree-after" >"$tmp/diff" ||
		fail "$1: the tree changed: $(head -n 20 "$tmp/diff")"
}
# broken NAME PYTHON [PATTERN]: s1.json with its controllers renamed (n...)
# and the Python statement applied to cfg, c (the controllers by name).
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
refused "existing controllers" "$tmp/s1.json" "controller c0: exists already"
head -c 300 "$tmp/s1.json" >"$tmp/truncated.json"
refused "truncated JSON" "$tmp/truncated.json" "not JSON: .* at line"
refused "missing file" "$tmp/none.json" "cannot read $tmp/none.json"
broken unknown-ns-attr 'c["nc2"]["namespaces"][0]["zone_sizemb"] = 16'
refused "unknown namespace attribute" "$tmp/unknown-ns-attr.json" "unknown key 'zone_sizemb'"
broken unknown-param 'c["nc4"]["params"]["chanels"] = 4'
refused "unknown parameter" "$tmp/unknown-param.json" "controller nc4: unknown parameter 'chanels'"
broken wrong-type 'c["nc0"]["namespaces"][0]["size_mb"] = "64"'
refused "a string for an integer" "$tmp/wrong-type.json" 'size_mb: must be an integer, not "64"'
broken bool-power 'c["nc0"]["power"] = True'
refused "a boolean power" "$tmp/bool-power.json" "power: must be an integer"
broken dup-ns 'c["nc0"]["namespaces"][1]["nsid"] = 1'
refused "a namespace twice" "$tmp/dup-ns.json" "namespace 1 appears twice"
broken bad-nsid 'c["nc0"]["namespaces"][1]["nsid"] = 33'
refused "nsid 33" "$tmp/bad-nsid.json" "nsid 33 is not 1..32"
broken dup-ctrl 'cfg["controllers"][1]["name"] = "nc4"'
refused "a controller twice" "$tmp/dup-ctrl.json" "controller nc4: appears twice"
broken bad-name 'cfg["controllers"][1]["name"] = "a/b"'
refused "a slash in a name" "$tmp/bad-name.json" "name 'a/b' is not a valid controller name"
broken space-name 'cfg["controllers"][1]["name"] = "a b"'
refused "a space in a name" "$tmp/space-name.json" "name 'a b' is not a valid controller name"
broken dotdot-name 'cfg["controllers"][1]["name"] = ".."'
refused "a name of .." "$tmp/dotdot-name.json" "name '..' is not a valid controller name"
broken bad-preset 'c["nc0"]["preset"] = "nope"'
refused "an unknown preset" "$tmp/bad-preset.json" "preset 'nope': this vssd build has no such preset"
broken bad-top 'cfg["extra"] = 1'
refused "an unknown top-level key" "$tmp/bad-top.json" "unknown key 'extra' at the top level"
# Refused by the (fake) kernel partway: what was created is undone.
broken bad-value 'c["nc5"]["params"]["channels"] = 65'
refused "channels=65" "$tmp/bad-value.json" "controller nc5: channels=65: Invalid argument"
broken bad-ns-value 'c["nc3"]["namespaces"][3]["block_size"] = 1000'
refused "block_size=1000" "$tmp/bad-ns-value.json" \
	"controller nc3, namespace 4: block_size=1000: Invalid argument"
broken bad-cpus 'c["nc1"]["worker_cpus"] = "7"'
refused "worker_cpus=7" "$tmp/bad-cpus.json" "controller nc1: worker_cpus=7: Invalid argument"
# zns.big's 1024 MiB are not a multiple of 768 MiB zones: power on refused
# after four controllers were powered on.
broken bad-power 'c["nzns.big"]["namespaces"][0]["zone_size_mb"] = 768'
refused "a power on refused" "$tmp/bad-power.json" "controller nzns.big: power=1: Invalid argument"
grep -q "removed again" "$tmp/err" || fail "no word that the run was undone: $(cat "$tmp/err")"
# The same file under new names restores beside the first; the indices
# differ from the saved ones, which restore says.  Clear by name removes
# them and leaves the first eight as they were.
broken renamed 'pass'
"$ctl" restore "$tmp/renamed.json" >/dev/null 2>"$tmp/err" || fail "restore of new names: $(cat "$tmp/err")"
grep -q "controller nc4: now /dev/vssd6, saved as /dev/vssd0" "$tmp/err" ||
	fail "no warning of a changed index: $(cat "$tmp/err")"
"$ctl" clear nc4 nc0 nc2 nc1 nzns.big nc6 nc3 nc5 || fail "clear by name"
dump "$tmp/tree-after"
diff -u "$tmp/tree-full" "$tmp/tree-after" || fail "restore and clear by name changed other controllers"
"$ctl" clear nosuch 2>"$tmp/err" && fail "clear of a missing controller succeeded"
grep -q "controller nosuch: does not exist" "$tmp/err" || fail "clear nosuch: $(cat "$tmp/err")"

# 7. A hand-written file: only names and what differs from the defaults.
"$ctl" clear || fail "clear"
cat >"$tmp/min.json" <<'EOF'
{"controllers": [{"name": "m", "preset": "optane",
  "namespaces": [{"nsid": 1, "size_mb": 64}], "power": 1}]}
EOF
"$ctl" restore "$tmp/min.json" || fail "restore of a minimal file"
[ "$(cat "$root/m/power") $(cat "$root/m/model") $(cat "$root/m/namespaces/1/size_mb")" = "1 simple 64" ] ||
	fail "minimal file: power, model, size_mb not 1 simple 64"
"$ctl" restore - <"$tmp/min.json" 2>"$tmp/err" && fail "restore from stdin of an existing controller"
grep -q "controller m: exists already" "$tmp/err" || fail "restore -: $(cat "$tmp/err")"

# 8. save to a new directory; an attribute vssdctl does not know is named.
echo 5 >"$root/m/future_param"
"$ctl" save "$tmp/etc/vssd/config.json" 2>"$tmp/err" || fail "save to a new directory"
grep -q "controller m: attribute future_param not saved" "$tmp/err" ||
	fail "no warning about future_param: $(cat "$tmp/err")"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/etc/vssd/config.json" ||
	fail "the saved file does not parse"
[ "$(ls -A "$tmp/etc/vssd")" = config.json ] || fail "a temporary file was left: $(ls -A "$tmp/etc/vssd")"

# 9. No configfs: save and restore fail, clear has nothing to do.
VSSD_CONFIGFS=$tmp/nothing "$ctl" save - 2>"$tmp/err" && fail "save without vssd"
grep -q "vssd is not loaded" "$tmp/err" || fail "save without vssd: $(cat "$tmp/err")"
VSSD_CONFIGFS=$tmp/nothing "$ctl" clear || fail "clear without vssd"
"$ctl" --root "$tmp/nothing" restore "$tmp/min.json" 2>/dev/null && fail "restore without vssd"

# 10. The systemd unit.
unit=$top/tools/systemd/vssd.service
for line in Type=oneshot RemainAfterExit=yes "After=sys-kernel-config.mount systemd-udevd.service" \
	"ExecStartPost=/bin/udevadm settle" Before=nvmet.service ConditionPathExists=/etc/vssd/config.json \
	"ExecStartPre=/sbin/modprobe vssd" "ExecStart=/usr/local/sbin/vssdctl restore" \
	"ExecStop=/usr/local/sbin/vssdctl clear" WantedBy=multi-user.target; do
	grep -qx -- "$line" "$unit" || fail "$unit has no line '$line'"
done
echo "PASS: vssdctl"
