#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything from a fresh Debian 12 machine to one summary line,
# on both of Debian 12's kernels (6.1 and 6.12, tools/build/kernels.sh):
#   1. install missing packages (tools/deps.sh), both kernels included
#   2. build both modules from clean for each kernel; any compiler warning
#      fails
#   3. userspace unit tests (selftests/unit, ASan + UBSan) and a bounded
#      libFuzzer run of the pure code (selftests/fuzz, about 80 s)
#   4. host tests (selftests/host: build checks, DKMS install); those that
#      depend on the kernel run for each (host/SERIES/NAME)
#   5. the VM selftests (selftests/) on each kernel, one guest boot each,
#      one kernel after the other (vm/SERIES/NAME)
# and ends with "N passed, N failed, N skipped"; exit 1 on any failure.
#
# usage: check.sh [--tests GLOB] [--kernels "SERIES..."]
#   GLOB matches host and VM test names; --kernels (default: "6.1 6.12",
#   also KERNELS= of make check) limits the run to those kernels.
set -u
top=$(realpath "$(dirname "$0")/..")
cd "$top" || exit 1
glob="*" kernel_list="6.1 6.12"
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) glob="$2"; shift 2 ;;
	--kernels) kernel_list="$2"; shift 2 ;;
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

# The kernels: SERIES and KDIR of each whose headers are installed.
series=() kdirs=()
# shellcheck disable=SC2086
while read -r s kdir; do
	if [ "$kdir" = - ]; then
		record FAIL "kernel $s: headers installed (tools/deps.sh installs linux-headers-$s-amd64)"
		continue
	fi
	series+=("$s")
	kdirs+=("$kdir")
done < <("$top/tools/build/kernels.sh" $kernel_list)
[ ${#series[@]} -gt 0 ] || summary

# build_for I: build both modules from clean for kernel I, into LOG.
build_for() {
	make -s clean >/dev/null 2>&1
	make -j"$(nproc)" modules KDIR="${kdirs[$1]}" >"$2" 2>&1
}

echo "# 2/5 build"
built=()
for i in "${!series[@]}"; do
	s=${series[$i]}
	log="$out/build-$s.log"
	if build_for "$i" "$log"; then
		record PASS "build/$s: both modules"
		built+=("$i")
		# Staged for that kernel's guests (step 5).
		mkdir -p "$out/ko/$s"
		cp vssd.ko vssd_tcp.ko "$out/ko/$s/"
		if grep -E '(warning|error):' "$log" >"$out/build-$s-warnings.log"; then
			sed 's/^/#   /' "$out/build-$s-warnings.log"
			record FAIL "build/$s: no compiler warnings"
		else
			record PASS "build/$s: no compiler warnings"
		fi
	else
		tail -n 40 "$log" | sed 's/^/#   /'
		record FAIL "build/$s: both modules"
	fi
done
[ ${#built[@]} -gt 0 ] || summary

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

# Host tests that depend on the kernel (they read KDIR) run for each.
per_kernel=" test_dkms_conf.sh test_make_clean.sh test_nvmet_header.sh "

# host_test NAME TEST [KDIR]: run one host test, record it as NAME.
host_test() {
	local name="$1" test="$2" log

	log=${name#host/}
	log="$out/host-${log//\//-}.log"
	# KERNELS: the kernels of this run, for the tests that cover them all
	# (test_dkms_install); KDIR: the kernel of a per-kernel test.
	if [ -n "${3:-}" ]; then
		KDIR="$3" VSSD_SRC="$top" timeout 1200 bash "$test" >"$log" 2>&1
	else
		KERNELS="$kernel_list" VSSD_SRC="$top" timeout 1200 bash "$test" >"$log" 2>&1
	fi
	case $? in
	0) record PASS "$name" ;;
	4) record SKIP "$name" ;;
	*) tail -n 30 "$log" | sed 's/^/#   /'
	   record FAIL "$name" ;;
	esac
}

echo "# 4/5 host tests"
for test in selftests/host/test_*.sh; do
	name=$(basename "$test")
	matches "$name" || continue
	case "$per_kernel" in *" $name "*) continue ;; esac
	host_test "host/$name" "$test"
done
# (The tree holds the last kernel's build; what these tests compare with
# it, the modules' srcversion, does not depend on the kernel.)
for i in "${built[@]}"; do
	for name in $per_kernel; do
		matches "$name" || continue
		host_test "host/${series[$i]}/$name" "selftests/host/$name" "${kdirs[$i]}"
	done
done

echo "# 5/5 VM selftests"
make -s -C selftests helpers >/dev/null || record FAIL "vm: build the test helpers"
first=""
for i in "${built[@]}"; do
	s=${series[$i]}
	echo "# kernel $s (KDIR=${kdirs[$i]})"
	envs=(KDIR="${kdirs[$i]}" VSSD_VM_KO="$out/ko/$s")
	# The NVMe/TCP fuzzer draws other cases on the kernels after the first.
	if [ -z "$first" ]; then
		first=$s
	elif [ -z "${VSSD_FUZZ_SEED:-}" ]; then
		envs+=(VSSD_FUZZ_SEED=20261207)
	fi
	env "${envs[@]}" "$top/tools/vm/run-selftests.sh" --tests "$glob" --results "$results" \
		--logs "$out/vm/$s" --kernel "$s"
	rc=$?
	# A runner that could not even start a guest wrote no verdict.
	if [ $rc != 0 ] && ! grep -q "vm/$s/" "$results"; then
		record FAIL "vm/$s: the VM selftests did not run (exit $rc)"
	fi
done
summary
