#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The timing model holds, measured with fio at the block device against a
# zero-model baseline in the same boot:
#  - simple, 1 ms read latency: QD1 completion latency - baseline within 2%
#    of 1 ms;
#  - ssd 970pro, preconditioned: QD1 4 KiB random read completion latency -
#    baseline within 5% of the model's own prediction, whose mean matches the
#    formula
#    fw_read + (tR_lsb + tR_msb) / 2 + 4 KiB / channel + 4 KiB / host;
#  - QD32 random reads are bounded by dies / tR (2 and 4 dies), and twice
#    the dies give about twice the throughput.
# Each model is judged twice: by the device's own view (median lateness of
# its completions against the modelled latency) and end to end, by fio; an
# end-to-end pair that host noise moved is measured again, three times at
# most.  Lateness statistics are printed for each run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vssd.sh"

# KASAN, lockdep and kmemleak slow every kernel path by a factor that varies
# from one path to the next: the model's precision cannot be judged there.
[ "${VSSD_KERNEL_DEBUG:-0}" = 1 ] && skip "the debug kernel's checkers distort timing (make check gives the verdict)"
require_cmd fio python3
vssd_load
# Precision asks for poll=1 (see Documentation/emulator.rst): fio submits
# and dispatches on CPU 0, the worker owns CPU 1.
CPUS="nr_io_queues=1 poll=${VSSD_TIMING_POLL:-1} dispatcher_cpu=0 worker_cpus=1"

# fio_lat DEV QD SECONDS SIZE_MB [LATFILE]: 4 KiB random reads; prints the
# IOPS and appends every I/O's completion latency (fio's clat: from the
# return of the submission call to the completion, ns) to LATFILE and its
# total latency (from before the submission call) to LATFILE.total.  fio
# polls for completions (batch_complete_min=0) so that a halted vCPU's
# wake-up, which costs ~100 us under TCG and has nothing to do with the
# model, stays out of every run.
fio_lat() {
	local log=/tmp/timing.$$

	fio --name=t --filename="$1" --ioengine=libaio --direct=1 --rw=randread --bs=4k \
		--iodepth="$2" --iodepth_batch_complete_min=0 --userspace_reap --cpus_allowed=0 \
		--time_based --runtime="$3" --size="$4"M --randrepeat=0 \
		--norandommap --clocksource=clock_gettime \
		--write_lat_log="$log" --log_avg_msec=0 \
		--output-format=json --output="$log.json" >/dev/null 2>&1 || fail "fio on $1"
	if [ -n "${5:-}" ]; then
		cut -d, -f2 "${log}_clat.1.log" >>"$5"
		cut -d, -f2 "${log}_lat.1.log" >>"$5.total"
	fi
	python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["jobs"][0]["read"]["iops"]))' "$log.json"
	rm -f "$log"*
}

# paired BASE_DEV DEV SIZE_MB PREFIX: baseline and model runs alternate four
# times, 2 s each, so that slow drifts of the host hit both alike; the
# latencies land in PREFIX.base and PREFIX.model.
paired() {
	local i

	rm -f "$4".*
	for i in 1 2 3 4; do
		fio_lat "$1" 1 2 "$3" "$4.base" >/dev/null
		fio_lat "$2" 1 2 "$3" "$4.model" >/dev/null
	done
}

# compare PREFIX STAT [KIND]: the model's latency minus the baseline's (KIND
# "" for completion latencies, ".total" for total ones), by STAT:
# "median" or "iqm" (the interquartile mean: the mean of the middle half).
# The host under TCG delays a vCPU now and then (by microseconds often, by
# milliseconds rarely), the more often the longer an I/O lasts, which moves
# any mean (even a 95%-trimmed one: CI once saw +6.6% for the simple model
# where the median said +2.8%) but says nothing about the model.  The simple
# model's latency is one value, so its median is the robust figure.  The
# 970pro's is two values, LSB and MSB reads in equal parts, whose median
# falls anywhere between the two; the middle half of such a mix is the upper
# half of one and the lower half of the other, so its mean is the mix's
# mean, and delays that hit up to a quarter of the I/Os stay out of it.
compare() {
	python3 - "$@" <<'PY'
import sys
kind = sys.argv[3] if len(sys.argv) > 3 else ""
def load(k):
    return sorted(int(x) for x in open(sys.argv[1] + "." + k + kind))
def iqm(v):
    v = v[len(v) // 4: max(len(v) // 4 + 1, len(v) * 3 // 4)]
    return sum(v) // len(v)
b, m = load("base"), load("model")
for k, v in (("base", b), ("model", m)):
    print("#", k + kind, [v[len(v) * q // 100] for q in (1, 5, 10, 25, 50, 75, 90, 95, 99)], file=sys.stderr)
d = {"median": m[len(m) // 2] - b[len(b) // 2], "iqm": iqm(m) - iqm(b)}
print("# difference: median", d["median"], "interquartile mean", d["iqm"], file=sys.stderr)
print(d[sys.argv[2]])
PY
}

# lateness CTRL: the lateness line for the log.
lateness() {
	echo "lateness mean $(vssd_stat "$1" lateness_mean_ns) ns, p50 $(vssd_stat "$1" lateness_p50_ns) ns, p99 $(vssd_stat "$1" lateness_p99_ns) ns, max $(vssd_stat "$1" lateness_max_ns) ns over $(vssd_stat "$1" completions) completions; overhead p50 $(vssd_stat "$1" overhead_p50_ns) ns"
}

# within A B PERCENT: |A - B| <= B * PERCENT / 100.
within() {
	python3 -c 'import sys; a, b, p = map(float, sys.argv[1:]); sys.exit(abs(a - b) > b * p / 100)' "$@"
}

# device_fidelity CTRL MODEL_NS PERCENT: the device's own view: every timed
# command completes at its deadline (the moment its modelled latency is
# over) plus its lateness; the median lateness must stay within PERCENT of
# the modelled latency.  The engine's overhead before the timing starts is
# shown beside it, not judged.
device_fidelity() {
	local p50

	p50=$(vssd_stat "$1" lateness_p50_ns)
	log "$1: device view: median lateness $p50 ns against a modelled $2 ns (bound $3%); engine overhead p50 $(vssd_stat "$1" overhead_p50_ns) ns"
	python3 -c 'import sys; l, m, p = map(float, sys.argv[1:]); sys.exit(l > m * p / 100)' \
		"$p50" "$2" "$3" || fail "$1: median lateness $p50 ns, over $3% of the modelled $2 ns"
}

# end_to_end NAME BASE_DEV DEV PREFIX STAT WANT PERCENT: the host's view,
# fio's completion latency minus the baseline's, within PERCENT of WANT.
# A host delay that lands on one side of the pair moves the figure; such an
# attempt is reported as noise and the pair is measured again, at most three
# times in all.  Prints the last difference.
end_to_end() {
	local attempt delta

	for attempt in 1 2 3; do
		paired "$2" "$3" 256 "$4"
		delta=$(compare "$4" "$5")
		if within "$delta" "$6" "$7"; then
			echo "$delta"
			return 0
		fi
		log "$1: attempt $attempt: $delta ns over the baseline, outside $7% of $6 ns: host noise or a model error, measuring again" >&2
	done
	echo "$delta"
	return 1
}

precondition() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" oflag=direct status=none ||
		fail "preconditioning $1"
	sync "$1"
	sleep 1
}

cs=/sys/devices/system/clocksource/clocksource0
log "clocksource $(cat $cs/current_clocksource) (available: $(cat $cs/available_clocksource))"

# Baseline: the engine alone.
vssd_ctrl base model=zero $CPUS
vssd_ns base 1 size_mb=256
vssd_power_on base
bdev=$(vssd_blkdev base 1)
precondition "$bdev" 256
echo 0 >"$VSSD_CFS/base/stats"
base_iops=$(fio_lat "$bdev" 1 3 256)
log "zero model: QD1 $base_iops IOPS; $(lateness base)"
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# simple: 1 ms read latency, bandwidth out of the way.
vssd_ctrl slow model=simple $CPUS read_latency_ns=1000000 read_mbps=1000000
vssd_ns slow 1 size_mb=256
vssd_power_on slow
sdev=$(vssd_blkdev slow 1)
precondition "$sdev" 256
echo 0 >"$VSSD_CFS/slow/stats"
simple_ok=0
delta=$(end_to_end simple "$bdev" "$sdev" "$tmp/simple" median 1000000 \
	"${VSSD_SIMPLE_TOLERANCE:-2}") || simple_ok=1
# Total latencies are logged, not judged: they include the host's own
# submission call, which under TCG grows by 20-80 us when I/Os are 1 ms
# apart instead of 40 us, before the command reaches the device
# (Documentation/emulator.rst, Accuracy).
total=$(compare "$tmp/simple" median .total)
log "simple 1 ms: QD1 median completion latency minus the baseline's: $delta ns (total latency: $total ns); $(lateness slow)"
device_fidelity slow 1000000 2
[ $simple_ok = 0 ] ||
	fail "simple model: $delta ns over the baseline in three attempts, want 1 ms +- ${VSSD_SIMPLE_TOLERANCE:-2}%"

# ssd, 970pro, preconditioned: LSB and MSB pages, half each.
vssd_ctrl pro preset=970pro $CPUS
vssd_ns pro 1 size_mb=256
vssd_power_on pro
pdev=$(vssd_blkdev pro 1)
precondition "$pdev" 256
echo 0 >"$VSSD_CFS/pro/stats"
# Judged against the formula, which the model's own mean must match (1%).
formula=$((21500 + (29760 + 41760) / 2 + 5120 + 1220))
pro_ok=0
delta=$(end_to_end 970pro "$bdev" "$pdev" "$tmp/pro" iqm "$formula" \
	"${VSSD_SSD_TOLERANCE:-5}") || pro_ok=1
predicted=$(vssd_stat pro read_model_mean_ns)
within "$predicted" "$formula" 1 || fail "970pro: the model predicted $predicted ns, the formula says $formula ns"
total=$(compare "$tmp/pro" iqm .total)
log "970pro: QD1 completion latency minus the baseline's (interquartile means) $delta ns (total latency: $total ns); model mean $predicted ns; formula $formula ns; $(lateness pro)"
device_fidelity pro "$predicted" 5
[ $pro_ok = 0 ] ||
	fail "970pro: measured $delta ns over the baseline in three attempts, the model predicted $predicted ns (formula $formula ns)"

# Throughput bound by dies: tR 4 ms, nothing else costs.
for dies in 2 4; do
	vssd_ctrl "dies$dies" model=ssd $CPUS channels="$dies" \
		dies_per_channel=1 page_kb=4 pages_per_block=64 read_lsb_ns=4000000 \
		read_msb_ns=4000000 program_ns=1000 erase_ns=1000 fw_read_ns=0 \
		fw_write_ns=0 fw_write_per4k_ns=0 channel_mbps=1000000 host_mbps=1000000
	vssd_ns "dies$dies" 1 size_mb=16
	vssd_power_on "dies$dies"
	ddev=$(vssd_blkdev "dies$dies" 1)
	precondition "$ddev" 16
	echo 0 >"$VSSD_CFS/dies$dies/stats"
	# Plain fio here: completion polling would keep one I/O in flight.
	d_iops=$(fio --name=t --filename="$ddev" --ioengine=libaio --direct=1 --rw=randread \
		--bs=4k --iodepth=32 --cpus_allowed=0 --time_based --runtime=6 --randrepeat=0 --norandommap \
		--output-format=json 2>/dev/null |
		python3 -c 'import json, sys; print(int(json.load(sys.stdin)["jobs"][0]["read"]["iops"]))')
	want=$((dies * 250))
	log "$dies dies, tR 4 ms, QD32: $d_iops IOPS (model bound $want); model mean latency $(vssd_stat "dies$dies" read_model_mean_ns) ns; $(lateness "dies$dies")"
	# Never above the bound; below it only by what late completions cost
	# a closed loop under TCG.
	[ "$d_iops" -le $((want * 102 / 100)) ] || fail "$dies dies: $d_iops IOPS, above the model's bound $want"
	[ "$d_iops" -ge $((want * 85 / 100)) ] || fail "$dies dies: $d_iops IOPS, far below the model's bound $want"
	iops[$dies]=$d_iops
	echo 0 >"$VSSD_CFS/dies$dies/power"
done
ratio=$((100 * iops[4] / iops[2]))
log "4 dies / 2 dies: $ratio%"
[ "$ratio" -ge 170 ] && [ "$ratio" -le 210 ] || fail "doubling the dies gave $ratio% of the throughput"
pass
