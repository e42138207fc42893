#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers the benchmarks' guest scripts (tools/bench/*-guest.sh) share;
# sourced, not run.

# nqn_device NQN: the host's block device of namespace 1 of the controller
# connected to subsystem NQN, waited for up to 10 s (the host scans
# namespaces in the background).  The name may change when the controller
# is connected again: look it up after every connect.
nqn_device() {
	local c p dev=""

	for _ in $(seq 20); do
		for c in /sys/class/nvme/nvme*; do
			[ "$(cat "$c/subsysnqn" 2>/dev/null)" = "$1" ] || continue
			for p in "$c"/nvme*n1; do
				dev=/dev/$(basename "$p" | sed 's/c[0-9]*n/n/')
			done
		done
		[ -b "$dev" ] && { echo "$dev"; return 0; }
		sleep 0.5
	done
	return 1
}
