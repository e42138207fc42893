#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests (selftests/Makefile TEST_PROGS) in the VM, one boot for
# all of them.  A test that hangs or crashes the guest is failed with the tail
# of the console, and the tests after it run in a fresh boot.
#
# usage: run-selftests.sh [--tests GLOB] [--results FILE] [--logs DIR] [--kernel SERIES]
#   --results  append "PASS|FAIL|SKIP<TAB>vm/NAME" lines to FILE
#   --logs     keep each test's log and kernel log in DIR (default .build/check/vm)
#   --kernel   name the tests vm/SERIES/NAME (make check runs the suite on
#              each kernel; KDIR chooses the kernel)
# Environment: VSSD_TIMEOUT_SCALE multiplies the per-test timeout of
# selftests/settings (default 1; make check-debug uses 4); VSSD_VM_KO is
# where vssd's modules are (default the top of the tree).
set -u
top=$(realpath "$(dirname "$0")/../..")
# shellcheck source=tools/vm/job.sh
. "$top/tools/vm/job.sh"

glob="*" results=/dev/null logs="$top/.build/check/vm" prefix=vm jobname=selftests
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) glob="$2"; shift 2 ;;
	--results) results="$2"; shift 2 ;;
	--logs) logs="$2"; shift 2 ;;
	--kernel) prefix="vm/$2" jobname="selftests-$2"; shift 2 ;;
	*) echo "run-selftests.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

scratch_size=512M
timeout=$(sed -n 's/^timeout=//p' "$top/selftests/settings")
timeout=$(( ${timeout:-600} * ${VSSD_TIMEOUT_SCALE:-1} ))
# A longer fuzzing time and another seed (test_tcp_08_fuzz) reach the
# guest, and the per-test limit grows with the time.
fuzz_seconds=${VSSD_FUZZ_SECONDS:-}
if [ -n "$fuzz_seconds" ] && [ "$timeout" -lt $((fuzz_seconds + 300)) ]; then
	timeout=$((fuzz_seconds + 300))
fi
remaining=()
read -ra globs <<<"$glob"	# one glob or several, separated by spaces
for name in $(make -s -C "$top/selftests" list); do
	for g in "${globs[@]}"; do
		# Unquoted: each of TESTS's globs matches as a glob.
		# shellcheck disable=SC2254
		case "$name" in $g) remaining+=("$name"); break ;; esac
	done
done
if [ ${#remaining[@]} = 0 ]; then
	echo "# no VM selftest matches '$glob'"
	exit 0
fi

rm -rf "$logs"
mkdir -p "$logs"
make -s -C "$top/selftests" helpers || { echo "# building the test helpers failed"; exit 1; }
failed=0 boot=0
report() {
	local verdict="$1" name="$2"

	printf '%s\t%s/%s\n' "$verdict" "$prefix" "$name" >>"$results"
	case $verdict in
	PASS) echo "ok - $prefix/$name" ;;
	SKIP) echo "ok - $prefix/$name # SKIP $(grep -m1 'SKIP:' "$logs/$name.log" 2>/dev/null | sed 's/.*SKIP: //')" ;;
	FAIL) echo "not ok - $prefix/$name"
	      failed=$((failed + 1))
	      [ -f "$logs/$name.log" ] && tail -n 40 "$logs/$name.log" | sed 's/^/#   /' ;;
	esac
}

while [ ${#remaining[@]} -gt 0 ]; do
	boot=$((boot + 1))
	job="$top/.build/vm/$jobname.$boot"
	vm_job_new "$job" tests || exit 1
	# A blank scratch disk per boot, for tests that check what reaches a
	# real disk (serial vssd-scratch).
	rm -f "$job/scratch.img"
	truncate -s "$scratch_size" "$job/scratch.img"
	vm_job_set "$job" VSSD_TESTS "${remaining[*]}"
	vm_job_set "$job" VSSD_TIMEOUT "$timeout"
	[ -z "${HOSTILE_CASES:-}" ] || vm_job_set "$job" HOSTILE_CASES "$HOSTILE_CASES"
	[ -z "$fuzz_seconds" ] || echo "export VSSD_FUZZ_SECONDS=$((fuzz_seconds))" >>"$job/job.env"
	[ -z "${VSSD_FUZZ_SEED:-}" ] || echo "export VSSD_FUZZ_SEED=$((VSSD_FUZZ_SEED))" >>"$job/job.env"
	echo "# booting the VM for ${#remaining[@]} test(s)"
	# Each test's verdict as the guest writes it, while the VM runs; the
	# final ones (with the kmemleak scan and host-side checks) follow.
	: >"$job/results"
	(
		tail -n +1 -F "$job/results" 2>/dev/null | while read -r verdict name; do
			case $verdict in
			ok|fail|skip) echo "# $(date +%T) $name: $verdict" ;;
			esac
		done
	) &
	watcher=$!
	trap 'pkill -P "$watcher" -x tail 2>/dev/null' EXIT
	"$top/tools/vm/vm.sh" --job "$job" \
		--timeout $(( (timeout + 60) * ${#remaining[@]} + 300 )) \
		--idle-timeout $((timeout + 120)) \
		--qemu-arg -drive \
		--qemu-arg "file=$job/scratch.img,if=none,id=scratch,format=raw,cache=writeback" \
		--qemu-arg -device --qemu-arg "virtio-blk-pci,drive=scratch,serial=vssd-scratch"
	vm_rc=$?
	pkill -P "$watcher" -x tail 2>/dev/null
	wait "$watcher" 2>/dev/null
	trap - EXIT

	declare -A done_tests=()
	post_checks=()
	started=""
	while read -r verdict name; do
		case $verdict in
		begin) started="$name" ;;
		ok|fail|skip)
			done_tests[$name]=1
			started=""
			cp "$job/logs/$name.log" "$job/logs/$name.dmesg" "$logs/" 2>/dev/null
			cp "$job/logs/$name.kmemleak" "$logs/" 2>/dev/null
			case $verdict in
			ok) if [ -x "$top/selftests/${name%.sh}.host-check" ]; then
				post_checks+=("$name")
			    else
				report PASS "$name"
			    fi ;;
			skip) report SKIP "$name" ;;
			fail) report FAIL "$name" ;;
			esac
			;;
		esac
	done <"$job/results" 2>/dev/null

	# Checks that need the guest off (what reached its disks).
	for name in "${post_checks[@]}"; do
		if "$top/selftests/${name%.sh}.host-check" "$job" >>"$logs/$name.log" 2>&1; then
			report PASS "$name"
		else
			echo "# the host-side check after power-off failed" >>"$logs/$name.log"
			report FAIL "$name"
		fi
	done
	post_checks=()

	if [ -n "$started" ]; then
		# The guest died or hung inside this test.
		done_tests[$started]=1
		{
			cat "$job/logs/$started.log" 2>/dev/null
			echo "# the guest hung or crashed in this test (vm.sh exit $vm_rc); console tail:"
			tail -n 60 "$job/console.log"
		} >"$logs/$started.log"
		report FAIL "$started"
	fi

	next=()
	for name in "${remaining[@]}"; do
		[ -n "${done_tests[$name]:-}" ] || next+=("$name")
	done
	if [ ${#next[@]} = ${#remaining[@]} ]; then
		# Not even one test started: the guest does not boot.
		echo "# the guest ran no test; console tail:"
		tail -n 40 "$job/console.log" | sed 's/^/#   /'
		for name in "${remaining[@]}"; do
			report FAIL "$name"
		done
		break
	fi
	remaining=("${next[@]}")
	unset done_tests
done
[ $failed = 0 ]
