#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the VM selftests on a kernel with the kernel's own
# checkers (KASAN, lockdep, kmemleak, UBSAN, debug objects and lists, fault
# injection; Documentation/testing.rst, "The debug kernel").
#   1. install missing packages (tools/deps.sh debug)
#   2. build the debug kernel, or take it from the cache (tools/debug/kernel.sh)
#   3. build both modules against it, with -g; any compiler warning fails
#   4. the VM selftests on it (tools/vm/run-selftests.sh), its own modules
#      seen by the guest, every KASAN report printed (kasan_multi_shot), PCI
#      interrupt routing without ACPI (pci=noacpi: the instrumented AML
#      interpreter runs into its 30 s loop timeout under TCG), no IO-APIC
#      timer check (no_timer_check), the stock host without
#      native multipath (nvme_core.multipath=N: its disconnect path in 6.1
#      reports a lockdep cycle of its own, open_mutex against
#      partition_scan_work), the timeouts of selftests/settings times 4
# and ends with "N passed, N failed, N skipped"; exit 1 on any failure.
# The modules left in the tree are the debug build (make rebuilds them).
#
# usage: check-debug.sh [--tests GLOB]
set -u
top=$(realpath "$(dirname "$0")/..")
cd "$top" || exit 1
glob="*"
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) glob="$2"; shift 2 ;;
	*) echo "check-debug.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# shellcheck source=tools/check-lib.sh
. "$top/tools/check-lib.sh"
check_begin "$top/.build/check-debug"

echo "# 1/4 dependencies"
if ! "$top/tools/deps.sh" debug; then
	record FAIL "deps: install the Debian packages"
	summary
fi

echo "# 2/4 debug kernel"
kstart=$(date +%s)
if kernel=$("$top/tools/debug/kernel.sh" 2>"$out/kernel.log"); then
	cat "$out/kernel.log"
	echo "# $kernel ($(cat "$kernel/release"), built in $(cat "$kernel/build-seconds")s;" \
		"this run: $(( $(date +%s) - kstart ))s)"
	record PASS "debug-kernel: build or cache"
else
	cat "$out/kernel.log"
	record FAIL "debug-kernel: build or cache"
	summary
fi

echo "# 3/4 build against the debug kernel"
make -s clean KDIR="$kernel/build" >/dev/null 2>&1
if make modules KDIR="$kernel/build" KCFLAGS=-g >"$out/build.log" 2>&1; then
	record PASS "debug-build: both modules"
	if grep -E '(warning|error):' "$out/build.log" >"$out/build-warnings.log"; then
		sed 's/^/#   /' "$out/build-warnings.log"
		record FAIL "debug-build: no compiler warnings"
	else
		record PASS "debug-build: no compiler warnings"
	fi
else
	tail -n 40 "$out/build.log" | sed 's/^/#   /'
	record FAIL "debug-build: both modules"
	summary
fi

echo "# 4/4 VM selftests on the debug kernel"
KDIR="$kernel/build" VSSD_VM_KERNEL="$kernel/bzImage" VSSD_VM_MODULES="$kernel/mods" \
	VSSD_KERNEL_DEBUG=1 VSSD_VM_MEM="${VSSD_VM_MEM:-5120}" \
	VSSD_VM_APPEND="kasan_multi_shot pci=noacpi no_timer_check nvme_core.multipath=N${VSSD_VM_APPEND:+ $VSSD_VM_APPEND}" \
	VSSD_TIMEOUT_SCALE="${VSSD_TIMEOUT_SCALE:-4}" \
	"$top/tools/vm/run-selftests.sh" --tests "$glob" --results "$results" --logs "$out/vm"
summary
