# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Timing checks shared by the timing tests: QD1 latencies measured with fio
# against a baseline controller in alternating rounds of one boot and
# judged by timing_judge.py, and the emulator's own view of its deadlines.
# Source after lib.sh and lib_vssd.sh.
#
# TIMING_DIR (read or write) picks the fio direction's figures and the
# model's mean (read_model_mean_ns or write_model_mean_ns); TIMING_RW is
# fio's --rw; TIMING_FIO_ARGS are added to every fio run; TIMING_BEFORE, if
# set, is a command run before each measured fio run, with the device as
# its argument (a zone reset, say).

TIMING_DIR=${TIMING_DIR:-read}
TIMING_RW=${TIMING_RW:-randread}
TIMING_FIO_ARGS=${TIMING_FIO_ARGS:-}
TIMING_BEFORE=${TIMING_BEFORE:-}
TIMING_JUDGE="$(dirname "${BASH_SOURCE[0]}")/timing_judge.py"

# fio_lat DEV QD SECONDS SIZE_MB [LATFILE]: 4 KiB I/O (TIMING_RW); prints
# the IOPS and appends every I/O's completion latency (fio's clat: from the
# return of the submission call to the completion, ns) to LATFILE and its
# total latency (from before the submission call) to LATFILE.total.  fio
# polls for completions (batch_complete_min=0) so that a halted vCPU's
# wake-up, which costs ~100 us under TCG and has nothing to do with the
# model, stays out of every run.
fio_lat() {
	local log=/tmp/timing.$$

	[ -z "$TIMING_BEFORE" ] || $TIMING_BEFORE "$1"
	# Unquoted: TIMING_FIO_ARGS is a list of fio options, one word each.
	# shellcheck disable=SC2086
	fio --name=t --filename="$1" --ioengine=libaio --direct=1 --rw="$TIMING_RW" --bs=4k \
		--iodepth="$2" --iodepth_batch_complete_min=0 --userspace_reap --cpus_allowed=0 \
		--time_based --runtime="$3" --size="$4"M --randrepeat=0 \
		--norandommap --clocksource=clock_gettime \
		--write_lat_log="$log" --log_avg_msec=0 $TIMING_FIO_ARGS \
		--output-format=json --output="$log.json" >/dev/null 2>&1 || fail "fio on $1"
	if [ -n "${5:-}" ]; then
		cut -d, -f2 "${log}_clat.1.log" >>"$5"
		cut -d, -f2 "${log}_lat.1.log" >>"$5.total"
	fi
	python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["jobs"][0][sys.argv[2]]["iops"]))' \
		"$log.json" "$TIMING_DIR"
	rm -f "$log"*
}

# paired BASE_DEV DEV SIZE_MB PREFIX: baseline and model runs alternate four
# times, 2 s each, so that slow drifts of the host hit both alike; round R's
# latencies land in PREFIX.base.R and PREFIX.model.R.
TIMING_ROUNDS=4
paired() {
	local i

	rm -f "$4".*
	for i in $(seq 1 $TIMING_ROUNDS); do
		fio_lat "$1" 1 2 "$3" "$4.base.$i" >/dev/null
		fio_lat "$2" 1 2 "$3" "$4.model.$i" >/dev/null
	done
}

# lateness CTRL: the lateness line for the log.
lateness() {
	echo "lateness mean $(vssd_stat "$1" lateness_mean_ns) ns, p50 $(vssd_stat "$1" lateness_p50_ns) ns, p99 $(vssd_stat "$1" lateness_p99_ns) ns, max $(vssd_stat "$1" lateness_max_ns) ns over $(vssd_stat "$1" completions) completions, $(vssd_stat "$1" early_completions) early; overhead p50 $(vssd_stat "$1" overhead_p50_ns) ns, p99 $(vssd_stat "$1" overhead_p99_ns) ns"
}

# within A B PERCENT: |A - B| <= B * PERCENT / 100.
within() {
	python3 -c 'import sys; a, b, p = map(float, sys.argv[1:]); sys.exit(abs(a - b) > b * p / 100)' "$@"
}

# never_early CTRL: no completion was posted before its deadline.
never_early() {
	local early

	early=$(vssd_stat "$1" early_completions)
	[ "$early" = 0 ] || fail "$1: $early completions posted before their deadline"
}

# model_mean CTRL: the model's mean latency for TIMING_DIR, ns.
model_mean() {
	vssd_stat "$1" "${TIMING_DIR}_model_mean_ns"
}

# device_fidelity CTRL MODEL_NS PERCENT: the device's own view: every timed
# command completes at its deadline plus its lateness; the median lateness
# must stay within PERCENT of the modelled latency.  The engine's overhead
# before the timing starts is shown beside it, not judged: the deadline is
# counted from the data move, so it adds to the model's latency.
device_fidelity() {
	local p50

	never_early "$1"
	p50=$(vssd_stat "$1" lateness_p50_ns)
	log "$1: device view: median lateness $p50 ns (p99 $(vssd_stat "$1" lateness_p99_ns) ns) against a modelled $2 ns (bound $3%); engine overhead p50 $(vssd_stat "$1" overhead_p50_ns) ns"
	python3 -c 'import sys; l, m, p = map(float, sys.argv[1:]); sys.exit(l > m * p / 100)' \
		"$p50" "$2" "$3" || fail "$1: median lateness $p50 ns, over $3% of the modelled $2 ns"
}

# keep_samples NAME PREFIX ATTEMPT RC MODEL_NS BASE_NS PERCENT [JUDGE_ARGS]:
# with VSSD_TIMING_SAMPLES set (make bench BENCH=timing), a copy of the
# completion latencies that the judge read for an end-to-end attempt
# (PREFIX.base.R and PREFIX.model.R) and of what it was told (params), in
# VSSD_TIMING_SAMPLES/NAME/, for tools/bench/plot.py; a later attempt
# replaces an earlier one.  Judges nothing and never fails the test.
keep_samples() {
	local dir i

	[ -n "${VSSD_TIMING_SAMPLES:-}" ] || return 0
	dir=$VSSD_TIMING_SAMPLES/${1// /_}
	(
		rm -rf "$dir" && mkdir -p "$dir" || exit 1
		for i in $(seq 1 $TIMING_ROUNDS); do
			cp "$2.base.$i" "$dir/base.$i" && cp "$2.model.$i" "$dir/model.$i" || exit 1
		done
		printf 'name %s\nattempt %s\nrc %s\nrounds %s\nmodel_ns %s\nbase_ns %s\npercent %s\nargs %s\n' \
			"$1" "$3" "$4" "$TIMING_ROUNDS" "$5" "$6" "$7" "${*:8}" >"$dir/params"
	) 2>/dev/null || log "$1: could not keep the latency samples in $dir"
	return 0
}

# end_to_end NAME BASE_CTRL BASE_DEV CTRL DEV PREFIX PERCENT [JUDGE_ARGS]:
# the host's view, up to three attempts (timing_judge.py; E2E_ATTEMPTS
# for fewer, for a case measured and reported but not judged).  Returns 0
# when an attempt passed, 1 when none did and one was judged, 3 when every
# attempt was too noisy to judge.
end_to_end() {
	local name=$1 bctrl=$2 bdev=$3 ctrl=$4 dev=$5 prefix=$6 pct=$7
	local attempt verdict rc judged_fail=0 model_ns base_ns

	shift 7
	case "${E2E_ATTEMPTS:-3}" in
	1 | 2 | 3) ;;
	*) fail "$name: E2E_ATTEMPTS must be 1, 2 or 3, not '$E2E_ATTEMPTS'" ;;
	esac
	for attempt in $(seq 1 "${E2E_ATTEMPTS:-3}"); do
		echo 0 >"$VSSD_CFS/$bctrl/stats"
		echo 0 >"$VSSD_CFS/$ctrl/stats"
		paired "$bdev" "$dev" 256 "$prefix"
		model_ns=$(model_mean "$ctrl")
		base_ns=$(model_mean "$bctrl")
		verdict=$(python3 "$TIMING_JUDGE" --prefix "$prefix" --rounds $TIMING_ROUNDS \
			--model-ns "$model_ns" --base-ns "$base_ns" --percent "$pct" \
			--overhead-base "$(vssd_stat "$bctrl" overhead_p50_ns)" \
			--overhead-model "$(vssd_stat "$ctrl" overhead_p50_ns)" "$@")
		rc=$?
		log "$name: end to end, attempt $attempt: $verdict"
		log "$name: total latency (not judged): $(python3 "$TIMING_JUDGE" --prefix "$prefix" \
			--rounds $TIMING_ROUNDS --model-ns "$model_ns" --base-ns "$base_ns" \
			--percent "$pct" --kind .total \
			--overhead-base 0 --overhead-model 0 "$@" 2>/dev/null)"
		log "$name: $(lateness "$ctrl")"
		keep_samples "$name" "$prefix" "$attempt" "$rc" "$model_ns" "$base_ns" "$pct" "$@"
		never_early "$bctrl"
		never_early "$ctrl"
		case $rc in
		0) return 0 ;;
		1) judged_fail=1 ;;
		3) ;;
		*) fail "$name: timing_judge.py failed ($rc)" ;;
		esac
	done
	[ $judged_fail = 0 ] && return 3
	return 1
}

# report_end_to_end NAME RC: the verdict of end_to_end for the log.
report_end_to_end() {
	case $2 in
	0) ;;
	3) log "$1: end to end NOT JUDGED: the host's noise exceeded the bound in all three attempts (lines above); the device view stands" ;;
	*) fail "$1: end to end outside its bound in every attempt (lines above)" ;;
	esac
}
