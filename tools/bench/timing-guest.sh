#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/run.sh timing): the timing selftest
# (selftests/test_emu_06_timing.sh) RUNS times in a row in one boot, with
# VSSD_TIMING_POLL=POLL (1, the test's default, or 0), each run's output in
# OUT/run-<n>.log and the completion latencies its end-to-end checks judged
# in OUT/samples-<n>/ (VSSD_TIMING_SAMPLES, selftests/lib_timing.sh).
set -u
out=${1:-/mnt/job/bench}
runs=${RUNS:-10}
mkdir -p "$out"
cd "$(dirname "$0")/../../selftests" || exit 1
for n in $(seq 1 "$runs"); do
	VSSD_SRC=$(realpath ..) VSSD_TIMING_POLL=${POLL:-1} VSSD_TIMING_SAMPLES=$out/samples-$n \
		timeout -k 10 1200 bash ./test_emu_06_timing.sh >"$out/run-$n.log" 2>&1
	echo "exit $?" >>"$out/run-$n.log"
	modprobe -r vssd 2>/dev/null
done
echo "bench: finished"
