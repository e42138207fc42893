#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run each named libFuzzer target (built in build/) for FUZZ_SECONDS with
# seed FUZZ_SEED, starting from its seeds in corpus/<target>/; new inputs go
# to FUZZ_WORK/<target>/corpus, crash reproducers to FUZZ_WORK/<target>/.
# Prints one TAP line per target with executions and coverage; a crash, leak
# or timeout fails the target and prints the reproducer and how to rerun it.
# FUZZ_JOBS (default: the number of CPUs) targets run at once.
#
# usage: run.sh TARGET...
set -u
here=$(realpath "$(dirname "$0")")
secs=${FUZZ_SECONDS:-25}
seed=${FUZZ_SEED:-1}
work=${FUZZ_WORK:-$here/build/work}
max_jobs=${FUZZ_JOBS:-$(nproc)}
[ "$max_jobs" -ge 1 ] 2>/dev/null || max_jobs=1

# fuzz_one N TARGET: run it, write its TAP lines to its result file and
# exit 0 when it passed.
fuzz_one() {
	local n="$1" target="$2" bin="$here/build/$2" dir="$work/$2"
	local log="$work/$2/fuzz.log" max_len rc execs cov summary repro

	max_len=$(sed -n 's|^// fuzz-max-len: ||p' "$here/$target.c")
	mkdir -p "$dir/corpus"
	# Reproducers of earlier runs stay, and are not listed as this run's.
	touch "$dir/.started"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		"$bin" -seed="$seed" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len="${max_len:-4096}" \
		-print_final_stats=1 -artifact_prefix="$dir/" \
		"$dir/corpus" "$here/corpus/$target" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
	summary="${execs:-0} runs in ${secs}s, ${cov:-no coverage line}"
	if [ $rc = 0 ]; then
		echo "ok $n - fuzz/${target#fuzz_} # $summary" >"$dir/result"
		return 0
	fi
	{
		echo "not ok $n - fuzz/${target#fuzz_}"
		grep -E 'ERROR: |runtime error|invariant violated|SUMMARY' "$log" | head -n 5 |
			sed 's/^/#   /'
		for repro in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
			[ "$repro" -nt "$dir/.started" ] || continue
			echo "#   reproducer: $repro ($(xxd -p "$repro" | tr -d '\n' | head -c 200))"
			echo "#   rerun: $bin $repro"
		done
		echo "#   log: $log"
	} >"$dir/result"
	return 1
}

# FUZZ_JOBS targets at a time (default: one per CPU; each is one process),
# the results printed in the order named.
n=0
for target in "$@"; do
	n=$((n + 1))
	mkdir -p "$work/$target"
	rm -f "$work/$target/result"
	while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do
		wait -n
	done
	fuzz_one "$n" "$target" &
done
wait
fails=0 n=0
for target in "$@"; do
	n=$((n + 1))
	if [ -s "$work/$target/result" ]; then
		cat "$work/$target/result"
	else
		echo "not ok $n - fuzz/${target#fuzz_} # no result"
	fi
	grep -q '^ok ' "$work/$target/result" 2>/dev/null || fails=$((fails + 1))
done
[ $fails = 0 ]
