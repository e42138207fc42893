#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench BENCH=tcp|emu|kv|zns|timing: build, boot the VM, run
# tools/bench/<name>-guest.sh in it and print the comparison table
# (tools/bench/report.py).  Results are kept in .build/bench/<name>/.
#   tcp   vssd_tcp against the in-tree nvmet_tcp on null_blk
#   emu   a vssd controller (zero model) against null_blk
#   kv    KV put/get (kvload) locally and over NVMe/TCP, zero and 970pro,
#         against 4 KiB block I/O on null_blk through the same path
#   zns   a zoned namespace (zero model) against null_blk in zoned mode:
#         sequential writes, and Zone Append through nvmet (tools/bench/zappend)
#   timing  the timing selftest RUNS times in one boot (default 10), with
#         POLL=0|1 (default 1) and, with HOG=1, a busy process beside the VM
# Environment: ROUNDS (default 5 for tcp, 2 for the others), RUNTIME
# seconds per fio job (default 10), BENCH_JOBS (a glob of job names),
# BENCH_INLINE (port in-capsule size), BENCH_NSTAT=1 (save nstat TCP
# counters per job next to the fio output), BENCH_PERF=1 (tcp: perf report
# of a system-wide profile of each job, as <target>-<round>-<job>.perf),
# BENCH_CALLS=1 (tcp: counts of some kernel calls and of context switches
# per I/O of each job, as <target>-<round>-<job>.calls), BENCH_TARGETS
# (tcp: reference and candidate, default "nvmet_tcp vssd_tcp";
# "nvmet_tcp nvmet_tcp.b" measures one target against itself),
# BENCH_ZNS_SCHED (zns: the devices' I/O scheduler, e.g. none),
# BENCH_WCACHE_KB (emu: the vssd controller's wcache_kb, default 0).
# report.py (tcp, emu, zns) also writes every figure of its tables, round
# by round, to .build/bench/<name>-summary.json.  After the table,
# tools/bench/plot.py writes PNG plots of the results into the same
# directory and prints their paths; it needs python3-matplotlib, which is
# installed here if it can be (without it, the table only).
set -eu
top=$(realpath "$(dirname "$0")/../..")
name=${1:-tcp}
case "$name" in
tcp)
	# BENCH_TARGETS: the reference and the candidate, each a module
	# (nvmet_tcp, vssd_tcp) with an optional .LABEL; two of one module
	# measure the benchmark's own spread.
	read -r reference candidate extra <<<"${BENCH_TARGETS:-nvmet_tcp vssd_tcp}"
	if [ -z "$candidate" ] || [ -n "$extra" ] || [ "$reference" = "$candidate" ]; then
		echo "bench: BENCH_TARGETS: two different names" >&2
		exit 2
	fi
	for t in "$reference" "$candidate"; do
		case "${t%%.*}" in
		nvmet_tcp | vssd_tcp) ;;
		*) echo "bench: BENCH_TARGETS: '$t' is not nvmet_tcp or vssd_tcp" >&2; exit 2 ;;
		esac
		case "$t" in
		*[!a-z0-9_.]*) echo "bench: BENCH_TARGETS: '$t': letters, digits, _ and . only" >&2; exit 2 ;;
		esac
	done
	;;
emu) reference=null_blk candidate=vssd ;;
kv) reference=null_blk candidate=kv ;;
zns) reference=null_blk candidate=vssd ;;
timing) reference=model candidate=vssd ;;
*) echo "bench: unknown benchmark $name" >&2; exit 2 ;;
esac
rounds=${ROUNDS:-2}
[ "$name" != tcp ] || rounds=${ROUNDS:-5}
"$top/tools/deps.sh"
"$top/tools/deps.sh" plots || echo "bench: python3-matplotlib could not be installed: no plots"
make -C "$top" -s modules
[ "$name" != kv ] || make -C "$top/tools/bench" -s kvload
[ "$name" != zns ] || make -C "$top/tools/bench" -s zappend
# shellcheck source=tools/vm/job.sh
. "$top/tools/vm/job.sh"
job="$top/.build/vm/bench-$name"
vm_job_new "$job" run
vm_job_set "$job" VSSD_COMMAND \
	"BENCH_JOBS='${BENCH_JOBS:-*}' BENCH_INLINE=${BENCH_INLINE:-} BENCH_NSTAT=${BENCH_NSTAT:-} BENCH_PERF=${BENCH_PERF:-} BENCH_CALLS=${BENCH_CALLS:-} BENCH_TARGETS='$reference $candidate' BENCH_ZNS_SCHED=${BENCH_ZNS_SCHED:-} BENCH_WCACHE_KB=${BENCH_WCACHE_KB:-0} ROUNDS=$rounds RUNTIME=${RUNTIME:-10} RUNS=${RUNS:-10} POLL=${POLL:-1} bash tools/bench/$name-guest.sh /mnt/job/bench >/mnt/job/bench.log 2>&1"
hog=
if [ "${HOG:-0}" = 1 ]; then
	yes >/dev/null &
	hog=$!
fi
"$top/tools/vm/vm.sh" --job "$job" --timeout $((3600 * 4))
[ -z "$hog" ] || kill "$hog"
grep -q 'bench: finished' "$job/bench.log" || { cat "$job/bench.log"; exit 1; }
rm -rf "$top/.build/bench/$name"
mkdir -p "$top/.build/bench"
cp -r "$job/bench" "$top/.build/bench/$name"
echo "# $name: $candidate against $reference, same VM boot, $(nproc) host CPUs, $rounds rounds"
if [ "$name" = timing ]; then
	python3 "$top/tools/bench/timingreport.py" "$top/.build/bench/$name"
	python3 "$top/tools/bench/plot.py" timing "$top/.build/bench/$name" ||
		echo "bench: the plots failed (the table stands)"
elif [ "$name" = kv ]; then
	python3 "$top/tools/bench/kvreport.py" "$top/.build/bench/$name"
	python3 "$top/tools/bench/plot.py" kv "$top/.build/bench/$name" ||
		echo "bench: the plots failed (the table stands)"
else
	python3 "$top/tools/bench/report.py" "$top/.build/bench/$name" "$reference" "$candidate" \
		--json "$top/.build/bench/$name-summary.json"
	python3 "$top/tools/bench/plot.py" "$name" "$top/.build/bench/$name" "$reference" "$candidate" ||
		echo "bench: the plots failed (the table stands)"
fi
