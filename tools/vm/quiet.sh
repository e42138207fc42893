#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# While several test VMs share the machine (make check runs one per kernel
# at once), give a test that measures time the machine to itself: a guest
# asks by creating quiet.want in its job directory (selftests/lib.sh,
# quiet_machine); this pauses every other running guest (QMP stop: their
# clocks stop with them, so they notice nothing), answers with
# quiet.granted, and resumes them (QMP cont) when quiet.want is gone or its
# guest has ended.  One guest at a time; the others wait for their turn.
# A paused guest's heartbeat is kept fresh so that its vm.sh does not take
# the pause for a hang.  Runs until killed; on exit resumes what it paused.
#
# usage: quiet.sh JOBGLOB    (job directories, e.g. '.build/vm/selftests-*')
set -u
here=$(dirname "$0")
glob="$1"
holder="" paused=()

running() {
	[ -S "$1/qmp.sock" ]
}

resume_all() {
	local d

	for d in "${paused[@]}"; do
		"$here/qmp.py" "$d/qmp.sock" cont 2>/dev/null
	done
	paused=()
}

release() {
	rm -f "$holder/quiet.granted"
	resume_all
	echo "# quiet.sh: $(date +%T) resumed the other guests after $(basename "$holder")"
	holder=""
}
trap 'resume_all; [ -z "$holder" ] || rm -f "$holder/quiet.granted"; exit 0' TERM INT EXIT

while sleep 0.5; do
	if [ -n "$holder" ]; then
		if [ ! -e "$holder/quiet.want" ] || ! running "$holder"; then
			release
		fi
	fi
	if [ -z "$holder" ]; then
		# The oldest request first.
		oldest="" oldest_t=""
		for want in $glob/quiet.want; do
			[ -e "$want" ] && running "$(dirname "$want")" || continue
			t=$(stat -c %.Y "$want" 2>/dev/null) || continue
			if [ -z "$oldest" ] || [[ "$t" < "$oldest_t" ]]; then
				oldest=$want oldest_t=$t
			fi
		done
		if [ -n "$oldest" ]; then
			holder=$(dirname "$oldest")
			echo "# quiet.sh: $(date +%T) $(basename "$holder") measures ($(cat "$oldest" 2>/dev/null)): pausing the other guests"
		fi
	fi
	[ -n "$holder" ] || continue
	# Every other running guest paused, guests booted since included.
	for d in $glob; do
		[ -d "$d" ] && [ "$d" != "$holder" ] && running "$d" || continue
		case " ${paused[*]} " in
		*" $d "*) touch "$d/heartbeat" ;;
		*) "$here/qmp.py" "$d/qmp.sock" stop 2>/dev/null && paused+=("$d") ;;
		esac
	done
	[ -e "$holder/quiet.granted" ] || touch "$holder/quiet.granted"
done
