#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench's plots (tools/bench/plot.py) on the host, against the results
# in selftests/host/fixtures/bench/ (fio and kvload JSON cut down to the
# fields the reports read; two .cpu files of the NVMe/TCP benchmark, whose
# CPU time per I/O, worked out by hand, is 350.5 and 264.5 us, ratio 0.75;
# one .calls file each for that job, whose counts per completed I/O
# (nvme_complete_rq) are 3 and 2 queue_work_on calls and 5 context
# switches (tcp_sendmsg_locked, counted for vssd_tcp only, is missing for
# nvmet_tcp); a scale job of three and two hosts, json+ with latency
# histograms (one of nvmet_tcp's hosts did no I/O and has none), whose
# total IOPS, weighted mean, merged p99 and per-host shares are worked out
# by hand; and the tables that report.py and kvreport.py print for them)
# and timing samples made here and kept by keep_samples of
# selftests/lib_timing.sh, as the timing test keeps them under make bench:
#   - keep_samples copies an attempt's latencies and its params, does
#     nothing without VSSD_TIMING_SAMPLES and never fails;
#   - report.py and kvreport.py print the committed tables; report.py's
#     --json summary holds the hand-worked figures; a run made with
#     diagnosis settings says so first; a wrong call prints the usage;
#   - without matplotlib (a stand-in package on PYTHONPATH whose import
#     fails): after the unchanged table, the one line "# plots:
#     python3-matplotlib is not installed; table only", exit 0, no PNG;
#   - with matplotlib (python3-matplotlib; this half is skipped with its
#     reason when it is not installed): the PNG files of each benchmark,
#     each printed as "# plot: PATH", with the PNG signature, a sensible
#     size in bytes and in pixels; the tables unchanged; a directory with
#     nothing to plot is said so, exit 0.
set -u
top=${VSSD_SRC:-$(realpath "$(dirname "$0")/../..")}
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1
fix=$top/selftests/host/fixtures/bench
plot=$top/tools/bench/plot.py
cp -r "$fix/tcp" "$fix/kv" "$tmp/"

# 1. Timing samples: QD1 completion latencies as fio_lat leaves them
# (PREFIX.base.R and PREFIX.model.R, ns, one per line), kept by
# keep_samples into samples-N/ as in make bench BENCH=timing.
python3 - "$tmp/raw" <<'EOF' || fail "making the timing samples"
import os, random, sys
rng = random.Random(1)
out = sys.argv[1]
for run in (1, 2):
    os.makedirs("%s/%d" % (out, run))
    for name, lat in (("simple", (1000000,)), ("970pro", (57600, 69600))):
        for r in range(1, 5):
            host = 40000 + rng.randint(-500, 500)
            with open("%s/%d/%s.base.%d" % (out, run, name, r), "w") as f:
                f.writelines("%d\n" % (50000 + host + rng.lognormvariate(8, 0.5)) for _ in range(800))
            with open("%s/%d/%s.model.%d" % (out, run, name, r), "w") as f:
                f.writelines("%d\n" % (rng.choice(lat) + host + rng.lognormvariate(8, 0.5))
                             for _ in range(200))
EOF
# keep ARGS...: keep_samples ARGS in a shell with lib_timing.sh (lib.sh is
# left out: it is made for the guest; log is the same one-liner).
keep() {
	# shellcheck disable=SC2016
	bash -c 'log() { echo "# keep: $*"; }; . "$1/selftests/lib_timing.sh" && shift && keep_samples "$@"' \
		keep "$top" "$@"
}
for run in 1 2; do
	VSSD_TIMING_SAMPLES=$tmp/timing/samples-$run keep simple "$tmp/raw/$run/simple" 1 0 1000000 50000 2 ||
		fail "keep_samples simple: exit $?"
	VSSD_TIMING_SAMPLES=$tmp/timing/samples-$run keep 970pro "$tmp/raw/$run/970pro" 2 3 63600 50000 5 \
		--two-point 57600 69600 || fail "keep_samples 970pro: exit $?"
done
cmp -s "$tmp/raw/2/970pro.model.3" "$tmp/timing/samples-2/970pro/model.3" ||
	fail "keep_samples: model.3 is not the attempt's"
printf '%s\n' "name 970pro" "attempt 2" "rc 3" "rounds 4" "model_ns 63600" "base_ns 50000" \
	"percent 5" "args --two-point 57600 69600" | cmp -s - "$tmp/timing/samples-2/970pro/params" ||
	fail "keep_samples: params: $(cat "$tmp/timing/samples-2/970pro/params")"
out=$(unset VSSD_TIMING_SAMPLES; keep simple "$tmp/raw/1/simple" 1 0 1000000 50000 2) ||
	fail "keep_samples without VSSD_TIMING_SAMPLES: exit $?"
[ -z "$out" ] || fail "keep_samples without VSSD_TIMING_SAMPLES: '$out'"
out=$(VSSD_TIMING_SAMPLES=$tmp/bad keep simple "$tmp/raw/1/none" 1 0 1000000 50000 2) ||
	fail "keep_samples with nothing to copy: exit $?"
case $out in
*"simple: could not keep the latency samples in $tmp/bad/simple") ;;
*) fail "keep_samples with nothing to copy: '$out'" ;;
esac
rm -rf "$tmp/bad" "$tmp/raw"
echo "timing: PASS" >"$tmp/timing/run-1.log"

# table NAME: the table of NAME's report, as tools/bench/run.sh prints it.
table() {
	case $1 in
	tcp) python3 "$top/tools/bench/report.py" "$tmp/tcp" nvmet_tcp vssd_tcp ;;
	kv) python3 "$top/tools/bench/kvreport.py" "$tmp/kv" ;;
	esac
}
# plots NAME: plot.py for NAME's results, as tools/bench/run.sh runs it.
plots() {
	case $1 in
	tcp) python3 "$plot" tcp "$tmp/tcp" nvmet_tcp vssd_tcp ;;
	*) python3 "$plot" "$1" "$tmp/$1" ;;
	esac
}

# 2. The tables.
for name in tcp kv; do
	table $name >"$tmp/$name.out" 2>"$tmp/$name.err" || fail "$name table: exit $?: $(cat "$tmp/$name.err")"
	cmp -s "$fix/$name.table" "$tmp/$name.out" ||
		fail "$name table: $(diff "$fix/$name.table" "$tmp/$name.out")"
	[ -s "$tmp/$name.err" ] && fail "$name table: stderr: $(cat "$tmp/$name.err")"
done
python3 "$plot" >/dev/null 2>&1
[ $? = 2 ] || fail "plot.py without arguments did not exit 2"
# The scale job: nvmet_tcp's hosts did 1000, 3000 and 0 IOPS (100, 300
# and no I/Os, means 2 and 1 ms, so 1.25 ms weighted; shares of the mean
# 1333: 0 and 2.25); their merged histogram reaches 99% (396 of 400) in
# the 2 ms bucket.  vssd_tcp's did 2500 each (1.2 and 0.8 ms, so 1 ms);
# 495 of 500 is reached in the 3 ms bucket.
python3 "$top/tools/bench/report.py" "$tmp/tcp" nvmet_tcp vssd_tcp --json "$tmp/summary.json" |
	cmp -s "$fix/tcp.table" - || fail "tcp table with --json differs"
python3 - "$tmp/summary.json" <<'EOF' || fail "report.py --json"
import json, sys
s = json.load(open(sys.argv[1]))
jobs = {j["job"]: j for j in s["jobs"]}
scale = jobs["scale-randread-4k"]
want = {"nvmet_tcp": (4000, 1250, 2000, [0.0, 2.25], [1000, 3000, 0]),
        "vssd_tcp": (5000, 1000, 3000, [1.0, 1.0], [2500, 2500])}
for impl, (iops, mean, p99, share, hosts) in want.items():
    got = scale[impl]
    r1 = got["rounds"][0]
    if (abs(got["iops"] - iops) > 1e-6 or abs(got["mean_us"] - mean) > 1e-6
            or abs(got["p99_us"] - p99) > 1e-6 or got["host_iops_share"] != share
            or r1["host_iops"] != hosts):
        sys.exit("%s: %r" % (impl, got))
if abs(scale["ratio"] - 1.25) > 1e-9 or scale["round_ratios"] != [1.25]:
    sys.exit("scale ratio: %r" % scale)
qd1 = jobs["randread-4k-qd1"]
if round(qd1["nvmet_tcp"]["cpu_us_per_io"], 1) != 350.5 or round(qd1["cpu_ratio"], 2) != 0.75:
    sys.exit("randread-4k-qd1 CPU: %r" % qd1)
calls = {impl: qd1[impl]["rounds"][0]["calls_per_io"] for impl in ("nvmet_tcp", "vssd_tcp")}
if (calls != {"nvmet_tcp": {"queue_work_on": 3, "context_switches": 5},
              "vssd_tcp": {"queue_work_on": 2, "context_switches": 5, "tcp_sendmsg_locked": 1}}
        or qd1["vssd_tcp"]["calls_per_io"] != calls["vssd_tcp"]
        or qd1["nvmet_tcp"]["rounds"][0]["round"] != 1 or s["settings"] != ""):
    sys.exit("randread-4k-qd1 calls: %r" % calls)
if s["reference"] != "nvmet_tcp" or s["candidate"] != "vssd_tcp" or len(jobs) != 5:
    sys.exit("summary: %r" % sorted(jobs))
EOF
err=$(python3 "$top/tools/bench/report.py" "$tmp/tcp" nvmet_tcp 2>&1 >/dev/null)
rc=$?
[ $rc = 1 ] && [ "${err#usage: report.py DIR}" != "$err" ] ||
	fail "report.py with two arguments: exit $rc, '$err'"
cp -r "$tmp/tcp" "$tmp/diag"
echo "BENCH_CALLS=1" >"$tmp/diag/settings"
python3 "$top/tools/bench/report.py" "$tmp/diag" nvmet_tcp vssd_tcp >"$tmp/out" ||
	fail "report.py with settings: exit $?"
{ echo "# diagnosis run (BENCH_CALLS=1): its IOPS and CPU figures include the cost of the diagnosis"
	cat "$fix/tcp.table"; } | cmp -s - "$tmp/out" || fail "report.py with settings: $(head -2 "$tmp/out")"
rm -rf "$tmp/diag"

# 3. Without matplotlib: the table, then the notice; exit 0.
mkdir -p "$tmp/nompl/matplotlib"
echo 'raise ImportError("hidden by test_bench_plots.sh")' >"$tmp/nompl/matplotlib/__init__.py"
notice="# plots: python3-matplotlib is not installed; table only"
for name in tcp kv timing; do
	{ table $name && PYTHONPATH=$tmp/nompl plots $name; } >"$tmp/out" 2>"$tmp/err" ||
		fail "$name without matplotlib: exit $?: $(cat "$tmp/err")"
	{ [ $name = timing ] || cat "$fix/$name.table"; echo "$notice"; } | cmp -s - "$tmp/out" ||
		fail "$name without matplotlib: $(cat "$tmp/out" "$tmp/err")"
	[ -s "$tmp/err" ] && fail "$name without matplotlib: stderr: $(cat "$tmp/err")"
	ls "$tmp/$name"/*.png >/dev/null 2>&1 && fail "$name without matplotlib: a PNG was written"
done

# 4. With matplotlib.
if ! python3 -c 'import matplotlib' 2>/dev/null && ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
	echo "SKIP: python3-matplotlib is not installed: the plots are not checked (the table and the fallback are)"
	exit 4
fi
for name in tcp kv timing; do
	case $name in
	tcp) want="tcp-iops-ratio.png tcp-latency.png" ;;
	kv) want="kv-ops-ratio.png kv-latency.png" ;;
	timing) want="timing-latency-cdf.png" ;;
	esac
	plots $name >"$tmp/out" 2>"$tmp/err" || fail "$name plots: exit $?: $(cat "$tmp/err")"
	printf "# plot: $tmp/$name/%s\n" $want | cmp -s - "$tmp/out" ||
		fail "$name plots: printed '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")'"
	for png in $want; do
		python3 - "$tmp/$name/$png" <<'EOF' || fail "$name: $png"
import os, struct, sys
path = sys.argv[1]
with open(path, "rb") as f:
    head = f.read(24)
if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
    sys.exit("%s: no PNG signature: %r" % (path, head[:16]))
width, height = struct.unpack(">II", head[16:24])
size = os.path.getsize(path)
if size < 10000 or width < 400 or height < 300:
    sys.exit("%s: %d bytes, %dx%d pixels" % (path, size, width, height))
EOF
	done
	[ $name = timing ] && continue
	table $name | cmp -s "$fix/$name.table" - || fail "$name: the table changed beside the plots"
done
mkdir "$tmp/empty"
out=$(python3 "$plot" timing "$tmp/empty") || fail "nothing to plot: exit $?"
[ "$out" = "# plots: nothing to plot in $tmp/empty" ] || fail "nothing to plot: '$out'"
echo "PASS"
