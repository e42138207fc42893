#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vssd-stat on the host, against stats files in a directory laid out like
# /sys/kernel/config/vssd:
#   - --help; bad command lines exit 2, a missing tree 1;
#   - the arithmetic, on samples with set times: rates from the change of
#     each counter, WAF from the GC and host pages written in the interval,
#     counters that go back (power cycle) counted from zero, the first
#     report since power on without rates;
#   - end to end with each stats file a FIFO that the test feeds one
#     snapshot per read: -o json is one JSON object per report per line
#     with the expected changes and rates that match them; a controller
#     powered off, then one removed, between reads is skipped with a line on
#     stderr; the text table has its headings and totals.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
for cmd in python3 mkfifo timeout; do
	command -v "$cmd" >/dev/null || { echo "SKIP: needs $cmd"; exit 4; }
done
tmp=$(mktemp -d)
feeder=""
cleanup() {
	[ -n "$feeder" ] && kill "$feeder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export PYTHONDONTWRITEBYTECODE=1
stat=$top/tools/vssd-stat
root=$tmp/vssd

# 1. --help, bad command lines, no tree.
[ -x "$stat" ] || fail "$stat is not executable"
"$stat" --help >"$tmp/help" || fail "--help exited $?"
for opt in -o -c --root INTERVAL; do
	grep -q -- "$opt" "$tmp/help" || fail "--help does not mention $opt"
done
mkdir "$root"
for bad in "0" "-- -1" "-c 0 1" "-o xml" "nan" "-c x"; do
	# shellcheck disable=SC2086
	"$stat" --root "$root" $bad >/dev/null 2>&1
	[ $? = 2 ] || fail "'vssd-stat $bad' did not exit 2"
done
"$stat" --root "$tmp/none" -c 1 >/dev/null 2>"$tmp/err" && fail "a missing tree was accepted"
grep -q "vssd is not loaded" "$tmp/err" || fail "missing tree: $(cat "$tmp/err")"

# 2. The arithmetic of one report, on samples with set times.
python3 - "$stat" <<'EOF' || fail "the rates computed from samples"
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("vssd_stat", sys.argv[1])
spec = importlib.util.spec_from_loader("vssd_stat", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)

def sample(index, when, **v):
    return m.Sample(index, v, when)

a = sample(0, 10.0, read_cmds=1000, write_cmds=2000, bytes_read=4096000,
           bytes_written=8192000, gc_runs=3, gc_pages_moved=100, host_pages_written=1000,
           kv_cmds=10, zns_cmds=5, read_model_mean_ns=49000, lateness_p99_ns=7)
b = sample(0, 10.5, read_cmds=1100, write_cmds=2500, bytes_read=4505600,
           bytes_written=10240000, gc_runs=5, gc_pages_moved=350, host_pages_written=2000,
           kv_cmds=110, zns_cmds=45, read_model_mean_ns=51000, lateness_p99_ns=9)
first = m.row("a", None, a)
assert first["read_iops"] is None and first["write_mbps"] is None, first
assert (first["reads"], first["writes"], first["gc_runs"]) == (1000, 2000, 3), first
assert abs(first["waf"] - 1.1) < 1e-9, first
r = m.row("a", a, b)
want = {"reads": 100, "writes": 500, "bytes_read": 409600, "bytes_written": 2048000,
        "read_iops": 200.0, "write_iops": 1000.0, "read_mbps": 0.8192,
        "write_mbps": 4.096, "gc_runs": 2, "waf": 1.25, "kv_cmds": 100,
        "kv_cmds_per_s": 200.0, "zns_cmds_per_s": 80.0, "read_model_mean_ns": 51000,
        "lateness_p99_ns": 9, "write_model_mean_ns": 0, "restarted": False,
        "elapsed_s": 0.5}
for k, v in want.items():
    assert r[k] == v or (isinstance(v, float) and abs(r[k] - v) < 1e-9), (k, r[k], v)
# No host page written in the interval: no WAF.
assert m.row("a", b, sample(0, 11.0, host_pages_written=2000, gc_pages_moved=350,
                               read_cmds=1100, write_cmds=2500, bytes_read=4505600,
                               bytes_written=10240000, gc_runs=5, kv_cmds=110,
                               zns_cmds=45))["waf"] is None
# Counters back (power cycle): counted from zero over the interval.
c = sample(0, 11.0, read_cmds=40, write_cmds=60, bytes_read=163840, bytes_written=245760)
r = m.row("a", b, c)
assert r["restarted"] and r["reads"] == 40 and r["write_iops"] == 120.0, r
# Another index (power cycle that went unseen): also from zero.
d = sample(3, 11.5, read_cmds=5000, write_cmds=2500, bytes_read=4505600 * 2,
           bytes_written=10240000, gc_runs=5, kv_cmds=110, zns_cmds=45)
r = m.row("a", b, d)
assert r["restarted"] and r["reads"] == 5000 and r["index"] == 3, r
# Namespaces: changes and rates of their own; one whose counters went back,
# or that was not there before, counts from zero and has no rates.
na = sample(0, 10.0, read_cmds=10)
na.namespaces = {1: {"read_cmds": 10, "write_cmds": 4, "bytes_written": 16384, "kv_cmds": 0},
                 2: {"read_cmds": 50}}
nb = sample(0, 10.5, read_cmds=30)
nb.namespaces = {1: {"read_cmds": 30, "write_cmds": 4, "bytes_written": 16384, "kv_cmds": 8},
                 2: {"read_cmds": 5}, 3: {"write_cmds": 2, "error_cmds": 1}}
r = m.row("a", na, nb)
ns = {n["nsid"]: n for n in r["namespaces"]}
assert sorted(ns) == [1, 2, 3], ns
assert (ns[1]["reads"], ns[1]["read_iops"], ns[1]["writes"], ns[1]["kv_cmds_per_s"]) == \
    (20, 40.0, 0, 16.0), ns[1]
assert ns[2]["reads"] == 5 and ns[2]["read_iops"] == 10.0 and ns[2]["writes"] is None, ns[2]
# Not read before although the controller was: totals, no rates.
assert ns[3]["writes"] == 2 and ns[3]["errors"] == 1 and ns[3]["write_iops"] is None, ns[3]
assert ns[1]["zns_cmds"] is None and ns[1]["zns_cmds_per_s"] is None, ns[1]
# Power cycled: every namespace counts from zero, with rates.
nc = sample(1, 11.0, read_cmds=2)
nc.namespaces = {1: {"read_cmds": 2, "write_cmds": 1}}
r = m.row("a", nb, nc)
assert r["restarted"] and r["namespaces"][0]["reads"] == 2, r
assert r["namespaces"][0]["read_iops"] == 4.0, r
# Only directories named as the kernel names namespaces are read.
import os, tempfile
d = tempfile.mkdtemp()
for name in ("1", "+3", "03", "\u00b2", "x"):
    os.makedirs(os.path.join(d, "namespaces", name))
    with open(os.path.join(d, "namespaces", name, "stats"), "w") as f:
        f.write("read_cmds 1\n")
assert list(m.read_namespaces(d)) == [1], m.read_namespaces(d)
import shutil
shutil.rmtree(d)
first = m.row("a", None, nb)
assert first["namespaces"][0]["reads"] == 30 and first["namespaces"][0]["read_iops"] is None
assert m.parse_stats("read_cmds 12\nwaf 1.250\nkv_waf 1.00\nbad line x\n") == \
    {"read_cmds": 12, "waf": 1.25, "kv_waf": 1.0}
EOF

# 3. End to end.  Controllers a (index 0) and c (index 1) are powered, b is
# not; every stats file is a FIFO, fed one snapshot per read, in the order
# vssd-stat reads them (a, then c: names sorted), by feed.py below.
# snap FILE KEY=VALUE...: a stats snapshot in the kernel's format.
snap() {
	local file="$1" kv

	shift
	: >"$file"
	for kv in "$@"; do echo "${kv%%=*} ${kv#*=}" >>"$file"; done
}
# feed.py STEP...: each STEP is FIFO=FILE (written once vssd-stat has
# opened FIFO; then, before the next step, wait until it has closed it
# again), or FIFO=FILE@ACTION, where ACTION (off:CTRL writes 0 to power,
# rm:CTRL removes the controller) runs while vssd-stat waits on FIFO: at
# that moment it has read what comes before and nothing after.  The wait
# for the close cannot tell vssd-stat's next open from the last one: the
# reports must come INTERVAL apart, so vssd-stat starts once the feeder
# runs (start_feeder), not to be late for its first read.
cat >"$tmp/feed.py" <<'EOF2'
import errno, os, shutil, sys, time
root = os.environ["ROOT"]
open(os.environ["READY"], "w").close()
for step in sys.argv[1:]:
    fifo, _, rest = step.partition("=")
    src, _, action = rest.partition("@")
    fifo = os.path.join(root, fifo)
    fd = os.open(fifo, os.O_WRONLY)
    if action.startswith("off:"):
        with open(os.path.join(root, action[4:], "power"), "w") as f:
            f.write("0\n")
    elif action.startswith("rm:"):
        shutil.rmtree(os.path.join(root, action[3:]))
    os.write(fd, open(src, "rb").read())
    os.close(fd)
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as err:
            if err.errno in (errno.ENXIO, errno.ENOENT):
                break
            raise
        os.close(fd)
        time.sleep(0.01)
EOF2
# start_feeder STEP...: feed.py in the background, once it runs.
start_feeder() {
	local _

	rm -f "$tmp/ready"
	ROOT=$root READY=$tmp/ready timeout 60 python3 "$tmp/feed.py" "$@" &
	feeder=$!
	for _ in $(seq 300); do
		[ -e "$tmp/ready" ] && return 0
		sleep 0.1
	done
	fail "the feeder did not start"
}
for c in a b c; do
	mkdir "$root/$c"
	mkfifo "$root/$c/stats"
done
echo 1 >"$root/a/power"; echo 0 >"$root/a/index"
echo 0 >"$root/b/power"; echo -1 >"$root/b/index"
echo 1 >"$root/c/power"; echo 1 >"$root/c/index"
echo "features" >"$root/features"
snap "$tmp/a1" read_cmds=1000 flush_cmds=3 write_cmds=2000 kv_cmds=10 zns_cmds=5 \
	bytes_read=4096000 bytes_written=8192000 read_model_mean_ns=49000 \
	write_model_mean_ns=5680 gc_runs=3 gc_pages_moved=100 host_pages_written=1000 \
	waf=1.100 lateness_mean_ns=900 lateness_p50_ns=1200 lateness_p99_ns=10500 \
	overhead_p50_ns=3100 overhead_p99_ns=8900
snap "$tmp/a2" read_cmds=1000 flush_cmds=3 write_cmds=2500 kv_cmds=110 zns_cmds=45 \
	bytes_read=4096000 bytes_written=10240000 read_model_mean_ns=49000 \
	write_model_mean_ns=5680 gc_runs=5 gc_pages_moved=350 host_pages_written=2000 \
	waf=1.175 lateness_mean_ns=900 lateness_p50_ns=1200 lateness_p99_ns=10500 \
	overhead_p50_ns=3100 overhead_p99_ns=8900
snap "$tmp/c1" read_cmds=500 write_cmds=500 bytes_read=2048000 bytes_written=2048000
snap "$tmp/c2" read_cmds=20 write_cmds=30 bytes_read=81920 bytes_written=122880
snap "$tmp/c3" read_cmds=120 write_cmds=30 bytes_read=491520 bytes_written=122880
# a powered off after its second read, c removed after its third.
start_feeder a/stats="$tmp/a1" c/stats="$tmp/c1" a/stats="$tmp/a2" c/stats="$tmp/c2@off:a" \
	c/stats="$tmp/c3@rm:c"
timeout 60 "$stat" --root "$root" -o json -c 4 0.5 >"$tmp/json" 2>"$tmp/err" ||
	fail "vssd-stat -o json exited $?: $(cat "$tmp/err")"
wait "$feeder" || fail "the feeder failed ($?)"
feeder=""
python3 - "$tmp/json" <<'EOF' || fail "JSON lines: $(cat "$tmp/json")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 4, len(lines)
reports = [json.loads(line) for line in lines]
names = [[c["name"] for c in r["controllers"]] for r in reports]
assert names == [["a", "c"], ["a", "c"], ["c"], []], names
assert reports[0]["interval_s"] is None and reports[1]["interval_s"] == 0.5
a0, c0 = reports[0]["controllers"]
assert a0["writes"] == 2000 and a0["write_iops"] is None and a0["waf"] == 1.1, a0
assert c0["reads"] == 500 and c0["index"] == 1, c0
a1, c1 = reports[1]["controllers"]
e = a1["elapsed_s"]
assert 0 < e < 30, e
assert (a1["writes"], a1["bytes_written"], a1["gc_runs"], a1["kv_cmds"], a1["zns_cmds"]) == \
    (500, 2048000, 2, 100, 40), a1
assert a1["reads"] == 0 and a1["read_iops"] == 0 and a1["waf"] == 1.25, a1
close = lambda x, y: abs(x - y) <= 1e-6 * max(1, abs(y))
assert close(a1["write_iops"], 500 / e) and close(a1["write_mbps"], 2.048 / e), a1
assert close(a1["kv_cmds_per_s"], 100 / e) and close(a1["zns_cmds_per_s"], 40 / e), a1
assert a1["read_model_mean_ns"] == 49000 and a1["overhead_p99_ns"] == 8900, a1
assert c1["restarted"] and c1["reads"] == 20 and c1["writes"] == 30, c1
c2 = reports[2]["controllers"][0]
assert not c2["restarted"] and c2["reads"] == 100 and c2["writes"] == 0, c2
EOF
grep -qx "vssd-stat: a: powered off, skipped" "$tmp/err" || fail "no line for a powered off: $(cat "$tmp/err")"
grep -qx "vssd-stat: c: removed, skipped" "$tmp/err" || fail "no line for c removed: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" = 2 ] || fail "more on stderr: $(cat "$tmp/err")"

# 4. The text table: a controller named on the command line, totals first.
mkdir "$root/c"
mkfifo "$root/c/stats"
echo 1 >"$root/c/power"; echo 4 >"$root/c/index"
mkdir -p "$root/c/namespaces/2"
snap "$root/c/namespaces/2/stats" read_cmds=7 write_cmds=3 kv_cmds=5 other_cmds=1 \
	error_cmds=0 bytes_read=28672 bytes_written=12288
start_feeder c/stats="$tmp/c1" c/stats="$tmp/c3"
timeout 60 "$stat" --root "$root" -c 2 c 0.2 >"$tmp/text" 2>"$tmp/err" ||
	fail "vssd-stat text exited $?: $(cat "$tmp/err")"
wait "$feeder" || fail "the feeder failed ($?)"
feeder=""
python3 - "$tmp/text" <<'EOF' || fail "text output: $(cat "$tmp/text")"
import sys
blocks = open(sys.argv[1]).read().split("\n\n")
assert len(blocks) == 3 and blocks[2] == "", blocks
first, second = (b.splitlines() for b in blocks[:2])
assert first[0].endswith("  since power on"), first[0]
assert first[1].split() == ["ctrl", "reads", "writes", "rMB", "wMB", "rmodel_us", "r50_us",
                            "r99_us", "wmodel_us", "w50_us", "w99_us", "late50_us",
                            "late99_us", "ovh50_us", "ovh99_us", "gc", "waf", "kv",
                            "zns"], first[1]
assert first[2].split() == ["c", "500", "500", "2.0", "2.0"] + ["0.0"] * 10 + \
    ["0", "-", "0", "0"], first[2]
# Namespace 2 of c: its own totals; what a namespace has not are dashes.
assert first[3].split() == ["n2", "7", "3", "0.0", "0.0"] + ["-"] * 12 + ["5", "-"], first[3]
assert first[3].startswith("  n2 "), first[3]
assert second[0].endswith("  interval 0.20 s"), second[0]
assert second[1].split()[1:5] == ["r/s", "w/s", "rMB/s", "wMB/s"], second[1]
assert second[1].split()[-2:] == ["kv/s", "zns/s"], second[1]
row = second[2].split()
assert row[0] == "c*" and float(row[1]) > 0 and float(row[2]) > 0, row
# c was power cycled: its namespace counts from zero too, with rates.
ns2 = second[3].split()
assert ns2[0] == "n2" and float(ns2[1]) > 0 and float(ns2[2]) > 0, second[3]
assert second[4].startswith("* powered off and on again"), second
EOF
[ -s "$tmp/err" ] && fail "stderr: $(cat "$tmp/err")"
echo "PASS: vssd-stat"
