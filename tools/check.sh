#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything from a fresh Debian 12 machine to one summary line.
#   1. install missing packages (tools/deps.sh)
#   2. build both modules from clean; any compiler warning fails
#   3. userspace unit tests (selftests/unit, ASan + UBSan) and a bounded
#      libFuzzer run of the pure code (selftests/fuzz, about 2 minutes)
#   4. host tests (selftests/host: build checks, DKMS install)
#   5. the VM selftests (selftests/, one guest boot)
# and ends with "N passed, N failed, N skipped"; exit 1 on any failure.
#
# usage: check.sh [--tests GLOB]   (GLOB matches host and VM test names)
set -u
top=$(realpath "$(dirname "$0")/..")
cd "$top" || exit 1
glob="*"
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) glob="$2"; shift 2 ;;
	*) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# shellcheck source=tools/check-lib.sh
. "$top/tools/check-lib.sh"
check_begin "$top/.build/check"

# TESTS is one glob or several, separated by spaces.
read -ra globs <<<"$glob"
matches() {
	local g

	for g in "${globs[@]}"; do
		# Unquoted: each of TESTS's globs matches as a glob.
		# shellcheck disable=SC2254
		case "$1" in $g) return 0 ;; esac
	done
	return 1
}

echo "# 1/5 dependencies"
if ! "$top/tools/deps.sh"; then
	record FAIL "deps: install the Debian packages"
	summary
fi

echo "# 2/5 build"
make -s clean >/dev/null 2>&1
if make modules >"$out/build.log" 2>&1; then
	record PASS "build: both modules"
	if grep -E '(warning|error):' "$out/build.log" >"$out/build-warnings.log"; then
		sed 's/^/#   /' "$out/build-warnings.log"
		record FAIL "build: no compiler warnings"
	else
		record PASS "build: no compiler warnings"
	fi
else
	tail -n 40 "$out/build.log" | sed 's/^/#   /'
	record FAIL "build: both modules"
	summary
fi

echo "# 3/5 unit tests and fuzzing"
if matches unit; then
	make -s -C selftests/unit run >"$out/unit.log" 2>&1
	unit_rc=$?
	cat "$out/unit.log"
	while read -r line; do
		case "$line" in
		"ok "*"# SKIP"*) record SKIP "unit/${line#ok * - }" ;;
		"ok "*) record PASS "unit/${line#ok * - }" ;;
		"not ok "*) record FAIL "unit/${line#not ok * - }" ;;
		esac
	done < <(grep -E '^(not )?ok ' "$out/unit.log" | sed 's/ # SKIP.*/ # SKIP/')
	[ $unit_rc = 0 ] || grep -q '^not ok' "$out/unit.log" || record FAIL "unit: the unit test build or run"
fi
# A bounded libFuzzer run of each target (selftests/fuzz), from the seeds
# with a fixed seed; with the unit tests, or alone with TESTS=fuzz.
if matches unit || matches fuzz; then
	make -s -C selftests/fuzz run FUZZ_WORK="$out/fuzz" >"$out/fuzz.log" 2>&1
	fuzz_rc=$?
	cat "$out/fuzz.log"
	while read -r line; do
		case "$line" in
		"ok "*) record PASS "${line#ok * - }" ;;
		"not ok "*) record FAIL "${line#not ok * - }" ;;
		esac
	done < <(grep -E '^(not )?ok ' "$out/fuzz.log" | sed 's/ # .*//')
	if [ $fuzz_rc != 0 ] && ! grep -q '^not ok' "$out/fuzz.log"; then
		record FAIL "fuzz: build the libFuzzer targets (clang-14, libclang-rt-14-dev: tools/deps.sh)"
	fi
fi

echo "# 4/5 host tests"
for test in selftests/host/test_*.sh; do
	name=$(basename "$test")
	matches "$name" || continue
	VSSD_SRC="$top" timeout 1200 bash "$test" >"$out/host-$name.log" 2>&1
	case $? in
	0) record PASS "host/$name" ;;
	4) record SKIP "host/$name" ;;
	*) tail -n 30 "$out/host-$name.log" | sed 's/^/#   /'
	   record FAIL "host/$name" ;;
	esac
done

echo "# 5/5 VM selftests"
"$top/tools/vm/run-selftests.sh" --tests "$glob" --results "$results" --logs "$out/vm"
summary
