#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run each named libFuzzer target (built in build/) for FUZZ_SECONDS with
# seed FUZZ_SEED, starting from its seeds in corpus/<target>/; new inputs go
# to FUZZ_WORK/<target>/corpus, crash reproducers to FUZZ_WORK/<target>/.
# Prints one TAP line per target with executions and coverage; a crash, leak
# or timeout fails the target and prints the reproducer and how to rerun it.
#
# usage: run.sh TARGET...
set -u
here=$(realpath "$(dirname "$0")")
secs=${FUZZ_SECONDS:-25}
seed=${FUZZ_SEED:-1}
work=${FUZZ_WORK:-$here/build/work}
n=0 fails=0

for target in "$@"; do
	n=$((n + 1))
	bin="$here/build/$target"
	dir="$work/$target"
	log="$dir/fuzz.log"
	max_len=$(sed -n 's|^// fuzz-max-len: ||p' "$here/$target.c")
	mkdir -p "$dir/corpus"
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
		echo "ok $n - fuzz/${target#fuzz_} # $summary"
		continue
	fi
	fails=$((fails + 1))
	echo "not ok $n - fuzz/${target#fuzz_}"
	grep -E 'ERROR: |runtime error|invariant violated|SUMMARY' "$log" | head -n 5 | sed 's/^/#   /'
	for repro in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
		[ -e "$repro" ] || continue
		echo "#   reproducer: $repro ($(xxd -p "$repro" | tr -d '\n' | head -c 200))"
		echo "#   rerun: $bin $repro"
	done
	echo "#   log: $log"
done
[ $fails = 0 ]
