# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the vssd selftests (sourced by every test_*.sh).
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.  Everything a test
# creates is registered with on_exit so that it is undone, in reverse order,
# however the test ends.

set -u
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

VSSD_SRC=${VSSD_SRC:-$(realpath "$(dirname "${BASH_SOURCE[0]}")/..")}
CONFIGFS=/sys/kernel/config
TEST_NAME=$(basename "$0" .sh)

_vssd_cleanups=()

log() {
	echo "# $TEST_NAME: $*"
}

# on_exit CMD...: run CMD when the test exits (last registered runs first).
on_exit() {
	_vssd_cleanups+=("$(printf '%q ' "$@")")
}

_vssd_run_cleanups() {
	local rc=$? i

	set +e
	for ((i = ${#_vssd_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_vssd_cleanups[i]}" >/dev/null 2>&1
	done
	exit $rc
}
trap _vssd_run_cleanups EXIT

fail() {
	echo "# $TEST_NAME: FAIL: $*"
	exit $KSFT_FAIL
}

skip() {
	echo "# $TEST_NAME: SKIP: $*"
	exit $KSFT_SKIP
}

pass() {
	echo "# $TEST_NAME: PASS${1:+: $*}"
	exit $KSFT_PASS
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_ok DESCRIPTION CMD...: CMD must succeed.
expect_ok() {
	local what="$1"

	shift
	"$@" || fail "$what: '$*' failed with $?"
}

# expect_fail DESCRIPTION CMD...: CMD must fail.
expect_fail() {
	local what="$1"

	shift
	if "$@"; then
		fail "$what: '$*' succeeded but should have failed"
	fi
}

require_cmd() {
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 || skip "$cmd is not installed"
	done
}

module_loaded() {
	[ -d "/sys/module/$1" ]
}

# load_module NAME [PARAMS]: modprobe it and unload it when the test ends,
# unless it was already loaded.
load_module() {
	local name="$1"

	if ! module_loaded "$name"; then
		modprobe "$@" || fail "modprobe $* failed"
		on_exit unload_module "$name"
	fi
}

unload_module() {
	local i

	module_loaded "$1" || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	rmmod "$1"
}

# kmsg_since MARK: kernel log lines printed after a line containing MARK.
kmsg_mark() {
	local mark="vssd-mark-$TEST_NAME-$RANDOM$RANDOM"

	echo "$mark" >/dev/kmsg
	echo "$mark"
}

kmsg_since() {
	dmesg | sed -n "/$1/,\$p" | tail -n +2
}

mountpoint -q "$CONFIGFS" 2>/dev/null || {
	modprobe configfs 2>/dev/null
	mount -t configfs none "$CONFIGFS" 2>/dev/null
}
