# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The verdict bookkeeping shared by tools/check.sh and tools/check-debug.sh
# (sourced, not run): check_begin OUT creates the log directory OUT and its
# results file; record VERDICT NAME adds a line and prints its TAP line;
# summary prints the one closing line and exits 0 or 1.

check_begin() {
	out="$1"
	rm -rf "$out"
	mkdir -p "$out"
	results="$out/results"
	: >"$results"
	start=$(date +%s)
}

record() {
	printf '%s\t%s\n' "$1" "$2" >>"$results"
	case $1 in
	PASS) echo "ok - $2" ;;
	SKIP) echo "ok - $2 # SKIP" ;;
	FAIL) echo "not ok - $2" ;;
	esac
}

summary() {
	local pass fail skip

	pass=$(grep -c '^PASS' "$results")
	fail=$(grep -c '^FAIL' "$results")
	skip=$(grep -c '^SKIP' "$results")
	echo "# logs: $out (wall time $(( $(date +%s) - start ))s)"
	if [ "$fail" != 0 ]; then
		echo "# failed:"
		grep '^FAIL' "$results" | cut -f2 | sed 's/^/#   /'
	fi
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit $?
}
